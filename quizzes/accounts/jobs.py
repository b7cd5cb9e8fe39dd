"""What every background job shares: a row the page polls, run by a `django.tasks` task on any worker.

The row is the job's whole state (nothing lives in a process's memory): its status, its progress, its
error, and a heartbeat that the task moves forward while it works. A worker killed mid-job stops the
heartbeat; `run_worker`'s sweep (quizzes/periodic.py) then runs the job again, up to
LEARNAPP_JOB_ATTEMPTS times. A job's task writes its results in one transaction (or idempotently),
so a job cut short has written nothing and running it again is safe.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


def stale_after() -> timedelta:
    return timedelta(seconds=settings.LEARNAPP_JOB_STALE_SECONDS)


class JobQuerySet(models.QuerySet):
    def active(self) -> "JobQuerySet":
        return self.filter(status__in=[BackgroundJob.Status.PENDING, BackgroundJob.Status.RUNNING])

    def interrupted(self, now) -> "JobQuerySet":
        """Jobs whose worker stopped reporting (killed, or its machine gone), and jobs never handed to a
        worker (the web process died between writing the job and enqueueing its task)."""
        Status = BackgroundJob.Status
        return self.filter(
            models.Q(status=Status.RUNNING, heartbeat_at__lt=now - stale_after())
            | models.Q(status=Status.PENDING, task_id="", created_at__lt=now - stale_after())
        )


class BackgroundJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    # The dotted path of the django.tasks task that runs a job of this model (given the job's pk).
    TASK: str = ""

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        """Waiting for a worker, or running and still reporting."""
        if self.status == self.Status.PENDING:
            return True
        return self.status == self.Status.RUNNING and (
            self.heartbeat_at is None or timezone.now() - self.heartbeat_at < stale_after()
        )

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.PENDING

    def enqueue(self) -> None:
        """Hand the job to a worker. In the caller's transaction with the database backend: the job row
        and its task row are written together or not at all."""
        result = import_string(self.TASK).enqueue(self.pk)
        type(self).objects.filter(pk=self.pk, status=self.Status.PENDING).update(task_id=str(result.id)[:64])

    def begin(self) -> bool:
        """Claim the job for this run; False when it is already finished (a task enqueued twice)."""
        self.heartbeat_at = timezone.now()
        claimed = (
            type(self)
            .objects.filter(pk=self.pk)
            .exclude(status__in=[self.Status.DONE, self.Status.FAILED])
            .update(status=self.Status.RUNNING, heartbeat_at=self.heartbeat_at, attempts=models.F("attempts") + 1)
        )
        return bool(claimed)

    # How often progress is written: often enough for the page and far within LEARNAPP_JOB_STALE_SECONDS.
    REPORT_EVERY = timedelta(seconds=0.5)

    def report(self, done: int, total: int) -> None:
        now = timezone.now()
        if done < total and self.heartbeat_at and now - self.heartbeat_at < self.REPORT_EVERY:
            return
        self.heartbeat_at = now
        type(self).objects.filter(pk=self.pk).update(done=done, total=total, heartbeat_at=now)

    def finish(self, **fields) -> None:
        type(self).objects.filter(pk=self.pk).update(
            status=self.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
        )

    def fail(self, error: str) -> None:
        type(self).objects.filter(pk=self.pk).update(
            status=self.Status.FAILED, error=error[:2000], finished_at=timezone.now()
        )

    @classmethod
    def recover_interrupted(cls, now) -> list[str]:
        """Run again the jobs whose worker died (safe: a job cut short wrote nothing, see above); fail
        those that already used their attempts. Returns, per job found, the id of its task cut short ("" for a
        job never handed to a worker)."""
        lost = []
        for job in cls.objects.interrupted(now):
            lost.append(job.task_id)
            if job.attempts >= settings.LEARNAPP_JOB_ATTEMPTS:
                job.fail(str(_("The job was interrupted %(n)d times; it was given up.") % {"n": job.attempts}))
                continue
            # Only the sweep that moves it back to PENDING requeues it, even with several workers sweeping.
            with transaction.atomic():
                claimed = cls.objects.filter(
                    pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at, task_id=job.task_id
                ).update(status=cls.Status.PENDING, task_id="")
                if claimed:
                    job.enqueue()
        return lost
