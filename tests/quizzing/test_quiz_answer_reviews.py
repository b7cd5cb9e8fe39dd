"""A quiz answer on a studied question reviews the learner's card once, in the same transaction as the answer."""

from unittest import mock

import pytest
from django.db import OperationalError

from quizzes.quizzing import flow
from quizzes.quizzing.models import Response
from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog
from tests import factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def studied(learner):
    question = factory.make_question()
    quizset = factory.make_quizset("set", [question])
    scheduling.add_study(learner, quizset=quizset)
    return flow.start_attempt(learner, quizset), question


def answer_of(question):
    return {"choices": [question.choices.get(is_correct=True).pk]}


def test_the_answer_and_its_review_are_stored_together(studied):
    attempt, question = studied
    response, _grade = flow.record_answer(attempt, 1, question, answer_of(question))
    log = ReviewLog.objects.get()
    assert (log.origin, log.rating, log.token) == ("quiz", 3, response.review_token)
    assert Card.objects.get().reps == 1


def test_a_failed_review_stores_no_answer_so_the_learner_can_send_it_again(studied):
    attempt, question = studied
    with mock.patch.object(scheduling, "rate", side_effect=OperationalError("database is locked")):
        with pytest.raises(OperationalError):
            flow.record_answer(attempt, 1, question, answer_of(question))
    assert Response.objects.count() == 0 and Card.objects.get().reps == 0
    attempt.refresh_from_db()
    flow.record_answer(attempt, 1, question, answer_of(question))
    assert Response.objects.count() == 1 and Card.objects.get().reps == 1 and ReviewLog.objects.count() == 1


def test_the_same_answer_recorded_again_reviews_the_card_once(studied, learner):
    attempt, question = studied
    response, _grade = flow.record_answer(attempt, 1, question, answer_of(question))
    again = scheduling.record_quiz_answer(learner, question, True, token=response.review_token)
    assert again.pk == ReviewLog.objects.get().pk and Card.objects.get().reps == 1
