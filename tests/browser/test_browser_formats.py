"""Real Chromium: an admin imports a GIFT file into the shared bank, then studies its questions (shown without a
passage); an Anki deck goes into a learner's own cards (imported by import_apkg here; the deck page's upload:
test_browser_deck_import.py)."""

import pytest

from quizzes.bank.models import Question, Source
from quizzes.study.anki_import import import_apkg
from quizzes.study.models import ReviewLog
from tests import factory
from tests.bank.formats.anki_packages import apkg, basic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GIFT = """// Two questions from a Moodle course
$CATEGORY: $course$/top/Vectors

::aav-virus:: AAV is a virus.{TRUE####Adeno-associated virus: a small virus.}

::aav-vector:: Which vector stays out of the genome?{=AAV#Right. ~Lentivirus#It integrates.}

::essay:: Discuss.{}
"""


def test_an_admin_imports_a_gift_file_and_studies_it(make_page, tmp_path):
    factory.make_user("ada", factory.Role.ADMIN)
    gift = tmp_path / "moodle-course.gift"
    gift.write_text(GIFT)
    page = make_page()
    page.login("ada")
    page.goto("/admin/quizzes/question/")
    page.click("text=Import questions")
    page.set_input_files("input[name=files]", str(gift))
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/quizzes/question/")
    messages = page.locator(".messagelist").inner_text()
    assert "Import done: 2 questions from 1 file(s)." in messages
    assert "oodle-course.gift:8: essay: an essay question: not imported (nothing to grade)" in messages  # capitalised
    page.screenshot(path="/tmp/formats-admin-import-en-desktop.png", full_page=True)

    source = Source.objects.get()
    assert source.title == "Imported from moodle-course.gift" and source.published
    page.goto(f"/sources/{source.key}/")
    page.click("text=Study every question of this text")
    page.wait_for_selector("text=Added to your studies: 2 new cards.")

    page.goto("/review/")
    for _ in range(2):
        page.wait_for_selector("[data-rate]", state="detached")
        page.keyboard.press("1")  # the first choice: True, AAV
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-rating]")
        assert page.locator("blockquote.passage").count() == 0  # no passage: none is invented
        page.screenshot(path="/tmp/formats-review-en-desktop.png", full_page=True)
        page.keyboard.press("3")
        page.wait_for_selector("[data-rating]", state="detached")
    assert ReviewLog.objects.filter(user__username="ada").count() == 2
    assert page.console_errors == []


def test_an_anki_deck_is_a_learners_own_cards_to_review(make_page):
    learner = factory.make_user("lea", factory.Role.LEARNER)
    import_apkg(("deck.apkg", apkg([basic("What is <b>AAV</b>?", "Adeno-associated virus")])), learner)
    page = make_page(width=390, height=844)
    page.login("lea")
    page.goto("/review/")
    page.wait_for_selector("text=What is AAV?")
    page.keyboard.press(" ")
    page.wait_for_selector("text=Adeno-associated virus")
    assert page.locator("blockquote.passage").count() == 0
    page.screenshot(path="/tmp/formats-anki-review-en-phone.png", full_page=True)
    page.keyboard.press("3")
    page.wait_for_selector("[data-rating]", state="detached")
    assert Question.objects.get().owner == learner
    assert ReviewLog.objects.filter(user=learner).count() == 1
