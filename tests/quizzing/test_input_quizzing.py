"""HEAD is a GET without a body: on the finish page it asks, it never finishes the attempt."""

import pytest

from quizzes.models import Attempt
from tests import factory


@pytest.mark.django_db
def test_head_on_the_finish_page_leaves_the_attempt_open(client, learner):
    question = factory.make_question()
    quizset = factory.make_quizset(questions=[question])
    attempt = Attempt.objects.create(user=learner, quizset=quizset, question_ids=[question.pk])
    client.force_login(learner)
    r = client.head(f"/attempts/{attempt.pk}/finish/")
    assert r.status_code == client.get(f"/attempts/{attempt.pk}/finish/").status_code == 200
    attempt.refresh_from_db()
    assert attempt.finished_at is None
