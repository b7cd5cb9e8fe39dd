"""The card a review shows, with everything its page renders, read by plain SQL written once.

The review page and rate-and-next read one card per request: building that read with the ORM (select_related,
defer, prefetch, the visibility rule) cost more than running it. Here the columns come from the models'
fields, the values go through the same converters as the ORM's, and the instances are the ORM's own
(Model.from_db), so the page reads them as it would read a queryset's.
"""

from collections.abc import Collection
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL

from ..bank import version
from ..bank.models import Choice, Passage, Question, QuestionRule, Source
from .models import Card, Deck, ReviewLog


def read_datetime(value) -> datetime | None:
    """A timestamp read by plain SQL: SQLite gives UTC text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# The source's full text (up to tens of kB) and what goes with it are never shown on a review.
SOURCE_TEXT = ("text", "licence", "paragraph_languages")


class Columns:
    """Some columns of one model under a table alias, and how to make an instance of a row's values."""

    def __init__(self, model: type[Model], alias: str, leave_out: tuple[str, ...] = ()):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.name not in leave_out]
        self.attnames = [f.attname for f in self.fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def make(self, values) -> Model:
        converters = self._converters.get(connection.vendor)
        if converters is None:
            converters = self._converters[connection.vendor] = [self._converters_of(f) for f in self.fields]
        values = list(values)
        for i, (col, convs) in enumerate(converters):
            for convert in convs:
                values[i] = convert(values[i], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)

    @staticmethod
    def _converters_of(field):
        col = field.get_col(field.model._meta.db_table)
        return col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)


@lru_cache(maxsize=1)
def _columns() -> dict[str, Columns]:
    return {
        "card": Columns(Card, "c"),
        "question": Columns(Question, "q"),
        "passage": Columns(Passage, "p"),
        "source": Columns(Source, "s", SOURCE_TEXT),
        "deck": Columns(Deck, "d"),
        "choice": Columns(Choice, "ch"),
        "log": Columns(ReviewLog, "l"),
    }


# {visible}: the card's question is one the learner may see, {visible_version} the version's (visible_question:
# each looked up by its key). The version in the learner's language is looked up in the same statement: most
# cards have none, and then nothing more is read. Its two ways (a translation of the card's question, or the
# original it translates) are two index lookups: as one OR, SQLite may walk the whole bank in external_id order.
# The question shown (with its passage, source and choices) comes from this process's copy while the bank's version
# holds (shown_question), else from QUESTION_SQL.
CARD_SQL = """
SELECT {card}, {deck}, q.personal,
  CASE WHEN q.language = %s THEN NULL ELSE (
    SELECT v.id FROM (
      SELECT t.id, t.external_id FROM quizzes_question t WHERE t.translation_of_id = q.id AND t.language = %s
      UNION ALL
      SELECT o.id, o.external_id FROM quizzes_question o WHERE o.id = q.translation_of_id AND o.language = %s
    ) v
    WHERE {visible_version}
    ORDER BY v.external_id, v.id LIMIT 1) END
FROM quizzes_card c
JOIN quizzes_question q ON q.id = c.question_id
LEFT JOIN quizzes_deck d ON d.id = c.deck_id
WHERE c.id = %s AND c.user_id = %s AND c.removed_at IS NULL AND {visible}
"""
QUESTION_SQL = """
SELECT {question}, {passage}, {source}, {choice}
FROM quizzes_question q
JOIN quizzes_passage p ON p.id = q.passage_id
JOIN quizzes_source s ON s.id = p.source_id
LEFT JOIN quizzes_choice ch ON ch.question_id = q.id
WHERE q.id = %s
ORDER BY ch.position, ch.id
"""
# With the card: whether an assignment holds its question ({held}), whether the rating's token is already in the
# log (a replay, or a token used on another card: rare, then the log row is read), the learner's page generation
# as this statement sees it, and their kept queue if it was kept at that generation (quizzes/study/kept_queue.py).
CARD_TO_RATE_SQL = """
SELECT {card}, {held}, EXISTS (SELECT 1 FROM quizzes_reviewlog l WHERE l.token = %s),
  (SELECT g.n FROM quizzes_pagegeneration g WHERE g.user_id = c.user_id),
  (SELECT k.data FROM quizzes_keptqueue k WHERE k.user_id = c.user_id
   AND k.generation = (SELECT g.n FROM quizzes_pagegeneration g WHERE g.user_id = c.user_id))
FROM quizzes_card c
WHERE c.id = %s AND c.user_id = %s AND c.removed_at IS NULL AND {visible}
"""
LOG_BY_TOKEN_SQL = "SELECT {log} FROM quizzes_reviewlog l WHERE l.token = %s"
DECK_SQL = "SELECT {deck} FROM quizzes_deck d WHERE d.id = %s AND d.user_id = %s"


@lru_cache(maxsize=8)
def _sql(template: str, vendor: str) -> str:
    columns = {name: cols.sql for name, cols in _columns().items()}
    return template.format(**columns, visible="{visible}", visible_version="{visible_version}", held="{held}")


# The widest id a database column holds (a signed 64-bit integer): a path may carry a larger number, which no card
# has and which the database driver refuses to send (OverflowError on SQLite), where the ORM finds nothing.
MAX_ID = 2**63 - 1


def card_to_show(user, card_id: int, language: str | None, visible: QuestionRule) -> Card | None:
    """The learner's card `card_id` if they may see its question (else None), with its question (in `language`
    when the item has a version in it that they may see), passage, source (without its text), deck and choices:
    what `Card.objects.visible_to(user).select_related(...).prefetch_related(...)` reads. One statement for the
    card, its deck and whether it may be seen; the question from shown_question (a second when this process has
    no copy of it). A published version in `language` the learner may see is shown in the original's place, the
    first by external id (the card, its schedule and its log stay the original's)."""
    if not 0 < card_id <= MAX_ID:
        return None
    cols = _columns()
    language = (language or "")[:2] or None
    sql = (
        _sql(CARD_SQL, connection.vendor)
        .replace("{visible_version}", visible.on("v.id"))
        .replace("{visible}", visible.on("c.question_id"))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, language, language, *visible.params, card_id, user.pk, *visible.params])
        row = cursor.fetchone()
    if row is None:
        return None
    card, deck, (personal,), (version,), _rest = _split(row, "card", "deck", "personal", "version")
    card = cols["card"].make(card)
    _cache(card, "deck", cols["deck"].make(deck) if deck[0] is not None else None)
    question = shown_question(version if version is not None else card.question_id, keep=not personal)
    if question is None:  # deleted since the card's statement read it (with its cards: a 404, as for any card gone)
        return None
    # Through the descriptor: the card shown with a version points at it (as it always did on this page).
    card.question = question
    return card


# The questions a review showed, as shown_question reads them, while the bank's version is the one they were read
# at. Reading a question, its passage, source and choices and making their instances was most of a rating's read
# (docs/performance.md, session 9); the bank's questions change far more rarely than they are shown. Every change to
# them bumps the version (quizzes/bank/version.py), except to a learner's own cards, which are never kept here. The
# instances are shared by the requests of one process: the pages only read them.
_shown: dict[int, Question] = {}
_shown_at: str | None = None
# A question kept costs about 7 kB (its passage's text most of it): at most ~15 MB per process, then all forgotten.
SHOWN_LIMIT = 2048


def shown_question(question_id: int, keep: bool = True) -> Question | None:
    """Question `question_id` with its passage, source (without its text) and choices: this process's copy while
    the bank's version holds, else read (one statement) and, with `keep` (not a learner's own card), kept. None if
    there is no such question."""
    global _shown, _shown_at
    bank = version.current()
    if bank != _shown_at or len(_shown) >= SHOWN_LIMIT:
        _shown, _shown_at = {}, bank
    question = _shown.get(question_id)
    if question is not None:
        return question
    cols = _columns()
    with connection.cursor() as cursor:
        cursor.execute(_sql(QUESTION_SQL, connection.vendor), [question_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    question, passage, source, _choices = _split(rows[0], "question", "passage", "source")
    question = _question(question, passage, source)
    width = len(cols["choice"])
    _prefetched(question, "choices", [cols["choice"].make(row[-width:]) for row in rows if row[-width] is not None])
    if keep and not question.personal:
        _shown[question_id] = question
    return question


def _split(row, *names: str) -> list:
    """The row cut into the columns of each name (a name that is no model's: one column), and what is left."""
    cols, parts, start = _columns(), [], 0
    for name in names:
        end = start + (len(cols[name]) if name in cols else 1)
        parts.append(row[start:end])
        start = end
    parts.append(row[start:])
    return parts


def _question(question, passage, source) -> Question:
    cols = _columns()
    question, passage = cols["question"].make(question), cols["passage"].make(passage)
    source = cols["source"].make(source)
    _cache(passage, "source", source)
    _cache(question, "passage", passage)
    return question


def _cache(instance: Model, name: str, value) -> None:
    instance._meta.get_field(name).set_cached_value(instance, value)


def _prefetched(instance: Model, name: str, objects: list) -> None:
    """What prefetch_related leaves: the related manager's queryset, already evaluated."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {name: queryset}
    back = instance._meta.get_field(name).field
    for obj in objects:
        back.set_cached_value(obj, instance)


class CardToRate(NamedTuple):
    card: Card
    held: bool  # its question is held by an assignment
    token_used: bool  # the rating's token is in the log already
    generation: int | None  # the learner's page generation (PageGeneration), as the card's statement read it
    kept: bytes | None  # their kept queue (KeptQueue.data) if it was kept at that generation


def card_to_rate(
    user, card_id: int, visible: QuestionRule, held: Collection[int] | RawSQL = (), token=None
) -> CardToRate | None:
    """The learner's card `card_id` if they may see its question (else None), locked until the end of the
    transaction where the database locks rows (SELECT … FOR UPDATE; SQLite's IMMEDIATE transaction holds
    the write lock already): Card.objects.visible_to(user).select_for_update().get(pk=card_id). In the same
    statement: whether its question is `held` (ids, or the rule: withheld_questions) and whether `token` is in
    the log already."""
    if not 0 < card_id <= MAX_ID:
        return None
    held_sql, held_params = "0", []
    if isinstance(held, RawSQL):
        held_sql, held_params = f"CASE WHEN c.question_id IN ({held.sql}) THEN 1 ELSE 0 END", list(held.params)
    token_value = ReviewLog._meta.get_field("token").get_db_prep_value(token, connection)
    sql = (
        _sql(CARD_TO_RATE_SQL, connection.vendor)
        .replace("{visible}", visible.on("c.question_id"))
        .replace("{held}", held_sql)
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE OF c" if connection.features.has_select_for_update_of else " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*held_params, token_value, card_id, user.pk, *visible.params])
        row = cursor.fetchone()
    if row is None:
        return None
    card = _columns()["card"].make(row[:-4])
    is_held = bool(row[-4]) or (not isinstance(held, RawSQL) and card.question_id in held)
    kept = row[-1]
    return CardToRate(card, is_held, bool(row[-3]), row[-2], bytes(kept) if kept is not None else None)


def log_by_token(token) -> ReviewLog | None:
    """The log row of the rating named `token` (unique), or None."""
    value = ReviewLog._meta.get_field("token").get_db_prep_value(token, connection)
    with connection.cursor() as cursor:
        cursor.execute(_sql(LOG_BY_TOKEN_SQL, connection.vendor), [value])
        row = cursor.fetchone()
    return _columns()["log"].make(row) if row else None


def deck_of(user, deck_id: int) -> Deck | None:
    """The learner's deck `deck_id`, or None: Deck.objects.filter(user=user, pk=deck_id).first(), read on every
    rating of a learner studying a deck, where building the ORM's query cost about as much as the rest of the kept
    path's reads (docs/performance.md, session 10: deck study kept)."""
    if not 0 < deck_id <= MAX_ID:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_sql(DECK_SQL, connection.vendor), [deck_id, user.pk])
        row = cursor.fetchone()
    return _columns()["deck"].make(row) if row else None
