"""Fitting is offered once the log is enough, and otherwise says how many more reviews it needs."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.study import optimizing, scheduling
from quizzes.study.fitting import MIN_REVIEWS_TO_FIT, card_histories, fsrs_items
from quizzes.study.models import Card, ReviewLog
from tests import factory

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)


@pytest.fixture
def cards(learner):
    questions = [factory.make_question(f"q-{i}") for i in range(10)]
    scheduling.add_study(learner, quizset=factory.make_quizset("set", questions))
    return list(Card.objects.filter(user=learner))


def reviews(user, cards, days: int, per_day_twice: bool = True) -> None:
    """Each card reviewed on each of `days` days (twice a day: the second is a same-day review)."""
    rows = []
    for day in range(days):
        for card in cards:
            at = T0 + timedelta(days=day)
            rows.append(ReviewLog(user=user, card=card, reviewed_at=at, rating=3, state_before=2))
            if per_day_twice:
                rows.append(
                    ReviewLog(user=user, card=card, reviewed_at=at + timedelta(minutes=10), rating=3, state_before=2)
                )
    ReviewLog.objects.bulk_create(rows)


def test_the_count_is_the_one_fitting_uses(learner, cards):
    reviews(learner, cards, 5)
    ReviewLog.objects.create(
        user=learner, external_card_id=77, reviewed_at=T0, rating=3, state_before=2, kind=ReviewLog.Kind.IMPORTED
    )
    ReviewLog.objects.create(
        user=learner,
        external_card_id=77,
        reviewed_at=T0 + timedelta(days=3),
        rating=3,
        state_before=2,
        kind=ReviewLog.Kind.IMPORTED,
    )
    items = fsrs_items(card_histories(optimizing.training_reviews(learner)))
    assert len(items) == 10 * 4 + 1
    assert optimizing.reviews_still_needed(learner) == MIN_REVIEWS_TO_FIT - len(items)


def test_the_settings_page_says_how_many_more_then_offers_to_fit(alice, learner, cards):
    reviews(learner, cards, 5)
    html = alice.get("/study/settings/").content.decode()
    needed = MIN_REVIEWS_TO_FIT - 40
    assert f"Fitting your own parameters needs {needed} more reviews" in html
    assert "Fit my parameters now" not in html
    html = alice.get("/study/settings/", headers={"Accept-Language": "fr"}).content.decode()
    assert f"encore {needed} révisions" in html
    reviews(learner, cards, 42, per_day_twice=False)  # appended: plenty of later-day reviews
    html = alice.get("/study/settings/").content.decode()
    assert "Fit my parameters now" in html and "more review" not in html
    assert optimizing.reviews_still_needed(learner) == 0


def test_one_more_is_said_in_the_singular(alice, learner, cards, monkeypatch):
    monkeypatch.setattr(optimizing, "MIN_REVIEWS_TO_FIT", 41)
    reviews(learner, cards, 5)
    html = alice.get("/study/settings/").content.decode()
    assert "needs 1 more review of a card on a later day" in html
    html = alice.get("/study/settings/", headers={"Accept-Language": "fr"}).content.decode()
    assert "encore 1 révision " in html
