"""Periodic tasks, and the sweep that re-runs jobs whose worker died; both driven by `run_worker`.

A periodic task is an ordinary `django.tasks` task named in settings.LEARNAPP_PERIODIC_TASKS:

    LEARNAPP_PERIODIC_TASKS = {
        "reminders": {"task": "quizzes.teaching.reminders.send_reminders_task", "every": 15 * 60},
    }

Every worker calls `enqueue_due()` once a minute. Time is cut into periods of `every` seconds counted
from the Unix epoch; the first worker to insert the (name, period start) row into PeriodicRun enqueues
the task, with `period_start` (an ISO 8601 UTC string) as its only argument. The row's unique key makes
this happen once per period, whichever and however many workers run, on SQLite as on PostgreSQL. A
period missed while no worker ran is not caught up: the next one runs. The task itself must still be
idempotent for what it sends (e.g. a reminder recorded per learner and day), as a worker may die after
enqueueing it and its task be run again.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .bank.models import BankImportJob
from .deriving.models import DerivationJob
from .study.models import StudyJob

# Every model of background jobs (accounts.jobs.BackgroundJob), for the sweep.
JOB_MODELS = [BankImportJob, DerivationJob, StudyJob]


class PeriodicRun(models.Model):
    """One period of one periodic task, enqueued once."""

    name = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "quizzes"
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_start:%Y-%m-%d %H:%M}"


def period_start(now: datetime, every: int) -> datetime:
    seconds = int(now.timestamp()) // every * every
    return datetime.fromtimestamp(seconds, UTC)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue each periodic task whose current period has not been enqueued yet; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for name, spec in settings.LEARNAPP_PERIODIC_TASKS.items():
        start = period_start(now, int(spec["every"]))
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(name=name, period_start=start)
                # In the same transaction: the period is marked enqueued if and only if its task is.
                result = import_string(spec["task"]).enqueue(start.isoformat())
                PeriodicRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
        except IntegrityError:
            continue  # another worker (or this one, a minute ago) enqueued this period
        enqueued.append(name)
    return enqueued


def sweep(now: datetime | None = None) -> int:
    """Hand again to a worker the jobs whose worker stopped reporting (accounts.jobs), or fail those out of
    attempts; returns how many runs were found cut short."""
    now = now or timezone.now()
    lost: list[str] = []
    for model in JOB_MODELS:
        lost += model.recover_interrupted(now)
    # The killed runs' own task rows would say RUNNING forever: say they failed.
    cut_short = [task_id for task_id in lost if task_id]
    DBTaskResult.objects.filter(pk__in=cut_short, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=now
    )
    return len(lost)


def prune(now: datetime | None = None, keep: timedelta = timedelta(days=7)) -> None:
    """Forget periods older than a week: the unique key only matters for the current one."""
    now = now or timezone.now()
    PeriodicRun.objects.filter(period_start__lt=now - keep).delete()
