import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.deriving import benchmark

TARGETS = {"precision_at_10": 0.8, "recall": 0.4, "well_formed": 0.85, "duplicate_rate": 0.0, "leak_rate": 0.0}


class Command(BaseCommand):
    help = (
        "Run the question deriver on the bank's source texts and score it against the bank's own answers "
        "(answer precision, precision of the top 10, recall of key terms, well-formed, duplicate and leak rates, "
        "MCQs with 3 distractors, time). --check FILE fails when a figure falls below its committed floor."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bank", type=Path, default=Path(settings.BASE_DIR) / "bank", help="bank folder (bank/)")
        parser.add_argument("--check", type=Path, metavar="FLOOR.json", help="fail if a metric is below this floor")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--top", action="store_true", help="also print each text's ten best candidates")

    def handle(self, *args, bank: Path, check: Path | None, json: bool, top: bool, **options):
        if not (bank / "library.yaml").is_file():
            raise CommandError(f"no library.yaml in {bank}")
        floor = None
        if check is not None:
            if not check.is_file():
                raise CommandError(f"no such file: {check}")
            floor = _read_floor(check)
        summary = benchmark.run(bank)
        if json:
            self.stdout.write(_dumps(summary.metrics()))
        else:
            self.stdout.write(_table(summary, top))
        if floor is not None:
            failures = benchmark.check(summary, floor)
            if failures:
                raise CommandError("the deriver fell below its floor:\n  " + "\n  ".join(failures))
            self.stdout.write(f"All figures are at or above the floor in {check}.")


def _read_floor(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CommandError(f"{path}: not JSON ({exc})") from None


def _dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=lambda v: round(v, 4))


def _table(summary: benchmark.Summary, top: bool) -> str:
    head = (
        f"{'text':32} {'lang':4} {'KB':>5} {'cands':>5} {'gold':>4} {'prec':>5} {'P@10':>5} {'recall':>6} "
        f"{'wellf':>5} {'dup':>5} {'leak':>5} {'mcq3':>5} {'bank=':>5} {'secs':>5}"
    )
    lines = [head]
    for t in summary.texts:
        lines.append(
            f"{t.key:32} {t.language:4} {t.size / 1000:5.1f} {t.candidates:5d} {t.gold:4d} {t.precision:5.2f} "
            f"{t.precision_at_10:5.2f} {t.recall:6.2f} {t.well_formed:5.2f} {t.duplicate_rate:5.2f} "
            f"{t.leak_rate:5.2f} {t.mcq_ready:5.2f} {t.bank_duplicates:5d} {t.seconds:5.2f}"
        )
        if top:
            lines.extend("    " + line for line in t.top)
    lines.append(
        f"{'overall':32} {'':4} {sum(t.size for t in summary.texts) / 1000:5.1f} "
        f"{sum(t.candidates for t in summary.texts):5d} {sum(t.gold for t in summary.texts):4d} "
        f"{summary.precision:5.2f} {summary.precision_at_10:5.2f} {summary.recall:6.2f} {summary.well_formed:5.2f} "
        f"{summary.duplicate_rate:5.2f} {summary.leak_rate:5.2f} {summary.mcq_ready:5.2f} {'':5} {summary.seconds:5.2f}"
    )
    lines.append("")
    lines.append(
        f"Time: {summary.seconds:.2f} s for all texts after the word lists are loaded; the slowest text scaled to "
        f"30 KB: {summary.seconds_per_30kb:.2f} s (target < 3 s)."
    )
    lines.append(
        "Aims: "
        + ", ".join(f"{k} {'≤' if k in benchmark.LOWER else '≥'} {v}" for k, v in TARGETS.items())
        + ". Key terms = the bank's answers for each source; bank= counts candidates flagged as bank duplicates."
    )
    return "\n".join(lines)
