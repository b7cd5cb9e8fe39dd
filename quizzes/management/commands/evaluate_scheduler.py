from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank.formats import APKG_MAX_BYTES
from quizzes.study.evaluation import ModelResult, evaluate, split_time
from quizzes.study.fitting import FitFailed, NotEnoughReviews
from quizzes.study.revlog import MAX_BYTES, RevlogInvalid, read_revlog


class Command(BaseCommand):
    help = (
        "Compare FSRS-6 (default and fitted parameters) with Anki SM-2 on a review log in the FSRS optimizer's "
        "CSV format (card_id, review_time, review_rating[, review_duration, review_state]; times in epoch ms or "
        "ISO 8601 with an offset) or an Anki package's revlog (.apkg, .colpkg), split chronologically."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--revlog", type=Path, required=True, metavar="FILE.csv|FILE.apkg")
        parser.add_argument("--train-fraction", type=float, default=0.5, help="share of reviews to fit on (0.5)")
        parser.add_argument("--timezone", default="UTC", help="the learner's time zone, e.g. Europe/Paris (UTC)")
        parser.add_argument("--rollover-hour", type=int, default=4, help="hour a new review day starts (4)")

    def handle(self, *args, revlog: Path, train_fraction: float, timezone: str, rollover_hour: int, **options):
        if not revlog.is_file():
            raise CommandError(f"no such file: {revlog}")
        with revlog.open("rb") as f:
            data = f.read(max(MAX_BYTES, APKG_MAX_BYTES) + 1)
        try:
            reviews = read_revlog(data, str(revlog))
            split = split_time(reviews, train_fraction)
            results = evaluate(reviews, train_fraction, tz=timezone, rollover_hour=rollover_hour)
        except RevlogInvalid as exc:
            raise CommandError(f"{revlog} was refused:\n" + "\n".join(exc.errors)) from None
        except (NotEnoughReviews, FitFailed, ValueError) as exc:
            raise CommandError(f"{revlog}: {exc}") from None

        before = sum(r.review_time < split for r in reviews)
        cards = len({r.card_id for r in reviews})
        self.stdout.write(
            f"{revlog}: {len(reviews):,} reviews of {cards:,} cards, split at {split:%Y-%m-%d %H:%M} UTC."
        )
        self.stdout.write(
            f"FSRS parameters were fitted on the {before:,} reviews before the split; every model is scored on the "
            f"{len(reviews) - before:,} reviews from then on,\nexcept a card's first review and reviews on the same "
            f"day as the card's previous one (days start at {rollover_hour:02d}:00, {timezone})."
        )
        self.stdout.write("")
        self.stdout.write(_table(results))
        self.stdout.write("")
        self.stdout.write("Lower log loss and RMSE(bins) are better; higher AUC is better.")


def _table(results: list[ModelResult]) -> str:
    width = max(len(r.name) for r in results)
    lines = [f"{'Model':<{width}}  {'Reviews':>8}  {'Log loss':>8}  {'RMSE(bins)':>10}  {'AUC':>6}"]
    for r in results:
        auc = "n/a" if r.auc is None else f"{r.auc:.4f}"
        lines.append(f"{r.name:<{width}}  {r.count:>8,}  {r.log_loss:>8.4f}  {r.rmse_bins:>10.4f}  {auc:>6}")
    return "\n".join(lines)
