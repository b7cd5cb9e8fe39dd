"""A form that fails validation writes nothing: not a passage on someone's text, not a text removed again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizzes.models import Candidate, DerivationJob, Passage, Question
from tests import factory

HX = {"HX-Request": "true"}
NEW_QUOTE = "Gene therapy consists of introducing genetic material into cells"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def question_data(**extra) -> dict:
    return {
        "kind": "single",
        "prompt": "What does gene therapy introduce into cells?",
        "explanation": "Genetic material.",
        "difficulty": 2,
        "passage_text": NEW_QUOTE,
        "choices-TOTAL_FORMS": 4,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 8,
        "choices-0-text": "Genetic material",
        "choices-0-is_correct": "on",
        "choices-1-text": "Antibodies",
        **extra,
    }


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


@pytest.fixture
def shared_text(db):
    """A shared bank text that already has one passage (cited by a bank question)."""
    return factory.make_question("bank-1").passage.source


@pytest.mark.parametrize(
    "invalid",
    [
        {"prompt": ""},  # the question form fails
        {"choices-1-is_correct": "on"},  # the choices fail: two right answers to a single choice
        {"kind": "flashcard", "choices-0-text": "", "choices-1-text": ""},  # the model's rule: no back
        {"highlight": "not in the passage"},  # the model's rule on the highlight
    ],
    ids=["form", "choices", "model", "highlight"],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_an_invalid_new_question_writes_nothing(teacher, shared_text, invalid, headers):
    tom = logged_in(teacher)
    passages = list(Passage.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        r = tom.post("/teach/questions/new/", question_data(source=shared_text.pk, **invalid), headers=headers)
    assert r.status_code == 200, "the form comes back with its errors"
    assert list(Passage.objects.values_list("pk", flat=True)) == passages, "no passage on the text"
    assert not teacher.own_questions.exists()
    assert writes(queries) == [], writes(queries)


def test_a_valid_new_question_creates_its_passage_once(teacher, shared_text):
    tom = logged_in(teacher)
    r = tom.post("/teach/questions/new/", question_data(source=shared_text.pk))
    assert r.status_code == 302
    question = teacher.own_questions.get()
    assert question.passage.text == NEW_QUOTE and question.passage.source == shared_text
    assert question.passage.start == 0 and question.passage.end == len(NEW_QUOTE)
    r = tom.post("/teach/questions/new/", question_data(source=shared_text.pk, prompt="Again?"))
    assert r.status_code == 302
    assert Passage.objects.filter(text=NEW_QUOTE).count() == 1, "a quote already cited is reused"


def test_an_existing_passage_is_reused_and_the_highlight_checked_against_it(teacher, shared_text):
    quote = "Adeno-associated virus (AAV) vectors are non-integrative"
    tom = logged_in(teacher)
    r = tom.post(
        "/teach/questions/new/",
        question_data(source=shared_text.pk, passage_text=quote, highlight="non-integrative"),
    )
    assert r.status_code == 302
    assert teacher.own_questions.get().passage == Passage.objects.get(text=quote)


def test_an_invalid_edit_in_the_review_queue_writes_nothing(teacher):
    source = factory.make_source("toms-text", owner=teacher, title="Tom's text")
    draft = factory.make_question("d-1", source=source, status=Question.Status.DRAFT, owner=teacher)
    candidate = Candidate.objects.create(
        job=DerivationJob.objects.create(source=source), question=draft, confidence=0.9, reason="why"
    )
    tom = logged_in(teacher)
    passages = Passage.objects.count()
    for invalid in ({"prompt": ""}, {"choices-1-is_correct": "on"}):
        with CaptureQueriesContext(connection) as queries:
            r = tom.post(f"/review-queue/{candidate.pk}/edit/", question_data(source=source.pk, **invalid))
        assert r.status_code == 200
        assert writes(queries) == [], writes(queries)
    assert Passage.objects.count() == passages
    draft.refresh_from_db()
    assert draft.status == Question.Status.DRAFT and draft.passage.text != NEW_QUOTE


ADMIN_QUESTION = {
    "external_id": "admin-1",
    "kind": "single",
    "status": "published",
    "language": "en",
    "difficulty": 2,
    "prompt": "What does gene therapy introduce into cells?",
    "explanation": "Genetic material.",
    "passage_text": NEW_QUOTE,
    "choices-TOTAL_FORMS": 2,
    "choices-INITIAL_FORMS": 0,
    "choices-MIN_NUM_FORMS": 0,
    "choices-MAX_NUM_FORMS": 1000,
    "choices-0-position": 0,
    "choices-0-text": "Genetic material",
    "choices-0-is_correct": "on",
    "choices-1-position": 1,
    "choices-1-text": "Antibodies",
}


@pytest.mark.parametrize(
    "invalid",
    [{"prompt": ""}, {"choices-1-is_correct": "on"}],
    ids=["question", "choices"],  # the admin validates its inline choices after the question form
)
def test_an_invalid_question_in_the_admin_writes_nothing(admin_user, shared_text, invalid):
    admin = logged_in(admin_user)
    passages = Passage.objects.count()
    r = admin.post("/admin/quizzes/question/add/", {**ADMIN_QUESTION, "source": shared_text.pk, **invalid})
    assert r.status_code == 200
    assert Passage.objects.count() == passages
    assert not Question.objects.filter(external_id="admin-1").exists()


def test_a_valid_question_in_the_admin_stores_its_new_passage(admin_user, shared_text):
    r = logged_in(admin_user).post("/admin/quizzes/question/add/", {**ADMIN_QUESTION, "source": shared_text.pk})
    assert r.status_code == 302
    assert Question.objects.get(external_id="admin-1").passage == Passage.objects.get(text=NEW_QUOTE)


def test_a_text_with_nothing_left_is_refused_without_being_written(teacher):
    """Boilerplate only: the form says so, and no text was created (then deleted) on the way."""
    tom = logged_in(teacher)
    upload = SimpleUploadedFile("empty.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with CaptureQueriesContext(connection) as queries:
        r = tom.post("/texts/new/", {"title": "Empty page", "language": "en", "file": upload})
    assert r.status_code == 200
    assert "Nothing is left of this text" in r.content.decode()
    assert writes(queries) == [], writes(queries)
