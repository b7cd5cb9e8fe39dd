import os
import shutil

import pytest

from quizzes.models import Classroom, Enrollment
from tests import factory


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Jobs run as they are enqueued, in the test's process; tests/test_worker.py and
    tests/test_nodes.py run them on the real database backend and worker."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    """Each test starts with an empty cache and its own bank stamp: a test's database is rolled back,
    the cached pages made from it must go too."""
    from django.core.cache import cache

    from quizzes.bank import version

    settings.LEARNAPP_BANK_STAMP = tmp_path / "bank-version.stamp"
    cache.clear()
    # What a process keeps of the bank under its version (quizzes.study.reading.shown_question) goes too: a test
    # may make rows without signals (bulk_create) whose ids another test's rolled-back rows had.
    version.bump()
    yield
    cache.clear()


@pytest.fixture
def learner(db):
    return factory.make_user("alice", factory.Role.LEARNER)


@pytest.fixture
def teacher(db):
    return factory.make_user("tom", factory.Role.TEACHER)


@pytest.fixture
def admin_user(db):
    return factory.make_user("ada", factory.Role.ADMIN)


@pytest.fixture(scope="session")
def browser(chromium_path_session):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (creating data, checking rows) are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path_session,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path_session() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: CI must install it (apt-get install chromium)")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    return path


# After each htmx swap: a view that answered an htmx request for a part of the page with the whole page nests a
# second page (header, navigation, <main>) in the first; said as a console error, which every browser test checks.
NESTED_PAGE_CHECK = """
document.addEventListener("htmx:afterSettle", () => {
  if (document.querySelectorAll("main").length > 1) {
    console.error("htmx swapped a whole page into a part of the page at " + location.pathname);
  }
});
"""


class Page:
    """A Playwright page bound to the live server, that records console errors (e.g. CSP violations, a whole page
    swapped by htmx into a part of one)."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("response", lambda r: self.console_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.add_init_script(NESTED_PAGE_CHECK)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = "a-long-test-password") -> None:
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("main button")
        self.page.wait_for_url(self.base_url + "/")

    def __getattr__(self, name):
        return getattr(self.page, name)


@pytest.fixture
def make_page(browser, live_server):
    contexts = []

    def make(javascript: bool = True, width: int = 1280, height: int = 900, locale: str = "en") -> Page:
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": height}, locale=locale
        )
        contexts.append(context)
        return Page(context.new_page(), live_server.url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in French leaves French active in this thread: start every test in English."""
    yield
    from django.utils import translation

    translation.deactivate()


# --- a class and a small set, for the tests of what an assignment withholds ---


@pytest.fixture
def bank(db):
    """Two questions (a choice and a short answer) in the shared set "basics" (module fixtures of the same name
    win over this one)."""
    q1 = factory.make_question(
        "q-1", explanation="EXPLAIN-ONE", choices=[("RIGHT-CHOICE", True), ("WRONG-CHOICE", False)]
    )
    q2 = factory.make_question(
        "q-2", kind="short", choices=[], accepted_answers="AAV", prompt="Name the vector", explanation="EXPLAIN-TWO"
    )
    return factory.make_quizset("basics", [q1, q2], title="Basics")


@pytest.fixture
def classroom(teacher, learner):
    """The teacher's class, with the learner in it."""
    classroom = Classroom.objects.create(teacher=teacher, name="Biology 1")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    return classroom


@pytest.fixture
def alice(client, learner):
    """The test client, logged in as the learner."""
    client.force_login(learner)
    return client
