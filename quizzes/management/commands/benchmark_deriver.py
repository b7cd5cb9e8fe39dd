import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.deriving import benchmark, evaluation

TARGETS = {"precision_at_10": 0.8, "recall": 0.4, "well_formed": 0.85, "duplicate_rate": 0.0, "leak_rate": 0.0}
# The issue's aims on the held-out texts of the evaluation set.
EVALUATION_TARGETS = {"usable_rate": 0.7, "reject_rate": 0.1, "fact_recall": 0.9, "answer_in_prompt": 0}


class Command(BaseCommand):
    help = (
        "Run the question deriver on the bank's source texts and score it against the bank's own answers "
        "(answer precision, precision of the top 10, recall of key terms, well-formed, duplicate and leak rates, "
        "MCQs with 3 distractors, time); then on the evaluation set of unseen texts, scored against their key facts "
        "and a teacher's judgments of each top 20 (usable, edit, reject, unjudged). --check FILE fails when a figure "
        "falls below its committed floor; --unjudged lists the top-20 items nobody has judged yet."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bank", type=Path, default=Path(settings.BASE_DIR) / "bank", help="bank folder (bank/)")
        parser.add_argument(
            "--evaluation-dir", type=Path, default=evaluation.HERE, help="evaluation set folder (evaluation.yaml)"
        )
        parser.add_argument("--judgments", type=Path, help="judgments file (default: judgments.yaml beside it)")
        parser.add_argument(
            "--only", choices=("bank", "evaluation"), help="run one part only (the floor is checked on that part)"
        )
        parser.add_argument("--check", type=Path, metavar="FLOOR.json", help="fail if a metric is below this floor")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--top", action="store_true", help="also print each text's best candidates")
        parser.add_argument(
            "--unjudged",
            action="store_true",
            help="print the evaluation texts' unjudged top-20 items, ready to judge and append to judgments.yaml",
        )

    def handle(self, *args, bank: Path, evaluation_dir: Path, judgments: Path | None, only: str | None, **options):
        check, as_json, top, unjudged = options["check"], options["json"], options["top"], options["unjudged"]
        if unjudged:
            only = "evaluation"
        if only != "evaluation" and not (bank / "library.yaml").is_file():
            raise CommandError(f"no library.yaml in {bank}")
        floor = None
        if check is not None:
            if not check.is_file():
                raise CommandError(f"no such file: {check}")
            floor = _read_floor(check)
        summary = benchmark.run(bank) if only != "evaluation" else None
        found = None
        if only != "bank":
            existing = benchmark.bank_questions(bank) if (bank / "library.yaml").is_file() else []
            try:
                found = evaluation.run(evaluation_dir, existing, judgments)
            except evaluation.EvaluationError as exc:
                raise CommandError(str(exc)) from None
        if unjudged:
            entries = evaluation.unjudged_entries(found)
            self.stdout.write(entries or "Every top-20 item of the evaluation set is judged.")
            return
        if as_json:
            data = summary.metrics() if summary else {}
            if found:
                data["evaluation"] = found.metrics()
            self.stdout.write(_dumps(data))
        else:
            if summary:
                self.stdout.write(_table(summary, top))
            if found:
                self.stdout.write(("\n" if summary else "") + _evaluation_table(found, top))
        if floor is not None:
            failures = benchmark.check(summary, floor) if summary else []
            if found:
                failures += benchmark.check_evaluation(found, floor.get("evaluation", {}))
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
    lines = ["Bank texts: key terms are the bank's answers", head]
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


def _evaluation_table(found: evaluation.Summary, top: bool) -> str:
    head = (
        f"{'text':32} {'lang':4} {'kind':12} {'KB':>5} {'cands':>5} {'top':>3} {'usable':>6} {'edit':>5} "
        f"{'reject':>6} {'unjdg':>5} {'facts':>5} {'asked':>5} {'@20':>5} {'well':>5} {'inprm':>5} {'secs':>5}"
    )
    lines = [
        "Evaluation set: unseen texts, key facts written before deriving, a teacher's verdicts on each top "
        f"{evaluation.TOP}",
        head,
    ]
    for group in (found.tuning, found.held_out):
        for t in group.texts:
            lines.append(
                f"{t.key:32} {t.language:4} {t.kind[:12]:12} {t.size / 1000:5.1f} {t.candidates:5d} {t.top:3d} "
                f"{t.usable_rate:6.2f} {t.edit_rate:5.2f} {t.reject_rate:6.2f} {t.unjudged:5d} {t.facts:5d} "
                f"{t.fact_recall:5.2f} {t.fact_recall_top:5.2f} {t.fact_recall_well:5.2f} {t.answer_in_prompt:5d} "
                f"{t.seconds:5.2f}"
            )
            if top and t.held_out:
                lines.append("    (a held-out text: its queue is not shown, so that nobody tunes on it)")
            elif top:
                for rank, (c, j) in enumerate(t.queue, 1):
                    verdict = f"{j.verdict}{': ' + j.reason if j.reason else ''}" if j else "UNJUDGED"
                    lines.append(f"    {rank:2d}. {evaluation.describe(c)[:110]}  <{verdict}>")
                lines.extend(f"    missed: {fact}" for fact in t.missed)
        lines.append(
            f"{group.name:32} {'':4} {'':12} {sum(t.size for t in group.texts) / 1000:5.1f} "
            f"{sum(t.candidates for t in group.texts):5d} {group.top:3d} {group.usable_rate:6.2f} "
            f"{group.edit_rate:5.2f} {group.reject_rate:6.2f} {group.unjudged:5d} "
            f"{sum(t.facts for t in group.texts):5d} {group.fact_recall:5.2f} {group.fact_recall_top:5.2f} "
            f"{group.fact_recall_well:5.2f} {group.answer_in_prompt:5d} {sum(t.seconds for t in group.texts):5.2f}"
        )
    lines.append("")
    lines.append(
        "usable/edit/reject: shares of the top 20 (an unjudged item counts as neither usable nor rejected: see "
        "--unjudged); asked: key facts asked anywhere in the queue, @20: in the top 20, well: by a top-20 item judged "
        "usable or edit; inprm: items whose answer is readable in their prompt; secs: prepare + derive."
    )
    slowest = max(found.tuning.seconds_per_30kb, found.held_out.seconds_per_30kb)
    lines.append(
        f"Time: the slowest text scaled to 30 KB: {slowest:.2f} s (target < 3 s). Aims on held-out texts: "
        + ", ".join(
            f"{k} {'≤' if k in ('reject_rate', 'answer_in_prompt') else '≥'} {v}" for k, v in EVALUATION_TARGETS.items()
        )
        + "."
    )
    unjudged = found.tuning.unjudged + found.held_out.unjudged
    if unjudged:
        lines.append(f"{unjudged} top-20 items are unjudged: `manage.py benchmark_deriver --unjudged` lists them.")
    return "\n".join(lines)
