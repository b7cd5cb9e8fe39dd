"""The kept review queue under ratings at once (quizzes/study/kept_queue.py): a learner's ratings of several cards
sent together (tabs, a retrying client, two worker processes) each write the snapshot in their own transaction or
read it again; whatever the order, the snapshot left in the database at the learner's generation is the queue read
from scratch at that generation. Real threads on their own connections, on SQLite (IMMEDIATE transactions) and on
PostgreSQL (DATABASE_URL: the card's row lock, and a generation moved by another rating between the card's
statement and the commit)."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import withheld_questions
from quizzes.study import kept_queue, scheduling
from quizzes.study.models import Card, KeptQueue, PageGeneration, StudySettings
from tests import factory
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)
HX = {"HX-Request": "true"}
AT_ONCE = 6
ROUNDS = 3


def learner_with_due_cards(n: int):
    user = factory.make_user("lea", factory.Role.LEARNER)
    StudySettings.objects.create(user=user, timezone="UTC", rollover_hour=4)
    questions = [factory.make_question(f"q-{i:02}", prompt=f"PROMPT {i}") for i in range(n)]
    scheduling.add_study(user, quizset=factory.make_quizset("studied", questions))
    cards = list(Card.objects.filter(user=user).order_by("pk"))
    now = timezone.now()
    for i, card in enumerate(cards[: n // 2]):  # reviews due, the rest new
        Card.objects.filter(pk=card.pk).update(
            state=Card.State.REVIEW,
            stability=4,
            difficulty=5,
            reps=2,
            last_review=now - timedelta(days=6),
            due=now - timedelta(hours=i + 1),
        )
    return user, [c.pk for c in cards]


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def rate(client, card_id: int) -> int:
    return client.post(f"/review/{card_id}/rate/", {"rating": 3, "token": str(uuid.uuid4())}, headers=HX).status_code


def assert_kept_snapshot_is_the_queue(user) -> None:
    row = KeptQueue.objects.get(user=user)
    generation = PageGeneration.objects.get(user=user).n
    if row.generation != generation:  # not at the learner's generation: never used (reading.card_to_rate)
        return
    now = timezone.now()
    settings = StudySettings.objects.get(user=user)
    kept = kept_queue.decode(bytes(row.data), row.generation)
    fresh, _keeps = kept_queue.read(user, settings, now, withheld_questions(user, now), kept.context, None)
    assert fresh.generation == generation
    assert kept.counts(now) == fresh.counts(now)
    assert (kept.learning, kept.reviews, kept.new) == (fresh.learning, fresh.reviews, fresh.new)


def test_ratings_at_once_leave_the_snapshot_of_the_queue():
    user, cards = learner_with_due_cards(24)
    first = client_of(user)
    assert rate(first, cards[0]) == 200  # the snapshot read and written
    clients = [client_of(user) for _ in range(AT_ONCE)]
    rated = 1
    for _ in range(ROUNDS):
        batch = cards[rated : rated + AT_ONCE]
        rated += AT_ONCE
        statuses = run_together(*[lambda c=c, pk=pk: rate(c, pk) for c, pk in zip(clients, batch, strict=True)])
        assert statuses == [200] * AT_ONCE, statuses
        assert_kept_snapshot_is_the_queue(user)
        kept_queue._recent.clear()  # the next rating may reach another process
    # One more rating, alone: it moves the snapshot the last ones left (or reads it again) and shows the queue.
    assert rate(first, cards[rated]) == 200
    row = KeptQueue.objects.get(user=user)
    assert row.generation == PageGeneration.objects.get(user=user).n
    assert_kept_snapshot_is_the_queue(user)
