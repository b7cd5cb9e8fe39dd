"""Ratings are applied once, whoever sends them: scripted clients without `version`, quiz answers,
clock skew, and tokens reused on another card (RELIABILITY.md A9, B 31 and 34).

The concurrency tests run real threads on their own database connections, as in
test_review_concurrency.py, on SQLite (IMMEDIATE transactions) and on PostgreSQL (DATABASE_URL).
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from quizzes.bank.models import Question
from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog
from tests import factory
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS = 50


def studied_card(username="alice", external_id="q-1"):
    user = factory.make_user(username, factory.Role.LEARNER)
    # A flashcard: its reveal page shows the rating buttons and their token at once (an objective
    # question shows them only after an answer).
    question = factory.make_question(external_id, kind=Question.Kind.FLASHCARD, back="Non-integrative")
    card = Card.objects.create(user=user, question=question, due=datetime(2026, 1, 1, tzinfo=UTC))
    return user, card


def logged_in_clients(user, n):
    clients = []
    for _ in range(n):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


def post_rating(client, card, data):
    response = client.post(f"/review/{card.pk}/rate/", data, headers={"HX-Request": "true"})
    return response.status_code


class TestScriptedClientsWithoutVersion:
    def test_fifty_concurrent_posts_of_one_rating_apply_once(self):
        """The same request sent 50 times at once (a retrying script): one rating, no 500."""
        user, card = studied_card()
        token = str(uuid.uuid4())
        clients = logged_in_clients(user, CLIENTS)
        statuses = run_together(*[lambda c=c: post_rating(c, card, {"rating": 3, "token": token}) for c in clients])
        assert 500 not in statuses and all(isinstance(s, int) for s in statuses), statuses
        card.refresh_from_db()
        assert card.reps == 1 and card.version == 1
        assert ReviewLog.objects.filter(card=card).count() == 1

    def test_fifty_concurrent_ratings_of_the_shown_card_apply_once(self):
        """50 ratings of the card as it was shown (50 tokens taken from the reveal page, no version):
        like ratings that send the version, one applies and the others are told the card moved on."""
        user, card = studied_card()
        clients = logged_in_clients(user, CLIENTS)
        tokens = []
        for client in clients:
            html = client.get(f"/review/{card.pk}/reveal/").content.decode()
            tokens.append(html.split('name="token" value="', 1)[1].split('"', 1)[0])
        statuses = run_together(
            *[
                lambda c=c, t=t: post_rating(c, card, {"rating": 3, "token": t})
                for c, t in zip(clients, tokens, strict=True)
            ]
        )
        assert sorted(statuses) == [200] + [409] * (CLIENTS - 1), statuses
        card.refresh_from_db()
        assert card.reps == 1 and ReviewLog.objects.filter(card=card).count() == 1

    def test_a_token_from_an_older_reveal_is_stale_without_version(self, client):
        """Sequentially too: a token shown for version 0 cannot rate the card once it is at version 1."""
        user, card = studied_card()
        client.force_login(user)
        first = client.get(f"/review/{card.pk}/reveal/").content.decode()
        second = client.get(f"/review/{card.pk}/reveal/").content.decode()
        token_of = lambda html: html.split('name="token" value="', 1)[1].split('"', 1)[0]  # noqa: E731
        assert post_rating(client, card, {"rating": 3, "token": token_of(first)}) == 200
        assert post_rating(client, card, {"rating": 3, "token": token_of(second)}) == 409
        assert post_rating(client, card, {"rating": 3, "token": token_of(first)}) == 200, "a replay: same result"
        card.refresh_from_db()
        assert card.reps == 1


class TestQuizAnswers:
    def test_one_answer_recorded_twice_at_once_reviews_the_card_once(self):
        """record_quiz_answer for the same response (a retried submit) reviews the card once."""
        user, card = studied_card()
        when = datetime(2026, 1, 2, 9, tzinfo=UTC)
        key = uuid.uuid4()
        results = run_together(
            *[lambda: scheduling.record_quiz_answer(user, card.question, True, now=when, token=key) for _ in range(10)]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        card.refresh_from_db()
        assert card.reps == 1 and ReviewLog.objects.filter(card=card).count() == 1


class TestClockSkew:
    def test_a_rating_earlier_than_the_last_review_never_has_negative_elapsed_time(self):
        user, card = studied_card()
        t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
        scheduling.rate(user, card.pk, 3, token=uuid.uuid4(), now=t0)
        # a quiz answer stamped before the review (another server's clock, a late submission)
        rated = scheduling.rate(user, card.pk, 3, token=uuid.uuid4(), now=t0 - timedelta(days=2, hours=1))
        assert rated.log.elapsed_days == 0
        card.refresh_from_db()
        assert card.last_review >= t0, "the card's history does not go backwards"
        assert card.due > card.last_review
        assert all(log.elapsed_days >= 0 for log in ReviewLog.objects.all())

    def test_a_post_behind_the_last_review_is_not_a_500(self, client):
        """The card was last reviewed three days "ahead" (another server's clock): rating it now works."""
        user, card = studied_card()
        ahead = datetime.now(UTC) + timedelta(days=3)
        scheduling.rate(user, card.pk, 3, token=uuid.uuid4(), now=ahead)
        client.force_login(user)
        client.raise_request_exception = False
        assert post_rating(client, card, {"rating": 3, "token": str(uuid.uuid4())}) == 200
        log = ReviewLog.objects.filter(card=card).order_by("-pk").first()
        assert ReviewLog.objects.filter(card=card).count() == 2 and log.elapsed_days == 0


class TestTokenOnAnotherCard:
    def test_a_token_reused_on_another_card_is_refused_clearly(self, client):
        user, card = studied_card()
        other = Card.objects.create(
            user=user, question=factory.make_question("q-2"), due=datetime(2026, 1, 1, tzinfo=UTC)
        )
        client.force_login(user)
        client.raise_request_exception = False
        token = str(uuid.uuid4())
        assert post_rating(client, card, {"rating": 3, "token": token, "version": 0}) == 200
        status = post_rating(client, other, {"rating": 3, "token": token, "version": 0})
        assert status in (400, 409)
        other.refresh_from_db()
        assert other.reps == 0 and ReviewLog.objects.filter(card=other).count() == 0

    def test_without_version_too(self, client):
        user, card = studied_card()
        other = Card.objects.create(
            user=user, question=factory.make_question("q-2"), due=datetime(2026, 1, 1, tzinfo=UTC)
        )
        client.force_login(user)
        client.raise_request_exception = False
        token = str(uuid.uuid4())
        assert post_rating(client, card, {"rating": 3, "token": token}) == 200
        assert post_rating(client, other, {"rating": 3, "token": token}) in (400, 409)
        other.refresh_from_db()
        assert other.reps == 0

    def test_in_the_scheduler_it_is_a_review_error_not_an_integrity_error(self):
        user, card = studied_card()
        other = Card.objects.create(
            user=user, question=factory.make_question("q-2"), due=datetime(2026, 1, 1, tzinfo=UTC)
        )
        token = uuid.uuid4()
        scheduling.rate(user, card.pk, 3, token=token)
        with pytest.raises(scheduling.ReviewError):
            scheduling.rate(user, other.pk, 3, token=token)
        with pytest.raises(scheduling.ReviewError):
            scheduling.rate(user, other.pk, 3, token=token, version=0)
