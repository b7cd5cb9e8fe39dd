"""Double clicks and two tabs under real concurrency (threads, separate connections): a rating applies once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog
from tests import factory
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 25


def test_the_same_token_twice_at_once_applies_once():
    user = factory.make_user("alice", factory.Role.LEARNER)
    card = Card.objects.create(user=user, question=factory.make_question(), due=datetime(2026, 1, 1, tzinfo=UTC))
    when = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for round_ in range(ROUNDS):
        token = uuid.uuid4()
        version = Card.objects.get(pk=card.pk).version
        results = run_together(
            *[
                lambda t=token, v=version, w=when: scheduling.rate(user, card.pk, 3, token=t, version=v, now=w)
                for _ in range(2)
            ]
        )
        assert all(isinstance(r, scheduling.Rated) for r in results), results
        assert sorted(r.duplicate for r in results) == [False, True]
        assert results[0].card.due == results[1].card.due
        assert Card.objects.get(pk=card.pk).reps == round_ + 1
        when = Card.objects.get(pk=card.pk).due + timedelta(minutes=1)
    assert ReviewLog.objects.count() == ROUNDS == ReviewLog.objects.values("token").distinct().count()


def test_two_tabs_with_different_tokens_apply_once():
    user = factory.make_user("alice", factory.Role.LEARNER)
    card = Card.objects.create(user=user, question=factory.make_question(), due=datetime(2026, 1, 1, tzinfo=UTC))
    when = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for round_ in range(ROUNDS):
        version = Card.objects.get(pk=card.pk).version
        results = run_together(
            *[
                lambda v=version, w=when: scheduling.rate(user, card.pk, 3, token=uuid.uuid4(), version=v, now=w)
                for _ in range(2)
            ]
        )
        assert sorted(type(r).__name__ for r in results) == ["Rated", "StaleCard"], results
        assert Card.objects.get(pk=card.pk).reps == round_ + 1
        when = Card.objects.get(pk=card.pk).due + timedelta(minutes=1)
    assert ReviewLog.objects.count() == ROUNDS
    assert connection.vendor in ("sqlite", "postgresql")
