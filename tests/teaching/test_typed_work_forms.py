"""Nothing lost on a teacher's form: after a validation error the page shows again everything typed,
ticked and ordered, with the error, and saves nothing."""

import re

import pytest
from django.utils import timezone

from quizzes.models import Assignment, Classroom, Question, QuizSet, Source
from tests import factory
from tests.markup import checked, input_value, shown


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


class TestTeacherForms:
    def test_new_question_keeps_everything_typed_and_says_what_is_wrong(self, tom):
        factory.make_source()
        source = Source.objects.get(key="intro")
        data = {
            "source": source.pk,
            "passage_text": "Adeno-associated virus (AAV) vectors are non-integrative",
            "kind": "single",
            "prompt": "PROMPT-TYPED Which vectors stay in the nucleus?",
            "explanation": "EXPLANATION-TYPED",
            "back": "",
            "accepted_answers": "",
            "highlight": "NOT-IN-THE-PASSAGE",
            "difficulty": "2",
            "choices-TOTAL_FORMS": "4",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "8",
            "choices-0-text": "CHOICE-A-TYPED",
            "choices-0-is_correct": "on",
            "choices-0-feedback": "FEEDBACK-A-TYPED",
            "choices-1-text": "CHOICE-B-TYPED",
        }
        r = tom.post("/teach/questions/new/", data)
        page = r.content.decode()
        assert r.status_code == 200 and not Question.objects.exists()
        for typed in ("PROMPT-TYPED", "EXPLANATION-TYPED", "NOT-IN-THE-PASSAGE", "CHOICE-A-TYPED", "CHOICE-B-TYPED"):
            assert shown(page, typed), typed
        assert shown(page, "FEEDBACK-A-TYPED")
        assert shown(page, "The highlight must occur verbatim in the passage.")
        assert checked(page, "choices-0-is_correct", "on") or re.search(
            r'<input[^>]*name="choices-0-is_correct"[^>]*checked', page
        )

    def test_new_question_shows_the_choice_errors_with_the_field_errors(self, tom):
        """Both halves are checked at once: fixing one error must not reveal another only after."""
        source = factory.make_source()
        data = {
            "source": source.pk,
            "passage_text": "NOT VERBATIM",
            "kind": "single",
            "prompt": "PROMPT-TYPED",
            "explanation": "",
            "difficulty": "2",
            "choices-TOTAL_FORMS": "4",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "8",
            "choices-0-text": "ONLY-ONE-CHOICE",
        }
        page = tom.post("/teach/questions/new/", data).content.decode()
        assert shown(page, "The passage does not occur verbatim in the source text.")
        assert shown(page, "A choice question needs at least two choices."), "the choices' error too"
        assert shown(page, "ONLY-ONE-CHOICE")

    def test_quizset_builder_keeps_the_picked_questions_and_their_order(self, tom, teacher):
        q1 = factory.make_question("q-1")
        q2 = factory.make_question("q-2", prompt="Second question")
        data = {"title": "", "description": "DESCRIPTION-TYPED", "language": "en", "pick": [q2.pk], f"pos-{q2.pk}": "7"}
        r = tom.post("/teach/sets/new/", data)
        page = r.content.decode()
        assert r.status_code == 200 and not QuizSet.objects.filter(owner=teacher).exists()
        assert shown(page, "DESCRIPTION-TYPED") and "This field is required." in page
        assert checked(page, "pick", q2.pk), "the ticked question is still ticked"
        assert not checked(page, "pick", q1.pk)
        assert input_value(page, f"pos-{q2.pk}") == "7", "its order is kept"

    def test_quizset_builder_keeps_an_unticked_question_of_the_set_unticked(self, tom, teacher):
        q1 = factory.make_question("q-1")
        q2 = factory.make_question("q-2", prompt="Second question")
        quizset = factory.make_quizset("mine", [q1, q2], owner=teacher, title="Mine")
        data = {"title": "", "pick": [q2.pk], f"pos-{q1.pk}": "1", f"pos-{q2.pk}": "5"}
        page = tom.post(f"/teach/sets/{quizset.key}/", data).content.decode()
        assert not checked(page, "pick", q1.pk), "what was unticked stays unticked"
        assert checked(page, "pick", q2.pk) and input_value(page, f"pos-{q2.pk}") == "5"
        assert quizset.items.count() == 2

    def test_assignment_form_keeps_everything_typed(self, tom, teacher):
        classroom = Classroom.objects.create(name="5B", teacher=teacher)
        quizset = factory.make_quizset("set", [factory.make_question()], owner=teacher)
        data = {
            "quizset": quizset.pk,
            "mode": "quiz",
            "opens_at": "2030-05-10T09:00",
            "due_at": "2030-05-01T18:00",
            "max_attempts": "3",
            "time_limit_minutes": "25",
            "shuffle": "on",
            "reveal": Assignment.Reveal.choices[-1][0],
            "grading": Assignment.Grading.choices[-1][0],
        }
        r = tom.post(f"/teach/classes/{classroom.pk}/assign/", data)
        page = r.content.decode()
        assert r.status_code == 200 and not Assignment.objects.exists()
        assert "The due date must come after the opening date." in page
        assert input_value(page, "opens_at") == "2030-05-10T09:00"
        assert input_value(page, "due_at") == "2030-05-01T18:00"
        assert input_value(page, "max_attempts") == "3" and input_value(page, "time_limit_minutes") == "25"
        assert re.search(r'<input[^>]*name="shuffle"[^>]*checked', page)


class TestClassForms:
    def test_join_keeps_the_code_typed(self, client, learner):
        client.force_login(learner)
        page = client.post("/join/", {"code": "WRONG-CODE"}).content.decode()
        assert input_value(page, "code") == "WRONG-CODE"
        assert "This code does not open any class." in page

    def test_an_extension_keeps_the_learner_and_date_typed(self, tom, teacher, learner):
        classroom = Classroom.objects.create(name="5B", teacher=teacher)
        classroom.enrollments.create(learner=learner)
        quizset = factory.make_quizset("set", [factory.make_question()], owner=teacher)
        assignment = Assignment.objects.create(
            classroom=classroom, quizset=quizset, due_at=timezone.now() + timezone.timedelta(days=3)
        )
        page = tom.post(
            f"/teach/assignments/{assignment.pk}/", {"learner": learner.pk, "due_at": "2030-13-45T99:00"}
        ).content.decode()
        assert f'<option value="{learner.pk}" selected>' in page
        assert input_value(page, "due_at") == "2030-13-45T99:00"
        assert "Enter a valid date/time." in page
        assert not assignment.extensions.exists()
