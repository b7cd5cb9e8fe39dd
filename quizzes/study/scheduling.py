"""Spaced repetition with FSRS (the `fsrs` package): previews, reviews applied once, undo, the daily queue.

Fuzz is done here, not by `fsrs` (which draws from the global random generator): it is seeded per
card and review count as in Anki, so the interval shown on a button is exactly what that button
then does. Days roll over at the learner's chosen hour in their time zone.
"""

import random
import secrets
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import formats
from django.utils import timezone as djtz
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler
from fsrs import State as FsrsState
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

from ..bank.models import Question, QuestionRule, visible_question, withheld_ids, withheld_questions
from . import reading
from .models import Card, Deck, ExamDate, ReviewDay, ReviewLog, Study, StudySettings

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL = 36500
LEARN_AHEAD = timedelta(minutes=20)
SOURCE_TEXT_FIELDS = (
    "question__passage__source__text",
    "question__passage__source__licence",
    "question__passage__source__paragraph_languages",
)
LEECH_LAPSES = 8
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
RATING_LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class ReviewError(Exception):
    """A refused rating, with a message for the learner."""


class StaleCard(ReviewError):
    pass


class Held(ReviewError):
    """The card's question is held by an assignment (Question.objects.withheld_from): never shown, so never rated."""


class TokenReused(ReviewError):
    """The token already rated another card: a client bug, refused rather than applied or hidden."""


# --- review tokens ------------------------------------------------------------------------------

TOKEN_SALT = "learnapp.review-token"


def review_token(card: Card) -> uuid.UUID:
    """A fresh token for rating `card` as it is shown now (the idempotency key of that rating).

    It carries the card's version, signed: a client that posts the token without `version` (a
    script reading the page) is held to the card it was shown, exactly like the form, which sends
    both. Layout: 6 random bytes, the version (4 bytes), 6 bytes of HMAC over card, version, nonce.
    """
    nonce = secrets.token_bytes(6)
    version = card.version.to_bytes(4, "big")
    return uuid.UUID(bytes=nonce + version + _token_mac(card.pk, version, nonce))


def version_shown_by(token: uuid.UUID, card_id: int) -> int | None:
    """The card version `token` was issued for, or None for a token made elsewhere (any UUID is a
    valid key; one made by the client itself says nothing about what was shown)."""
    raw = token.bytes
    nonce, version, mac = raw[:6], raw[6:10], raw[10:]
    if not constant_time_compare(mac, _token_mac(card_id, version, nonce)):
        return None
    return int.from_bytes(version, "big")


def _token_mac(card_id: int, version: bytes, nonce: bytes) -> bytes:
    return salted_hmac(TOKEN_SALT, f"{card_id}:{version.hex()}:{nonce.hex()}", algorithm="sha256").digest()[:6]


@lru_cache(maxsize=64)
def _scheduler(parameters: tuple[float, ...], desired_retention: float) -> Scheduler:
    return Scheduler(
        parameters=parameters,
        desired_retention=desired_retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        maximum_interval=MAXIMUM_INTERVAL,
        enable_fuzzing=False,
    )


def scheduler_for(settings: StudySettings) -> Scheduler:
    return _scheduler(tuple(settings.parameters or DEFAULT_PARAMETERS), settings.desired_retention)


# --- days ---------------------------------------------------------------------------------------


def day_bounds(now: datetime, tz_name: str, rollover_hour: int) -> tuple[datetime, datetime]:
    """The learner's current day as [start, end) in UTC: it starts at `rollover_hour` local time."""
    tz = ZoneInfo(tz_name)
    local = now.astimezone(tz)
    day = local.date() if local.hour >= rollover_hour else local.date() - timedelta(days=1)
    return _at(day, rollover_hour, tz), _at(day + timedelta(days=1), rollover_hour, tz)


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    # fromutc(…) normalises a local time that does not exist (spring forward) to a real instant.
    naive = datetime.combine(day, time(hour))
    return naive.replace(tzinfo=tz).astimezone(UTC)


def local_day(moment: datetime, tz_name: str, rollover_hour: int) -> date:
    local = moment.astimezone(ZoneInfo(tz_name))
    return local.date() if local.hour >= rollover_hour else local.date() - timedelta(days=1)


# --- one card -----------------------------------------------------------------------------------


def _to_fsrs(card: Card) -> FsrsCard:
    if card.state == Card.State.NEW:
        return FsrsCard(card_id=card.pk, state=FsrsState.Learning, step=0, due=card.due.astimezone(UTC))
    return FsrsCard(
        card_id=card.pk,
        state=FsrsState(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC) if card.last_review else None,
    )


def _fuzz_bounds(interval: float, minimum: int) -> tuple[int, int]:
    """Anki's fuzz.rs: no fuzz under 2.5 days, then ±(1 + 15% of 2.5–7 d + 10% of 7–20 d + 5% beyond)."""
    interval = min(max(interval, minimum), MAXIMUM_INTERVAL)
    if interval < 2.5:
        lower = upper = round(interval)
    else:
        delta = 1.0 + sum(r["factor"] * max(min(interval, r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES)
        lower, upper = round(interval - delta), round(interval + delta)
        lower = max(lower, 2)
    lower = min(max(lower, minimum), MAXIMUM_INTERVAL)
    upper = min(max(upper, minimum), MAXIMUM_INTERVAL)
    if upper == lower and 2 < upper < MAXIMUM_INTERVAL:
        upper = lower + 1
    return lower, upper


def _fuzzed(interval: float, minimum: int, seed: int) -> int:
    lower, upper = _fuzz_bounds(interval, minimum)
    factor = random.Random(seed).random()
    return min(int(lower + factor * (1 + upper - lower)), upper)


@dataclass
class Outcome:
    rating: int
    state: int
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    scheduled_days: int
    reviewed_at: datetime

    @property
    def interval(self) -> timedelta:
        return self.due - self.reviewed_at


def outcomes(card: Card, settings: StudySettings, now: datetime, ratings=RATINGS) -> dict[int, Outcome]:
    """What each of the four ratings (or of `ratings`, in order) would do to `card` at `now` (pure: nothing is
    saved)."""
    now = now.astimezone(UTC)
    scheduler = scheduler_for(settings)
    fsrs_card = _to_fsrs(card)
    result: dict[int, Outcome] = {}
    seed = (card.pk << 8) + card.reps
    minimum = 1
    for rating in ratings:
        new, _log = scheduler.review_card(fsrs_card, rating, review_datetime=now)
        days = 0
        due = new.due
        if new.state == FsrsState.Review:
            base = (new.due - now).total_seconds() / 86400
            if card.state == Card.State.REVIEW and rating != Rating.Again:
                # Anki keeps Hard < Good < Easy apart on review cards, then fuzzes within those bounds.
                days = _fuzzed(base, minimum, seed)
                minimum = days + 1
            else:
                days = _fuzzed(base, 1, seed)
            due = now + timedelta(days=days)
        result[int(rating)] = Outcome(
            rating=int(rating),
            state=int(new.state),
            step=new.step,
            stability=new.stability,
            difficulty=new.difficulty,
            due=due,
            scheduled_days=days,
            reviewed_at=now,
        )
    return result


def outcome(card: Card, settings: StudySettings, now: datetime, rating: int) -> Outcome:
    """What `rating` does to `card` at `now`: outcomes(…)[rating], computing only the ratings it depends on (on a
    review card Hard's interval is the floor of Good's, and Good's of Easy's; Again and the other states stand
    alone). A rating is applied once per answer, where the four are computed only for the buttons."""
    if card.state == Card.State.REVIEW and rating != Rating.Again:
        needed = RATINGS[1:rating]
    else:
        needed = (Rating(rating),)
    return outcomes(card, settings, now, needed)[rating]


def interval_text(delta: timedelta) -> str:
    """Anki-style button label: 10 min, 3 h, 12 d, 1.5 mo, 2.1 y."""
    seconds = delta.total_seconds()
    if seconds < 3600:
        return _("%(n)d min") % {"n": max(1, round(seconds / 60))}
    if seconds < 86400:
        return _("%(n)d h") % {"n": round(seconds / 3600)}
    days = seconds / 86400
    if days < 30:
        return _("%(n)d d") % {"n": round(days)}
    if days < 365:
        return _("%(n)s mo") % {"n": _decimal(days / 30.4375)}
    return _("%(n)s y") % {"n": _decimal(days / 365.25)}


def _decimal(value: float) -> str:
    """One decimal in the active language's format, without a trailing zero: 1.5, 2 (en); 1,5 (fr)."""
    return formats.number_format(round(value, 1), 1).removesuffix(".0").removesuffix(",0")


@dataclass
class Rated:
    log: ReviewLog
    card: Card
    duplicate: bool = False


def _snapshot(card: Card) -> dict:
    return {
        "state": card.state,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due.isoformat(),
        "last_review": card.last_review.isoformat() if card.last_review else None,
        "scheduled_days": card.scheduled_days,
        "reps": card.reps,
        "lapses": card.lapses,
        "mastered_until": card.mastered_until.isoformat() if card.mastered_until else None,
        "suspended": card.suspended,
        "is_leech": card.is_leech,
    }


def rate(
    user,
    card_id: int,
    rating: int,
    *,
    token,
    version: int | None = None,
    now: datetime | None = None,
    duration_ms: int | None = None,
    origin: str = ReviewLog.Origin.REVIEW,
    answer: dict | None = None,
    settings: StudySettings | None = None,
    held: Collection[int] | RawSQL = (),
    then: Callable[[Rated, int | None, int | None, bytes | None], None] | None = None,
) -> Rated:
    """Apply `rating` to the learner's card once. A replayed `token` returns the first result; a card
    changed since it was shown (another tab: `version`, or the version carried by a token from
    review_token, differs) is refused with StaleCard; a token that rated another card, with TokenReused.

    The card row is locked first (select_for_update on PostgreSQL; on SQLite the IMMEDIATE
    transaction takes the write lock), so the checks and the compare-and-set below see one state. A card whose
    question is in `held` (held_questions, or the rule itself, withheld_questions, read in the card's statement) is
    refused with Held. With `then`, a rating applied calls then(rated, generation read, generation left, kept queue)
    before its commit, at one query more: the learner's page generation the card's statement read, the one the
    rating's writes left, and the queue kept at the first (reading.CardToRate.kept; quizzes/study/kept_queue.py)."""
    now = (now or djtz.now()).astimezone(UTC)
    settings = settings or StudySettings.for_user(user)
    if version is None and token is not None:
        version = version_shown_by(token, card_id)
    try:
        with transaction.atomic():
            read = reading.card_to_rate(user, card_id, visible_question(user), held=held, token=token)
            if read is None:
                raise Card.DoesNotExist
            card = read.card
            if read.held:
                raise Held(_("This card is held by an assignment."))
            # The token's log row as the card's statement saw it: on PostgreSQL, a statement that waited for the
            # lock sees the card as the rating that held it left it, but not that rating's log row. A card changed
            # since it was shown may then be that same rating, replayed: the log is read again, after the lock.
            stale = version is not None and card.version != version
            existing = _existing(token, card) if read.token_used or stale else None
            if existing is not None:  # a replay: report the first result
                return Rated(existing, card, duplicate=True)
            if version is not None and card.version != version:
                raise StaleCard(_("This card was already reviewed, perhaps in another tab."))
            rated = _apply(card, settings, rating, token, now, duration_ms, origin, answer)
            if then is not None:
                then(rated, read.generation, _generation(user.pk), read.kept)
            return rated
    except IntegrityError:
        # The token reached the log in a transaction that raced this one (PostgreSQL, two cards):
        # this attempt was rolled back whole.
        existing = ReviewLog.objects.select_related("card").filter(token=token).first() if token else None
        if existing is None:
            raise
        if existing.card_id != card_id:
            raise TokenReused(_("This rating was already used for another card: reload the page.")) from None
        return Rated(existing, existing.card, duplicate=True)


def _generation(user_id: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM quizzes_pagegeneration WHERE user_id = %s", [user_id])
        row = cursor.fetchone()
    return row[0] if row else None


def _existing(token, card: Card) -> ReviewLog | None:
    if token is None:
        return None
    existing = reading.log_by_token(token)
    if existing is not None and existing.card_id != card.pk:
        raise TokenReused(_("This rating was already used for another card: reload the page."))
    return existing


def _apply(card, settings, rating, token, now, duration_ms, origin, answer) -> Rated:
    if card.last_review and now < card.last_review:
        # A rating stamped before the card's last review (a quiz answer recorded late, a request that
        # waited for the lock, another clock) counts as given at that review: the elapsed time is 0,
        # never negative, and the card's history does not go backwards.
        now = card.last_review
    scheduler = scheduler_for(settings)
    before = _snapshot(card)
    state_before = card.state
    fsrs_card = _to_fsrs(card)
    retrievability = scheduler.get_card_retrievability(fsrs_card, now) if card.last_review else None
    elapsed = (now - card.last_review).days if card.last_review else 0
    applied = outcome(card, settings, now, rating)
    if advance(card, applied, now):
        if card.lapses >= LEECH_LAPSES and (card.lapses - LEECH_LAPSES) % (LEECH_LAPSES // 2) == 0:
            card.is_leech = True
            card.suspended = True
    card.buried_until = None
    updated = _save_review_state(card)
    if not updated:
        raise StaleCard(_("This card was already reviewed, perhaps in another tab."))
    card.version += 1
    log = ReviewLog(
        user_id=card.user_id,
        card=card,
        reviewed_at=now,
        rating=rating,
        duration_ms=duration_ms,
        state_before=state_before,
        elapsed_days=elapsed,
        scheduled_days=applied.scheduled_days,
        retrievability=retrievability,
        stability_after=applied.stability,
        difficulty_after=applied.difficulty,
        origin=origin,
        params_version=settings.params_version,
        desired_retention=settings.desired_retention,
        token=token,
        card_before=before,
        answer=answer,
    )
    _insert_log(log)
    _tally(card.user_id, local_day(now, settings.timezone, settings.rollover_hour), state_before, rating, +1)
    return Rated(log, card)


def advance(card: Card, outcome: Outcome, now: datetime) -> bool:
    """Move the card (not saved) to the state a rating's outcome gives it at `now`; returns whether it lapsed."""
    lapsed = outcome.rating == Rating.Again and card.state == Card.State.REVIEW
    card.state, card.step = outcome.state, outcome.step
    card.stability, card.difficulty = outcome.stability, outcome.difficulty
    card.due, card.last_review, card.scheduled_days = outcome.due, now, outcome.scheduled_days
    card.mastered_until = now + timedelta(days=outcome.stability)
    card.reps += 1
    card.lapses += lapsed
    return lapsed


def _tally(user_id: int, day: date, state_before: int, rating: int, sign: int) -> None:
    """Keep the learner's per-day counts (ReviewDay) in step with the log."""
    is_review = state_before == Card.State.REVIEW
    new, passed = int(state_before == Card.State.NEW), int(is_review and rating > 1)
    if _bump_day(user_id, day, sign, sign * new, sign * is_review, sign * passed) or sign < 0:
        return
    try:
        with transaction.atomic():
            ReviewDay.objects.create(
                user_id=user_id, day=day, reviews=1, new_cards=new, review_cards=int(is_review), review_passed=passed
            )
    except IntegrityError:  # another review of the same day created the row first
        _bump_day(user_id, day, sign, sign * new, sign * is_review, sign * passed)


# The two writes of every rating, as plain SQL: they run once per answer, where the ORM's
# building of a 14-field UPDATE costs more than the statement itself (see scripts/benchmark.py).
CARD_UPDATE_SQL = """
UPDATE quizzes_card SET state = %s, step = %s, stability = %s, difficulty = %s, due = %s, last_review = %s,
  scheduled_days = %s, mastered_until = %s, reps = %s, lapses = %s, is_leech = %s, suspended = %s,
  buried_until = NULL, version = version + 1
WHERE id = %s AND version = %s
"""
DAY_UPDATE_SQL = """
UPDATE quizzes_reviewday SET reviews = reviews + %s, new_cards = new_cards + %s,
  review_cards = review_cards + %s, review_passed = review_passed + %s
WHERE user_id = %s AND day = %s
"""


# Fields whose value goes to the database as the instance holds it (what their get_db_prep_save does to a value of
# their own type): a rating's log row is written without the per-field preparation the rest need.
_AS_HELD = (
    models.IntegerField,  # and the positive and small ones, and BigIntegerField
    models.FloatField,
    models.CharField,
    models.ForeignKey,
)


@lru_cache(maxsize=2)
def _log_insert(vendor: str) -> tuple[str, list]:
    """The log row's INSERT (every column but the key, which comes back) and, per column, how its value is read
    from the instance: as held, a datetime adapted, or through the field (UUID, JSON) as the ORM writes them."""
    fields = [f for f in ReviewLog._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(ReviewLog._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(ReviewLog._meta.pk.column)}"
    readers = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            readers.append((f.attname, connection.ops.adapt_datetimefield_value))
        elif isinstance(f, _AS_HELD) and not getattr(f, "auto_now", False):
            readers.append((f.attname, None))
        else:
            readers.append((f.attname, lambda value, f=f: f.get_db_prep_save(value, connection)))
    return sql, readers


def _insert_log(log: ReviewLog) -> None:
    """log.save() for a new row, without the ORM's building of the statement (a third of a rating's time)."""
    sql, readers = _log_insert(connection.vendor)
    values = [getattr(log, name) if adapt is None else adapt(getattr(log, name)) for name, adapt in readers]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        log.pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    log._state.adding, log._state.db = False, connection.alias


def _save_review_state(card: Card) -> int:
    """Compare-and-set on the card's version: 0 rows when another rating got there first."""
    at = connection.ops.adapt_datetimefield_value
    params = [
        card.state,
        card.step,
        card.stability,
        card.difficulty,
        at(card.due),
        at(card.last_review),
        card.scheduled_days,
        at(card.mastered_until),
        card.reps,
        card.lapses,
        card.is_leech,
        card.suspended,
        card.pk,
        card.version,
    ]
    with connection.cursor() as cursor:
        cursor.execute(CARD_UPDATE_SQL, params)
        return cursor.rowcount


def _bump_day(user_id: int, day: date, reviews: int, new: int, review: int, passed: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            DAY_UPDATE_SQL, [reviews, new, int(review), passed, user_id, connection.ops.adapt_datefield_value(day)]
        )
        return cursor.rowcount


# Log rows that are no review made in the app: an imported history (it has its own days) and Anki's
# manual entries (a forget, a due date moved), which record what was done to a card without a rating.
NOT_REVIEWED_HERE = (ReviewLog.Kind.IMPORTED, ReviewLog.Kind.MANUAL, ReviewLog.Kind.RESCHEDULED)


def log_manual(cards, kind: str, now: datetime, due: datetime | None = None) -> None:
    """One log row per card for a change made by hand, as Anki's revlog keeps them: a forget (MANUAL) or a
    due date moved to `due` (RESCHEDULED), read from the cards as they were before. They are no review:
    rating 0, no `card_before` (undo skips them), and no daily tally; every count of reviews reads only
    the NORMAL (and IMPORTED) kinds: the queue's done today, ReviewDay (progress, true retention),
    calibration, fitting. The card's history page shows them."""
    rows = []
    for card in cards:
        days = max(0, (due - now).days) if due is not None else 0
        rows.append(
            ReviewLog(
                user_id=card.user_id,
                card_id=card.pk,
                reviewed_at=now,
                rating=0,
                state_before=card.state,
                scheduled_days=days,
                stability_after=card.stability if due is not None else None,
                difficulty_after=card.difficulty if due is not None else None,
                kind=kind,
            )
        )
    ReviewLog.objects.bulk_create(rows, batch_size=500)


def rebuild_review_days(user) -> None:
    """Recount ReviewDay from the log (after a bulk import of history, or a change of time zone)."""
    settings = StudySettings.for_user(user)
    days: dict[date, ReviewDay] = {}
    logs = ReviewLog.objects.filter(user=user).exclude(kind__in=NOT_REVIEWED_HERE)
    for reviewed_at, state, rating in logs.values_list("reviewed_at", "state_before", "rating").iterator():
        day = local_day(reviewed_at, settings.timezone, settings.rollover_hour)
        row = days.setdefault(day, ReviewDay(user=user, day=day))
        row.reviews += 1
        row.new_cards += state == Card.State.NEW
        row.review_cards += state == Card.State.REVIEW
        row.review_passed += state == Card.State.REVIEW and rating > 1
    with transaction.atomic():
        ReviewDay.objects.filter(user=user).delete()
        ReviewDay.objects.bulk_create(days.values(), batch_size=1000)


def undo_last(user) -> Card | None:
    """Undo the learner's most recent rating: the card goes back to what it was, the log row goes."""
    with transaction.atomic():
        log = ReviewLog.objects.filter(user=user, card_before__isnull=False).order_by("-reviewed_at", "-pk").first()
        if log is None or log.card_id is None:
            return None
        before = log.card_before
        card = Card.objects.select_for_update().get(pk=log.card_id, user=user)
        card.state, card.step = before["state"], before["step"]
        card.stability, card.difficulty = before["stability"], before["difficulty"]
        card.due = datetime.fromisoformat(before["due"])
        card.last_review = datetime.fromisoformat(before["last_review"]) if before["last_review"] else None
        card.mastered_until = datetime.fromisoformat(before["mastered_until"]) if before["mastered_until"] else None
        card.scheduled_days, card.reps, card.lapses = before["scheduled_days"], before["reps"], before["lapses"]
        card.suspended, card.is_leech = before["suspended"], before["is_leech"]
        card.version += 1
        card.save()
        log.delete()
        settings = StudySettings.for_user(user)
        day = local_day(log.reviewed_at, settings.timezone, settings.rollover_hour)
        _tally(user.pk, day, log.state_before, log.rating, -1)
        return card


def bury(card: Card, settings: StudySettings, now: datetime) -> None:
    _start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    Card.objects.filter(pk=card.pk).update(buried_until=end, version=F("version") + 1)


def set_suspended(card: Card, suspended: bool) -> None:
    Card.objects.filter(pk=card.pk).update(
        suspended=suspended, is_leech=card.is_leech and suspended, version=F("version") + 1
    )


# --- studies and the daily queue ----------------------------------------------------------------


def _item_ids(user, rows: list[tuple[int, int | None]]) -> list[int]:
    """The questions that carry the cards of these (question id, original id) rows: a translation's card is its
    original's (one schedule per item), when the learner may see the original; else its own."""
    originals = {original for _pk, original in rows if original}
    if originals:
        originals = set(
            Question.objects.published().visible_to(user).filter(pk__in=originals).values_list("pk", flat=True)
        )
    return [original if original in originals else pk for pk, original in rows]


def add_study(user, *, quizset=None, source=None, target_date=None) -> tuple[Study, int]:
    """Add a quiz set or a source to the learner's studies; returns the study and the number of new cards."""
    with transaction.atomic():
        study, _created = Study.objects.get_or_create(
            user=user, quizset=quizset, source=source, defaults={"target_date": target_date}
        )
        if target_date and study.target_date != target_date:
            study.target_date = target_date
            study.save(update_fields=["target_date"])
        if target_date and target_date > djtz.now().date():
            # A study assignment's due date is the study's exam date, unless the learner already set one.
            ExamDate.objects.get_or_create(user=user, study=study, defaults={"on": target_date})
        rows = list(study.questions().order_by("quizset_items__position", "pk").values_list("pk", "translation_of_id"))
        question_ids = _item_ids(user, rows)
        mine = Card.objects.filter(user=user, question_id__in=question_ids)
        mine.filter(removed_at__isnull=False).update(removed_at=None)  # added again: back, with their history
        have = set(mine.values_list("question_id", flat=True))
        # A card made on a translation before it was linked is still the item's one card.
        have |= set(
            Question.objects.filter(translation_of_id__in=question_ids, cards__user=user).values_list(
                "translation_of_id", flat=True
            )
        )
        now = djtz.now()
        new = [
            Card(user=user, question_id=pk, due=now, created_at=now + timedelta(microseconds=i), deck_id=study.deck_id)
            for i, pk in enumerate(dict.fromkeys(question_ids))
            if pk not in have
        ]
        Card.objects.bulk_create(new, ignore_conflicts=True)
    return study, len(new)


@dataclass
class Queue:
    card: Card | None
    new_left: int
    learning_due: int
    review_left: int
    next_learning: datetime | None  # when the next learning card comes back, if nothing is due now
    can_undo: bool = False  # a rating of today can be undone

    @property
    def left(self) -> int:
        """The cards still to see today."""
        return self.new_left + self.learning_due + self.review_left


def held_questions(user, now: datetime) -> list[int]:
    """The questions an assignment keeps for its own attempts, away from the learner now (the trust rule,
    Question.objects.withheld_from): their cards stay out of the queue and cannot be rated."""
    return withheld_ids(user, now)


def queue(
    user,
    settings: StudySettings,
    now: datetime,
    *,
    fetch_card: bool = True,
    deck: Deck | None = None,
    language: str | None = None,
    held: list[int] | None = None,
    counts: dict | None = None,
) -> Queue:
    """Today's queue: learning cards due now, then reviews due today, then new cards (within limits).

    With a `deck`, only its cards, within its own limits (its ratings of today count against them) and
    what is left of the learner's limits for the day (all their ratings count against those). The card
    comes with everything the review page renders, its question in `language` when the item has a
    version in it (reading.card_to_show). `held`: held_questions(user, now), when the caller has it; else the
    rule (withheld_questions) is read in the queue's statement. `counts`: what that statement reads (with a deck, with
    the learner's done counts of all their cards: all_done_new, all_done_reviews), when the caller has it
    (quizzes/study/kept_queue.py: the queue moved by a rating)."""
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    visible = visible_question(user)
    # Cards of questions an assignment keeps for its own attempts stay out of the queue while it does.
    held = withheld_questions(user, now) if held is None else held
    new_limit, review_limit = settings.new_per_day, settings.reviews_per_day
    if counts is not None and not fetch_card:
        counts = None
    if deck is not None:
        if counts is not None:  # the kept queue's: the learner's done counts of all their cards come with it
            done_new, done_reviews = counts["all_done_new"], counts["all_done_reviews"]
        else:
            everything = _queue_counts(user.pk, visible, now, start, end, held, 0, 0)
            done_new, done_reviews = everything["done_new"], everything["done_reviews"]
        new_limit = max(0, new_limit - done_new)
        review_limit = max(0, review_limit - done_reviews)
        if deck.new_per_day is not None:
            new_limit = min(new_limit, deck.new_per_day)
        if deck.reviews_per_day is not None:
            review_limit = min(review_limit, deck.reviews_per_day)
    if counts is None:
        counts = _queue_counts(
            user.pk,
            visible,
            now,
            start,
            end,
            held,
            new_limit,
            review_limit,
            deck.pk if deck is not None else None,
            picks=fetch_card,
        )
    if deck is None:
        new_left = max(0, min(counts["new"], new_limit - counts["done_new"]))
        review_left = max(0, min(counts["reviews"], review_limit - counts["done_reviews"]))
    else:
        deck_new = 32767 if deck.new_per_day is None else deck.new_per_day
        deck_reviews = 32767 if deck.reviews_per_day is None else deck.reviews_per_day
        new_left = max(0, min(counts["new"], new_limit, deck_new - counts["done_new"]))
        review_left = max(0, min(counts["reviews"], review_limit, deck_reviews - counts["done_reviews"]))
    card_id = None
    if not fetch_card:
        pass
    elif counts["learning_now"]:  # a learning step that is due now comes first
        card_id = counts["first_learning"]
    elif review_left:
        card_id = counts["first_review"]
    elif new_left:
        card_id = counts["first_new"]
    elif counts["learning_soon"]:  # nothing else to do: learn ahead, as Anki does, up to 20 minutes
        card_id = counts["first_learning"]
    # Picked and read in one request: the card cannot have left the learner's view in between but by a
    # write of theirs on another request, and then the page shows what comes next.
    card = reading.card_to_show(user, card_id, language, visible) if card_id else None
    return Queue(
        card,
        new_left,
        counts["learning_soon"],
        review_left,
        None if card or not fetch_card else counts["next_learning"],
        can_undo=counts["undoable"] > 0,
    )


# Every count the queue needs in one statement: this runs on each review page and after each rating,
# where the ORM's query building would cost more than the query itself. Each kind of card is read once, in a
# common table expression, and its count, first card and next due time are read from that: the rule of which
# cards count (ACTIVE, with {visible}: the bank's rule, Question.objects.visible_to, compiled by the ORM and
# checked on each card's question by its key: visible_question) appears three times in the statement, not eight
# (PostgreSQL plans every copy on every request: 8 ms of its 13 at 200 cards). Each kind is a range of an index
# (card_queue: user, state, due; card_new_order: user, state, created_at; reviewlog_user_time: user, reviewed_at:
# today's ratings, read in one pass for the three counts made of them), read in the queue's order; the new and
# review kinds stop at the daily limits, the most the queue can show: the cost follows what is due today, not the
# size of the collection nor of the bank (100,000 cards: docs/performance.md). Learning cards are few (they
# leave that state within a day or two), and are read up to the end of the day for when the next one comes back.
# The limited kinds are read in their index's order alone (due, created_at): with the id too, PostgreSQL sorts
# every due card before it stops. The pick is then the first by (due, id) of what was read, which is the first of
# all but when more cards than the limit share the earliest due time (one of them is then shown first).
# MATERIALIZED: each kind is read once however many times it is used (PostgreSQL and SQLite both take the hint).
ACTIVE = (
    "c.suspended = %s AND (c.buried_until IS NULL OR c.buried_until <= %s) AND c.removed_at IS NULL"
    " AND {visible}{held}{deck}"
)
QUEUE_CTES_SQL = f"""
WITH {{heldcte}}queue_learning AS MATERIALIZED (
  SELECT c.id, c.due FROM quizzes_card c WHERE c.user_id = %s AND c.state IN (1, 3) AND c.due <= %s AND {ACTIVE}
), queue_reviews AS MATERIALIZED (
  SELECT c.id, c.due FROM quizzes_card c WHERE c.user_id = %s AND c.state = 2 AND c.due < %s AND {ACTIVE}
  ORDER BY c.due LIMIT %s
), queue_new AS MATERIALIZED (
  SELECT c.id, c.created_at FROM quizzes_card c WHERE c.user_id = %s AND c.state = 0 AND {ACTIVE}
  ORDER BY c.created_at LIMIT %s
)"""
# Today's ratings, read in one pass for the three counts made of them: new cards and reviews rated (of the deck's
# cards, with a deck), and ratings that can be undone. TODAY_SQL bounds them on both sides (the day's start and end):
# with prepared statements, PostgreSQL plans the statement once for any learner and any day (a generic plan), and
# guesses that `reviewed_at >= $n` keeps a third of the rows, so it read the learner's whole log through the index on
# user_id alone (quizzes_reviewlog_user_id: 34 ms for 200,000 rows, against 0.7 ms for today's 212); a range between
# two parameters it guesses narrow, and reads it from reviewlog_user_time (docs/performance.md, session 12).
TODAY_SQL = "l.user_id = %s AND l.reviewed_at >= %s AND l.reviewed_at < %s"
DONE_TODAY_SQL = """COALESCE(SUM(CASE WHEN l.origin = 'review' AND l.kind = 'normal' AND l.state_before = 0{logdeck}
    THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN l.origin = 'review' AND l.kind = 'normal' AND l.state_before = 2{logdeck}
    THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN l.card_before IS NOT NULL THEN 1 ELSE 0 END), 0)"""
QUEUE_COUNTS_SQL = f"""{QUEUE_CTES_SQL}
SELECT
  (SELECT COUNT(*) FROM queue_learning WHERE due <= %s),
  (SELECT COUNT(*) FROM queue_learning WHERE due <= %s),
  (SELECT COUNT(*) FROM queue_reviews),
  (SELECT COUNT(*) FROM queue_new),
  {DONE_TODAY_SQL}{{picks}}
FROM quizzes_reviewlog l WHERE {TODAY_SQL}
"""
# The queue's next card of each kind (the first in the order the queue shows them: learning cards due within
# LEARN_AHEAD, by due date; reviews by due date; new cards by creation), and when the next learning card comes
# back today.
QUEUE_PICKS_SQL = """
SELECT
  (SELECT q.id FROM queue_learning q WHERE q.due <= %s ORDER BY q.due, q.id LIMIT 1),
  (SELECT q.id FROM queue_reviews q ORDER BY q.due, q.id LIMIT 1),
  (SELECT q.id FROM queue_new q ORDER BY q.created_at, q.id LIMIT 1),
  (SELECT MIN(q.due) FROM queue_learning q WHERE q.due < %s)
"""


def _queue_sql(
    template: str,
    user_id: int,
    visible: QuestionRule,
    now: datetime,
    end: datetime,
    held,
    new_limit: int,
    review_limit: int,
    deck_id: int | None,
) -> tuple[str, list]:
    """`template` (QUEUE_CTES_SQL, then what it reads from the kinds of cards) with the visibility rule, what is
    held and the deck written in, and the parameters of what comes before the template's own."""
    at = connection.ops.adapt_datetimefield_value
    soon = now + LEARN_AHEAD
    held_cte, held_params = "", []
    if isinstance(held, RawSQL):
        held_cte, held_params = f"queue_held (id) AS MATERIALIZED ({held.sql}), ", list(held.params)
        held_sql, held = " AND c.question_id NOT IN (SELECT h.id FROM queue_held h)", []
    else:
        held = list(held)
        held_sql = " AND c.question_id NOT IN (" + ", ".join(["%s"] * len(held)) + ")" if held else ""
    in_deck = [deck_id] if deck_id is not None else []
    active = [False, at(now), *visible.params, *held, *in_deck]
    params = [
        *held_params,
        *(user_id, at(max(soon, end)), *active),  # the learning cards due now, soon, or later today
        *(user_id, at(end), *active, max(0, review_limit)),
        *(user_id, *active, max(0, new_limit)),
    ]
    deck_sql = " AND c.deck_id = %s" if deck_id is not None else ""
    logdeck_sql = " AND l.card_id IN (SELECT d.id FROM quizzes_card d WHERE d.deck_id = %s)" if in_deck else ""
    sql = (
        template.replace("{visible}", visible.on("c.question_id"))
        .replace("{held}", held_sql)
        .replace("{heldcte}", held_cte)
        .replace("{deck}", deck_sql)
        .replace("{logdeck}", logdeck_sql)
    )
    return sql, params


def _queue_counts(
    user_id: int,
    visible: QuestionRule,
    now: datetime,
    start: datetime,
    end: datetime,
    held=(),
    new_limit: int = 32767,
    review_limit: int = 32767,
    deck_id: int | None = None,
    *,
    picks: bool = False,
) -> dict:
    """The queue's counts, only for cards whose question is `visible` and not `held` (ids, or the rule:
    withheld_questions, then read once in this statement), of one deck if
    `deck_id` is given (and the ratings of today of that deck's cards); "new" and "reviews" stop at the
    limits given (the daily limits). With `picks`, in the same statement, the first card of each kind
    (ids) and when the next learning card is due (QUEUE_PICKS_SQL)."""
    at = connection.ops.adapt_datetimefield_value
    soon = now + LEARN_AHEAD
    in_deck = [deck_id] if deck_id is not None else []
    picks_sql, picks_params = "", []
    if picks:
        # One statement: the picks' subqueries after the counts' (their SELECT list goes on).
        picks_sql = ",\n" + QUEUE_PICKS_SQL.strip().removeprefix("SELECT")
        picks_params = [at(soon), at(end)]
    sql, params = _queue_sql(
        QUEUE_COUNTS_SQL.replace("{picks}", picks_sql),
        user_id,
        visible,
        now,
        end,
        held,
        new_limit,
        review_limit,
        deck_id,
    )
    params += [at(now), at(soon), *in_deck, *in_deck, *picks_params]
    params += [user_id, at(start), at(end)]  # today's ratings, read in one pass for the three counts made of them
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    keys = ("learning_now", "learning_soon", "reviews", "new", "done_new", "done_reviews", "undoable")
    counts: dict = dict(zip(keys, (int(v or 0) for v in row[: len(keys)]), strict=True))
    if picks:
        first_learning, first_review, first_new, next_learning = row[len(keys) :]
        counts.update(
            first_learning=first_learning,
            first_review=first_review,
            first_new=first_new,
            next_learning=reading.read_datetime(next_learning),
        )
    return counts


def record_quiz_answer(
    user, question: Question, correct: bool, now: datetime | None = None, *, token: uuid.UUID | None = None
) -> ReviewLog | None:
    """A quiz answer is a recall too: it reviews the learner's card for that question, if they study it.

    `token` names the answer (e.g. derived from the stored response): recording the same answer again,
    a retry or a race, reviews the card once."""
    # The item's one card: on the original, whichever version was asked.
    item = [question.pk, question.translation_of_id] if question.translation_of_id else [question.pk]
    card = Card.objects.visible_to(user).filter(question_id__in=item, suspended=False).only("pk").first()
    if card is None:
        return None
    if Question.objects.filter(pk=question.pk).withheld_from(user, now or djtz.now()).exists():
        return None  # its rating, in the learner's log, would tell whether an answer held back was right
    rated = rate(
        user,
        card.pk,
        int(Rating.Good if correct else Rating.Again),
        token=token,
        now=now,
        origin=ReviewLog.Origin.QUIZ,
    )
    return rated.log
