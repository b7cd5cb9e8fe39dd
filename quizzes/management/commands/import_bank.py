from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.yaml_bank import BankFile, BankInvalid, import_bank


class Command(BaseCommand):
    help = "Import question bank YAML files (all or nothing; see docs/bank-format.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Take the file's version of questions that were also edited in the app since the last import.",
        )

    def handle(self, *args, files: list[Path], overwrite: bool = False, **options) -> str:
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"questions: {done}/{total}")

        try:
            result = import_bank([BankFile.from_path(f) for f in files], progress=progress, overwrite=overwrite)
        except BankInvalid as exc:
            raise CommandError(
                f"{len(exc.errors)} error(s), nothing was imported:\n" + "\n".join(map(str, exc.errors))
            ) from None
        report_conflicts(self, result)
        return f"Imported {len(files)} file(s): {result}"


def report_conflicts(command: BaseCommand, result) -> None:
    """One line per question changed both in the file and in the app, then how to take the file's."""
    for conflict in result.conflicts:
        command.stderr.write(command.style.WARNING(str(conflict)))
    if result.conflicts:
        command.stderr.write(
            command.style.WARNING(
                f"{len(result.conflicts)} conflict(s): run again with --overwrite to take the file's version."
            )
        )
