"""quizzes.study.evaluation: Anki SM-2 as Anki computes it, the benchmark metrics, and a chronological evaluation.

`generated_log()` simulates a learner whose true memory follows FSRS-6 with parameters unlike the
defaults (weaker initial stabilities, slower stability growth, w20 = 0.35), scheduled by py-fsrs with
the default parameters; the other scheduler tests use it too.
"""

import functools
import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from fsrs_rs_python import FSRS

from quizzes.study.evaluation import (
    ANKI_SM2,
    FSRS_DEFAULT,
    FSRS_FITTED,
    SM2Card,
    auc,
    bin_key,
    evaluate,
    fsrs_predictor,
    fsrs_recall,
    log_loss,
    rmse_bins,
    sm2_recall,
    sm2_review,
    split_time,
)
from quizzes.study.fitting import NotEnoughReviews, card_histories
from quizzes.study.revlog import Review

TRUE_PARAMETERS = list(DEFAULT_PARAMETERS)
TRUE_PARAMETERS[0:4] = [0.1, 0.6, 1.2, 4.0]  # initial stabilities (defaults 0.212, 1.2931, 2.3065, 8.2956)
TRUE_PARAMETERS[8] = 1.3  # stability growth after a pass (default 1.8722)
TRUE_PARAMETERS[20] = 0.35  # decay (default 0.1542)

START = datetime(2025, 1, 6, 9, tzinfo=UTC)


@functools.cache
def generated_log(seed: int = 1, cards: int = 500, new_per_day: int = 10, days: int = 120) -> tuple[Review, ...]:
    """About 6,000 reviews: learnt `new_per_day` a day, reviewed when py-fsrs (default parameters) says,
    sometimes a few days late; the answers come from the true FSRS memory, in review days (rollover 4 am UTC)."""
    rng = random.Random(seed)
    scheduler = Scheduler(enable_fuzzing=False)
    truth = FSRS(TRUE_PARAMETERS)
    end = START + timedelta(days=days)
    reviews = []
    for card_id in range(1, cards + 1):
        when = START + timedelta(days=(card_id - 1) // new_per_day, minutes=rng.randrange(360))
        card, memory, last_day = Card(card_id=card_id, due=when), None, None
        while when < end:
            day = (when - timedelta(hours=4)).date().toordinal()
            elapsed = 0 if last_day is None else day - last_day
            rating = _answer(rng, memory, elapsed)
            states = truth.next_states(memory, 0.9, elapsed)
            memory = (states.again, states.hard, states.good, states.easy)[rating - 1].memory
            reviews.append(Review(card_id, when, rating, rng.randrange(2000, 20000), None))
            card, _ = scheduler.review_card(card, Rating(rating), when)
            last_day = day
            when = card.due + timedelta(seconds=rng.randrange(5, 120))
            if card.step is None and rng.random() < 0.3:  # a review card, answered late
                when += timedelta(days=rng.randrange(1, 4), minutes=rng.randrange(240))
    return tuple(sorted(reviews, key=lambda r: (r.review_time, r.card_id)))


def _answer(rng: random.Random, memory, elapsed: int) -> int:
    if memory is None:
        return rng.choices([1, 2, 3, 4], [0.25, 0.1, 0.5, 0.15])[0]
    recall = fsrs_recall(TRUE_PARAMETERS, elapsed, memory.stability) if elapsed else 0.95
    if rng.random() >= recall:
        return 1
    return rng.choices([2, 3, 4], [0.15, 0.7, 0.15])[0]


class TestAnkiSM2:
    def test_a_hand_computed_sequence(self):
        steps = [
            # rating, review days since the previous answer, then phase, ivl (days), ease, due_in
            (3, 0, "learning", 0, 2.5, timedelta(minutes=10)),  # new card: Good -> second step
            (3, 0, "review", 1, 2.5, timedelta(days=1)),  # graduates: 1 day
            (3, 1, "review", 3, 2.5, timedelta(days=3)),  # hard=max(2, 1.2)=2, good=max(3, 1*2.5=2.5->3)
            (3, 3, "review", 8, 2.5, timedelta(days=8)),  # hard=max(4, 3.6->4), good=max(5, 7.5->8)
            (2, 8, "review", 10, 2.35, timedelta(days=10)),  # hard=max(9, 9.6->10); ease -0.15
            (1, 10, "relearning", 1, 2.15, timedelta(minutes=10)),  # lapse: max(1, 10*0)=1; ease -0.20
            (3, 0, "review", 1, 2.15, timedelta(days=1)),  # relearning step done: back to 1 day
            (3, 1, "review", 3, 2.15, timedelta(days=3)),  # hard=2, good=max(3, 2.15->2)=3
            (3, 5, "review", 9, 2.15, timedelta(days=9)),  # 2 days late: good=(3 + 2/2)*2.15=8.6->9
            (4, 9, "review", 25, 2.3, timedelta(days=25)),  # hard=11, good=19, easy=9*2.15*1.3=25.155->25
            (3, 10, "review", 25, 2.3, timedelta(days=25)),  # 15 days early: good=max(10*2.3=23, 25)
            (4, 10, "review", 29, 2.45, timedelta(days=29)),  # early easy: max(23, 25)*(1.3-0.15)=28.75->29
        ]
        card = None
        for rating, elapsed, phase, ivl, ease, due_in in steps:
            card = sm2_review(card, rating, elapsed)
            assert (card.phase, card.ivl, card.ease, card.due_in) == (phase, ivl, ease, due_in), (rating, elapsed)
        assert card.lapses == 1

    def test_learning_steps(self):
        assert sm2_review(None, 1).due_in == timedelta(minutes=1)
        assert sm2_review(None, 2).due_in == timedelta(seconds=330)  # mean of 1m and 10m
        second = sm2_review(None, 3)
        assert sm2_review(second, 2).due_in == timedelta(minutes=10)  # Hard repeats the step
        assert sm2_review(second, 1) == SM2Card("learning", 0, 0, 2.5, 0, timedelta(minutes=1))
        assert sm2_review(None, 4) == SM2Card("review", 0, 4, 2.5, 0, timedelta(days=4))  # easy interval

    def test_relearning(self):
        lapsed = sm2_review(SM2Card("review", ivl=20, ease=1.4), 1, 20)
        assert (lapsed.phase, lapsed.ivl, lapsed.ease, lapsed.lapses) == ("relearning", 1, 1.3, 1)  # ease floor
        assert sm2_review(lapsed, 2).due_in == timedelta(minutes=15)  # one step: 1.5x
        assert sm2_review(lapsed, 1) == lapsed  # Again while relearning changes neither ease nor lapses
        assert sm2_review(lapsed, 4).ivl == 2  # Easy: the lapse interval + 1

    def test_it_computes_in_f32_like_anki(self):
        # 15 * 2.1 is 31.5 in f64 but 31.499998 with Anki's f32 ease, so Anki gives 31 days, not 32.
        card = sm2_review(SM2Card("review", ivl=15, ease=2.1), 3, 15)
        assert card.ivl == 31

    def test_the_maximum_interval(self):
        assert sm2_review(SM2Card("review", ivl=30000, ease=2.5), 3, 30000).ivl == 36500

    def test_recall_is_ninety_percent_after_one_interval(self):
        card = SM2Card("review", ivl=10)
        assert sm2_recall(card, 10) == pytest.approx(0.9)
        assert sm2_recall(card, 20) == pytest.approx(0.81)
        assert sm2_recall(sm2_review(None, 3), 1) == pytest.approx(0.9)  # still learning: as if 1 day


class TestMetrics:
    def test_log_loss(self):
        assert log_loss([0.8, 0.6], [1, 0]) == pytest.approx(-(math.log(0.8) + math.log(0.4)) / 2)
        assert log_loss([1.0], [0]) == pytest.approx(-math.log(1e-4))  # clipped, not infinite

    def test_bins(self):
        assert bin_key(1, 1, 0) == (2.48, 2, 0)
        assert bin_key(3, 2, 1) == (2.48, 4, 2)  # 3 < 3.62; 1.89 <= 2 < 1.89^2: 1.99*1.89 = 3.76; 1.65
        assert bin_key(4, 4, 2) == (8.98, 7, 3)  # 2.48*3.62 = 8.9776; 1.99*1.89^2 = 7.11; 1.65*1.73 = 2.85
        assert bin_key(14, 8, 3) == (32.5, 13, 5)  # 2.48*3.62^2 = 32.499; 1.99*1.89^3 = 13.43; 1.65*1.73^2 = 4.94

    def test_rmse_bins_weighs_bins_by_count(self):
        a, b = (2.48, 2, 0), (8.98, 2, 0)
        # bin a: mean p 0.8, mean y 2/3 (3 reviews); bin b: mean p 0.5, mean y 1 (1 review)
        p, y, keys = [0.9, 0.7, 0.8, 0.5], [1, 1, 0, 1], [a, a, a, b]
        expected = math.sqrt((3 * (0.8 - 2 / 3) ** 2 + 1 * 0.5**2) / 4)
        assert rmse_bins(p, y, keys) == pytest.approx(expected)
        assert rmse_bins([0.7, 0.9], [1, 0], [a, a]) == pytest.approx(0.3)  # one bin: |0.8 - 0.5|

    def test_auc(self):
        assert auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
        assert auc([0.5, 0.5, 0.5], [1, 0, 1]) == pytest.approx(0.5)  # ties count half
        assert auc([0.2, 0.5, 0.5, 0.9], [0, 1, 0, 1]) == pytest.approx((1 + 0.5 + 1 + 1) / 4)
        assert auc([0.3, 0.6], [1, 1]) is None


class TestFSRSPrediction:
    def test_it_matches_a_py_fsrs_replay_when_reviews_are_whole_days_apart(self):
        scheduler = Scheduler(enable_fuzzing=False)
        schedule = [(0, 3), (0.01, 3), (2.01, 3), (13.01, 1), (13.02, 3), (16.02, 2), (30.02, 4), (31.02, 3)]
        card, expected, reviews = Card(card_id=7, due=START), [], []
        for days, rating in schedule:
            when = START + timedelta(days=days)
            expected.append(scheduler.get_card_retrievability(card, when))
            card, _ = scheduler.review_card(card, Rating(rating), when)
            reviews.append(Review(7, when, rating))
        predicted = fsrs_predictor(DEFAULT_PARAMETERS)(card_histories(reviews)[7])
        assert predicted[1:] == pytest.approx(expected[1:], abs=1e-5)


@pytest.fixture(scope="module")
def results():
    return {r.name: r for r in evaluate(generated_log(), 0.5)}


class TestEvaluate:
    def test_the_log_looks_like_a_real_one(self):
        log = generated_log()
        assert 4000 < len(log) < 8000
        assert 0.1 < sum(r.rating == 1 for r in log) / len(log) < 0.3

    def test_fitting_beats_the_defaults_on_the_later_part(self, results):
        assert results[FSRS_FITTED].log_loss < results[FSRS_DEFAULT].log_loss - 0.005
        assert results[FSRS_FITTED].rmse_bins < results[FSRS_DEFAULT].rmse_bins

    def test_fsrs_beats_sm2(self, results):
        assert results[FSRS_DEFAULT].log_loss < results[ANKI_SM2].log_loss
        assert results[FSRS_FITTED].log_loss < results[ANKI_SM2].log_loss
        assert results[FSRS_FITTED].auc > results[ANKI_SM2].auc

    def test_metrics_are_in_sane_ranges(self, results):
        assert list(results) == [FSRS_DEFAULT, FSRS_FITTED, ANKI_SM2]
        for r in results.values():
            assert 0.2 < r.log_loss < 0.7
            assert 0 < r.rmse_bins < 0.2
            assert 0.5 < r.auc < 0.8

    def test_only_later_reviews_on_a_new_day_are_scored(self, results):
        log = generated_log()
        split = split_time(log, 0.5)
        last_day, scored = {}, 0
        for review in log:  # UTC, rollover at 4 am
            day = (review.review_time - timedelta(hours=4)).date()
            if review.card_id in last_day and day > last_day[review.card_id]:
                scored += review.review_time >= split
            last_day[review.card_id] = day
        assert {r.count for r in results.values()} == {scored}

    def test_the_split_is_chronological(self):
        log = generated_log()
        split = split_time(log, 0.25)
        assert sum(r.review_time < split for r in log) == len(log) // 4
        with pytest.raises(ValueError):
            split_time(log, 1.0)

    def test_too_few_reviews(self):
        with pytest.raises(NotEnoughReviews, match="at least 400"):
            evaluate(generated_log()[:600])
