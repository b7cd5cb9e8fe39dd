"""Real Chromium: a cloze with one blank left empty keeps the typed blank and names the missing one;
"I don't know" then shows the feedback. In English and French, on a phone and a desktop (screenshots in /tmp)."""

import pytest

from quizzes.models import Response, ReviewLog
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXTS = {
    "en": {"start": "Start the quiz", "missing": "blank 2", "dont_know": "I don't know", "wrong": "Not quite"},
    "fr": {"start": "Commencer", "missing": "trou 2", "dont_know": "Je ne sais pas", "wrong": "Pas tout à fait"},
}


@pytest.fixture
def quiz():
    cloze = factory.make_question(
        "cloze",
        kind="cloze",
        choices=[],
        prompt="Gene therapy introduces [[genetic material]] into [[cells]] to treat a disease.",
        passage="Gene therapy consists of introducing genetic material into cells",
        highlight="genetic material",
        explanation="EXPLAIN-CLOZE",
    )
    factory.make_quizset("trust", [cloze], title="Trust")
    factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_a_cloze_error_keeps_the_typed_blank_then_i_dont_know(make_page, quiz, language, javascript, width, height):
    words = TEXTS[language]
    page = make_page(javascript=javascript, width=width, height=height, locale=language)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/trust/")
    page.click(f"main button:has-text('{words['start']}')")
    page.wait_for_selector("input[name=blank-0]")
    url_before = page.url

    page.set_default_timeout(5000)
    page.fill("input[name=blank-0]", "genetic material")
    if javascript:  # Enter in a blank goes to the next one; from the last, it checks the answer
        page.keyboard.press("Enter")
        page.wait_for_selector("input[name=blank-1]:focus")
        assert page.locator("[role=alert]").count() == 0
    page.keyboard.press("Enter")  # Enter checks the answer: it never means "I don't know"
    page.wait_for_selector("[role=alert]")
    if javascript:
        assert page.url == url_before, "the error was swapped in without a page load"
    assert page.input_value("input[name=blank-0]") == "genetic material", "the typed blank is still there"
    assert words["missing"] in page.locator("[role=alert]").inner_text().lower()
    assert page.get_attribute("input[name=blank-1]", "aria-invalid") == "true"
    if javascript:
        page.wait_for_selector("input[name=blank-1]:focus")  # the learner goes straight to the missing blank
    name = f"/tmp/typedwork-{language}-{'js' if javascript else 'nojs'}-{width}"
    page.screenshot(path=f"{name}-error.png", full_page=True)

    page.click(f'button:has-text("{words["dont_know"]}")')
    page.wait_for_selector(".feedback")
    assert words["wrong"] in page.locator(".verdict").inner_text()
    assert "EXPLAIN-CLOZE" in page.locator(".feedback").inner_text()
    assert page.locator("blockquote.passage mark").inner_text() == "genetic material"
    page.screenshot(path=f"{name}-feedback.png", full_page=True)
    response = Response.objects.get()
    assert response.score == 0 and not response.is_correct
    assert page.console_errors == []


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_in_review_a_cloze_error_keeps_the_typed_blank_then_i_dont_know_rates_again(make_page, quiz, width, height):
    page = make_page(width=width, height=height)
    page.set_default_timeout(5000)
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/trust/")
    page.click("main button:has-text('Add to my studies')")
    page.goto("/review/")
    page.fill("input[name=blank-1]", "cells")
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=alert]")
    assert page.input_value("input[name=blank-1]") == "cells", "the typed blank is still there"
    assert "blank 1" in page.locator("[role=alert]").inner_text().lower()
    page.wait_for_selector("input[name=blank-0]:focus")

    page.click('button:has-text("I don\'t know")')
    page.wait_for_selector("[data-rating]")
    assert "Not quite" in page.locator(".verdict").inner_text()
    assert page.locator("blockquote.passage mark").inner_text() == "genetic material"
    assert page.locator("[data-rate]").count() == 1, "only Again is offered"
    page.screenshot(path=f"/tmp/typedwork-review-{width}.png", full_page=True)
    page.keyboard.press("1")
    page.wait_for_selector("[data-rating]", state="detached")
    log = ReviewLog.objects.get()
    assert log.rating == 1 and log.answer["given"] == {"dont_know": True}
    assert page.console_errors == []
