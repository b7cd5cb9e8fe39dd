"""The teacher's tools: the builder keeps picks and title while browsing, own questions can be edited, true/false
is a choice, assignments can be edited, study assignments show study progress, weak items go back to review
or to the admin."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.models import Assignment, Card, Enrollment, Question, QuizSet
from quizzes.quizzing.models import Attempt, Response
from quizzes.study import scheduling
from tests import factory
from tests.assignments import assign
from tests.markup import checked, input_value


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


def question_data(source, **extra) -> dict:
    data = {
        "source": source.pk,
        "passage_text": "Adeno-associated virus (AAV) vectors are non-integrative",
        "kind": "single",
        "prompt": "Which vectors stay in the nucleus?",
        "explanation": "AAV vectors do.",
        "difficulty": "2",
        "choices-TOTAL_FORMS": "4",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "8",
    }
    return {**data, **extra}


class TestBuilderBrowsing:
    def test_filtering_and_paging_keep_the_picks_and_the_title(self, tom, teacher):
        questions = [factory.make_question(f"q-{i:03d}", prompt=f"Question {i:03d}?") for i in range(60)]
        first, later = questions[0], questions[55]
        data = {"title": "TITLE-TYPED", "description": "", "language": "en", "pick": [first.pk], f"pos-{first.pk}": "3"}
        page = tom.post("/teach/sets/new/", {**data, "page": "2"}).content.decode()
        assert input_value(page, "title") == "TITLE-TYPED" and "This field is required." not in page
        assert checked(page, "pick", first.pk) and input_value(page, f"pos-{first.pk}") == "3"
        assert "Page 2 of 2" in page and "Question 055?" in page
        # then a filter, with the question picked on page 2
        page = tom.post(
            "/teach/sets/new/", {**data, "pick": [first.pk, later.pk], "browse": "1", "f-q": "Question 01"}
        ).content.decode()
        assert input_value(page, "title") == "TITLE-TYPED"
        assert checked(page, "pick", first.pk) and checked(page, "pick", later.pk)
        assert "Question 010?" in page and "Question 020?" not in page
        assert not QuizSet.objects.filter(owner=teacher).exists(), "browsing saves nothing"
        r = tom.post("/teach/sets/new/", {**data, "pick": [first.pk, later.pk], "save": "1"})
        assert [i.question for i in teacher.own_quizsets.get(title="TITLE-TYPED").items.all()] == [first, later]
        assert r.status_code == 302

    def test_a_plain_get_still_filters(self, tom):
        factory.make_question("q-1", prompt="Alpha?")
        factory.make_question("q-2", prompt="Beta?")
        page = tom.get("/teach/sets/new/?q=Alpha").content.decode()
        assert "Alpha?" in page and "Beta?" not in page
        assert input_value(page, "f-q") == "Alpha"


class TestOwnQuestions:
    def test_a_teacher_edits_their_question_after_saving_it(self, tom, teacher):
        source = factory.make_source()
        tom.post(
            "/teach/questions/new/",
            question_data(
                source,
                **{"choices-0-text": "AAV", "choices-0-is_correct": "on", "choices-1-text": "Lentivirus"},
            ),
        )
        question = teacher.own_questions.get()
        dashboard = tom.get("/teach/").content.decode()
        assert f"/teach/questions/{question.pk}/edit/" in dashboard
        page = tom.get(f"/teach/questions/{question.pk}/edit/").content.decode()
        assert input_value(page, "choices-1-text") == "Lentivirus"
        data = question_data(
            source,
            prompt="Which vectors are non-integrative?",
            **{
                "choices-INITIAL_FORMS": "2",
                "choices-0-id": str(question.choices.get(text="AAV").pk),
                "choices-0-text": "AAV vectors",
                "choices-0-is_correct": "on",
                "choices-1-id": str(question.choices.get(text="Lentivirus").pk),
                "choices-1-text": "Lentiviral vectors",
                "choices-2-text": "Retroviral vectors",
            },
        )
        r = tom.post(f"/teach/questions/{question.pk}/edit/", data)
        assert r.status_code == 302
        question.refresh_from_db()
        assert question.prompt == "Which vectors are non-integrative?"
        assert [(c.text, c.is_correct, c.position) for c in question.choices.all()] == [
            ("AAV vectors", True, 0),
            ("Lentiviral vectors", False, 1),
            ("Retroviral vectors", False, 2),
        ]

    def test_another_teachers_question_or_the_shared_bank_is_a_404(self, tom, teacher):
        theirs = factory.make_question("theirs", owner=factory.make_user("tess", factory.Role.TEACHER))
        shared = factory.make_question("shared")
        for question in (theirs, shared):
            assert tom.get(f"/teach/questions/{question.pk}/edit/").status_code == 404
            assert tom.post(f"/teach/questions/{question.pk}/edit/", {"prompt": "x"}).status_code == 404
        assert Question.objects.get(pk=theirs.pk).prompt == theirs.prompt

    def test_a_learner_cannot_edit(self, client, learner):
        question = factory.make_question("q-1", owner=learner)
        client.force_login(learner)
        assert client.get(f"/teach/questions/{question.pk}/edit/").status_code == 403


class TestTrueFalse:
    def test_true_false_is_a_choice_of_two_not_typed(self, tom, teacher):
        source = factory.make_source(language="fr")
        page = tom.get("/teach/questions/new/").content.decode()
        assert 'type="radio" name="statement_is" value="true"' in page
        data = question_data(source, kind="true_false", prompt="Les vecteurs AAV sont non intégratifs.")
        page = tom.post("/teach/questions/new/", data).content.decode()
        assert "Say whether the statement is true or false." in page
        assert not teacher.own_questions.exists()
        r = tom.post("/teach/questions/new/", {**data, "statement_is": "false"})
        assert r.status_code == 302
        question = teacher.own_questions.get()
        assert [(c.text, c.is_correct) for c in question.choices.all()] == [("Vrai", False), ("Faux", True)]
        page = tom.get(f"/teach/questions/{question.pk}/edit/").content.decode()
        assert checked(page, "statement_is", "false") and not checked(page, "statement_is", "true")
        tom.post(f"/teach/questions/{question.pk}/edit/", {**data, "statement_is": "true"})
        assert [(c.text, c.is_correct) for c in question.choices.all()] == [("Vrai", True), ("Faux", False)]


class TestEditAssignment:
    def test_the_teacher_changes_the_reveal_policy_and_the_dates_and_the_rules_follow(
        self, tom, bank, classroom, learner
    ):
        assignment = assign(classroom, bank)
        assert not assignment.holds_questions_from(learner)
        page = tom.get(f"/teach/assignments/{assignment.pk}/edit/").content.decode()
        assert 'name="reveal"' in page and 'name="quizset"' not in page
        due = timezone.localtime(assignment.due_at + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        opens = timezone.localtime(assignment.opens_at).strftime("%Y-%m-%dT%H:%M")
        data = {"opens_at": opens, "due_at": due, "max_attempts": "2", "reveal": "after_due", "grading": "best"}
        r = tom.post(f"/teach/assignments/{assignment.pk}/edit/", {**data, "time_limit_minutes": "15"})
        assert r.status_code == 302 and r.url == f"/teach/assignments/{assignment.pk}/"
        assignment.refresh_from_db()
        assert (assignment.reveal, assignment.max_attempts, assignment.time_limit) == (
            "after_due",
            2,
            timedelta(minutes=15),
        )
        assert assignment.holds_questions_from(learner) and not assignment.reveals_answers_to(learner)
        assert set(Question.objects.withheld_from(learner, timezone.now())) == set(bank.questions.all())

    def test_a_bad_date_is_a_form_error_and_changes_nothing(self, tom, bank, classroom):
        assignment = assign(classroom, bank)
        opens = timezone.localtime(assignment.opens_at).strftime("%Y-%m-%dT%H:%M")
        r = tom.post(
            f"/teach/assignments/{assignment.pk}/edit/",
            {"opens_at": opens, "due_at": opens, "reveal": "never", "grading": "best"},
        )
        assert "The due date must come after the opening date." in r.content.decode()
        assignment.refresh_from_db()
        assert assignment.reveal == "immediately"

    def test_another_teacher_gets_a_404(self, client, bank, classroom):
        assignment = assign(classroom, bank)
        client.force_login(factory.make_user("tess", factory.Role.TEACHER))
        assert client.get(f"/teach/assignments/{assignment.pk}/edit/").status_code == 404

    def test_a_study_assignment_moves_the_learners_target_date(self, tom, bank, classroom, learner):
        assignment = assign(classroom, bank, mode="study")
        scheduling.add_study(learner, quizset=bank, target_date=assignment.due_at.date())
        due = timezone.localtime(assignment.due_at + timedelta(days=10))
        data = {
            "opens_at": timezone.localtime(assignment.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "reveal": "immediately",
            "grading": "best",
        }
        tom.post(f"/teach/assignments/{assignment.pk}/edit/", data)
        assert learner.studies.get(quizset=bank).target_date == due.date()


class TestStudyProgress:
    def test_cards_started_show_as_progress_not_as_not_started(self, tom, bank, classroom, learner):
        assignment = assign(classroom, bank, mode="study")
        scheduling.add_study(learner, quizset=bank, target_date=assignment.due_at.date())
        now = timezone.now()
        q1 = bank.questions.order_by("external_id").first()
        Card.objects.filter(user=learner, question=q1).update(
            state=Card.State.REVIEW, stability=20.0, difficulty=5.0, last_review=now, due=now + timedelta(days=20)
        )
        html = tom.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        assert "not started" not in html
        assert "in progress" in html and "1 of 2" in html
        alice = Client()
        alice.force_login(learner)
        home = alice.get("/").content.decode()
        assert "Your predicted recall on the due date:" in home
        item = next(i for i in home.split('class="card status-')[1:] if "Basics" in i)
        assert "%" in item.split("Your predicted recall on the due date:")[1][:300]

    def test_a_learner_who_started_nothing_is_not_started(self, tom, bank, classroom, learner):
        assignment = assign(classroom, bank, mode="study")
        html = tom.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        assert "not started" in html and "0 of 2" in html


class TestWeakItems:
    @pytest.fixture
    def analysed(self, bank, classroom, learner):
        """Three learners: the strongest picks the popular wrong choice of q-1, so q-1 discriminates badly."""
        others = [factory.make_user(name, factory.Role.LEARNER) for name in ("bob", "carol")]
        for user in others:
            Enrollment.objects.create(classroom=classroom, learner=user)
        assignment = assign(classroom, bank)
        q1, q2 = bank.questions.order_by("external_id")
        right, wrong = q1.choices.get(is_correct=True), q1.choices.get(is_correct=False)
        now = timezone.now()
        for user, q1_right, q2_right in ((learner, False, True), (others[0], True, False), (others[1], False, True)):
            attempt = Attempt.objects.create(
                user=user, quizset=bank, assignment=assignment, question_ids=[q1.pk, q2.pk], finished_at=now
            )
            Response.objects.create(
                attempt=attempt,
                question=q1,
                position=1,
                answer={"choices": [(right if q1_right else wrong).pk]},
                time_spent=timedelta(seconds=5),
                is_correct=q1_right,
                score=float(q1_right),
            )
            Response.objects.create(
                attempt=attempt,
                question=q2,
                position=2,
                answer={"text": "AAV"},
                time_spent=timedelta(seconds=5),
                is_correct=q2_right,
                score=float(q2_right),
            )
            attempt.score = (q1_right + q2_right) / 2
            attempt.save()
        return assignment, q1, others

    def test_the_analysis_says_why_an_item_is_weak(self, tom, analysed):
        assignment, q1, _others = analysed
        html = tom.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        item = html.split(f'id="item-{q1.pk}"')[1].split("item card")[0]
        assert "A wrong answer draws many: “WRONG-CHOICE”" in item
        assert "It hardly separates the learners who did well from the others." in item
        assert "Send back to the class’s reviews" in item and "Flag for rewriting" in item

    def test_send_back_to_review_puts_it_in_every_learners_reviews(self, tom, analysed, learner):
        assignment, q1, others = analysed
        Card.objects.create(user=learner, question=q1, due=timezone.now() + timedelta(days=30))
        r = tom.post(f"/teach/assignments/{assignment.pk}/items/{q1.pk}/", {"action": "review"}, follow=True)
        assert "The question is back in the reviews of 3 learners, with its passage." in r.content.decode()
        now = timezone.now()
        for user in (learner, *others):
            card = Card.objects.get(user=user, question=q1)
            assert card.due <= now
        assert not Card.objects.filter(question=q1).exclude(user__in=[learner, *others]).exists()

    def test_not_to_a_learner_from_whom_the_assignment_withholds_it(self, tom, analysed, learner):
        assignment, q1, others = analysed
        Assignment.objects.filter(pk=assignment.pk).update(reveal="never")
        tom.post(f"/teach/assignments/{assignment.pk}/items/{q1.pk}/", {"action": "review"})
        assert not Card.objects.filter(question=q1).exists()

    def test_flag_for_rewriting_the_admin_filters_on_it(self, tom, analysed, admin_client):
        assignment, q1, _others = analysed
        tom.post(f"/teach/assignments/{assignment.pk}/items/{q1.pk}/", {"action": "flag", "note": "ambiguous"})
        q1.refresh_from_db()
        assert q1.rewrite_requested and q1.rewrite_note == "ambiguous"
        listing = admin_client.get("/admin/quizzes/question/?rewrite_requested__exact=1").content.decode()
        assert q1.external_id in listing and "q-2" not in listing
        html = tom.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        assert "flagged for rewriting" in html.split(f'id="item-{q1.pk}"')[1].split("item card")[0]

    def test_a_question_outside_the_assignment_or_another_teacher_is_a_404(self, tom, analysed, client):
        assignment, q1, _others = analysed
        outside = factory.make_question("outside")
        assert (
            tom.post(f"/teach/assignments/{assignment.pk}/items/{outside.pk}/", {"action": "flag"}).status_code == 404
        )
        client.force_login(factory.make_user("tess", factory.Role.TEACHER))
        assert client.post(f"/teach/assignments/{assignment.pk}/items/{q1.pk}/", {"action": "flag"}).status_code == 404
        q1.refresh_from_db()
        assert not q1.rewrite_requested
