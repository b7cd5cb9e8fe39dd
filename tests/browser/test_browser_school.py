"""Real Chromium, mails read from Django's locmem outbox: the admin invites a teacher by email, the
teacher sets a password from the mail's link and creates a class; a learner resets their password
from the mail and gets a reminder, which they unsubscribe from with its link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from quizzes.models import Card, StudySettings
from quizzes.study import scheduling
from quizzes.teaching import reminders
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def link(message, live_server) -> str:
    return re.search(re.escape(live_server.url) + r"(/\S+/)", message.body).group(1)


def test_admin_invites_a_teacher_who_creates_a_class(make_page, live_server):
    factory.make_user("admin", factory.Role.ADMIN, password="admin-demo-2026")
    admin = make_page()
    admin.login("admin", "admin-demo-2026")
    admin.goto("/admin/auth/user/")
    admin.click("text=Invite by email")
    admin.fill("input[name=email]", "tina@example.org")
    admin.select_option("select[name=role]", "Teacher")
    admin.click("input[name=_save]")
    admin.wait_for_selector("text=Invitation mailed to tina@example.org.")
    admin.screenshot(path="/tmp/school-admin-invitations-en-desktop.png", full_page=True)
    (message,) = mail.outbox
    assert message.subject == "You are invited to teach on learnapp"

    teacher = make_page(width=390, height=844)
    teacher.goto(link(message, live_server))
    teacher.wait_for_selector("text=You are invited to teach")
    teacher.fill("input[name=username]", "tina")
    teacher.fill("input[name=password1]", "tina-teaches-2026")
    teacher.fill("input[name=password2]", "tina-teaches-2026")
    teacher.screenshot(path="/tmp/school-invitation-en-phone.png", full_page=True)
    teacher.click("main button")
    teacher.wait_for_selector("text=Welcome, tina! You can now create classes.")
    teacher.fill("input[name=name]", "Biology 1")
    teacher.click("text=Create a class")
    teacher.wait_for_selector(".join-code")
    teacher.fill("textarea[name=emails]", "ana@example.org")
    teacher.click("text=Send the invitations")
    teacher.wait_for_selector("text=1 invitation sent.")
    teacher.screenshot(path="/tmp/school-classroom-en-phone.png", full_page=True)
    assert mail.outbox[-1].to == ["ana@example.org"]
    assert not admin.console_errors and not [e for e in teacher.console_errors if not e.startswith("410")]


def test_a_learner_resets_their_password_and_gets_a_reminder(make_page, live_server):
    question = factory.make_question("q-1")
    quizset = factory.make_quizset("vectors", [question], title="Vectors")
    learner_user = factory.make_user(
        "learner", factory.Role.LEARNER, password="forgotten-it-2026", email="lea@example.org"
    )
    learner = make_page(width=390, height=844, locale="fr")
    learner.goto("/accounts/login/")
    learner.click("text=Mot de passe oublié ?")
    learner.fill("input[name=email]", "lea@example.org")
    learner.screenshot(path="/tmp/school-reset-fr-phone.png", full_page=True)
    learner.click("main button")
    learner.wait_for_selector("text=Consultez vos e-mails")
    (message,) = mail.outbox
    assert message.subject == "Réinitialisez votre mot de passe learnapp"
    learner.goto(link(message, live_server))
    learner.fill("input[name=new_password1]", "remembered-now-2026")
    learner.fill("input[name=new_password2]", "remembered-now-2026")
    learner.click("main button")
    learner.wait_for_selector("text=Votre nouveau mot de passe est enregistré.")
    learner.login("learner", "remembered-now-2026")

    learner.goto("/study/settings/")
    learner.check("input[name=reminders]")
    learner.select_option("select[name=timezone]", "Europe/Paris")
    learner.select_option("select[name=reminder_hour]", "0")
    learner.screenshot(path="/tmp/school-settings-fr-phone.png", full_page=True)
    learner.click("main form button")
    learner.wait_for_selector("text=Réglages enregistrés.")
    settings = StudySettings.objects.get(user=learner_user)
    assert settings.reminders and settings.timezone == "Europe/Paris" and settings.language == "fr"

    scheduling.add_study(learner_user, quizset=quizset)
    now = timezone.now()
    Card.objects.filter(user=learner_user).update(
        state=Card.State.REVIEW, stability=3.0, difficulty=5.0, last_review=now - timedelta(days=3), due=now
    )
    assert reminders.send_reminders(now=now + timedelta(minutes=1)) == 1
    reminder = mail.outbox[-1]
    assert reminder.subject == "learnapp : 1 carte à réviser aujourd’hui"
    unsubscribe = re.search(r"/reminders/unsubscribe/\S+/", reminder.body).group(0)
    learner.goto(unsubscribe)
    learner.click("main button")
    learner.wait_for_selector("text=vous ne recevrez plus de rappels")
    assert not StudySettings.objects.get(user=learner_user).reminders
    assert not learner.console_errors
