"""A learner's long jobs run on a worker (study.tasks): fitting their parameters, and importing a review
log over LEARNAPP_BACKGROUND_IMPORT_BYTES. The settings page says it is waiting, polls the progress
(htmx, or reloads itself without JavaScript), shows the outcome or a plain failure; one job at a time.
The real worker runs them in tests/test_worker.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quizzes.study import optimizing
from quizzes.study.models import ReviewLog, StudyJob
from tests.study.test_revlog_import import big_csv

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def post_log(client, data: bytes, name: str = "anki.csv"):
    return client.post("/study/log/import/", {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_a_large_log_is_imported_by_a_worker_and_the_page_says_how_it_went(alice, learner, settings):
    settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 1_000
    data = big_csv(300, cards=50)
    page = post_log(alice, data).content.decode()
    job = StudyJob.objects.get()
    assert job.kind == "import" and job.status == "done" and job.upload_name == "anki.csv"
    assert bytes(job.upload) == b"", "the file is dropped once imported"
    assert ReviewLog.objects.filter(user=learner).count() == 300
    assert "Imported 300 of 300 reviews" in page


def test_a_small_log_is_still_imported_in_the_request(alice, learner):
    page = post_log(alice, big_csv(20, cards=5)).content.decode()
    assert not StudyJob.objects.exists() and "Imported 20 of 20 reviews" in page


def test_a_bad_large_log_fails_plainly_with_every_error_and_imports_nothing(alice, learner, settings):
    settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 10
    page = post_log(alice, b"card_id,review_time,review_rating\n1,2,9\n1,x,3\n").content.decode()
    assert StudyJob.objects.get().status == "failed"
    assert "This failed: importing a review log." in page and "Nothing was imported." in page
    assert "anki.csv:2: review_rating" in page and "anki.csv:3: review_time" in page  # each bad line, named
    assert not ReviewLog.objects.filter(user=learner).exists()


def test_a_waiting_job_is_polled_and_not_started_twice(alice, settings, monkeypatch):
    settings.TASKS = DUMMY_TASKS  # nothing runs it: it waits for a worker
    monkeypatch.setattr(optimizing, "reviews_still_needed", lambda user: 0)  # a log that may be long enough
    alice.post("/study/optimize/")
    page = alice.post("/study/optimize/", follow=True).content.decode()
    assert StudyJob.objects.count() == 1 and "not finished yet" in page
    assert "Waiting for a worker: fitting your parameters" in page
    assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page
    r = alice.get("/study/settings/", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<form" not in r.content.decode()  # only the job's part

    StudyJob.objects.update(status="running", done=3, total=4, heartbeat_at=timezone.now())
    assert "75%" in alice.get("/study/settings/", headers={"HX-Request": "true"}).content.decode()

    StudyJob.objects.update(status="failed", error="too few reviews")
    r = alice.get("/study/settings/", headers={"HX-Request": "true"})
    assert r.status_code == 286 and "too few reviews" in r.content.decode()  # htmx stops polling
    alice.post("/study/optimize/")
    assert StudyJob.objects.count() == 2, "a failed job may be started again"


def test_a_log_surely_too_short_is_answered_at_once_without_a_job(alice):
    page = alice.post("/study/optimize/", follow=True).content.decode()
    assert not StudyJob.objects.exists()
    assert '<li class="message info">Not enough reviews to fit your parameters yet' in page and "400" in page


def test_fitting_that_finds_too_few_reviews_on_the_worker_fails_with_the_reason(alice, monkeypatch):
    monkeypatch.setattr(optimizing, "reviews_still_needed", lambda user: 0)  # the two counts let it through
    page = alice.post("/study/optimize/", follow=True).content.decode()
    assert StudyJob.objects.get().status == "failed"
    assert "This failed: fitting your parameters." in page and "needs 400 of them; you have 0 so far" in page
