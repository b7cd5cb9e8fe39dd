from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.yaml_bank import BankFile, BankInvalid, import_bank


class Command(BaseCommand):
    help = "Import question bank YAML files (all or nothing; see docs/bank-format.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options) -> str:
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"questions: {done}/{total}")

        try:
            result = import_bank([BankFile.from_path(f) for f in files], progress=progress)
        except BankInvalid as exc:
            raise CommandError(
                f"{len(exc.errors)} error(s), nothing was imported:\n" + "\n".join(map(str, exc.errors))
            ) from None
        return f"Imported {len(files)} file(s): {result}"
