"""The progress page's content is cached per learner (quizzes.study.progress_cache): whatever it is made from
shows on the next request, and no learner ever sees another's."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from quizzes.study import scheduling
from quizzes.study.models import Card, StudySettings
from quizzes.teaching.models import Assignment
from tests import factory

NOW = datetime(2026, 6, 15, 20, 30, tzinfo=UTC)


def page(client, now=NOW, **kwargs) -> str:
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = client.get("/progress/", **kwargs)
    assert response.status_code == 200
    return response.content.decode()


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


def test_a_cached_page_costs_a_few_queries(alice, studied, seen, django_assert_max_num_queries):
    # session, user, the fingerprint.
    with django_assert_max_num_queries(3):
        assert content(page(alice)) == content(seen)
