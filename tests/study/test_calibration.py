"""Calibration on the progress page: predicted recall (stored on each review) against what was recalled,
in 10 bins, over a capped window of the latest reviews."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from quizzes.study import planning, scheduling
from quizzes.study.models import Card, ReviewLog
from tests import factory

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.fixture
def card(learner):
    scheduling.add_study(learner, quizset=factory.make_quizset("set", [factory.make_question("q-1")]))
    return Card.objects.get(user=learner)


def log(user, card, minutes_ago: int, r: float | None, rating: int, elapsed: int = 3, **kwargs) -> None:
    ReviewLog.objects.create(
        user=user,
        card=card,
        reviewed_at=NOW - timedelta(minutes=minutes_ago),
        rating=rating,
        state_before=2,
        retrievability=r,
        elapsed_days=elapsed,
        **kwargs,
    )


def test_a_rating_stores_the_recall_predicted_at_that_moment(learner, card):
    Card.objects.filter(pk=card.pk).update(
        state=Card.State.REVIEW, stability=10.0, difficulty=5.0, last_review=NOW - timedelta(days=10), due=NOW
    )
    rated = scheduling.rate(learner, card.pk, 3, token=None, now=NOW)
    assert rated.log.retrievability == pytest.approx(0.9, abs=1e-3), "R(S, S) = 0.9"


def test_bins_count_mean_predicted_and_share_recalled(learner, card):
    log(learner, card, 1, 0.95, 3)
    log(learner, card, 2, 0.91, 1)
    log(learner, card, 3, 0.93, 3)
    log(learner, card, 4, 1.0, 3)  # recall 1 falls in the top bin
    log(learner, card, 5, 0.42, 1)
    log(learner, card, 6, 0.30, 2)  # Hard is a pass
    log(learner, card, 7, 0.99, 1, elapsed=0)  # same day: a learning step, left out
    log(learner, card, 8, None, 3)  # imported, nothing predicted: left out
    log(learner, card, 9, 0.5, 3, kind=ReviewLog.Kind.MANUAL)  # not a review
    data = planning.calibration(learner.pk)
    bins = {round(b.low * 10): b for b in data["bins"] if b.count}
    assert data["total"] == 6 and set(bins) == {9, 4, 3}
    assert bins[9].count == 4 and bins[9].predicted == pytest.approx(0.9475) and bins[9].actual == 0.75
    assert bins[4].count == 1 and bins[4].actual == 0 and bins[3].actual == 1
    assert data["svg"].count("<circle") == 3


def test_only_the_latest_reviews_count(learner, card):
    for i in range(10):
        log(learner, card, i, 0.85, 3 if i < 4 else 1)  # the 4 latest were recalled
    data = planning.calibration(learner.pk, window=4)
    assert data["total"] == 4 and data["bins"][8].actual == 1


def test_the_progress_page_shows_it_in_both_languages(alice, learner, card):
    r = alice.get("/progress/")
    assert "Not enough reviews yet" in r.content.decode()
    for i in range(30):
        log(learner, card, i, 0.05 + i * 0.03, 3 if i % 3 else 1)
    r = alice.get("/progress/")
    html = r.content.decode()
    assert '<svg class="calibration"' in html and html.count("<circle") == 10
    r = alice.get("/progress/", headers={"Accept-Language": "fr"})
    html = r.content.decode()
    assert "Peut-on se fier au calendrier\u00a0?" in html
    svg = html[html.index('<svg class="calibration"') : html.index("</svg>", html.index('<svg class="calibration"'))]
    assert re.search(r'="[0-9]+,[0-9]', svg) is None, "machine numbers in the SVG"


@pytest.mark.django_db
def test_the_chart_reads_its_own_partial_index_not_the_whole_log(learner):
    """A long log of imported or same-day reviews is not scanned on every progress page."""
    from django.db import connection

    from quizzes.study import planning

    constraints = connection.introspection.get_constraints(connection.cursor(), "quizzes_reviewlog")
    assert "reviewlog_calibration" in constraints
    if connection.vendor == "sqlite":
        sql = planning.CALIBRATION_SQL.replace("{bin}", planning.FLOOR_BIN["sqlite"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, [learner.pk, 10])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "reviewlog_calibration" in plan, plan
