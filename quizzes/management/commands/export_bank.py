from pathlib import Path

from django.core.management.base import BaseCommand

from quizzes.bank.yaml_bank import export_bank


class Command(BaseCommand):
    help = "Export the whole question bank as one YAML file (stdout by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")

    def handle(self, *args, output: Path | None, **options) -> str | None:
        text = export_bank()
        if output is None:
            self.stdout.write(text, ending="")
            return None
        output.write_text(text, encoding="utf-8")
        return f"Wrote {output}"
