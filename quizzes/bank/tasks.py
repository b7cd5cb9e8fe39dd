"""A large bank import as a `django.tasks` task, run by a worker (manage.py run_worker)."""

import base64

from django.tasks import task
from django.utils import translation

from .models import BankImportJob
from .yaml_bank import BankFile, BankInvalid, import_bank


@task
def import_bank_job(job_id: int) -> None:
    """Validate and write the job's files, all or nothing (one transaction): safe to run again."""
    job = BankImportJob.objects.get(pk=job_id)
    if not job.begin():
        return  # already finished: a task enqueued twice does nothing
    files = [BankFile(f["name"], base64.b64decode(f["data"])) for f in job.files]
    with translation.override(job.language or None):
        try:
            result = import_bank(files, overwrite=job.overwrite)
        except BankInvalid as exc:
            job.fail("\n".join(str(error) for error in exc.errors))
            return
        # The files are not needed any more: keep what the admin is told.
        job.finish(outcome=str(result), warnings=[str(c) for c in result.conflicts], files=[])
