"""A learner's data: the JSON export, and deleting their account (teachers' pages then do without them)."""

import json

import pytest
from django.contrib.auth.models import User

from quizzes.models import Attempt, Card, ReviewLog
from quizzes.quizzing import flow
from quizzes.study import scheduling
from tests.assignments import assign


def answered(learner, assignment):
    attempt = flow.start_attempt(learner, assignment.quizset, assignment=assignment)
    attempt.finish()
    return attempt


@pytest.mark.django_db
class TestExport:
    def test_it_holds_the_cards_log_and_results(self, alice, learner, bank, classroom):
        scheduling.add_study(learner, quizset=bank)
        card = Card.objects.filter(user=learner).first()
        scheduling.rate(learner, card.pk, 3, token=scheduling.review_token(card))
        answered(learner, assign(classroom, bank))
        r = alice.get("/accounts/export/")
        assert r["Content-Disposition"].startswith('attachment; filename="learnapp-')
        assert "no-store" in r["Cache-Control"]
        data = json.loads(r.content)
        assert data["account"]["username"] == "alice"
        assert {c["question_bank_id"] for c in data["cards"]} == {"q-1", "q-2"}
        assert len(data["review_log"]) == ReviewLog.objects.filter(user=learner).count() == 1
        assert len(data["attempts"]) == 1 and data["classes"][0]["class"] == "Biology 1"

    def test_anonymous_visitors_log_in_first(self, client):
        assert "/accounts/login/" in client.get("/accounts/export/").url


@pytest.mark.django_db
def test_the_settings_page_links_to_the_export_and_deletion(alice):
    page = alice.get("/study/settings/").content.decode()
    assert "<title>Study settings · learnapp</title>" in page
    assert page.count('href="/accounts/export/"') == 1 and page.count('href="/accounts/delete/"') == 1


@pytest.mark.django_db
class TestDeleteAccount:
    def test_the_page_offers_the_export_first(self, alice):
        page = alice.get("/accounts/delete/").content.decode()
        assert 'href="/accounts/export/"' in page and "Delete my account for good" in page

    def test_a_wrong_password_deletes_nothing(self, alice, learner):
        r = alice.post("/accounts/delete/", {"password": "wrong"})
        assert "This is not your password." in r.content.decode()
        assert User.objects.filter(pk=learner.pk).exists()

    def test_deleting_removes_everything_and_teachers_pages_still_work(self, alice, learner, teacher, bank, classroom):
        from django.test import Client

        client = Client()  # the teacher's browser (alice is the test client)
        assignment = assign(classroom, bank)
        answered(learner, assignment)
        scheduling.add_study(learner, quizset=bank)
        client.force_login(teacher)
        assert "alice" in client.get(f"/teach/assignments/{assignment.pk}/").content.decode()  # cached now
        r = alice.post("/accounts/delete/", {"password": "a-long-test-password"}, follow=True)
        assert "Your account and everything in it are deleted." in r.content.decode()
        assert not User.objects.filter(pk=learner.pk).exists()
        assert not Card.objects.exists() and not Attempt.objects.exists()
        for url in (
            f"/teach/assignments/{assignment.pk}/",
            f"/teach/classes/{classroom.pk}/",
            "/teach/",
            f"/teach/classes/{classroom.pk}/gradebook.csv",
            f"/teach/assignments/{assignment.pk}/results.csv",
        ):
            r = client.get(url)
            assert r.status_code == 200, url
            assert "alice" not in r.content.decode(), url
        assert client.get(f"/teach/assignments/{assignment.pk}/learners/{learner.pk}/").status_code == 404

    def test_admins_are_not_deleted_here(self, client, admin_user):
        client.force_login(admin_user)
        r = client.post("/accounts/delete/", {"password": "a-long-test-password"})
        assert "deleted by another admin" in r.content.decode()
        assert User.objects.filter(pk=admin_user.pk).exists()
