"""Speed without wrong pages (issue 11): the cached library never shows one user another's data and
shows an edit at once; every hot page runs a bounded number of queries, with a small or a large history."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank import version
from quizzes.bank.admin import QuestionAdmin
from quizzes.bank.models import Question, QuizSet, Source, Topic
from quizzes.teaching.models import Assignment, Classroom, Enrollment
from tests import factory


@pytest.fixture
def bank(db):
    topic = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    q1 = factory.make_question("q-1", topics=[topic])
    q2 = factory.make_question("q-2", prompt="Second prompt", topics=[topic])
    quizset = factory.make_quizset("vectors-set", [q1, q2], title="All about vectors")
    return quizset, q1, q2


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


class TestCachedLibraryIsPerUserWhereItMustBe:
    def test_names_assignments_and_csrf_tokens_are_never_shared(self, bank, learner):
        quizset = bank[0]
        teacher = factory.make_user("teacher-t", factory.Role.TEACHER)
        classroom = Classroom.objects.create(teacher=teacher, name="Secret class of Ada")
        Enrollment.objects.create(classroom=classroom, learner=learner)
        Assignment.objects.create(classroom=classroom, quizset=quizset, due_at=timezone.now() + timedelta(days=3))
        other = factory.make_user("bob-other", factory.Role.LEARNER)
        first, second, anonymous = Client(), Client(), Client()
        first.force_login(learner)
        second.force_login(other)
        html_first = home(first)  # fills the cache
        html_second = home(second)
        html_anonymous = home(anonymous)
        assert "Secret class of Ada" in html_first
        assert "Secret class of Ada" not in html_second and "Secret class of Ada" not in html_anonymous
        assert learner.username in html_first
        assert learner.username not in html_second and learner.username not in html_anonymous
        assert other.username in html_second
        assert "Log in" in html_anonymous
        token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
        assert token.findall(html_first) and token.findall(html_second)
        assert set(token.findall(html_first)).isdisjoint(token.findall(html_second))
        # The shared part is the same for all three.
        assert all("All about vectors" in h for h in (html_first, html_second, html_anonymous))

    def test_each_language_has_its_own_copy(self, client, bank):
        assert "Vectors" in home(client)
        html = client.get("/", headers={"accept-language": "fr"}).content.decode()
        assert "Vecteurs" in html and '<html lang="fr">' in html
        assert "Vectors" in home(client), "and the English copy is still English"


class TestAnEditShowsAtOnce:
    def test_renaming_a_set_a_source_or_a_topic(self, client, bank):
        quizset, q1, _q2 = bank
        assert "All about vectors" in home(client)
        quizset.title = "Vectors, renamed"
        quizset.save()
        assert "Vectors, renamed" in home(client)
        source = Source.objects.get()
        source.title = "A retitled source"
        source.save()
        assert "A retitled source" in home(client)
        Topic.objects.filter(key="vectors").first().delete()
        assert ">Vectors</a>" not in home(client)

    def test_unpublishing_and_deleting(self, client, bank):
        quizset, q1, q2 = bank
        assert "2 questions" in home(client)
        q2.status = Question.Status.DRAFT
        q2.save()
        assert "1 question<" in home(client)
        q1.status = Question.Status.DRAFT
        q1.save()
        assert "All about vectors" not in home(client), "a set with no published question goes"
        q1.status = Question.Status.PUBLISHED
        q1.save()
        assert "All about vectors" in home(client)
        QuizSet.objects.get(pk=quizset.pk).delete()
        assert "All about vectors" not in home(client)

    def test_a_new_set_and_a_topic_added_to_a_question(self, client, bank):
        _quizset, q1, _q2 = bank
        home(client)
        factory.make_quizset("new-set", [q1], title="A brand new set")
        assert "A brand new set" in home(client)
        basics = Topic.objects.create(key="basics", name_en="Basics", name_fr="Bases")
        q1.topics.add(basics)
        assert ">Basics</a>" in home(client)

    def test_the_admins_bulk_publish_action(self, client, bank, admin_user):
        quizset, q1, q2 = bank
        Question.objects.filter(pk__in=[q1.pk, q2.pk]).update(status=Question.Status.DRAFT)
        version.bump()  # a bulk update outside the admin says so itself
        assert "All about vectors" not in home(client)
        from django.contrib.admin.sites import site
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.test import RequestFactory

        request = RequestFactory().post("/")
        request.user = admin_user
        request.session = {}
        request._messages = FallbackStorage(request)
        QuestionAdmin(Question, site).publish(request, Question.objects.all())
        assert "All about vectors" in home(client)

    def test_another_process_sees_the_stamp(self, client, bank, settings):
        """Processes with their own local cache (gunicorn's workers) share the stamp file's time."""
        before = version.current()
        from django.core.cache import cache

        cache.clear()  # as another process would: its own empty cache, a new token
        version._bump_all()
        assert version.current() != before


def make_history(user, cards: int, reviews: int):
    """A learner who studies `cards` questions, all due, with `reviews` review log rows."""
    from quizzes.study import scheduling
    from quizzes.study.models import Card, ReviewLog

    source = Source.objects.filter(key="intro").first() or factory.make_source()
    existing = Question.objects.count()
    questions = [factory.make_question(f"h-{existing + i}", source=source) for i in range(cards)]
    quizset = factory.make_quizset(f"history-{existing}", questions)
    scheduling.add_study(user, quizset=quizset)
    now = timezone.now()
    Card.objects.filter(user=user).update(
        state=Card.State.REVIEW,
        stability=10,
        difficulty=5,
        due=now - timedelta(days=1),
        last_review=now - timedelta(days=11),
    )
    ids = list(Card.objects.filter(user=user).values_list("pk", flat=True))
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=user,
            card_id=ids[i % len(ids)],
            rating=3 if i % 4 else 1,
            state_before=2,
            reviewed_at=now - timedelta(minutes=7 * i + 1),
        )
        for i in range(reviews)
    )
    scheduling.rebuild_review_days(user)
    return ids


@pytest.mark.parametrize("cards,reviews", [(3, 10), (60, 3000)], ids=["small", "large"])
class TestQueriesAreBounded:
    def test_review_page(self, client, learner, cards, reviews, django_assert_max_num_queries):
        make_history(learner, cards, reviews)
        client.force_login(learner)
        # session, user, when the kept page ends, the queue (what is held read in its statement), the card, its
        # question with the choices (unless this process showed it since the bank last changed)
        with django_assert_max_num_queries(6):
            assert client.get("/review/").status_code == 200
        # then the page kept for this learner (quizzes/study/learner_pages.py): session, user with its page generation
        with django_assert_max_num_queries(2):
            assert client.get("/review/").status_code == 200

    def test_rate_and_next(self, client, learner, cards, reviews, django_assert_max_num_queries):
        ids = make_history(learner, cards, reviews)
        client.force_login(learner)
        client.get("/review/")
        # session, user; the rating: BEGIN, the card (with what is held and the token's log), the card's update,
        # the log, the day (its first rating of the day: a savepoint and an insert more), COMMIT; the queue and its
        # snapshot written, the next card, its question with the choices (unless this process showed it since the
        # bank last changed)
        with django_assert_max_num_queries(13):
            response = client.post(
                f"/review/{ids[0]}/rate/",
                {"rating": 3, "token": "4b0d8f2e-1c1a-4c3e-9b1e-0a9a3c1e2f10"},
                HTTP_HX_REQUEST="true",
            )
        assert response.status_code == 200

    def test_rate_and_next_of_a_deck(self, client, learner, cards, reviews, django_assert_max_num_queries):
        from quizzes.study.models import Card, Deck

        ids = make_history(learner, cards, reviews)
        deck = Deck.objects.create(user=learner, name="Deck <&>")
        Card.objects.filter(user=learner).update(deck=deck)
        client.force_login(learner)
        client.post(f"/decks/{deck.pk}/study/")
        client.get("/review/")
        shown = ids[0]
        for bound in (14, 13):
            # session, user, the deck; the rating: BEGIN, the card, its update, the log, the day (its first rating of
            # the day: a savepoint and an insert more), the generation, COMMIT; the first time the queue (the deck's
            # and the learner's counts, one statement) then its snapshot written, then the snapshot moved and written
            # in the rating's transaction; the next card, its question with the choices (unless this process showed
            # it since the bank last changed)
            with django_assert_max_num_queries(bound):
                response = client.post(
                    f"/review/{shown}/rate/", {"rating": 3, "token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
                )
            assert response.status_code == 200 and "Studying the deck Deck &lt;&amp;&gt;." in response.content.decode()
            shown = int(re.search(r'action="/review/(\d+)/bury/"', response.content.decode()).group(1))

    def test_progress(self, client, learner, cards, reviews, django_assert_max_num_queries):
        make_history(learner, cards, reviews)
        client.force_login(learner)
        with django_assert_max_num_queries(10):  # first visit: the page is rendered
            assert client.get("/progress/").status_code == 200
        # then the page kept for this learner (quizzes/study/progress_cache.py): session, user (with their page
        # generation)
        with django_assert_max_num_queries(2):
            assert client.get("/progress/").status_code == 200

    def test_library(self, client, learner, cards, reviews, django_assert_max_num_queries):
        make_history(learner, cards, reviews)
        client.force_login(learner)
        with django_assert_max_num_queries(11):  # first visit: the shared part is built
            assert client.get("/").status_code == 200
        # then the page kept for this learner (quizzes/library_cache.py): session, user with its page generation
        with django_assert_max_num_queries(2):
            assert client.get("/").status_code == 200
        # searched: session, user, the cards due per set, the held questions, today's queue, the assignments
        with django_assert_max_num_queries(6):
            assert client.get("/?q=history").status_code == 200


class TestCachedTeacherResults:
    @pytest.fixture
    def setup(self, db, teacher, learner):
        from tests.teaching.test_results_kept_page import basics_assigned

        return basics_assigned(teacher, learner)

    def page(self, client, assignment) -> str:
        response = client.get(f"/teach/assignments/{assignment.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    def test_answers_extensions_and_new_learners_show_at_once(self, setup, learner):
        from tests.teaching.test_teaching import take

        client, assignment, classroom = setup
        assert "not started" in self.page(client, assignment)
        take(learner, assignment, {"q-1": "Right", "q-2": "No"})
        html = self.page(client, assignment)
        assert "50%" in html and "not started" not in html
        newcomer = factory.make_user("newcomer-zed", factory.Role.LEARNER)
        Enrollment.objects.create(classroom=classroom, learner=newcomer)
        html = self.page(client, assignment)
        assert "newcomer-zed" in html, "in the results and in the extension form"
        assert html.count("newcomer-zed") >= 2
        from quizzes.teaching.models import Extension

        due = timezone.now() + timedelta(days=30)
        Extension.objects.create(assignment=assignment, learner=newcomer, due_at=due)
        assert due.strftime("%-d %b %Y, %H:%M UTC") in self.page(client, assignment)  # "29 Dec 2026, 17:00 UTC"

    def test_a_question_edit_shows_at_once(self, setup, learner):
        from tests.teaching.test_teaching import take

        client, assignment, _classroom = setup
        take(learner, assignment, {"q-1": "Right", "q-2": "Yes"})
        assert "Second?" in self.page(client, assignment)
        question = Question.objects.get(external_id="q-2")
        question.prompt = "Second, reworded?"
        question.save()
        assert "Second, reworded?" in self.page(client, assignment)
        choice = question.choices.get(text="No")
        choice.text = "Nope"
        choice.save()
        assert "Nope" in self.page(client, assignment)

    def test_another_teacher_gets_a_404_even_when_cached(self, setup):
        client, assignment, _classroom = setup
        self.page(client, assignment)
        other = Client()
        other.force_login(factory.make_user("tess", factory.Role.TEACHER))
        assert other.get(f"/teach/assignments/{assignment.pk}/").status_code == 404

    def test_queries_stay_bounded_as_the_class_grows(self, setup, django_assert_max_num_queries):
        from tests.teaching.test_teaching import take

        client, assignment, classroom = setup
        for i in range(30):
            learner = factory.make_user(f"l-{i:02d}", factory.Role.LEARNER)
            Enrollment.objects.create(classroom=classroom, learner=learner)
            take(learner, assignment, {"q-1": "Right", "q-2": "No" if i % 2 else "Yes"})
        with django_assert_max_num_queries(16):  # the first time: the results are computed
            self.page(client, assignment)
        with django_assert_max_num_queries(6):  # then: session, user, roles, assignment, fingerprint
            self.page(client, assignment)


class TestCachedQuizResults:
    def test_an_edited_question_shows_at_once_and_queries_stay_bounded(
        self, client, learner, django_assert_max_num_queries
    ):
        from quizzes.quizzing.flow import record_answer, start_attempt

        questions = [factory.make_question(f"r-{i}", prompt=f"Prompt number {i}?") for i in range(12)]
        quizset = factory.make_quizset("results-set", questions)
        attempt = start_attempt(learner, quizset)
        for position, pk in enumerate(attempt.question_ids, start=1):
            question = Question.objects.get(pk=pk)
            record_answer(attempt, position, question, {"choices": [question.choices.first().pk]})
        client.force_login(learner)
        url = f"/attempts/{attempt.pk}/results/"
        # session, user, the kept page's fingerprint (quizzing/kept_pages.py); rendered: the attempt, its responses,
        # the questions with passage and source, their choices
        with django_assert_max_num_queries(7):
            assert "Prompt number 3?" in client.get(url).content.decode()
        with django_assert_max_num_queries(3):  # the page is kept: session, user, the fingerprint
            client.get(url)
        questions[3].prompt = "Prompt number three, reworded?"
        questions[3].save()
        html = client.get(url).content.decode()
        assert "Prompt number three, reworded?" in html and "Prompt number 3?" not in html
        other = Client()
        other.force_login(factory.make_user("someone-else", factory.Role.LEARNER))
        assert other.get(url).status_code == 404


@pytest.mark.parametrize("tz", ["America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"])
def test_the_forecast_puts_each_card_on_the_learners_day(learner, tz):
    """The forecast is counted per half hour in SQL and given to days in Python: it must agree with
    the learner's day of each due date (time zone, rollover hour, a DST change within the 30 days)."""
    from collections import Counter
    from datetime import UTC, datetime

    from quizzes.study import scheduling, stats
    from quizzes.study.models import Card, StudySettings

    now = datetime(2026, 3, 1, 12, 7, tzinfo=UTC)  # DST starts on March 8 (US), April 5 (Lord Howe: 30 min)
    settings = StudySettings.for_user(learner)
    settings.timezone, settings.rollover_hour = tz, 4
    settings.save()
    source = factory.make_source()
    questions = [factory.make_question(f"f-{i}", source=source) for i in range(120)]
    dues = [now + timedelta(minutes=(i * 397) % (40 * 24 * 60) - 3 * 24 * 60) for i in range(120)]
    Card.objects.bulk_create(
        Card(user=learner, question=q, state=Card.State.REVIEW, stability=5, difficulty=5, due=due, last_review=now)
        for q, due in zip(questions, dues, strict=True)
    )
    today = scheduling.local_day(now, tz, 4)
    expected = Counter()
    for due in dues:
        if due < now + timedelta(days=stats.FORECAST_DAYS):
            index = max(0, (scheduling.local_day(due, tz, 4) - today).days)
            if index < stats.FORECAST_DAYS:
                expected[index] += 1
    bars = stats.progress(learner, settings, now)["forecast"]["bars"]
    assert {i: b["n"] for i, b in enumerate(bars) if b["n"]} == dict(expected)
