"""Real Chromium: when a timed quiz's time is up the page says so and submits the answer in hand;
"Finish now" asks once."""

from datetime import timedelta

import pytest

from quizzes.models import Attempt, Response
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def quiz():
    q1 = factory.make_question("q-1", explanation="Their DNA stays in the nucleus.")
    q2 = factory.make_question("q-2", kind="short", choices=[], accepted_answers="AAV", prompt="Name the vector")
    factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")
    return factory.make_quizset("timed", [q1, q2], title="Timed")


def test_at_zero_the_page_submits_the_answer_in_hand_and_shows_the_results(make_page, quiz):
    quiz.time_limit = timedelta(seconds=4)
    quiz.save()
    page = make_page()
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/timed/")
    page.click("text=Start the quiz")
    page.wait_for_selector("text=Question 1 of 2")
    assert "When time is up, your answers are submitted." in page.locator(".timer").inner_text()
    page.locator("input[name=choice]").first.check()  # chosen, not yet checked: time runs out
    page.wait_for_selector("text=Time is up: your answers were submitted.", timeout=15000)
    attempt = Attempt.objects.get()
    assert page.url.endswith(f"/attempts/{attempt.pk}/results/")
    assert attempt.is_finished and Response.objects.filter(attempt=attempt).count() == 1
    assert page.console_errors == []


def test_finish_now_asks_once_then_finishes(make_page, quiz):
    page = make_page()
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/timed/")
    page.click("text=Start the quiz")
    page.wait_for_selector("text=Question 1 of 2")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.click("[data-finish]")
    page.wait_for_url("**/results/")
    assert dialogs == ["Finish now? Unanswered questions count as wrong."]
    assert Attempt.objects.get().is_finished


def test_without_javascript_finish_now_is_a_confirmation_page(make_page, quiz):
    page = make_page(javascript=False)
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/timed/")
    page.click("text=Start the quiz")
    page.click("[data-finish]")
    page.wait_for_selector("text=2 questions are not answered: they count as wrong.")
    assert not Attempt.objects.get().is_finished
    page.click("main button:has-text('Finish now')")
    page.wait_for_url("**/results/")
    assert Attempt.objects.get().is_finished
