"""The review queue kept per learner and moved by their ratings: rate-and-next without the queue's statement.

After a rating, the next card is what `scheduling.queue` picks from its statement's counts (QUEUE_COUNTS_SQL). Here
that statement's result comes from a snapshot of what it reads (the ids of the due cards of each kind, in the
queue's order, and today's done counts), kept under the learner's page generation (PageGeneration: the database
bumps it on every write to what their pages are made from). A rating that finds the snapshot at the generation its
card's statement read, and whose own writes are then the only change before its commit (the generation it leaves
is that one plus its own bumps), moves the snapshot itself: the rated card leaves its kind, and joins the learning
cards if it is learning again; the done counts grow by the rating. Anything else (a first rating, a bury, an
edit, a deck studied, a replay, a refused rating) reads the snapshot again in one statement: the queue's own common
table expressions (scheduling.QUEUE_CTES_SQL), so the rule of which cards count is written once.

The snapshot is kept in the database (KeptQueue: one row per learner, encoded as numbers), not in a process's memory:
a learner's consecutive ratings reach whichever worker process is free, and a snapshot kept by one process was
behind the generation at the next rating another served (under gunicorn's two workers, 7 ratings in 10 read the
queue again). The card's statement reads it with the generation (reading.card_to_rate), the rating writes the snapshot
it moved in its own transaction, so the two are committed together; each process keeps the last one it wrote or
read, and skips decoding when it serves the learner's next rating too. Its context is keyed by the bank's version as
every process sees it (bank.version.shared), not by a process's own.

A snapshot holds while its day, the learner's settings, the bank and the code are those it was read with, and
until a buried card comes back, an assignment of the learner's classes reaches one of its moments, or the learning
look-ahead reaches past what it read. For a learner in a class, what the assignments hold (the `held` the lists are
read with: bank.models.withheld_questions) changes with the teacher's writes and the learner's (an assignment, its
set, an extension, an enrollment, a class: each bumps the generation, migration 0024's triggers) and with time
alone, at the learner's due date of an assignment; its moments are the kept review page's
(learner_pages.assignment_ends: its opening, two days before and at the learner's due date), read in the same
statement. It is kept for learners (no teacher or staff), studying all their cards or one deck, and is read only
by rate-and-next: the queue's counts are `scheduling.queue`'s, from the snapshot (`counts`). A deck's snapshot is
of its cards (the deck's id and limits are in its `context`; the session says which deck is studied, and no write
bumps anything when it changes) with the learner's done counts of all their cards besides the deck's: every write
that moves a card into or out of a deck (the card's row), deletes a deck (its row, its cards' rows) or adds a card
to it bumps the generation (migration 0024's triggers on quizzes_card and quizzes_deck).
tests/study/test_kept_queue.py compares both after random sequences of everything that moves the queue, in a class
and not.
"""

import hashlib
import logging
import sys
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError, connection

from .. import kept
from ..bank import version as bank_version
from ..bank.models import visible_question
from . import learner_pages, scheduling
from .models import Card, Deck, StudySettings
from .reading import read_datetime

logger = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
# The last snapshot of each learner this process made or read: no decoding on the next rating of theirs that it
# serves. The one every process moves is in the database (KeptQueue), read with the rated card.
RECENT = 256
_recent: dict[int, "Snapshot"] = {}

# What the queue's statement reads, as rows (kind, id, moment): the learning cards (0: due), the reviews (1: due),
# the new cards (2: created), each as the queue's CTEs read them; one row (3) of the learner's page generation, the
# first moment a buried card comes back (MOMENTS_SQL's reading, from the buried cards' index: the cards the queue may
# count) and today's done counts; and a row (4) for each assignment of the learner's classes, with its moments
# (learner_pages.ASSIGNMENTS_SQL: id, opening; due date and the learner's extension's in the last two columns). One
# statement, so all of it is of one moment of the database. The assignments' rows come second: on PostgreSQL, the
# type of a column that is NULL in the first rows is taken from the next.
QUEUE_LISTS_SQL = f"""{scheduling.QUEUE_CTES_SQL}
SELECT 3, (SELECT g.n FROM quizzes_pagegeneration g WHERE g.user_id = %s),
  (SELECT MIN(buried_until) FROM quizzes_card
   WHERE user_id = %s AND buried_until > %s AND (state = 0 OR (state IN (1, 2, 3) AND due <= %s))),
  {scheduling.DONE_TODAY_SQL}, NULL, NULL
FROM quizzes_reviewlog l WHERE {scheduling.TODAY_SQL}
UNION ALL SELECT 4, y.id, y.opens_at, NULL, NULL, NULL, y.due_at, y.extended_at FROM ({learner_pages.ASSIGNMENTS_SQL}) y
{{everywhere}}UNION ALL SELECT 0, q.id, q.due, NULL, NULL, NULL, NULL, NULL FROM queue_learning q
UNION ALL SELECT 1, q.id, q.due, NULL, NULL, NULL, NULL, NULL FROM queue_reviews q
UNION ALL SELECT 2, q.id, q.created_at, NULL, NULL, NULL, NULL, NULL FROM queue_new q
"""
# With a deck studied, the done counts of row 3 are of the deck's cards (scheduling.DONE_TODAY_SQL's {logdeck}); the
# learner's own, of all their cards, come in a row (5) of their own: the deck's limits are what is left of the
# learner's (scheduling.queue). After the assignments' rows, for PostgreSQL's types.
EVERYWHERE_SQL = f"""UNION ALL SELECT 5, NULL, NULL, {scheduling.DONE_TODAY_SQL.replace("{logdeck}", "")}, NULL, NULL
FROM quizzes_reviewlog l WHERE {scheduling.TODAY_SQL}
"""


def _us(moment: datetime) -> int:
    return (moment - EPOCH) // US


class Kind:
    """One kind of card as the queue reads it: their moments (due, or created) and ids, in the queue's order (moment,
    id). Arrays: a snapshot is encoded at each rating, and the rated card is looked for among hundreds."""

    __slots__ = ("moments", "ids")

    def __init__(self, rows=()):
        rows = sorted(rows)
        self.moments = array("q", [moment for moment, _pk in rows])
        self.ids = array("q", [pk for _moment, pk in rows])

    def __len__(self) -> int:
        return len(self.ids)

    def __eq__(self, other) -> bool:
        return isinstance(other, Kind) and (self.moments, self.ids) == (other.moments, other.ids)

    def first(self) -> tuple[int, int] | None:
        return (self.moments[0], self.ids[0]) if self.ids else None

    def without(self, pk: int) -> "Kind":
        """This kind without the card `pk` (itself when it is not in it)."""
        try:
            i = self.ids.index(pk)
        except ValueError:
            return self
        kind = Kind()
        kind.moments, kind.ids = self.moments[:i] + self.moments[i + 1 :], self.ids[:i] + self.ids[i + 1 :]
        return kind

    def with_card(self, moment: int, pk: int) -> "Kind":
        """This kind with the card `pk`, in its place."""
        lo, hi = bisect_left(self.moments, moment), bisect_right(self.moments, moment)
        i = lo + bisect_left(self.ids[lo:hi], pk)
        kind = Kind()
        kind.moments = self.moments[:i] + array("q", [moment]) + self.moments[i:]
        kind.ids = self.ids[:i] + array("q", [pk]) + self.ids[i:]
        return kind


@dataclass(frozen=True)
class Snapshot:
    """What the queue's statement read at `generation`, from `since`. Moments are microseconds since the epoch (a
    snapshot is encoded at each rating). Each kind is sorted in the queue's order: (due or created, id)."""

    context: str
    generation: int
    since: int
    until: int | None  # the first buried card comes back, or an assignment's moment comes
    bound: int  # the learning cards read are those due by then
    end: int  # the day's end
    learning: Kind
    reviews: Kind
    new: Kind
    # When a kind stopped at its daily limit: its last moment (the cards not read come at it or after); else None.
    reviews_cut: int | None
    new_cut: int | None
    done_new: int  # of the deck's cards, with a deck
    done_reviews: int
    undoable: int
    # The deck studied (its id), or None: all the learner's cards. With a deck, the learner's done counts of all
    # their cards besides the deck's.
    deck: int | None = None
    all_done_new: int = 0
    all_done_reviews: int = 0

    def holds(self, context: str, now: datetime) -> bool:
        """Whether the queue's statement, at `now`, would read what this snapshot holds (its generation aside)."""
        at = _us(now)
        soon = _us(now + scheduling.LEARN_AHEAD)
        return (
            context == self.context
            and self.since <= at
            and (self.until is None or at < self.until)
            and max(soon, self.end) == self.bound
        )

    def counts(self, now: datetime) -> dict:
        """What scheduling._queue_counts(…, picks=True) reads at `now`, and with a deck the learner's done counts of
        all their cards (what scheduling.queue reads first, for the deck's limits)."""
        at, soon = _us(now), _us(now + scheduling.LEARN_AHEAD)
        moments = self.learning.moments
        learning_soon = bisect_right(moments, soon)
        next_learning = moments[0] if moments and moments[0] < self.end else None
        return {
            "learning_now": bisect_right(moments, at),
            "learning_soon": learning_soon,
            "reviews": len(self.reviews),
            "new": len(self.new),
            "done_new": self.done_new,
            "done_reviews": self.done_reviews,
            "undoable": self.undoable,
            "all_done_new": self.done_new if self.deck is None else self.all_done_new,
            "all_done_reviews": self.done_reviews if self.deck is None else self.all_done_reviews,
            "first_learning": self.learning.ids[0] if learning_soon else None,
            "first_review": self.reviews.ids[0] if self.reviews else None,
            "first_new": self.new.ids[0] if self.new else None,
            "next_learning": EPOCH + next_learning * US if next_learning is not None else None,
        }

    def moved(self, rated: scheduling.Rated, generation: int) -> "Snapshot | None":
        """This snapshot after `rated` (a rating applied at this snapshot's generation, leaving `generation`), or
        None when what the statement would read then is not known from it."""
        card: Card = rated.card
        pk = card.pk
        learning, reviews, new = self.learning.without(pk), self.reviews.without(pk), self.new.without(pk)
        # A kind that stopped at its limit: the first of what is left is the first of all only while it comes before
        # the moment it stopped at (the cards not read may share that moment, in any order).
        for kind, cut, before in ((reviews, self.reviews_cut, self.reviews), (new, self.new_cut, self.new)):
            if cut is not None and kind is not before and (not kind or kind.moments[0] >= cut):
                return None
        # The rated card counts in the deck's kinds and done counts only if it is in the deck studied (a rating of
        # another card, from another tab, counts in the learner's done counts only).
        in_deck = self.deck is None or card.deck_id == self.deck
        if not card.suspended and card.removed_at is None:
            due = _us(card.due)
            if card.state in (Card.State.LEARNING, Card.State.RELEARNING):
                if due <= self.bound and in_deck:
                    learning = learning.with_card(due, pk)
            elif card.state == Card.State.REVIEW:
                if due < self.end:  # a review due today again: not a rating's outcome (a day at least)
                    return None
            else:
                return None
        before = rated.log.state_before
        new_done, review_done = before == Card.State.NEW, before == Card.State.REVIEW
        return replace(
            self,
            generation=generation,
            learning=learning,
            reviews=reviews,
            new=new,
            done_new=self.done_new + (new_done and in_deck),
            done_reviews=self.done_reviews + (review_done and in_deck),
            undoable=self.undoable + 1,
            all_done_new=self.all_done_new + new_done,
            all_done_reviews=self.all_done_reviews + review_done,
        )


def context(request, settings: StudySettings, now: datetime, deck: Deck | None) -> str | None:
    """What a learner's snapshot is read with besides their cards and log, `deck` studied (views._current_deck: its
    row as this request read it) or None, as a digest; None when none is kept for them (no saved settings, not a
    learner)."""
    if settings.pk is None or not learner_pages.is_learner(request):
        return None
    fields = tuple(getattr(settings, f.attname) for f in StudySettings._meta.concrete_fields)
    day = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    studied = (deck.pk, deck.new_per_day, deck.reviews_per_day) if deck is not None else None
    what = (request.user.pk, fields, day.isoformat(), bank_version.shared(), kept.release(), studied)
    return hashlib.blake2b(repr(what).encode(), digest_size=16).hexdigest()


# A snapshot in the database (KeptQueue.data): integers (64 bits, little-endian), then its context's text. The
# integers: the format, the snapshot's scalars (NONE for None), the three kinds' sizes and the context's length in
# bytes; then each kind's moments and ids. Only numbers: decoding runs no code.
FORMAT = 1
NONE = -(2**63)
SCALARS = (
    "since",
    "until",
    "bound",
    "end",
    "reviews_cut",
    "new_cut",
    "done_new",
    "done_reviews",
    "undoable",
    "deck",
    "all_done_new",
    "all_done_reviews",
)
HEADER = 1 + len(SCALARS) + 4
KINDS = ("learning", "reviews", "new")


def _little(numbers: array) -> array:
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


def encode(snapshot: Snapshot) -> bytes:
    """The snapshot as KeptQueue.data (its generation is the row's)."""
    text = snapshot.context.encode()
    kinds = [getattr(snapshot, name) for name in KINDS]
    head = [FORMAT, *(NONE if (v := getattr(snapshot, f)) is None else v for f in SCALARS)]
    numbers = array("q", [*head, *(len(kind) for kind in kinds), len(text)])
    for kind in kinds:
        numbers += kind.moments
        numbers += kind.ids
    return _little(numbers).tobytes() + text


def decode(data: bytes, generation: int) -> Snapshot | None:
    """The snapshot `encode` wrote, at `generation`; None for another format or a row cut short."""
    try:
        head = _little(array("q", data[: HEADER * 8]))
        if len(head) != HEADER or head[0] != FORMAT:
            return None
        *sizes, length = head[-4:]
        numbers = _little(array("q", data[HEADER * 8 : len(data) - length]))
        if len(numbers) != 2 * sum(sizes) or min(*sizes, length) < 0:
            return None
        kinds, at = {}, 0
        for name, size in zip(KINDS, sizes, strict=True):
            kind = Kind()
            kind.moments, kind.ids = numbers[at : at + size], numbers[at + size : at + 2 * size]
            kinds[name], at = kind, at + 2 * size
        scalars = {f: None if v == NONE else v for f, v in zip(SCALARS, head[1:-4], strict=True)}
        text = data[len(data) - length :].decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return Snapshot(context=text, generation=generation, **scalars, **kinds)


def found(user_id: int, generation: int | None, data: bytes | None) -> Snapshot | None:
    """The learner's snapshot at `generation`: this process's if it made or read it, else the database's, `data`
    (KeptQueue.data, read at that generation by the card's statement: reading.card_to_rate)."""
    if generation is None:
        return None
    snapshot = _recent.get(user_id)
    if snapshot is not None and snapshot.generation == generation:
        return snapshot
    return decode(data, generation) if data is not None else None


def remember(user_id: int, snapshot: Snapshot) -> None:
    if len(_recent) >= RECENT:
        _recent.clear()
    _recent[user_id] = snapshot


# A rating's snapshot is written in its transaction, where nothing else writes the learner's generation before the
# commit; a snapshot read again is written after, over an older one only (another process's rating may have
# written a newer one meanwhile).
STORE_SQL = """
INSERT INTO quizzes_keptqueue (user_id, generation, data) VALUES (%s, %s, %s)
ON CONFLICT (user_id) DO UPDATE SET generation = excluded.generation, data = excluded.data
"""
STORE_NEWER_SQL = STORE_SQL + "WHERE quizzes_keptqueue.generation < excluded.generation"


def store(user_id: int, snapshot: Snapshot, sql: str = STORE_SQL) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, snapshot.generation, encode(snapshot)])


def store_read(user_id: int, snapshot: Snapshot) -> None:
    """A snapshot read again, written after its rating's commit: a write of its own, which may find the database
    busy (SQLite's one writer at a time, past its busy timeout). The rating is saved by then and the snapshot is only
    a shortcut: the learner gets their next card all the same, and the next rating reads the queue again. Called in
    autocommit (views.rate is not atomic): the statement is its own transaction."""
    try:
        store(user_id, snapshot, STORE_NEWER_SQL)
    except DatabaseError:
        logger.warning("The kept queue of user %s could not be written", user_id, exc_info=True)


def read(user, settings: StudySettings, now: datetime, held, context: str, deck: Deck | None) -> tuple[Snapshot, bool]:
    """The snapshot, read in one statement, and whether it may be kept (the learner has a page generation)."""
    at = connection.ops.adapt_datetimefield_value
    start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
    bound = max(now + scheduling.LEARN_AHEAD, end)
    new_limit, review_limit = max(0, settings.new_per_day), max(0, settings.reviews_per_day)
    in_deck, everywhere = [], ""
    if deck is not None:
        # The deck's kinds are read up to its own limits and the learner's, not to what is left of the learner's
        # (scheduling.queue's, which needs the learner's done counts first): what the queue shows is the least of
        # the deck's cards read and what is left of both limits, and every rating of a card read lowers both.
        if deck.new_per_day is not None:
            new_limit = min(new_limit, deck.new_per_day)
        if deck.reviews_per_day is not None:
            review_limit = min(review_limit, deck.reviews_per_day)
        in_deck, everywhere = [deck.pk], EVERYWHERE_SQL
    sql, params = scheduling._queue_sql(
        QUEUE_LISTS_SQL.replace("{everywhere}", everywhere),
        user.pk,
        visible_question(user),
        now,
        end,
        held,
        new_limit,
        review_limit,
        deck.pk if deck is not None else None,
    )
    u = user.pk
    params += [u, u, at(now), at(bound), *in_deck, *in_deck, u, at(start), at(end), u]
    if deck is not None:
        params += [u, at(start), at(end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    kinds: dict[int, list] = {0: [], 1: [], 2: []}
    summary, assignments, everything = None, [], (0, 0)
    for kind, pk, moment, *rest in rows:
        if kind == 3:
            summary = (pk, moment, *rest[:3])
        elif kind == 5:
            everything = rest[:2]
        elif kind == 4:
            assignments.append((pk, moment, *rest[3:]))
        else:
            kinds[kind].append((_us(read_datetime(moment)), pk))
    generation, buried, done_new, done_reviews, undoable = summary
    learning, reviews, new = (Kind(kinds[k]) for k in (0, 1, 2))
    # What the assignments hold (the `held` the lists were read with) changes with time alone at their moments, the
    # kept review page's (learner_pages.moments); anything a teacher or the learner writes to them, the enrollments
    # or the extensions bumps the generation.
    ends = [read_datetime(buried), *learner_pages.assignment_ends(assignments)]
    until = min((end for end in ends if end is not None and end > now), default=None)
    snapshot = Snapshot(
        context=context,
        generation=generation if generation is not None else -1,
        since=_us(now),
        until=_us(until) if until is not None else None,
        bound=_us(bound),
        end=_us(end),
        learning=learning,
        reviews=reviews,
        new=new,
        reviews_cut=reviews.moments[-1] if reviews and len(reviews) == review_limit else None,
        new_cut=new.moments[-1] if new and len(new) == new_limit else None,
        done_new=int(done_new),
        done_reviews=int(done_reviews),
        undoable=int(undoable),
        deck=deck.pk if deck is not None else None,
        all_done_new=int(everything[0]),
        all_done_reviews=int(everything[1]),
    )
    return snapshot, generation is not None


class Move:
    """A rating's move of the learner's snapshot, made before its commit (scheduling.rate(…, then=Move(…))): the
    snapshot its card's statement found at the generation it read, moved by the rating and written with it, if
    nothing but this rating wrote between that snapshot and the commit (the generation moved by the rating's own
    writes only)."""

    def __init__(self, user, context: str, now: datetime):
        self.user, self.context, self.now = user, context, now
        self.snapshot: Snapshot | None = None

    def __call__(self, rated: scheduling.Rated, was: int | None, after: int | None, kept: bytes | None) -> None:
        before = found(self.user.pk, was, kept)
        if before is None or after != was + BUMPS or not before.holds(self.context, self.now):
            return
        self.snapshot = before.moved(rated, after)
        if self.snapshot is not None:
            store(self.user.pk, self.snapshot)


def after_rating(user, settings: StudySettings, now: datetime, held, rated, move: Move, deck: Deck | None) -> dict:
    """The queue's counts after `rated` (a rating scheduling.rate applied, or replayed, with then=`move`), from the
    snapshot the rating moved or from one read again, then written; this process keeps it for the next rating it
    serves. `deck`: the deck studied, or None."""
    snapshot = move.snapshot if not rated.duplicate else None
    if snapshot is None:
        snapshot, keeps = read(user, settings, now, held, move.context, deck)
        if not keeps:
            return snapshot.counts(now)
        store_read(user.pk, snapshot)
    remember(user.pk, snapshot)
    return snapshot.counts(now)


# The page generation's bumps of one rating's writes (migration 0024's triggers; 0026's on PostgreSQL, one per
# statement, and each of these writes one row): the card's update, the log row's insert, the day's update (or
# insert). A rating that finds any other bump reads the snapshot again.
BUMPS = 3
