"""More than one server: two gunicorn instances (A and B, as on two machines behind a proxy) and one worker
share only the database (the suite's: PostgreSQL in CI's second run, the SQLite file in the first) and
Redis (REDIS_URL, cache and sessions). Nothing one needs lives in another's memory:

- a session opened on A is valid on B, a review on A is seen on B;
- a double submission split across A and B applies once;
- a derivation asked for on A runs on the worker and shows on B;
- A killed (SIGKILL) in the middle of a stream of ratings loses none: what A acknowledged is stored,
  what it did not is sent again to B and applied once.
"""

import http.client
import http.cookiejar
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import redis

from quizzes.bank.models import Question, Source
from quizzes.deriving.models import DerivationJob
from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog
from tests import factory
from tests.processes import DB_BACKEND, free_port, kill, start_gunicorn, start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("LEARNAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


class Browser:
    """A user agent with one cookie jar, talking to either node (cookies of 127.0.0.1 go to every port)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        headers = {"X-CSRFToken": csrf, "Referer": url, **(headers or {})}
        try:
            with self.opener.open(urllib.request.Request(url, body, headers), timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def log_in(self, base: str, username: str, password: str) -> None:
        _status, page = self.request(f"{base}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page = self.request(
            f"{base}/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert status == 200 and "Log out" in page, page[:500]


def rate(browser: Browser, base: str, card: Card, token: str) -> int:
    status, _page = browser.request(
        f"{base}/review/{card.pk}/rate/", {"rating": 3, "token": token}, {"HX-Request": "true"}
    )
    return status


def redis_is_there() -> None:
    """As for Chromium (conftest): CI must have Redis (.ci/run starts it); elsewhere say how to get it."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {REDIS_URL}: CI must start it (.ci/run)")
        pytest.skip(f"Redis is not running at {REDIS_URL}: apt-get install redis-server (.ci/run starts it)")


@pytest.fixture
def nodes(settings, tmp_path):
    redis_is_there()
    settings.TASKS = DB_BACKEND
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the nodes' own
    shared = {
        "REDIS_URL": REDIS_URL,
        "LEARNAPP_CACHE_PREFIX": f"test-nodes-{os.getpid()}",  # this run's keys only
        "DJANGO_DEBUG": "0",
        "LEARNAPP_BANK_STAMP": str(tmp_path / "stamp"),
    }
    started = []
    try:
        worker = start_worker(tmp_path / "worker.log", **shared)
        started.append(worker)
        a_port, b_port = free_port(), free_port()
        a = start_gunicorn(a_port, tmp_path / "a.log", **shared)
        started.append(a)
        b = start_gunicorn(b_port, tmp_path / "b.log", **shared)
        started.append(b)
        yield {"A": f"http://127.0.0.1:{a_port}", "B": f"http://127.0.0.1:{b_port}", "a": a, "logs": tmp_path}
    finally:
        for process in started:
            kill(process)
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{shared['LEARNAPP_CACHE_PREFIX']}:*"):
            server.delete(key)


def due_cards(user, n: int) -> list[Card]:
    cards = []
    for i in range(n):
        question = factory.make_question(
            f"node-{i}", kind=Question.Kind.FLASHCARD, prompt=f"Card number {i:03d}?", back="Yes"
        )
        due = datetime(2026, 1, 1, i // 60, i % 60, tzinfo=UTC)  # shown in this order
        cards.append(Card.objects.create(user=user, question=question, due=due))
    return cards


def test_two_web_nodes_and_a_worker_share_everything_through_the_database_and_redis(nodes):
    A, B = nodes["A"], nodes["B"]
    alice = factory.make_user("alice", factory.Role.LEARNER, password="alice-long-password")
    factory.make_user("tom", factory.Role.TEACHER, password="tom-long-password")
    cards = due_cards(alice, 82)  # a stream long enough to be cut in the middle (below)
    learner = Browser()
    learner.log_in(A, "alice", "alice-long-password")

    # A review on A is seen on B (the session opened on A is valid there too).
    assert "Card number 000?" in learner.request(f"{B}/review/")[1]
    assert rate(learner, A, cards[0], str(scheduling.review_token(cards[0]))) == 200
    page = learner.request(f"{B}/review/")[1]
    assert "Card number 000?" not in page and "Card number 001?" in page

    # A double submission split across A and B applies once.
    token = str(scheduling.review_token(cards[1]))
    statuses = []
    sends = [threading.Thread(target=lambda n=n: statuses.append(rate(learner, n, cards[1], token))) for n in (A, B)]
    for t in sends:
        t.start()
    for t in sends:
        t.join()
    assert 500 not in statuses, statuses
    assert ReviewLog.objects.filter(card=cards[1]).count() == 1

    # A derivation asked for on A runs on the worker and shows on B.
    teacher = Browser()
    teacher.log_in(A, "tom", "tom-long-password")
    text = "Luxturna is indicated for the treatment of retinal dystrophy caused by mutations in the RPE65 gene.\n\n" * 3
    text += "Zolgensma treats spinal muscular atrophy. It was approved in Europe in 2020."
    teacher.request(f"{A}/texts/new/", {"title": "Two drugs", "text": text, "language": "en"})
    source = Source.objects.get(title="Two drugs")
    teacher.request(f"{A}/texts/{source.key}/derive/", {"derive": ""})
    assert DerivationJob.objects.filter(source=source).exists()
    wait_for(
        lambda: (
            "candidates found" in teacher.request(f"{B}/texts/{source.key}/derive/")[1]
            or "candidate found" in teacher.request(f"{B}/texts/{source.key}/derive/")[1]
        ),
        45,
        lambda: (nodes["logs"] / "worker.log").read_text()[-3000:],
        every=0.5,
    )

    # A dies in the middle of a stream of ratings (four at a time, some in flight when it dies): what A
    # acknowledged is stored; what failed is sent again to B, as the proxy would; nothing counts twice.
    rest = cards[2:]
    tokens = {card.pk: str(scheduling.review_token(card)) for card in rest}
    acknowledged, resent = [], []

    eight = threading.Event()

    def send(card: Card) -> int:
        try:
            status = rate(learner, A, card, tokens[card.pk])
        except (OSError, http.client.HTTPException):  # refused, reset, or cut short mid-response
            resent.append(card.pk)
            status = rate(learner, B, card, tokens[card.pk])
        acknowledged.append(card.pk)
        if len(acknowledged) >= 8:
            eight.set()
        return status

    with ThreadPoolExecutor(4) as pool:
        sent = [pool.submit(send, card) for card in rest]
        # Killed at once, not at a poll's next tick: a rating takes a few ms, the rest of the stream would be done.
        assert eight.wait(30), "A acknowledged nothing"
        kill(nodes["a"])  # SIGKILL: the master and its workers
        statuses = [future.result() for future in sent]
    assert set(statuses) == {200} and resent, (statuses, resent)
    for card in rest:  # every rating sent once more through B, as a client unsure of A's answer would
        assert rate(learner, B, card, tokens[card.pk]) in (200, 409)
    counts = {card.pk: ReviewLog.objects.filter(card=card).count() for card in rest}
    assert set(counts.values()) == {1}, counts
    assert Card.objects.filter(pk__in=acknowledged, reps=1).count() == len(rest)
