"""Throughput of the pages that matter, as ratios to a logged-in ceiling measured side by side.

    .venv/bin/python scripts/benchmark.py [--seconds 5] [--rounds 3] [--reviews 100000] [--check]
    .venv/bin/python scripts/benchmark.py --inprocess          # no server: Django's WSGI app called in-process
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnapp_speed .venv/bin/python scripts/benchmark.py
    .venv/bin/python scripts/benchmark.py --scale [--scale-cards 100000 --scale-reviews 1000000]
    .venv/bin/python scripts/benchmark.py --scale --scale-learners 10000   # 1,000,000 cards, 2,000,000 reviews
    .venv/bin/python scripts/benchmark.py --scale --scale-learners 50      # a quick check: 5,000 cards

It builds a throw-away database (SQLite in a temporary folder, or the PostgreSQL database of
DATABASE_URL, emptied first): the shipped bank, learners studying every question with a short
(200 reviews) and a long (--reviews) history, a quiz attempt, and a class of 200 learners who each
finished a 50-question assignment. It serves it with gunicorn (2 workers, DEBUG off) through
learnapp.bench, which adds two reference views, and drives it with wrk (8 connections) on loopback:

- "bare": a view with no middleware (Django's floor);
- "bare+auth": the same view behind session + CSRF + auth middleware, logged in: the ceiling of
  any logged-in page on this machine, this database and these settings;
- the pages: library, review, rate-and-next (htmx POST), progress (short and long history), quiz
  question, quiz results, teacher results.

Every round runs every page once, one after the other, so background noise hits them all alike;
the figure kept is the median of the rounds. Each page's ratio is its req/s over bare+auth's in
the same run: the figure to compare between machines. --check exits 1 when a ratio is below the
floor committed in docs/speed-floor.json (for its database: sqlite or postgresql).

--scale builds one learner with --scale-cards cards and --scale-reviews review log rows (or, with
--scale-learners N, N learners sharing them, 100 cards and 200 log rows each by default) and reports
the due-queue query's latency (p50/p95), the first new card's, the review and progress pages'
in-process time and the query plans (docs/performance.md keeps the figures).
"""

import argparse
import copy
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
PASSWORD = "bench-password-2026"
FLOOR_FILE = ROOT / "docs" / "speed-floor.json"
CLASS_SIZE = 200
ASSIGNMENT_QUESTIONS = 50

# Learners who rate in the rate-and-next run. One learner's 339 cards ran out after about 1,500 ratings, fewer than a
# round makes: every rating after that answered with the "all done" page instead of the next card (session 12).
RATERS = 8

RATE_LUA = """
-- rate-and-next: POST a Good rating with a fresh token to a card of one of the learners, in that learner's session.
-- Each of wrk's threads has its own Lua state, seeded alike: each gets a number (setup), which seeds its choices and
-- is in its tokens, with the run's start and a count, so that no two requests of a run or of two runs share a token
-- (a replay).
local raters = {
%(raters)s
}
local threads = 0
setup = function(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end
local sent = 0
local started = os.time()
init = function(args)
  math.randomseed(started * 16 + thread_number)
end
request = function()
  local rater = raters[math.random(#raters)]
  local card = rater.cards[math.random(#rater.cards)]
  sent = sent + 1
  local token = string.format("%%08x-%%04x-4000-a000-%%012x", started %% 0x100000000, thread_number, sent)
  local body = "rating=3&token=" .. token .. "&csrfmiddlewaretoken=" .. rater.csrf
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Cookie"] = rater.cookie
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["HX-Request"] = "true"
  return wrk.format("POST", string.format("%(url)s", card), headers, body)
end
"""


def rate_lua(raters: list[dict], url: str = "/review/%d/rate/") -> str:
    """The wrk script of a rating run: each learner's session, CSRF token and cards, and the rating's URL."""
    rows = ",\n".join(
        f'  {{cookie = "{r["cookie"]}", csrf = "{r["csrf"]}", cards = {{{", ".join(map(str, r["cards"]))}}}}}'
        for r in raters
    )
    return RATE_LUA % {"raters": rows, "url": url}


def env(db: Path | None) -> dict[str, str]:
    e = dict(os.environ)
    e.update(DJANGO_SETTINGS_MODULE="learnapp.settings", DJANGO_DEBUG="0")
    if not e.get("DATABASE_URL"):
        e["LEARNAPP_SQLITE_PATH"] = str(db)
    return e


def database_label() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def reset_postgres(url: str) -> None:
    """Drop and create the benchmark's database (never the app's: the name must contain 'speed' or 'bench')."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"\w*(speed|bench)\w*", name):
        sys.exit(f"refusing to empty database {name!r}: its name must contain 'speed' or 'bench'")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(db: Path | None) -> None:
    os.environ.update(env(db))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(reviews: int) -> dict:
    """Fill the database (Django already set up), return what the runs need."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from quizzes.bank.models import Question, QuizSet, QuizSetItem
    from quizzes.bank.yaml_bank import BankFile, import_bank
    from quizzes.management.commands.setup_demo import shipped_bank_files
    from quizzes.quizzing.flow import start_attempt
    from quizzes.quizzing.models import Attempt, Response
    from quizzes.study import scheduling
    from quizzes.study.models import Card, ReviewLog
    from quizzes.teaching.models import Assignment, Classroom, Enrollment
    from tests.factory import Role, make_user

    call_command("migrate", verbosity=0)
    import_bank([BankFile.from_path(p) for p in shipped_bank_files()])
    short = make_user("short", Role.LEARNER, password=PASSWORD)
    long = make_user("long", Role.LEARNER, password=PASSWORD)
    # rate-and-next: their cards are reset before each run
    raters = [make_user(f"rater{i}", Role.LEARNER, password=PASSWORD) for i in range(RATERS)]
    teacher = make_user("teacher", Role.TEACHER, password=PASSWORD)
    now = timezone.now()
    for user in (short, long, *raters):
        for quizset in QuizSet.objects.all():
            scheduling.add_study(user, quizset=quizset)
        Card.objects.filter(user=user).update(
            state=Card.State.REVIEW,
            stability=10,
            difficulty=5,
            due=now - timedelta(days=1),
            last_review=now - timedelta(days=11),
        )
    rng = random.Random(1)
    for user, count in ((short, 200), (long, reviews)):
        cards = list(Card.objects.filter(user=user).values_list("pk", flat=True))
        ReviewLog.objects.bulk_create(
            (
                ReviewLog(
                    user=user,
                    card_id=rng.choice(cards),
                    rating=rng.choice([1, 3, 3, 3, 4]),
                    state_before=2,
                    reviewed_at=now - timedelta(minutes=rng.randint(1, 365 * 24 * 60)),
                )
                for _ in range(count)
            ),
            batch_size=5000,
        )
        scheduling.rebuild_review_days(user)
    quiz = QuizSet.objects.get(key="what-is-gene-therapy")
    attempt = start_attempt(short, quiz)  # open: its first question is the "quiz question" page
    finished = Attempt.objects.create(user=short, quizset=quiz, question_ids=attempt.question_ids, started_at=now)
    _answer_all(finished, now)

    # A class of 200 learners who each finished a 50-question assignment.
    published = list(
        Question.objects.filter(status=Question.Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
    )[:ASSIGNMENT_QUESTIONS]
    big = QuizSet.objects.create(key="bench-fifty", title="Fifty questions", owner=teacher)
    QuizSetItem.objects.bulk_create(
        QuizSetItem(quizset=big, question_id=q, position=i) for i, q in enumerate(published)
    )
    classroom = Classroom.objects.create(teacher=teacher, name="Benchmark class")
    assignment = Assignment.objects.create(
        classroom=classroom, quizset=big, due_at=now + timedelta(days=7), opens_at=now - timedelta(days=7)
    )
    User = get_user_model()
    password = make_password(None)
    learners = User.objects.bulk_create(User(username=f"learner{i:03d}", password=password) for i in range(CLASS_SIZE))
    learners = list(User.objects.filter(username__startswith="learner").order_by("pk"))
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, learner=u) for u in learners)
    attempts = Attempt.objects.bulk_create(
        Attempt(user=u, quizset=big, assignment=assignment, question_ids=published, started_at=now - timedelta(hours=1))
        for u in learners
    )
    attempts = list(Attempt.objects.filter(assignment=assignment).order_by("pk"))
    for a in attempts:
        _answer_all(a, now, rng=rng, save=False)
    Attempt.objects.bulk_update(attempts, ["finished_at", "score"])
    assert Response.objects.filter(attempt__assignment=assignment).count() == CLASS_SIZE * ASSIGNMENT_QUESTIONS
    if connection.vendor == "postgresql":
        # A live server has statistics on tables this size within a minute (autovacuum); a database filled a moment
        # ago has none, and its plans for the visibility rule are ones no running server would choose.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "attempt": attempt.pk,
        "finished": finished.pk,
        "assignment": assignment.pk,
        "raters": [
            {
                "pk": r.pk,
                "username": r.username,
                "cards": list(Card.objects.filter(user=r).values_list("pk", flat=True)),
            }
            for r in raters
        ],
    }


def reset_raters(info: dict) -> None:
    """Every card of the raters due again, and no daily limit reached: each rate-and-next run rates a
    due card and renders the next due one, however many ratings the runs before it made."""
    from django.db import connection
    from django.utils import timezone

    from quizzes.study.models import Card, ReviewDay, ReviewLog, StudySettings

    now = timezone.now()
    users = [r["pk"] for r in info["raters"]]
    Card.objects.filter(user_id__in=users).update(
        state=Card.State.REVIEW, due=now - timedelta(days=1), last_review=now - timedelta(days=11), stability=10
    )
    ReviewLog.objects.filter(user_id__in=users).delete()
    ReviewDay.objects.filter(user_id__in=users).delete()
    for user in users:
        StudySettings.objects.update_or_create(user_id=user, defaults={"reviews_per_day": 30000})
    connection.close()


def due_left(info: dict) -> int:
    """The fewest due cards any rater has left: 0 after a run means some ratings answered "all done", a page the run
    does not mean to measure."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from quizzes.study.models import Card

    users = [r["pk"] for r in info["raters"]]
    due = (
        Card.objects.filter(user_id__in=users)
        .values("user_id")
        .annotate(n=Count("pk", filter=Q(due__lte=timezone.now(), suspended=False)))
    )
    left = {row["user_id"]: row["n"] for row in due}
    return min(left.get(user, 0) for user in users)


def _answer_all(attempt, now, rng=None, save=True) -> None:
    """Responses to every question of an attempt (choices picked at random), and the attempt finished."""
    from quizzes.bank.models import Choice
    from quizzes.quizzing.models import Response

    rng = rng or random.Random(2)
    choices: dict[int, list[tuple[int, bool]]] = {}
    for qid, cid, correct in Choice.objects.filter(question_id__in=attempt.question_ids).values_list(
        "question_id", "pk", "is_correct"
    ):
        choices.setdefault(qid, []).append((cid, correct))
    responses, total = [], 0.0
    for position, qid in enumerate(attempt.question_ids, start=1):
        options = choices.get(qid) or [(None, rng.random() < 0.7)]
        cid, correct = rng.choice(options)
        total += correct
        responses.append(
            Response(
                attempt=attempt,
                question_id=qid,
                position=position,
                answer={"choices": [cid]} if cid else {"text": "an answer"},
                is_correct=correct,
                score=1.0 if correct else 0.0,
                answered_at=now - timedelta(minutes=30),
                time_spent=timedelta(seconds=rng.randint(5, 60)),
            )
        )
    Response.objects.bulk_create(responses)
    attempt.finished_at = now - timedelta(minutes=30)
    attempt.score = total / len(attempt.question_ids)
    if save:
        attempt.save(update_fields=["finished_at", "score"])


# --- talking to the app: over HTTP (gunicorn) or in-process (the same WSGI callable) ------------------


class HttpDriver:
    def request(self, method: str, path: str, headers: dict, body: str = "") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        conn.request(method, path, body or None, headers)
        r = conn.getresponse()
        text = r.read().decode()
        return r.status, {"set-cookie": ",".join(r.headers.get_all("Set-Cookie") or [])}, text


class WsgiDriver:
    """Calls learnapp.bench.application directly: what gunicorn does, without the socket and the parsing."""

    def __init__(self):
        from learnapp.bench import application

        self.app = application

    def request(self, method: str, path: str, headers: dict, body: str = "") -> tuple[int, dict, str]:
        data = body.encode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(PORT),
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": f"127.0.0.1:{PORT}",
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(data)),
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            else:
                environ[f"HTTP_{key}"] = value
        out = {}

        def start_response(status, response_headers, exc_info=None):
            out["status"] = int(status.split()[0])
            out["cookies"] = ",".join(v for k, v in response_headers if k.lower() == "set-cookie")
            self.headers = {k.lower(): v for k, v in response_headers}

        result = self.app(environ, start_response)
        try:
            text = b"".join(result).decode()
        finally:
            if hasattr(result, "close"):
                result.close()
        return out["status"], {"set-cookie": out["cookies"]}, text


def login(driver, username: str) -> tuple[str, str]:
    """Log in through the real login form; returns (cookie header, csrf token)."""
    status, headers, body = driver.request("GET", "/accounts/login/", {})
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}"
    status, headers, _body = driver.request(
        "POST",
        "/accounts/login/",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"},
        form,
    )
    cookies = dict(re.findall(r"(sessionid|csrftoken)=([^;]+)", headers["set-cookie"]))
    assert "sessionid" in cookies, f"login of {username} failed ({status})"
    csrf = cookies.get("csrftoken", csrf_cookie)
    return f"sessionid={cookies['sessionid']}; csrftoken={csrf}", csrf


def pages(info: dict, reviews: int, cookies: dict) -> list[dict]:
    """What is measured, in the order of a round."""
    short, long, teacher = cookies["short"], cookies["long"], cookies["teacher"]
    return [
        {"name": "bare", "path": "/__bench__/bare/", "cookie": ""},
        {"name": "bare+auth", "path": "/__bench__/auth/", "cookie": short},
        {"name": "library", "path": "/", "cookie": short},
        {"name": "review page", "path": "/review/", "cookie": short},
        # Ratings are made in each rater's own session (info["raters"]).
        {"name": "rate-and-next (POST)", "path": "rate", "rate": "/review/%d/rate/", "cookie": ""},
        {"name": "rating floor (reference)", "path": "rate", "rate": "/__bench__/rating-floor/%d/", "cookie": ""},
        {"name": "progress (200 reviews)", "path": "/progress/", "cookie": short},
        {"name": f"progress ({reviews} reviews)", "path": "/progress/", "cookie": long},
        {"name": "quiz question", "path": f"/attempts/{info['attempt']}/1/", "cookie": short},
        {"name": "quiz results", "path": f"/attempts/{info['finished']}/results/", "cookie": short},
        {"name": "teacher results", "path": f"/teach/assignments/{info['assignment']}/", "cookie": teacher},
    ]


def floor_key(name: str) -> str:
    """The floor file's name of a page: the long-history progress is "progress (long history)"."""
    if name.startswith("progress (") and not name.startswith("progress (200"):
        return "progress (long history)"
    return name


def rate_request(info: dict, rng: random.Random, url: str = "/review/%d/rate/") -> tuple[str, str, dict, str]:
    rater = rng.choice(info["raters"])
    card = rng.choice(rater["cards"])
    body = f"rating=3&token={uuid.uuid4()}&csrfmiddlewaretoken={rater['csrf']}"
    headers = {"Cookie": rater["cookie"], "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}
    return "POST", url % card, headers, body


def count_queries(driver, info: dict, page: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(3)
    one = {**info, "raters": info["raters"][:1]}  # one learner's second rating: the first fills their kept queue

    def request():
        if page["path"] == "rate":  # a new rating each time: the same one again would be a replay
            return rate_request(one, rng, page["rate"])
        return "GET", page["path"], {"Cookie": page["cookie"]}, ""

    driver.request(*request())  # warm: the first request fills the caches
    with CaptureQueriesContext(connection) as ctx:
        status, _h, _b = driver.request(*request())
    assert status == 200, (page["name"], status)
    return len(ctx.captured_queries)


def inprocess_run(driver, info: dict, page: dict, seconds: float) -> dict:
    """Requests in a loop for `seconds`: req/s and percentiles of one in-process client, from the CPU time
    of this process per request (SQLite runs in it; PostgreSQL's own work is not counted)."""
    rng = random.Random(4)
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if page["path"] == "rate":
            method, path, headers, body = rate_request(info, rng, page["rate"])
        else:
            method, path, headers, body = "GET", page["path"], {"Cookie": page["cookie"]}, ""
        t0 = time.process_time()  # CPU time: on a shared machine, wall time is mostly waiting for a core
        status, _h, _b = driver.request(method, path, headers, body)
        times.append(time.process_time() - t0)
        assert status == 200, (page["name"], status)
    times.sort()
    return {
        "rps": len(times) / sum(times),
        "p50": times[len(times) // 2] * 1000,
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        "non2xx": 0,
    }


def wrk_run(url: str, seconds: float, cookie: str, script: str | None = None) -> dict:
    cmd = ["wrk", "-t2", "-c8", f"-d{max(1, round(seconds))}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {k: _ms(v) for k, v in re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def drain(seconds: float = 60) -> None:
    """Wait until the server is idle: wrk leaves requests queued in the workers when it stops, and a
    slow page's backlog would otherwise be paid by the next page measured."""
    end = time.monotonic() + seconds
    quick = 0
    while quick < 3 and time.monotonic() < end:
        t0 = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=seconds)
        conn.request("GET", "/__bench__/bare/")
        conn.getresponse().read()
        quick = quick + 1 if time.monotonic() - t0 < 0.05 else 0


def wrk_target(page: dict, base: str, scripts: dict[str, Path]) -> tuple[str, str | None]:
    """The URL wrk drives for a page, and its Lua script: a rating page's POSTs ratings (RATE_LUA, in `scripts` by
    the page's name)."""
    if page["path"] == "rate":
        return f"{base}/review/", str(scripts[page["name"]])
    return f"{base}{page['path']}", None


def warm(todo: list[dict], base: str, scripts: dict[str, Path], run=None, idle=None) -> None:
    """One second of wrk on every page measured, rate-and-next's too, before the first round: no round then pays a
    worker's first request to a page. Rate-and-next's used to be left out (its ratings write), and the first round's
    ratings were each worker's first: the app's URLconf and views imported (and compiled, with no bytecode cache),
    the review template parsed, at times a full garbage collection, ~150-250 ms of CPU in both workers at once,
    with all 8 connections waiting: that round's p99 was 0.3-0.8 s (docs/performance.md, session 12). The ratings
    made here are undone by reset_raters, which runs before each of rate-and-next's runs (and before this)."""
    run, idle = run or wrk_run, idle or drain
    for page in todo:
        url, script = wrk_target(page, base, scripts)
        run(url, 1, page["cookie"], script)
        idle()


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def summarise(results: dict[str, list[dict]]) -> dict[str, dict]:
    """Median of the rounds for each page, and its ratio to bare+auth's median."""
    table = {}
    for name, runs in results.items():
        table[name] = {
            "rps": statistics.median(r["rps"] for r in runs),
            "p50": statistics.median(r["p50"] for r in runs if r["p50"] is not None),
            "p99": statistics.median(r["p99"] for r in runs if r["p99"] is not None),
            "non2xx": sum(r["non2xx"] for r in runs),
            "dry": sum(bool(r.get("dry")) for r in runs),
            "rounds": [round(r["rps"]) for r in runs],
        }
    ceiling = table["bare+auth"]["rps"]
    for row in table.values():
        row["ratio"] = row["rps"] / ceiling
    return table


def print_table(table: dict, queries: dict, floors: dict, title: str, goals: dict | None = None) -> list[str]:
    goals = goals or {}
    print(f"\n{title}\n")
    head = f"{'page':30} {'req/s':>7} {'ratio':>6} {'goal':>5} {'floor':>6} {'p50 ms':>7} {'p99 ms':>7}"
    print(f"{head} {'queries':>7}  rounds")
    failures = []
    for name, row in table.items():
        floor = floors.get(floor_key(name))
        mark = ""
        if floor is not None and row["ratio"] < floor:
            mark = "  BELOW FLOOR"
            failures.append(f"{name}: {row['ratio']:.2f} < {floor}")
        if row["non2xx"]:
            mark += f"  {row['non2xx']} non-2xx"
            failures.append(f"{name}: {row['non2xx']} non-2xx responses")
        if row.get("dry"):
            mark += "  a queue ran out"
            failures.append(f"{name}: a rater's queue ran out in {row['dry']} round(s): not all ratings showed a card")
        floor_text = f"{floor:6.2f}" if floor is not None else "      "
        goal = goals.get(floor_key(name))
        goal_text = f"{goal:5.2f}" if goal is not None else "     "
        if goal is not None and row["ratio"] >= goal:
            goal_text += "*"
        figures = (
            f"{row['rps']:7.0f} {row['ratio']:6.2f} {goal_text:>5} {floor_text} {row['p50']:7.1f} {row['p99']:7.1f}"
        )
        print(f"{name:30} {figures} {queries.get(name, ''):>7}  {row['rounds']}{mark}")
    return failures


# --- scale: one learner with 100,000 cards and 1,000,000 reviews, or 10,000 learners with 100 each ----


def scale_shape(learners: int, cards: int | None, reviews: int | None) -> dict:
    """What --scale builds: one learner with 100,000 cards and 1,000,000 log rows by default; with
    --scale-learners N, N learners with 100 cards and 200 log rows each by default (1,000,000 cards and
    2,000,000 rows at 10,000 learners). Many learners study one shared bank, each a slice of it."""
    if learners < 1:
        raise ValueError("--scale-learners must be at least 1")
    if cards is None:
        cards = 100_000 if learners == 1 else 100 * learners
    if reviews is None:
        reviews = 1_000_000 if learners == 1 else 200 * learners
    each = cards // learners
    if each < 1:
        raise ValueError("--scale-cards must be at least one card per learner")
    return {
        "learners": learners,
        "cards_each": each,
        "reviews_each": reviews // learners,
        "bank": each if learners == 1 else max(each, 1_000),
    }


def learner_questions(index: int, each: int, bank: int) -> list[int]:
    """The positions in the bank of the questions learner `index` studies: `each` different ones, a slice
    that starts at a different place for each learner (so that every question has learners)."""
    start = index * 37 % bank
    return [(start + i) % bank for i in range(each)]


def insert_rows(model, rows, given: tuple[str, ...]) -> None:
    """Rows of `model` with the columns `given` (attnames, in that order), the others at their field's
    default: COPY on PostgreSQL, executemany on SQLite (bulk_create would build a model instance and
    prepare each value of each row: most of the build time at a million rows)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    by_name = {f.attname: f for f in fields}
    rest = [f for f in fields if f.attname not in given]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    quote = connection.ops.quote_name
    columns = [by_name[a].column for a in given] + [f.column for f in rest]
    at = connection.ops.adapt_datetimefield_value
    dated = [i for i, a in enumerate(given) if by_name[a].get_internal_type() == "DateTimeField"]
    if connection.vendor == "postgresql":
        dated = []  # psycopg takes aware datetimes as they are

    def prepared(row):
        if dated:
            row = list(row)
            for i in dated:
                row[i] = at(row[i])
        return (*row, *defaults)

    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch = []
            for row in rows:
                batch.append(prepared(row))
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def build_scale(shape: dict) -> list:
    """The learners, their shared bank, their cards and their logs; returns the learners (User objects)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from quizzes.bank.models import Choice, Passage, Question
    from quizzes.study.models import Card, ReviewLog
    from tests.factory import make_source

    User = get_user_model()
    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        password = make_password(PASSWORD)  # hashed once: 10,000 learners share it
        names = ["huge"] if shape["learners"] == 1 else [f"scale{i:05d}" for i in range(shape["learners"])]
        User.objects.bulk_create((User(username=name, password=password) for name in names), batch_size=5000)
        users = list(User.objects.filter(username__in=names).order_by("pk").values_list("pk", flat=True))
        source = make_source("scale-source")
        passage = Passage.objects.create(source=source, start=0, end=20, text=source.text[:20])
        insert_rows(
            Question,
            (
                (f"scale-{i}", "single", passage.pk, f"Scale question number {i}?", "en", "published", now, now)
                for i in range(shape["bank"])
            ),
            ("external_id", "kind", "passage_id", "prompt", "language", "status", "created_at", "updated_at"),
        )
        question_ids = list(
            Question.objects.filter(external_id__startswith="scale-").order_by("pk").values_list("pk", flat=True)
        )
        insert_rows(
            Choice,
            ((q, t, t == "Right", p) for q in question_ids for p, t in enumerate(("Right", "Wrong"))),
            ("question_id", "text", "is_correct", "position"),
        )
        states = [Card.State.REVIEW] * 80 + [Card.State.NEW] * 15 + [Card.State.LEARNING] * 3
        states += [Card.State.RELEARNING] * 2
        year, month = 60 * 24 * 365, 60 * 24 * 30

        def cards():
            for u, user_id in enumerate(users):
                for i, position in enumerate(learner_questions(u, shape["cards_each"], shape["bank"])):
                    state = rng.choice(states)
                    new = state == Card.State.NEW
                    yield (
                        user_id,
                        question_ids[position],
                        state,
                        # (re)learning at its first step, where the app puts a card that starts or lapses: FSRS
                        # rates no such card without one
                        0 if state in (Card.State.LEARNING, Card.State.RELEARNING) else None,
                        None if new else rng.uniform(1, 300),
                        None if new else rng.uniform(1, 10),
                        now + timedelta(minutes=rng.randint(-month, year)),
                        None if new else now - timedelta(days=rng.randint(1, 365)),
                        now - timedelta(days=400) + timedelta(microseconds=i),
                    )

        insert_rows(
            Card,
            cards(),
            ("user_id", "question_id", "state", "step", "stability", "difficulty", "due", "last_review", "created_at"),
        )
        by_user: dict[int, list[int]] = {}
        for user_id, card_id in Card.objects.order_by("user_id", "pk").values_list("user_id", "pk").iterator(50_000):
            by_user.setdefault(user_id, []).append(card_id)

        def logs():
            for user_id, card_ids in by_user.items():
                for _ in range(shape["reviews_each"]):
                    yield (
                        user_id,
                        rng.choice(card_ids),
                        rng.choice([1, 3, 3, 3, 4]),
                        2,
                        now - timedelta(minutes=rng.randint(1, 2 * year)),
                    )

        insert_rows(ReviewLog, logs(), ("user_id", "card_id", "rating", "state_before", "reviewed_at"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return list(User.objects.filter(pk__in=users).order_by("pk"))


def scale(shape: dict, label: str, runs: int = 200) -> None:
    """Build the learners' histories, then time the due queue, the first new card and the pages, for one
    learner or for a sample of 20 of them (each run the next learner of the sample), with the query plans."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from quizzes.bank.models import Question, visible_question, visible_questions
    from quizzes.study import scheduling
    from quizzes.study.models import Card, StudySettings

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    learners = build_scale(shape)
    n, each = shape["learners"], shape["cards_each"]
    sample = learners[:: max(1, n // 20)][:20]
    for user in sample:
        scheduling.rebuild_review_days(user)  # the progress page reads the days, not the log
    print(
        f"built {n} learner(s) x {each} cards = {n * each} cards and {n * shape['reviews_each']} review log rows, "
        f"a bank of {shape['bank']} questions, in {time.perf_counter() - t0:.0f} s ({label})"
    )

    now = timezone.now()
    context = {}
    for user in sample:
        settings = StudySettings.for_user(user)
        start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
        held = list(Question.objects.withheld_from(user, now).values_list("pk", flat=True))
        context[user.pk] = (settings, visible_question(user), held, start, end)

    def cycling(fn):
        turn = iter(range(10**9))
        return lambda: fn(sample[next(turn) % len(sample)])

    def counts(user):
        settings, visible, held, start, end = context[user.pk]
        new_limit, review_limit = settings.new_per_day, settings.reviews_per_day
        return scheduling._queue_counts(user.pk, visible, timezone.now(), start, end, held, new_limit, review_limit)

    def first_new(user):
        _settings, visible, held, _start, _end = context[user.pk]
        cards = Card.objects.visible_to(user, visible_questions(user)).active(timezone.now())
        cards = cards.exclude(question_id__in=held)
        base = (
            cards.select_related("question__passage__source", "deck")
            .defer(*scheduling.SOURCE_TEXT_FIELDS)
            .prefetch_related("question__choices")
        )
        return base.new().order_by("created_at", "pk").first()

    rows = [
        ("due-queue counts (one SQL statement)", cycling(counts)),
        ("due queue with its next card", cycling(lambda u: scheduling.queue(u, context[u.pk][0], timezone.now()))),
        ("first new card (card_new_order)", cycling(first_new)),
    ]
    driver = WsgiDriver()
    cookies = [login(driver, user.username)[0] for user in sample[:5]]
    for name, path in (("review page", "/review/"), ("progress page", "/progress/")):
        turn = iter(range(10**9))

        def page(path=path, turn=turn):
            return driver.request("GET", path, {"Cookie": cookies[next(turn) % len(cookies)]})

        rows.append((f"{name} (in-process, whole request)", page))

    def timed(fn, runs: int) -> tuple[float, float, float, float]:
        fn()
        times, cpu = [], []
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        times.sort()
        return times[len(times) // 2], times[int(len(times) * 0.95)], times[-1], statistics.median(cpu)

    who = "one learner" if n == 1 else f"{len(sample)} of the {n} learners in turn (pages: 5 of them)"
    print(f"\n{label}, {n * each} cards, {n * shape['reviews_each']} reviews, {who}; wall time, ms")
    print("(cpu p50: this process's CPU time, which on SQLite includes the database's work)\n")
    print(f"{'what':44} {'p50':>7} {'p95':>7} {'max':>7} {'cpu p50':>8}")
    for name, fn in rows:
        p50, p95, worst, cpu = timed(fn, runs // 2 if "page" in name else runs)
        print(f"{name:44} {p50:7.2f} {p95:7.2f} {worst:7.2f} {cpu:8.2f}")

    user = sample[0]
    with CaptureQueriesContext(connection) as ctx:
        scheduling.queue(user, context[user.pk][0], timezone.now())
        first_new(user)
    print(f"\nQuery plans of the due queue, then of the first new card ({user.username}):")
    explain_all(ctx.captured_queries)

    # The same without the index of new cards, dropped in a transaction that is rolled back (both
    # databases' DDL is transactional): the figure before it, on the same data.
    print("\nWithout card_new_order (dropped, then put back):\n")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX card_new_order")
        p50, p95, worst, cpu = timed(cycling(first_new), runs)
        print(f"{'first new card, without card_new_order':44} {p50:7.2f} {p95:7.2f} {worst:7.2f} {cpu:8.2f}")
        with CaptureQueriesContext(connection) as without:
            first_new(user)
        explain_all(without.captured_queries[:1])
        transaction.set_rollback(True)


def explain_all(queries) -> None:
    from django.db import connection

    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
    for query in queries:
        sql = query["sql"]
        with connection.cursor() as cursor:
            cursor.execute(explain + sql)
            plan = cursor.fetchall()
        print("\n" + " ".join(sql.split())[:200] + ("..." if len(sql) > 200 else ""))
        for row in plan:
            print("   ", row[-1] if connection.vendor == "sqlite" else row[0])


# --- import: 10,000 questions from YAML ------------------------------------------------------------


def import_timing(n_questions: int, label: str) -> None:
    """Validate and import the shipped library plus `n_questions` questions (copies of the shipped ones
    under new ids, 1,000 per file: a file may hold 2 MiB), into an empty database, then again unchanged."""
    import yaml
    from django.core.management import call_command

    from quizzes.bank.yaml_bank import BankFile, import_bank, validate
    from quizzes.management.commands.setup_demo import shipped_bank_files

    call_command("migrate", verbosity=0)
    shipped = shipped_bank_files()
    library = [BankFile.from_path(p) for p in shipped if p.name == "library.yaml"]
    templates = []
    for path in shipped:
        if path.parent.name == "questions":
            templates += yaml.safe_load(path.read_text())["questions"]
    files = []
    for start in range(0, n_questions, 1000):
        questions = []
        for i in range(start, min(start + 1000, n_questions)):
            question = copy.deepcopy(templates[i % len(templates)])
            question["id"] = f"gen-{i:05d}"
            questions.append(question)
        text = yaml.safe_dump({"version": 1, "questions": questions}, allow_unicode=True, sort_keys=False)
        files.append(BankFile(f"generated-{start // 1000:02d}.yaml", text.encode(), shipped[0].parent))
    size = sum(len(f.data) for f in files) / 1e6
    print(f"{n_questions} questions in {len(files)} files ({size:.1f} MB), {label}")

    def timed(label: str, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        # CPU time too: on a shared machine the wall time is mostly waiting for a core.
        print(f"  {label:24} {time.perf_counter() - wall:6.2f} s wall, {time.process_time() - cpu:6.2f} s CPU", end="")
        return out

    timed("validate only", lambda: validate(library + files))
    print()
    result = timed("import (empty database)", lambda: import_bank(library + files))
    print(f"   created: {result.created}")
    result = timed("import again, unchanged", lambda: import_bank(library + files))
    print(f"   unchanged: {result.unchanged}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5, help="seconds per page and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reviews", type=int, default=100_000, help="review log rows of the long history")
    parser.add_argument("--inprocess", action="store_true", help="call the WSGI app in this process, no wrk")
    parser.add_argument("--only", help="comma-separated page names to measure (bare+auth is always measured)")
    parser.add_argument("--check", action="store_true", help="exit 1 below the floors of docs/speed-floor.json")
    parser.add_argument("--json", help="write the table to this file")
    parser.add_argument("--scale", action="store_true", help="the due queue and review page at scale instead")
    parser.add_argument("--scale-learners", type=int, default=1, help="learners of --scale (default 1)")
    parser.add_argument("--scale-cards", type=int, help="cards in all (default 100,000; 100 a learner with several)")
    parser.add_argument("--scale-reviews", type=int, help="log rows in all (default 1,000,000; 200 a learner)")
    parser.add_argument("--scale-runs", type=int, default=200, help="timed runs of each query (pages: half)")
    parser.add_argument("--import-questions", type=int, metavar="N", help="time a YAML import of N questions instead")
    args = parser.parse_args()
    if not (args.inprocess or args.scale or args.import_questions) and not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="learnapp-bench-"))
    db = None if os.environ.get("DATABASE_URL") else work / "db.sqlite3"
    if os.environ.get("DATABASE_URL"):
        reset_postgres(os.environ["DATABASE_URL"])
    label = database_label()
    try:
        setup_django(db)
        if args.scale:
            scale(scale_shape(args.scale_learners, args.scale_cards, args.scale_reviews), label, args.scale_runs)
            return
        if args.import_questions:
            import_timing(args.import_questions, label)
            return
        print(f"Preparing {label} database (bank, learners, {args.reviews} reviews, a class of {CLASS_SIZE})...")
        t0 = time.perf_counter()
        info = prepare(args.reviews)
        print(f"  ready in {time.perf_counter() - t0:.0f} s", flush=True)
        run(args, info, work, db, label)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, info: dict, work: Path, db: Path | None, label: str) -> None:
    from django.db import connection

    inproc = WsgiDriver()
    cookies = {user: login(inproc, user)[0] for user in ("short", "long", "teacher")}
    for rater in info["raters"]:
        rater["cookie"], rater["csrf"] = login(inproc, rater["username"])
    todo = pages(info, args.reviews, cookies)
    if args.only:
        wanted = {"bare+auth", *(n.strip() for n in args.only.split(","))}
        todo = [p for p in todo if p["name"] in wanted or floor_key(p["name"]) in wanted]
    queries = {p["name"]: count_queries(inproc, info, p) for p in todo}
    committed = json.loads(FLOOR_FILE.read_text()) if FLOOR_FILE.exists() else {}
    floors, goals = committed.get(label, {}), committed.get("goals", {})
    results: dict[str, list[dict]] = {p["name"]: [] for p in todo}
    server = None
    if args.inprocess:
        title = (
            f"in-process (the WSGI app called directly, CPU time per request), {label}, DEBUG off, "
            f"{args.seconds:g} s per page and round, {args.rounds} rounds alternating"
        )
    else:
        connection.close()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "learnapp.bench:application",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{PORT}",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(work / "gunicorn.log"),
            ],
            cwd=ROOT,
            env=env(db),
        )
        title = (
            f"wrk, 8 connections, {args.seconds:g} s per page and round, {args.rounds} rounds alternating, "
            f"gunicorn 2 workers, {label}, DEBUG off"
        )
    try:
        if server:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/__bench__/bare/")
                    break
                except OSError:
                    time.sleep(0.2)
            scripts = {}
            for page in todo:
                if page["path"] == "rate":
                    scripts[page["name"]] = work / f"rate-{len(scripts)}.lua"
                    scripts[page["name"]].write_text(rate_lua(info["raters"], page["rate"]))
            base = f"http://127.0.0.1:{PORT}"
            reset_raters(info)  # the warm-up's ratings take the path the rounds' take (no daily limit reached)
            warm(todo, base, scripts)
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}/{args.rounds}...", flush=True)
            for page in todo:
                if page["path"] == "rate":
                    reset_raters(info)
                if server:
                    url, script = wrk_target(page, base, scripts)
                    result = wrk_run(url, args.seconds, page["cookie"], script)
                    drain()
                else:
                    result = inprocess_run(inproc, info, page, args.seconds)
                if page["path"] == "rate":
                    result["dry"] = due_left(info) == 0
                results[page["name"]].append(result)
    finally:
        if server:
            server.terminate()
            server.wait(10)
            if os.environ.get("BENCH_SHOW_LOG"):
                print((work / "gunicorn.log").read_text()[-3000:])
    table = summarise(results)
    failures = print_table(table, queries, floors, title, goals)
    print("\nratio = the page's req/s / bare+auth's req/s in the same run (medians of the rounds); goal: issue 11's")
    print("target (* when met); floor: what --check enforces (docs/speed-floor.json).")
    if args.json:
        Path(args.json).write_text(json.dumps({"title": title, "queries": queries, "table": table}, indent=2))
    if args.check:
        if failures:
            print("\nBelow the floors of docs/speed-floor.json:\n  " + "\n  ".join(failures))
            sys.exit(1)
        print("\nAll pages at or above their floors.")


if __name__ == "__main__":
    main()
