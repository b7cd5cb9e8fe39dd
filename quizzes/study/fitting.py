"""Fitting a learner's FSRS-6 parameters from their review log, with the Rust optimizer (fsrs-rs-python).

Like Anki, the optimizer sees days, not hours: a review's ``delta_t`` is the number of whole *review
days* since the card's previous review, where a review day starts at ``rollover_hour`` in the
learner's time zone (Anki's "next day starts at", 4 am by default). The first review of a card and
same-day reviews (learning steps) have ``delta_t = 0``. Each card gives one training item per review
made on a later day than the previous one: its history up to and including that review, as in
fsrs-rs-python's ``examples/train_csv.py``.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fsrs import Scheduler
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview, TrainingConfig

from .revlog import Review

MIN_REVIEWS_TO_FIT = 400
SEED = 2023  # fsrs-rs shuffles its batches: a fixed seed makes the same log give the same parameters
DECIMALS = 6  # fsrs-rs returns f32 values, e.g. 0.800000011920929 for a parameter at its bound 0.8
OUT_OF_BOUNDS_TOLERANCE = 1e-4

# card_id -> [(review, delta_t in review days)], chronological; the first delta_t is 0.
Histories = dict[int, list[tuple[Review, int]]]


class NotEnoughReviews(Exception):
    """The log is too short to fit on; `usable` and `needed` count the reviews learnt from, when known,
    so that a page can say it in the reader's language."""

    def __init__(self, message: str, *, usable: int | None = None, needed: int | None = None) -> None:
        super().__init__(message)
        self.usable, self.needed = usable, needed


class FitFailed(Exception):
    pass


def review_day(when: datetime, tz: ZoneInfo, rollover_hour: int) -> int:
    """The review day of a moment: its local date, where a day starts at rollover_hour."""
    return (when.astimezone(tz) - timedelta(hours=rollover_hour)).date().toordinal()


def card_histories(reviews: Sequence[Review], *, tz: str = "UTC", rollover_hour: int = 4) -> Histories:
    zone = _zone(tz, rollover_hour)
    days: dict[int, int] = {}
    histories: Histories = {}
    for review in sorted(reviews, key=lambda r: (r.review_time, r.card_id)):
        day = review_day(review.review_time, zone, rollover_hour)
        delta_t = day - days.get(review.card_id, day)
        days[review.card_id] = day
        histories.setdefault(review.card_id, []).append((review, delta_t))
    return histories


def fsrs_items(histories: Histories) -> list[FSRSItem]:
    """One item per review made on a later day than the card's previous review (fsrs-rs training items)."""
    items = []
    for history in histories.values():
        reviews = [FSRSReview(review.rating, delta_t) for review, delta_t in history]
        items += [FSRSItem(reviews[: i + 1]) for i, (_, delta_t) in enumerate(history) if delta_t > 0]
    return items


def fsrs_items_needed(reviews: Sequence[Review], *, tz: str = "UTC", rollover_hour: int = 4) -> list[FSRSItem]:
    """The training items of a log, or NotEnoughReviews when there are fewer than MIN_REVIEWS_TO_FIT."""
    items = fsrs_items(card_histories(reviews, tz=tz, rollover_hour=rollover_hour))
    if len(items) < MIN_REVIEWS_TO_FIT:
        raise NotEnoughReviews(
            f"fitting needs at least {MIN_REVIEWS_TO_FIT} reviews made on a later day than the card's previous "
            f"review; there are {len(items)} (out of {len(reviews)} reviews)",
            usable=len(items),
            needed=MIN_REVIEWS_TO_FIT,
        )
    return items


def fit_parameters(reviews: Sequence[Review], *, tz: str = "UTC", rollover_hour: int = 4) -> list[float]:
    """Returns 21 FSRS-6 parameters fitted on the reviews, accepted by py-fsrs ``Scheduler(parameters=...)``.

    Only reviews made on a later day than the card's previous review are learnt from (same-day
    reviews still shape the card's state); at least MIN_REVIEWS_TO_FIT of them are needed.
    """
    items = fsrs_items_needed(reviews, tz=tz, rollover_hour=rollover_hour)
    config = TrainingConfig(seed=SEED)
    parameters = FSRS(DEFAULT_PARAMETERS).compute_parameters(items, training_config=config)
    return checked_parameters(parameters)


def checked_parameters(parameters: Sequence[float]) -> list[float]:
    """Rounds away f32 noise and clamps tiny overshoots into py-fsrs' bounds; refuses anything else."""
    if len(parameters) != len(LOWER_BOUNDS_PARAMETERS):
        raise FitFailed(f"the optimizer returned {len(parameters)} parameters instead of 21")
    result, problems = [], []
    bounds = zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    for i, (value, (low, high)) in enumerate(zip(parameters, bounds, strict=True)):
        if not low - OUT_OF_BOUNDS_TOLERANCE <= value <= high + OUT_OF_BOUNDS_TOLERANCE:  # also refuses NaN
            problems.append(f"w{i} = {value} is outside [{low}, {high}]")
        result.append(min(max(round(value, DECIMALS), low), high))
    if problems:
        raise FitFailed("the optimizer returned unusable parameters: " + "; ".join(problems))
    try:
        Scheduler(parameters=result)
    except ValueError as exc:
        raise FitFailed(f"py-fsrs refused the fitted parameters: {exc}") from None
    return result


def _zone(tz: str, rollover_hour: int) -> ZoneInfo:
    if not 0 <= rollover_hour <= 23:
        raise ValueError(f"rollover hour must be 0 to 23, not {rollover_hour}")
    try:
        return ZoneInfo(tz)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {tz!r}") from exc
