"""The cached results of an assignment: the fingerprint they are kept under changes with everything they are
made from, and reading it stays one query however many answers the class gave."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.quizzing.flow import record_answer, start_attempt
from quizzes.teaching.models import Classroom, Enrollment, Extension
from quizzes.teaching.results_cache import fingerprint
from tests import factory
from tests.teaching.test_teaching import make_assignment


@pytest.fixture
def assignment(db, teacher, learner):
    questions = [factory.make_question(f"fp-{i}", choices=[("Right", True), ("Wrong", False)]) for i in range(3)]
    classroom = Classroom.objects.create(teacher=teacher, name="Biology 1")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    return make_assignment(classroom, factory.make_quizset("fp-set", questions))


def answer(attempt, position: int, right: bool = True) -> None:
    question = Question.objects.get(pk=attempt.question_ids[position - 1])
    record_answer(attempt, position, question, {"choices": [question.choices.get(is_correct=right).pk]})


def test_every_step_of_a_learner_changes_it(assignment, learner):
    seen = [fingerprint(assignment)]
    attempt = start_attempt(learner, assignment.quizset, assignment=assignment)
    seen.append(fingerprint(assignment))
    answer(attempt, 1)  # an answer in an attempt still open
    seen.append(fingerprint(assignment))
    answer(attempt, 2, right=False)
    seen.append(fingerprint(assignment))
    answer(attempt, 3)  # the last answer finishes the attempt
    seen.append(fingerprint(assignment))
    second = start_attempt(learner, assignment.quizset, assignment=assignment)
    seen.append(fingerprint(assignment))
    answer(second, 1)
    seen.append(fingerprint(assignment))
    second.finish()  # finished early: the answers given count, the others are wrong
    seen.append(fingerprint(assignment))
    Extension.objects.create(assignment=assignment, learner=learner, due_at=timezone.now() + timedelta(days=30))
    seen.append(fingerprint(assignment))
    newcomer = factory.make_user("newcomer", factory.Role.LEARNER)
    Enrollment.objects.create(classroom=assignment.classroom, learner=newcomer)
    seen.append(fingerprint(assignment))
    second.delete()
    seen.append(fingerprint(assignment))
    assert len(set(seen)) == len(seen)
    assert fingerprint(assignment) == seen[-1], "and it is the same while nothing changes"


def test_it_is_one_query_for_a_large_class(assignment, django_assert_num_queries):
    for i in range(20):
        learner = factory.make_user(f"fp-learner-{i:02d}", factory.Role.LEARNER)
        Enrollment.objects.create(classroom=assignment.classroom, learner=learner)
        attempt = start_attempt(learner, assignment.quizset, assignment=assignment)
        for position in range(1, 4):
            answer(attempt, position, right=bool(i % 2))
    with django_assert_num_queries(1):
        fingerprint(assignment)
