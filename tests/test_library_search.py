"""The library a new learner can scan: each set once with its topics as chips, a search box and filters (GET,
without JavaScript; with htmx only the list comes back), what is due per set, and a bounded number of queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Question, Topic
from quizzes.study.models import Card, StudySettings
from tests import factory
from tests.assignments import assign

HX = {"HX-Request": "true"}


@pytest.fixture
def library(db):
    vectors = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    drugs = Topic.objects.create(key="drugs", name_en="Approved drugs", name_fr="Médicaments autorisés")
    english = factory.make_source("intro")
    french = factory.make_source("hopital", title="La thérapie génique à l’hôpital", language="fr")
    q1 = factory.make_question("q-1", topics=[vectors], source=english)
    q2 = factory.make_question("q-2", topics=[vectors, drugs], source=english, prompt="Which drug?")
    q3 = factory.make_question("q-3", topics=[drugs], source=french, passage="Gene therapy consists")
    why = factory.make_question("q-why", topics=[vectors], source=english, cognitive="why", prompt="Why?")
    sets = {
        "vectors": factory.make_quizset("vectors-en", [q1, q2], title="Vectors: carrying the gene", language="en"),
        "drugs": factory.make_quizset("drugs-mixed", [q2, q3], title="Approved drugs everywhere"),
        "french": factory.make_quizset(
            "medicaments-fr", [q3], title="Médicaments autorisés", language="fr", description="Thérapie génique"
        ),
        "why": factory.make_quizset("why-en", [why], title="Why and how", language="en"),
    }
    return sets, (q1, q2, q3, why)


def listed(html: str) -> list[str]:
    """The sets' links in the list, in order."""
    part = html.split('id="sets"')[1].split("</div>")[0]
    return [chunk.split('"')[0] for chunk in part.split('<h3><a href="/sets/')[1:]]


def test_each_set_is_listed_once_with_its_topics_as_chips(client, library):
    html = client.get("/").content.decode()
    assert sorted(listed(html)) == ["drugs-mixed/", "medicaments-fr/", "vectors-en/", "why-en/"]
    for key in ("vectors-en", "drugs-mixed", "medicaments-fr", "why-en"):
        assert html.count(f'href="/sets/{key}/"') == 1
    card = html.split('href="/sets/vectors-en/"')[1].split("</li>")[0]
    assert 'href="?topic=vectors#h-sets">Vectors</a>' in card and ">Approved drugs</a>" in card


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=carrying", ["vectors-en/"]),
        ("q=vectors", ["drugs-mixed/", "vectors-en/", "why-en/"]),  # and the sets with the topic
        ("q=therapie+genique", ["drugs-mixed/", "medicaments-fr/"]),  # accents aside; a description, a text
        ("q=h%C3%B4pital", ["drugs-mixed/", "medicaments-fr/"]),  # the title of a text they are made from
        ("topic=drugs", ["drugs-mixed/", "medicaments-fr/", "vectors-en/"]),
        ("language=fr", ["drugs-mixed/", "medicaments-fr/"]),  # a set mixing languages is in both
        ("kind=text", ["medicaments-fr/", "vectors-en/"]),
        ("kind=theme", ["drugs-mixed/"]),
        ("kind=reasoning", ["why-en/"]),
        ("source=hopital", ["drugs-mixed/", "medicaments-fr/"]),
        ("q=carrying&language=fr", []),
        ("kind=bogus&q=why", ["why-en/"]),  # a filter it cannot read is left out
    ],
)
def test_search_and_filters_work_without_javascript(client, library, query, expected):
    html = client.get(f"/?{query}").content.decode()
    assert sorted(listed(html)) == sorted(expected)
    if not expected:
        assert "No set matches." in html


def test_the_form_shows_what_was_asked(client, library):
    html = client.get("/?q=vectors&topic=drugs&kind=theme").content.decode()
    assert 'name="q" value="vectors"' in html
    assert '<option value="drugs" selected>' in html and '<option value="theme" selected>' in html
    assert "Show all" in html


def test_with_htmx_only_the_list_comes_back(client, library):
    r = client.get("/?q=carrying", headers=HX)
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="sets"') and "<html" not in html
    assert listed(html) == ["vectors-en/"]
    assert r["Vary"] and "HX-Request" in r["Vary"]


def review_card(user, question, due_in: timedelta) -> Card:
    """A card in review, reviewed three days ago, due `due_in` from now."""
    now = timezone.now()
    return Card.objects.create(
        user=user,
        question=question,
        state=Card.State.REVIEW,
        stability=3,
        difficulty=5,
        due=now + due_in,
        last_review=now - timedelta(days=3),
    )


def test_a_learner_sees_what_is_due_per_set_and_today(client, library, learner):
    _sets, (q1, q2, q3, _why) = library
    for question in (q1, q2):
        review_card(learner, question, due_in=-timedelta(hours=1))
    review_card(learner, q3, due_in=timedelta(days=20))
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "2 cards to review today." in html
    assert '<strong class="due">2 due</strong>' in html.split('href="/sets/vectors-en/"')[1].split("</li>")[0]
    assert '<strong class="due">1 due</strong>' in html.split('href="/sets/drugs-mixed/"')[1].split("</li>")[0]
    assert "due</strong>" not in html.split('href="/sets/medicaments-fr/"')[1].split("</li>")[0]
    assert "due</strong>" not in Client().get("/").content.decode(), "a visitor has nothing due"


def test_the_due_counts_leave_out_what_the_queue_leaves_out(client, library, learner, classroom):
    """Suspended, buried, removed and new cards are not due; nor are the cards of a set that a quiz
    assignment holds back from the learner (the trust rule), on any set that holds their questions."""
    sets, (q1, q2, q3, why) = library
    now = timezone.now()
    for question in (q1, q2, q3, why):
        review_card(learner, question, due_in=-timedelta(hours=1))
    Card.objects.filter(question=q1).update(suspended=True)
    Card.objects.filter(question=why).update(buried_until=now + timedelta(days=1))
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert due_on(html, "vectors-en") == "1 due" and due_on(html, "drugs-mixed") == "2 due"
    assert due_on(html, "why-en") == ""
    Card.objects.filter(question=q2).update(removed_at=now)
    Card.objects.filter(question=q3).update(state=Card.State.NEW)
    html = client.get("/").content.decode()
    assert due_on(html, "vectors-en") == due_on(html, "drugs-mixed") == ""
    Card.objects.filter(question__in=(q2, q3)).update(removed_at=None, state=Card.State.REVIEW)
    assign(classroom, sets["french"], reveal="never")  # q3 held: its answer stays with the assignment
    html = client.get("/").content.decode()
    assert due_on(html, "drugs-mixed") == "1 due" and due_on(html, "medicaments-fr") == ""
    assert due_on(html, "vectors-en") == "1 due"


def due_on(html: str, key: str) -> str:
    """The due count on a set's card ("" when none)."""
    card = html.split(f'href="/sets/{key}/"')[1].split("</li>")[0]
    return card.split('<strong class="due">')[1].split("</strong>")[0] if '"due"' in card else ""


def test_queries_stay_bounded_with_many_sets(client, library, learner, django_assert_max_num_queries):
    topic = Topic.objects.get(key="vectors")
    for i in range(40):
        q = factory.make_question(f"extra-{i}", topics=[topic])
        factory.make_quizset(f"extra-set-{i}", [q])
        review_card(learner, q, due_in=timedelta(0))
    StudySettings.for_user(learner)  # made on a learner's first page; not what this counts
    client.force_login(learner)
    with django_assert_max_num_queries(11):
        client.get("/")
    with django_assert_max_num_queries(3):  # the page kept for this learner: session, user, fingerprint
        client.get("/")
    with django_assert_max_num_queries(6):
        assert len(listed(client.get("/?q=extra").content.decode())) == 40
    with django_assert_max_num_queries(6):
        client.get("/?topic=vectors", headers=HX)


def test_the_cached_rows_follow_the_bank_and_the_language(client, library):
    sets, (q1, *_rest) = library
    assert listed(client.get("/?q=carrying").content.decode()) == ["vectors-en/"]
    sets["vectors"].title = "Vectors renamed"
    sets["vectors"].save()
    assert listed(client.get("/?q=carrying").content.decode()) == []
    assert listed(client.get("/?q=renamed").content.decode()) == ["vectors-en/"]
    html = client.get("/", headers={"accept-language": "fr"}).content.decode()
    assert ">Vecteurs</a>" in html and ">Vectors</a>" not in html
    Question.objects.filter(pk=q1.pk).update(status="draft")
    from quizzes.bank import version

    version.bump()
    assert "1 question" in client.get("/?q=renamed").content.decode()


def test_each_learner_sees_their_own_due_counts_on_the_shared_page(client, library, learner):
    """The sets' cards are kept rendered for every learner of a language; the due counts are each one's own."""
    _sets, (q1, q2, _q3, _why) = library
    other = factory.make_user("bob", factory.Role.LEARNER)
    for question in (q1, q2):
        review_card(learner, question, due_in=-timedelta(hours=1))
    review_card(other, q2, due_in=-timedelta(hours=1))

    client.force_login(learner)
    first = client.get("/").content.decode()
    bob = Client()
    bob.force_login(other)
    second = bob.get("/").content.decode()
    assert (due_on(first, "vectors-en"), due_on(first, "drugs-mixed")) == ("2 due", "1 due")
    assert (due_on(second, "vectors-en"), due_on(second, "drugs-mixed")) == ("1 due", "1 due")
    assert ">alice<" in first and "alice" not in second and ">bob<" in second
    assert "due</strong>" not in Client().get("/").content.decode()
    assert due_on(client.get("/").content.decode(), "vectors-en") == "2 due", "nor does bob's page stay for alice"
    french = client.get("/", headers={"accept-language": "fr"}).content.decode()
    assert due_on(french, "vectors-en") == "2 à réviser"


def test_a_teachers_own_text_is_never_on_a_learners_page(client, library, learner, teacher):
    """Teachers see their own texts in the library: built for them, never kept for others, in either order."""
    factory.make_source("toms-notes", title="Tom’s private notes", owner=teacher)
    client.force_login(learner)
    assert "Tom’s private notes" not in client.get("/").content.decode()
    tom = Client()
    tom.force_login(teacher)
    assert "Tom’s private notes" in tom.get("/").content.decode()
    assert "Tom’s private notes" not in client.get("/").content.decode()
    assert "Tom’s private notes" not in Client().get("/").content.decode()


def test_an_edit_of_the_bank_shows_at_once_on_the_kept_page(client, library, learner):
    client.force_login(learner)
    assert ">Vectors</a>" in client.get("/").content.decode()
    topic = Topic.objects.get(key="vectors")
    topic.name_en = "Viral vectors"
    topic.save()
    html = client.get("/").content.decode()
    assert ">Viral vectors</a>" in html and ">Vectors</a>" not in html
    assert '<option value="vectors">Viral vectors</option>' in html, "the search form's topics too"
    intro = factory.make_source("second", title="A second text")
    factory.make_question("q-new", source=intro)
    assert "A second text" in client.get("/").content.decode()


def test_a_visitor_reads_the_kept_page_without_a_query(client, library, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        html = client.get("/?q=vectors").content.decode()
    assert sorted(listed(html)) == ["drugs-mixed/", "vectors-en/", "why-en/"]
