"""Invitations by email: a one-time link (signed, expiring, single use) where the invitee sets a password."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from quizzes.accounts.models import Invitation
from quizzes.accounts.roles import Role, has_role
from quizzes.models import Classroom
from tests import factory
from tests.concurrency import run_together

PASSWORD = "a long new password"


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/invitation/\S+/)", message.body).group(1)


def admin_invites(client, admin_user, email="tina@example.org", role="Teacher", **extra):
    client.force_login(admin_user)
    r = client.post("/admin/quizzes/invitation/add/", {"email": email, "role": role, "classroom": "", **extra})
    assert r.status_code == 302, r.content.decode()[:3000]
    client.logout()
    return mail.outbox[-1]


@pytest.mark.django_db
class TestAdminInvitesATeacher:
    def test_the_invitee_sets_a_password_and_is_a_teacher(self, client, admin_user):
        message = admin_invites(client, admin_user)
        assert message.to == ["tina@example.org"]
        assert message.subject == "You are invited to teach on learnapp"
        assert "text/html" in [kind for _html, kind in message.alternatives]
        page = client.get(link_in(message))
        assert "You are invited to teach" in page.content.decode()
        r = client.post(
            link_in(message), {"username": "tina", "password1": PASSWORD, "password2": PASSWORD}, follow=True
        )
        assert r.redirect_chain[-1][0] == "/teach/"
        tina = User.objects.get(username="tina")
        assert tina.email == "tina@example.org" and tina.check_password(PASSWORD)
        assert has_role(tina, Role.TEACHER)
        assert Invitation.objects.get().accepted_by == tina

    def test_the_link_works_once(self, client, admin_user):
        message = admin_invites(client, admin_user)
        client.post(link_in(message), {"username": "tina", "password1": PASSWORD, "password2": PASSWORD})
        client.logout()
        r = client.get(link_in(message))
        assert r.status_code == 410
        assert "already used" in r.content.decode()

    def test_an_expired_link_is_refused(self, client, admin_user, settings):
        message = admin_invites(client, admin_user)
        settings.LEARNAPP_INVITATION_DAYS = 0
        r = client.get(link_in(message))
        assert r.status_code == 410 and "expired" in r.content.decode()

    def test_a_forged_link_is_refused(self, client, admin_user):
        invitation = Invitation.objects.create(email="x@example.org", role="Teacher")
        r = client.get(f"/accounts/invitation/{invitation.pk}:forged/")
        assert r.status_code == 410 and "not valid" in r.content.decode()

    def test_a_bad_password_keeps_the_form(self, client, admin_user):
        message = admin_invites(client, admin_user)
        r = client.post(link_in(message), {"username": "tina", "password1": "short", "password2": "short"})
        assert r.status_code == 200 and "errorlist" in r.content.decode()
        assert not Invitation.objects.get().accepted_at
        assert not User.objects.filter(username="tina").exists()

    def test_the_mail_is_in_the_admins_language(self, client, admin_user):
        client.force_login(admin_user)
        client.post("/i18n/setlang/", {"language": "fr"})
        client.post("/admin/quizzes/invitation/add/", {"email": "t@example.org", "role": "Teacher", "classroom": ""})
        assert mail.outbox[-1].subject == "Vous êtes invité·e à enseigner sur learnapp"

    def test_learners_cannot_invite(self, client, learner):
        client.force_login(learner)
        r = client.post("/admin/quizzes/invitation/add/", {"email": "t@example.org", "role": "Teacher"})
        assert r.status_code == 302 and "/admin/login/" in r.url
        assert not Invitation.objects.exists()


@pytest.mark.django_db
class TestTeacherInvitesLearners:
    def test_invited_learners_join_the_class(self, client, teacher):
        classroom = Classroom.objects.create(teacher=teacher, name="Bio 2")
        client.force_login(teacher)
        r = client.post(
            f"/teach/classes/{classroom.pk}/",
            {"invite": "1", "emails": "ana@example.org\nbob@example.org, ana@example.org"},
            follow=True,
        )
        assert "2 invitations sent." in r.content.decode()
        assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bob@example.org"]
        assert mail.outbox[0].subject == "Join Bio 2 on learnapp"
        client.logout()
        r = client.post(
            link_in(mail.outbox[0]), {"username": "ana", "password1": PASSWORD, "password2": PASSWORD}, follow=True
        )
        assert "You joined Bio 2." in r.content.decode()
        ana = User.objects.get(username="ana")
        assert list(classroom.learners.all()) == [ana]
        assert has_role(ana, Role.LEARNER) and not has_role(ana, Role.TEACHER)

    def test_a_wrong_address_is_named_with_its_line_and_nothing_is_sent(self, client, teacher):
        classroom = Classroom.objects.create(teacher=teacher, name="Bio 2")
        client.force_login(teacher)
        r = client.post(f"/teach/classes/{classroom.pk}/", {"invite": "1", "emails": "ana@example.org\nnot-an-address"})
        assert r.status_code == 200
        assert "line 2: not-an-address is not an email address" in r.content.decode()
        assert "ana@example.org" in r.content.decode()  # the typed list is kept
        assert mail.outbox == [] and not Invitation.objects.exists()

    def test_an_existing_learner_accepts_while_logged_in(self, client, teacher, learner):
        classroom = Classroom.objects.create(teacher=teacher, name="Bio 2")
        invitation = Invitation.objects.create(email="alice@example.org", classroom=classroom, invited_by=teacher)
        client.force_login(learner)
        assert "Accept the invitation" in client.get(invitation.get_absolute_url()).content.decode()
        client.post(invitation.get_absolute_url())
        assert list(classroom.learners.all()) == [learner]

    def test_an_address_with_an_account_is_asked_to_log_in(self, client, teacher):
        factory.make_user("carl", factory.Role.LEARNER, email="carl@example.org")
        classroom = Classroom.objects.create(teacher=teacher, name="Bio 2")
        invitation = Invitation.objects.create(email="Carl@example.org", classroom=classroom, invited_by=teacher)
        r = client.post(
            invitation.get_absolute_url(), {"username": "carl2", "password1": PASSWORD, "password2": PASSWORD}
        )
        assert "log in to accept" in r.content.decode()
        assert not User.objects.filter(username="carl2").exists()

    def test_another_teachers_class_is_a_404(self, client, teacher):
        other = factory.make_user("olga", factory.Role.TEACHER)
        classroom = Classroom.objects.create(teacher=other, name="Theirs")
        client.force_login(teacher)
        r = client.post(f"/teach/classes/{classroom.pk}/", {"invite": "1", "emails": "ana@example.org"})
        assert r.status_code == 404 and mail.outbox == []


def test_invitation_lifetime_follows_the_setting(settings):
    settings.LEARNAPP_INVITATION_DAYS = 3
    invitation = Invitation(email="a@b.org", created_at=timezone.now())
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_make_one_account():
    from django.test import Client

    link = Invitation.objects.create(email="tina@example.org", role="Teacher").get_absolute_url()

    def accept(name):
        return lambda: Client().post(link, {"username": name, "password1": PASSWORD, "password2": PASSWORD}).status_code

    codes = sorted(run_together(accept("tina1"), accept("tina2")))
    # The second is refused either way: 410 when it lost the race to spend the link, or the page again
    # (200, "log in to accept") when the first account was already there as it read the form.
    assert codes in ([302, 410], [200, 302])
    assert User.objects.filter(username__startswith="tina").count() == 1
