"""The library page of a learner, kept whole while nothing it is made from changes (as study/progress_cache.py).

Rendered, the page costs four queries (the due counts per set, the held questions, the queue's counts, the
assignments) and its templates: several times what a logged-in request costs. Kept, it costs one query: a
fingerprint of what the learner's part is made from (the cards it counts, new or due before the day ends: their
count, versions, states, removals, last id; every write to a card bumps its version; their own questions; today's
ratings), read with what else it depends on without a query (the settings, the local day, the bank's version,
the language, the time zone, the name). Only learners' pages are kept: no navigation of a role that sees more.

What moves with time alone: a learning card comes within the queue's look-ahead, a buried card comes back (the
same query reads the first of these moments: the page is kept only until then), and a new day (in the key).

Not kept: a learner with an assignment in one of their classes (its status, score and recall move with their
attempts, the teacher's edits and the clock, and it may hold questions back or show a teacher's own: their page
is rendered each time), a teacher or an admin (their library is their own), a filtered or htmx request, and a
page with a message to show. The CSRF token and the CSP nonce are cut out of the kept page and written in at
each request."""

import hashlib
import re
from datetime import UTC, datetime

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from . import library
from .bank import version as bank_version
from .study import scheduling
from .study.models import StudySettings

TIMEOUT = 60 * 60
# This process's copy of the pages it last read from the cache, by key: no unpickling, nor a trip to Redis, on
# each request. A key names what its page is made from, so a copy is never stale but for its `until`, checked.
RECENT = 64
_recent: dict[str, dict] = {}

# The learner's cards that the page counts (new, or due before the day ends: their count, versions, last id,
# states, suspensions, removals, and when the first buried one comes back; a card moved into or out of them
# changes these), own questions and today's ratings, in one pass each; whether any class of theirs has an
# assignment; when the first learning or relearning card comes within the look-ahead. Each a range of an index
# (card_queue: user, state, due; reviewlog_user_time): the cost follows what the page counts, not the collection.
CARD_COLUMNS = "id, version, state, suspended, removed_at, buried_until"
FINGERPRINT_SQL = f"""
SELECT c.n, c.v, c.m, c.s, c.r, c.bu, q.n, q.m, l.n, l.m, a.n, c.bu,
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 1 AND due > %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 3 AND due > %s)
FROM
  (SELECT COUNT(*) AS n, COALESCE(SUM(version), 0) AS v, COALESCE(MAX(id), 0) AS m,
     COALESCE(SUM(state + CASE WHEN suspended THEN 4 ELSE 0 END), 0) AS s, COUNT(removed_at) AS r,
     MIN(CASE WHEN buried_until > %s THEN buried_until END) AS bu
   FROM (SELECT {CARD_COLUMNS} FROM quizzes_card WHERE user_id = %s AND state = 0
         UNION ALL
         SELECT {CARD_COLUMNS} FROM quizzes_card WHERE user_id = %s AND state IN (1, 2, 3) AND due < %s) k) c,
  (SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM quizzes_question WHERE owner_id = %s AND personal = %s) q,
  (SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM quizzes_reviewlog WHERE user_id = %s AND reviewed_at >= %s) l,
  (SELECT COUNT(*) AS n FROM quizzes_assignment a JOIN quizzes_enrollment e ON e.classroom_id = a.classroom_id
   WHERE e.learner_id = %s) a
"""
FINGERPRINTED = 10  # the columns that say what the page is made from; then the assignments, then the moments


def keeps(request) -> bool:
    """Whether this request's page may come from the cache: a learner's library, unfiltered, in full, with
    no message waiting (showing it uses it up)."""
    return (
        request.user.is_authenticated
        and not request.GET
        and not request.htmx
        and library.sees_the_published_bank(request)
        and not len(get_messages(request))
    )


def _moment(value) -> datetime | None:
    """A timestamp read by plain SQL: SQLite gives UTC text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def fingerprint(request, settings: StudySettings, now: datetime) -> tuple[str | None, datetime | None]:
    """What the learner's page is made from, as a short key (None: not kept, they have an assignment), and
    until when it holds (None: no end), in one query."""
    user = request.user
    at = connection.ops.adapt_datetimefield_value
    start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
    soon, u = now + scheduling.LEARN_AHEAD, user.pk
    counted = max(end, soon)  # the queue counts learning cards due within the look-ahead, past the day's end too
    params = [u, at(soon), u, at(soon), at(now), u, u, at(counted), u, True, u, at(start), u]
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, params)
        row = cursor.fetchone()
    if row[FINGERPRINTED]:
        return None, None
    buried, learning, relearning = (_moment(v) for v in row[FINGERPRINTED + 1 :])
    ahead = scheduling.LEARN_AHEAD
    moments = [buried, learning and learning - ahead, relearning and relearning - ahead]
    until = min((moment for moment in moments if moment is not None), default=None)
    fields = tuple(getattr(settings, f.attname) for f in StudySettings._meta.concrete_fields)
    text = repr(
        (
            user.pk,
            user.get_username(),
            row[:FINGERPRINTED],
            fields,
            scheduling.local_day(now, settings.timezone, settings.rollover_hour).isoformat(),
            bank_version.current(),
            get_language(),
            timezone.get_current_timezone_name(),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest(), until


def page(request, now: datetime, render) -> str | None:
    """The page's HTML: from the cache while nothing it is made from changed, else `render(token, nonce)`,
    which renders it with the CSRF token and the CSP nonce given. None when it is not kept for this learner."""
    settings = StudySettings.read_for(request.user)
    key, until = fingerprint(request, settings, now)
    if key is None:
        return None
    key = f"learnapp:library-page:{request.user.pk}:{key}"
    token, nonce = get_token(request), str(get_nonce(request))
    found = _recent.get(key) or cache.get(key)
    if found is None or (found["until"] is not None and now >= found["until"]):
        html = render(token, nonce)
        # Cut where the token and the nonce are (random: no text can hold them by chance); odd items name them.
        parts = re.split(f"({re.escape(token)}|{re.escape(nonce)})", html)
        for i in range(1, len(parts), 2):
            parts[i] = "csrf" if parts[i] == token else "nonce"
        found = {"parts": parts, "until": until}
        cache.set(key, found, TIMEOUT)  # `until` is always later than now: a moment to come, or none
    if _recent.get(key) is not found:
        if len(_recent) >= RECENT:
            _recent.clear()
        _recent[key] = found
    parts = found["parts"]
    out = parts[:]
    for i in range(1, len(parts), 2):
        out[i] = token if parts[i] == "csrf" else nonce
    return "".join(out)
