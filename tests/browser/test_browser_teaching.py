"""Real Chromium: the teacher creates a class, the learner joins with the code and does the
assignment, the teacher sees the result and downloads the CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people():
    q1 = factory.make_question("q-1", choices=[("Non-integrative", True), ("Integrative", False)])
    q2 = factory.make_question(
        "q-2", kind="short", choices=[], prompt="What does AAV stand for?", accepted_answers="adeno-associated virus"
    )
    factory.make_quizset("vectors", [q1, q2], title="Vectors")
    factory.make_user("teacher", factory.Role.TEACHER, password="teacher-demo-2026")
    factory.make_user("learner", factory.Role.LEARNER, password="learner-demo-2026")


def test_class_assignment_results_and_csv(make_page, people, live_server):
    teacher = make_page()
    teacher.login("teacher", "teacher-demo-2026")
    teacher.goto("/teach/")
    teacher.fill("input[name=name]", "Biology 1")
    teacher.click("text=Create a class")
    code = teacher.locator(".join-code").inner_text()
    assert len(code) == 8

    teacher.click("text=Assign a quiz set")
    teacher.select_option("select[name=quizset]", label="Vectors")
    due = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    teacher.fill("input[name=due_at]", due)
    teacher.click("main button")
    teacher.wait_for_selector("text=Assigned to Biology 1.")

    learner = make_page(width=390, height=844)
    learner.login("learner", "learner-demo-2026")
    learner.goto("/join/")
    learner.fill("input[name=code]", code)
    learner.click("main form button")
    learner.wait_for_selector("text=You joined Biology 1.")
    learner.click(".assignment-list button")
    learner.wait_for_selector("text=Question 1 of 2")
    learner.keyboard.press("1")
    learner.keyboard.press("Enter")
    learner.wait_for_selector(".feedback")
    learner.keyboard.press("Enter")
    learner.wait_for_selector("text=Question 2 of 2")
    learner.fill("input[name=answer]", "adeno associated virus")
    learner.keyboard.press("Enter")
    learner.wait_for_selector(".feedback")
    learner.click("text=See your results")
    assert "100%" in learner.locator(".score").inner_text()
    learner.goto("/")
    assert "done" in learner.locator(".assignment-list").inner_text()

    teacher.reload()  # the assignment's results page, where "Assign" led
    row = teacher.locator("table.results tbody tr").first.inner_text()
    assert "learner" in row and "100%" in row
    with teacher.expect_download() as download:
        teacher.click("text=Download the results (CSV)")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[1][:3] == ["learner", "done", "100.0"]
    assert teacher.console_errors == [] and learner.console_errors == []
