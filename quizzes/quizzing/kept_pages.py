"""A learner's quiz question and quiz results pages, kept whole per attempt while nothing they are made from
changes (quizzes/kept.py; as quizzes/library_cache.py keeps the library).

Rendered, either page costs the attempt's instances, its questions and its templates: about what a logged-in request
costs again. Kept, it costs one query, FINGERPRINT_SQL, read by the attempt's id and its owner (no row: the attempt
is not theirs, and the view answers 404 as before, the kept pages left aside). It reads what the page is made from:

- the attempt's columns (its questions and their choices' order, its deadline, its end and score, the retake);
- which questions were answered (a response is written once and never changed);
- its assignment's rule (mode, reveal, due date, attempts allowed) and the learner's extension;
- for the results, how many attempts the learner used where this one counts (the attempts left);
- for a practice attempt of a learner in a class, where the page shows it (the results, an answered question's
  feedback), what the assignments of their classes withhold from them now: the bank's rule at this request's time
  (bank.models.withheld_ids), a second query. A page of an attempt with anything held is not kept (its message
  names the assignment holding it, of which the fingerprint reads nothing).

With what it depends on without a query: the bank's version (the questions, their choices and passages, the set:
quizzing/views.py's questions are kept by it too), the language, the time zone, the learner's name and roles, the
URL.

What moves with time alone: a timed attempt's time left, written in at each request as the CSRF token is, and its
deadline (the view closes the attempt; the kept page ends then); the learner's due date of the assignment (its
answers are shown from then on: the kept page ends then too). Nothing on these pages moves at the assignment's
opening: an attempt exists only once it opened.

Not kept: a POST, an htmx request (the next question is asked for once, then its answer posted: kept, it would
only cost the cut and the store), a request with a query string (a flashcard's back), a page with a message to
show, staff, a session without its roles yet (the navigation shows them), and whatever the view answers otherwise
than with the page (a redirect, a 404, an attempt to close): the view does those itself.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from django.contrib.messages import get_messages
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from .. import kept
from ..bank import version as bank_version
from ..bank.models import withheld_ids
from ..study.reading import MAX_ID, read_datetime
from .models import clock_text, seconds_until
from .reading import ARRAY, json_list

FINGERPRINT_SQL = """
SELECT a.question_ids, a.choice_order, a.started_at, a.deadline, a.finished_at, a.score, a.retake_of_id,
  a.quizset_id, a.assignment_id, a.late,
  (SELECT {answered} FROM quizzes_response r WHERE r.attempt_id = a.id),
  g.mode, g.reveal, g.due_at, g.max_attempts, x.due_at,
  {used},
  a.assignment_id IS NULL AND {asked} AND EXISTS (SELECT 1 FROM quizzes_enrollment e WHERE e.learner_id = a.user_id)
FROM quizzes_attempt a
LEFT JOIN quizzes_assignment g ON g.id = a.assignment_id
LEFT JOIN quizzes_extension x ON x.assignment_id = a.assignment_id AND x.learner_id = a.user_id
WHERE a.id = %s AND a.user_id = %s
"""
# What is held is asked (the rule runs, in a second query) only where the page shows it: for a practice attempt, of a
# learner in a class (the rule reads their classes' assignments: none without one), on the results or a question
# answered (the feedback; an unanswered question shows nothing of it). The question's id is the attempt's at its
# position (its JSON array). Not in the same statement: PostgreSQL plans the rule on each request even where it does
# not run it (2.5 ms against 1 ms for the statement without it, measured).
ANSWERED_SQL = "EXISTS (SELECT 1 FROM quizzes_response rq WHERE rq.attempt_id = a.id AND rq.question_id = {nth})"
_NTH = {
    "sqlite": "json_extract(a.question_ids, '$[' || %s || ']')",
    "postgresql": "CAST(a.question_ids ->> CAST(%s AS integer) AS bigint)",
}
# The attempts that count against the set's or the assignment's maximum (quizzing.flow.attempts_left), by the
# index of the learner's attempts on a set.
USED_SQL = """(SELECT COUNT(*) FROM quizzes_attempt t
   WHERE t.user_id = a.user_id AND t.quizset_id = a.quizset_id AND t.retake_of_id IS NULL
     AND (t.assignment_id = a.assignment_id OR (t.assignment_id IS NULL AND a.assignment_id IS NULL)))"""


class Fingerprint(NamedTuple):
    """A row of FINGERPRINT_SQL."""

    question_ids: object
    choice_order: object
    started_at: object
    deadline: object
    finished_at: object
    score: object
    retake_of: object
    quizset: object
    assignment: object
    late: object
    answered: object
    mode: object
    reveal: object
    due_at: object
    max_attempts: object
    extended_at: object
    used: object
    asked: object


@lru_cache(maxsize=4)
def _sql(vendor: str, results: bool) -> str:
    """The fingerprint of the results (with the attempts used) or of a question (its index in the attempt's
    questions is the statement's first parameter)."""
    return FINGERPRINT_SQL.format(
        answered=ARRAY[vendor].format("r.question_id"),
        used=USED_SQL if results else "NULL",
        asked="1 = 1" if results else ANSWERED_SQL.format(nth=_NTH[vendor]),
    )


def keeps(request) -> bool:
    """Whether this request's page may come from the cache: a plain GET of a learner (or a teacher taking a quiz)
    whose session has their roles, with no message waiting (showing it uses it up)."""
    user = request.user
    return (
        request.method in ("GET", "HEAD")
        and not kept.htmx(request)
        and not request.META.get("QUERY_STRING")
        and user.is_authenticated
        and not user.is_staff
        and request.session.get("roles") is not None
        and not len(get_messages(request))
    )


def _read(request, pk: int, position: int | None = None) -> Fingerprint | None:
    """The fingerprint of the learner's attempt `pk` for its question `position`, or without one for its results;
    None when it is not theirs."""
    if not 0 < pk <= MAX_ID:
        return None
    params = [pk, request.user.pk] if position is None else [position - 1, pk, request.user.pk]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, position is None), params)
        row = cursor.fetchone()
    return None if row is None else Fingerprint._make(row)


def _page(request, name: str, found: Fingerprint, now: datetime, render, fresh=None) -> bytes | None:
    """The page kept under what `found` and the request say it is made from, until its first moment in time;
    None when an assignment holds questions of a practice attempt (the page names it)."""
    question_ids = json_list(found.question_ids)
    if found.asked and not set(withheld_ids(request.user, now)).isdisjoint(question_ids):
        return None
    moments = []
    if found.finished_at is None and found.deadline is not None:
        moments.append(read_datetime(found.deadline))
    if found.assignment is not None:  # the learner's due date: answers revealed (Assignment.reveals_answers_to)
        moments.append(read_datetime(found.extended_at) or read_datetime(found.due_at))
    until = min((moment for moment in moments if moment > now), default=None)
    user = request.user
    text = repr(
        (
            name,
            request.get_full_path(),
            user.pk,
            user.get_username(),
            tuple(request.session["roles"]),
            found._replace(answered=sorted(json_list(found.answered)), asked=None),
            bank_version.current(),
            get_language(),
            timezone.get_current_timezone_name(),
        )
    )
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return kept.html(request, f"learnapp:{name}:{user.pk}:{digest}", until, now, render, fresh, encoded=True)


def question_page(request, pk: int, position: int, now: datetime, render: Callable[[dict], str]) -> bytes | None:
    """Question `position` of the learner's attempt `pk`: from the cache while nothing it is made from changed, else
    `render(marks)` (kept.html's marks: the CSRF token, the nonce, and for a timed attempt "seconds_left" and
    "time_left"). None when the view must answer itself: not their attempt, no such question, time up, or a
    question they may not see yet or any more (a redirect)."""
    if not 0 < position <= MAX_ID:
        return None
    found = _read(request, pk, position)
    if found is None:
        return None
    question_ids = json_list(found.question_ids)
    if not 1 <= position <= len(question_ids):
        return None
    deadline, finished = read_datetime(found.deadline), found.finished_at is not None
    if not finished and deadline is not None and now > deadline:  # Attempt.is_late: the view closes it
        return None
    answered = set(json_list(found.answered))
    if question_ids[position - 1] not in answered and (finished or position != len(answered) + 1):
        return None
    fresh = None
    if deadline is not None and not finished:
        left = seconds_until(deadline, now)
        fresh = {"seconds_left": str(left), "time_left": clock_text(left)}
    return _page(request, "quiz-question", found, now, render, fresh)


def results_page(request, pk: int, now: datetime, render: Callable[[dict], str]) -> bytes | None:
    """The results of the learner's finished attempt `pk`, as question_page; None when the view must answer itself
    (not their attempt, not finished)."""
    found = _read(request, pk)
    if found is None or found.finished_at is None:
        return None
    return _page(request, "quiz-results", found, now, render)
