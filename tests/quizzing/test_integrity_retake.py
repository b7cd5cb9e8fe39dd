"""Trust: "retake the missed questions" is practice. It never counts toward an assignment's grade,
attempt count or item analysis, it is refused where the policy hides answers, and it cannot be chained
into an answer oracle."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Question
from tests.assignments import assign

HX = {"HX-Request": "true"}


@pytest.fixture
def tom(teacher):
    client = Client()
    client.force_login(teacher)
    return client


def answer_all(client, attempt: Attempt, q1_choice: str = "RIGHT-CHOICE", q2_text: str = "nope") -> Attempt:
    for position, pk in enumerate(attempt.question_ids, start=1):
        question = Question.objects.get(pk=pk)
        if question.kind == "short":
            client.post(f"/attempts/{attempt.pk}/{position}/", {"answer": q2_text})
        else:
            client.post(f"/attempts/{attempt.pk}/{position}/", {"choice": question.choices.get(text=q1_choice).pk})
    attempt.refresh_from_db()
    return attempt


def take_assignment(client, assignment, **answers) -> Attempt:
    client.post(f"/assignments/{assignment.pk}/start/")
    return answer_all(client, Attempt.objects.filter(assignment=assignment).latest("started_at"), **answers)


def retake(client, attempt: Attempt, headers=None) -> Attempt | None:
    before = set(Attempt.objects.values_list("pk", flat=True))
    client.post(f"/attempts/{attempt.pk}/retake/", headers=headers)
    new = Attempt.objects.exclude(pk__in=before).first()
    return new


def csv_rows(client, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(url).content.decode().lstrip("\ufeff"))))


class TestRetakesNeverCount:
    def test_a_perfect_retake_leaves_the_grade_the_attempts_and_the_csvs_alone(self, alice, tom, classroom, bank):
        assignment = assign(classroom, bank, reveal="immediately", grading="best")
        first = take_assignment(alice, assignment)
        assert first.score == 0.5
        practice = answer_all(alice, retake(alice, first), q2_text="AAV")
        assert practice.score == 1.0
        assert practice.assignment_id is None, "a retake carrying the assignment would be graded"

        rows = csv_rows(tom, f"/teach/assignments/{assignment.pk}/results.csv")
        assert rows[1][:4] == ["alice", "done", "50.0", "1"]
        gradebook = csv_rows(tom, f"/teach/classes/{classroom.pk}/gradebook.csv")
        assert gradebook[1][1] == "50.0"
        html = tom.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        assert "<td>50%</td>" in html and "<td>100%</td>" not in html
        # Item analysis reads the counted attempt only: the short question was missed there.
        assert "Facility: 0% · Discrimination: — · 1 answer" in html
        assert "50%" in alice.get("/").content.decode()

    def test_results_read_only_counted_attempts_even_for_an_old_retake_row(self, alice, tom, classroom, bank):
        assignment = assign(classroom, bank, reveal="immediately")
        first = take_assignment(alice, assignment)
        # A retake saved with its assignment (as older versions did) is still practice.
        Attempt.objects.create(
            user=first.user,
            quizset=bank,
            assignment=assignment,
            retake_of=first,
            question_ids=[Question.objects.get(external_id="q-2").pk],
            finished_at=timezone.now(),
            score=1.0,
        )
        rows = csv_rows(tom, f"/teach/assignments/{assignment.pk}/results.csv")
        assert rows[1][:4] == ["alice", "done", "50.0", "1"]
        assert csv_rows(tom, f"/teach/classes/{classroom.pk}/gradebook.csv")[1][1] == "50.0"
        learner_page = tom.get(f"/teach/assignments/{assignment.pk}/learners/{first.user_id}/").content.decode()
        assert "100%" not in learner_page


class TestRetakesWhereAnswersAreHidden:
    @pytest.mark.parametrize("reveal", ["never", "after_due"])
    @pytest.mark.parametrize("headers", [None, HX], ids=["page", "htmx"])
    def test_a_retake_is_refused_and_not_offered(self, alice, classroom, bank, reveal, headers):
        assignment = assign(classroom, bank, reveal=reveal)
        first = take_assignment(alice, assignment)
        html = alice.get(f"/attempts/{first.pk}/results/").content.decode()
        assert "missed question" not in html, "which questions were missed is what the policy hides"
        assert retake(alice, first, headers=headers) is None
        html = alice.get(f"/attempts/{first.pk}/results/").content.decode()
        assert "This set is assigned to you: its answers" in html

    def test_after_the_due_date_a_retake_is_allowed_as_practice(self, alice, classroom, bank):
        assignment = assign(classroom, bank, reveal="after_due")
        first = take_assignment(alice, assignment)
        Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(minutes=1))
        practice = retake(alice, first)
        assert practice is not None and practice.assignment_id is None and practice.retake_of == first

    def test_a_retake_of_a_retake_reveals_nothing_once_the_policy_hides_answers(self, alice, classroom, bank):
        assignment = assign(classroom, bank, reveal="immediately")
        first = take_assignment(alice, assignment)
        practice = answer_all(alice, retake(alice, first), q2_text="still wrong")
        Assignment.objects.filter(pk=assignment.pk).update(reveal="never")
        assert retake(alice, practice) is None
        assert retake(alice, first) is None
        html = alice.get(f"/attempts/{practice.pk}/results/").content.decode()
        assert "EXPLAIN-TWO" not in html and "Right answer" not in html
