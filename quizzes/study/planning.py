"""Planning a learner's studies: the workload simulator, exam dates, the calibration of predicted recall.

Workload simulator (docs/planning.md has the method and its assumptions in full): each of the learner's
cards is simulated day by day with the FSRS-6 formulas of the `fsrs` package and the learner's own
parameters. A review's outcome is drawn with the predicted recall as its probability, from a generator
seeded from the inputs, so the same collection and the same settings always give the same figures; a
small collection is simulated several times and averaged, so that its curve is not one roll of dice.
A pass is rated Good, a lapse Again then Good on its relearning step the same day; a new card is rated
Good on both learning steps of its first day. There is no daily review limit and no fuzz.

Exam dates: a card's recall on the exam day if it were not reviewed again is R(exam − last review, S).
A card below the target gets a review early enough that, reviewed then, it stays above the target
until the exam, reckoned with its current stability (a successful review only raises it):

    lead = max(1 day, the whole days the card keeps R ≥ target from a review, with its stability S)
    due  = min(current due, max(start of today, exam day − lead))

The card's memory state is not touched; only its due date moves earlier, never later.
"""

import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.tasks import task
from django.utils import timezone as djtz
from django.utils.html import escape
from django.utils.safestring import mark_safe
from fsrs import Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from . import scheduling
from .charts import MONTH_LABELS
from .models import Card, ExamDate, ReviewLog, StudySettings, WorkloadSimulation

RETENTIONS = (0.80, 0.85, 0.90, 0.95)
HORIZONS = (30, 90)
# Simulated card-days (cards x runs x retentions x days) up to which the page computes inline: about
# half a second on the 2-core test machine (docs/planning.md); above, a background task does it and
# the page polls.
INLINE_LIMIT = 2_000_000
STALLED_AFTER = timedelta(minutes=5)  # a background simulation not done by then is computed by the page
SAMPLES = 4_000  # a small collection is simulated until about this many card-runs, then averaged
MAX_RUNS = 20


# --- the simulation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimCard:
    """A learnt card as the simulator sees it: days are counted from today (0), the past negative."""

    stability: float
    difficulty: float
    last_review: int
    due: int


@dataclass
class Collection:
    cards: list[SimCard]
    new: int  # cards never reviewed, introduced new_per_day a day in their order


@dataclass
class Result:
    retention: float
    days: int
    reviews: list[float] = field(default_factory=list)  # per day
    new: list[float] = field(default_factory=list)  # cards introduced per day
    lapses: list[float] = field(default_factory=list)
    remembered: list[float] = field(default_factory=list)  # expected cards recalled at the end of each day
    learnt: list[float] = field(default_factory=list)  # cards reviewed at least once, at the end of each day

    @property
    def total_reviews(self) -> float:
        return sum(self.reviews)

    @property
    def per_day(self) -> float:
        return self.total_reviews / self.days

    @property
    def share_remembered(self) -> float | None:
        """The share of the cards learnt by the last day that are recalled on it."""
        return self.remembered[-1] / self.learnt[-1] if self.learnt and self.learnt[-1] else None

    def as_dict(self) -> dict:
        return {
            "retention": self.retention,
            "days": self.days,
            "reviews": self.reviews,
            "new": self.new,
            "lapses": self.lapses,
            "remembered": self.remembered,
            "learnt": self.learnt,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Result":
        return cls(**data)


class Model:
    """The FSRS-6 formulas of `fsrs` (Scheduler's own methods) with a learner's parameters, bound once:
    a simulation calls them hundreds of thousands of times."""

    def __init__(self, parameters, desired_retention: float) -> None:
        self.scheduler = Scheduler(parameters=tuple(parameters), desired_retention=desired_retention)
        self.w = self.scheduler.parameters
        self.decay = -self.w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.retention = desired_retention

    def recall(self, elapsed: float, stability: float) -> float:
        return (1 + self.factor * max(elapsed, 0) / stability) ** self.decay

    def interval(self, stability: float) -> int:
        return self.scheduler._next_interval(stability=stability)

    def days_above(self, stability: float, target: float) -> int:
        """Whole days after a review during which recall stays at or above `target`."""
        return math.floor(stability / self.factor * (target ** (1 / self.decay) - 1))

    def first_day(self) -> tuple[float, float]:
        """A new card rated Good on both learning steps: its stability and difficulty at graduation."""
        s = self.scheduler
        stability = s._initial_stability(rating=Rating.Good)
        difficulty = s._initial_difficulty(rating=Rating.Good, clamp=True)
        stability = s._short_term_stability(stability=stability, rating=Rating.Good)
        difficulty = s._next_difficulty(difficulty=difficulty, rating=Rating.Good)
        return stability, difficulty

    def review(self, stability: float, difficulty: float, elapsed: int, passed: bool) -> tuple[float, float]:
        """A review after `elapsed` days: Good if passed, else Again then Good on the relearning step."""
        s = self.scheduler
        rating = Rating.Good if passed else Rating.Again
        if elapsed < 1:
            new_stability = s._short_term_stability(stability=stability, rating=rating)
        else:
            r = self.recall(elapsed, stability)
            new_stability = s._next_stability(
                difficulty=difficulty, stability=stability, retrievability=r, rating=rating
            )
        difficulty = s._next_difficulty(difficulty=difficulty, rating=rating)
        if not passed:
            new_stability = s._short_term_stability(stability=new_stability, rating=Rating.Good)
            difficulty = s._next_difficulty(difficulty=difficulty, rating=Rating.Good)
        return new_stability, difficulty


def runs_for(learnt: int, new: int, new_per_day: int, days: int) -> int:
    """How many times to simulate a collection: a small one several times, averaged."""
    simulated = learnt + min(new, new_per_day * days)
    return max(1, min(MAX_RUNS, math.ceil(SAMPLES / max(simulated, 1))))


def cost(learnt: int, new: int, new_per_day: int, days: int) -> int:
    """Card-days for the whole comparison (every retention): what decides inline or background."""
    simulated = learnt + min(new, new_per_day * days)
    return simulated * runs_for(learnt, new, new_per_day, days) * len(RETENTIONS) * days


def simulate(
    collection: Collection, *, parameters, desired_retention: float, new_per_day: int, days: int, seed: int = 0
) -> Result:
    """Expected reviews, lapses, new cards and cards remembered on each of the next `days` days."""
    model = Model(parameters, desired_retention)
    runs = runs_for(len(collection.cards), collection.new, new_per_day, days)
    reviews, new, lapses = [0.0] * days, [0.0] * days, [0.0] * days
    remembered, learnt = [0.0] * days, [0.0] * days
    rng = random.Random(seed)
    graduated = model.first_day()
    introduced = min(collection.new, new_per_day * days)
    for _run in range(runs):
        for card in collection.cards:
            _follow(
                model,
                rng,
                card.stability,
                card.difficulty,
                card.last_review,
                max(card.due, 0),
                days,
                reviews,
                lapses,
                remembered,
                learnt,
                0,
            )
        for i in range(introduced):
            day = i // new_per_day
            new[day] += 1
            reviews[day] += 2  # the two learning steps, rated Good
            stability, difficulty = graduated
            _follow(
                model,
                rng,
                stability,
                difficulty,
                day,
                day + model.interval(stability),
                days,
                reviews,
                lapses,
                remembered,
                learnt,
                day,
            )
    for d in range(1, days):  # learnt was counted as a difference array
        learnt[d] += learnt[d - 1]
    scale = 1 / runs
    return Result(
        retention=desired_retention,
        days=days,
        reviews=[round(v * scale, 2) for v in reviews],
        new=[round(v * scale, 2) for v in new],
        lapses=[round(v * scale, 2) for v in lapses],
        remembered=[round(v * scale, 2) for v in remembered],
        learnt=[round(v * scale, 2) for v in learnt],
    )


def _follow(model, rng, stability, difficulty, last, due, days, reviews, lapses, remembered, learnt, start) -> None:
    """One card from day `start` to the horizon: its reviews, and its recall at the end of each day.
    `learnt` is a difference array here (simulate sums it up): +1 on the day a card starts counting."""
    recall, factor, decay, interval, review = model.recall, model.factor, model.decay, model.interval, model.review
    learnt[start] += 1
    day = start
    while True:
        until = due if due < days else days
        a = factor / stability
        for d in range(day, until):  # the days until its next review: recall decays from the last one
            remembered[d] += (1 + a * (d - last)) ** decay
        if due >= days:
            return
        elapsed = due - last
        passed = rng.random() < recall(elapsed, stability)
        if passed:
            reviews[due] += 1
        else:  # a lapse is seen again on its relearning step
            reviews[due] += 2
            lapses[due] += 1
        stability, difficulty = review(stability, difficulty, elapsed, passed)
        last = day = due
        due += interval(stability)


def simulator_context(simulation: WorkloadSimulation, retention: float, settings: StudySettings) -> dict:
    """The simulator page's chart and tables, from a finished simulation."""
    results = [Result.from_dict(r) for r in simulation.result]
    chosen = min(results, key=lambda r: abs(r.retention - retention))
    today = scheduling.local_day(simulation.created_at, settings.timezone, settings.rollover_hour)
    days = [
        {
            "day": today + timedelta(days=i),
            "reviews": chosen.reviews[i],
            "new": chosen.new[i],
            "share": chosen.remembered[i] / chosen.learnt[i] if chosen.learnt[i] else None,
            "remembered": chosen.remembered[i],
        }
        for i in range(chosen.days)
    ]
    comparison = [
        {
            "retention": r.retention,
            "per_day": r.per_day,
            "total": r.total_reviews,
            "share": r.share_remembered,
            "remembered": r.remembered[-1],
            "chosen": r is chosen,
        }
        for r in results
    ]
    return {"chosen": chosen, "days": days, "comparison": comparison, "chart": _workload_svg(days)}


def _workload_svg(days: list[dict]) -> dict:
    """Reviews per day as bars (left axis) and the share of learnt cards remembered as a line (right axis,
    50-100%). Numbers only, written by Python (never localised): built as one string, as the progress
    charts are."""
    step = 20 if len(days) <= 30 else 8
    left, height, top = 30, 100, max(d["reviews"] for d in days) or 1
    parts = []
    for i, d in enumerate(days):
        h = round(height * d["reviews"] / top, 1)
        parts.append(
            f'<rect x="{left + i * step}" y="{round(10 + height - h, 1)}" width="{step - 3}" height="{h}" class="bar">'
            f"<title>{d['day'].isoformat()}: {round(d['reviews'])}</title></rect>"
        )
    points = [
        f"{left + i * step + (step - 3) / 2:.1f},{10 + height * (1 - (max(d['share'], 0.5) - 0.5) / 0.5):.1f}"
        for i, d in enumerate(days)
        if d["share"] is not None
    ]
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" class="line"></polyline>')
    every = 7 if len(days) <= 30 else 14
    for i, d in enumerate(days):
        if i % every == 0:
            label = escape(f"{d['day'].day} {MONTH_LABELS[d['day'].month - 1]}")
            parts.append(f'<text x="{left + i * step}" y="{height + 25}" class="axis">{label}</text>')
    for value in (0, round(top)):
        y = round(10 + height * (1 - value / top), 1)
        parts.append(f'<text x="{left - 4}" y="{y + 3}" class="axis" text-anchor="end">{value}</text>')
    width = left + len(days) * step
    for share in (50, 75, 100):
        y = round(10 + height * (1 - (share - 50) / 50), 1)
        parts.append(f'<text x="{width + 4}" y="{y + 3}" class="axis">{share}</text>')
    return {"svg": mark_safe("".join(parts)), "width": width + 28, "height": height + 30}


# --- the learner's collection ----------------------------------------------------------------------


def collection_of(user, settings: StudySettings, now: datetime) -> Collection:
    """The learner's active cards (not suspended, question still visible), in simulator days."""
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    tz = ZoneInfo(settings.timezone)
    rows = (
        Card.objects.visible_to(user)
        .filter(suspended=False)
        .order_by("created_at", "pk")
        .values_list("state", "stability", "difficulty", "last_review", "due")
    )
    cards, new = [], 0
    for state, stability, difficulty, last_review, due in rows.iterator(chunk_size=5000):
        if state == Card.State.NEW or stability is None or last_review is None:
            new += 1
            continue
        cards.append(
            SimCard(
                stability=stability,
                difficulty=difficulty,
                last_review=_day_index(last_review, today, tz, settings.rollover_hour),
                due=_day_index(due, today, tz, settings.rollover_hour),
            )
        )
    return Collection(cards, new)


def _day_index(moment: datetime, today: date, tz: ZoneInfo, rollover_hour: int) -> int:
    local = moment.astimezone(tz)
    day = local.date() if local.hour >= rollover_hour else local.date() - timedelta(days=1)
    return (day - today).days


def fingerprint(user) -> dict:
    """What changes when the collection does: any rating, bury, suspend or new card bumps it."""
    row = Card.objects.filter(user=user).aggregate(n=Count("id"), v=Sum("version"), last=Max("last_review"))
    return {"n": row["n"], "v": row["v"] or 0, "last": row["last"].isoformat() if row["last"] else None}


def simulation_key(user, settings: StudySettings, now: datetime, *, days: int, new_per_day: int) -> str:
    inputs = {
        "collection": fingerprint(user),
        "parameters": settings.parameters,
        "params_version": settings.params_version,
        "today": scheduling.local_day(now, settings.timezone, settings.rollover_hour).isoformat(),
        "tz": [settings.timezone, settings.rollover_hour],
        "days": days,
        "new_per_day": new_per_day,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def run_comparison(user, *, days: int, new_per_day: int, now: datetime | None = None) -> list[Result]:
    """The simulation for each desired retention of RETENTIONS, on the learner's collection today."""
    now = now or djtz.now()
    settings = StudySettings.for_user(user)
    collection = collection_of(user, settings, now)
    parameters = settings.parameters or DEFAULT_PARAMETERS
    return [
        simulate(collection, parameters=parameters, desired_retention=r, new_per_day=new_per_day, days=days, seed=i)
        for i, r in enumerate(RETENTIONS)
    ]


def compute(simulation: WorkloadSimulation) -> WorkloadSimulation:
    """Run a stored simulation request and keep its result (inline, or in the background task)."""
    try:
        results = run_comparison(simulation.user, days=simulation.days, new_per_day=simulation.new_per_day)
    except Exception as exc:  # kept on the row, so the page says it failed instead of waiting forever
        simulation.error = f"{type(exc).__name__}: {exc}"
    else:
        simulation.result = [r.as_dict() for r in results]
    simulation.finished_at = djtz.now()
    simulation.save(update_fields=["result", "error", "finished_at"])
    return simulation


@task
def simulate_workload(simulation_id: int) -> None:
    """The simulator in the background (a large collection): the page polls the row until it is done."""
    simulation = WorkloadSimulation.objects.select_related("user").filter(pk=simulation_id).first()
    if simulation is not None and simulation.finished_at is None:
        compute(simulation)


def request_simulation(user, *, days: int, new_per_day: int, now: datetime | None = None) -> WorkloadSimulation:
    """The simulation of these inputs on the collection as it is now: an earlier result if nothing changed,
    else computed inline when small, or handed to the background task when not."""
    now = now or djtz.now()
    settings = StudySettings.for_user(user)
    key = simulation_key(user, settings, now, days=days, new_per_day=new_per_day)
    with transaction.atomic():
        simulation, created = WorkloadSimulation.objects.get_or_create(
            user=user, key=key, defaults={"days": days, "new_per_day": new_per_day}
        )
        if created:  # a learner needs only their latest simulations
            WorkloadSimulation.objects.filter(user=user, created_at__lt=now - timedelta(days=1)).delete()
    if not created and (simulation.finished_at or simulation.created_at > now - STALLED_AFTER):
        return simulation
    if not created:  # queued long ago and never run (no worker?): run it here rather than wait forever
        return compute(simulation)
    new = Q(state=Card.State.NEW)
    size = (
        Card.objects.visible_to(user)
        .filter(suspended=False)
        .aggregate(learnt=Count("id", filter=~new), new=Count("id", filter=new))
    )
    if cost(size["learnt"], size["new"], new_per_day, days) <= INLINE_LIMIT:
        return compute(simulation)
    simulate_workload.enqueue(simulation.pk)
    simulation.refresh_from_db()  # a backend that runs tasks at once (ImmediateBackend) has finished it
    return simulation


# --- exam dates -------------------------------------------------------------------------------------

BELOW_TARGET_SHOWN = 20


@dataclass
class CardOnExam:
    card: Card
    recall: float  # predicted on the exam day, with no review before it
    review_on: date | None  # the rule's latest review day before the exam, if below target


@dataclass
class ExamForecast:
    exam: ExamDate
    total: int
    new: int  # never reviewed: recall 0 until they are learnt
    mean_recall: float | None  # over all the exam's cards, the new ones counting 0
    below: list[CardOnExam]  # learnt cards below the target, lowest first
    below_count: int
    to_move: int  # of those, the ones the rule would review earlier than they are due


def exam_start(exam_day: date, settings: StudySettings) -> datetime:
    """The exam day begins when the learner's day does (their rollover hour)."""
    return scheduling._at(exam_day, settings.rollover_hour, ZoneInfo(settings.timezone))


def review_day_for(card: Card, model: Model, exam: ExamDate, today: date) -> date:
    """The rule (module docstring): the latest day a review keeps the card at the target until the exam."""
    lead = max(1, model.days_above(card.stability, exam.target))
    return max(today, exam.on - timedelta(days=lead))


def forecast(exam: ExamDate, settings: StudySettings, now: datetime) -> ExamForecast:
    model = Model(settings.parameters or DEFAULT_PARAMETERS, settings.desired_retention)
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    start = exam_start(exam.on, settings)
    cards = exam.cards().only("pk", "state", "stability", "last_review", "due", "question_id")
    rows, new, total = [], 0, 0
    recall_sum = 0.0
    for card in cards.iterator(chunk_size=2000):
        total += 1
        if card.state == Card.State.NEW or card.stability is None or card.last_review is None:
            new += 1
            continue
        recall = model.recall((start - card.last_review).days, card.stability)
        recall_sum += recall
        if recall < exam.target:
            rows.append(CardOnExam(card, recall, None))
    rows.sort(key=lambda r: r.recall)
    to_move = 0
    for row in rows:
        row.review_on = review_day_for(row.card, model, exam, today)
        if exam_start(row.review_on, settings) < row.card.due:
            to_move += 1
    shown = rows[:BELOW_TARGET_SHOWN]
    questions = {
        q.pk: q
        for q in scheduling.Question.objects.filter(pk__in=[r.card.question_id for r in shown]).only(
            "pk", "kind", "prompt", "language"
        )
    }
    for row in shown:
        row.card.question = questions[row.card.question_id]
    return ExamForecast(
        exam=exam,
        total=total,
        new=new,
        mean_recall=recall_sum / total if total else None,
        below=shown,
        below_count=len(rows),
        to_move=to_move,
    )


def schedule_for_exam(exam: ExamDate, settings: StudySettings, now: datetime) -> int:
    """Move the due date of each card below the target to the rule's day, when that is earlier than
        its due date (module docstring); returns how many moved, each with a RESCHEDULED line in its history
    (scheduling.log_manual: no review). Run twice, it moves nothing more."""
    model = Model(settings.parameters or DEFAULT_PARAMETERS, settings.desired_retention)
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    start = exam_start(exam.on, settings)
    moved = 0
    with transaction.atomic():
        cards = exam.cards().exclude(state=Card.State.NEW).filter(stability__isnull=False, last_review__isnull=False)
        fields = ("pk", "user_id", "state", "stability", "difficulty", "last_review", "due", "version")
        for card in cards.select_for_update().only(*fields):
            if model.recall((start - card.last_review).days, card.stability) >= exam.target:
                continue
            due = exam_start(review_day_for(card, model, exam, today), settings)
            if due < card.due:
                # The version changes, so a tab showing this card's old buttons is refused (scheduling.rate).
                if Card.objects.filter(pk=card.pk, version=card.version).update(due=due, version=card.version + 1):
                    scheduling.log_manual([card], ReviewLog.Kind.RESCHEDULED, now, due=due)
                    moved += 1
    return moved


# --- calibration ------------------------------------------------------------------------------------

CALIBRATION_WINDOW = 5_000
BINS = 10
FLOOR_BIN = {
    "sqlite": "CAST(l.retrievability * 10 AS INTEGER)",  # a cast truncates in SQLite
    "postgresql": "FLOOR(l.retrievability * 10)::integer",  # and rounds in PostgreSQL
}
# The learner's latest reviews made a day or more after the previous one (same-day reviews are
# learning steps, which FSRS does not predict: the benchmark leaves them out too), with the recall
# the scheduler predicted at that moment (ReviewLog.retrievability). The window is read through the
# partial index reviewlog_calibration (the literal 'normal' lets SQLite see that it applies) and capped, so
# the cost stays flat however long the history.
CALIBRATION_SQL = """
SELECT CASE WHEN w.bin >= 10 THEN 9 ELSE w.bin END AS b, COUNT(*), AVG(w.r), AVG(w.passed)
FROM (
  SELECT {bin} AS bin, l.retrievability AS r, CASE WHEN l.rating > 1 THEN 1.0 ELSE 0.0 END AS passed
  FROM quizzes_reviewlog l
  WHERE l.user_id = %s AND l.retrievability IS NOT NULL AND l.elapsed_days > 0 AND l.kind = 'normal'
  ORDER BY l.reviewed_at DESC LIMIT %s
) w
GROUP BY 1 ORDER BY 1
"""


@dataclass
class Bin:
    low: float
    high: float
    count: int = 0
    predicted: float | None = None
    actual: float | None = None


def calibration(user_id: int, window: int = CALIBRATION_WINDOW) -> dict:
    """Predicted recall against the share actually recalled, in 10 bins of predicted recall."""
    sql = CALIBRATION_SQL.replace("{bin}", FLOOR_BIN.get(connection.vendor, FLOOR_BIN["sqlite"]))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, window])
        rows = cursor.fetchall()
    bins = [Bin(low=i / BINS, high=(i + 1) / BINS) for i in range(BINS)]
    for b, count, predicted, actual in rows:
        bins[int(b)].count, bins[int(b)].predicted, bins[int(b)].actual = count, float(predicted), float(actual)
    total = sum(b.count for b in bins)
    return {"bins": bins, "total": total, "window": window, "svg": _calibration_svg(bins) if total else ""}


def _calibration_svg(bins: list[Bin]) -> str:
    """A reliability chart: each bin's share recalled (a dot, sized by its count) against its mean
    predicted recall; on the diagonal, predictions are right. Numbers only, so it is built as a string."""
    size, pad, left = 200, 20, 30  # the left margin holds the "100" of the recall axis
    top = max(b.count for b in bins) or 1

    def x(v):
        return round(left + v * size, 1)

    def y(v):
        return round(pad + (1 - v) * size, 1)

    parts = [
        f'<rect x="{left}" y="{pad}" width="{size}" height="{size}" class="frame"></rect>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" class="diagonal"></line>',
    ]
    for v in (0, 0.5, 1):
        parts.append(f'<text x="{x(v)}" y="{y(0) + 14}" class="axis" text-anchor="middle">{round(v * 100)}</text>')
        parts.append(f'<text x="{left - 4}" y="{y(v) + 3}" class="axis" text-anchor="end">{round(v * 100)}</text>')
    for b in bins:
        if b.count:
            radius = round(2.5 + 5 * math.sqrt(b.count / top), 1)
            parts.append(
                f'<circle cx="{x(b.predicted)}" cy="{y(b.actual)}" r="{radius}" class="dot">'
                f"<title>{round(b.predicted * 100)} → {round(b.actual * 100)} ({b.count})</title></circle>"
            )
    return mark_safe("".join(parts))
