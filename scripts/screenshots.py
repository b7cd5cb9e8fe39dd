"""Take screenshots of the main pages in a real Chromium, phone and desktop, EN and FR.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]
(BASE_URL defaults to http://127.0.0.1:8000 with the demo accounts of `manage.py setup_demo`;
OUT_DIR to ./screenshots. The README shows a few of them, copied into docs/screenshots.)
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PAGES = [
    ("home", "learner", "/"),
    ("review", "learner", "/review/"),
    ("progress", "learner", "/progress/"),
    ("cards", "learner", "/cards/"),
    ("decks", "learner", "/decks/"),
    ("plan", "learner", "/study/plan/"),
    ("exams", "learner", "/study/exams/"),
    ("teach", "teacher", "/teach/"),
    ("quizset", "learner", "/sets/what-is-gene-therapy/"),
    ("source", "learner", "/sources/therapie-genique-hopital/"),
    ("preview", "admin", "/questions/ins-014/preview/"),
    ("preview-cloze", "admin", "/questions/hop-012/preview/"),
    ("admin-question", "admin", "/admin/quizzes/question/"),
    ("admin-import", "admin", "/admin/quizzes/question/import/"),
]
PASSWORDS = {"learner": "learner-demo-2026", "teacher": "teacher-demo-2026", "admin": "admin-demo-2026"}


def take_quiz(page, out: Path, suffix: str) -> None:
    """Start (or resume) a quiz, answer one question, look at the feedback, finish, see the results."""
    page.goto(f"{BASE}/sets/what-is-gene-therapy/")
    page.locator("main form button, main a.button").first.click()
    page.wait_for_selector("#quiz")
    page.screenshot(path=out / f"quiz-question-{suffix}.png", full_page=True)
    option = page.locator("[data-option]")
    if option.count():
        option.nth(1).click()
    else:
        for field in page.locator("input[type=text]").all():
            field.fill("vector")
    page.locator("form[data-answer] button").first.click()
    page.wait_for_selector(".feedback")
    page.screenshot(path=out / f"quiz-feedback-{suffix}.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())  # "Finish now?" asks once (hx-confirm)
    page.click(".finish-early a")
    page.wait_for_selector(".score")
    page.screenshot(path=out / f"quiz-results-{suffix}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        for lang in ("en", "fr"):
            for vp_name, viewport in VIEWPORTS.items():
                for scheme in ("light", "dark") if vp_name == "phone" else ("light",):
                    for user in ("learner", "teacher", "admin"):
                        context = browser.new_context(viewport=viewport, locale=lang, color_scheme=scheme)
                        page = context.new_page()
                        errors = []
                        page.on(
                            "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
                        )
                        page.goto(f"{BASE}/accounts/login/")
                        page.fill("input[name=username]", user)
                        page.fill("input[name=password]", PASSWORDS[user])
                        page.click("main button")
                        for name, who, path in PAGES:
                            if who != user:
                                continue
                            page.goto(BASE + path)
                            shot = OUT / f"{name}-{lang}-{vp_name}-{scheme}.png"
                            page.screenshot(path=shot, full_page=vp_name == "desktop")
                        if user == "learner":
                            take_quiz(page, OUT, f"{lang}-{vp_name}-{scheme}")
                        if user == "teacher":
                            page.goto(BASE + "/teach/")
                            page.locator("table a").first.click()
                            page.locator("a[href^='/teach/assignments/']").first.click()
                            page.screenshot(path=OUT / f"assignment-{lang}-{vp_name}-{scheme}.png")
                        if errors:
                            print(f"console errors ({lang}, {vp_name}, {user}):", *errors, sep="\n  ")
                        context.close()
        browser.close()
    print("screenshots in", OUT)


if __name__ == "__main__":
    main()
