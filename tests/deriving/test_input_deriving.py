"""The review queue's bulk actions read candidate ids through a form: garbage is a 400, never a 500;
a pasted text past the upload limit gives the form again with a clear message."""

import pytest
from django.test import Client

from quizzes.models import Candidate, DerivationJob, Question, Source
from tests import factory

HUGE = "99999999999999999999"


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def candidate(teacher):
    source = factory.make_source("toms-text", owner=teacher)
    draft = factory.make_question("q-draft", source=source, status=Question.Status.DRAFT)
    job = DerivationJob.objects.create(source=source, requested_by=teacher, status="done")
    return Candidate.objects.create(job=job, question=draft, confidence=0.5, reason="r")


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["accept", "reject"])
@pytest.mark.parametrize("value", ["abc", "1.5", HUGE, "\x00"])
def test_bulk_actions_on_bad_ids_are_a_400_and_change_nothing(tom, candidate, action, value):
    r = tom.post("/review-queue/", {"candidate": [str(candidate.pk), value], action: "1"})
    assert r.status_code == 400
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.PENDING


@pytest.mark.django_db
def test_bulk_accept_still_works(tom, candidate):
    r = tom.post("/review-queue/", {"candidate": [str(candidate.pk)], "accept": "1"})
    assert r.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.ACCEPTED


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "9223372036854775808"])
def test_a_topic_id_past_the_range_is_a_form_error_when_editing(tom, candidate, value):
    r = tom.post(f"/review-queue/{candidate.pk}/edit/", {"kind": "flashcard", "prompt": "p", "topics": value})
    assert r.status_code == 200
    assert "topics" in r.context["form"].errors


def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/texts/new/")
    return client, client.cookies["csrftoken"].value


@pytest.mark.django_db
def test_a_text_past_the_upload_limit_shows_the_form_with_a_message(teacher, settings):
    """Django refuses the body when CSRF reads it (RequestDataTooBig): the user sees a bare 400 today."""
    client, token = csrf_client(teacher)
    big = "Gene therapy treats disease. " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 29 + 10)
    r = client.post("/texts/new/", {"csrfmiddlewaretoken": token, "title": "Big", "text": big}, follow=True)
    assert r.status_code in (200, 413)
    html = r.content.decode()
    assert 'name="title"' in html  # the form again
    assert "larger than" in html
    assert not Source.objects.filter(title="Big").exists()


@pytest.mark.django_db
def test_an_htmx_post_past_the_limit_is_not_a_bare_400(teacher, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client, token = csrf_client(teacher)
    r = client.post(
        "/texts/new/",
        {"title": "Big", "text": "x" * 20_000},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert r.status_code != 400
    assert "larger than" in r.content.decode() or r.headers.get("HX-Redirect") or r.headers.get("HX-Location")
