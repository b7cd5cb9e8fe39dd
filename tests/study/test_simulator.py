"""The workload simulator: its model is py-fsrs' own, its figures respond to the inputs the right way,
the page works with and without htmx, in French, and a large collection runs in the background."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes.study import planning, scheduling
from quizzes.study.models import Card, WorkloadSimulation
from tests import factory

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_a_review_in_the_simulator_is_the_review_of_py_fsrs():
    model = planning.Model(DEFAULT_PARAMETERS, 0.9)
    scheduler = Scheduler(desired_retention=0.9, enable_fuzzing=False)
    card = FsrsCard(card_id=1, state=State.Review, stability=12.0, difficulty=5.5, due=T0, last_review=T0)
    for elapsed, passed in [(10, True), (30, False), (0, True)]:
        after, _log = scheduler.review_card(card, Rating.Good if passed else Rating.Again, T0 + timedelta(days=elapsed))
        if not passed:  # then Good on the relearning step, ten minutes later
            after, _log = scheduler.review_card(after, Rating.Good, after.due)
        stability, difficulty = model.review(12.0, 5.5, elapsed, passed)
        assert stability == pytest.approx(after.stability) and difficulty == pytest.approx(after.difficulty)
        assert model.interval(stability) == (after.due - after.last_review).days


def test_the_first_day_of_a_new_card_is_good_on_both_learning_steps():
    scheduler = Scheduler(enable_fuzzing=False)
    card = FsrsCard(card_id=1)
    card, _ = scheduler.review_card(card, Rating.Good, T0)
    card, _ = scheduler.review_card(card, Rating.Good, card.due)
    stability, difficulty = planning.Model(DEFAULT_PARAMETERS, 0.9).first_day()
    assert (stability, difficulty) == (pytest.approx(card.stability), pytest.approx(card.difficulty))


def collection(n: int = 300) -> planning.Collection:
    cards = [
        planning.SimCard(stability=2 + i % 40, difficulty=3 + i % 6, last_review=-(i % 20), due=i % 25 - 5)
        for i in range(n)
    ]
    return planning.Collection(cards, new=200)


def run(retention: float, **kwargs) -> planning.Result:
    options = {"parameters": DEFAULT_PARAMETERS, "new_per_day": 10, "days": 30} | kwargs
    return planning.simulate(collection(), desired_retention=retention, **options)


def test_new_cards_come_at_the_chosen_rate_until_there_are_none_left():
    result = planning.simulate(
        planning.Collection([], new=25), parameters=DEFAULT_PARAMETERS, desired_retention=0.9, new_per_day=10, days=30
    )
    assert result.new[:4] == [10, 10, 5, 0] and sum(result.new) == 25
    assert result.reviews[0] == 20, "two learning steps each"
    assert result.learnt[-1] == 25 and 0.8 < result.share_remembered <= 1


def test_asking_for_more_retention_costs_more_reviews_and_remembers_more():
    low, high = run(0.80), run(0.95)
    assert high.total_reviews > 1.3 * low.total_reviews
    assert high.share_remembered > low.share_remembered
    assert run(0.9, new_per_day=20).total_reviews > run(0.9, new_per_day=0).total_reviews


def test_the_same_inputs_give_the_same_figures():
    assert run(0.9).as_dict() == run(0.9).as_dict()
    assert len(run(0.9, days=90).reviews) == 90


def test_overdue_cards_are_reviewed_today():
    overdue = planning.Collection([planning.SimCard(5.0, 5.0, last_review=-30, due=-25)] * 3, new=0)
    result = planning.simulate(overdue, parameters=DEFAULT_PARAMETERS, desired_retention=0.9, new_per_day=0, days=30)
    assert result.reviews[0] >= 3 and result.lapses[0] > 0


@pytest.fixture
def studied(learner):
    questions = [factory.make_question(f"q-{i}") for i in range(12)]
    scheduling.add_study(learner, quizset=factory.make_quizset("set", questions))
    now = datetime.now(UTC)
    for i, card in enumerate(Card.objects.filter(user=learner)[:8]):
        Card.objects.filter(pk=card.pk).update(
            state=Card.State.REVIEW,
            stability=3 + i,
            difficulty=5,
            last_review=now - timedelta(days=i),
            due=now + timedelta(days=3 - i),
        )
    return learner


def test_the_page_shows_a_chart_and_a_table_for_each_retention(alice, studied):
    r = alice.get("/study/plan/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<svg class="workload"' in html and html.count("<rect") == 30
    for retention in ("0.80", "0.85", "0.90", "0.95"):
        assert f'<th scope="row">{retention}</th>' in html
    r = alice.get("/study/plan/", {"days": 90, "new_per_day": 5, "retention": "0.85"})
    html = r.content.decode()
    assert html.count("<rect") == 90 and 'class="chosen" aria-current="true"><th scope="row">0.85' in html
    assert WorkloadSimulation.objects.filter(user=studied).count() == 2


def test_htmx_gets_the_simulation_alone(alice, studied):
    r = alice.get("/study/plan/", {"days": 30, "new_per_day": 5, "retention": "0.9"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.startswith('\n<section id="simulation"') or html.lstrip().startswith('<section id="simulation"')
    assert "<html" not in html


def test_bad_input_is_a_form_error_not_a_500(alice, studied):
    r = alice.get("/study/plan/", {"days": 45, "new_per_day": -3, "retention": "0.5"})
    assert r.status_code == 400
    assert r.content.decode().count('class="errorlist') >= 3
    assert not WorkloadSimulation.objects.exists()


def test_in_french_numbers_are_french_in_text_and_plain_in_the_chart(alice, studied):
    r = alice.get("/study/plan/", headers={"Accept-Language": "fr"})
    html = r.content.decode()
    assert "Simulateur de charge" in html
    assert '<th scope="row">0,90</th>' in html
    svg = html[html.index('<svg class="workload"') : html.index("</svg>")]
    assert "," not in svg.split(">")[0], "the viewBox and sizes are machine numbers"
    assert 'y="' in svg and not any(c in svg for c in ('y="1,', 'height="1,'))
    labels = re.findall(r"<text[^>]*>\d+ ([^<]+)</text>", svg)
    assert labels and all(label == label.lower() for label in labels), "months as French writes them: « déc. »"


def test_a_result_is_reused_until_the_collection_changes(alice, studied):
    alice.get("/study/plan/")
    alice.get("/study/plan/")
    assert WorkloadSimulation.objects.count() == 1
    card = Card.objects.filter(user=studied, state=Card.State.REVIEW).first()
    scheduling.rate(studied, card.pk, 3, token=None)
    alice.get("/study/plan/")
    assert WorkloadSimulation.objects.count() == 2


def test_a_large_collection_runs_in_the_background_task(alice, studied, settings, monkeypatch):
    monkeypatch.setattr(planning, "INLINE_LIMIT", 10)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    r = alice.get("/study/plan/")
    assert "runs in the background" in r.content.decode() and 'hx-trigger="load delay:1s"' in r.content.decode()
    simulation = WorkloadSimulation.objects.get()
    assert simulation.result is None
    planning.simulate_workload.call(simulation.pk)  # what the worker does
    r = alice.get("/study/plan/", headers={"HX-Request": "true"})
    assert '<svg class="workload"' in r.content.decode()


def test_a_background_simulation_that_never_ran_is_done_by_the_page(alice, studied, settings, monkeypatch):
    monkeypatch.setattr(planning, "INLINE_LIMIT", 10)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    alice.get("/study/plan/")
    WorkloadSimulation.objects.update(created_at=datetime.now(UTC) - timedelta(minutes=6))
    r = alice.get("/study/plan/")
    assert '<svg class="workload"' in r.content.decode()


def test_with_the_immediate_backend_the_task_runs_at_once(alice, studied, settings, monkeypatch):
    monkeypatch.setattr(planning, "INLINE_LIMIT", 10)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    r = alice.get("/study/plan/")
    assert '<svg class="workload"' in r.content.decode()
    assert WorkloadSimulation.objects.get().finished_at is not None


def test_a_failed_simulation_says_so(alice, studied, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(planning, "run_comparison", broken)
    r = alice.get("/study/plan/")
    assert r.status_code == 200 and "The simulation failed" in r.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get("/study/plan/").status_code == 302
    assert client.post("/study/plan/").status_code == 405
