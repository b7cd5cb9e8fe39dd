"""Real Chromium: an admin adds a short text, derives questions, accepts two; a learner then takes them
in a quiz and sees their passage."""

import pytest

from quizzes.deriving.models import Candidate
from tests import factory
from tests.deriving.test_derive_views import TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(settings):
    factory.make_user("admin", factory.Role.ADMIN, password="admin-demo-2026")
    factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")


def test_derive_accept_and_take(make_page, people):
    admin = make_page()
    admin.login("admin", "admin-demo-2026")
    admin.goto("/texts/new/")
    admin.fill("input[name=title]", "Short introduction")
    admin.fill("textarea[name=text]", TEXT)
    admin.click("main form button")
    admin.wait_for_selector("text=Paragraphs detected")
    admin.click("button[name=derive]")
    admin.wait_for_selector("text=candidates found")
    admin.click("#progress a.button")
    admin.wait_for_selector(".candidate")
    # Accept the two best candidates, one by one, through htmx.
    for _ in range(2):
        admin.locator(".candidate button[name=accept]").first.click()
        admin.wait_for_selector(".candidate .message")
        admin.reload()
    assert Candidate.objects.filter(state="accepted").count() == 2
    accepted = list(Candidate.objects.filter(state="accepted").select_related("question__passage"))

    learner = make_page(width=390, height=844)
    learner.login("learner", "learner-demo-2026")
    learner.goto("/")
    learner.click("#sets a:has-text('Short introduction')")  # the quiz set of the text
    learner.click("text=Start the quiz")
    learner.wait_for_selector("text=Question 1 of 2")
    for position in (1, 2):
        form = learner.locator("form[data-answer]")
        if learner.locator("[data-option]").count():
            learner.locator("[data-option]").first.click()
            if learner.locator("form[data-answer] button").count():
                learner.locator("form[data-answer] button").first.click()
        elif learner.locator("[data-reveal]").count():
            learner.click("[data-reveal]")
            learner.locator("button[name=knew]").first.click()
        else:
            for field in form.locator("input[type=text]").all():
                field.fill("AAV")
            form.locator("button").first.click()
        learner.wait_for_selector(".feedback")
        passage = learner.locator("blockquote.passage").inner_text()
        assert any(c.question.passage.text.strip() == passage.strip() for c in accepted)
        learner.click("[data-next]")
        if position == 1:
            learner.wait_for_selector("text=Question 2 of 2")
            learner.wait_for_selector(".feedback", state="detached")
    learner.wait_for_selector(".score")
    assert admin.console_errors == [] and learner.console_errors == []
