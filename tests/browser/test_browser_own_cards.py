"""Real Chromium: a learner makes a deck by pasting a list, studies it, finds a card in the card browser,
suspends and unsuspends it; with htmx, and without JavaScript; then on a phone, in French."""

import os

import pytest

from quizzes.study.models import Card, Deck
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASTED = "AAV – adeno-associated virus\nLV\tlentivirus\nCAR-T; chimeric antigen receptor T cell"
SHOTS = os.environ.get("LEARNAPP_SCREENSHOTS")  # a folder: the test also takes screenshots there


@pytest.fixture
def learner_account():
    return factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")


def shot(page, name: str) -> None:
    if SHOTS:
        before = len(page.console_errors)
        page.screenshot(path=f"{SHOTS}/own-cards-{name}.png", full_page=True)
        del page.console_errors[before:]


def make_deck_by_paste(page) -> None:
    page.goto("/decks/")
    page.fill("input[name=name]", "Vectors")
    page.fill("textarea[name=text]", PASTED)
    page.click("text=Make the deck")
    page.wait_for_selector("text=Deck Vectors made with 3 cards.")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_paste_a_deck_study_it_find_a_card_suspend_and_unsuspend_it(make_page, learner_account, javascript):
    page = make_page(javascript=javascript)
    page.login("learner", "learner-demo-2026")
    make_deck_by_paste(page)
    shot(page, f"deck-{'js' if javascript else 'nojs'}")
    deck = Deck.objects.get()
    assert Card.objects.filter(deck=deck).count() == 3

    page.click("text=Study this deck")
    page.wait_for_selector("text=Studying the deck Vectors.")
    assert "3 new" in page.locator(".counts").inner_text()
    page.wait_for_selector("text=AAV")
    page.click("text=Show the answer")
    page.wait_for_selector("text=adeno-associated virus")
    page.click("[data-rate='3']")
    page.wait_for_selector("text=Next review of that card in")
    assert Card.objects.get(question__prompt="AAV").reps == 1

    page.goto("/cards/")
    page.fill("input[name=q]", "lentivirus")
    page.click("form[role=search] button")
    page.wait_for_selector("#browser >> text=1 card")
    row = page.locator("table.card-browser tbody tr")
    assert row.count() == 1 and "LV" in row.inner_text()
    row.locator("input[type=checkbox]").check()
    page.select_option("select[name=action]", "suspend")
    page.click("text=Apply")
    page.wait_for_selector("text=1 card suspended.")
    assert Card.objects.get(question__prompt="LV").suspended
    assert "suspended" in page.locator("table.card-browser tbody tr").inner_text(), "the search is kept"

    page.locator("table.card-browser tbody tr input[type=checkbox]").check()
    page.select_option("select[name=action]", "unsuspend")
    page.click("text=Apply")
    page.wait_for_selector("text=1 card unsuspended.")
    assert not Card.objects.get(question__prompt="LV").suspended
    assert page.console_errors == []
    # Last: a full-page shot in the middle of the flow made Chromium report a refused inline style on the
    # next htmx swap (never without the shot).
    shot(page, f"browser-{'js' if javascript else 'nojs'}")


def test_on_a_phone_in_french(make_page, learner_account):
    page = make_page(width=390, height=844, locale="fr")
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": page.base_url}])
    page.login("learner", "learner-demo-2026")
    page.goto("/decks/")
    page.fill("input[name=name]", "Vecteurs")
    page.fill("textarea[name=text]", PASTED + "\nune ligne sans séparateur")
    page.click("text=Créer le paquet")
    page.wait_for_selector("text=Ligne 4\u00a0: aucun séparateur")
    assert not Deck.objects.exists(), "all or nothing"
    shot(page, "paste-error-fr-phone")
    page.fill("textarea[name=text]", PASTED)
    page.click("text=Créer le paquet")
    page.wait_for_selector("text=Paquet Vecteurs créé avec 3 cartes.")
    page.goto("/cards/")
    page.wait_for_selector("text=3 cartes")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing wider than the phone but the table, which scrolls inside"
    shot(page, "browser-fr-phone")
    page.click("text=AAV")
    page.wait_for_selector("text=Historique")
    shot(page, "card-fr-phone")
    page.goto("/cards/new/")
    shot(page, "new-card-fr-phone")
    assert page.console_errors == []


def test_choosing_a_bulk_action_keeps_the_selection(make_page, learner_account):
    """The filters follow their selects; the bulk form's selects (action, target deck) are not theirs. Listening to
    every select of the page made picking an action re-ask the list and swap it, unticking the cards picked."""
    page = make_page(javascript=True)
    page.login("learner", "learner-demo-2026")
    make_deck_by_paste(page)
    page.goto("/cards/")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.headers.get("hx-request") else None)
    page.locator("table.card-browser tbody tr input[type=checkbox]").first.check()
    page.select_option("select[name=action]", "suspend")
    page.select_option("select[name=target]", "none")
    page.wait_for_load_state("networkidle")
    assert asked == []
    assert page.locator("table.card-browser tbody tr input[type=checkbox]").first.is_checked()
    with page.expect_response(lambda r: "deck=" in r.url):  # a filter's select still asks
        page.select_option("select[name=deck]", "none")
    assert len(asked) == 1
