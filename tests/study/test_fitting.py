"""quizzes.study.fitting: review days, fsrs-rs training items, and deterministic parameters py-fsrs accepts."""

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from fsrs_rs_python import FSRSItem, FSRSReview

from quizzes.study.fitting import (
    MIN_REVIEWS_TO_FIT,
    FitFailed,
    NotEnoughReviews,
    card_histories,
    checked_parameters,
    fit_parameters,
    fsrs_items,
    review_day,
)
from quizzes.study.revlog import Review
from tests.study.test_evaluation import TRUE_PARAMETERS, generated_log


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def item_repr(*reviews: tuple[int, int]) -> str:
    return repr(FSRSItem([FSRSReview(rating, delta_t) for rating, delta_t in reviews]))


class TestReviewDays:
    def test_a_day_starts_at_the_rollover_hour(self):
        utc = ZoneInfo("UTC")
        assert review_day(at(10, 3, 59), utc, 4) == review_day(at(9, 12), utc, 4)
        assert review_day(at(10, 4), utc, 4) == review_day(at(9, 12), utc, 4) + 1
        assert review_day(at(10, 0, 30), utc, 0) == review_day(at(9, 23), utc, 0) + 1

    def test_the_local_time_zone_counts(self):
        paris = ZoneInfo("Europe/Paris")  # UTC+1 in March before the 30th
        assert review_day(at(10, 2, 30), paris, 4) == review_day(at(10, 3, 30), paris, 4) - 1
        assert review_day(at(10, 2, 30), ZoneInfo("UTC"), 4) == review_day(at(10, 3, 30), ZoneInfo("UTC"), 4)

    def test_delta_t_counts_review_days_not_hours(self):
        reviews = [
            Review(1, at(9, 22), 3),
            Review(1, at(9, 22, 10), 3),  # learning step: same day
            Review(1, at(10, 5), 1),  # 7 hours later, but after the rollover: 1 day
            Review(2, at(10, 3), 4),
            Review(1, at(12, 3, 59), 3),  # still the 11th until 4 am
        ]
        histories = card_histories(reviews)
        assert [delta_t for _, delta_t in histories[1]] == [0, 0, 1, 1]
        assert [delta_t for _, delta_t in histories[2]] == [0]
        assert [delta_t for _, delta_t in card_histories(reviews, rollover_hour=0)[1]] == [0, 0, 1, 2]

    def test_bad_settings_are_refused(self):
        with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
            card_histories([], tz="Mars/Olympus")
        with pytest.raises(ValueError, match="rollover hour must be 0 to 23"):
            card_histories([], rollover_hour=24)


class TestItems:
    def test_one_item_per_review_on_a_later_day(self):
        reviews = [
            Review(1, at(1, 9), 1),
            Review(1, at(1, 9, 1), 3),
            Review(1, at(1, 9, 11), 3),
            Review(1, at(3, 9), 3),
            Review(1, at(9, 9), 1),
            Review(1, at(9, 9, 10), 3),
            Review(1, at(10, 9), 3),
            Review(2, at(2, 9), 4),  # a single review: nothing to learn from
        ]
        items = fsrs_items(card_histories(reviews))
        assert [repr(item) for item in items] == [  # FSRSReview has no Python attributes; its repr shows them
            item_repr((1, 0), (3, 0), (3, 0), (3, 2)),
            item_repr((1, 0), (3, 0), (3, 0), (3, 2), (1, 6)),
            item_repr((1, 0), (3, 0), (3, 0), (3, 2), (1, 6), (3, 0), (3, 1)),
        ]
        assert [item.long_term_review_cnt() for item in items] == [1, 2, 3]


class TestFit:
    def test_it_needs_enough_reviews_on_later_days(self):
        log = generated_log()[:500]
        with pytest.raises(NotEnoughReviews) as exc:
            fit_parameters(log)
        assert f"at least {MIN_REVIEWS_TO_FIT} reviews made on a later day" in str(exc.value)
        assert "out of 500 reviews" in str(exc.value)

    def test_it_is_deterministic_and_py_fsrs_accepts_the_result(self):
        log = generated_log()
        parameters = fit_parameters(log)
        assert fit_parameters(list(reversed(log))) == parameters
        assert len(parameters) == 21
        Scheduler(parameters=parameters)

    def test_it_moves_towards_the_true_learner(self):
        fitted = fit_parameters(generated_log())
        for i in range(4):  # the learner's initial stabilities are weaker than the defaults
            assert fitted[i] < DEFAULT_PARAMETERS[i]
        assert abs(fitted[20] - TRUE_PARAMETERS[20]) < abs(DEFAULT_PARAMETERS[20] - TRUE_PARAMETERS[20])

    def test_the_time_zone_and_rollover_are_used(self):
        log = generated_log()
        assert fit_parameters(log, tz="Pacific/Auckland", rollover_hour=0) != fit_parameters(log)


class TestCheckedParameters:
    def test_f32_noise_at_a_bound_is_rounded_away(self):
        raw = list(DEFAULT_PARAMETERS)
        raw[20] = 0.800000011920929  # f32(0.8): py-fsrs would refuse it
        raw[7] = 0.0010000000474974513
        checked = checked_parameters(raw)
        assert (checked[20], checked[7]) == (0.8, 0.001)
        Scheduler(parameters=checked)

    def test_values_far_out_of_bounds_are_refused(self):
        raw = list(DEFAULT_PARAMETERS)
        raw[20], raw[4] = 1.5, math.nan
        with pytest.raises(FitFailed) as exc:
            checked_parameters(raw)
        assert "w4 = nan is outside [1.0, 10.0]" in str(exc.value)
        assert "w20 = 1.5 is outside [0.1, 0.8]" in str(exc.value)

    def test_the_count_is_checked(self):
        with pytest.raises(FitFailed, match="19 parameters instead of 21"):
            checked_parameters(DEFAULT_PARAMETERS[:19])


def test_histories_keep_the_reviews():
    review = Review(5, at(1, 9) + timedelta(milliseconds=1), 2, 4000, 1)
    assert card_histories([review]) == {5: [(review, 0)]}
