"""The learner's progress page, kept whole while nothing it is made from changes (quizzes/kept.py, as the library).

Rendered, the page reads the learner's cards, days and log through seven statements and renders ~6 ms of
template: it changes only when one of these does. The page's HTML is kept under the learner's page generation,
which the database bumps at every write to their cards, log, own questions, classes, assignments and extensions
(study.models.PageGeneration; their days move with their log, or with a time zone, in the settings), loaded with
the user: no query of its own. With it, in the key, what else the page is made from: the bank's version, the
settings, the local day, the language and time zone (learner_pages.key), whether the user is an admin, and the
navigation around the content (the username, the roles it is drawn for, the prefix the app is served under).

A user without a generation yet (made in bulk; theirs is made on that request) has their page keyed by a
fingerprint read in one query (`fingerprint`: the cards' count, versions and removals, the days' sums, the log's
latest review, the classes, assignments, extensions and held questions, their own questions).

What moves with time alone (a card falls due, is no longer mastered, comes back from being buried, enters the
30-day forecast; an assignment's due date comes and its questions are no longer held) is in neither: the
fingerprint's query reads the first moment at which any of these happens, when the page is rendered, and the page
is kept only until then. The CSRF token (the forms of the navigation and the leeches), the CSP nonce and the "due
… ago" of the cards at risk (from their due dates, kept with the page) are written in at each request.

Not kept: a request with a query string (the language form sends the visitor back to the full path), a HEAD, and
a page with a message waiting (showing it uses it up)."""

import hashlib
import itertools
import re
from datetime import datetime, timedelta
from functools import lru_cache

from django.contrib.messages import get_messages
from django.db import connection
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import escape
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language

from .. import kept
from ..accounts.context_processors import roles
from ..accounts.roles import is_admin
from ..bank import version as bank_version
from ..bank.models import withheld_questions
from . import learner_pages, scheduling
from .models import StudySettings
from .reading import read_datetime

FORECAST = timedelta(days=30)  # stats.FORECAST_DAYS: a card due within 30 days of now is in the forecast

# The held questions, listed: the trust rule's result for this learner now (it moves with due dates too).
HELD_LIST = {
    "postgresql": "STRING_AGG(CAST(h.id AS text), ',' ORDER BY h.id)",
    "sqlite": "GROUP_CONCAT(h.id)",
}
# The counts and sums read in one pass over the learner's cards and days; the first moment each kind of card
# changes with time alone (see `fingerprint`) read in the indexes (card_queue: user, state, due; card_mastery).
# Named parameters: each value given once (the learner's id is used fifteen times). They were first chosen because
# Django's SQLite backend ran a regular expression over the whole statement at each execution for "%s" (~70 µs
# here), where names cost one `%`; learnapp/sqlite3 now converts each "%s" text once, which would do as well.
FINGERPRINT_SQL = """
SELECT c.n, c.v, c.s, c.r, c.rm, c.m, d.n, d.r, d.c, d.p, d.w, e.n, e.s, a.n, a.m, a.s, x.n, x.m, x.s, q.n, q.m,
  l.m, c.bu,
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %(u)s AND state = 2 AND due >= %(now)s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %(u)s AND state = 1 AND due >= %(soon)s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %(u)s AND state = 3 AND due >= %(soon)s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %(u)s AND state = 1 AND due >= %(later)s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %(u)s AND state = 2 AND due >= %(later)s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %(u)s AND state = 3 AND due >= %(later)s),
  (SELECT MIN(mastered_until) FROM quizzes_card WHERE user_id = %(u)s AND mastered_until >= %(now)s),
  (SELECT MIN(COALESCE(dx.due_at, da.due_at)) FROM quizzes_enrollment de
   JOIN quizzes_assignment da ON da.classroom_id = de.classroom_id
   LEFT JOIN quizzes_extension dx ON dx.assignment_id = da.id AND dx.learner_id = de.learner_id
   WHERE de.learner_id = %(u)s AND COALESCE(dx.due_at, da.due_at) > %(now)s),
  CASE WHEN e.n > 0 THEN (SELECT {held_list} FROM quizzes_question h WHERE h.id IN ({held})) END
FROM
  (SELECT COUNT(*) AS n, COALESCE(SUM(version), 0) AS v, COALESCE(SUM(state + 4 * reps + 64 * lapses), 0) AS s,
     COUNT(removed_at) AS r, MAX(removed_at) AS rm, COALESCE(MAX(id), 0) AS m,
     MIN(CASE WHEN buried_until >= %(now)s THEN buried_until END) AS bu
   FROM quizzes_card WHERE user_id = %(u)s) c,
  (SELECT COUNT(*) AS n, COALESCE(SUM(reviews), 0) AS r, COALESCE(SUM(review_cards), 0) AS c,
     COALESCE(SUM(review_passed), 0) AS p, COALESCE(SUM(new_cards), 0) AS w
   FROM quizzes_reviewday WHERE user_id = %(u)s) d,
  (SELECT COUNT(*) AS n, COALESCE(SUM(classroom_id), 0) AS s FROM quizzes_enrollment WHERE learner_id = %(u)s) e,
  (SELECT COUNT(*) AS n, COALESCE(MAX(a.id), 0) AS m, COALESCE(SUM(a.quizset_id), 0) AS s
   FROM quizzes_assignment a JOIN quizzes_enrollment ae ON ae.classroom_id = a.classroom_id
   WHERE ae.learner_id = %(u)s) a,
  (SELECT COUNT(*) AS n, MAX(due_at) AS m, COALESCE(SUM(assignment_id), 0) AS s
   FROM quizzes_extension WHERE learner_id = %(u)s) x,
  (SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM quizzes_question WHERE owner_id = %(u)s AND personal = %(own)s) q,
  (SELECT MAX(reviewed_at) AS m FROM quizzes_reviewlog WHERE user_id = %(u)s) l
"""
FINGERPRINTED = 22  # the columns that say what the page is made from; then the moments, then the held questions
POSITIONAL = re.compile(r"(?<!%)%s")


@lru_cache(maxsize=4)
def _statement(vendor: str, held: str) -> tuple[str, int]:
    """The fingerprint's statement with the held questions' rule in it, its parameters named held0, held1…;
    and how many. The rule's SQL is compiled once per process (bank.models.withheld_questions)."""
    names = itertools.count()
    held = POSITIONAL.sub(lambda _m: f"%(held{next(names)})s", held)
    sql = FINGERPRINT_SQL.replace("{held_list}", HELD_LIST.get(vendor, HELD_LIST["sqlite"]))
    return sql.replace("{held}", held), next(names)


def fingerprint(request, settings: StudySettings, now: datetime) -> tuple[str, datetime | None, list[int]]:
    """What the page is made from, as a short key, until when its HTML holds (None: no end), and the questions
    held from the learner now (scheduling.held_questions: the queue needs them), in one query."""
    user = request.user
    at = connection.ops.adapt_datetimefield_value
    held = withheld_questions(user, now)
    sql, count = _statement(connection.vendor, held.sql)
    ahead = scheduling.LEARN_AHEAD
    params = {"u": user.pk, "now": at(now), "soon": at(now + ahead), "later": at(now + FORECAST), "own": True}
    params |= {f"held{i}": value for i, value in zip(range(count), held.params, strict=True)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    # When the page changes with time alone: a card comes back from being buried, a review falls due (at risk),
    # a learning card comes within the look-ahead of the count due today, a card comes within the forecast's 30
    # days, a card stops being mastered, an assignment's due date (the learner's) comes and its questions are no
    # longer held (they are while it is later than now). The HTML is kept until the first of these.
    moments = (read_datetime(v) for v in row[FINGERPRINTED:-1])
    buried, at_risk, learning, relearning, *forecast, mastered, due = moments
    ends = [buried, at_risk, learning and learning - ahead, relearning and relearning - ahead, mastered, due]
    ends += [end - FORECAST for end in forecast if end is not None]
    until = min((end for end in ends if end is not None), default=None)
    held_ids = sorted(int(pk) for pk in (row[-1] or "").split(",") if pk)
    fields = tuple(getattr(settings, f.attname) for f in StudySettings._meta.concrete_fields)
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    navigation = roles(request)
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
            # What base.html shows around the content: the navigation for this name and role, this prefix.
            user.get_username(),
            navigation["is_teacher"],
            navigation["is_admin"],
            get_script_prefix(),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest(), until, held_ids


class _Unit:
    """One of timesince's texts ("%(num)d day"), translated once per language and number: the lazy translation
    is most of timesince's cost, and a kept page works out the "due … ago" of up to ten cards at each request."""

    def __init__(self, text) -> None:
        self.text = text
        self.done: dict[tuple, str] = {}

    def __mod__(self, values: dict) -> str:
        key = (get_language(), values["num"])
        done = self.done.get(key)
        if done is None:
            if len(self.done) >= 1024:
                self.done.clear()
            done = self.done[key] = self.text % values
        return done


UNITS = {name: _Unit(text) for name, text in TIME_STRINGS.items()}


def since(due: datetime, now: datetime) -> str:
    """The "due … ago" of a card at risk: timesince's text, as HTML."""
    return escape(timesince(due, now, time_strings=UNITS))


def keeps(request) -> bool:
    """Whether this request's page may be kept: a GET of it without a query string, no message waiting. (An htmx
    request gets the same page: asking `request.htmx` would build the request's headers, ~30 µs, for nothing.)"""
    return request.method == "GET" and not request.META.get("QUERY_STRING") and not len(get_messages(request))


def page(request, settings: StudySettings, now: datetime, render) -> bytes:
    """The page's HTML, encoded: kept while nothing it is made from changed, else `render(marks, held)`, which
    renders it with the marks given (quizzes/kept.py: the CSRF token, the nonce, and "since-<i>" for the "due …
    ago" of the i-th card at risk) and returns it with those cards' due dates.

    Keyed by the learner's page generation (learner_pages.key: no query) with what the navigation shows, the
    fingerprint then read only when the page is rendered, for its moments and the held questions; by the
    fingerprint, one query, for a user without a generation yet."""
    generation = learner_pages.key(request, settings, now)
    read = {}
    if generation is None:
        key, until, read["held"] = fingerprint(request, settings, now)
    else:
        user, navigation = request.user, roles(request)
        shown = (generation, is_admin(user), navigation["is_teacher"], navigation["is_admin"], get_script_prefix())
        key = "g" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()

        def until():
            _key, moment, read["held"] = fingerprint(request, settings, now)
            return moment

    return kept.html(
        request,
        f"learnapp:progress-page:{request.user.pk}:{key}",
        until,
        now,
        lambda marks: render(marks, read["held"]),
        fill=lambda dues: {f"since-{i}": since(due, now) for i, due in enumerate(dues)},
        encoded=True,
    )
