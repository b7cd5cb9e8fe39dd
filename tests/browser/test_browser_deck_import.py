"""Real Chromium: a learner uploads an Anki deck into one of their decks from the deck page, with its review
history, and studies a card from it; in French on a phone and in English on a desktop, with JavaScript and
without. A bad file first: every error listed, nothing imported."""

from datetime import UTC, datetime

import pytest

from quizzes.study.models import Card, Deck, ReviewLog
from tests import factory
from tests.bank.formats.anki_packages import apkg, basic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DAY = 86_400_000
START = int(datetime(2026, 9, 1, 9, tzinfo=UTC).timestamp() * 1000)
# The AAV card learnt and reviewed in Anki in September: due again by now; the LV card never reviewed.
REVLOG = [(START, 0, 3, 6000, 0), (START + 600_000, 0, 3, 4000, 0), (START + 3 * DAY, 0, 3, 3000, 1)]
PACKAGE = apkg(
    [basic("What is <b>AAV</b>?", "Adeno-associated virus", tags=["vectors"]), basic("LV?", "lentivirus")],
    revlog=REVLOG,
)

CASES = {
    "fr-phone": {"locale": "fr", "width": 390, "height": 844},
    "en-desktop": {"locale": "en", "width": 1280, "height": 900},
}
SAID = {
    "fr": {
        "errors": "Rien n’a été importé",
        "done": "2 cartes importées dans Gene therapy. 3 révisions d’Anki rejouées",
        "study": "Étudier ce paquet",
        "reveal": "Afficher la réponse",
    },
    "en": {
        "errors": "Nothing was imported",
        "done": "2 cards imported into Gene therapy. 3 reviews from Anki replayed",
        "study": "Study this deck",
        "reveal": "Show the answer",
    },
}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_learner_imports_an_anki_deck_and_studies_a_card_from_it(make_page, tmp_path, case, javascript):
    learner = factory.make_user("lea", factory.Role.LEARNER)
    deck = Deck.objects.create(user=learner, name="Gene therapy")
    size = CASES[case]
    said = SAID[size["locale"]]
    name = f"/tmp/deck-import-{case}-{'js' if javascript else 'nojs'}"
    page = make_page(javascript=javascript, **size)
    if size["locale"] == "fr":
        page.context.add_cookies([{"name": "django_language", "value": "fr", "url": page.base_url}])
    page.login("lea")

    bad = tmp_path / "list.csv"
    bad.write_text("AAV,adeno-associated virus\nno separator\nEMA,agency\nnone either\n")
    page.goto(f"/decks/{deck.pk}/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("button[name=import]")
    page.wait_for_selector(f"text={said['errors']}")
    errors = page.locator("#h-import + form .errorlist").inner_text()
    assert "list.csv:2:" in errors and "list.csv:4:" in errors
    assert not Card.objects.exists()
    page.screenshot(path=f"{name}-errors.png", full_page=True)

    package = tmp_path / "gene-therapy.apkg"
    package.write_bytes(PACKAGE)
    page.set_input_files("input[name=file]", str(package))
    assert page.locator("input[name=history]").is_checked(), "the history comes by default"
    page.click("button[name=import]")
    page.wait_for_selector(f"text={said['done']}")
    page.screenshot(path=f"{name}-imported.png", full_page=True)
    if size["width"] <= 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the phone"
    assert Card.objects.filter(user=learner, deck=deck, question__personal=True).count() == 2

    page.click(f"text={said['study']}")
    page.wait_for_selector("text=What is AAV?")  # due again after its Anki reviews, before the new card
    page.click(f"text={said['reveal']}")
    page.wait_for_selector("text=Adeno-associated virus")
    assert page.locator("blockquote.passage").count() == 0, "no passage is invented"
    page.screenshot(path=f"{name}-review.png", full_page=True)
    page.click("[data-rate='3']")
    page.wait_for_selector("[data-rate]", state="detached")
    card = Card.objects.get(user=learner, question__prompt="What is AAV?")
    assert card.reps == 4
    assert ReviewLog.objects.filter(user=learner, card=card, kind="normal").count() == 1
    assert page.console_errors == []
