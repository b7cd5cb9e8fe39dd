"""Real Chromium: a learner answers a matching, an ordering and a numeric question by keyboard only (selects by
typing, the up/down buttons, a French decimal comma), and each is graded right."""

import pytest

from quizzes.quizzing.models import Response
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def quiz():
    questions = [factory.make_matching(), factory.make_ordering(), factory.make_numeric(language="fr")]
    factory.make_quizset("kinds", questions, title="Kinds")
    factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")


def focused(page) -> str:
    return page.locator(":focus").get_attribute("name") or ""


def tab_to_check(page) -> None:
    for _press in range(20):
        if page.locator(":focus").inner_text() == "Check":
            return
        page.keyboard.press("Tab")
    raise AssertionError("Tab never reached the Check button")


def check_then_go_on(page) -> None:
    """Enter on Check: the feedback says Correct and takes the focus; Enter goes on."""
    page.keyboard.press("Enter")
    page.wait_for_selector(".feedback")
    assert "Correct" in page.locator(".verdict").inner_text()
    page.wait_for_selector("#feedback:focus", timeout=5_000)
    page.keyboard.press("Enter")


def test_matching_ordering_and_numeric_by_keyboard(make_page, quiz):
    page = make_page()
    page.login("learner", "learner-demo-2026")
    page.goto("/sets/kinds/")
    page.click("text=Start the quiz")
    page.wait_for_selector("text=Question 1 of 3")

    # Matching: the first select has the focus; typing picks an option by its first letters, Tab goes on.
    page.wait_for_selector("select:focus")
    pairs = dict(factory.PAIRS)
    for row in page.locator(".pairs li").all():
        left = row.locator("label").inner_text()
        assert focused(page).startswith("match-")
        page.keyboard.type(pairs[left][:6])
        assert row.locator("select").evaluate("s => s.options[s.selectedIndex].text") == pairs[left]
        page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text() == "Check"
    check_then_go_on(page)

    # Ordering: type each item's place, then move one with the keyboard and back with the buttons.
    page.wait_for_selector("text=Question 2 of 3")
    page.wait_for_selector("select[data-position]:focus")
    rows = page.locator(".order-items li")
    for i in range(rows.count()):
        text = rows.nth(i).locator("label span").inner_text()
        page.keyboard.type(str(factory.STEPS.index(text) + 1))
        page.keyboard.press("Tab")  # to the item's "move up" button
        page.keyboard.press("Tab")  # "move down"
        if i < rows.count() - 1:
            page.keyboard.press("Tab")  # the next item's select
    # The focus is on the last item's "move down": back to its "move up", press it; the list is now sorted by the
    # places typed, and that item moves one up, the positions renumbered; then down again.
    page.keyboard.press("Shift+Tab")
    moved = page.locator(":focus").get_attribute("aria-label").removeprefix("Move up: ")
    page.keyboard.press("Enter")
    texts = page.locator(".order-items li label span").all_inner_texts()
    place = factory.STEPS.index(moved)
    assert texts.index(moved) == max(0, place - 1), texts
    positions = page.locator("select[data-position]").evaluate_all("ss => ss.map(s => s.value)")
    assert positions == ["1", "2", "3", "4"]
    assert page.locator(":focus").get_attribute("aria-label") == f"Move up: {moved}", "the focus stays on the button"
    if place > 0:
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # move down: back in place
    assert page.locator(".order-items li label span").all_inner_texts() == factory.STEPS
    tab_to_check(page)
    check_then_go_on(page)

    # Numeric, in French: a decimal comma and the unit.
    page.wait_for_selector("text=Question 3 of 3")
    page.wait_for_selector("input[name=answer]:focus")
    page.keyboard.type("3,45 µg")
    page.keyboard.press("Enter")
    page.wait_for_selector(".feedback")
    assert "Correct" in page.locator(".verdict").inner_text()

    assert [r.is_correct for r in Response.objects.order_by("position")] == [True, True, True]
    assert page.console_errors == []
