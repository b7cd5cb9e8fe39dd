"""Taking a quiz: start, answer (with and without htmx), feedback with the passage, results, retakes."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.quizzing.models import Attempt, Response
from tests import factory

HX = {"HX-Request": "true"}


@pytest.fixture
def quiz(db):
    q1 = factory.make_question(
        "q-1",
        highlight="non-integrative",
        explanation="EXPLAIN-ONE",
        choices=[("Non-integrative", True), ("Integrative", False)],
    )
    Question.objects.get(pk=q1.pk).choices.filter(text="Integrative").update(feedback="FEEDBACK-WRONG")
    q2 = factory.make_question(
        "q-2",
        kind="short",
        choices=[],
        prompt="Name the vector family",
        accepted_answers="adeno-associated virus\nAAV",
        explanation="EXPLAIN-TWO",
    )
    q3 = factory.make_question(
        "q-3",
        kind="flashcard",
        choices=[],
        prompt="FRONT-THREE",
        back="BACK-THREE",
        explanation="EXPLAIN-THREE",
        passage="Gene therapy consists of introducing genetic material into cells",
    )
    return factory.make_quizset("basics", [q1, q2, q3], title="Basics")


@pytest.fixture
def alice_client(client, learner):
    client.force_login(learner)
    return client


def start(client) -> Attempt:
    r = client.post("/sets/basics/start/")
    attempt = Attempt.objects.latest("started_at")
    assert r.status_code == 302 and r.url == f"/attempts/{attempt.pk}/"
    return attempt


def first_choice_id(question_id: str, correct: bool) -> int:
    return Question.objects.get(external_id=question_id).choices.get(is_correct=correct).pk


class TestStart:
    def test_it_needs_login_and_post(self, client, quiz):
        r = client.post("/sets/basics/start/")
        assert r.status_code == 302 and r.url.startswith("/accounts/login/")
        client.force_login(factory.make_user("bob", factory.Role.LEARNER))
        assert client.get("/sets/basics/start/").status_code == 405

    def test_it_starts_then_resumes_the_same_attempt(self, alice_client, quiz):
        attempt = start(alice_client)
        assert attempt.question_ids == [q.pk for q in quiz.questions.order_by("quizset_items__position")]
        assert alice_client.get(f"/attempts/{attempt.pk}/").url == f"/attempts/{attempt.pk}/1/"
        assert start(alice_client) == attempt
        assert "Resume where you stopped" in alice_client.get("/sets/basics/").content.decode()

    def test_a_maximum_number_of_attempts_is_enforced(self, alice_client, quiz):
        quiz.max_attempts = 1
        quiz.save()
        attempt = start(alice_client)
        alice_client.post(f"/attempts/{attempt.pk}/finish/")
        r = alice_client.post("/sets/basics/start/", follow=True)
        assert "You have used all the attempts allowed for this quiz." in r.content.decode()
        assert Attempt.objects.count() == 1

    def test_questions_can_be_drawn_and_shuffled(self, alice_client, quiz):
        quiz.question_count = 2
        quiz.shuffle_choices = True
        quiz.shuffle_questions = True
        quiz.save()
        attempt = start(alice_client)
        assert len(attempt.question_ids) == 2
        assert set(attempt.question_ids) <= set(quiz.questions.values_list("pk", flat=True))
        q1 = Question.objects.get(external_id="q-1")
        if q1.pk in attempt.question_ids:
            assert sorted(attempt.choice_order[str(q1.pk)]) == sorted(q1.choices.values_list("pk", flat=True))


class TestAnswering:
    def test_the_question_page_reveals_nothing_before_answering(self, alice_client, quiz):
        attempt = start(alice_client)
        html = alice_client.get(f"/attempts/{attempt.pk}/1/").content.decode()
        assert "Question 1 of 3" in html and "Are AAV vectors integrative?" in html
        for secret in (
            "EXPLAIN-ONE",
            "FEEDBACK-WRONG",
            "correct",
            "explanation",
            "Name the vector family",
            "FRONT-THREE",
        ):
            assert secret not in html, secret
        q1 = Question.objects.get(external_id="q-1")
        shown = {int(v) for v in re.findall(r'name="choice" value="(\d+)"', html)}
        assert shown == set(q1.choices.values_list("pk", flat=True))

    def test_an_htmx_answer_swaps_in_the_feedback_with_the_passage(self, alice_client, quiz):
        attempt = start(alice_client)
        r = alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", False)}, headers=HX)
        html = r.content.decode()
        assert r.status_code == 200 and "<html" not in html
        assert "Not quite" in html and "EXPLAIN-ONE" in html and "FEEDBACK-WRONG" in html
        assert "<mark>non-integrative</mark>" in html
        assert 'href="/sources/intro/"' in html
        assert 'hx-swap-oob="true"' in html  # announced to screen readers
        assert f'hx-get="/attempts/{attempt.pk}/2/"' in html
        response = Response.objects.get()
        assert (response.is_correct, response.position, response.answer) == (
            False,
            1,
            {"choices": [first_choice_id("q-1", False)]},
        )

    def test_without_javascript_it_posts_redirects_and_shows_the_same_feedback(self, alice_client, quiz):
        attempt = start(alice_client)
        r = alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)})
        assert r.status_code == 302 and r.url == f"/attempts/{attempt.pk}/1/"
        html = alice_client.get(r.url).content.decode()
        assert "<html" in html and "✓ Correct" in html and "EXPLAIN-ONE" in html
        assert f'href="/attempts/{attempt.pk}/2/"' in html

    def test_an_empty_answer_gets_a_message_and_records_nothing(self, alice_client, quiz):
        attempt = start(alice_client)
        r = alice_client.post(f"/attempts/{attempt.pk}/1/", {}, headers=HX)
        assert "Choose an answer." in r.content.decode()
        assert not Response.objects.exists()

    def test_a_choice_from_another_question_is_refused(self, alice_client, quiz):
        attempt = start(alice_client)
        other = factory.make_question("q-other").choices.first()
        r = alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": other.pk})
        assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
        assert not Response.objects.exists()

    def test_a_second_answer_to_the_same_question_counts_once(self, alice_client, quiz):
        attempt = start(alice_client)
        url = f"/attempts/{attempt.pk}/1/"
        alice_client.post(url, {"choice": first_choice_id("q-1", False)}, headers=HX)
        r = alice_client.post(url, {"choice": first_choice_id("q-1", True)}, headers=HX)
        assert "You already answered this question" in r.content.decode()
        assert Response.objects.get().is_correct is False

    def test_two_tabs_answering_at_once_record_one_answer(self, learner, quiz):
        tab1, tab2 = Client(), Client()
        tab1.force_login(learner)
        tab2.force_login(learner)
        attempt = start(tab1)
        form = tab2.get(f"/attempts/{attempt.pk}/1/")  # both tabs show question 1
        assert form.status_code == 200
        tab1.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)})
        r = tab2.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", False)}, follow=True)
        assert "You already answered this question" in r.content.decode()
        assert Response.objects.count() == 1 and Response.objects.get().is_correct

    def test_questions_are_taken_in_order(self, alice_client, quiz):
        attempt = start(alice_client)
        r = alice_client.get(f"/attempts/{attempt.pk}/3/")
        assert r.status_code == 302 and r.url == f"/attempts/{attempt.pk}/"
        r = alice_client.post(f"/attempts/{attempt.pk}/3/", {"knew": "yes"})
        assert r.status_code == 302 and not Response.objects.exists()
        assert alice_client.get(f"/attempts/{attempt.pk}/9/").status_code == 404

    def test_a_short_answer_is_graded_tolerantly_and_says_why(self, alice_client, quiz):
        attempt = start(alice_client)
        alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)})
        r = alice_client.post(f"/attempts/{attempt.pk}/2/", {"answer": "adeno asociated viruses"}, headers=HX)
        html = r.content.decode()
        assert "✓ Correct" in html and "small spelling difference" in html
        assert Response.objects.get(position=2).notes == ["small spelling difference"]

    def test_a_flashcard_is_revealed_then_self_graded(self, alice_client, quiz):
        attempt = start(alice_client)
        alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)})
        alice_client.post(f"/attempts/{attempt.pk}/2/", {"answer": "AAV"})
        front = alice_client.get(f"/attempts/{attempt.pk}/3/").content.decode()
        assert "FRONT-THREE" in front and "BACK-THREE" not in front
        back = alice_client.get(f"/attempts/{attempt.pk}/3/?reveal=1", headers=HX).content.decode()
        assert "BACK-THREE" in back and 'value="yes"' in back and "EXPLAIN-THREE" not in back
        r = alice_client.post(f"/attempts/{attempt.pk}/3/", {"knew": "yes"}, headers=HX)
        assert "EXPLAIN-THREE" in r.content.decode() and "See your results" in r.content.decode()
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == 1.0


class TestTimeLimit:
    def test_a_late_answer_is_refused_and_the_attempt_closed(self, alice_client, quiz):
        quiz.time_limit = timedelta(minutes=5)
        quiz.save()
        attempt = start(alice_client)
        assert attempt.deadline == attempt.started_at + timedelta(minutes=5)
        assert "Time left:" in alice_client.get(f"/attempts/{attempt.pk}/1/").content.decode()
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=timezone.now() - timedelta(minutes=6), deadline=timezone.now() - timedelta(minutes=1)
        )
        r = alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)}, follow=True)
        assert "Time is up: this answer arrived after the time limit and was not recorded." in r.content.decode()
        assert not Response.objects.exists()
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == 0.0

    def test_an_htmx_late_answer_redirects_the_whole_page(self, alice_client, quiz):
        quiz.time_limit = timedelta(minutes=5)
        quiz.save()
        attempt = start(alice_client)
        Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
        r = alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)}, headers=HX)
        assert r["HX-Redirect"] == f"/attempts/{attempt.pk}/results/"
        assert not Response.objects.exists()


class TestResults:
    def finish_with_one_wrong(self, client) -> Attempt:
        attempt = start(client)
        client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", False)})
        client.post(f"/attempts/{attempt.pk}/2/", {"answer": "AAV"})
        client.post(f"/attempts/{attempt.pk}/3/", {"knew": "yes"})
        attempt.refresh_from_db()
        return attempt

    def test_results_show_score_time_and_every_answer(self, alice_client, quiz):
        attempt = self.finish_with_one_wrong(alice_client)
        assert attempt.is_finished and round(attempt.score, 2) == 0.67
        html = alice_client.get(f"/attempts/{attempt.pk}/results/").content.decode()
        assert "67%" in html and "2 of 3 right" in html and "time taken:" in html
        assert "Integrative" in html and "Non-integrative" in html  # the answer given and the right one
        assert "accepted alternative answer" in html
        assert "Retake the whole set" in html and "Retake the 1 missed question" in html

    def test_retaking_the_missed_questions(self, alice_client, quiz):
        attempt = self.finish_with_one_wrong(alice_client)
        r = alice_client.post(f"/attempts/{attempt.pk}/retake/")
        retake = Attempt.objects.latest("started_at")
        assert r.url == f"/attempts/{retake.pk}/"
        assert retake.question_ids == [Question.objects.get(external_id="q-1").pk]
        assert retake.retake_of == attempt

    def test_finishing_early_counts_unanswered_as_wrong(self, alice_client, quiz):
        attempt = start(alice_client)
        alice_client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)})
        r = alice_client.post(f"/attempts/{attempt.pk}/finish/")
        assert r.url == f"/attempts/{attempt.pk}/results/"
        attempt.refresh_from_db()
        assert round(attempt.score, 2) == 0.33
        html = alice_client.get(r.url).content.decode()
        assert html.count("Not answered") == 2
        assert alice_client.post(f"/attempts/{attempt.pk}/2/", {"answer": "AAV"}).status_code == 302
        assert Response.objects.count() == 1

    def test_an_unfinished_attempt_has_no_results_yet(self, alice_client, quiz):
        attempt = start(alice_client)
        assert alice_client.get(f"/attempts/{attempt.pk}/results/").url == f"/attempts/{attempt.pk}/"


class TestPrivacy:
    def test_another_learners_attempt_is_404_everywhere(self, alice_client, quiz, learner):
        bob = Client()
        bob.force_login(factory.make_user("bob", factory.Role.LEARNER))
        attempt = start(alice_client)
        pk = attempt.pk
        for method, url in [
            ("get", f"/attempts/{pk}/"),
            ("get", f"/attempts/{pk}/1/"),
            ("post", f"/attempts/{pk}/1/"),
            ("get", f"/attempts/{pk}/results/"),
            ("post", f"/attempts/{pk}/finish/"),
            ("post", f"/attempts/{pk}/retake/"),
        ]:
            for headers in ({}, HX):
                r = getattr(bob, method)(
                    url, {"choice": first_choice_id("q-1", True)} if method == "post" else None, headers=headers
                )
                assert r.status_code == 404, (method, url, headers)
        assert not Response.objects.exists()
        attempt.refresh_from_db()
        assert not attempt.is_finished

    def test_answers_need_a_csrf_token(self, learner, quiz):
        client = Client(enforce_csrf_checks=True)
        client.force_login(learner)
        assert client.post("/sets/basics/start/").status_code == 403
        client.get("/sets/basics/")
        token = client.cookies["csrftoken"].value
        attempt = start_with_token(client, token)
        r = client.post(f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)}, headers=HX)
        assert r.status_code == 403 and not Response.objects.exists()
        r = client.post(
            f"/attempts/{attempt.pk}/1/", {"choice": first_choice_id("q-1", True)}, headers={**HX, "X-CSRFToken": token}
        )
        assert r.status_code == 200 and Response.objects.count() == 1


def start_with_token(client, token) -> Attempt:
    r = client.post("/sets/basics/start/", headers={"X-CSRFToken": token})
    assert r.status_code == 302
    return Attempt.objects.latest("started_at")


class TestQueryCounts:
    def test_pages_run_a_bounded_number_of_queries(self, alice_client, learner, django_assert_max_num_queries):
        questions = [
            factory.make_question(f"many-{i}", choices=[(f"c{j}", j == 0) for j in range(6)]) for i in range(30)
        ]
        factory.make_quizset("basics", questions)
        for _ in range(5):  # a history of finished attempts
            attempt = start(alice_client)
            alice_client.post(f"/attempts/{attempt.pk}/finish/")
        attempt = start(alice_client)
        for position in range(1, 21):
            alice_client.post(
                f"/attempts/{attempt.pk}/{position}/",
                {"choice": Question.objects.get(pk=attempt.question_ids[position - 1]).choices.first().pk},
            )
        with django_assert_max_num_queries(12):
            alice_client.get(f"/attempts/{attempt.pk}/21/")
        choice = Question.objects.get(pk=attempt.question_ids[20]).choices.first().pk
        with django_assert_max_num_queries(14):  # includes feeding the scheduler
            alice_client.post(f"/attempts/{attempt.pk}/21/", {"choice": choice}, headers=HX)
        with django_assert_max_num_queries(12):
            alice_client.get(f"/attempts/{attempt.pk}/5/")
        alice_client.post(f"/attempts/{attempt.pk}/finish/")
        with django_assert_max_num_queries(12):
            alice_client.get(f"/attempts/{attempt.pk}/results/")
        with django_assert_max_num_queries(10):
            alice_client.get("/sets/basics/")
