"""The real worker (manage.py run_worker, django-tasks-db) on the suite's database, SQLite or PostgreSQL:
a derivation asked for on the page runs on the worker and shows on the page; a worker killed mid-job
(SIGKILL) leaves nothing half-written and the job runs again to its end; periodic tasks are enqueued
once per period however many workers tick."""

import signal
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from quizzes import periodic
from quizzes.bank.models import Question, Source
from quizzes.deriving.models import Candidate, DerivationJob
from quizzes.models import PeriodicRun
from quizzes.study import optimizing
from quizzes.study.models import StudyJob
from tests import factory
from tests.processes import DB_BACKEND, ROOT, kill, start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = ROOT / "bank" / "texts"


@pytest.fixture(autouse=True)
def database_backend(settings):
    settings.TASKS = DB_BACKEND


@pytest.fixture
def editor(client):
    user = factory.make_user("tom", factory.Role.TEACHER)
    client.force_login(user)
    return client


def add_text(client, text: str) -> Source:
    client.post("/texts/new/", {"title": "A long text", "text": text, "language": "en"})
    return Source.objects.get(title="A long text")


def test_a_derivation_asked_for_on_the_page_runs_on_the_worker(editor, tmp_path):
    source = add_text(editor, (TEXTS / "gene-therapy-what-is-it.txt").read_text())
    editor.post(f"/texts/{source.key}/derive/")
    job = DerivationJob.objects.get()
    assert job.status == "pending" and job.task_id, "enqueued, not run in the web process"
    page = editor.get(f"/texts/{source.key}/derive/").content.decode()
    assert "Waiting for a worker" in page and 'http-equiv="refresh"' in page  # no JS: the page reloads itself

    worker = start_worker(tmp_path / "worker.log")
    try:
        wait_for(lambda: DerivationJob.objects.get().status == "done", 60, (tmp_path / "worker.log").read_text)
    finally:
        kill(worker, signal.SIGTERM)
    job.refresh_from_db()
    assert job.created > 0 and Candidate.objects.count() == job.created
    r = editor.get(f"/texts/{source.key}/derive/", headers={"HX-Request": "true"})
    assert r.status_code == 286  # htmx stops polling
    assert "candidates found" in r.content.decode()


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_job_runs_again(editor, tmp_path):
    names = ("inserm-gene-therapy.txt", "paediatric-malignancies.txt")
    text = "\n\n".join((TEXTS / name).read_text() for name in names)
    source = add_text(editor, text)
    editor.post(f"/texts/{source.key}/derive/")
    log = tmp_path / "worker.log"
    stale = {"LEARNAPP_JOB_STALE_SECONDS": "8"}

    first = start_worker(log, **stale)
    try:
        wait_for(lambda: DerivationJob.objects.filter(status="running", done__gt=0).exists(), 60, log.read_text, 0.02)
    finally:
        kill(first)  # SIGKILL: no handler runs, no transaction commits
    job = DerivationJob.objects.get()
    assert job.status == "running" and job.attempts == 1
    assert not Candidate.objects.exists() and not Question.objects.filter(passage__source=source).exists()

    second = start_worker(log, **stale)
    try:
        wait_for(lambda: DerivationJob.objects.get().status == "done", 90, log.read_text)
    finally:
        kill(second, signal.SIGTERM)
    job.refresh_from_db()
    assert job.attempts == 2 and "had lost their worker" in log.read_text()
    assert job.created > 0 and Candidate.objects.count() == job.created  # written once, whole


def test_a_learners_fit_runs_on_the_worker_and_a_failure_is_shown(client, tmp_path, monkeypatch):
    learner = factory.make_user("alice", factory.Role.LEARNER)
    client.force_login(learner)
    # The page lets it through; the worker checks.
    monkeypatch.setattr(optimizing, "reviews_still_needed", lambda user: 0)
    client.post("/study/optimize/")
    assert StudyJob.objects.get().status == "pending"
    worker = start_worker(tmp_path / "worker.log")
    try:
        wait_for(lambda: StudyJob.objects.get().status == "failed", 60, (tmp_path / "worker.log").read_text)
    finally:
        kill(worker, signal.SIGTERM)
    page = client.get("/study/settings/").content.decode()
    assert "This failed: fitting your parameters." in page and "400" in page  # too few reviews to fit


def test_a_periodic_task_is_enqueued_once_per_period_whoever_ticks():
    every = {"probe": {"task": "quizzes.deriving.tasks.derive", "every": 3600}}
    with override_settings(LEARNAPP_PERIODIC_TASKS=every):
        at = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
        assert periodic.enqueue_due(at) == ["probe"]
        assert periodic.enqueue_due(at.replace(minute=59)) == []  # another worker, same hour
        assert periodic.enqueue_due(at.replace(hour=9, minute=0)) == ["probe"]
    runs = PeriodicRun.objects.order_by("period_start")
    assert [r.period_start.hour for r in runs] == [8, 9] and all(r.task_id for r in runs)
