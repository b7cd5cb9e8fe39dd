"""The benchmark's WSGI application (scripts/benchmark.py only; no setting or URLconf of the app points here).

It serves the app as learnapp.wsgi does, plus reference views that give the ratios their meaning:

- /__bench__/bare/  a view answering a few bytes with no middleware at all: Django's own floor;
- /__bench__/auth/  the same view behind session + CSRF + auth middleware only, for a logged-in user
  (the session is read, the user loaded, a CSRF token set): the ceiling of any logged-in page.
- /__bench__/rating-floor/<card>/  the least a rating can cost in this stack, behind the app's own middleware:
  rate-and-next's statements written by hand (the card read with the learner's page generation and kept queue, FSRS
  for the one rating, the card updated, the log row inserted, the day's count, the generation read again, the queue
  stored, the commit, the next due card read) and a body the size of rate-and-next's, and nothing else: no
  visibility rule, no assignment's hold, no replayed or stale rating, no leech, no message, no template. Not a rating
  the app could serve; the bound under which rate-and-next's ratio cannot go (docs/performance.md, session 12).

They use the app's own settings (database, session engine, cache), so a change to those moves the
ceiling too and the ratios stay honest.
"""

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.middleware.csrf import get_token
from django.test.utils import override_settings
from django.urls import path
from django.utils.html import escape
from django.views.decorators.http import require_POST
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

app = get_wsgi_application()

# The app's own, once it is set up: the floor writes the kept queue and reads timestamps as the rating does.
from quizzes.study.kept_queue import STORE_SQL  # noqa: E402
from quizzes.study.reading import read_datetime  # noqa: E402

AUTH_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def bare_view(request):
    return HttpResponse("<!doctype html><p>hello</p>")


def auth_view(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden("log in first")
    return HttpResponse(f"<!doctype html><p>hello {escape(request.user.username)}</p><i>{get_token(request)}</i>")


_scheduler = Scheduler()
# rate-and-next's answer is about this size (a flashcard's front with its buttons, the counts, a message).
FLOOR_BODY = "<div>" + "x" * 4000 + "</div>"
FLOOR_READ_SQL = """
SELECT c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, c.version,
  (SELECT g.n FROM quizzes_pagegeneration g WHERE g.user_id = c.user_id),
  (SELECT k.data FROM quizzes_keptqueue k WHERE k.user_id = c.user_id)
FROM quizzes_card c WHERE c.id = %s AND c.user_id = %s
"""
FLOOR_WRITES_SQL = (
    "UPDATE quizzes_card SET state = %s, step = %s, stability = %s, difficulty = %s, due = %s, last_review = %s,"
    " reps = reps + 1, version = version + 1 WHERE id = %s AND version = %s",
    "INSERT INTO quizzes_reviewlog (user_id, card_id, reviewed_at, rating, state_before, elapsed_days, scheduled_days,"
    " stability_after, difficulty_after, kind, origin, params_version, token)"
    " VALUES (%s, %s, %s, %s, %s, 0, 0, %s, %s, 'normal', 'review', 0, %s)",
    "UPDATE quizzes_reviewday SET reviews = reviews + 1 WHERE user_id = %s AND day = %s",
)
FLOOR_NEXT_SQL = """
SELECT c.id, q.prompt FROM quizzes_card c JOIN quizzes_question q ON q.id = c.question_id
WHERE c.user_id = %s AND c.due <= %s ORDER BY c.due LIMIT 1
"""


@require_POST
@login_required
def rating_floor_view(request, card_id: int):
    rating, token = int(request.POST["rating"]), uuid.UUID(request.POST["token"])
    now, user_id, at = datetime.now(UTC), request.user.pk, connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FLOOR_READ_SQL, [card_id, user_id])
        state, step, stability, difficulty, due, last_review, version, _generation, kept = cursor.fetchone()
        card = FsrsCard(
            card_id=card_id,  # without one, fsrs makes an id from the clock and sleeps 1 ms so the next differs
            state=State(state) if state else State.Learning,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=read_datetime(due),
            last_review=read_datetime(last_review),
        )
        card, _log = _scheduler.review_card(card, Rating(rating), now)
        update, insert, tally = FLOOR_WRITES_SQL
        cursor.execute(
            update,
            [int(card.state), card.step, card.stability, card.difficulty, at(card.due), at(now), card_id, version],
        )
        token_value = token if connection.vendor == "postgresql" else token.hex
        cursor.execute(insert, [user_id, card_id, at(now), rating, state, card.stability, card.difficulty, token_value])
        cursor.execute(tally, [user_id, now.date().isoformat()])
        cursor.execute("SELECT n FROM quizzes_pagegeneration WHERE user_id = %s", [user_id])
        (generation,) = cursor.fetchone()
        cursor.execute(STORE_SQL, [user_id, generation, kept or b""])
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_NEXT_SQL, [user_id, at(now)])
        cursor.fetchone()
    return HttpResponse(FLOOR_BODY)


urlpatterns = [
    path("__bench__/bare/", bare_view),
    path("__bench__/auth/", auth_view),
    path("__bench__/rating-floor/<int:card_id>/", rating_floor_view),
]


class _Handler(WSGIHandler):
    """A handler with its own middleware list (read once, at init) that resolves with this module's URLs."""

    def __init__(self, middleware: list[str]):
        with override_settings(MIDDLEWARE=middleware):
            super().__init__()

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


bare = _Handler([])
auth = _Handler(AUTH_MIDDLEWARE)
full = _Handler(settings.MIDDLEWARE)


def application(environ, start_response):
    path_info = environ.get("PATH_INFO", "")
    if path_info == "/__bench__/bare/":
        return bare(environ, start_response)
    if path_info == "/__bench__/auth/":
        return auth(environ, start_response)
    if path_info.startswith("/__bench__/rating-floor/"):
        return full(environ, start_response)
    return app(environ, start_response)
