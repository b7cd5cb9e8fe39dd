"""Real Chromium: a visitor tries a shared set that a class assignment partly holds. The held question is left out
with a message, the other one is answered and explained; a set all held offers no try. English on a desktop with
JavaScript, French on a phone without it."""

import pytest

from quizzes.bank.models import Question
from tests import factory
from tests.assignments import assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAID = {
    "en": {
        "held": "part of a class assignment that does not show its answers yet",
        "try": "Try it without an account",
        "one": "Question 1 of 1",
        "results": "See your results",
        "summary": "right answer out of 1",
    },
    "fr": {
        "held": "font partie d’un devoir de classe",
        "try": "Essayer sans compte",
        "one": "Question 1 sur 1",
        "results": "Voir vos résultats",
        "summary": "bonne réponse sur 1",
    },
}


@pytest.fixture
def mixed(classroom, bank):
    """ "basics" is assigned with its answers shown after the due date; "mixed" shares q-1 with it."""
    q1 = Question.objects.get(external_id="q-1")
    free = factory.make_question(
        "q-free",
        prompt="FREE PROMPT",
        explanation="FREE-EXPLAIN",
        choices=[("FREE-RIGHT", True), ("FREE-WRONG", False)],
    )
    factory.make_quizset("mixed", [q1, free], title="Mixed")
    assign(classroom, bank, reveal="after_due")
    return free


@pytest.mark.parametrize(
    "language,size,javascript",
    [("en", {"width": 1280, "height": 900}, True), ("fr", {"width": 390, "height": 844}, False)],
    ids=["en-desktop-js", "fr-phone-nojs"],
)
def test_a_visitor_tries_what_is_not_held(make_page, mixed, language, size, javascript, tmp_path):
    said = SAID[language]
    page = make_page(javascript=javascript, locale=language, **size)
    name = tmp_path / f"shared-try-{language}"

    page.goto("/sets/basics/")
    assert said["held"] in page.locator("main").inner_text()
    assert page.locator(f"text={said['try']}").count() == 0, "a set all held offers no try"
    page.screenshot(path=f"{name}-all-held.png", full_page=True)

    page.goto("/sets/mixed/")
    assert said["held"] in page.locator("main").inner_text()
    page.click(f"text={said['try']}")
    page.wait_for_selector(f"text={said['one']}")
    text = page.locator("main").inner_text()
    assert "FREE PROMPT" in text and said["held"] in text
    assert "Are AAV vectors integrative?" not in text and "RIGHT-CHOICE" not in text
    page.check("input[name=choice] >> nth=0")
    page.click("form[data-answer] button:not([name])")
    page.wait_for_selector(".feedback")
    text = page.locator("main").inner_text()
    assert "FREE-EXPLAIN" in text and "EXPLAIN-ONE" not in text
    page.screenshot(path=f"{name}-answered.png", full_page=True)
    if size["width"] <= 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the phone"
    page.click(f"text={said['results']}")
    page.wait_for_load_state()
    # With JavaScript the summary is swapped in by htmx: wait until it is there, the old <main> has gone and the new
    # one settled (waiting for one <main> alone passed before the swap had begun).
    page.wait_for_function(
        "summary => document.querySelectorAll('main').length === 1 && !document.querySelector('.htmx-settling')"
        " && document.querySelector('main').innerText.includes(summary)",
        arg=said["summary"],
    )
    assert "EXPLAIN-ONE" not in page.locator("main").inner_text()
    assert said["summary"] in page.locator("main").inner_text()
    page.screenshot(path=f"{name}-results.png", full_page=True)
    assert page.console_errors == []
