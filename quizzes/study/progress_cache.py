"""The learner's rendered progress, kept while nothing it is made from changes (as teaching's results_cache).

The page reads the learner's cards, days and log through seven statements and renders ~6 ms of template:
it changes only when one of these does. One query reads a fingerprint of them (the cards' count, versions and
removals, the days' sums, the log's latest review, the classes, assignments, extensions and held questions that
decide what is visible and withheld, the learner's own questions), and the HTML of the page's content is cached
under it, with what else it is made from read without a query (the bank's version, the settings, whether the
user is an admin, the local day, the language and time zone).

What moves with time alone (a card falls due, is no longer mastered, comes back from being buried, enters the
30-day forecast) is not in the fingerprint: the same query reads the first moment at which any of these happens,
and the cached HTML is kept only until then. The "due … ago" of the cards at risk and the CSRF token of the
leeches' forms are written in at each request (markers in the HTML: HTML comments, which escaped text from
the bank or the learner cannot make).

Not in the fingerprint: a write to a card that bumps neither its version nor its review counts (the demo
command's `update(due=…)`) shows after the learner's next change."""

import hashlib
import re
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language

from ..accounts.roles import is_admin
from ..bank import version as bank_version
from ..bank.models import withheld_questions
from . import scheduling
from .models import StudySettings
from .reading import read_datetime

TIMEOUT = 60 * 60
FORECAST = timedelta(days=30)  # stats.FORECAST_DAYS: a card due within 30 days of now is in the forecast
CSRF_MARKER = "<!--learnapp:csrf-->"
SINCE_MARKER = "<!--learnapp:{}-->"
MARKERS = re.compile(r"<!--learnapp:(csrf|\d+)-->")

# The held questions, listed: the trust rule's result for this learner now (it moves with due dates too).
HELD_LIST = {
    "postgresql": "STRING_AGG(CAST(h.id AS text), ',' ORDER BY h.id)",
    "sqlite": "GROUP_CONCAT(h.id)",
}
# The counts and sums read in one pass over the learner's cards and days; the first moment each kind of card
# changes with time alone (see `fingerprint`) read in the indexes (card_queue: user, state, due; card_mastery).
FINGERPRINT_SQL = """
SELECT c.n, c.v, c.s, c.r, c.rm, c.m, d.n, d.r, d.c, d.p, d.w, e.n, e.s, a.n, a.m, a.s, x.n, x.m, x.s, q.n, q.m,
  l.m, c.bu,
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 2 AND due >= %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 1 AND due >= %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 3 AND due >= %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 1 AND due >= %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 2 AND due >= %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 3 AND due >= %s),
  (SELECT MIN(mastered_until) FROM quizzes_card WHERE user_id = %s AND mastered_until >= %s),
  CASE WHEN e.n > 0 THEN (SELECT {held_list} FROM quizzes_question h WHERE h.id IN ({held})) END
FROM
  (SELECT COUNT(*) AS n, COALESCE(SUM(version), 0) AS v, COALESCE(SUM(state + 4 * reps + 64 * lapses), 0) AS s,
     COUNT(removed_at) AS r, MAX(removed_at) AS rm, COALESCE(MAX(id), 0) AS m,
     MIN(CASE WHEN buried_until >= %s THEN buried_until END) AS bu
   FROM quizzes_card WHERE user_id = %s) c,
  (SELECT COUNT(*) AS n, COALESCE(SUM(reviews), 0) AS r, COALESCE(SUM(review_cards), 0) AS c,
     COALESCE(SUM(review_passed), 0) AS p, COALESCE(SUM(new_cards), 0) AS w
   FROM quizzes_reviewday WHERE user_id = %s) d,
  (SELECT COUNT(*) AS n, COALESCE(SUM(classroom_id), 0) AS s FROM quizzes_enrollment WHERE learner_id = %s) e,
  (SELECT COUNT(*) AS n, COALESCE(MAX(a.id), 0) AS m, COALESCE(SUM(a.quizset_id), 0) AS s
   FROM quizzes_assignment a JOIN quizzes_enrollment ae ON ae.classroom_id = a.classroom_id
   WHERE ae.learner_id = %s) a,
  (SELECT COUNT(*) AS n, MAX(due_at) AS m, COALESCE(SUM(assignment_id), 0) AS s
   FROM quizzes_extension WHERE learner_id = %s) x,
  (SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM quizzes_question WHERE owner_id = %s AND personal = %s) q,
  (SELECT MAX(reviewed_at) AS m FROM quizzes_reviewlog WHERE user_id = %s) l
"""
FINGERPRINTED = 22  # the columns that say what the page is made from; then the moments, then the held questions


def fingerprint(user, settings: StudySettings, now: datetime) -> tuple[str, datetime | None, list[int]]:
    """What the page is made from, as a short key, until when its HTML holds (None: no end), and the questions
    held from the learner now (scheduling.held_questions: the queue needs them), in one query."""
    at = connection.ops.adapt_datetimefield_value
    held = withheld_questions(user, now)
    sql = FINGERPRINT_SQL.replace("{held_list}", HELD_LIST.get(connection.vendor, HELD_LIST["sqlite"]))
    sql = sql.replace("{held}", held.sql)
    ahead, u = scheduling.LEARN_AHEAD, user.pk
    soon, later = at(now + ahead), at(now + FORECAST)
    params = [u, at(now), u, soon, u, soon, u, later, u, later, u, later, u, at(now), *held.params]
    params += [at(now), u, u, u, u, u, u, True, u]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    # When the page changes with time alone: a card comes back from being buried, a review falls due (at risk),
    # a learning card comes within the look-ahead of the count due today, a card comes within the forecast's 30
    # days, a card stops being mastered. The HTML is kept until the first of these.
    buried, at_risk, learning, relearning, *forecast, mastered = (read_datetime(v) for v in row[FINGERPRINTED:-1])
    ends = [buried, at_risk, learning and learning - ahead, relearning and relearning - ahead, mastered]
    ends += [end - FORECAST for end in forecast if end is not None]
    until = min((end for end in ends if end is not None), default=None)
    held_ids = sorted(int(pk) for pk in (row[-1] or "").split(",") if pk)
    fields = tuple(getattr(settings, f.attname) for f in StudySettings._meta.concrete_fields)
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    text = repr(
        (
            user.pk,
            row[:FINGERPRINTED],
            held_ids,
            fields,
            is_admin(user),
            today.isoformat(),
            bank_version.current(),
            get_language(),
            timezone.get_current_timezone_name(),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest(), until, held_ids


def content(request, settings: StudySettings, now: datetime, render) -> str:
    """The page's content: from the cache while nothing it is made from changed, else `render()`, which
    returns the HTML (with the markers) and the due moments of the cards at risk from the held questions."""
    key, until, held = fingerprint(request.user, settings, now)
    key = f"learnapp:progress:{request.user.pk}:{key}"
    found = cache.get(key)
    if found is not None and (found["until"] is None or now < found["until"]):
        parts, dues = found["parts"], found["dues"]
    else:
        html, dues = render(held)
        # Cut once at the markers: the text between them, then (odd items) what each marker stands for.
        parts = MARKERS.split(str(html))
        if until is None or now < until:
            cache.set(key, {"parts": parts, "dues": dues, "until": until}, TIMEOUT)
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    out = parts[:]
    for i in range(1, len(parts), 2):
        out[i] = csrf if parts[i] == "csrf" else escape(timesince(dues[int(parts[i])], now))
    return mark_safe("".join(out))  # rendered by our templates, escaped there
