"""The library page is kept whole per learner (quizzes/library_cache.py): whatever it is made from shows on the
next request (a rating, a new or removed card, an own card, a bank edit, an assignment, time passing, a new day,
the language), and no learner ever sees another's page, token or nonce."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.test import Client

from quizzes.study import cards, scheduling
from quizzes.study.models import Card, Deck, StudySettings
from quizzes.teaching.models import Assignment, Classroom, Enrollment
from tests import factory

NOW = datetime(2026, 6, 15, 20, 30, tzinfo=UTC)  # the day ends at 04:00 UTC (rollover hour, time zone UTC)


def get(client, now=NOW, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = client.get("/", **kwargs)
    assert response.status_code == 200
    return response


def page(client, now=NOW, **kwargs) -> str:
    return get(client, now, **kwargs).content.decode()


def to_review(html: str) -> int:
    found = re.search(r"(\d+) cards? to review today", html)
    if found:
        return int(found.group(1))
    assert "Nothing to review today." in html
    return 0


def badges(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="due">(\d+) due<', html)]


def content(html: str) -> str:
    """What the page shows, without what each request writes anew (its CSRF token and CSP nonce)."""
    html = re.sub(r'value="[A-Za-z0-9]{64}"', "", html)
    html = re.sub(r'"x-csrftoken": "[A-Za-z0-9]{64}"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.fixture
def studied(learner):
    """Three cards of the set "Study set": two reviews overdue since yesterday, one new."""
    StudySettings.objects.update_or_create(user=learner, defaults={"timezone": "UTC", "rollover_hour": 4})
    questions = [factory.make_question(f"q-{i}", prompt=f"PROMPT {i}") for i in range(3)]
    quizset = factory.make_quizset("study-set", questions, title="Study set")
    scheduling.add_study(learner, quizset=quizset)
    cards_ = list(Card.objects.filter(user=learner).order_by("question__external_id"))
    Card.objects.filter(pk__in=[cards_[0].pk, cards_[1].pk]).update(
        state=Card.State.REVIEW, stability=3, difficulty=5, due=NOW - timedelta(days=1), last_review=NOW
    )
    return cards_


@pytest.fixture
def seen(alice, studied):
    """The page seen twice: the second from the cache, the same."""
    html = page(alice)
    assert to_review(html) == 3 and badges(html) == [2]
    again = page(alice)
    assert content(again) == content(html)
    return html


def test_the_second_visit_is_kept_and_cheap(alice, studied, seen, django_assert_max_num_queries):
    # session, user with settings and page generation
    with django_assert_max_num_queries(2):
        html = page(alice)
    assert to_review(html) == 3 and badges(html) == [2]


def test_a_visit_with_a_query_is_never_the_kept_page(alice, seen):
    assert "Study set" in seen
    assert "Study set" not in page(alice, data={"q": "no such thing"})
    assert "Study set" in page(alice, data={"q": "study"})
    nothing = page(alice, QUERY_STRING="&")  # a query of nothing: the whole page, rendered (its own "next" link)
    assert to_review(nothing) == 3 and badges(nothing) == [2] and 'value="/?&amp;"' in nothing
    assert content(page(alice)) == content(seen)


def test_tokens_and_nonces_are_each_requests_own(alice, studied, seen):
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = get(alice), get(alice)
    a, b = first.content.decode(), second.content.decode()
    assert token.findall(a) and set(token.findall(a)).isdisjoint(token.findall(b))
    for response in (first, second):
        html = response.content.decode()
        nonces = set(re.findall(r'nonce="([^"]+)"', html))
        assert len(nonces) == 1
        assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


def test_learners_never_see_each_others_page(alice, learner, studied, seen):
    bob = factory.make_user("bob-other", factory.Role.LEARNER)
    other = Client()
    other.force_login(bob)
    html = page(other)
    assert to_review(html) == 0 and badges(html) == []
    assert "bob-other" in html and learner.username not in html
    again = page(alice)
    assert to_review(again) == 3 and "bob-other" not in again and learner.username in again


def test_a_teacher_gets_their_own_page(alice, studied, seen, teacher):
    scheduling.add_study(teacher, quizset=studied[0].question.quizsets.first())
    other = Client()
    other.force_login(teacher)
    html = page(other)
    assert "/teach/" in html and "/teach/" not in page(alice)
    assert to_review(html) == 3 and badges(html) == []  # new cards only, none due yet


def test_the_language_shows_at_once(alice, seen):
    html = page(alice, headers={"Accept-Language": "fr"})
    assert "Bibliothèque" in html and "cards to review today" not in html
    assert "cards to review today" in page(alice)


def test_a_rating_shows_at_once(alice, studied, seen):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = alice.post(f"/review/{studied[0].pk}/rate/", {"rating": 3, "token": str(uuid.uuid4())})
    assert response.status_code in (200, 302)
    for _ in range(2):  # the first page may use up a message; the second comes from the cache
        html = page(alice)
        assert to_review(html) == 2 and badges(html) == [1]


def test_a_new_card_shows_at_once(alice, learner, seen):
    more = factory.make_quizset("more", [factory.make_question("q-new")])  # a new bank version
    assert to_review(page(alice)) == 3
    scheduling.add_study(learner, quizset=more)
    assert to_review(page(alice)) == 4


def test_a_suspended_or_removed_card_shows_at_once(alice, studied, seen):
    scheduling.set_suspended(studied[0], True)
    html = page(alice)
    assert to_review(html) == 2 and badges(html) == [1]
    Card.objects.filter(pk=studied[1].pk).update(removed_at=NOW, version=studied[1].version + 1)
    html = page(alice)
    assert to_review(html) == 1 and badges(html) == []


def test_own_cards_added_and_removed_show_at_once(alice, learner, seen):
    made = cards.make_cards(learner, [("MY-FRONT", "MY-BACK")], Deck.objects.create(user=learner, name="Mine"))
    assert to_review(page(alice)) == 4
    own = Card.objects.get(pk=made[0].pk)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert alice.post(f"/cards/{own.pk}/delete/").status_code == 302
    assert to_review(page(alice)) == 3


def test_an_edit_of_the_bank_shows_at_once(alice, studied, seen):
    quizset = studied[0].question.quizsets.first()
    quizset.title = "A NEW TITLE"
    quizset.save()
    html = page(alice)
    assert "A NEW TITLE" in html and "Study set" not in html


def test_an_assignment_and_what_it_withholds_show_at_once(alice, learner, studied, seen, teacher):
    classroom = Classroom.objects.create(teacher=teacher, name="Class of Ada")
    held = factory.make_quizset("held", [studied[0].question], title="Held set")
    Assignment.objects.create(
        classroom=classroom, quizset=held, due_at=NOW + timedelta(hours=1), reveal=Assignment.Reveal.AFTER_DUE
    )
    assert "Class of Ada" not in page(alice)  # not in the class yet
    Enrollment.objects.create(classroom=classroom, learner=learner)
    html = page(alice)
    assert "Class of Ada" in html
    assert to_review(html) == 2 and sorted(badges(html)) == [1]
    assert "Class of Ada" in page(alice)
    later = page(alice, now=NOW + timedelta(hours=2))  # past its due date: no longer held
    assert to_review(later) == 3 and sorted(badges(later)) == [1, 2]


def test_a_learning_card_coming_due_shows_at_once(alice, studied, seen):
    Card.objects.filter(pk=studied[2].pk).update(
        state=Card.State.LEARNING, due=NOW + timedelta(hours=2), version=studied[2].version + 1
    )
    html = page(alice)
    assert to_review(html) == 2 and badges(html) == [3]  # due before the day ends, not yet to review
    assert to_review(page(alice)) == 2
    assert to_review(page(alice, now=NOW + timedelta(hours=2))) == 3


def test_a_buried_card_coming_back_shows_at_once(alice, studied, seen):
    Card.objects.filter(pk=studied[0].pk).update(buried_until=NOW + timedelta(hours=1), version=studied[0].version + 1)
    assert to_review(page(alice)) == 2
    assert to_review(page(alice)) == 2
    assert to_review(page(alice, now=NOW + timedelta(hours=1, minutes=1))) == 3


def test_the_new_day_shows_at_once(alice, studied, seen):
    Card.objects.filter(pk=studied[2].pk).update(
        state=Card.State.REVIEW, due=NOW + timedelta(hours=9), version=studied[2].version + 1
    )  # 05:30 tomorrow: after the day's rollover at 04:00
    html = page(alice)
    assert to_review(html) == 2 and badges(html) == [2]
    html = page(alice, now=NOW + timedelta(hours=8))  # 04:30: a new day, the card is due in it
    assert to_review(html) == 3 and badges(html) == [3]


def test_a_settings_change_shows_at_once(alice, learner, seen):
    StudySettings.objects.filter(user=learner).update(new_per_day=0)
    assert to_review(page(alice)) == 2


def test_a_message_is_shown_once(alice, learner, seen):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(mock.Mock(COOKIES={}))
    encoded = storage._encode([Message(constants.SUCCESS, "A FRESH MESSAGE")])
    alice.cookies["messages"] = encoded
    assert "A FRESH MESSAGE" in page(alice)
    assert "A FRESH MESSAGE" not in page(alice)
