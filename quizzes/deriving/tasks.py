"""The derivation as a `django.tasks` task: a worker (manage.py run_worker) runs it, on any machine."""

from django.tasks import task

from . import review_queue


@task
def derive(job_id: int) -> int:
    """Derive a job's candidates; returns how many were stored. Safe to run again: the candidates are
    written in one transaction at the end, replacing those still waiting for review."""
    return review_queue.run(job_id).created
