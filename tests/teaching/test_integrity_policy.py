"""Trust: an assignment's reveal policy and attempt limit hold on every path to its questions.

The rule: while a quiz assignment withholds answers from a learner (reveal=never, or after_due before
that learner's due date) or limits their attempts (before that learner's due date), the questions of
its set cannot be practised, studied, revealed in review or retaken by that learner; only the
assignment's own attempts reach them. A learner who is not in the class is not concerned.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Card, Extension, Question
from tests import factory
from tests.assignments import assign

HX = {"HX-Request": "true"}


@pytest.fixture
def bob(db):
    """A learner who is not in the class."""
    client = Client()
    client.force_login(factory.make_user("bob", factory.Role.LEARNER))
    return client


def move_due_date_into_the_past(assignment: Assignment) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(minutes=1))


def answer_all(client, attempt: Attempt, q1_choice: str = "WRONG-CHOICE", q2_text: str = "nope", headers=None):
    for position, pk in enumerate(attempt.question_ids, start=1):
        question = Question.objects.get(pk=pk)
        if question.kind == "short":
            client.post(f"/attempts/{attempt.pk}/{position}/", {"answer": q2_text}, headers=headers)
        else:
            choice = question.choices.get(text=q1_choice).pk
            client.post(f"/attempts/{attempt.pk}/{position}/", {"choice": choice}, headers=headers)
    attempt.refresh_from_db()
    return attempt


def take_assignment(client, assignment, **answers) -> Attempt:
    client.post(f"/assignments/{assignment.pk}/start/")
    attempt = Attempt.objects.filter(assignment=assignment).latest("started_at")
    return answer_all(client, attempt, **answers)


def secrets_in(html: str) -> list[str]:
    return [s for s in ("EXPLAIN-ONE", "EXPLAIN-TWO", "Right answer", "✓ Correct", "Not quite") if s in html]


class TestPractice:
    @pytest.mark.parametrize(
        ("reveal", "message"),
        [
            ("never", "This set is assigned to you: its answers are not shown."),
            ("after_due", "This set is assigned to you: its answers are shown after"),
        ],
    )
    @pytest.mark.parametrize("headers", [None, HX], ids=["page", "htmx"])
    def test_a_practice_attempt_is_refused_while_answers_are_withheld(
        self, alice, classroom, bank, reveal, message, headers
    ):
        assign(classroom, bank, reveal=reveal)
        alice.post("/sets/basics/start/", headers=headers)
        assert not Attempt.objects.exists(), "a practice attempt would show the answers the assignment withholds"
        html = alice.get("/sets/basics/").content.decode()
        assert message in html

    def test_a_learner_not_in_the_class_practises_the_set_as_usual(self, bob, classroom, bank):
        assign(classroom, bank, reveal="never")
        r = bob.post("/sets/basics/start/")
        attempt = Attempt.objects.get()
        assert r.url == f"/attempts/{attempt.pk}/" and attempt.assignment is None

    def test_practice_opens_at_the_learners_own_due_date(self, alice, learner, classroom, bank):
        assignment = assign(classroom, bank, reveal="after_due")
        move_due_date_into_the_past(assignment)
        Extension.objects.create(assignment=assignment, learner=learner, due_at=timezone.now() + timedelta(days=1))
        alice.post("/sets/basics/start/")
        assert not Attempt.objects.exists(), "the learner's extension keeps the answers withheld"
        Extension.objects.filter(learner=learner).update(due_at=timezone.now() - timedelta(minutes=1))
        alice.post("/sets/basics/start/")
        assert Attempt.objects.filter(assignment=None).count() == 1

    def test_an_attempt_limit_holds_practice_until_the_due_date(self, alice, classroom, bank):
        assignment = assign(classroom, bank, reveal="immediately", max_attempts=1)
        r = alice.post("/sets/basics/start/", follow=True)
        assert not Attempt.objects.exists(), "practice would be unlimited attempts at the graded questions"
        assert "This set is assigned to you: you can practise it after" in r.content.decode()
        move_due_date_into_the_past(assignment)
        alice.post("/sets/basics/start/")
        assert Attempt.objects.count() == 1

    def test_an_assignment_that_shows_answers_and_allows_any_attempts_holds_nothing(self, alice, classroom, bank):
        assign(classroom, bank, reveal="immediately")
        alice.post("/sets/basics/start/")
        assert Attempt.objects.filter(assignment=None).count() == 1

    def test_another_set_sharing_an_assigned_question_leaves_it_out(self, alice, classroom, bank):
        q1 = Question.objects.get(external_id="q-1")
        q3 = factory.make_question("q-3", prompt="Third?", explanation="EXPLAIN-THREE")
        factory.make_quizset("mixed", [q1, q3])
        assign(classroom, bank, reveal="never")
        alice.post("/sets/mixed/start/")
        attempt = Attempt.objects.get()
        assert attempt.question_ids == [q3.pk]

    def test_the_assignments_own_attempt_still_starts(self, alice, classroom, bank):
        assignment = assign(classroom, bank, reveal="never")
        r = alice.post(f"/assignments/{assignment.pk}/start/")
        attempt = Attempt.objects.get()
        assert attempt.assignment == assignment and r.url == f"/attempts/{attempt.pk}/"


class TestResultsAndPartials:
    def test_an_earlier_practice_attempt_stops_showing_answers_once_the_set_is_assigned(self, alice, classroom, bank):
        alice.post("/sets/basics/start/")
        practice = answer_all(alice, Attempt.objects.get())
        assert "EXPLAIN-ONE" in alice.get(f"/attempts/{practice.pk}/results/").content.decode()
        assign(classroom, bank, reveal="never")
        html = alice.get(f"/attempts/{practice.pk}/results/").content.decode()
        assert secrets_in(html) == []
        assert "This set is assigned to you: its answers are not shown." in html
        for position in (1, 2):
            for headers in (None, HX):
                html = alice.get(f"/attempts/{practice.pk}/{position}/", headers=headers).content.decode()
                assert secrets_in(html) == [], (position, headers)

    def test_assignment_results_and_partials_follow_the_learners_due_date(self, alice, learner, classroom, bank):
        assignment = assign(classroom, bank, reveal="after_due")
        attempt = take_assignment(alice, assignment)
        Extension.objects.create(assignment=assignment, learner=learner, due_at=timezone.now() + timedelta(days=2))
        move_due_date_into_the_past(assignment)
        assert secrets_in(alice.get(f"/attempts/{attempt.pk}/results/").content.decode()) == []
        assert secrets_in(alice.get(f"/attempts/{attempt.pk}/1/", headers=HX).content.decode()) == []
        Extension.objects.filter(learner=learner).update(due_at=timezone.now() - timedelta(minutes=1))
        assert "EXPLAIN-ONE" in alice.get(f"/attempts/{attempt.pk}/results/").content.decode()


class TestStudies:
    @pytest.mark.parametrize("headers", [None, HX], ids=["page", "htmx"])
    def test_adding_an_assigned_set_to_studies_brings_none_of_its_questions_to_review(
        self, alice, classroom, bank, headers
    ):
        assign(classroom, bank, reveal="after_due")
        r = alice.post("/sets/basics/study/", headers=headers, follow=True)
        assert "This set is assigned to you: its answers are shown after" in r.content.decode()
        html = alice.get("/review/").content.decode()
        assert "Are AAV vectors integrative?" not in html and "Name the vector" not in html
        for card in Card.objects.filter(user__username="alice"):
            for url in (f"/review/{card.pk}/reveal/", f"/review/{card.pk}/reveal/?shown_at=1"):
                assert secrets_in(alice.get(url, headers=headers).content.decode()) == []

    def test_studying_a_source_leaves_its_assigned_questions_out_of_review(self, alice, classroom, bank):
        factory.make_question("q-3", prompt="THIRD-PROMPT", explanation="EXPLAIN-THREE")
        assign(classroom, bank, reveal="never")
        r = alice.post("/sources/intro/study/", follow=True)
        assert "assigned to you" in r.content.decode()
        html = alice.get("/review/").content.decode()
        assert "THIRD-PROMPT" in html
        assert "Are AAV vectors integrative?" not in html and "Name the vector" not in html

    def test_a_learner_not_in_the_class_studies_the_set_as_usual(self, bob, classroom, bank):
        assign(classroom, bank, reveal="never")
        bob.post("/sets/basics/study/")
        html = bob.get("/review/").content.decode()
        assert "Are AAV vectors integrative?" in html


class TestReview:
    """Cards made before the set was assigned: the review endpoints refuse them while it is held."""

    @pytest.fixture
    def card(self, learner, bank):
        return Card.objects.create(user=learner, question=Question.objects.get(external_id="q-1"))

    @pytest.mark.parametrize("headers", [None, HX], ids=["page", "htmx"])
    def test_reveal_and_answer_show_nothing_of_a_held_question(self, alice, classroom, bank, card, headers):
        assign(classroom, bank, reveal="never")
        html = alice.get(f"/review/{card.pk}/reveal/?shown_at=1", headers=headers).content.decode()
        assert secrets_in(html) == [] and 'name="rating"' not in html
        wrong = card.question.choices.get(text="WRONG-CHOICE").pk
        r = alice.post(f"/review/{card.pk}/answer/", {"choice": wrong, "shown_at": "1"}, headers=headers)
        html = r.content.decode()
        assert secrets_in(html) == [] and 'name="rating"' not in html
        assert "assigned to you" in html
        assert "Are AAV vectors integrative?" not in alice.get("/review/").content.decode()

    def test_a_held_card_cannot_be_rated_either(self, alice, classroom, bank, card):
        assign(classroom, bank, reveal="never")
        data = {"rating": "3", "token": "6f1c2b1e-0d5e-4b6a-9a57-3d2f1c0b9e8a", "version": card.version}
        r = alice.post(f"/review/{card.pk}/rate/", data, headers=HX)
        assert r.status_code == 409 and "assigned to you" in r.content.decode()
        card.refresh_from_db()
        assert card.reps == 0 and not card.logs.exists()

    def test_the_card_comes_back_once_the_answers_are_shown(self, alice, classroom, bank, card):
        assignment = assign(classroom, bank, reveal="after_due")
        assert "Are AAV vectors integrative?" not in alice.get("/review/").content.decode()
        move_due_date_into_the_past(assignment)
        assert "Are AAV vectors integrative?" in alice.get("/review/").content.decode()
        wrong = card.question.choices.get(text="WRONG-CHOICE").pk
        html = alice.post(f"/review/{card.pk}/answer/", {"choice": wrong, "shown_at": "1"}).content.decode()
        assert "EXPLAIN-ONE" in html and 'name="rating"' in html

    def test_an_assignment_answer_does_not_reach_the_learners_review_log(self, alice, classroom, bank, card):
        assignment = assign(classroom, bank, reveal="never")
        take_assignment(alice, assignment)  # q-1 answered wrongly: a rating of 1 would tell
        rows = list(csv.reader(io.StringIO(alice.get("/study/log.csv").content.decode())))
        assert [row for row in rows[1:] if row[0] == str(card.pk)] == []


class TestOneRule:
    """The bulk lookup (Question.objects.withheld_from) and the verb on one assignment
    (Assignment.holds_questions_from) are the same rule, case by case."""

    @pytest.mark.parametrize("mode", ["quiz", "study"])
    @pytest.mark.parametrize("reveal", ["immediately", "after_due", "never"])
    @pytest.mark.parametrize("max_attempts", [None, 2])
    @pytest.mark.parametrize("due", ["future", "past", "past-extended", "future-extension-passed"])
    def test_the_lookup_and_the_verb_agree(self, learner, classroom, bank, mode, reveal, max_attempts, due):
        now = timezone.now()
        day = timedelta(days=1)
        due_at = now + day if due.startswith("future") else now - day
        assignment = assign(classroom, bank, mode=mode, reveal=reveal, max_attempts=max_attempts, due_at=due_at)
        if due == "past-extended":
            Extension.objects.create(assignment=assignment, learner=learner, due_at=now + day)
        if due == "future-extension-passed":
            Extension.objects.create(assignment=assignment, learner=learner, due_at=now - day)
        outsider = factory.make_user("bob", factory.Role.LEARNER)
        q1 = Question.objects.get(external_id="q-1")
        expected = mode == "quiz" and (
            reveal == "never"
            or ((reveal == "after_due" or max_attempts is not None) and due in ("future", "past-extended"))
        )
        assert assignment.holds_questions_from(learner, now) == expected
        assert Question.objects.withheld_from(learner, now).filter(pk=q1.pk).exists() == expected
        assert not Question.objects.withheld_from(outsider, now).exists(), "only the class's learners"
        assert (Question.objects.filter(pk=q1.pk).withheld_reason(learner, now) is not None) == expected

    def test_one_extension_applies_to_its_own_assignment_only(self, learner, classroom, bank):
        """Two assignments of the same set: an extension of one does not move the other's due date."""
        now = timezone.now()
        past = assign(classroom, bank, reveal="after_due", due_at=now - timedelta(days=1))
        other = factory.make_quizset("other", [Question.objects.get(external_id="q-2")])
        later = assign(classroom, other, reveal="after_due", due_at=now - timedelta(days=1))
        Extension.objects.create(assignment=later, learner=learner, due_at=now + timedelta(days=1))
        held = set(Question.objects.withheld_from(learner, now).values_list("external_id", flat=True))
        assert held == {"q-2"}
        assert not past.holds_questions_from(learner, now) and later.holds_questions_from(learner, now)
