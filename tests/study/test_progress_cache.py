"""The progress page is kept whole per learner (quizzes.study.progress_cache): whatever it is made from (its
content, and the navigation around it: the name, the role, the language) shows on the next request, what changes
with each request (the CSRF token, the CSP nonce, the "due … ago" of the cards at risk) is each request's own, and
no learner ever sees another's page."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.test.utils import override_script_prefix
from django.utils import translation
from django.utils.html import escape
from django.utils.timesince import timesince

from quizzes.accounts.roles import Role, grant_role
from quizzes.study import progress_cache, scheduling
from quizzes.study.models import Card, PageGeneration, StudySettings
from quizzes.teaching.models import Assignment, Extension
from tests import factory

NOW = datetime(2026, 6, 15, 20, 30, tzinfo=UTC)


def get(client, now=NOW, path="/progress/", **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return response


def page(client, now=NOW, **kwargs) -> str:
    return get(client, now, **kwargs).content.decode()


def kept_page(client, now=NOW, **kwargs) -> str:
    """The page, served kept: no template rendered."""
    response = get(client, now, **kwargs)
    assert response.templates == []
    return response.content.decode()


def anew(client, now=NOW, **kwargs) -> str:
    """The page rendered as if it were never kept."""
    with mock.patch("quizzes.study.progress_cache.keeps", return_value=False):
        response = get(client, now, **kwargs)
    assert response.templates
    return response.content.decode()


def shown(html: str) -> str:
    """What the page shows, without what each request writes anew (its CSRF token and CSP nonce)."""
    html = re.sub(r'value="[A-Za-z0-9]{64}"', "", html)
    html = re.sub(r'"x-csrftoken": "[A-Za-z0-9]{64}"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def content(html: str) -> str:
    """The page's own content: base.html writes a new nonce and CSRF token at each request."""
    return html[html.index("<h1>") : html.index("</main>")]


def due_today(html: str) -> int:
    return int(re.search(r'tile-n">(\d+)</p><p>due today', html).group(1))


@pytest.fixture
def studied(learner):
    """Three cards: two reviews overdue since yesterday (at risk), one new."""
    questions = [factory.make_question(f"q-{i}", prompt=f"PROMPT {i}") for i in range(3)]
    quizset = factory.make_quizset("set", questions)
    scheduling.add_study(learner, quizset=quizset)
    cards = list(Card.objects.filter(user=learner).order_by("question__external_id"))
    Card.objects.filter(pk__in=[cards[0].pk, cards[1].pk]).update(
        state=Card.State.REVIEW, stability=3, difficulty=5, due=NOW - timedelta(days=1), last_review=NOW
    )
    return cards


@pytest.fixture
def seen(alice, studied):
    """The page seen once: its content is in the cache."""
    html = page(alice)
    assert due_today(html) == 2 and "PROMPT 0" in html
    assert content(page(alice)) == content(html)
    return html


def test_a_rating_shows_at_once(alice, studied, seen):
    token = str(uuid.uuid4())
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert alice.post(f"/review/{studied[0].pk}/rate/", {"rating": 3, "token": token}).status_code in (200, 302)
    html = page(alice)
    assert due_today(html) == 1
    assert "1 review in the last year." in html


def test_a_new_card_shows_at_once(alice, learner, studied, seen):
    assert "/3</p>" in seen
    scheduling.add_study(learner, quizset=factory.make_quizset("more", [factory.make_question("q-new")]))
    assert "/4</p>" in page(alice)


def test_an_edit_of_the_bank_shows_at_once(alice, studied, seen):
    question = studied[0].question
    question.prompt = "A NEW WORDING"
    question.save()
    html = page(alice)
    assert "A NEW WORDING" in html and "PROMPT 0" not in html


def test_an_assignment_that_starts_withholding_shows_at_once(alice, studied, classroom, seen):
    quizset = factory.make_quizset("held", [studied[0].question])
    Assignment.objects.create(
        classroom=classroom, quizset=quizset, due_at=NOW + timedelta(days=3), reveal=Assignment.Reveal.NEVER
    )
    assert due_today(page(alice)) == 1


def test_an_assignment_that_stops_withholding_at_its_due_date_shows_at_once(alice, studied, classroom):
    quizset = factory.make_quizset("held", [studied[0].question])
    Assignment.objects.create(
        classroom=classroom, quizset=quizset, due_at=NOW + timedelta(hours=1), reveal=Assignment.Reveal.AFTER_DUE
    )
    assert due_today(page(alice)) == 1
    assert due_today(page(alice)) == 1
    assert due_today(page(alice, now=NOW + timedelta(hours=2))) == 2


def test_an_extension_holds_the_questions_until_the_learners_own_due_date(alice, learner, studied, classroom):
    quizset = factory.make_quizset("held", [studied[0].question])
    assignment = Assignment.objects.create(
        classroom=classroom, quizset=quizset, due_at=NOW + timedelta(hours=1), reveal=Assignment.Reveal.AFTER_DUE
    )
    Extension.objects.create(assignment=assignment, learner=learner, due_at=NOW + timedelta(hours=3))
    assert due_today(page(alice)) == 1
    assert due_today(kept_page(alice, now=NOW + timedelta(hours=2))) == 1
    assert due_today(page(alice, now=NOW + timedelta(hours=3))) == 2
    assert due_today(kept_page(alice, now=NOW + timedelta(hours=4))) == 2


def test_a_time_zone_change_and_a_new_day_show_at_once(alice, learner, seen):
    assert "June 15, 2026" in seen  # the forecast: what is overdue counts for today
    settings = StudySettings.for_user(learner)
    StudySettings.objects.filter(pk=settings.pk).update(timezone="Pacific/Auckland")  # already the 16th there
    assert "June 16, 2026" in page(alice)
    StudySettings.objects.filter(pk=settings.pk).update(timezone="UTC")
    assert "June 15, 2026" in page(alice)
    assert "June 16, 2026" in page(alice, now=NOW + timedelta(hours=9))  # past the rollover hour


def test_the_language_shows_at_once(alice, seen):
    assert "Your progress" in seen
    html = content(page(alice, headers={"Accept-Language": "fr"}))
    assert "<h1>Votre progression</h1>" in html and "Reviews per day" not in html


def test_a_card_falling_due_shows_at_once(alice, studied, seen):
    Card.objects.filter(pk=studied[2].pk).update(
        state=Card.State.REVIEW, due=NOW + timedelta(hours=1), version=studied[2].version + 1
    )
    html = page(alice)
    assert due_today(html) == 3 and "PROMPT 2" not in html  # due today, not yet at risk
    assert "PROMPT 2" in page(alice, now=NOW + timedelta(hours=1, minutes=1))


def test_what_changes_with_each_request_is_written_in(alice, studied, seen):
    later = page(alice, now=NOW + timedelta(minutes=30))
    assert "due 1\xa0day ago" in seen and "due 1\xa0day, 0\xa0hours ago" not in seen
    assert "<!--learnapp:" not in later  # every marker replaced
    Card.objects.filter(pk=studied[1].pk).update(lapses=9, is_leech=True, suspended=True, version=9)
    html = page(alice)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token and "<!--learnapp:" not in html
    assert alice.post(f"/review/{studied[1].pk}/suspend/", {"suspended": "0", "csrfmiddlewaretoken": token})


def test_one_learner_never_sees_anothers_content(client, learner, studied):
    other = factory.make_user("bob")
    scheduling.add_study(other, quizset=studied[0].question.quizset_items.first().quizset)
    theirs = Card.objects.filter(user=other)
    theirs.update(state=Card.State.REVIEW, stability=3, difficulty=5, due=NOW - timedelta(days=1), last_review=NOW)
    client.force_login(learner)
    mine = page(client)
    client.force_login(other)
    html = page(client)
    assert f"/cards/{studied[0].pk}/" not in html.replace("/cards/?", "")
    assert any(f"/{card.pk}/" in html for card in theirs) and html != mine


def test_a_kept_page_costs_no_query_of_its_own_and_no_template(alice, studied, seen, django_assert_max_num_queries):
    # session, user (with their settings and page generation).
    with django_assert_max_num_queries(2):
        html = kept_page(alice)
    assert shown(html) == shown(seen)


def test_without_a_page_generation_yet_the_fingerprint_keys_the_page(
    alice, learner, studied, django_assert_max_num_queries
):
    PageGeneration.objects.filter(user=learner).delete()  # a user made in bulk
    html = page(alice)  # the fingerprint's key, and a generation made for the next request
    assert due_today(html) == 2 and PageGeneration.objects.filter(user=learner).exists()
    PageGeneration.objects.filter(user=learner).delete()
    with django_assert_max_num_queries(4):  # session, user, the generation made, the fingerprint
        assert shown(kept_page(alice)) == shown(html)
    Card.objects.filter(pk=studied[0].pk).update(suspended=True, version=studied[0].version + 1)
    PageGeneration.objects.filter(user=learner).delete()
    assert due_today(page(alice)) == 1
    assert due_today(page(alice)) == 1  # by the generation from now on
    assert due_today(kept_page(alice)) == 1


def test_the_kept_page_is_the_page_rendered_anew(alice, studied, seen):
    later = NOW + timedelta(hours=5)
    html = kept_page(alice, now=later)
    assert shown(html) == shown(anew(alice, now=later))
    assert "<!doctype html>" in html and "</html>" in html and 'aria-current="page">Progress<' in html


def test_tokens_nonces_and_the_since_texts_are_each_requests_own(alice, studied, seen):
    Card.objects.filter(pk=studied[1].pk).update(lapses=9, is_leech=True, suspended=True, version=9)
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    page(alice)
    first, second = get(alice), get(alice, now=NOW + timedelta(hours=5))
    assert first.templates == second.templates == []
    a, b = first.content.decode(), second.content.decode()
    assert len(token.findall(a)) == 3  # log out, language, unsuspend
    assert len(set(token.findall(a))) == 1 and set(token.findall(a)).isdisjoint(token.findall(b))
    for response in (first, second):
        html = response.content.decode()
        nonces = set(re.findall(r'nonce="([^"]+)"', html))
        assert len(nonces) == 1
        assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]
        assert "kept" not in re.sub(r"\bkept\b", "", html)  # every mark written in
    assert "(due 1\xa0day ago)" in a and "(due 1\xa0day, 5\xa0hours ago)" in b
    assert alice.post(
        f"/review/{studied[1].pk}/suspend/", {"suspended": "0", "csrfmiddlewaretoken": token.findall(b)[-1]}
    )


def test_learners_never_see_each_others_page(alice, learner, studied, seen):
    bob = factory.make_user("bob-other", factory.Role.LEARNER)
    other = Client()
    other.force_login(bob)
    html = page(other)
    assert "bob-other" in html and learner.username not in html and "PROMPT 0" not in html
    html = kept_page(other)
    assert "bob-other" in html and learner.username not in html
    again = kept_page(alice)
    assert "bob-other" not in again and learner.username in again and "PROMPT 0" in again


def test_a_new_username_shows_at_once(alice, learner, seen):
    learner.username = "alice-renamed"
    learner.save()
    assert "alice-renamed" in page(alice)


def test_a_teacher_and_an_admin_get_their_own_navigation(alice, seen, teacher, admin_user):
    for user, links in ((teacher, ["/teach/"]), (admin_user, ["/teach/", "/admin/quizzes/question/"])):
        other = Client()
        other.force_login(user)
        for html in (page(other), kept_page(other)):
            assert all(link in html for link in links) and user.username in html
        assert shown(html) == shown(anew(other))
    html = kept_page(alice)
    assert "/teach/" not in html and "/admin/" not in html


def test_becoming_staff_shows_at_once(alice, learner, seen):
    learner.is_staff = learner.is_superuser = True
    learner.save()
    html = page(alice)
    assert "/admin/quizzes/question/" in html and shown(html) == shown(anew(alice))
    learner.is_staff = False
    learner.save()
    assert "/admin/" not in page(alice)


def test_a_teachers_role_shows_from_the_next_login(alice, learner, seen):
    grant_role(learner, Role.TEACHER)
    html = page(alice)  # the session's roles, written at login, decide the navigation: as rendered anew
    assert "/teach/" not in html and shown(html) == shown(anew(alice))
    alice.force_login(learner)
    assert "/teach/" in page(alice)


def test_an_admins_role_shows_from_the_next_login(alice, learner, seen):
    learner.is_staff = True
    learner.save()
    grant_role(learner, Role.ADMIN)
    html = page(alice)
    assert "/admin/quizzes/question/" not in html and shown(html) == shown(anew(alice))
    alice.force_login(learner)
    assert "/admin/quizzes/question/" in page(alice)


def test_the_language_shows_in_the_whole_page(alice, seen):
    html = page(alice, headers={"Accept-Language": "fr"})
    assert '<html lang="fr">' in html and "Bibliothèque" in html and "Votre progression" in html
    assert shown(kept_page(alice, headers={"Accept-Language": "fr"})) == shown(html)
    assert shown(html) == shown(anew(alice, headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in page(alice) and "Library" in page(alice)


def test_a_message_waiting_is_shown_once(alice, seen):
    storage = CookieStorage(mock.Mock(COOKIES={}))
    alice.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "A FRESH MESSAGE")])
    assert "A FRESH MESSAGE" in page(alice)
    assert "A FRESH MESSAGE" not in kept_page(alice)


def test_a_request_with_a_query_is_rendered_for_it(alice, seen):
    html = page(alice, data={"from": "mail"})
    assert 'name="next" value="/progress/?from=mail"' in html
    assert 'name="next" value="/progress/"' in kept_page(alice)


def test_the_prefix_the_app_is_served_under_shows_at_once(alice, seen):
    with override_script_prefix("/learn/"):
        html = page(alice)
    assert 'href="/learn/review/"' in html and 'href="/review/"' not in html
    assert 'href="/review/"' in kept_page(alice)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_since_texts_are_timesinces(language):
    deltas = [timedelta(seconds=s) for s in (0, 59, 60, 61, 3599, 3600, 86_399, 86_400, 90_061)]
    deltas += [timedelta(days=d, hours=h) for d in (1, 2, 6, 7, 13, 30, 31, 45, 364, 365, 400, 800) for h in (0, 5)]
    with translation.override(language):
        for delta in deltas:
            assert progress_cache.since(NOW - delta, NOW) == escape(timesince(NOW - delta, NOW))
