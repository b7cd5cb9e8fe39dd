"""A learner's long jobs as `django.tasks` tasks, run by a worker (manage.py run_worker) on any machine."""

import logging

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from ..bank.yaml_bank import BankInvalid
from . import anki_import, optimizing
from .models import StudyJob

logger = logging.getLogger(__name__)


@task
def run_study_job(job_id: int) -> None:
    """Fit the learner's parameters (one save at the end), import their log (idempotent batches:
    running it again adds the rest, never a review twice) or an Anki deck (one transaction). Each is safe
    to run again."""
    job = StudyJob.objects.select_related("user").get(pk=job_id)
    if not job.begin():
        return  # already finished: a task enqueued twice does nothing
    with translation.override(job.language or None):
        try:
            if job.kind == StudyJob.Kind.FIT:
                optimizing.optimize_for(job.user)
                job.finish()
            elif job.kind == StudyJob.Kind.IMPORT_DECK:
                # One transaction: a job cut short wrote nothing, and runs again whole.
                done = anki_import.import_file(
                    (job.upload_name, bytes(job.upload)), job.user, job.deck, history=job.history
                )
                summary = anki_import.summary(done, job.deck)
                job.finish(done=done.cards, total=done.cards, upload=b"", outcome="\n".join(summary))
            else:
                added, total = optimizing.import_reviews(job.user, bytes(job.upload), job.upload_name, job.report)
                # The file is not needed any more: keep the counts, drop the bytes.
                job.finish(done=added, total=total, upload=b"")
        except BankInvalid as exc:
            job.fail("\n".join([*(str(error) for error in exc.errors), _("Nothing was imported.")]))
        except optimizing.RevlogInvalid as exc:
            job.fail("\n".join([*exc.errors, _("Nothing was imported.")]))
        except optimizing.NotEnoughReviews as exc:
            job.fail(optimizing.not_enough_message(exc.usable or 0, exc.needed or optimizing.MIN_REVIEWS_TO_FIT))
        except optimizing.FitFailed as exc:
            logger.warning("fitting %s's parameters failed: %s", job.user_id, exc)
            job.fail(_("Your parameters could not be fitted on your reviews: your current parameters are kept."))
        except optimizing.ImportInterrupted as exc:
            job.fail(
                _(
                    "The import stopped after %(saved)d of %(total)d reviews (a database error). Import the "
                    "same file again: it adds the rest, never a review twice."
                )
                % {"saved": exc.saved, "total": exc.total}
            )
            raise
