"""The review page is kept whole per learner (quizzes/study/views.py `review`, quizzes/study/learner_pages.py):
whatever it is made from shows on the next request (a rating, a card buried or suspended, a learning card coming
due, an assignment holding a question, the deck studied, a bank edit, the settings, the language), the time the
card was shown and the CSRF token and nonce are each request's own, and no learner ever sees another's page."""

import re
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizzes.study import scheduling
from quizzes.study.models import Card, Deck, StudySettings
from quizzes.teaching.models import Assignment, Classroom, Enrollment
from tests import factory
from tests.markup import assert_own_tokens_and_nonces
from tests.test_library_cache import NOW, content, studied  # noqa: F401 - fixture


def get(client, now=NOW, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = client.get("/review/", **kwargs)
    assert response.status_code == 200
    return response


def page(client, now=NOW, **kwargs) -> str:
    return get(client, now, **kwargs).content.decode()


def shown(html: str) -> str | None:
    """The prompt of the card shown ("PROMPT 0"…), or None when nothing is left."""
    found = re.search(r"PROMPT \d", html)
    return found.group(0) if found else None


def left(html: str) -> int:
    found = re.search(r"<title>(\d+) cards? left", html)
    return int(found.group(1)) if found else 0


def without_shown_at(html: str) -> str:
    return re.sub(r"shown_at(=|\" value=\")\d+", "", content(html))


@pytest.fixture
def seen(alice, studied):  # noqa: F811 - the fixture imported above
    """The page seen twice: the second from the cache, the same but for the moment it was shown."""
    html = page(alice)
    assert shown(html) == "PROMPT 0" and left(html) == 3
    again = page(alice, now=NOW + timedelta(seconds=1))
    assert without_shown_at(again) == without_shown_at(html)
    return html


def test_the_second_visit_is_kept_and_cheap(alice, seen, django_assert_max_num_queries):
    # session, user with settings and page generation
    with django_assert_max_num_queries(2):
        html = page(alice)
    assert shown(html) == "PROMPT 0" and left(html) == 3


def test_the_moment_shown_and_the_token_are_each_requests_own(alice, seen):
    first, second = get(alice), get(alice, now=NOW + timedelta(seconds=7))
    moments = [set(re.findall(r'name="shown_at" value="(\d+)"', r.content.decode())) for r in (first, second)]
    assert moments == [{str(int(NOW.timestamp() * 1000))}, {str(int((NOW + timedelta(seconds=7)).timestamp() * 1000))}]
    assert_own_tokens_and_nonces(first, second)


def test_the_moment_shown_still_times_the_rating(alice, learner, studied, seen):  # noqa: F811
    html = page(alice, now=NOW + timedelta(seconds=30))
    moment = re.search(r'name="shown_at" value="(\d+)"', html).group(1)
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(seconds=42)):
        alice.post(f"/review/{studied[0].pk}/rate/", {"rating": 3, "token": str(uuid.uuid4()), "shown_at": moment})
    assert learner.review_logs.get().duration_ms == 12_000


def test_learners_never_see_each_others_page(alice, learner, seen):
    bob = factory.make_user("bob-other", factory.Role.LEARNER)
    other = Client()
    other.force_login(bob)
    html = page(other)
    assert shown(html) is None and "bob-other" in html and learner.username not in html
    again = page(alice)
    assert shown(again) == "PROMPT 0" and "bob-other" not in again


def test_a_rating_shows_at_once(alice, studied, seen):  # noqa: F811
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = alice.post(f"/review/{studied[0].pk}/rate/", {"rating": 3, "token": str(uuid.uuid4())})
    assert response.status_code == 302
    for _ in range(2):  # the first page uses up the rating's message; the second comes from the cache
        html = page(alice)
        assert shown(html) == "PROMPT 1" and left(html) == 2
    assert "Undo last rating" in html


def test_a_rating_in_another_tab_shows_at_once(learner, alice, studied, seen):  # noqa: F811
    scheduling.rate(learner, studied[0].pk, 3, token=uuid.uuid4(), now=NOW)
    html = page(alice)
    assert shown(html) == "PROMPT 1" and left(html) == 2 and "Undo last rating" in html
    scheduling.undo_last(learner)
    html = page(alice)
    assert shown(html) == "PROMPT 0" and left(html) == 3 and "Undo last rating" not in html


def test_a_buried_card_leaves_and_comes_back(alice, studied, seen):  # noqa: F811
    Card.objects.filter(pk=studied[0].pk).update(buried_until=NOW + timedelta(hours=1), version=studied[0].version + 1)
    assert shown(page(alice)) == "PROMPT 1"
    assert shown(page(alice)) == "PROMPT 1"
    assert shown(page(alice, now=NOW + timedelta(hours=1, minutes=1))) == "PROMPT 0"


def test_a_learning_card_coming_due_comes_first(alice, studied, seen):  # noqa: F811
    # Within the look-ahead it is counted but waits for the reviews; once due it comes first.
    Card.objects.filter(pk=studied[2].pk).update(
        state=Card.State.LEARNING, due=NOW + timedelta(minutes=5), version=studied[2].version + 1
    )
    assert shown(page(alice)) == "PROMPT 0"
    assert shown(page(alice, now=NOW + timedelta(minutes=4))) == "PROMPT 0"
    assert shown(page(alice, now=NOW + timedelta(minutes=5))) == "PROMPT 2"


def test_an_assignment_holding_the_card_shows_at_once(alice, learner, studied, seen, teacher):  # noqa: F811
    classroom = Classroom.objects.create(teacher=teacher, name="Class of Ada")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    assert shown(page(alice)) == "PROMPT 0"
    held = factory.make_quizset("held", [studied[0].question], title="Held set")
    Assignment.objects.create(
        classroom=classroom, quizset=held, due_at=NOW + timedelta(hours=1), reveal=Assignment.Reveal.AFTER_DUE
    )
    html = page(alice)
    assert shown(html) == "PROMPT 1" and left(html) == 2
    assert shown(page(alice)) == "PROMPT 1"
    later = page(alice, now=NOW + timedelta(hours=2))  # past its due date: no longer held
    assert shown(later) == "PROMPT 0" and left(later) == 3


def test_the_deck_studied_shows_at_once(alice, learner, studied, seen):  # noqa: F811
    deck = Deck.objects.create(user=learner, name="Deck one")
    Card.objects.filter(pk=studied[1].pk).update(deck=deck, version=studied[1].version + 1)
    session = alice.session
    session["deck"] = deck.pk
    session.save()
    html = page(alice)
    assert "Deck one" in html and shown(html) == "PROMPT 1" and left(html) == 1
    deck.name = "Deck renamed"
    deck.save()
    assert "Deck renamed" in page(alice)
    deck.delete()  # its cards stay, in no deck: all cards are studied again
    html = page(alice)
    assert "Deck renamed" not in html and shown(html) == "PROMPT 0" and left(html) == 3


def test_an_edit_of_the_question_shows_at_once(alice, studied, seen):  # noqa: F811
    question = studied[0].question
    question.prompt = "PROMPT 0 edited"
    question.save()
    assert "PROMPT 0 edited" in page(alice)


def test_the_settings_show_at_once(alice, learner, seen):
    StudySettings.objects.filter(user=learner).update(reviews_per_day=1)
    assert left(page(alice)) == 2  # one review, one new card


def test_the_language_shows_at_once(alice, seen):
    html = page(alice, headers={"Accept-Language": "fr"})
    assert "3 cartes restantes" in html and "cards left" not in html
    assert "3 cards left" in page(alice)


def test_a_teachers_page_is_not_kept(studied, teacher):  # noqa: F811
    scheduling.add_study(teacher, quizset=studied[0].question.quizsets.first())
    other = Client()
    other.force_login(teacher)
    page(other)
    with CaptureQueriesContext(connection) as queries:
        assert shown(page(other)) == "PROMPT 0"
    assert len(queries) >= 4  # the queue and the card are read again


def test_the_page_is_never_stored_rendered_or_kept(alice, studied):  # noqa: F811
    for response in (get(alice), get(alice)):  # rendered, then kept
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control
        assert response["Expires"]
