"""The README's run command prepares a living demo: the bank, three accounts, a class, a review history."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from quizzes.bank.models import Question
from quizzes.study.models import ReviewDay, ReviewLog
from quizzes.teaching.models import Classroom


@pytest.mark.django_db
def test_setup_demo_is_complete_and_idempotent():
    out = StringIO()
    call_command("setup_demo", stdout=out, stderr=StringIO())
    assert Question.objects.count() >= 300
    for username, password in [
        ("learner", "learner-demo-2026"),
        ("teacher", "teacher-demo-2026"),
        ("admin", "admin-demo-2026"),
    ]:
        assert authenticate(RequestFactory().post("/"), username=username, password=password) is not None
    logs = ReviewLog.objects.filter(user__username="learner")
    assert logs.count() > 100
    # Each simulated day starts at the time of the run plus up to ten hours, so how many calendar dates its sessions
    # fall on moves with the hour the suite runs (13 to 20 of 24 days, measured hour by hour; 12 once in PostgreSQL's
    # suite, where the database's state differs): what the demo promises is a history over a few weeks, studied often.
    days = {log.reviewed_at.date() for log in logs}
    assert (max(days) - min(days)).days >= 14 and len(days) >= 8, "a few weeks of history"
    assert sum(ReviewDay.objects.values_list("reviews", flat=True)) == logs.count()
    classroom = Classroom.objects.get(teacher__username="teacher")
    assert classroom.learners.filter(username="learner").exists() and classroom.assignments.count() == 1
    before = (ReviewLog.objects.count(), Question.objects.count(), Classroom.objects.count())
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    assert (ReviewLog.objects.count(), Question.objects.count(), Classroom.objects.count()) == before
