"""Real Chromium: the learner reviews five cards by keyboard and the progress page changes."""

import pytest

from quizzes.study import scheduling
from quizzes.study.models import ReviewLog
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def studies():
    learner = factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")
    cards = [
        factory.make_question(f"card-{i}", kind="flashcard", choices=[], prompt=f"Front {i}", back=f"Back {i}")
        for i in range(4)
    ]
    choice = factory.make_question("choice-1")
    scheduling.add_study(learner, quizset=factory.make_quizset("mix", [*cards, choice]))
    return learner


def test_five_cards_by_keyboard_then_progress(make_page, studies):
    page = make_page()
    page.login("learner", "learner-demo-2026")
    page.goto("/progress/")
    assert page.locator(".tile-n").nth(1).inner_text() == "5"  # new available today

    page.goto("/review/")
    for i in range(4):  # flashcards: Space shows the back, 3 rates Good
        page.wait_for_selector(f"text=Front {i}")
        page.keyboard.press(" ")
        page.wait_for_selector(f"text=Back {i}")
        intervals = page.locator("[data-rate] .interval").all_inner_texts()
        assert intervals[:3] == ["1 min", "6 min", "10 min"] and intervals[3].endswith(" d")  # Easy: fuzzed days
        page.keyboard.press("3" if i < 3 else "4")
        page.wait_for_selector("[data-rating]", state="detached")  # the next card was swapped in
    # The choice question: 1 picks the first choice, Enter checks, 3 rates Good.
    page.wait_for_selector("text=Are AAV vectors integrative?")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-rating]")
    assert "suggested" in page.locator("[data-rate='3']").get_attribute("class")
    page.keyboard.press("3")
    page.wait_for_selector("[data-rating]", state="detached")
    assert "Next review of that card in" in page.locator(".messages").inner_text()
    assert ReviewLog.objects.count() == 5

    page.keyboard.press("u")  # undo the last one
    page.wait_for_selector("text=The last rating was undone.")
    assert ReviewLog.objects.count() == 4
    page.keyboard.press("?")
    assert page.locator("[data-keys-help]").get_attribute("open") is not None

    page.goto("/progress/")
    assert page.locator(".tile-n").nth(1).inner_text() == "1"  # one new card left today (the undone one)
    assert "4 reviews in the last year" in page.content()
    assert page.console_errors == []
