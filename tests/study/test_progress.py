"""The progress page: real numbers from the log, and a fixed number of queries with a long history."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from quizzes.bank.models import Topic
from quizzes.study import scheduling, stats
from quizzes.study.models import Card, ReviewLog, StudySettings
from tests import factory


def history(user, cards: list[Card], reviews: int, now: datetime, seed: int = 1) -> None:
    """`reviews` log rows spread over the last 360 days (bulk: this is about reading them back)."""
    rng = random.Random(seed)
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=user,
            card=rng.choice(cards),
            reviewed_at=now - timedelta(minutes=rng.randint(1, 360 * 24 * 60)),
            rating=rng.choice([1, 3, 3, 3, 4]),
            state_before=rng.choice([0, 1, 2, 2, 2]),
        )
        for _ in range(reviews)
    )
    scheduling.rebuild_review_days(user)


@pytest.fixture
def studied(learner):
    topic = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    questions = [factory.make_question(f"q-{i}", topics=[topic]) for i in range(20)]
    scheduling.add_study(learner, quizset=factory.make_quizset("set", questions))
    return list(Card.objects.filter(user=learner))


def test_the_numbers_are_computed_from_the_log(learner, studied):
    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    settings = StudySettings.for_user(learner)
    # Three days in a row, ending today: 2 review-state passes and 1 fail in the last week.
    for days_ago, rating, state in [(0, 3, 2), (1, 1, 2), (2, 3, 2), (40, 3, 0)]:
        ReviewLog.objects.create(
            user=learner, card=studied[0], reviewed_at=now - timedelta(days=days_ago), rating=rating, state_before=state
        )
    scheduling.rebuild_review_days(learner)
    Card.objects.filter(pk=studied[1].pk).update(
        state=2, due=now + timedelta(days=3), mastered_until=now + timedelta(days=2)
    )
    Card.objects.filter(pk=studied[2].pk).update(
        state=2, due=now - timedelta(days=1), mastered_until=now - timedelta(days=2)
    )
    data = stats.progress(learner, settings, now)
    assert data["streak"] == 3
    assert data["reviews_last_year"] == 4
    assert round(data["retention"]["week"], 2) == 0.67 and data["retention"]["week_count"] == 3
    assert data["totals"]["mastered"] == 1 and data["totals"]["total"] == 20
    assert [row["mastered"] for row in data["topics"]] == [1]
    assert data["forecast"]["bars"][0]["n"] == 1, "overdue counts for today"
    assert data["forecast"]["bars"][3]["n"] == 1
    assert [c.pk for c in data["at_risk"]] == [studied[2].pk]


def test_the_page_runs_a_fixed_number_of_queries_with_10000_reviews(
    client, learner, studied, django_assert_max_num_queries
):
    client.force_login(learner)
    now = datetime.now(UTC)
    history(learner, studied, 100, now)
    with django_assert_max_num_queries(20) as small:
        client.get("/progress/")
    history(learner, studied, 9900, now, seed=2)  # appended to the first 100
    assert ReviewLog.objects.filter(user=learner).count() == 10_000
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get("/progress/")
    html = r.content.decode()
    assert "10000 reviews in the last year" in html or "10,000 reviews in the last year" in html
    assert html.count("<rect") < 450, "the heat-map embeds one cell per day, not per review"
    with django_assert_max_num_queries(20):
        client.get("/review/")


def test_leeches_are_listed_and_can_be_unsuspended(client, learner, studied):
    Card.objects.filter(pk=studied[0].pk).update(is_leech=True, suspended=True, lapses=8)
    client.force_login(learner)
    html = client.get("/progress/").content.decode()
    assert "8 lapses" in html and "Unsuspend" in html
    r = client.post(f"/review/{studied[0].pk}/suspend/", {"suspended": "0", "next": "progress"})
    assert r.url == "/progress/"
    card = Card.objects.get(pk=studied[0].pk)
    assert not card.suspended and not card.is_leech


def test_charts_have_text_for_screen_readers_and_work_in_french(client, learner, studied):
    now = datetime.now(UTC)
    history(learner, studied, 50, now)
    client.force_login(learner)
    html = client.get("/progress/", headers={"accept-language": "fr"}).content.decode()
    assert 'role="img"' in html and "<table>" in html
    assert "Votre progression" in html
    assert "style=" not in html, "no inline styles: the CSP forbids them"


def test_progress_needs_login(client):
    assert client.get("/progress/").status_code == 302
