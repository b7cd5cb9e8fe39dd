"""Sign up, log in and out, change password, roles, and login throttling (RELIABILITY.md §A4)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User

from tests import factory

PASSWORD = "a-long-test-password"
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.django_db
class TestSignup:
    def test_it_creates_a_learner_and_logs_in(self, client):
        r = client.post(
            "/accounts/signup/",
            {
                "username": "newbie",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
            },
            follow=True,
        )
        assert r.redirect_chain == [("/", 302)]
        user = User.objects.get(username="newbie")
        assert list(user.groups.values_list("name", flat=True)) == ["Learner"]
        assert not user.is_staff
        assert r.context["user"] == user
        assert "Welcome, newbie!" in r.content.decode()

    @pytest.mark.parametrize("password", ["password123", "12345678", "newbie2024x", "short7c"])
    def test_weak_passwords_are_refused_with_a_reason(self, client, password):
        r = client.post("/accounts/signup/", {"username": "newbie", "password1": password, "password2": password})
        assert r.status_code == 200
        assert r.context["form"].errors["password2"]
        assert not User.objects.filter(username="newbie").exists()

    def test_a_long_unicode_passphrase_is_accepted(self, client):
        phrase = "ma thérapie génique préférée 🧬 " * 2 + "x" * 10
        client.post("/accounts/signup/", {"username": "newbie", "password1": phrase, "password2": phrase})
        assert User.objects.get(username="newbie").check_password(phrase)

    def test_extra_fields_are_ignored(self, client):
        client.post(
            "/accounts/signup/",
            {
                "username": "sneaky",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
                "is_staff": "on",
                "is_superuser": "on",
                "groups": "3",
            },
        )
        user = User.objects.get(username="sneaky")
        assert not user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == ["Learner"]


@pytest.mark.django_db
class TestLogin:
    def test_login_rotates_the_session_and_logout_ends_it(self, client, learner):
        client.get("/accounts/login/")
        r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert r.status_code == 302 and r.url == "/"
        session = client.cookies["sessionid"].value
        assert client.get("/").context["user"] == learner
        client.post("/accounts/logout/")
        client.cookies["sessionid"] = session
        assert not client.get("/").context["user"].is_authenticated

    def test_the_roles_come_with_the_session_at_login(self, client, learner):
        """The navigation, the library and the kept quiz pages read them there (quizzes/apps.py)."""
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert client.session["roles"] == [factory.Role.LEARNER.value]

    def test_the_roles_receiver_lives_in_a_process_without_debug(self):
        """A signal holds its receivers by weak references: made inside ready(), the receiver that keeps the roles
        was gone once ready() returned in a process with DEBUG off (not in this one: DEBUG was on at its setup)."""
        code = (
            "import django; django.setup(); from django.contrib.auth.signals import user_logged_in as s; "
            "print(any(r.__name__ == 'remember_roles' for r in s._live_receivers(None)[0]))"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(DJANGO_SETTINGS_MODULE="learnapp.settings", DJANGO_DEBUG="0")
        done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        assert done.stdout.strip() == "True", done.stderr

    def test_logout_needs_post(self, client, learner):
        client.force_login(learner)
        assert client.get("/accounts/logout/").status_code == 405

    def test_wrong_password_and_unknown_user_look_the_same(self, client, learner):
        a = client.post("/accounts/login/", {"username": "alice", "password": "wrong-password-1"})
        b = client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password-1"})
        assert a.status_code == b.status_code == 200
        assert a.context["form"].non_field_errors() == b.context["form"].non_field_errors()

    def test_a_password_change_logs_out_other_sessions(self, client, learner):
        other = client.__class__()
        other.force_login(learner)
        client.force_login(learner)
        r = client.post(
            "/accounts/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": "another long password",
                "new_password2": "another long password",
            },
        )
        assert r.status_code == 302
        assert client.get("/").context["user"].is_authenticated
        assert not other.get("/").context["user"].is_authenticated


@pytest.mark.django_db
class TestThrottling:
    def fail(self, client, username, times, ip="10.1.2.3"):
        for _ in range(times):
            client.post("/accounts/login/", {"username": username, "password": "wrong-password-1"}, REMOTE_ADDR=ip)

    def test_a_username_is_locked_after_five_failures_but_not_the_whole_network(self, client, settings):
        factory.make_user("alice")
        factory.make_user("bob")
        self.fail(client, "alice", settings.AXES_FAILURE_LIMIT)
        r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
        assert r.status_code == 429
        assert "Too many failed log-in attempts" in r.content.decode()
        # Bob, behind the same school NAT address, still logs in.
        r = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
        assert r.status_code == 302

    def test_failures_are_counted_one_by_one(self, client, settings):
        factory.make_user("alice")
        self.fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
        assert AccessAttempt.objects.get(username="alice").failures_since_start == settings.AXES_FAILURE_LIMIT - 1
        r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
        assert r.status_code == 302, "a success before the limit logs in and resets the count"
        assert not AccessAttempt.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_roles_are_groups_with_permissions():
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert set(perms) == {"Learner", "Teacher", "Admin"}
    assert perms["Learner"] == set()
    assert "view_question" in perms["Teacher"] and "change_question" not in perms["Teacher"]
    assert {"add_question", "change_question", "delete_question", "change_choice"} <= perms["Admin"]


@pytest.mark.django_db
def test_a_deactivated_user_is_logged_out_at_the_next_request(client):
    """RELIABILITY B14: an admin deactivates an account; its open session ends at once."""
    user = factory.make_user("leaver", factory.Role.LEARNER)
    client.force_login(user)
    assert client.get("/progress/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/progress/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_json_in_htmx_attributes_holds_no_user_content():
    """RELIABILITY B11: hx-vals and hx-headers hold literals or the CSRF token, never a name or a text a user
    wrote, so no user input can break out of the JSON."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    found = []
    for path in templates.rglob("*.html"):
        for attribute in re.findall(r"hx-(?:vals|headers)='([^']*)'", path.read_text()):
            variables = set(re.findall(r"\{\{\s*([^}|\s]+)", attribute))
            found.append((path.name, variables))
            assert variables <= {"csrf_token"}, (path, attribute)
    assert found, "the check saw no hx-vals or hx-headers at all"
