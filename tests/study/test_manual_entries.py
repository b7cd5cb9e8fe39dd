"""A forget or a due date moved by hand (the card browser, an exam's "review them before the exam") leaves a
line in the card's history, as Anki's manual and rescheduled revlog entries do, and is no review: every
count of reviews stays as it was (the queue's done today, progress, true retention, calibration, fitting,
the settings page, the exported log)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from quizzes.bank.models import visible_question
from quizzes.study import cards, optimizing, planning, scheduling, stats
from quizzes.study.models import Card, Deck, ExamDate, ReviewDay, ReviewLog, StudySettings
from tests import factory


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def deck_cards(learner):
    """Four own cards reviewed over three weeks, the last reviews today: every count below is above 0."""
    deck = Deck.objects.create(user=learner, name="Vectors")
    made = cards.make_cards(learner, [(f"FRONT-{i}", f"back {i}") for i in range(4)], deck)
    now = timezone.now()
    for i, card in enumerate(made):  # minutes apart by position: ids grow large on PostgreSQL
        for days_ago, rating in ((21, 3), (18, 3), (9, 1), (8, 3), (0, 3)):
            scheduling.rate(learner, card.pk, rating, token=None, now=now - timedelta(days=days_ago, minutes=i))
    return made


def counts(client, learner) -> dict:
    settings = StudySettings.for_user(learner)
    now = timezone.now()
    start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
    queue = scheduling._queue_counts(learner.pk, visible_question(learner), now, start, end)
    progress = stats.progress(learner, settings, now)
    export = client.get("/study/log.csv").content.decode()
    return {
        "done today": (queue["done_new"], queue["done_reviews"], queue["undoable"]),
        "review days": list(
            ReviewDay.objects.filter(user=learner)
            .order_by("day")
            .values_list("day", "reviews", "new_cards", "review_cards", "review_passed")
        ),
        "progress": (progress["reviews_last_year"], progress["streak"], progress["retention"]),
        "calibration": [(b.count, b.predicted, b.actual) for b in planning.calibration(learner.pk)["bins"]],
        "fitting": (len(optimizing.training_reviews(learner)), optimizing.reviews_still_needed(learner)),
        "settings page": client.get("/study/settings/").context["review_count"],
        "exported lines": len(export.splitlines()),
    }


def test_forget_and_reschedule_show_in_the_history_and_count_as_no_review(alice, learner, deck_cards):
    before = counts(alice, learner)
    assert before["done today"][1] > 0 and before["calibration"] and before["progress"][0] > 0
    first, second = deck_cards[0], deck_cards[1]
    alice.post("/cards/bulk/", {"action": "forget", "card": [first.pk]})
    day = timezone.localdate() + timedelta(days=40)
    alice.post("/cards/bulk/", {"action": "reschedule", "card": [second.pk], "date": day.isoformat()})
    assert Card.objects.get(pk=first.pk).state == Card.State.NEW
    assert Card.objects.get(pk=second.pk).due.date() == day

    forget = ReviewLog.objects.get(card=first, kind=ReviewLog.Kind.MANUAL)
    assert (forget.rating, forget.state_before, forget.card_before) == (0, Card.State.REVIEW, None)
    moved = ReviewLog.objects.get(card=second, kind=ReviewLog.Kind.RESCHEDULED)
    assert moved.rating == 0 and moved.scheduled_days in (39, 40)
    assert moved.stability_after == Card.objects.get(pk=second.pk).stability

    html = alice.get(f"/cards/{first.pk}/").content.decode()
    assert "Forgotten: back to new" in html and html.count("<tr>") == 1 + 6  # the header, 5 reviews, the forget
    html = alice.get(f"/cards/{second.pk}/").content.decode()
    assert "Due date moved" in html and f"due in {moved.scheduled_days} days" in html

    assert counts(alice, learner) == before
    scheduling.rebuild_review_days(learner)  # recounted from the log, they still leave them out
    assert counts(alice, learner) == before


def test_undo_still_takes_back_the_last_rating_not_a_manual_entry(alice, learner, deck_cards):
    last = ReviewLog.objects.filter(user=learner, kind=ReviewLog.Kind.NORMAL).latest("reviewed_at", "pk")
    alice.post("/cards/bulk/", {"action": "forget", "card": [deck_cards[3].pk]})
    assert scheduling.undo_last(learner) is not None
    assert not ReviewLog.objects.filter(pk=last.pk).exists()
    assert ReviewLog.objects.filter(kind=ReviewLog.Kind.MANUAL).count() == 1


def test_review_them_before_the_exam_logs_each_card_moved(alice, learner, deck_cards):
    now = datetime.now(UTC)
    weak = deck_cards[2]
    Card.objects.filter(pk=weak.pk).update(
        stability=3.0, last_review=now - timedelta(days=1), due=now + timedelta(days=90)
    )
    exam = ExamDate.objects.create(user=learner, deck=weak.deck, on=date.today() + timedelta(days=30))
    before, due = counts(alice, learner), {c.pk: c.due for c in exam.cards()}
    r = alice.post(f"/study/exams/{exam.pk}/", {"action": "schedule"}, follow=True)
    assert "card will come back for review before the exam" in r.content.decode()
    entries = ReviewLog.objects.filter(kind=ReviewLog.Kind.RESCHEDULED)
    assert {e.card_id for e in entries} == {c.pk for c in exam.cards() if c.due < due[c.pk]}
    assert weak.pk in {e.card_id for e in entries}
    assert "Due date moved" in alice.get(f"/cards/{weak.pk}/").content.decode()
    assert counts(alice, learner) == before
    alice.post(f"/study/exams/{exam.pk}/", {"action": "schedule"})
    assert ReviewLog.objects.filter(kind=ReviewLog.Kind.RESCHEDULED).count() == entries.count(), "nothing moved twice"


def test_another_learners_card_gets_no_entry(client, learner, deck_cards):
    bob = factory.make_user("bob", factory.Role.LEARNER)
    client.force_login(bob)
    client.post("/cards/bulk/", {"action": "forget", "card": [deck_cards[0].pk]})
    assert not ReviewLog.objects.exclude(kind=ReviewLog.Kind.NORMAL).exists()
    assert Card.objects.get(pk=deck_cards[0].pk).state != Card.State.NEW
