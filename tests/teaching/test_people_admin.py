"""People in Django admin, as the demo admin (staff in the Admin group, not a superuser): list users,
change roles, deactivate, lift lockouts (django-axes' admin), create learners from a CSV roster."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.accounts.roles import Role, has_role
from quizzes.models import Classroom
from tests import factory

ROSTER = "username,name,email,class\nana,Ana Lima,ana@example.org,Biology 1\nbob,Bob Stone,,\n"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def upload(client, text: str, send_mail=True):
    data = {"file": SimpleUploadedFile("roster.csv", text.encode(), "text/csv")}
    if send_mail:
        data["send_mail"] = "on"
    return client.post("/admin/auth/user/roster/", data, follow=True)


@pytest.mark.django_db
class TestUsers:
    def test_the_admin_lists_users_with_their_roles(self, admin_client, learner, teacher):
        page = admin_client.get("/admin/auth/user/").content.decode()
        assert "alice" in page and "tom" in page and "Teacher" in page
        assert "Create learners from a roster" in page and "Invite by email" in page

    def test_make_a_learner_a_teacher_and_back(self, admin_client, learner):
        admin_client.post("/admin/auth/user/", {"action": "make_teacher", "_selected_action": [learner.pk]})
        assert has_role(User.objects.get(pk=learner.pk), Role.TEACHER)
        admin_client.post("/admin/auth/user/", {"action": "make_learner", "_selected_action": [learner.pk]})
        user = User.objects.get(pk=learner.pk)
        assert has_role(user, Role.LEARNER) and not has_role(user, Role.TEACHER)

    def test_deactivate_and_reactivate(self, admin_client, learner, client):
        admin_client.post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [learner.pk]})
        assert not User.objects.get(pk=learner.pk).is_active
        admin_client.post("/admin/auth/user/", {"action": "activate", "_selected_action": [learner.pk]})
        assert User.objects.get(pk=learner.pk).is_active

    def test_lift_a_lockout_from_the_users_list(self, admin_client, learner):
        AccessAttempt.objects.create(
            username="alice", ip_address="10.0.0.1", failures_since_start=9, user_agent="x", path_info="/"
        )
        admin_client.post("/admin/auth/user/", {"action": "unlock", "_selected_action": [learner.pk]})
        assert not AccessAttempt.objects.exists()

    def test_axes_own_admin_is_usable_by_the_demo_admin(self, admin_client):
        attempt = AccessAttempt.objects.create(
            username="alice", ip_address="10.0.0.1", failures_since_start=9, user_agent="x", path_info="/"
        )
        assert "alice" in admin_client.get("/admin/axes/accessattempt/").content.decode()
        r = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        assert r.status_code == 302 and not AccessAttempt.objects.exists()

    def test_a_non_superuser_admin_cannot_grant_superuser_or_touch_one(self, admin_client, admin_user, learner):
        boss = User.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
        assert admin_client.get(f"/admin/auth/user/{boss.pk}/change/").status_code in (200, 403)
        r = admin_client.post(f"/admin/auth/user/{boss.pk}/change/", {"username": "pwned", "is_active": ""})
        assert r.status_code == 403
        assert User.objects.get(pk=boss.pk).username == "boss"
        page = admin_client.get(f"/admin/auth/user/{learner.pk}/change/").content.decode()
        assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
        admin_client.post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [boss.pk]})
        assert User.objects.get(pk=boss.pk).is_active

    def test_learners_and_teachers_have_no_admin(self, client, teacher):
        client.force_login(teacher)
        assert client.get("/admin/auth/user/").status_code == 302


@pytest.mark.django_db
class TestRoster:
    def test_it_creates_the_learners_enrols_them_and_mails_a_link(self, admin_client, classroom):
        r = upload(admin_client, ROSTER)
        assert "2 learners created, 1 mailed a link to choose their password." in r.content.decode()
        ana = User.objects.get(username="ana")
        assert (ana.first_name, ana.last_name, ana.email) == ("Ana", "Lima", "ana@example.org")
        assert has_role(ana, Role.LEARNER)
        assert list(classroom.learners.order_by("username").values_list("username", flat=True)) == ["alice", "ana"]
        (message,) = mail.outbox
        assert message.to == ["ana@example.org"] and "/accounts/reset/" in message.body

    def test_a_join_code_names_the_class_too(self, admin_client, classroom):
        upload(admin_client, f"username,name,email,class\nana,Ana,,{classroom.join_code}\n")
        assert classroom.learners.filter(username="ana").exists()

    def test_every_problem_is_listed_with_its_line_and_nothing_is_created(self, admin_client, classroom, learner):
        text = (
            "username,name,email,class\n"
            "ana,Ana,ana@example.org,Biology 1\n"
            "alice,Alice Again,,\n"
            "bad name!,X,,\n"
            "cleo,Cleo,not-an-email,\n"
            "dan,Dan,,Chemistry\n"
            "ana,Ana Twin,,\n"
            "eve,Eve\n"
        )
        r = upload(admin_client, text)
        page = r.content.decode()
        assert "6 problems found, nobody was created" in page
        for expected in (
            "line 3: username alice is taken",
            "line 4: “bad name!” is not a valid username",
            "line 5: not-an-email is not an email address",
            "line 6: no class named or coded “Chemistry”",
            "line 7: username ana is also on line 2",
            "line 8: 2 columns instead of 4",
        ):
            assert expected in page, expected
        assert not User.objects.filter(username__in=["ana", "cleo", "dan", "eve"]).exists()
        assert mail.outbox == []

    def test_a_wrong_header_or_encoding_is_explained(self, admin_client):
        assert (
            "line 1: the columns must be username, name, email, class"
            in upload(admin_client, "user,mail\n").content.decode()
        )
        data = {"file": SimpleUploadedFile("r.csv", "username,name,email,class\nzoé,Zoé,,\n".encode("latin-1"))}
        assert "not UTF-8" in admin_client.post("/admin/auth/user/roster/", data).content.decode()

    def test_semicolons_from_a_french_spreadsheet(self, admin_client):
        upload(admin_client, "\ufeffusername;name;email;class\nzoe;Zoé Martin;zoe@example.org;\n", send_mail=False)
        assert User.objects.get(username="zoe").last_name == "Martin"
        assert mail.outbox == []

    def test_two_classes_with_one_name_ask_for_the_code(self, admin_client, classroom):
        Classroom.objects.create(teacher=factory.make_user("tess", Role.TEACHER), name="Biology 1")
        page = upload(admin_client, "username,name,email,class\nana,Ana,,Biology 1\n").content.decode()
        assert "several classes are named “Biology 1”: use the class&#x27;s join code" in page
