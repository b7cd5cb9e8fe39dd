from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.formats import EXTENSIONS, import_questions, max_bytes
from quizzes.bank.yaml_bank import BankFile, BankInvalid, import_bank

from .import_bank import report_conflicts


def progress_bar(stream, label: str):
    """A progress callback drawing `label [#####.....] done/total` on one line of `stream`."""

    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done == total:
            stream.write("")

    return draw


class Command(BaseCommand):
    help = (
        "Import questions from GIFT (.gift, .txt), Moodle XML (.xml), Anki (.apkg), CSV (.csv, .tsv) or bank YAML "
        "(.yaml) files: all or nothing, every error listed with its file and line (see docs/formats.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--owner", help="username of who imports: the questions are theirs (a teacher's own)")
        parser.add_argument(
            "--shared", action="store_true", help="into the shared bank: the questions published to everyone"
        )
        parser.add_argument("--language", default="en", choices=["en", "fr"], help="of questions that do not say")
        parser.add_argument("--overwrite", action="store_true", help="YAML only: as import_bank --overwrite")

    def handle(self, *args, files: list[Path], owner, shared, language, overwrite=False, **options) -> str:
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        unknown = [str(f) for f in files if not f.name.lower().endswith(EXTENSIONS)]
        if unknown:
            raise CommandError(f"unknown format: {', '.join(unknown)} (use {', '.join(EXTENSIONS)})")
        yaml = [f for f in files if f.suffix.lower() in (".yaml", ".yml")]
        if yaml and len(yaml) != len(files):
            raise CommandError("import bank YAML files on their own: they are the bank, the other formats add to it")
        draw = progress_bar(self.stderr, "questions")
        if yaml:
            try:
                result = import_bank([BankFile.from_path(f) for f in files], progress=draw, overwrite=overwrite)
            except BankInvalid as exc:
                raise _refused(exc) from None
            report_conflicts(self, result)
            return f"Imported {len(files)} file(s): {result}"
        user = None
        if owner:
            user = get_user_model().objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f"no user {owner!r}")
        elif not shared:
            raise CommandError("say whose questions these are (--owner USERNAME), or --shared for the shared bank")
        contents = []
        for f in files:
            with f.open("rb") as stream:  # no more than the cap: a bigger file is refused by its size alone
                contents.append((str(f), stream.read(max_bytes(f.name) + 1)))
        try:
            report = import_questions(contents, user, shared=shared, language=language, progress=draw)
        except BankInvalid as exc:
            raise _refused(exc) from None
        for line in [*map(str, report.notes), *report.dropped]:
            self.stderr.write(self.style.WARNING(line))
        return f"Imported {report}."


def _refused(exc: BankInvalid) -> CommandError:
    return CommandError(f"{len(exc.errors)} error(s), nothing was imported:\n" + "\n".join(map(str, exc.errors)))
