"""A learner's kept study pages (the library, the review page; quizzes/kept.py): their key, made without a query
from what is loaded with the user, and until when a kept page holds with time alone (quizzes/library_cache.py
tells the library's story; the review page: quizzes/study/views.py `review`)."""

import hashlib
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from ..accounts.roles import Role, role_names
from ..bank import version as bank_version
from . import scheduling
from .models import PageGeneration, StudySettings
from .reading import read_datetime

# Each assignment of a class the learner is enrolled in (archived or not: what an assignment holds back reads every
# class of theirs, quizzes/bank/models.py withheld_*): when it opens, its due date and the learner's extension's
# (assignment_ends). One parameter: the learner. Also read by the queue kept for rate-and-next (kept_queue.py).
ASSIGNMENTS_SQL = """SELECT a.id, a.opens_at, a.due_at, x.due_at AS extended_at
   FROM quizzes_enrollment e
   JOIN quizzes_assignment a ON a.classroom_id = e.classroom_id
   LEFT JOIN quizzes_extension x ON x.assignment_id = a.id AND x.learner_id = e.learner_id
   WHERE e.learner_id = %s"""
# When a learner's kept page changes with time alone, read when it is rendered: the first buried card of those the
# pages count (new, or due before the day ends) comes back; the first learning or relearning card comes within the
# queue's look-ahead, or comes due; and, on as many rows as the learner has assignments (one row of nulls for
# none), the moments of each (ASSIGNMENTS_SQL). Each a range of an index (card_buried: user, of the buried cards
# alone; card_queue: user, state, due; the enrollments of the learner). The buried cards are read by that index, not
# by state: burying is rare, and read by state they were every new card and every card due today, 50,000 for a long
# collection, twice (7-12 ms each: docs/performance.md, session 12). Each next learning card is the first row of its
# state's range, in the index's order: planned once for every learner (PostgreSQL's generic plan, with prepared
# statements), `MIN(due) … state IN (1, 3)` read every card due after now in due order, the state a filter (46,000
# index rows, 3 ms), and `MIN(due)` of one state the whole range (873-1,456 rows). MIN over the two states' rows ignores
# the NULL of a state without one, where SQLite's MIN(a, b) would be NULL.
NEXT_DUE_SQL = "SELECT due FROM quizzes_card WHERE user_id = %s AND state = {state} AND due > %s ORDER BY due LIMIT 1"
MOMENTS_SQL = f"""
SELECT
  (SELECT MIN(buried_until) FROM quizzes_card
   WHERE user_id = %s AND buried_until > %s AND (state = 0 OR (state IN (1, 2, 3) AND due < %s))),
  ({NEXT_DUE_SQL.format(state=1)}),
  ({NEXT_DUE_SQL.format(state=3)}),
  (SELECT MIN(n.due)
   FROM (SELECT ({NEXT_DUE_SQL.format(state=1)}) AS due UNION ALL SELECT ({NEXT_DUE_SQL.format(state=3)})) n),
  y.id, y.opens_at, y.due_at, y.extended_at
FROM (SELECT 1 AS one) o
LEFT JOIN
  ({ASSIGNMENTS_SQL}) y ON 1 = 1
"""
# An assignment's status moves at its opening, two days before the learner's due date ("due soon"), and at
# that date (overdue; answers revealed, questions no longer held). The rules compare with < or <=: the moment
# and the next microsecond are both ends of a kept page.
SOON = timedelta(days=2)
TICK = timedelta(microseconds=1)


def moments(request, settings: StudySettings, now: datetime) -> tuple[datetime | None, bool]:
    """Until when the learner's pages hold with time alone (None: no end), and whether they have an assignment,
    in one query."""
    at = connection.ops.adapt_datetimefield_value
    end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)[1]
    soon, u = now + scheduling.LEARN_AHEAD, request.user.pk
    counted = max(end, soon)  # the queue counts learning cards due within the look-ahead, past the day's end too
    params = [u, at(now), at(counted), u, at(soon), u, at(soon), u, at(now), u, at(now), u]
    with connection.cursor() as cursor:
        cursor.execute(MOMENTS_SQL, params)
        rows = cursor.fetchall()
    buried, learning, relearning, comes_due = (read_datetime(v) for v in rows[0][:4])
    ahead = scheduling.LEARN_AHEAD
    # A learning card within the look-ahead is counted; once due, the review page shows it first.
    ends = [buried, learning and learning - ahead, relearning and relearning - ahead, comes_due]
    assignments = [row[4:] for row in rows if row[4] is not None]
    ends += assignment_ends(assignments)
    return min((end for end in ends if end is not None and end > now), default=None), bool(assignments)


def assignment_ends(assignments) -> list[datetime]:
    """The moments at which what the learner's assignments (rows of ASSIGNMENTS_SQL) hold or show may change with
    time alone: each opens, is due soon, is due (the learner's extension's date if they have one: from then on its
    questions are no longer held, Assignment.holds_questions_from), each with the next microsecond (the rules
    compare with < or <=). Some may be past."""
    ends = []
    for _pk, opens, due, extended in assignments:
        due = read_datetime(extended) or read_datetime(due)
        for moment in (read_datetime(opens), due - SOON, due):
            ends += [moment, moment + TICK]
    return ends


def key(request, settings: StudySettings, now: datetime) -> str | None:
    """The key of the learner's kept pages, made without a query: their page generation (loaded with them,
    bumped by the database on every write to what the pages are made from: PageGeneration), the settings, the
    local day, the bank's version, the language, the time zone and their name. None when they have no generation
    yet or no saved settings: then nothing is kept."""
    generation = PageGeneration.of(request.user)
    if generation is None or settings.pk is None:
        return None
    user = request.user
    fields = tuple(getattr(settings, f.attname) for f in StudySettings._meta.concrete_fields)
    text = repr(
        (
            user.pk,
            user.get_username(),
            generation,
            fields,
            scheduling.local_day(now, settings.timezone, settings.rollover_hour).isoformat(),
            bank_version.current(),
            get_language(),
            timezone.get_current_timezone_name(),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def is_learner(request) -> bool:
    """Whether the user sees what a learner sees (no staff, no teacher): only their study pages are kept, no
    navigation of a role that sees more. The roles come with the session, kept at login."""
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return False
    roles = request.session.get("roles")
    return Role.TEACHER.value not in (roles if roles is not None else role_names(user))
