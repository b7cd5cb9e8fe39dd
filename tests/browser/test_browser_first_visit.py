"""Real Chromium, in French on a phone, with and without JavaScript: a first visit. The library lists each set
once and filters as the visitor types (or on "Filtrer" without JavaScript); the visitor tries a quiz without an
account, sees the passage, and signing up brings them back to the set. Screenshots in /tmp/ux-teacher-*.png."""

import pytest

from quizzes.bank.models import Topic
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def library():
    vectors = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    drugs = Topic.objects.create(key="drugs", name_en="Approved drugs", name_fr="Médicaments autorisés")
    source = factory.make_source("hopital", title="La thérapie génique à l’hôpital", language="fr")
    q1 = factory.make_question(
        "q-1",
        source=source,
        topics=[vectors],
        prompt="Les vecteurs AAV s’intègrent-ils au génome ?",
        choices=[("Non", True), ("Oui", False)],
    )
    q2 = factory.make_question("q-2", source=source, topics=[drugs], prompt="Quel médicament ?")
    factory.make_quizset("vecteurs", [q1], title="Les vecteurs", language="fr")
    factory.make_quizset("medicaments", [q2], title="Médicaments autorisés", language="fr")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_first_visit_in_french_on_a_phone(make_page, library, javascript):
    name = "js" if javascript else "nojs"
    page = make_page(javascript=javascript, width=390, height=844, locale="fr")
    page.goto("/")
    assert page.locator("#sets .set-card").count() == 2
    assert page.locator("#sets a[href='/sets/vecteurs/']").count() == 1
    page.screenshot(path=f"/tmp/ux-teacher-library-fr-phone-{name}.png", full_page=True)
    page.fill("input[name=q]", "vecteurs")
    if javascript:  # the list follows what is typed
        page.wait_for_url("**/?q=vecteurs*")  # pushed by htmx once the list is swapped
        page.wait_for_selector("#sets a[href='/sets/medicaments/']", state="detached")
    else:
        page.click(".library-filters button")
        page.wait_for_url("**/?q=vecteurs*")
    assert page.locator("#sets .set-card").count() == 1
    assert "Les vecteurs" in page.locator("#sets").inner_text()

    page.click("#sets a[href='/sets/vecteurs/']")
    page.click("text=Essayer sans compte")
    page.wait_for_selector("text=Les vecteurs AAV s’intègrent-ils au génome ?")
    page.check("label:has-text('Non') input")
    page.click("button:has-text('Vérifier')")
    page.wait_for_selector(".feedback.is-right")
    assert page.locator(".feedback .passage").count() == 1
    page.screenshot(path=f"/tmp/ux-teacher-try-fr-phone-{name}.png", full_page=True)
    page.click("[data-next]")
    page.wait_for_selector("text=1 bonne réponse sur 1.")
    page.click("main a:has-text('Créer un compte')")
    page.fill("input[name=username]", f"nouveau-{name}")
    page.fill("input[name=password1]", "a-long-test-password-9")
    page.fill("input[name=password2]", "a-long-test-password-9")
    page.click("main form button")
    page.wait_for_url("**/sets/vecteurs/")
    assert page.locator("text=Commencer le quiz").count() or page.locator("form[action$='/start/'] button").count()
    assert not [e for e in page.console_errors if "favicon" not in e]


def test_leaving_the_search_box_asks_for_the_list_once(make_page, library):
    """The list follows what is typed, and a select's change. Leaving the search box (a tap on a set) fires a
    `change` too: it used to ask for the same list again, and the history entry htmx pushes on its answer cancelled
    the navigation the tap had started (a phone user tapped a set and stayed on the library)."""
    page = make_page(javascript=True, width=390, height=844, locale="fr")
    page.goto("/")
    lists = []
    page.on("request", lambda r: lists.append(r.url) if r.headers.get("hx-request") else None)
    page.fill("input[name=q]", "vecteurs")
    page.wait_for_url("**/?q=vecteurs*")
    page.wait_for_selector("#sets a[href='/sets/medicaments/']", state="detached")
    page.locator("input[name=q]").blur()  # the search box's `change`
    with page.expect_response(lambda r: "topic=vectors" in r.url):  # a select's `change` still asks
        page.select_option("select[name=topic]", "vectors")
    assert [url.split("?", 1)[1] for url in lists] == [
        "q=vecteurs&topic=&language=&kind=",
        "q=vecteurs&topic=vectors&language=&kind=",
    ]


def test_each_select_of_the_filters_asks_for_the_list(make_page, library):
    page = make_page(javascript=True, locale="fr")
    page.goto("/")
    for name in ("topic", "language", "kind"):
        value = page.locator(f"select[name={name}] option").nth(1).get_attribute("value")
        asked = f"{name}={value}&"
        with page.expect_response(lambda r, asked=asked: r.request.headers.get("hx-request") and asked in r.url + "&"):
            page.select_option(f"select[name={name}]", index=1)
