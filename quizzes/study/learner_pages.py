"""What a learner's study pages (the library, the review page) are made from, read in one query: the fingerprint
that keys their kept copies (quizzes/kept.py), and until when a kept copy holds (quizzes/library_cache.py tells
the library's story; the review page: quizzes/study/views.py `review`)."""

import hashlib
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from ..accounts.roles import Role, role_names
from ..bank import version as bank_version
from . import scheduling
from .models import StudySettings
from .reading import read_datetime

# The learner's cards that the page counts (new, or due before the day ends: their count, versions, last id,
# states, suspensions, removals, and when the first buried one comes back; a card moved into or out of them
# changes these), own questions and today's ratings, in one pass each; when the first learning or relearning
# card comes within the look-ahead, and when the first of them comes due. Each a range of an index (card_queue:
# user, state, due; reviewlog_user_time): the cost follows what the page counts, not the collection.
#
# Then, on as many rows as the learner has assignments (one row of nulls for none), what their part is made from:
# each assignment of a class they are enrolled in, archived or not (what an assignment holds back reads every
# class of theirs: quizzes/bank/models.py withheld_*), with every column the page or that rule reads (not its
# time limit nor its shuffling: its attempts read them; its class is shown by its name, and is one of theirs),
# its class's name and archiving, their extension, their attempts on it (last id: a new one; how many finished,
# and the last finish: an attempt's score is written when it finishes; how many there are only shows as none or
# some, which the last id tells; a retake is practice, of no assignment, and moves only their cards, read
# above), its set's items (a teacher's own question added to it is shown to them: count, last id) and, for
# their recall on the due date, their cards of that set (the sum of their versions plus one: every write to a
# card bumps its version, a card gone takes at least one away). Each by an index of the assignment, the class,
# the set or the learner: the cost follows the assignments the page shows.
CARD_COLUMNS = "id, version, state, suspended, removed_at, buried_until"
ASSIGNMENT_COLUMNS = (
    "a.id, a.quizset_id, a.mode, a.opens_at, a.due_at, a.max_attempts, a.reveal, a.accept_late,"
    " a.grading, cl.name, cl.archived, x.due_at AS extended_at"
)
FINGERPRINT_SQL = f"""
SELECT c.n, c.v, c.m, c.s, c.r, c.bu, q.n, q.m, l.n, l.m, c.bu,
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 1 AND due > %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state = 3 AND due > %s),
  (SELECT MIN(due) FROM quizzes_card WHERE user_id = %s AND state IN (1, 3) AND due > %s),
  y.*
FROM
  (SELECT COUNT(*) AS n, COALESCE(SUM(version), 0) AS v, COALESCE(MAX(id), 0) AS m,
     COALESCE(SUM(state + CASE WHEN suspended THEN 4 ELSE 0 END), 0) AS s, COUNT(removed_at) AS r,
     MIN(CASE WHEN buried_until > %s THEN buried_until END) AS bu
   FROM (SELECT {CARD_COLUMNS} FROM quizzes_card WHERE user_id = %s AND state = 0
         UNION ALL
         SELECT {CARD_COLUMNS} FROM quizzes_card WHERE user_id = %s AND state IN (1, 2, 3) AND due < %s) k) c
  CROSS JOIN
  (SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM quizzes_question WHERE owner_id = %s AND personal = %s) q
  CROSS JOIN
  (SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM quizzes_reviewlog WHERE user_id = %s AND reviewed_at >= %s) l
  LEFT JOIN
  (SELECT {ASSIGNMENT_COLUMNS},
     (SELECT MAX(t.id) FROM quizzes_attempt t WHERE t.assignment_id = a.id AND t.user_id = e.learner_id) AS tm,
     (SELECT MAX(t.finished_at) FROM quizzes_attempt t WHERE t.assignment_id = a.id AND t.user_id = e.learner_id)
       AS tf,
     (SELECT COUNT(t.finished_at) FROM quizzes_attempt t WHERE t.assignment_id = a.id AND t.user_id = e.learner_id)
       AS tc,
     (SELECT COUNT(*) FROM quizzes_quizsetitem i WHERE i.quizset_id = a.quizset_id) AS i_n,
     (SELECT MAX(i.id) FROM quizzes_quizsetitem i WHERE i.quizset_id = a.quizset_id) AS i_m,
     (SELECT SUM(d.version + 1) FROM quizzes_card d JOIN quizzes_quizsetitem i ON i.question_id = d.question_id
      WHERE d.user_id = e.learner_id AND i.quizset_id = a.quizset_id) AS d_v
   FROM quizzes_enrollment e
   JOIN quizzes_classroom cl ON cl.id = e.classroom_id
   JOIN quizzes_assignment a ON a.classroom_id = cl.id
   LEFT JOIN quizzes_extension x ON x.assignment_id = a.id AND x.learner_id = e.learner_id
   WHERE e.learner_id = %s) y ON 1 = 1
ORDER BY y.id
"""
FINGERPRINTED = 10  # the columns that say what the page is made from; then the moments; then each assignment's
MOMENTS = 4
OPENS, DUE, EXTENDED = 3, 4, 11  # in ASSIGNMENT_COLUMNS
# An assignment's status moves at its opening, two days before the learner's due date ("due soon"), and at
# that date (overdue; answers revealed, questions no longer held). The rules compare with < or <=: the moment
# and the next microsecond are both ends of a kept page.
SOON = timedelta(days=2)
TICK = timedelta(microseconds=1)


def fingerprint(request, settings: StudySettings, now: datetime) -> tuple[str, datetime | None, bool]:
    """What the learner's page is made from, as a short key, until when it holds (None: no end), and whether
    they have an assignment, in one query."""
    user = request.user
    at = connection.ops.adapt_datetimefield_value
    start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
    soon, u = now + scheduling.LEARN_AHEAD, user.pk
    counted = max(end, soon)  # the queue counts learning cards due within the look-ahead, past the day's end too
    params = [u, at(soon), u, at(soon), u, at(now), at(now), u, u, at(counted), u, True, u, at(start), u]
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, params)
        rows = cursor.fetchall()
    first = rows[0]
    moments = [read_datetime(v) for v in first[FINGERPRINTED : FINGERPRINTED + MOMENTS]]
    buried, learning, relearning, comes_due = moments
    ahead = scheduling.LEARN_AHEAD
    # A learning card within the look-ahead is counted; once due, the review page shows it first.
    moments = [buried, learning and learning - ahead, relearning and relearning - ahead, comes_due]
    assignments = [row[FINGERPRINTED + MOMENTS :] for row in rows if row[FINGERPRINTED + MOMENTS] is not None]
    for row in assignments:
        due = read_datetime(row[EXTENDED]) or read_datetime(row[DUE])
        for moment in (read_datetime(row[OPENS]), due - SOON, due):
            moments += [moment, moment + TICK]
    until = min((moment for moment in moments if moment is not None and moment > now), default=None)
    fields = tuple(getattr(settings, f.attname) for f in StudySettings._meta.concrete_fields)
    text = repr(
        (
            user.pk,
            user.get_username(),
            first[:FINGERPRINTED],
            assignments,
            fields,
            scheduling.local_day(now, settings.timezone, settings.rollover_hour).isoformat(),
            bank_version.current(),
            get_language(),
            timezone.get_current_timezone_name(),
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest(), until, bool(assignments)


def is_learner(request) -> bool:
    """Whether the user sees what a learner sees (no staff, no teacher): only their study pages are kept, no
    navigation of a role that sees more. The roles come with the session, kept at login."""
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return False
    roles = request.session.get("roles")
    return Role.TEACHER.value not in (roles if roles is not None else role_names(user))
