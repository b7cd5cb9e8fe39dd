from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.models import Source
from quizzes.deriving import review_queue as candidates
from quizzes.deriving.models import DerivationJob


class Command(BaseCommand):
    help = "Derive draft questions from a source (by key) into the review queue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="the source's key, e.g. inserm-gene-therapy")

    def handle(self, *args, source: str, **options) -> str:
        found = Source.objects.filter(key=source).first()
        if found is None:
            keys = ", ".join(Source.objects.values_list("key", flat=True)[:20])
            raise CommandError(f"no source {source!r} (sources: {keys})")
        job = DerivationJob.objects.create(source=found)
        width = 30

        def bar(done: int, total: int) -> None:
            filled = width * done // total if total else width
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            self.stderr.flush()

        job = candidates.run(job.pk, progress=bar)
        self.stderr.write("")
        return f"{job.created} candidate(s) for {found.title!r} are waiting in the review queue."
