"""Teachers: classes and join codes, assignments and what learners see, results, item analysis, CSV."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.quizzing.models import Attempt
from quizzes.study import scheduling
from quizzes.study.models import Card, Study
from quizzes.teaching import results as teaching
from quizzes.teaching.models import Assignment, Classroom, Enrollment, Extension
from tests import factory

HX = {"HX-Request": "true"}


@pytest.fixture
def bank(db):
    q1 = factory.make_question("q-1", choices=[("Right", True), ("Wrong A", False), ("Wrong B", False)])
    q2 = factory.make_question("q-2", kind="short", choices=[], accepted_answers="AAV", prompt="Short?")
    return factory.make_quizset("basics", [q1, q2], title="Basics")


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def classroom(teacher, learner):
    classroom = Classroom.objects.create(teacher=teacher, name="Biology 1")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    return classroom


def make_assignment(classroom, quizset, **kwargs):
    kwargs.setdefault("due_at", timezone.now() + timedelta(days=7))
    return teaching.assign(Assignment(classroom=classroom, quizset=quizset, **kwargs))


def take(user, assignment, answers: dict[str, object]) -> Attempt:
    """Answer the assignment's questions as `user`: {external_id: choice text or typed answer}."""
    from quizzes.quizzing.flow import record_answer, start_attempt

    attempt = start_attempt(user, assignment.quizset, assignment=assignment)
    for position, pk in enumerate(attempt.question_ids, start=1):
        question = Question.objects.get(pk=pk)
        given = answers[question.external_id]
        if question.kind == "short":
            record_answer(attempt, position, question, {"text": given})
        else:
            record_answer(attempt, position, question, {"choices": [question.choices.get(text=given).pk]})
    attempt.refresh_from_db()
    return attempt


class TestClasses:
    def test_a_teacher_creates_a_class_with_a_join_code(self, tom, teacher):
        r = tom.post("/teach/", {"name": "Biology 1"})
        classroom = Classroom.objects.get()
        assert r.url == f"/teach/classes/{classroom.pk}/"
        assert classroom.teacher == teacher and len(classroom.join_code) == 8
        html = tom.get(r.url).content.decode()
        assert classroom.join_code in html and f"/join/{classroom.join_code}/" in html

    def test_a_learner_joins_with_the_code_or_the_link(self, client, teacher, learner):
        classroom = Classroom.objects.create(teacher=teacher, name="Bio")
        client.force_login(learner)
        r = client.post("/join/", {"code": classroom.join_code.lower()}, follow=True)
        assert "You joined Bio." in r.content.decode()
        assert Enrollment.objects.filter(classroom=classroom, learner=learner).exists()
        assert client.get(f"/join/{classroom.join_code}/").status_code == 200  # the link prefills the form
        client.post("/join/", {"code": classroom.join_code})
        assert Enrollment.objects.count() == 1, "joining twice adds nothing"

    def test_a_wrong_closed_or_regenerated_code_is_refused(self, tom, teacher, learner):
        classroom = Classroom.objects.create(teacher=teacher, name="Bio")
        old = classroom.join_code
        tom.post(f"/teach/classes/{classroom.pk}/", {"regenerate": "1"})
        classroom.refresh_from_db()
        assert classroom.join_code != old
        client = Client()
        client.force_login(learner)
        r = client.post("/join/", {"code": old})
        assert "This code does not open any class." in r.content.decode()
        tom.post(f"/teach/classes/{classroom.pk}/", {"disable": "1"})
        r = client.post("/join/", {"code": classroom.join_code})
        assert "This code does not open any class." in r.content.decode()
        assert not Enrollment.objects.exists()

    def test_remove_a_learner_and_archive(self, tom, classroom, learner):
        tom.post(f"/teach/classes/{classroom.pk}/", {"remove": learner.pk})
        assert not Enrollment.objects.exists()
        tom.post(f"/teach/classes/{classroom.pk}/", {"archive": "1"})
        classroom.refresh_from_db()
        assert classroom.archived


class TestAssignments:
    def test_the_form_validates_dates_and_offers_only_allowed_sets(self, tom, classroom, bank):
        other_teacher = factory.make_user("tess", factory.Role.TEACHER)
        private = factory.make_quizset("theirs", [Question.objects.first()], owner=other_teacher)
        now = timezone.now()
        r = tom.post(
            f"/teach/classes/{classroom.pk}/assign/",
            {
                "quizset": private.pk,
                "mode": "quiz",
                "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                "due_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                "reveal": "immediately",
                "grading": "best",
            },
        )
        errors = r.context["form"].errors
        assert "quizset" in errors and "due_at" in errors
        r = tom.post(
            f"/teach/classes/{classroom.pk}/assign/",
            {
                "quizset": bank.pk,
                "mode": "quiz",
                "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                "due_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                "reveal": "after_due",
                "grading": "last",
                "max_attempts": "2",
                "time_limit_minutes": "15",
                "accept_late": "on",
            },
        )
        assignment = Assignment.objects.get()
        assert r.url == f"/teach/assignments/{assignment.pk}/"
        assert (assignment.max_attempts, assignment.time_limit, assignment.grading) == (
            2,
            timedelta(minutes=15),
            "last",
        )

    def test_learners_see_their_assignments_by_status(self, client, classroom, bank, learner):
        soon = make_assignment(classroom, bank, due_at=timezone.now() + timedelta(hours=20))
        overdue = make_assignment(
            classroom, factory.make_quizset("b2", list(bank.questions.all())), due_at=timezone.now() - timedelta(days=1)
        )
        take(learner, soon, {"q-1": "Right", "q-2": "nope"})
        items = {i.assignment.pk: i for i in teaching.for_learner(learner)}
        assert (items[soon.pk].status, items[soon.pk].score) == ("done", 0.5)
        assert items[overdue.pk].status == "overdue"
        client.force_login(learner)
        html = client.get("/").content.decode()
        assert "Your assignments" in html and "overdue" in html and "50%" in html

    def test_a_learner_sees_only_the_assignments_of_their_classes_still_open(
        self, classroom, bank, learner, teacher, django_assert_num_queries
    ):
        mine = make_assignment(classroom, bank)
        other = Classroom.objects.create(teacher=teacher, name="Biology 2")
        make_assignment(other, factory.make_quizset("b2", list(bank.questions.all())))
        old = Classroom.objects.create(teacher=teacher, name="Last year")
        Enrollment.objects.create(classroom=old, learner=learner)
        make_assignment(old, factory.make_quizset("b3", list(bank.questions.all())))
        old.archived = True
        old.save()
        assert [i.assignment for i in teaching.for_learner(learner)] == [mine]
        outsider = factory.make_user("olga", factory.Role.LEARNER)
        with django_assert_num_queries(1):
            assert teaching.for_learner(outsider) == []

    def test_options_apply_late_is_marked_or_refused_and_extensions_move_the_due_date(self, classroom, bank, learner):
        from quizzes.quizzing.flow import QuizError, start_attempt

        assignment = make_assignment(
            classroom, bank, due_at=timezone.now() - timedelta(hours=1), time_limit=timedelta(minutes=5), max_attempts=1
        )
        attempt = start_attempt(learner, bank, assignment=assignment)
        assert attempt.late and attempt.deadline == attempt.started_at + timedelta(minutes=5)
        attempt.finish()
        with pytest.raises(QuizError, match="all the attempts"):
            start_attempt(learner, bank, assignment=assignment)
        strict = make_assignment(classroom, bank, due_at=timezone.now() - timedelta(hours=1), accept_late=False)
        with pytest.raises(QuizError, match="no longer accepts answers"):
            start_attempt(learner, bank, assignment=strict)
        Extension.objects.create(assignment=strict, learner=learner, due_at=timezone.now() + timedelta(days=1))
        assert not start_attempt(learner, bank, assignment=strict).late

    def test_answers_are_revealed_per_the_assignment(self, client, classroom, bank, learner):
        assignment = make_assignment(classroom, bank, reveal="after_due")
        client.force_login(learner)
        client.post(f"/assignments/{assignment.pk}/start/")
        attempt = Attempt.objects.get()
        q1 = Question.objects.get(external_id="q-1")
        position = attempt.question_ids.index(q1.pk) + 1
        if position == 2:
            client.post(f"/attempts/{attempt.pk}/1/", {"answer": "AAV"})
        r = client.post(
            f"/attempts/{attempt.pk}/{position}/", {"choice": q1.choices.get(text="Wrong A").pk}, headers=HX
        )
        html = r.content.decode()
        assert "Answer recorded." in html and "Right" not in html and q1.explanation not in html
        Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(minutes=1))
        html = client.get(f"/attempts/{attempt.pk}/{position}/").content.decode()
        assert "Not quite" in html and q1.explanation in html
        Assignment.objects.filter(pk=assignment.pk).update(reveal="never")
        assert q1.explanation not in client.get(f"/attempts/{attempt.pk}/{position}/").content.decode()

    def test_a_study_assignment_adds_the_set_to_every_learners_studies(self, classroom, bank, learner):
        due = timezone.now() + timedelta(days=10)
        assignment = make_assignment(classroom, bank, mode="study", due_at=due)
        study = Study.objects.get(user=learner)
        assert study.quizset == bank and study.target_date == due.date()
        newcomer = factory.make_user("nina", factory.Role.LEARNER)
        teaching.join(newcomer, classroom.join_code)
        assert Card.objects.filter(user=newcomer).count() == 2, "joining later adds the class's studies too"
        card = Card.objects.filter(user=learner).first()
        now = timezone.now()
        scheduling.rate(learner, card.pk, 3, token=uuid.uuid4(), now=now)
        scheduling.rate(learner, card.pk, 3, token=uuid.uuid4(), now=now + timedelta(minutes=10))
        rows, items = teaching.results(assignment)
        row = next(r for r in rows if r.learner == learner)
        assert items == [] and row.cards_started == 1
        assert 0 < row.recall_on_due < 0.5, "one card of two learnt, and fading by the due date"


class TestResults:
    @pytest.fixture
    def graded(self, classroom, bank, learner):
        """Three learners, hand-computable: ann 2/2, bob 1/2 (wrong A), cy 0/2 (wrong B)."""
        assignment = make_assignment(classroom, bank)
        ann = learner
        bob = factory.make_user("bob", factory.Role.LEARNER)
        cy = factory.make_user("cy", factory.Role.LEARNER)
        for user in (bob, cy):
            Enrollment.objects.create(classroom=classroom, learner=user)
        take(ann, assignment, {"q-1": "Right", "q-2": "AAV"})
        take(bob, assignment, {"q-1": "Wrong A", "q-2": "AAV"})
        take(cy, assignment, {"q-1": "Wrong B", "q-2": "no idea"})
        return assignment

    def test_item_statistics_match_a_hand_computed_example(self, graded):
        rows, items = teaching.results(graded)
        assert [(r.learner.username, r.score, r.status) for r in rows] == [
            ("alice", 1.0, "done"),
            ("bob", 0.5, "done"),
            ("cy", 0.0, "done"),
        ]
        q1, q2 = items
        assert q1.facility == pytest.approx(1 / 3) and q2.facility == pytest.approx(2 / 3)
        # q1 scores (1, 0, 0) against the rest of the test (1, 1, 0): r = 0.5.
        assert q1.discrimination == pytest.approx(0.5)
        # q2 scores (1, 1, 0) against the rest (1, 0, 0): r = 0.5.
        assert q2.discrimination == pytest.approx(0.5)
        assert [(c.choice.text, c.picked) for c in q1.choices] == [("Right", 1), ("Wrong A", 1), ("Wrong B", 1)]

    def test_the_kept_score_follows_the_grading_policy(self, graded, learner):
        take(learner, graded, {"q-1": "Wrong A", "q-2": "no"})  # a second, worse attempt
        assert teaching.results(graded)[0][0].score == 1.0  # best
        Assignment.objects.filter(pk=graded.pk).update(grading="last")
        graded.refresh_from_db()
        assert teaching.results(graded)[0][0].score == 0.0
        Assignment.objects.filter(pk=graded.pk).update(grading="first")
        graded.refresh_from_db()
        assert teaching.results(graded)[0][0].score == 1.0

    def test_pages_and_csv(self, tom, graded, learner):
        html = tom.get(f"/teach/assignments/{graded.pk}/").content.decode()
        assert "alice" in html and "100%" in html and "Facility" in html and 'hx-history="false"' in html
        fragment = tom.get(f"/teach/assignments/{graded.pk}/", headers=HX)
        assert "<html" not in fragment.content.decode() and 'id="results"' in fragment.content.decode()
        drill = tom.get(f"/teach/assignments/{graded.pk}/learners/{learner.pk}/").content.decode()
        assert "Attempt 1" in drill and "AAV" in drill
        r = tom.get(f"/teach/assignments/{graded.pk}/results.csv")
        assert "no-store" in r["Cache-Control"]
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["learner", "status", "score_percent"]
        assert rows[1][:3] == ["alice", "done", "100.0"]

    def test_csv_cells_cannot_become_formulas(self, classroom, bank):
        evil = factory.make_user("=HYPERLINK(1)", factory.Role.LEARNER)
        Enrollment.objects.create(classroom=classroom, learner=evil)
        make_assignment(classroom, bank)
        out = io.StringIO()
        teaching.write_gradebook_csv(classroom, out)
        rows = list(csv.reader(io.StringIO(out.getvalue())))
        assert ["'=HYPERLINK(1)", ""] in rows
        assert (
            teaching.safe_cell("+1") == "'+1" and teaching.safe_cell("-2") == "'-2" and teaching.safe_cell("ok") == "ok"
        )


class TestPermissions:
    def urls(self, classroom, assignment, learner):
        return [
            ("get", "/teach/"),
            ("get", f"/teach/classes/{classroom.pk}/"),
            ("post", f"/teach/classes/{classroom.pk}/"),
            ("get", f"/teach/classes/{classroom.pk}/assign/"),
            ("get", f"/teach/classes/{classroom.pk}/gradebook.csv"),
            ("get", f"/teach/assignments/{assignment.pk}/"),
            ("get", f"/teach/assignments/{assignment.pk}/results.csv"),
            ("get", f"/teach/assignments/{assignment.pk}/learners/{learner.pk}/"),
            ("get", "/teach/sets/new/"),
            ("get", "/teach/questions/new/"),
        ]

    def test_anonymous_learner_and_other_teacher(self, classroom, bank, learner):
        assignment = make_assignment(classroom, bank)
        other = Client()
        other.force_login(factory.make_user("tess", factory.Role.TEACHER))
        pupil = Client()
        pupil.force_login(learner)
        for method, url in self.urls(classroom, assignment, learner):
            for headers in ({}, HX):
                r = getattr(Client(), method)(url, headers=headers)
                assert r.status_code == 302 and "/accounts/login/" in r.url, url
                assert getattr(pupil, method)(url, headers=headers).status_code == 403, url
                expected = 200 if url in ("/teach/", "/teach/sets/new/", "/teach/questions/new/") else 404
                assert getattr(other, method)(url, headers=headers).status_code == expected, url
        classroom.refresh_from_db()
        assert not classroom.archived and Enrollment.objects.count() == 1

    def test_forms_ignore_fields_a_teacher_may_not_set(self, tom, teacher, classroom, bank):
        other_class = Classroom.objects.create(teacher=factory.make_user("tess", factory.Role.TEACHER), name="X")
        now = timezone.now()
        tom.post(
            f"/teach/classes/{classroom.pk}/assign/",
            {
                "quizset": bank.pk,
                "mode": "quiz",
                "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                "due_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                "reveal": "immediately",
                "grading": "best",
                "classroom": other_class.pk,
            },
        )
        assert Assignment.objects.get().classroom == classroom
        tom.post("/teach/", {"name": "Mine", "teacher": other_class.teacher.pk, "join_code": "AAAA"})
        mine = Classroom.objects.get(name="Mine")
        assert mine.teacher == teacher and mine.join_code != "AAAA"

    def test_a_learner_cannot_start_another_class_assignment(self, client, bank, learner):
        foreign = Classroom.objects.create(teacher=factory.make_user("tess", factory.Role.TEACHER), name="X")
        assignment = make_assignment(foreign, bank)
        client.force_login(learner)
        assert client.post(f"/assignments/{assignment.pk}/start/").status_code == 404
        assert not Attempt.objects.exists()


class TestBuilder:
    def test_a_teacher_builds_a_set_from_the_bank_in_order(self, tom, teacher, bank):
        q1, q2 = Question.objects.order_by("external_id")
        foreign = factory.make_question("theirs", owner=factory.make_user("tess", factory.Role.TEACHER))
        assert "Short?" in tom.get("/teach/sets/new/?kind=short").content.decode()
        r = tom.post(
            "/teach/sets/new/",
            {
                "title": "My set",
                "description": "",
                "language": "",
                "pick": [q1.pk, q2.pk, foreign.pk],
                f"pos-{q1.pk}": "2",
                f"pos-{q2.pk}": "1",
            },
        )
        quizset = teacher.own_quizsets.get()
        assert r.url == f"/teach/sets/{quizset.key}/"
        assert [i.question for i in quizset.items.all()] == [q2, q1], "ordered, and another teacher's question left out"
        assert tom.get("/").content.decode().count("My set") == 0, "a teacher's set is not in the shared library"

    def test_a_teacher_writes_a_question_with_the_editor_rules(self, tom, teacher, bank):
        source = Question.objects.first().passage.source
        data = {
            "kind": "single",
            "prompt": "Which vectors stay in the nucleus?",
            "explanation": "AAV vectors do.",
            "difficulty": 2,
            "source": source.pk,
            "passage_text": "Adeno-associated virus (AAV) vectors",
            "choices-TOTAL_FORMS": 4,
            "choices-INITIAL_FORMS": 0,
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 8,
            "choices-0-text": "AAV",
            "choices-0-is_correct": "on",
            "choices-1-text": "Lentivirus",
            "choices-1-is_correct": "on",
        }
        r = tom.post("/teach/questions/new/", data)
        assert "A single-choice question has exactly one correct choice." in r.content.decode()
        r = tom.post("/teach/questions/new/", {**data, "passage_text": "AAV cures everything"})
        assert "does not occur verbatim" in r.content.decode()
        r = tom.post("/teach/questions/new/", {**data, "kind": "flashcard", "choices-0-text": "", "choices-1-text": ""})
        assert "A flashcard needs a back." in r.content.decode(), "the model's own rules apply too"
        del data["choices-1-is_correct"]
        r = tom.post("/teach/questions/new/", data)
        assert r.status_code == 302
        question = teacher.own_questions.get()
        assert [(c.text, c.is_correct) for c in question.choices.all()] == [("AAV", True), ("Lentivirus", False)]


def test_results_run_a_bounded_number_of_queries_for_200_learners_and_50_questions(
    client, teacher, django_assert_max_num_queries
):
    questions = [factory.make_question(f"q-{i}", choices=[("R", True), ("W", False)]) for i in range(50)]
    quizset = factory.make_quizset("big", questions)
    classroom = Classroom.objects.create(teacher=teacher, name="Big")
    learners = [factory.make_user(f"l{i:03d}", factory.Role.LEARNER) for i in range(200)]
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, learner=u) for u in learners)
    assignment = make_assignment(classroom, quizset)
    now = timezone.now()
    from quizzes.quizzing.models import Response

    for u in learners[:120]:
        attempt = Attempt.objects.create(
            user=u,
            quizset=quizset,
            assignment=assignment,
            question_ids=[q.pk for q in questions],
            finished_at=now,
            score=0.5,
        )
        Response.objects.bulk_create(
            Response(
                attempt=attempt,
                question=q,
                position=i + 1,
                answer={"choices": [q.choices.first().pk]},
                is_correct=i % 2 == 0,
                score=float(i % 2 == 0),
                time_spent=timedelta(seconds=5),
            )
            for i, q in enumerate(questions)
        )
    client.force_login(teacher)
    with django_assert_max_num_queries(15):
        r = client.get(f"/teach/assignments/{assignment.pk}/")
    assert r.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(f"/teach/classes/{classroom.pk}/")
    with django_assert_max_num_queries(12):
        client.get(f"/teach/classes/{classroom.pk}/gradebook.csv")
