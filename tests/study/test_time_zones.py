"""Every date in the viewer's time zone, with its label, in their language's format."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from quizzes.study.models import StudySettings
from tests.assignments import assign

DUE = datetime(2026, 12, 6, 16, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.django_db
class TestTimeZones:
    def test_a_due_date_in_the_learners_zone_with_its_label(self, alice, learner, classroom, bank):
        assign(classroom, bank, due_at=DUE)
        StudySettings.objects.create(user=learner, timezone="Europe/Paris")
        assert "6 Dec 2026, 17:00 CET" in alice.get("/").content.decode()

    def test_in_french(self, alice, learner, classroom, bank):
        assign(classroom, bank, due_at=DUE)
        StudySettings.objects.create(user=learner, timezone="America/New_York", language="fr")
        page = alice.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "6 décembre 2026, 11:00 EST" in page

    def test_the_teacher_sees_their_own_zone(self, client, teacher, classroom, bank):
        assignment = assign(classroom, bank, due_at=DUE)
        StudySettings.objects.create(user=teacher, timezone="Asia/Tokyo")
        client.force_login(teacher)
        assert "7 Dec 2026, 01:00 JST" in client.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        assert "7 Dec 2026, 01:00 JST" in client.get(f"/teach/classes/{classroom.pk}/").content.decode()

    def test_without_settings_the_default_zone(self, alice, classroom, bank, settings):
        assign(classroom, bank, due_at=DUE)
        assert "6 Dec 2026, 16:00 UTC" in alice.get("/").content.decode()
        assert not StudySettings.objects.exists()  # reading a page writes nothing

    def test_the_language_read_is_remembered_for_mails(self, alice, learner):
        alice.get("/", HTTP_ACCEPT_LANGUAGE="fr")
        assert StudySettings.objects.get(user=learner).language == "fr"

    def test_sign_up_keeps_the_browsers_zone(self, client):
        client.post(
            "/accounts/signup/",
            {
                "username": "newbie",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
                "timezone": "Europe/Lisbon",
            },
            follow=True,
        )
        assert StudySettings.objects.get(user=User.objects.get(username="newbie")).timezone == "Europe/Lisbon"

    def test_sign_up_ignores_a_made_up_zone(self, client):
        client.post(
            "/accounts/signup/",
            {
                "username": "newbie",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
                "timezone": "Mars/Olympus",
            },
            follow=True,
        )
        user = User.objects.get(username="newbie")
        assert StudySettings.objects.filter(user=user, timezone="Mars/Olympus").count() == 0

    def test_the_default_zone_comes_from_the_settings(self, learner, settings):
        settings.TIME_ZONE = "Europe/Paris"
        assert StudySettings.objects.create(user=learner).timezone == "Europe/Paris"


@pytest.mark.django_db
def test_a_new_assignment_is_due_at_18_00_in_the_teachers_zone_by_default(client, teacher, classroom, bank):
    StudySettings.objects.create(user=teacher, timezone="Asia/Tokyo")
    client.force_login(teacher)
    page = client.get(f"/teach/classes/{classroom.pk}/assign/").content.decode()
    assert 'name="due_at" value="' in page and "T18:00" in page.split('name="due_at" value="')[1][:20]


@pytest.mark.django_db
def test_cached_results_follow_a_change_of_zone(client, teacher, classroom, bank):
    assignment = assign(classroom, bank, due_at=DUE)
    settings = StudySettings.objects.create(user=teacher, timezone="Asia/Tokyo")
    client.force_login(teacher)
    assert "7 Dec 2026, 01:00 JST" in client.get(f"/teach/assignments/{assignment.pk}/").content.decode()
    settings.timezone = "Europe/Paris"
    settings.save()
    page = client.get(f"/teach/assignments/{assignment.pk}/").content.decode()
    assert "6 Dec 2026, 17:00 CET" in page and "JST" not in page
