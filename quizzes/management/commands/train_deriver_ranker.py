import json
import math
import statistics
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.deriving import benchmark, evaluation
from quizzes.deriving.engine import learned, load_models
from quizzes.deriving.evaluation import training


class Command(BaseCommand):
    help = (
        "Learn the deriver's ranker (quizzes/deriving/engine/learned.py) from the judged items of the evaluation set's "
        "TUNING texts only (held-out texts are never read), and write its weights. --cv prints leave-one-text-out "
        "cross-validation against the rules' ranking; --check fails when the committed weights differ from a new fit."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bank", type=Path, default=Path(settings.BASE_DIR) / "bank", help="bank folder (bank/)")
        parser.add_argument("--output", type=Path, default=learned.WEIGHTS, help="weights file to write")
        parser.add_argument("--l2", type=float, default=training.L2, help="L2 penalty on standardised weights")
        parser.add_argument(
            "--cv", action="store_true", help="print leave-one-text-out cross-validation, write nothing"
        )
        parser.add_argument("--check", action="store_true", help="compare a new fit with the committed weights")
        parser.add_argument(
            "--enable",
            action="store_true",
            help="let the deriver rank by the learned score (off unless cross-validation shows it beats the rules)",
        )

    def handle(self, *args, bank: Path, output: Path, l2: float, cv: bool, check: bool, enable: bool, **options):
        load_models()
        existing = benchmark.bank_questions(bank) if (bank / "library.yaml").is_file() else []
        items = training.tuning_items(evaluation.HERE, existing=existing)
        if cv:
            self.stdout.write(_cv_table(training.cross_validate(items, l2), l2))
            return
        weights = training.fit(items, l2)
        if check:
            committed = json.loads(output.read_text(encoding="utf-8")) if output.is_file() else {}
            differ = _differences(committed, weights)
            if differ:
                raise CommandError(
                    f"{output} is not what the tuning judgments give ({'; '.join(differ[:5])}): "
                    "run manage.py train_deriver_ranker"
                )
            self.stdout.write(f"{output} matches a new fit on {weights['items']} judged tuning items.")
            return
        weights["enabled"] = enable
        output.write_text(json.dumps(weights, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        learned.model.cache_clear()
        self.stdout.write(
            f"Wrote {output}: {weights['items']} judged items of {len(weights['texts'])} tuning texts "
            f"({weights['verdicts']}), learned score {'on' if enable else 'off'}."
        )


def _differences(committed: dict, fitted: dict) -> list[str]:
    if committed.get("features") != fitted["features"]:
        return ["the features differ"]
    out = [f"{k}: {committed.get(k)} != {fitted[k]}" for k in ("items", "texts", "l2") if committed.get(k) != fitted[k]]
    if abs(committed.get("bias", math.inf) - fitted["bias"]) > 1e-4:
        out.append(f"bias {committed.get('bias')} != {fitted['bias']}")
    for part in ("weights", "mean", "scale"):
        for name, value in fitted[part].items():
            if abs(committed.get(part, {}).get(name, math.inf) - value) > 1e-4:
                out.append(f"{part} {name}: {committed.get(part, {}).get(name)} != {value}")
    return out


def _cv_table(folds: list[training.Fold], l2: float) -> str:
    lines = [
        f"Leave-one-text-out cross-validation on the tuning texts (L2 {l2}): each text scored by a model learned on "
        "the other five.",
        f"{'text':32} {'judged':>6} {'AUC rules':>9} {'learned':>7}   top {training.JUDGED_TOP} judged: "
        "usable rules/learned, rejected rules/learned   top 20 of the whole queue (usable/edit/reject/unjudged): "
        "rules -> learned",
    ]
    for f in folds:
        lines.append(
            f"{f.text:32} {f.judged:6d} {f.auc_rules:9.2f} {f.auc_learned:7.2f}   "
            f"{f.usable_rules:2d}/{f.usable_learned:<2d} of {f.top_judged:2d}, "
            f"{f.reject_rules:2d}/{f.reject_learned:<2d}   "
            f"{'/'.join(map(str, f.queue_rules))} -> {'/'.join(map(str, f.queue_learned))}"
        )

    def total(name: str, k: int | None = None) -> int:
        return sum(getattr(f, name)[k] if k is not None else getattr(f, name) for f in folds)

    lines.append(
        f"{'all':32} {total('judged'):6d} {statistics.mean(f.auc_rules for f in folds):9.2f} "
        f"{statistics.mean(f.auc_learned for f in folds):7.2f}   "
        f"{total('usable_rules'):2d}/{total('usable_learned'):<2d} of {total('top_judged')}, "
        f"{total('reject_rules'):2d}/{total('reject_learned'):<2d}   "
        f"{'/'.join(str(total('queue_rules', k)) for k in range(4))} -> "
        f"{'/'.join(str(total('queue_learned', k)) for k in range(4))}"
    )
    lines.append(
        "AUC: how often a usable item scores above a rejected one, among the text's judged items (the rules' order "
        "is in-sample: they were tuned on these texts). An unjudged item in a top 20 is neither usable nor rejected."
    )
    return "\n".join(lines)
