"""How well schedulers predict a learner's recall, judged as srs-benchmark does (docs: SCHEDULING.md §2).

The log is split chronologically: FSRS parameters are fitted on the reviews before the split time,
and every model predicts each later review from the card's whole earlier history. Like the
benchmark, only reviews made on a later *review day* than the card's previous review are scored
(not a card's first review, not same-day learning steps). The outcome is 0 for Again, 1 otherwise.

* FSRS-6: memory states come from fsrs-rs-python's ``historical_memory_states`` on the same
  day-numbered histories the optimizer is fitted on (``fitting.card_histories``), and the recall
  probability is py-fsrs' ``get_card_retrievability`` formula R = (1 + F·t/S)^(−w20) with t the
  whole review days since the previous review. This equals replaying the card with py-fsrs
  ``Scheduler(parameters, enable_fuzzing=False)`` when reviews are whole days apart (a test checks
  it); py-fsrs itself counts 24-hour periods instead of review days.
* Anki SM-2: a port of Anki's ``rslib/src/scheduler/states`` with the default deck options and no
  fuzz, in f32 arithmetic with the ease stored in permille as Anki does. It predicts
  R = 0.9^(t / ivl), as srs-benchmark does, ivl being the interval it scheduled (1 day while the
  card is still in its first learning steps).
* Metrics: log loss, RMSE(bins) on (delta_t, review number, lapses) bins as fsrs-rs ``rmse_bins``,
  and rank-based AUC.
"""

import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fsrs.scheduler import DEFAULT_PARAMETERS
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

from .fitting import Histories, NotEnoughReviews, card_histories, fit_parameters
from .revlog import Review

FSRS_DEFAULT = "FSRS-6 (default parameters)"
FSRS_FITTED = "FSRS-6 (fitted on the earlier part)"
ANKI_SM2 = "Anki SM-2"

# Anki's default deck options (SCHEDULING.md §4.1).
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
GRADUATING_DAYS = 1
EASY_DAYS = 4
STARTING_EASE = 2.5
EASE_CHANGE = {1: -0.2, 2: -0.15, 3: 0.0, 4: 0.15}
MINIMUM_EASE = 1.3
EASY_BONUS = 1.3
HARD_FACTOR = 1.2
LAPSE_FACTOR = 0.0
MINIMUM_LAPSE_DAYS = 1
MAXIMUM_DAYS = 36500

PROBABILITY_FLOOR = 1e-4  # predictions are clipped to [1e-4, 1 - 1e-4] for log loss, as fsrs-rs clamps R


@dataclass(frozen=True)
class ModelResult:
    name: str
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when the scored reviews are all passes or all failures
    count: int  # reviews scored


@dataclass(frozen=True)
class SM2Card:
    """An Anki SM-2 card after an answer: what Anki keeps in its cards table."""

    phase: str = "learning"  # "learning", "review" or "relearning"
    step: int = 0  # index of the current (re)learning step
    ivl: int = 0  # scheduled interval in days; while relearning, the one given after the lapse
    ease: float = STARTING_EASE  # ease factor, rounded to 1/1000 as stored by Anki
    lapses: int = 0
    due_in: timedelta = timedelta(0)  # until the next review: a learning step or ivl days


# --- Anki SM-2 ------------------------------------------------------------------------------------


def sm2_review(card: SM2Card | None, rating: int, elapsed_days: int = 0) -> SM2Card:
    """Answers a card (None: a new card) ``elapsed_days`` review days after its previous answer."""
    card = card or SM2Card()
    if card.phase == "learning":
        return _answer_learning(card, rating)
    if card.phase == "relearning":
        return _answer_relearning(card, rating)
    return _answer_review(card, rating, elapsed_days)


def sm2_recall(card: SM2Card, elapsed_days: int) -> float:
    """srs-benchmark's SM-2 forgetting curve: R = 0.9^(t / ivl)."""
    return 0.9 ** (elapsed_days / (card.ivl or GRADUATING_DAYS))


def _answer_learning(card: SM2Card, rating: int) -> SM2Card:
    if rating == 1:
        return replace(card, step=0, due_in=LEARNING_STEPS[0])
    if rating == 2:
        return replace(card, due_in=_hard_delay(LEARNING_STEPS, card.step))
    if rating == 3 and card.step + 1 < len(LEARNING_STEPS):
        return replace(card, step=card.step + 1, due_in=LEARNING_STEPS[card.step + 1])
    days = min(EASY_DAYS if rating == 4 else GRADUATING_DAYS, MAXIMUM_DAYS)
    return SM2Card("review", ivl=days, ease=STARTING_EASE, lapses=card.lapses, due_in=timedelta(days=days))


def _answer_relearning(card: SM2Card, rating: int) -> SM2Card:
    if rating == 1:
        return replace(card, step=0, ivl=_lapse_interval(card.ivl), due_in=RELEARNING_STEPS[0])
    if rating == 2:
        return replace(card, due_in=_hard_delay(RELEARNING_STEPS, card.step))
    if rating == 3 and card.step + 1 < len(RELEARNING_STEPS):
        return replace(card, step=card.step + 1, due_in=RELEARNING_STEPS[card.step + 1])
    days = card.ivl + 1 if rating == 4 else card.ivl
    return replace(card, phase="review", step=0, ivl=days, due_in=timedelta(days=days))


def _answer_review(card: SM2Card, rating: int, elapsed_days: int) -> SM2Card:
    ease = _next_ease(card.ease, rating)
    if rating == 1:
        days = _lapse_interval(card.ivl)
        return SM2Card("relearning", 0, days, ease, card.lapses + 1, RELEARNING_STEPS[0])
    hard, good, easy = _passing_intervals(card.ivl, card.ease, elapsed_days - card.ivl)
    days = {2: hard, 3: good, 4: easy}[rating]
    return replace(card, ivl=days, ease=ease, due_in=timedelta(days=days))


def _hard_delay(steps: tuple[timedelta, ...], step: int) -> timedelta:
    """Hard repeats the step; on the first one it waits the mean of the first two (or 1.5×, at most +1 day)."""
    if step > 0:
        return steps[step]
    first = int(steps[0].total_seconds())
    if len(steps) > 1:
        secs = (first + int(steps[1].total_seconds())) // 2
    else:
        secs = min(first * 3 // 2, first + 86400)
    if secs > 86400:
        secs = _round(secs / 86400) * 86400
    return timedelta(seconds=secs)


def _lapse_interval(ivl: int) -> int:
    return max(int(_f32(ivl * _f32(LAPSE_FACTOR))), MINIMUM_LAPSE_DAYS, 1)


def _next_ease(ease: float, rating: int) -> float:
    value = _f32(_f32(ease) + _f32(EASE_CHANGE[rating]))
    if rating in (1, 2):
        value = max(value, _f32(MINIMUM_EASE))
    return _round(_f32(value * 1000)) / 1000


def _passing_intervals(ivl: int, ease: float, days_late: int) -> tuple[int, int, int]:
    """Anki's review.rs: (hard, good, easy) for an on-time/late review, or an early one (days_late < 0)."""
    ease32, hard_factor, easy_bonus = _f32(ease), _f32(HARD_FACTOR), _f32(EASY_BONUS)
    if days_late < 0:
        elapsed = float(ivl + days_late)
        hard = _constrain(max(_f32(elapsed * hard_factor), _f32(ivl * _f32(hard_factor / 2))), 0)
        good_base = max(_f32(elapsed * ease32), float(ivl))
        good = _constrain(good_base, 0)
        easy = _constrain(_f32(good_base * _f32(easy_bonus - _f32(_f32(easy_bonus - 1) / 2))), 0)
        return hard, good, easy
    hard = _constrain(_f32(ivl * hard_factor), ivl + 1)
    good = _constrain(_f32(_f32(ivl + days_late / 2) * ease32), hard + 1)
    easy = _constrain(_f32(_f32(_f32(ivl + days_late) * ease32) * easy_bonus), good + 1)
    return hard, good, easy


def _constrain(days: float, minimum: int) -> int:
    return min(max(_round(days), minimum, 1), MAXIMUM_DAYS)


def _f32(x: float) -> float:
    """Rounds to the nearest 32-bit float: Anki computes intervals and eases in f32."""
    return struct.unpack("f", struct.pack("f", x))[0]


def _round(x: float) -> int:
    """Rust's round(): halves go away from zero."""
    return math.floor(x + 0.5)


# --- FSRS ---------------------------------------------------------------------------------------


def fsrs_recall(parameters: Sequence[float], elapsed_days: float, stability: float) -> float:
    """py-fsrs' get_card_retrievability: R = (1 + F·t/S)^(−w20), F = 0.9^(−1/w20) − 1."""
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * elapsed_days / stability) ** -decay


def fsrs_predictor(parameters: Sequence[float]) -> Callable[[list[tuple[Review, int]]], list[float]]:
    """A function giving, for a card's day-numbered history, R before each review (NaN for the first)."""
    model = FSRS(list(parameters))

    def predict(history: list[tuple[Review, int]]) -> list[float]:
        item = FSRSItem([FSRSReview(review.rating, delta_t) for review, delta_t in history])
        after = model.historical_memory_states(item)  # the memory state after each review
        predictions = [math.nan]
        for (_, delta_t), state in zip(history[1:], after[:-1], strict=True):
            predictions.append(fsrs_recall(parameters, delta_t, state.stability))
        return predictions

    return predict


def sm2_predictions(history: list[tuple[Review, int]]) -> list[float]:
    """R before each review of a card's day-numbered history (NaN for the first), replaying Anki SM-2."""
    predictions, card = [], None
    for review, delta_t in history:
        predictions.append(math.nan if card is None else sm2_recall(card, delta_t))
        card = sm2_review(card, review.rating, delta_t)
    return predictions


# --- Metrics ------------------------------------------------------------------------------------


def log_loss(p: Sequence[float], y: Sequence[int]) -> float:
    total = 0.0
    for prob, outcome in zip(p, y, strict=True):
        prob = min(max(prob, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR)
        total -= math.log(prob if outcome else 1 - prob)
    return total / len(p)


def bin_key(delta_t: int, n: int, lapses: int) -> tuple[float, int, int]:
    """fsrs-rs r_matrix_index: bins on the interval, the review number and the lapses before the review."""
    delta_t_bin = round(2.48 * 3.62 ** math.floor(math.log(delta_t) / math.log(3.62)), 2)
    n_bin = round(1.99 * 1.89 ** math.floor(math.log(n) / math.log(1.89)))
    lapse_bin = round(1.65 * 1.73 ** math.floor(math.log(lapses) / math.log(1.73))) if lapses else 0
    return delta_t_bin, n_bin, lapse_bin


def rmse_bins(p: Sequence[float], y: Sequence[int], keys: Sequence[tuple]) -> float:
    """sqrt(Σ_b n_b·(mean p_b − mean y_b)² / Σ_b n_b) over the bins b of ``keys``."""
    bins: dict[tuple, list[float]] = {}
    for prob, outcome, key in zip(p, y, keys, strict=True):
        sums = bins.setdefault(key, [0.0, 0.0, 0])
        sums[0] += prob
        sums[1] += outcome
        sums[2] += 1
    squares = sum(n * (p_sum / n - y_sum / n) ** 2 for p_sum, y_sum, n in bins.values())
    return math.sqrt(squares / len(p))


def auc(p: Sequence[float], y: Sequence[int]) -> float | None:
    """ROC AUC from ranks (Mann-Whitney U); tied predictions share their mean rank."""
    positives = sum(y)
    negatives = len(y) - positives
    if not positives or not negatives:
        return None
    order = sorted(range(len(p)), key=lambda i: p[i])
    rank_sum, start = 0.0, 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and p[order[end + 1]] == p[order[start]]:
            end += 1
        mean_rank = (start + end) / 2 + 1
        rank_sum += mean_rank * sum(y[i] for i in order[start : end + 1])
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


# --- Evaluation ---------------------------------------------------------------------------------


def split_time(reviews: Sequence[Review], train_fraction: float) -> datetime:
    """The first review time of the later part: about ``train_fraction`` of the reviews come before it."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"the train fraction must be between 0 and 1, not {train_fraction}")
    if len(reviews) < 2:
        raise NotEnoughReviews(f"a chronological split needs at least 2 reviews; there are {len(reviews)}")
    times = sorted(r.review_time for r in reviews)
    return times[min(max(int(len(times) * train_fraction), 1), len(times) - 1)]


def evaluate(
    reviews: Sequence[Review], train_fraction: float = 0.5, *, tz: str = "UTC", rollover_hour: int = 4
) -> list[ModelResult]:
    """Fits FSRS on the reviews before the split, then scores the three models on the reviews after it."""
    split = split_time(reviews, train_fraction)
    fitted = fit_parameters([r for r in reviews if r.review_time < split], tz=tz, rollover_hour=rollover_hour)
    histories = card_histories(reviews, tz=tz, rollover_hour=rollover_hour)
    targets = _targets(histories, split)
    if not targets:
        raise NotEnoughReviews("no review after the split was made on a later day than the card's previous review")
    models = [
        (FSRS_DEFAULT, fsrs_predictor(DEFAULT_PARAMETERS)),
        (FSRS_FITTED, fsrs_predictor(fitted)),
        (ANKI_SM2, sm2_predictions),
    ]
    return [_score(name, predict, histories, targets) for name, predict in models]


@dataclass(frozen=True)
class _Target:
    index: int  # position in the card's history
    y: int
    key: tuple[float, int, int]


def _targets(histories: Histories, split: datetime) -> dict[int, list[_Target]]:
    """Per card, the reviews to score: after the split, on a later day than the card's previous review."""
    targets = {}
    for card_id, history in histories.items():
        card_targets, long_term, lapses = [], 0, 0
        for index, (review, delta_t) in enumerate(history):
            if delta_t > 0:
                long_term += 1
                if review.review_time >= split:
                    y = int(review.rating > 1)
                    card_targets.append(_Target(index, y, bin_key(delta_t, long_term + 1, lapses)))
                lapses += review.rating == 1
        if card_targets:
            targets[card_id] = card_targets
    return targets


def _score(name: str, predict: Callable, histories: Histories, targets: dict[int, list[_Target]]) -> ModelResult:
    p, y, keys = [], [], []
    for card_id, card_targets in targets.items():
        predictions = predict(histories[card_id])
        for target in card_targets:
            p.append(predictions[target.index])
            y.append(target.y)
            keys.append(target.key)
    return ModelResult(name, log_loss(p, y), rmse_bins(p, y, keys), auc(p, y), len(p))
