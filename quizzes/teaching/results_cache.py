"""An assignment's rendered results, kept while nothing they are made from changes.

A quiz assignment's results (a row per learner, the item analysis) are read from every response of
the class: 10,000 for 200 learners and 50 questions, about 100 ms of work. They change only when a
learner joins or leaves, starts, answers or finishes, gets an extension, or the bank (a question,
its choices) or the assignment changes. One query reads a fingerprint of all of these from the
database, and the HTML is cached under it, so a change shows on the next request in every process
whatever the cache. Study assignments (their recall moves with every review) are never cached.

Not in the fingerprint: a learner's new username shows after the class's next change.

The whole page (`page`) is kept too, for a plain GET with no message waiting: under the same fingerprint, with
what the rest of the page shows (the assignment's and its class's columns, read with the assignment) and the
navigation drawn for the viewer (their name, roles, the prefix); the CSRF token and the nonce are written in at
each request (quizzes/kept.py).
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import kept
from ..accounts.context_processors import roles
from ..bank import version as bank_version
from .models import Assignment

TIMEOUT = 60 * 60

# One pass over each table. Only the answers of attempts still open are read: an attempt takes answers until it
# is finished, in the same transaction as its last one, and a finished attempt's answers never change (nor go
# without the attempt), so once finished its answers are told by the attempts' counts, last id and scores.
FINGERPRINT_SQL = """
SELECT e.n, e.s, t.n, t.m, t.f, t.s, r.n, r.m, x.n, x.m FROM
  (SELECT COUNT(*) AS n, COALESCE(SUM(learner_id), 0) AS s FROM quizzes_enrollment WHERE classroom_id = %s) e,
  (SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m, COUNT(finished_at) AS f, COALESCE(SUM(score), 0) AS s
     FROM quizzes_attempt WHERE assignment_id = %s) t,
  (SELECT COUNT(*) AS n, COALESCE(MAX(r.id), 0) AS m
     FROM quizzes_response r JOIN quizzes_attempt a ON a.id = r.attempt_id
     WHERE a.assignment_id = %s AND a.finished_at IS NULL) r,
  (SELECT COUNT(*) AS n, MAX(due_at) AS m FROM quizzes_extension WHERE assignment_id = %s) x
"""


def fingerprint(assignment: Assignment) -> str:
    """What the results are made from, in one query (indexes on the foreign keys), as a short key."""
    a, c = assignment.pk, assignment.classroom_id
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [c, a, a, a])
        row = cursor.fetchone()
    own = (
        assignment.quizset_id,
        assignment.mode,
        assignment.grading,
        assignment.due_at.isoformat(),
        assignment.opens_at.isoformat(),
        assignment.reveal,
    )
    # The viewer's language and time zone: the HTML holds dates in the teacher's time zone.
    text = repr((row, own, bank_version.current(), get_language(), timezone.get_current_timezone_name()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def cached(assignment: Assignment, parts: dict) -> dict[str, str]:
    """Each part's HTML (`parts` maps a name to a function rendering it), from the cache while nothing
    the results are made from changed: one query when they are there."""
    if assignment.mode != Assignment.Mode.QUIZ:
        return {name: render() for name, render in parts.items()}
    base = f"learnapp:results:{assignment.pk}:{fingerprint(assignment)}"
    found = cache.get_many([f"{base}:{name}" for name in parts])
    html = {}
    for name, render in parts.items():
        key = f"{base}:{name}"
        if key in found:
            html[name] = mark_safe(found[key])  # rendered by our templates, escaped there
        else:
            html[name] = render()
            cache.set(key, str(html[name]), TIMEOUT)
    return html


def page(request, assignment: Assignment, render) -> bytes:
    """The teacher's whole results page of a quiz assignment: kept while nothing it is made from changes, else
    `render(marks)` (quizzes/kept.py: the CSRF token and the nonce go where their marks are)."""
    shown = (
        tuple(getattr(assignment, f.attname) for f in Assignment._meta.concrete_fields),
        tuple(getattr(assignment.classroom, f.attname) for f in assignment.classroom._meta.concrete_fields),
        request.user.get_username(),
        request.user.is_staff,
        roles(request),
        get_script_prefix(),
    )
    key = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    key = f"learnapp:results-page:{request.user.pk}:{assignment.pk}:{fingerprint(assignment)}:{key}"
    return kept.html(request, key, None, timezone.now(), render, encoded=True)
