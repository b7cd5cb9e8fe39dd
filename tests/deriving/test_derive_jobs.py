"""A derivation is a background job (accounts.jobs, deriving.tasks): the page says when it waits for a
worker, the sweep of run_worker (quizzes/periodic.py) runs again a job whose worker died, gives up after
LEARNAPP_JOB_ATTEMPTS with a failure the page shows, and hands to a worker a job the web process wrote
but died before enqueueing. The real worker runs them in tests/test_worker.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import periodic
from quizzes.deriving.models import Candidate, DerivationJob
from tests.deriving.test_derive_views import add_text

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


def long_ago() -> timezone.datetime:
    return timezone.now() - timedelta(minutes=5)


def test_a_derivation_waits_for_a_worker_and_says_so(tom, settings):
    settings.TASKS = DUMMY_TASKS
    source = add_text(tom)
    tom.post(f"/texts/{source.key}/derive/")
    job = DerivationJob.objects.get()
    assert job.status == "pending" and job.task_id
    page = tom.get(f"/texts/{source.key}/derive/").content.decode()
    assert "Waiting for a worker to start the derivation" in page
    assert 'hx-trigger="every 1s"' in page and '<noscript><meta http-equiv="refresh"' in page
    tom.post(f"/texts/{source.key}/derive/")
    assert DerivationJob.objects.count() == 1, "one derivation at a time"


def test_the_sweep_runs_again_a_job_whose_worker_died(tom):
    source = add_text(tom)
    job = DerivationJob.objects.create(source=source, status="running", attempts=1, heartbeat_at=long_ago())
    assert periodic.sweep() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
    assert Candidate.objects.filter(job=job).count() == job.created > 0


def test_a_live_job_is_left_alone(tom):
    source = add_text(tom)
    job = DerivationJob.objects.create(source=source, status="running", attempts=1, heartbeat_at=timezone.now())
    assert periodic.sweep() == 0
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1


def test_a_job_interrupted_too_often_fails_and_the_page_says_so(tom, settings):
    source = add_text(tom)
    attempts = settings.LEARNAPP_JOB_ATTEMPTS
    DerivationJob.objects.create(source=source, status="running", attempts=attempts, heartbeat_at=long_ago())
    assert periodic.sweep() == 1
    job = DerivationJob.objects.get()
    assert job.status == "failed" and f"interrupted {attempts} times" in job.error
    page = tom.get(f"/texts/{source.key}/derive/").content.decode()
    assert "The derivation failed:" in page and "Derive again" in page


def test_a_job_written_but_never_enqueued_is_handed_to_a_worker(tom):
    source = add_text(tom)
    job = DerivationJob.objects.create(source=source, created_at=long_ago())  # the web process died here
    periodic.sweep()
    job.refresh_from_db()
    assert job.status == "done" and job.created > 0
