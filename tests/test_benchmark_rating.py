"""scripts/benchmark.py's rate-and-next run: several learners rate, so that no learner's queue runs out during a run
(a rating after the last due card renders the "all done" page, not the next card), and a run that did run one out is
reported as such. Not timed: the figures are in docs/performance.md."""

import importlib.util
import random
import re
import uuid
from datetime import timedelta
from pathlib import Path

import fsrs.card
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from quizzes.study.models import Card, KeptQueue, PageGeneration, ReviewLog
from tests import factory

_spec = importlib.util.spec_from_file_location("benchmark", Path(__file__).parent.parent / "scripts" / "benchmark.py")
benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(benchmark)


def _raters(n: int) -> list[dict]:
    return [
        {"pk": i, "cards": [100 * i + k for k in range(3)], "cookie": f"sessionid=s{i}", "csrf": f"t{i}"}
        for i in range(n)
    ]


def test_the_wrk_script_rates_each_learners_own_cards_with_their_own_session():
    script = benchmark.rate_lua(_raters(3))
    for i in range(3):
        assert f'cookie = "sessionid=s{i}"' in script and f'csrf = "t{i}"' in script
        assert f"cards = {{{100 * i}, {100 * i + 1}, {100 * i + 2}}}" in script
    # The request's Cookie is the chosen learner's, not the one wrk was started with.
    assert 'headers["Cookie"] = rater.cookie' in script


def test_in_process_ratings_go_to_every_learner_each_with_their_own_card():
    raters = _raters(4)
    rng = random.Random(5)
    seen = set()
    for _ in range(200):
        _method, path, headers, body = benchmark.rate_request({"raters": raters}, rng)
        card = int(re.search(r"/review/(\d+)/rate/", path).group(1))
        rater = raters[card // 100]
        assert headers["Cookie"] == rater["cookie"] and f"csrfmiddlewaretoken={rater['csrf']}" in body
        seen.add(rater["pk"])
    assert seen == {0, 1, 2, 3}


def test_due_left_is_the_fewest_due_cards_of_any_rater(db):
    now = timezone.now()
    ann, bob = factory.make_user("ann"), factory.make_user("bob")
    questions = iter(factory.make_question(f"q-{i}") for i in range(5))
    for user, due in ((ann, [-1, -1, 1]), (bob, [-1, 2])):
        for days in due:
            question = next(questions)
            Card.objects.create(user=user, question=question, state=Card.State.REVIEW, due=now + timedelta(days=days))
    info = {"raters": [{"pk": ann.pk}, {"pk": bob.pk}]}
    assert benchmark.due_left(info) == 1
    Card.objects.filter(user=bob).update(due=now + timedelta(days=3))
    assert benchmark.due_left(info) == 0


def test_a_run_that_ran_a_queue_out_fails_the_check():
    table = benchmark.summarise(
        {
            "bare+auth": [{"rps": 100.0, "p50": 1.0, "p99": 2.0, "non2xx": 0}],
            "rate-and-next (POST)": [{"rps": 60.0, "p50": 1.0, "p99": 2.0, "non2xx": 0, "dry": True}],
        }
    )
    failures = benchmark.print_table(table, {}, {"rate-and-next (POST)": 0.2}, "t")
    assert any("queue" in f for f in failures)
    table["rate-and-next (POST)"]["dry"] = 0
    assert benchmark.print_table(table, {}, {"rate-and-next (POST)": 0.2}, "t") == []


def test_the_floors_script_posts_to_the_floor():
    script = benchmark.rate_lua(_raters(1), "/__bench__/rating-floor/%d/")
    assert 'string.format("/__bench__/rating-floor/%d/", card)' in script


def _due_card(user) -> Card:
    now = timezone.now()
    return Card.objects.create(
        user=user,
        question=factory.make_question(),
        state=Card.State.REVIEW,
        stability=10,
        difficulty=5,
        due=now - timedelta(days=1),
        last_review=now - timedelta(days=11),
    )


def _post_rating(driver, url: str, cookie: str, csrf: str, token) -> tuple[int, str]:
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}
    status, _h, body = driver.request("POST", url, headers, f"rating=3&token={token}&csrfmiddlewaretoken={csrf}")
    return status, body


@pytest.fixture
def driver(db):
    """The benchmark's in-process driver, on the test's connection: as Django's test client does, the connection is
    not closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield benchmark.WsgiDriver()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_rating_floor_makes_the_ratings_writes_behind_the_apps_middleware(driver, monkeypatch):
    from learnapp import bench

    # fsrs sleeps 1 ms when it makes a card without an id: a floor (or a rating) that did would wait for it each time,
    # which CPU time in-process does not show and wrk does.
    def no_sleep(seconds):
        raise AssertionError(f"slept {seconds} s")

    monkeypatch.setattr(fsrs.card.time, "sleep", no_sleep)
    user = factory.make_user("rita", factory.Role.LEARNER, password=benchmark.PASSWORD)
    card = _due_card(user)
    cookie, csrf = benchmark.login(driver, "rita")
    token = uuid.uuid4()
    status, body = _post_rating(driver, f"/__bench__/rating-floor/{card.pk}/", cookie, csrf, token)
    assert status == 200 and body == bench.FLOOR_BODY
    # The app's stack answered (its language and policy headers), not the bare+auth one.
    assert driver.headers["content-language"] and "content-security-policy" in driver.headers
    card.refresh_from_db()
    assert (card.reps, card.version, card.state) == (1, 1, Card.State.REVIEW) and card.due > timezone.now()
    log = ReviewLog.objects.get(token=token)
    assert (log.card_id, log.user_id, log.rating) == (card.pk, user.pk, 3)
    assert KeptQueue.objects.get(user=user).generation == PageGeneration.objects.get(user=user).n
    # What the floor leaves out is what the app's own rating adds: the same rating through it also writes a log row.
    status, _body = _post_rating(driver, f"/review/{card.pk}/rate/", cookie, csrf, uuid.uuid4())
    assert status == 200 and ReviewLog.objects.filter(card=card).count() == 2


def test_the_rating_floor_asks_for_a_login_and_a_csrf_token(driver):
    user = factory.make_user("rita", factory.Role.LEARNER, password=benchmark.PASSWORD)
    card = _due_card(user)
    assert _post_rating(driver, f"/__bench__/rating-floor/{card.pk}/", "", "x", uuid.uuid4())[0] == 403
    cookie, _csrf = benchmark.login(driver, "rita")
    assert _post_rating(driver, f"/__bench__/rating-floor/{card.pk}/", cookie, "forged", uuid.uuid4())[0] == 403
    assert not ReviewLog.objects.exists()
