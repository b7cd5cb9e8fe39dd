"""The attempt every quiz page reads in one statement (quizzing/reading.py): only the learner's own, with its set,
its assignment, right or wrong per question answered and the assignment rule's held ids, as the ORM reads them."""

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Question, withheld_ids
from quizzes.quizzing.flow import record_answer, start_attempt
from quizzes.quizzing.models import Attempt
from quizzes.quizzing.reading import attempt_of
from quizzes.teaching.models import Assignment, Classroom, Enrollment
from tests import factory
from tests.teaching.test_teaching import make_assignment


def answer(attempt: Attempt, position: int, right: bool) -> None:
    question = Question.objects.get(pk=attempt.question_ids[position - 1])
    choice = question.choices.filter(is_correct=right).first()
    given = {"choices": [choice.pk]} if choice else {"text": "AAV" if right else "x"}
    record_answer(attempt, position, question, given)


def test_the_attempt_reads_as_the_orm_reads_it(learner, bank):
    attempt = start_attempt(learner, bank)
    read = attempt_of(learner, attempt.pk)
    assert read.answers == {} and read.held_ids is None
    answer(attempt, 1, True)
    answer(attempt, 2, False)
    read = attempt_of(learner, attempt.pk, held_at=timezone.now())
    orm = Attempt.objects.select_related("quizset", "assignment").get(pk=attempt.pk)
    for field in Attempt._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert read.quizset == bank and read.quizset.title == "Basics" and read.assignment is None
    assert read.user == learner and read.is_finished
    assert read.answers == dict(orm.responses.values_list("question_id", "is_correct"))
    assert read.held_ids == []


def test_an_assignment_and_what_it_holds_are_read_too(learner, teacher, bank):
    classroom = Classroom.objects.create(teacher=teacher, name="Class")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    assignment = make_assignment(classroom, bank, reveal=Assignment.Reveal.NEVER)
    attempt = start_attempt(learner, bank, assignment=assignment)
    now = timezone.now()
    read = attempt_of(learner, attempt.pk, held_at=now)
    assert read.assignment == assignment and read.assignment.reveal == Assignment.Reveal.NEVER
    assert read.assignment.due_at == assignment.due_at
    assert read.held_ids == withheld_ids(learner, now) and set(read.held_ids) == set(attempt.question_ids)
    assert not read.answers_visible(now, read.held_ids)


@pytest.mark.parametrize("pk", [0, 2**63, 10**30])
def test_no_attempt_for_ids_no_row_can_have(learner, pk):
    assert attempt_of(learner, pk) is None


def test_another_learner_s_attempt_is_not_found(client, learner, bank):
    attempt = start_attempt(learner, bank)
    answer(attempt, 1, True)
    assert attempt_of(factory.make_user("bob", factory.Role.LEARNER), attempt.pk) is None
    other = Client()
    other.force_login(factory.make_user("carol", factory.Role.LEARNER))
    for url in ("", "1/", "2/", "results/", "finish/"):
        assert other.get(f"/attempts/{attempt.pk}/{url}").status_code == 404, url
    assert other.post(f"/attempts/{attempt.pk}/2/", {"answer": "AAV"}).status_code == 404
    client.force_login(learner)
    assert client.get(f"/attempts/{10**30}/1/").status_code == 404
