"""Real Chromium: the demo learner takes a quiz by keyboard, sees feedback with the passage, and the score."""

import pytest

from quizzes.bank.models import Question
from quizzes.quizzing.models import Attempt, Response
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def quiz():
    q1 = factory.make_question("q-1", highlight="non-integrative", explanation="Their DNA stays in the nucleus.")
    q2 = factory.make_question(
        "q-2",
        kind="short",
        choices=[],
        prompt="Which virus family gives AAV its name?",
        accepted_answers="adeno-associated virus\nAAV",
        explanation="AAV stands for adeno-associated virus.",
    )
    q3 = factory.make_question(
        "q-3",
        kind="cloze",
        choices=[],
        prompt="La thérapie génique vise à corriger un [[gène]] défectueux.",
        language="fr",
        passage="La thérapie génique vise à corriger un gène défectueux",
        explanation="Voir le texte.",
    )
    factory.make_quizset("basics", [q1, q2, q3], title="Basics")
    factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")


def test_the_learner_takes_a_quiz_by_keyboard(make_page, quiz):
    page = make_page()
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/basics/")
    page.click("text=Start the quiz")
    page.wait_for_selector("text=Question 1 of 3")
    url_before = page.url

    page.keyboard.press("1")
    assert page.locator("input[name=choice]").first.is_checked()
    page.keyboard.press("Enter")
    page.wait_for_selector(".feedback")
    assert page.url == url_before, "the feedback was swapped in without a page load"
    assert "Correct" in page.locator(".verdict").inner_text()
    assert page.locator("blockquote.passage mark").inner_text() == "non-integrative"
    # htmx moves focus when the swap settles, a moment after the feedback appears: wait for it.
    page.wait_for_selector("#feedback:focus", timeout=5_000)  # focus moves to the feedback
    assert "Correct" in page.locator("#announcer").inner_text()

    page.keyboard.press("Enter")
    page.wait_for_selector("text=Question 2 of 3")
    page.wait_for_selector("input[name=answer]:focus")  # autofocus after the swap (no eval: the CSP forbids it)
    page.keyboard.type("adeno asociated virus")
    page.keyboard.press("Enter")
    page.wait_for_selector(".feedback")
    assert "small spelling difference" in page.locator(".feedback").inner_text()

    page.keyboard.press("Enter")
    page.wait_for_selector("text=Question 3 of 3")
    page.wait_for_selector("input[name=blank-0]:focus")
    page.keyboard.type("genes")
    page.keyboard.press("Enter")
    page.wait_for_selector(".feedback")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Results")
    assert "100%" in page.locator(".score").inner_text()
    assert Response.objects.count() == 3 and Attempt.objects.get().score == 1.0
    assert page.console_errors == []


def test_the_quiz_works_without_javascript(make_page, quiz):
    page = make_page(javascript=False, width=390, height=844)
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/basics/")
    page.click("text=Start the quiz")
    wrong = Question.objects.get(external_id="q-1").choices.get(is_correct=False)
    page.check(f"input[value='{wrong.pk}']")
    page.click("text=Check")
    assert "Not quite" in page.locator(".verdict").inner_text()
    assert "Their DNA stays in the nucleus." in page.locator(".feedback").inner_text()
    page.click("text=Next question")
    page.fill("input[name=answer]", "AAV")
    page.click("text=Check")
    page.click("text=Next question")
    page.fill("input[name=blank-0]", "protéine")
    page.click("text=Check")
    assert "gène" in page.locator(".feedback").inner_text()
    page.click("text=See your results")
    assert "33%" in page.locator(".score").inner_text()
    page.click("text=Retake the 2 missed questions")
    page.wait_for_selector("text=Question 1 of 2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
