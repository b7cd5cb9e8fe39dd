"""FSRS scheduling: matches the `fsrs` library, previews are exactly the outcome, days roll over locally."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog, StudySettings
from tests import factory

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def card(learner):
    question = factory.make_question()
    return Card.objects.create(user=learner, question=question, due=T0)


def rate(card, rating, when, **kwargs):
    return scheduling.rate(card.user, card.pk, rating, token=kwargs.pop("token", uuid.uuid4()), now=when, **kwargs)


@pytest.mark.django_db
class TestAgainstTheLibrary:
    def test_a_sequence_of_ratings_matches_fsrs_without_fuzz(self, card):
        """Up to the fuzz (applied on review intervals), states, steps, stability and difficulty are fsrs's own."""
        reference = Scheduler(enable_fuzzing=False)
        ref = FsrsCard(card_id=card.pk, due=T0)
        when = T0
        for rating in [Rating.Good, Rating.Good, Rating.Good, Rating.Again, Rating.Good, Rating.Hard]:
            ref, _log = reference.review_card(ref, rating, review_datetime=when)
            rated = rate(card, int(rating), when)
            card.refresh_from_db()
            assert card.state == int(ref.state)
            assert card.step == ref.step
            assert card.stability == pytest.approx(ref.stability)
            assert card.difficulty == pytest.approx(ref.difficulty)
            assert rated.log.stability_after == pytest.approx(ref.stability)
            if ref.state != 2 or card.scheduled_days < 3:
                assert card.due == ref.due
            else:  # fuzzed within Anki's bounds around the library's interval
                base = (ref.due - when).days
                lower, upper = scheduling._fuzz_bounds(base, 1)
                assert lower <= card.scheduled_days <= upper
            when = card.due
        assert card.reps == 6 and card.lapses == 1

    def test_the_previews_are_exactly_what_each_rating_then_does(self, card):
        when = T0
        for rating in [3, 3, 3, 3, 3]:  # bring the card into review with a long interval
            rate(card, rating, when)
            card.refresh_from_db()
            when = card.due
        settings = StudySettings.for_user(card.user)
        for chosen in (1, 2, 3, 4):
            previews = scheduling.outcomes(card, settings, when)
            snapshot = Card.objects.get(pk=card.pk)
            rated = rate(snapshot, chosen, when)
            assert rated.card.due == previews[chosen].due
            assert rated.card.scheduled_days == previews[chosen].scheduled_days
            scheduling.undo_last(card.user)
            card.refresh_from_db()

    def test_hard_good_easy_stay_in_order_on_review_cards(self, card):
        when = T0
        for rating in [3, 3, 4, 3]:
            rate(card, rating, when)
            card.refresh_from_db()
            when = card.due
        previews = scheduling.outcomes(card, StudySettings.for_user(card.user), when)
        assert previews[2].scheduled_days < previews[3].scheduled_days < previews[4].scheduled_days
        assert previews[1].state == Card.State.RELEARNING

    @pytest.mark.parametrize("state", [Card.State.NEW, Card.State.LEARNING, Card.State.REVIEW, Card.State.RELEARNING])
    def test_one_rating_alone_does_what_it_does_among_the_four(self, state):
        """A rating computes only the outcomes it depends on (on a review card, Hard's and Good's intervals are the
        floors of the ones above them): the same as when the four are computed for the buttons."""
        settings = StudySettings()
        for days in (0.01, 3, 11, 40, 400):
            card = Card(
                pk=41,
                state=state,
                step=0 if state in (Card.State.LEARNING, Card.State.RELEARNING) else None,
                stability=None if state == Card.State.NEW else 9.5,
                difficulty=None if state == Card.State.NEW else 5.2,
                due=T0 - timedelta(days=1),
                last_review=None if state == Card.State.NEW else T0 - timedelta(days=days),
                reps=0 if state == Card.State.NEW else 4,
            )
            four = scheduling.outcomes(card, settings, T0)
            for rating in (1, 2, 3, 4):
                assert scheduling.outcome(card, settings, T0, rating) == four[rating]

    def test_desired_retention_changes_intervals(self, card):
        when = T0
        for rating in [3, 3, 3]:
            rate(card, rating, when)
            card.refresh_from_db()
            when = card.due
        settings = StudySettings.for_user(card.user)
        normal = scheduling.outcomes(card, settings, when)[3].scheduled_days
        settings.desired_retention = 0.80
        relaxed = scheduling.outcomes(card, settings, when)[3].scheduled_days
        assert relaxed > normal * 2

    def test_interval_labels(self):
        with translation.override("en"):
            labels = [
                scheduling.interval_text(d)
                for d in (
                    timedelta(minutes=1),
                    timedelta(minutes=10),
                    timedelta(hours=5),
                    timedelta(days=3),
                    timedelta(days=46),
                    timedelta(days=400),
                )
            ]
        assert labels == ["1 min", "10 min", "5 h", "3 d", "1.5 mo", "1.1 y"]
        with translation.override("fr"):
            assert scheduling.interval_text(timedelta(days=46)) == "1,5\xa0mois"


@pytest.mark.django_db
class TestOnce:
    def test_a_replayed_token_applies_nothing_twice(self, card):
        token = uuid.uuid4()
        first = rate(card, 3, T0, token=token)
        again = rate(card, 1, T0 + timedelta(seconds=30), token=token)
        assert again.duplicate and again.log.pk == first.log.pk
        card.refresh_from_db()
        assert card.reps == 1 and ReviewLog.objects.count() == 1
        assert again.card.due == first.card.due

    def test_a_stale_tab_is_refused(self, card):
        version = card.version
        scheduling.rate(card.user, card.pk, 3, token=uuid.uuid4(), version=version, now=T0)
        with pytest.raises(scheduling.StaleCard):
            scheduling.rate(card.user, card.pk, 3, token=uuid.uuid4(), version=version, now=T0)
        assert ReviewLog.objects.count() == 1

    def test_another_learners_card_cannot_be_rated(self, card):
        other = factory.make_user("bob", factory.Role.LEARNER)
        with pytest.raises(Card.DoesNotExist):
            scheduling.rate(other, card.pk, 3, token=uuid.uuid4(), now=T0)


@pytest.mark.django_db
class TestUndoLeechBury:
    def test_undo_restores_the_card_and_removes_the_log(self, card):
        rate(card, 3, T0)
        card.refresh_from_db()
        before = (card.state, card.step, card.stability, card.due, card.reps)
        rate(card, 1, card.due)
        restored = scheduling.undo_last(card.user)
        assert (restored.state, restored.step, restored.stability, restored.due, restored.reps) == before
        assert ReviewLog.objects.count() == 1
        assert scheduling.undo_last(card.user).reps == 0
        assert scheduling.undo_last(card.user) is None

    def test_a_card_failed_eight_times_becomes_a_suspended_leech(self, card):
        when = T0
        for _ in range(3):
            rate(card, 3, when)
            card.refresh_from_db()
            when = card.due
        for lapse in range(1, 9):
            rate(card, 1, when)  # lapse
            card.refresh_from_db()
            assert card.is_leech == (lapse == 8)
            when = card.due
            rate(card, 3, when)  # relearned
            card.refresh_from_db()
            when = card.due
        assert card.lapses == 8 and card.suspended
        assert scheduling.queue(card.user, StudySettings.for_user(card.user), when).card is None

    def test_bury_until_the_next_day(self, card):
        settings = StudySettings.for_user(card.user)
        scheduling.bury(card, settings, T0)
        assert scheduling.queue(card.user, settings, T0 + timedelta(hours=1)).card is None
        assert scheduling.queue(card.user, settings, T0 + timedelta(days=1)).card.pk == card.pk


class TestDays:
    @pytest.mark.parametrize(
        "now, tz, start, end",
        [
            # 03:59 in Paris (winter, UTC+1) is still the previous day; 04:00 starts the next one.
            (
                datetime(2026, 1, 10, 2, 59, tzinfo=UTC),
                "Europe/Paris",
                datetime(2026, 1, 9, 3, 0, tzinfo=UTC),
                datetime(2026, 1, 10, 3, 0, tzinfo=UTC),
            ),
            (
                datetime(2026, 1, 10, 3, 0, tzinfo=UTC),
                "Europe/Paris",
                datetime(2026, 1, 10, 3, 0, tzinfo=UTC),
                datetime(2026, 1, 11, 3, 0, tzinfo=UTC),
            ),
            # The night clocks go forward (29 March 2026 in Paris): that day is 23 hours long.
            (
                datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
                "Europe/Paris",
                datetime(2026, 3, 28, 3, 0, tzinfo=UTC),
                datetime(2026, 3, 29, 2, 0, tzinfo=UTC),
            ),
            # And back (25 October 2026): the day that started on the 24th lasts 25 hours.
            (
                datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
                "Europe/Paris",
                datetime(2026, 10, 24, 2, 0, tzinfo=UTC),
                datetime(2026, 10, 25, 3, 0, tzinfo=UTC),
            ),
            # West of UTC: 4 am in New York is 09:00 UTC in winter.
            (
                datetime(2026, 1, 10, 8, 0, tzinfo=UTC),
                "America/New_York",
                datetime(2026, 1, 9, 9, 0, tzinfo=UTC),
                datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
            ),
        ],
    )
    def test_the_day_starts_at_the_rollover_hour_local_time(self, now, tz, start, end):
        assert scheduling.day_bounds(now, tz, 4) == (start, end)


@pytest.mark.django_db
class TestQueue:
    def test_daily_limits_learning_first_then_reviews_then_new(self, learner):
        settings = StudySettings.for_user(learner)
        settings.new_per_day, settings.reviews_per_day = 2, 1
        settings.save()
        questions = [factory.make_question(f"q-{i}") for i in range(5)]
        set_ = factory.make_quizset("five", questions)
        _study, added = scheduling.add_study(learner, quizset=set_)
        assert added == 5
        assert scheduling.add_study(learner, quizset=set_)[1] == 0, "adding twice creates no card twice"
        now = datetime.now(UTC)
        _start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
        if end - now < timedelta(minutes=30):
            now = end + timedelta(minutes=1)  # the test's ten minutes stay within one study day
        q = scheduling.queue(learner, settings, now)
        assert (q.new_left, q.learning_due, q.review_left) == (2, 0, 0)
        first = q.card
        assert first.question == questions[0]
        scheduling.rate(learner, first.pk, 3, token=uuid.uuid4(), now=now)  # learning, back in 10 min
        q = scheduling.queue(learner, settings, now)
        assert q.new_left == 1 and q.learning_due == 1
        second = q.card
        assert second.pk != first.pk, "a new card before a learning step that is not due yet"
        scheduling.rate(learner, second.pk, 4, token=uuid.uuid4(), now=now)  # Easy: graduates
        q = scheduling.queue(learner, settings, now)
        assert q.card.pk == first.pk and q.new_left == 0, "nothing else to do: learn ahead (20 min)"
        later = now + timedelta(minutes=10)
        assert scheduling.queue(learner, settings, later).card.pk == first.pk, "a due learning step comes first"
        scheduling.rate(learner, first.pk, 3, token=uuid.uuid4(), now=later)  # graduates
        q = scheduling.queue(learner, settings, later)
        assert q.card is None and q.new_left == 0, "two new cards a day"

    def test_a_quiz_answer_reviews_the_card_in_studies(self, learner):
        question = factory.make_question()
        set_ = factory.make_quizset("one", [question])
        assert scheduling.record_quiz_answer(learner, question, True) is None, "not studied: nothing happens"
        scheduling.add_study(learner, quizset=set_)
        log = scheduling.record_quiz_answer(learner, question, False)
        assert (log.rating, log.origin) == (1, "quiz")
        assert Card.objects.get().reps == 1


@pytest.mark.django_db
def test_per_day_counts_follow_ratings_and_undo(card):
    from quizzes.study.models import ReviewDay

    rate(card, 3, T0)
    card.refresh_from_db()
    rate(card, 1, card.due)  # a learning-state fail, same day
    card.refresh_from_db()
    for _ in range(3):
        rate(card, 3, card.due)
        card.refresh_from_db()
    scheduling.undo_last(card.user)
    fields = ("day", "reviews", "new_cards", "review_cards", "review_passed")
    live = sorted(ReviewDay.objects.filter(reviews__gt=0).values_list(*fields))  # undo may leave a day at 0
    scheduling.rebuild_review_days(card.user)
    rebuilt = sorted(ReviewDay.objects.values_list(*fields))
    assert live == rebuilt
    assert sum(row[1] for row in live) == ReviewLog.objects.count() == 4
