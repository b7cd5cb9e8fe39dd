"""A teacher's own questions (their right answers, their explanations) reach only that teacher and the
learners they assign them to: not through a text's or a set's study, not through a review card whose
question is no longer visible, not through a quiz attempt or a set's page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Candidate, Card, Classroom, Enrollment, QuizSetItem
from tests import factory

HX = {"HX-Request": "true"}
SECRET_PROMPT = "Which enzyme did the Tomcat lab name first?"
SECRET_EXPLANATION = "TOMS-PRIVATE-EXPLANATION"
SECRET_ANSWER = "Felinase-42"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tess(db):
    return factory.make_user("tess", factory.Role.TEACHER)


@pytest.fixture
def bank(db):
    """A shared question on a shared (bank) text, and a shared set holding it."""
    shared = factory.make_question("shared-1", explanation="SHARED-EXPLANATION")
    return factory.make_quizset("basics", [shared], title="Basics")


@pytest.fixture
def own_question(bank, teacher):
    """Tom's own published question, citing the shared bank text."""
    return factory.make_question(
        "tom-own-1",
        kind="flashcard",
        choices=[],
        prompt=SECRET_PROMPT,
        back=SECRET_ANSWER,
        explanation=SECRET_EXPLANATION,
        owner=teacher,
    )


def assert_no_secret(body: str, where: str) -> None:
    for secret in (SECRET_PROMPT, SECRET_EXPLANATION, SECRET_ANSWER):
        assert secret not in body, f"{where}: {secret!r} leaked"


# --- adding a text or a set to one's studies ------------------------------------------------------


@pytest.mark.parametrize("who", ["learner", "tess"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_studying_a_text_adds_only_the_questions_one_may_see(request, bank, own_question, who, headers):
    user = request.getfixturevalue(who)
    source = own_question.passage.source
    r = logged_in(user).post(f"/sources/{source.key}/study/", headers=headers)
    assert r.status_code == 302
    assert set(user.cards.values_list("question__external_id", flat=True)) == {"shared-1"}


def test_studying_a_text_gives_the_owner_their_own_questions(bank, own_question, teacher):
    logged_in(teacher).post(f"/sources/{own_question.passage.source.key}/study/")
    assert set(teacher.cards.values_list("question__external_id", flat=True)) == {"shared-1", "tom-own-1"}


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_studying_a_shared_set_leaves_out_a_teachers_own_question_in_it(bank, own_question, learner, headers):
    """A shared set may hold a teacher's own question (an admin edited the set): it still stays theirs."""
    QuizSetItem.objects.create(quizset=bank, question=own_question, position=1)
    r = logged_in(learner).post("/sets/basics/study/", headers=headers)
    assert r.status_code == 302
    assert set(learner.cards.values_list("question__external_id", flat=True)) == {"shared-1"}


def test_a_study_assignment_still_brings_the_teachers_own_questions_to_the_class(own_question, teacher, learner):
    """The rule lets through what is assigned: the class's learners get the teacher's own questions."""
    classroom = Classroom.objects.create(teacher=teacher, name="Bio")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    own_set = factory.make_quizset("tom-set", [own_question], owner=teacher)
    now = timezone.now()
    r = logged_in(teacher).post(
        f"/teach/classes/{classroom.pk}/assign/",
        {
            "quizset": own_set.pk,
            "mode": "study",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "due_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "reveal": "immediately",
            "grading": "best",
        },
    )
    assert r.status_code == 302
    card = learner.cards.get(question=own_question)
    back = logged_in(learner).get(f"/review/{card.pk}/reveal/").content.decode()
    assert SECRET_ANSWER in back


# --- the review queue and a card's answer ---------------------------------------------------------


@pytest.fixture
def stray_card(own_question, learner):
    """A card the learner holds for a question they may not see (added before this fix, or a class they left)."""
    return Card.objects.create(user=learner, question=own_question)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_card_whose_question_is_not_visible_shows_nothing(stray_card, learner, headers):
    alice = logged_in(learner)
    r = alice.get(f"/review/{stray_card.pk}/reveal/", headers=headers)
    assert r.status_code == 404
    assert_no_secret(r.content.decode(), "reveal")
    r = alice.post(f"/review/{stray_card.pk}/answer/", {"knew": "yes"}, headers=headers)
    assert r.status_code == 404
    assert_no_secret(r.content.decode(), "answer")
    r = alice.post(
        f"/review/{stray_card.pk}/rate/",
        {"rating": 3, "token": "5d0a1c36-6a52-4b5e-9a56-3f6a7d0e1b11", "version": 0},
        headers=headers,
    )
    assert r.status_code == 404
    stray_card.refresh_from_db()
    assert stray_card.reps == 0 and not stray_card.logs.exists()


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_review_queue_skips_a_card_that_is_not_visible(bank, stray_card, learner, headers):
    alice = logged_in(learner)
    r = alice.get("/review/", headers=headers)
    assert r.status_code == 200
    body = r.content.decode()
    assert_no_secret(body, "queue")


def test_the_queue_counts_only_visible_cards(bank, stray_card, learner):
    """The only card is not visible: the queue says there is nothing to do, and shows no question."""
    body = logged_in(learner).get("/review/").content.decode()
    assert_no_secret(body, "queue")
    assert not re.search(r"\b1 new\b", body), "the hidden card is not counted"


def test_the_progress_page_lists_no_card_that_is_not_visible(stray_card, learner):
    Card.objects.filter(pk=stray_card.pk).update(is_leech=True, suspended=True, lapses=8, state=2)
    for headers in ({}, HX):
        r = logged_in(learner).get("/progress/", headers=headers)
        assert r.status_code == 200
        assert_no_secret(r.content.decode(), "progress")


def test_leaving_a_class_takes_its_teachers_own_questions_out_of_reviews(own_question, teacher, learner):
    classroom = Classroom.objects.create(teacher=teacher, name="Bio")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    own_set = factory.make_quizset("tom-set", [own_question], owner=teacher)
    Assignment.objects.create(
        classroom=classroom, quizset=own_set, mode="study", due_at=timezone.now() + timedelta(days=7)
    )
    alice = logged_in(learner)
    alice.post("/sets/tom-set/study/")
    card = learner.cards.get(question=own_question)
    assert SECRET_ANSWER in alice.get(f"/review/{card.pk}/reveal/").content.decode()
    logged_in(teacher).post(f"/teach/classes/{classroom.pk}/", {"remove": learner.pk})
    assert not Enrollment.objects.exists()
    for headers in ({}, HX):
        r = alice.get(f"/review/{card.pk}/reveal/", headers=headers)
        assert r.status_code == 404
        assert_no_secret(r.content.decode(), "reveal after leaving")
        assert_no_secret(alice.get("/review/", headers=headers).content.decode(), "queue after leaving")


def test_an_unpublished_question_leaves_the_reviews(bank, learner):
    """A question sent back to draft (rejected, unpublished by an admin) is no longer shown with its answer."""
    logged_in(learner).post("/sets/basics/study/")
    card = learner.cards.get()
    card.question.status = "draft"
    card.question.save()
    r = logged_in(learner).get(f"/review/{card.pk}/reveal/")
    assert r.status_code == 404 and "SHARED-EXPLANATION" not in r.content.decode()


# --- quiz sets and attempts -----------------------------------------------------------------------


def test_an_attempt_on_a_shared_set_holds_only_visible_questions(bank, own_question, learner):
    QuizSetItem.objects.create(quizset=bank, question=own_question, position=1)
    r = logged_in(learner).post("/sets/basics/start/")
    assert r.status_code == 302
    attempt = Attempt.objects.get(user=learner)
    assert attempt.question_ids == [bank.items.get(question__external_id="shared-1").question_id]


def test_a_set_page_lists_and_counts_only_visible_questions(bank, own_question, tess):
    """Teachers see a set's items on its page: not another teacher's own question in it."""
    QuizSetItem.objects.create(quizset=bank, question=own_question, position=1)
    for headers in ({}, HX):
        r = logged_in(tess).get("/sets/basics/", headers=headers)
        assert r.status_code == 200
        body = r.content.decode()
        assert_no_secret(body, "set page")
        assert "tom-own-1" not in body
        assert re.search(r"<dt>Questions</dt><dd>1</dd>", body), "the count is of visible questions"


def test_a_set_of_only_someone_elses_questions_is_not_found(bank, own_question, learner):
    """A shared set whose published questions are all someone else's own has nothing to show: a 404."""
    hidden = factory.make_quizset("hidden", [own_question], title="Hidden set")
    alice = logged_in(learner)
    for headers in ({}, HX):
        assert alice.get("/sets/hidden/", headers=headers).status_code == 404
        assert alice.post("/sets/hidden/start/", headers=headers).status_code == 404
        assert alice.post("/sets/hidden/study/", headers=headers).status_code in (302, 404)
    assert not Attempt.objects.filter(quizset=hidden).exists()
    assert not learner.cards.filter(question=own_question).exists()
    assert "Hidden set" not in alice.get("/").content.decode()


def test_a_learner_who_left_the_class_cannot_retake_its_teachers_questions(own_question, teacher, learner):
    classroom = Classroom.objects.create(teacher=teacher, name="Bio")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    own_set = factory.make_quizset("tom-set", [own_question], owner=teacher)
    assignment = Assignment.objects.create(
        classroom=classroom, quizset=own_set, due_at=timezone.now() + timedelta(days=7)
    )
    alice = logged_in(learner)
    r = alice.post(f"/assignments/{assignment.pk}/start/")
    attempt = Attempt.objects.get(user=learner)
    assert r.status_code == 302 and attempt.question_ids == [own_question.pk]
    alice.post(f"/attempts/{attempt.pk}/1/", {"knew": "no"})
    attempt.refresh_from_db()
    assert attempt.is_finished
    Enrollment.objects.all().delete()
    r = alice.post(f"/attempts/{attempt.pk}/retake/")
    assert r.status_code in (302, 404)
    assert Attempt.objects.filter(user=learner).count() == 1, "no new attempt on a set they may no longer see"


def test_preview_stays_closed_to_another_teacher(own_question, tess):
    for headers in ({}, HX):
        r = logged_in(tess).get("/questions/tom-own-1/preview/", headers=headers)
        assert r.status_code == 404
        assert_no_secret(r.content.decode(), "preview")


def test_another_teacher_cannot_pick_it_in_the_set_builder(bank, own_question, tess):
    tess_client = logged_in(tess)
    body = tess_client.get("/teach/sets/new/?q=cat").content.decode()
    assert_no_secret(body, "builder")
    tess_client.post("/teach/sets/new/", {"title": "Mine", "pick": [own_question.pk]})
    assert not QuizSetItem.objects.filter(question=own_question).exists()


# --- the review queue of derived questions --------------------------------------------------------

DERIVE_TEXT = """Approved gene therapy drugs

Luxturna: this adeno-associated vector is indicated in retinal dystrophy related to the RPE65 mutation and was \
approved in the USA at the end of 2017.

Imlygic: approved in 2015 in the USA and Europe, it consists of an oncolytic virus expressing an immunostimulant \
protein. It is indicated in adults with unresectable melanoma.
"""


def test_a_derived_candidate_is_never_matched_with_another_teachers_own_question(settings, teacher, tess):
    """The deriver flags candidates that repeat a bank question and the queue shows that question's prompt:
    only questions the text's reviewer may see count as the bank."""
    factory.make_question(
        "tess-drug",
        kind="short",
        choices=[],
        prompt="Which drug is indicated for retinal dystrophy?",
        accepted_answers="Luxturna",
        owner=tess,
    )
    shared = factory.make_question(
        "bank-drug", kind="short", choices=[], prompt="Which drug treats melanoma?", accepted_answers="Imlygic"
    )
    tom = logged_in(teacher)
    tom.post("/texts/new/", {"title": "Drugs", "language": "en", "text": DERIVE_TEXT})
    tom.post("/texts/drugs/derive/")
    duplicates = set(Candidate.objects.exclude(duplicate_of=None).values_list("duplicate_of__external_id", flat=True))
    assert "tess-drug" not in duplicates
    assert duplicates <= {shared.external_id}
