"""Throughput of the pages that matter, measured the way the performance budget is stated.

    .venv/bin/python scripts/benchmark.py [--seconds 10] [--reviews 50000]

It builds a throw-away SQLite database (the shipped bank, a learner studying every question),
serves it with gunicorn (2 workers, DEBUG off) and drives it with wrk (8 connections) on loopback:
the review page, rate-and-next (a POST that applies a rating and renders the next card), a quiz
question, the progress page with a short and with a long history (--reviews log rows), and the
library. It prints requests per second, latencies and the number of SQL queries of each page.
Needs wrk (apt-get install wrk). Budget: review page >= 300 req/s, rate-and-next >= 250 req/s.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
PASSWORD = "bench-password-2026"

RATE_LUA = """
-- rate-and-next: POST a Good rating with a fresh token to one of the learner's cards.
local cards = {%(cards)s}
local csrf = "%(csrf)s"
request = function()
  local card = cards[math.random(#cards)]
  local token = string.format("%%08x-%%04x-4%%03x-a%%03x-%%012x", math.random(0, 0x7fffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0x7fffffff))
  local body = "rating=3&token=" .. token .. "&csrfmiddlewaretoken=" .. csrf
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end  -- keeps the -H Cookie
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["HX-Request"] = "true"
  return wrk.format("POST", "/review/" .. card .. "/rate/", headers, body)
end
"""


def env(db: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    e.update(DJANGO_SETTINGS_MODULE="learnapp.settings", LEARNAPP_SQLITE_PATH=str(db), DJANGO_DEBUG="0")
    return e


def prepare(db: Path, reviews: int) -> dict:
    """Fill the database in this process (Django set up against `db`), return what the runs need."""
    os.environ.update(env(db))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from quizzes.bank.models import QuizSet
    from quizzes.bank.yaml_bank import BankFile, import_bank
    from quizzes.management.commands.setup_demo import shipped_bank_files
    from quizzes.quizzing.flow import start_attempt
    from quizzes.quizzing.models import Attempt
    from quizzes.study import scheduling
    from quizzes.study.models import Card, ReviewLog
    from tests.factory import Role, make_user

    call_command("migrate", verbosity=0)
    import_bank([BankFile.from_path(p) for p in shipped_bank_files()])
    short = make_user("short", Role.LEARNER, password=PASSWORD)
    long = make_user("long", Role.LEARNER, password=PASSWORD)
    for user in (short, long):
        for quizset in QuizSet.objects.all():
            scheduling.add_study(user, quizset=quizset)
        Card.objects.filter(user=user).update(
            state=Card.State.REVIEW,
            stability=10,
            difficulty=5,
            due=timezone.now() - timedelta(days=1),
            last_review=timezone.now() - timedelta(days=11),
        )
    now = timezone.now()
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
    attempt = start_attempt(short, QuizSet.objects.get(key="what-is-gene-therapy"))
    queries = {}
    client = Client()
    client.force_login(short)
    pages = {
        "library": "/",
        "review": "/review/",
        "quiz question": f"/attempts/{attempt.pk}/1/",
        "progress (short history)": "/progress/",
    }
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        queries[name] = len(ctx.captured_queries)
    client.force_login(long)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/progress/")
    queries[f"progress ({reviews} reviews)"] = len(ctx.captured_queries)
    return {
        "attempt": attempt.pk,
        "cards": list(Card.objects.filter(user=short).values_list("pk", flat=True)),
        "queries": queries,
        "attempts": Attempt.objects.count(),
    }


def login(username: str) -> tuple[str, str]:
    """Log in through the real login form; returns (cookie header, csrf token)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    conn.request("GET", "/accounts/login/")
    r = conn.getresponse()
    body = r.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", r.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}"
    conn.request(
        "POST",
        "/accounts/login/",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        },
    )
    r = conn.getresponse()
    r.read()
    cookies = dict(re.findall(r"(sessionid|csrftoken)=([^;]+)", ",".join(r.headers.get_all("Set-Cookie") or [])))
    assert "sessionid" in cookies, "login failed"
    csrf = cookies.get("csrftoken", csrf_cookie)
    return f"sessionid={cookies['sessionid']}; csrftoken={csrf}", csrf


def wrk(url: str, seconds: int, cookie: str, script: str | None = None) -> dict:
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--reviews", type=int, default=50_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="learnapp-bench-"))
    db = work / "db.sqlite3"
    print(f"Preparing {db} (bank, 2 learners, {args.reviews} reviews)...", flush=True)
    info = prepare(db, args.reviews)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "learnapp.wsgi",
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
    try:
        for _ in range(50):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        short_cookie, csrf = login("short")
        long_cookie, _csrf = login("long")
        lua = work / "rate.lua"
        lua.write_text(RATE_LUA % {"cards": ", ".join(map(str, info["cards"])), "csrf": csrf})
        base = f"http://127.0.0.1:{PORT}"
        runs = [
            ("library", f"{base}/", short_cookie, None, None),
            ("review page", f"{base}/review/", short_cookie, None, 300),
            ("rate-and-next (POST)", f"{base}/review/", short_cookie, str(lua), 250),
            ("quiz question", f"{base}/attempts/{info['attempt']}/1/", short_cookie, None, None),
            ("progress (200 reviews)", f"{base}/progress/", short_cookie, None, None),
            (f"progress ({args.reviews} reviews)", f"{base}/progress/", long_cookie, None, None),
        ]
        print(f"\nwrk, 8 connections, {args.seconds} s each, gunicorn 2 workers, SQLite, DEBUG off\n")
        print(f"{'page':32} {'req/s':>8} {'p50':>9} {'p99':>9} {'non-2xx':>8}  budget")
        for name, url, cookie, script, budget in runs:
            result = wrk(url, args.seconds, cookie, script)
            verdict = "" if budget is None else ("ok" if result["rps"] >= budget else f"BELOW {budget}")
            figures = f"{result['rps']:8.0f} {result['p50']:>9} {result['p99']:>9} {result['non2xx']:8d}"
            print(f"{name:32} {figures}  {verdict}")
        print("\nSQL queries per page:")
        for name, n in info["queries"].items():
            print(f"  {name:32} {n}")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
