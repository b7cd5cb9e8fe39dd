"""The quiz pages ask the assignment rule (answers withheld) in a fixed number of queries, however many classes and
assignments the learner has: the rule's SQL is compiled once, and with nothing held one query answers it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.quizzing.flow import record_answer, start_attempt
from quizzes.teaching.models import Assignment, Classroom, Enrollment
from tests import factory
from tests.teaching.test_teaching import make_assignment


@pytest.fixture
def practice(db, learner):
    questions = [factory.make_question(f"pq-{i}", choices=[("Right", True), ("Wrong", False)]) for i in range(4)]
    return factory.make_quizset("practice-set", questions)


def enrol_with_held_sets(learner, teacher, classes: int) -> None:
    """`classes` classes of the learner, each with a quiz assignment that holds another set (answers never shown)."""
    for c in range(classes):
        classroom = Classroom.objects.create(teacher=teacher, name=f"Class {c}")
        Enrollment.objects.create(classroom=classroom, learner=learner)
        held = [factory.make_question(f"held-{c}-{i}", choices=[("Yes", True), ("No", False)]) for i in range(3)]
        make_assignment(
            classroom, factory.make_quizset(f"held-set-{c}", held), reveal=Assignment.Reveal.NEVER, max_attempts=1
        )


def answer(attempt, position: int) -> None:
    question = Question.objects.get(pk=attempt.question_ids[position - 1])
    record_answer(attempt, position, question, {"choices": [question.choices.get(is_correct=True).pk]})


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("classes", [0, 1, 6])
def test_the_quiz_pages_run_a_fixed_number_of_queries(client, learner, teacher, practice, classes):
    enrol_with_held_sets(learner, teacher, classes)
    attempt = start_attempt(learner, practice)
    answer(attempt, 1)
    client.force_login(learner)
    unanswered, answered, results = (f"/attempts/{attempt.pk}/{end}/" for end in ("2", "1", "results"))
    client.get(unanswered)  # the first request of a session reads more (settings)
    with mock.patch("quizzes.quizzing.kept_pages.keeps", return_value=False):  # rendered, as on a kept page's miss
        # session, user, the attempt with the ids answered (one statement); the question and its choices were read
        # by the first request (quizzing/views.py keeps them for the bank's version)
        assert count(client, unanswered) <= 3
        # then its answer, and the rule: one query when nothing of this set is held; the question, passage and
        # source are kept like the unanswered one's
        client.get(answered)
        assert count(client, answered) <= 5
    # Kept whole (quizzing/kept_pages.py): the first request renders after the fingerprint, then session, user and
    # the fingerprint; and for a learner in a class, where the page shows what is held (the results, an answered
    # question), the rule's ids: one query, whatever the number of classes.
    assert count(client, unanswered) <= 4
    assert count(client, unanswered) <= 3
    assert count(client, answered) <= 7
    assert count(client, answered) <= (4 if classes else 3)
    for position in range(2, 5):
        answer(attempt, position)
    with mock.patch("quizzes.quizzing.kept_pages.keeps", return_value=False):
        # session, user, the attempt with right or wrong per question and the rule's ids (one statement), the
        # cached list's rows: the responses, and the questions no page has read in this process, with their choices
        assert count(client, results) <= 6
        assert count(client, results) <= 3, "the list is cached: nothing was missed"
    assert count(client, results) <= 5
    assert count(client, results) <= (4 if classes else 3)


@pytest.mark.parametrize("classes", [1, 6])
def test_the_reason_a_set_is_held_is_found_in_a_fixed_number_of_queries(
    learner, teacher, classes, django_assert_max_num_queries
):
    enrol_with_held_sets(learner, teacher, classes)
    held = Question.objects.filter(external_id__startswith="held-")
    now = timezone.now()
    # the held ids, those of these questions, the assignments holding them, the learner's due date (its extension)
    with django_assert_max_num_queries(4):
        reason = held.withheld_reason(learner, now)
    assert reason == "This set is assigned to you: its answers are not shown."
    with django_assert_max_num_queries(2):  # the held ids, none of them among these questions
        assert practice_reason(learner, now) is None


def practice_reason(learner, now):
    return Question.objects.exclude(external_id__startswith="held-").withheld_reason(learner, now)


def test_the_rule_still_reads_the_due_date_and_extension_of_each_learner(learner, teacher, practice):
    """The compiled rule replaces the stand-in learner and time: another learner, another time, another answer."""
    classroom = Classroom.objects.create(teacher=teacher, name="Class")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    other = factory.make_user("bob", factory.Role.LEARNER)
    Enrollment.objects.create(classroom=classroom, learner=other)
    due = timezone.now() + timedelta(days=2)
    assignment = make_assignment(classroom, practice, reveal=Assignment.Reveal.AFTER_DUE, due_at=due)
    assignment.extensions.create(learner=other, due_at=due + timedelta(days=5))
    ids = set(practice.items.values_list("question_id", flat=True))
    before, between, after = due - timedelta(days=1), due + timedelta(days=1), due + timedelta(days=6)
    assert set(Question.objects.withheld_from(learner, before).values_list("pk", flat=True)) == ids
    assert not Question.objects.withheld_from(learner, between).exists()
    assert set(Question.objects.withheld_from(other, between).values_list("pk", flat=True)) == ids
    assert not Question.objects.withheld_from(other, after).exists()
    outsider = factory.make_user("carol", factory.Role.LEARNER)
    assert not Question.objects.withheld_from(outsider, before).exists()
