"""scripts/benchmark.py --scale's shapes and build (not timed: the figures are in docs/performance.md), and the
index the queue's next new card is read by."""

import importlib.util
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog, StudySettings

_spec = importlib.util.spec_from_file_location("benchmark", Path(__file__).parent.parent / "scripts" / "benchmark.py")
benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(benchmark)


def test_one_learner_by_default_and_100_cards_each_with_several():
    assert benchmark.scale_shape(1, None, None) == {
        "learners": 1,
        "cards_each": 100_000,
        "reviews_each": 1_000_000,
        "bank": 100_000,
    }
    assert benchmark.scale_shape(10_000, None, None) == {
        "learners": 10_000,
        "cards_each": 100,
        "reviews_each": 200,
        "bank": 1_000,
    }
    assert benchmark.scale_shape(50, 2_000, 500)["cards_each"] == 40


@pytest.mark.parametrize("learners, cards", [(0, None), (10, 5)])
def test_a_shape_without_learners_or_cards_is_refused(learners, cards):
    with pytest.raises(ValueError):
        benchmark.scale_shape(learners, cards, None)


def test_each_learner_studies_different_questions_of_the_bank():
    slices = [benchmark.learner_questions(i, 100, 1_000) for i in range(300)]
    assert all(len(set(s)) == 100 and all(0 <= p < 1_000 for p in s) for s in slices)
    assert {p for s in slices for p in s} == set(range(1_000))  # every question has learners
    assert len({s[0] for s in slices[:27]}) == 27


def test_the_build_makes_cards_and_logs_the_queue_can_read(db):
    learners = benchmark.build_scale(benchmark.scale_shape(3, 30, 12))
    assert [Card.objects.filter(user=u).count() for u in learners] == [10, 10, 10]
    assert [ReviewLog.objects.filter(user=u).count() for u in learners] == [4, 4, 4]
    card = Card.objects.filter(user=learners[0]).order_by("pk").first()
    assert card.created_at < timezone.now() and card.version == 0 and not card.suspended
    user = learners[0]
    queue = scheduling.queue(user, StudySettings.for_user(user), timezone.now())
    assert queue.card is None or queue.card.user_id == user.pk


def test_a_built_card_of_each_state_can_be_rated(db):
    """A card in (re)learning is at one of its steps, as the app leaves it: FSRS rates none without one."""
    (learner,) = benchmark.build_scale(benchmark.scale_shape(1, 200, 10))
    settings = StudySettings.for_user(learner)
    now = timezone.now()
    cards = {state: Card.objects.filter(user=learner, state=state).order_by("pk").first() for state in Card.State}
    for state, card in cards.items():
        assert card is not None, state
        rated = scheduling.rate(learner, card.pk, 3, token=uuid.uuid4(), now=now, settings=settings)
        assert rated.log.state_before == state and rated.card.version == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's (PostgreSQL's plan: docs)")
def test_the_next_new_card_is_read_in_the_order_of_an_index(learner):
    query = Card.objects.filter(user=learner).new().order_by("created_at", "pk").values("pk")[:1]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "card_new_order" in plan and "TEMP B-TREE" not in plan
