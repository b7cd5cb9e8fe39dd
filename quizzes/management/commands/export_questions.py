from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.formats import EXPORT_FORMATS, export
from quizzes.bank.models import Question, QuizSet
from quizzes.study.models import Card


class Command(BaseCommand):
    help = (
        "Export questions as GIFT, Moodle XML, an Anki package, CSV or bank YAML (the whole bank, lossless): "
        "a quiz set's (--quizset), a learner's studies (--studies USERNAME) or the whole bank. "
        "See docs/formats.md for what each format cannot carry."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
        parser.add_argument("--quizset", metavar="KEY", help="the questions of this quiz set, in its order")
        parser.add_argument("--studies", metavar="USERNAME", help="the questions in this learner's studies")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args, format: str, quizset, studies, output, **options) -> None:
        name = "learnapp"
        questions = Question.objects.order_by("external_id")
        if quizset:
            chosen = QuizSet.objects.filter(key=quizset).first()
            if chosen is None:
                raise CommandError(f"no quiz set {quizset!r}")
            questions = Question.objects.filter(quizset_items__quizset=chosen).order_by("quizset_items__position")
            name = chosen.title
        elif studies:
            user = get_user_model().objects.filter(username=studies).first()
            if user is None:
                raise CommandError(f"no user {studies!r}")
            ids = Card.objects.visible_to(user).values("question_id")
            questions = Question.objects.filter(pk__in=ids).order_by("external_id")
            name = f"{user.username}'s studies"
        if format == "yaml" and (quizset or studies):
            raise CommandError("YAML exports the whole bank (export_bank); choose another format for a selection")
        if format == "apkg" and output is None:
            raise CommandError("an Anki package is binary: write it to a file with -o FILE.apkg")
        total = questions.count()
        self.stderr.write(f"exporting {total} question(s) as {format}…")
        data, skipped = export(questions, format, deck_name=name, deck_key=quizset or studies or "learnapp")
        for line in skipped:
            self.stderr.write(self.style.WARNING(f"left out: {line}"))
        if output:
            output.write_bytes(data)
            self.stderr.write(f"wrote {output} ({len(data):,} bytes)")
        else:
            self.stdout.write(data.decode(), ending="")
