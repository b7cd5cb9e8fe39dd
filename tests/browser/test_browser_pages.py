"""Real Chromium on a phone-sized screen, in French, with and without JavaScript: every main page of
every role loads, fits the screen, and runs under the CSP without a console error."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {
    ("learner", "learner-demo-2026"): [
        "/",
        "/review/",
        "/progress/",
        "/study/settings/",
        "/study/plan/",
        "/study/exams/",
        "/sets/what-is-gene-therapy/",
        "/sources/inserm-gene-therapy/",
        "/join/",
    ],
    ("teacher", "teacher-demo-2026"): ["/teach/", "/teach/sets/new/", "/teach/questions/new/", "/texts/new/"],
    ("admin", "admin-demo-2026"): [
        "/review-queue/",
        "/texts/new/",
        "/texts/gene-therapy-what-is-it/derive/",
        "/questions/ins-014/preview/",
        "/admin/quizzes/question/",
    ],
}


@pytest.fixture
def demo():
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("javascript", [True, False])
def test_every_page_fits_a_phone_in_french(make_page, demo, javascript):
    for (username, password), paths in PAGES.items():
        page = make_page(javascript=javascript, width=390, height=844, locale="fr")
        page.login(username, password)
        if username == "teacher":
            page.goto("/teach/")
            page.locator("table a").first.click()
            paths = [*paths, page.url.removeprefix(page.base_url)]
            page.locator("a[href^='/teach/assignments/']").first.click()
            paths.append(page.url.removeprefix(page.base_url))
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == "fr", path
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} overflows"
        assert page.console_errors == [], (username, page.console_errors)
