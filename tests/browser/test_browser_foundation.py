"""Real Chromium: the library in both languages, on a phone and without JavaScript, and the admin import."""

import pytest

from quizzes.bank.models import Question, Topic
from tests import factory
from tests.bank.test_import_bank import BANK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def library():
    topic = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    question = factory.make_question(topics=[topic])
    factory.make_quizset("vectors", [question], title="All about vectors")
    factory.make_user("alice", factory.Role.LEARNER)
    factory.make_user("ada", factory.Role.ADMIN)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_learner_logs_in_browses_and_switches_to_french(make_page, library, javascript):
    page = make_page(javascript=javascript, width=390, height=844)
    page.login("alice")
    assert page.locator("h1").inner_text() == "Library"
    assert page.locator("a[href='/sets/vectors/']").count() == 1  # each set once in the library
    page.click("button[name=language][value=fr]")
    page.wait_for_selector("html[lang=fr]")
    assert page.locator("h1").inner_text() == "Bibliothèque"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.click("a[href='/sets/vectors/'] >> nth=0")
    page.wait_for_selector("h1:has-text('All about vectors')")
    # Nothing overflows a phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []


def test_an_admin_imports_a_bank_and_previews_a_question(make_page, library, tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK)
    page = make_page()
    page.login("ada")
    page.goto("/admin/quizzes/question/")
    page.click("text=Import questions")
    page.set_input_files("input[name=files]", str(bank))
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/quizzes/question/")
    assert "Import done: created 5 questions" in page.content()
    assert Question.objects.filter(external_id="q-cloze").exists()
    page.goto("/questions/q-cloze/preview/")
    assert page.locator("input[name=blank-0]").count() == 1
    assert page.locator("mark").count() == 0
    assert "AAV vectors are non-integrative." in page.locator("blockquote.passage").inner_text()
    assert page.console_errors == [], "the admin and preview pages run under the CSP without violations"


def test_a_bad_bank_upload_shows_every_error(make_page, library, tmp_path):
    bank = tmp_path / "broken.yaml"
    bank.write_text(BANK.replace("answer: true", "answer: maybe"))
    page = make_page()
    page.login("ada")
    page.goto("/admin/quizzes/question/import/")
    page.set_input_files("input[name=files]", str(bank))
    page.click("input[type=submit]")
    assert "broken.yaml:29: questions[1].answer: must be true or false" in page.locator(".errorlist").inner_text()
    assert Question.objects.filter(external_id__startswith="q-").count() == 1  # only the fixture's
