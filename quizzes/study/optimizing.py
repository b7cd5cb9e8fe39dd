"""Per-learner FSRS parameters: the learner's log (own reviews and imported ones) and fitting on it."""

from collections.abc import Callable
from itertools import batched

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .fitting import MIN_REVIEWS_TO_FIT, FitFailed, NotEnoughReviews, fit_parameters
from .models import Card, ReviewLog, StudySettings
from .revlog import Review, RevlogInvalid, check_revlog, iter_revlog

# Rows per transaction of an import: each holds SQLite's single write lock for a few tens of
# milliseconds, so other learners' ratings wait that long at most, never the whole import.
IMPORT_BATCH = 2_000

__all__ = [
    "IMPORT_BATCH",
    "MIN_REVIEWS_TO_FIT",
    "FitFailed",
    "ImportInterrupted",
    "NotEnoughReviews",
    "RevlogInvalid",
    "as_review",
    "import_reviews",
    "optimize_for",
]


def as_review(log: ReviewLog) -> Review:
    return Review(
        card_id=log.card_id if log.card_id is not None else log.external_card_id,
        review_time=log.reviewed_at,
        rating=log.rating,
        duration_ms=log.duration_ms,
        state=log.state_before,
    )


def training_reviews(user) -> list[Review]:
    """Reviews to fit on: manual and rescheduled entries are left out, as in the FSRS benchmark."""
    logs = ReviewLog.objects.filter(user=user).exclude(kind__in=[ReviewLog.Kind.MANUAL, ReviewLog.Kind.RESCHEDULED])
    return [as_review(log) for log in logs.order_by("reviewed_at", "pk").iterator()]


class ImportInterrupted(Exception):
    """A database error stopped an import midway; `saved` of its `total` reviews are in the log."""

    def __init__(self, saved: int, total: int) -> None:
        self.saved, self.total = saved, total
        super().__init__(f"import stopped after {saved} of {total} reviews")


def import_reviews(user, data: bytes, name: str, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Import a review log for the learner. Returns (added, in the file).

    The whole file is validated first (RevlogInvalid lists the bad lines, nothing is written);
    then rows are streamed into the log in batches of IMPORT_BATCH, each in its own short
    transaction, so a million-row file neither holds the database's write lock for its whole
    duration nor builds a million objects in memory.

    All or nothing *in effect*, by idempotence rather than by one transaction: each row is keyed by
    the reviewlog_import_once constraint (learner, card, time) and every batch skips rows already
    there. If a batch fails, ImportInterrupted says how many reviews were saved; the batches before
    it stay, and importing the same file again adds exactly the rest, never a duplicate."""
    text, total = check_revlog(data, name)
    imported = ReviewLog.objects.filter(user=user, kind=ReviewLog.Kind.IMPORTED)
    before = imported.count()
    read = 0
    for batch in batched(iter_revlog(text, name), IMPORT_BATCH):
        rows = [_imported_row(user.pk, r) for r in batch]  # prepared outside the transaction: it stays short
        try:
            with transaction.atomic():
                _insert_batch(rows)
        except DatabaseError as exc:
            raise ImportInterrupted(imported.count() - before, total) from exc
        read += len(batch)
        if progress:
            progress(read, total)
    return imported.count() - before, total


IMPORT_COLUMNS = (
    "user",
    "external_card_id",
    "reviewed_at",
    "rating",
    "duration_ms",
    "state_before",
    "elapsed_days",
    "scheduled_days",
    "kind",
    "origin",
    "params_version",
)


def _imported_row(user_id: int, r: Review) -> list:
    state = r.state if r.state is not None else Card.State.REVIEW
    at = connection.ops.adapt_datetimefield_value(r.review_time)
    kind, origin = ReviewLog.Kind.IMPORTED.value, ReviewLog.Origin.IMPORT.value
    return [user_id, r.card_id, at, r.rating, r.duration_ms, state, 0, 0, kind, origin, 0]


ROWS_PER_STATEMENT = 500  # SQLite: 5,500 parameters per statement, well under its limit


def _insert_batch(rows: list[list]) -> None:
    """Insert a batch, skipping rows already imported (reviewlog_import_once): ON CONFLICT DO NOTHING.

    Plain SQL, as for a rating: building a million model instances and the ORM's INSERT for them
    would cost ten times the statements themselves. PostgreSQL takes the batch as one array per
    column (psycopg would otherwise parse thousands of placeholders per statement); SQLite takes
    multi-row VALUES."""
    meta = ReviewLog._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(f) for f in IMPORT_COLUMNS]
    into = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            columns = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(f"{into} SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING", columns)
            return
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for chunk in batched(rows, ROWS_PER_STATEMENT):
            values = ", ".join([row] * len(chunk))
            cursor.execute(f"{into} VALUES {values} ON CONFLICT DO NOTHING", [v for r in chunk for v in r])


def not_enough_message(usable: int, needed: int = MIN_REVIEWS_TO_FIT) -> str:
    """What a learner reads when their log is too short, in their language."""
    return _(
        "Not enough reviews to fit your parameters yet: fitting learns from the reviews made on a later day "
        "than the card's previous review, and needs %(needed)d of them; you have %(usable)d so far. "
        "Your current parameters are kept."
    ) % {"needed": needed, "usable": usable}


def optimize_for(user) -> StudySettings:
    """Fit FSRS parameters on the learner's log and use them from now on (a new parameter version)."""
    settings = StudySettings.for_user(user)
    reviews = training_reviews(user)
    parameters = fit_parameters(reviews, tz=settings.timezone, rollover_hour=settings.rollover_hour)
    settings.parameters = list(parameters)
    settings.params_version += 1
    settings.optimized_at = timezone.now()
    settings.reviews_at_optimization = len(reviews)
    settings.save()
    return settings


def reviews_still_needed(user) -> int:
    """How many more reviews fitting needs: fit_parameters learns from reviews made on a later review day
    than the card's previous one and wants MIN_REVIEWS_TO_FIT of them. The log is read in time order
    only until that many are found, so a long history costs no more than a short one that suffices."""
    from .fitting import _zone, review_day

    settings = StudySettings.for_user(user)
    zone = _zone(settings.timezone, settings.rollover_hour)
    logs = (
        ReviewLog.objects.filter(user=user)
        .exclude(kind__in=[ReviewLog.Kind.MANUAL, ReviewLog.Kind.RESCHEDULED])
        .order_by("reviewed_at", "pk")
        .values_list("card_id", "external_card_id", "reviewed_at")
    )
    last_day: dict[int, int] = {}
    found = 0
    for card_id, external_id, reviewed_at in logs.iterator(chunk_size=2000):
        key = card_id if card_id is not None else external_id  # as as_review() names the card for fitting
        day = review_day(reviewed_at, zone, settings.rollover_hour)
        if key in last_day and day > last_day[key]:
            found += 1
            if found >= MIN_REVIEWS_TO_FIT:
                return 0
        last_day[key] = day
    return MIN_REVIEWS_TO_FIT - found
