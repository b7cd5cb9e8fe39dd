"""A text a teacher adds is theirs until an admin publishes it: everyone else meets a 404 (or the very
response a missing text gives) on its page and sub-URLs, for pages and htmx fragments, and its title is
in no one else's page, filter or drop-down. The shipped bank texts stay public."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from quizzes.models import Assignment, Classroom, Enrollment, Passage, Question, Source
from tests import factory

HX = {"HX-Request": "true"}
TITLE = "Zanzibar Confidential Notes"
TEXT = (
    "Zanzibar vectors are experimental carriers studied by one lab only.\n\n"
    "They stay in the cytoplasm and never reach the nucleus of the cell."
)


@pytest.fixture
def people(db, teacher):
    """Who may ask: the text's owner, one of their learners, another learner and teacher, an admin."""
    own_learner = factory.make_user("lina", factory.Role.LEARNER)
    classroom = Classroom.objects.create(teacher=teacher, name="Bio")
    Enrollment.objects.create(classroom=classroom, learner=own_learner)
    return {
        "anonymous": None,
        "learner": own_learner,
        "other_learner": factory.make_user("otto", factory.Role.LEARNER),
        "other_teacher": factory.make_user("tess", factory.Role.TEACHER),
        "owner": teacher,
        "admin": factory.make_user("ada", factory.Role.ADMIN),
    }


@pytest.fixture
def secret(people):
    """A text the teacher added through the app (not published), with one of their own questions on it,
    in one of their quiz sets assigned to their class."""
    owner = Client()
    owner.force_login(people["owner"])
    r = owner.post("/texts/new/", {"title": TITLE, "language": "en", "text": TEXT})
    assert r.status_code == 302, r.content.decode()[:500]
    source = Source.objects.get(title=TITLE)
    assert source.owner == people["owner"]
    question = factory.make_question(
        "t-own-1",
        source=source,
        passage="They stay in the cytoplasm",
        prompt="Where do Zanzibar vectors stay?",
        explanation="In the cytoplasm, never the nucleus.",
        owner=people["owner"],
        choices=[("Cytoplasm", True), ("Nucleus", False)],
    )
    quizset = factory.make_quizset("t-set", [question], title="Tom's cytoplasm quiz", owner=people["owner"])
    Assignment.objects.create(
        classroom=Classroom.objects.get(teacher=people["owner"]),
        quizset=quizset,
        due_at=timezone.now() + timezone.timedelta(days=7),
    )
    return source


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ALLOWED = {"owner", "admin"}


def requests_for(key: str) -> list[tuple[str, str]]:
    return [
        ("get", f"/sources/{key}/"),
        ("post", f"/sources/{key}/study/"),
        ("get", f"/texts/{key}/derive/"),
        ("post", f"/texts/{key}/derive/"),
    ]


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_learner", "other_teacher"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_text_and_its_sub_urls_are_as_missing_for_everyone_else(people, secret, who, headers):
    client = client_for(people[who])
    for method, url in requests_for(secret.key):
        missing_url = url.replace(secret.key, "no-such-text")
        r = getattr(client, method)(url, headers=headers)
        missing = getattr(client, method)(missing_url, headers=headers)
        body = r.content.decode()
        assert r.status_code in (302, 403, 404), (who, url, r.status_code)
        assert r.status_code == missing.status_code, f"{who} {method} {url}: distinguishable from a missing text"
        if r.status_code == 302:
            assert r.url.replace(secret.key, "no-such-text") == missing.url, (who, url)
            assert "/accounts/login/" in r.url, (who, url)
        assert TITLE not in body and "Zanzibar" not in body, (who, url)
    assert people[who] is None or not people[who].cards.exists(), "nothing was added to their studies"
    assert not secret.derivation_jobs.exists(), "nobody else started a derivation"


@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_owner_and_admins_still_reach_it(people, secret, who, headers):
    client = client_for(people[who])
    r = client.get(f"/sources/{secret.key}/", headers=headers)
    assert r.status_code == 200 and TITLE in r.content.decode()
    r = client.get(f"/texts/{secret.key}/derive/", headers=headers)
    assert r.status_code == 200
    r = client.post(f"/sources/{secret.key}/study/", headers=headers)
    assert r.status_code == 302
    if who == "owner":
        assert people[who].cards.filter(question__external_id="t-own-1").exists()


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_learner", "other_teacher"])
def test_its_title_is_in_no_one_elses_home_page(people, secret, who):
    for headers in ({}, HX):
        body = client_for(people[who]).get("/", headers=headers).content.decode()
        assert TITLE not in body, (who, headers)
    assert TITLE in client_for(people["owner"]).get("/").content.decode(), "the owner finds their text"


def test_the_assigned_set_page_links_to_no_text_its_learner_cannot_open(people, secret):
    """The class's learner takes the teacher's set (its questions quote the text), but the text stays the
    teacher's: the set page does not list it among its sources."""
    lina = client_for(people["learner"])
    for headers in ({}, HX):
        r = lina.get("/sets/t-set/", headers=headers)
        assert r.status_code == 200
        assert f"/sources/{secret.key}/" not in r.content.decode()
    assert f"/sources/{secret.key}/" in client_for(people["owner"]).get("/sets/t-set/").content.decode()


def test_its_title_is_in_no_other_teachers_filter_or_drop_down(people, secret):
    tess = client_for(people["other_teacher"])
    for url in ("/teach/sets/new/", "/teach/questions/new/", "/teach/sets/new/?source=" + secret.key):
        for headers in ({}, HX):
            r = tess.get(url, headers=headers)
            assert r.status_code == 200, url
            assert TITLE not in r.content.decode(), url
    owner = client_for(people["owner"])
    assert TITLE in owner.get("/teach/questions/new/").content.decode(), "the owner still picks their own text"
    assert TITLE in owner.get("/teach/sets/new/").content.decode()


def test_another_teacher_cannot_write_a_question_on_it(people, secret):
    """Posting the private text's id by hand is refused like any unknown choice, and writes nothing."""
    passages = Passage.objects.count()
    r = client_for(people["other_teacher"]).post(
        "/teach/questions/new/",
        {
            "kind": "flashcard",
            "prompt": "Where do they stay?",
            "explanation": "Cytoplasm.",
            "back": "In the cytoplasm",
            "difficulty": 2,
            "source": secret.pk,
            "passage_text": "Zanzibar vectors are experimental carriers",
            "choices-TOTAL_FORMS": 0,
            "choices-INITIAL_FORMS": 0,
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 8,
        },
    )
    assert r.status_code == 200
    assert not people["other_teacher"].own_questions.exists()
    assert Passage.objects.count() == passages
    assert TITLE not in r.content.decode()


def test_an_admin_publishes_it_then_everyone_reads_it(people, secret):
    anonymous = Client()
    assert anonymous.get(f"/sources/{secret.key}/").status_code == 404
    admin = client_for(people["admin"])
    r = admin.post("/admin/quizzes/source/", {"action": "publish", "_selected_action": [secret.pk]})
    assert r.status_code == 302
    r = anonymous.get(f"/sources/{secret.key}/")
    assert r.status_code == 200 and TITLE in r.content.decode()
    assert TITLE in anonymous.get("/").content.decode()
    secret.refresh_from_db()
    assert secret.owner == people["owner"], "publishing keeps who added it (they still review its questions)"
    r = client_for(people["owner"]).get(f"/texts/{secret.key}/derive/")
    assert r.status_code == 200


def test_a_teachers_own_question_on_a_published_text_is_still_theirs(people, secret):
    """Publishing the text does not publish the questions a teacher wrote on it."""
    client_for(people["admin"]).post("/admin/quizzes/source/", {"action": "publish", "_selected_action": [secret.pk]})
    tess = client_for(people["other_teacher"])
    assert tess.post(f"/sources/{secret.key}/study/").status_code == 302
    assert not people["other_teacher"].cards.exists(), "another teacher's own question stays out of studies"


@pytest.mark.django_db
def test_the_shipped_bank_texts_stay_public():
    call_command(
        "import_bank", str(Path(settings.BASE_DIR) / "bank" / "library.yaml"), stdout=StringIO(), stderr=StringIO()
    )
    source = Source.objects.order_by("key").first()
    assert source is not None and source.owner is None
    r = Client().get(f"/sources/{source.key}/")
    assert r.status_code == 200 and source.title in r.content.decode()
    assert source.title in Client().get("/").content.decode()


def test_bank_questions_on_a_bank_text_are_not_affected(people, secret):
    """A shared question on a shared text keeps reaching every learner (the usual case)."""
    shared = factory.make_question("shared-1")
    r = client_for(people["other_learner"]).post(f"/sources/{shared.passage.source.key}/study/")
    assert r.status_code == 302
    assert list(people["other_learner"].cards.values_list("question__external_id", flat=True)) == ["shared-1"]
    assert Question.objects.filter(owner__isnull=True).count() == 1


def test_an_assigned_learner_reads_the_passage_and_title_without_a_link_that_would_404(people, secret):
    """The learner answers the teacher's question: its passage and the text's title show after answering,
    but not a link to the text they may not open (the owner, who may, gets the link)."""
    lina = client_for(people["learner"])
    assignment = Assignment.objects.get(quizset__key="t-set")
    attempt_url = lina.post(f"/assignments/{assignment.pk}/start/").url
    question = Question.objects.get(external_id="t-own-1")
    right = question.choices.get(is_correct=True)
    page = lina.post(f"{attempt_url}1/", {"choice": right.pk}, follow=True).content.decode()
    assert "They stay in the cytoplasm" in page and TITLE in page
    assert f"/sources/{secret.key}/" not in page
    results = lina.get(f"{attempt_url}results/").content.decode()
    assert TITLE in results and f"/sources/{secret.key}/" not in results
    assert secret.is_readable_by(people["owner"]) and secret.is_readable_by(people["admin"])
    assert not secret.is_readable_by(people["learner"]) and not secret.is_readable_by(people["other_teacher"])
