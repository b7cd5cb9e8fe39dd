"""A learner's attempt with what every quiz page reads of it, by plain SQL written once.

Each quiz page (a question, its answer, the results) reads the attempt, its set, its assignment and which questions
were answered, right or wrong: built with the ORM (select_related, then the responses' values), that cost more
than running it. Here one statement reads them all, with the columns from the models' fields, the values through
the ORM's own converters and the instances made by Model.from_db (study/reading.py's Columns), so the pages read
them as they would read a queryset's.
"""

import json
from functools import lru_cache

from django.db import connection

from ..bank.models import QuizSet, withheld_questions
from ..study.reading import MAX_ID, Columns
from .models import Attempt

# The answers as one JSON array of [question id, right] pairs, and the held ids as one array: one row per attempt.
ARRAY = {"sqlite": "json_group_array({})", "postgresql": "json_agg({})"}
_PAIR = {"sqlite": "json_array({}, {})", "postgresql": "json_build_array({}, {})"}

ATTEMPT_SQL = """
SELECT {attempt}, {quizset}, {assignment},
  (SELECT {pairs} FROM quizzes_response r WHERE r.attempt_id = a.id){held}
FROM quizzes_attempt a
JOIN quizzes_quizset qs ON qs.id = a.quizset_id
LEFT JOIN quizzes_assignment asg ON asg.id = a.assignment_id
WHERE a.id = %s AND a.user_id = %s
"""
# The assignment rule (bank.models.withheld_questions, compiled once by the bank) goes where {rule} is.
HELD_SQL = ",\n  (SELECT {ids} FROM quizzes_question h WHERE h.id IN ({{rule}}))"


@lru_cache(maxsize=1)
def _columns() -> dict[str, Columns]:
    assignment = Attempt._meta.get_field("assignment").related_model  # teaching's: it sits above quizzing
    return {
        "attempt": Columns(Attempt, "a"),
        "quizset": Columns(QuizSet, "qs"),
        "assignment": Columns(assignment, "asg"),
    }


@lru_cache(maxsize=4)
def _sql(vendor: str, with_held: bool) -> str:
    cols = _columns()
    return ATTEMPT_SQL.format(
        attempt=cols["attempt"].sql,
        quizset=cols["quizset"].sql,
        assignment=cols["assignment"].sql,
        pairs=ARRAY[vendor].format(_PAIR[vendor].format("r.question_id", "r.is_correct")),
        held=HELD_SQL.format(ids=ARRAY[vendor].format("h.id")) if with_held else "",
    )


def json_list(value) -> list:
    """SQLite gives the JSON text, psycopg the value; PostgreSQL's json_agg of no rows is NULL."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def attempt_of(user, pk: int, *, held_at=None) -> Attempt | None:
    """The learner's attempt `pk` (None when it is not theirs), with its set and assignment, its `user` (the
    reveal policy reads it) and `answers`: {question id: right} for the questions answered. Given a time,
    `held_at`, `held_ids` is what bank.models.withheld_ids(user, held_at) reads, in the same statement (else None)."""
    if not 0 < pk <= MAX_ID:
        return None
    sql = _sql(connection.vendor, held_at is not None)
    params = [pk, user.pk]
    if held_at is not None:
        rule = withheld_questions(user, held_at)
        sql = sql.replace("{rule}", rule.sql)
        params = [*rule.params, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    cols, parts, start = _columns(), {}, 0
    for name in ("attempt", "quizset", "assignment"):
        parts[name] = row[start : start + len(cols[name])]
        start += len(cols[name])
    attempt = cols["attempt"].make(parts["attempt"])
    _cache(attempt, "quizset", cols["quizset"].make(parts["quizset"]))
    assignment = parts["assignment"]
    _cache(attempt, "assignment", cols["assignment"].make(assignment) if assignment[0] is not None else None)
    _cache(attempt, "user", user)
    attempt.answers = {question_id: bool(right) for question_id, right in json_list(row[start])}
    attempt.held_ids = sorted(json_list(row[start + 1])) if held_at is not None else None
    return attempt


def _cache(instance, name: str, value) -> None:
    instance._meta.get_field(name).set_cached_value(instance, value)
