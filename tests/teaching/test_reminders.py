"""Daily reminders: opt-in, at the learner's hour in their time zone, only when something is due,
never twice a day even with two workers, with a one-click unsubscribe (RFC 8058)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.tasks import default_task_backend

from quizzes.models import Card, StudySettings
from quizzes.study import scheduling
from quizzes.teaching import reminders
from quizzes.teaching.models import Reminder
from tests import factory
from tests.assignments import assign
from tests.concurrency import run_together

PARIS = ZoneInfo("Europe/Paris")
# 18:30 in Paris on 6 Dec 2026 (CET, UTC+1)
EVENING = datetime(2026, 12, 6, 18, 30, tzinfo=PARIS)


SETTINGS_FORM = {
    "desired_retention": "0.9",
    "new_per_day": "20",
    "reviews_per_day": "200",
    "timezone": "Europe/Paris",
    "rollover_hour": "4",
    "reminders": "on",
    "reminder_hour": "7",
}


def opt_in(user, hour=18, tz="Europe/Paris", language="en", email="alice@example.org"):
    user.email = email
    user.save()
    settings, _ = StudySettings.objects.update_or_create(
        user=user, defaults={"reminders": True, "reminder_hour": hour, "timezone": tz, "language": language}
    )
    return settings


def cards_due(user, quizset, when=EVENING):
    scheduling.add_study(user, quizset=quizset)
    Card.objects.filter(user=user).update(
        state=Card.State.REVIEW,
        stability=3.0,
        difficulty=5.0,
        last_review=when - timedelta(days=3),
        due=when - timedelta(hours=1),
    )


@pytest.mark.django_db
class TestReminders:
    def test_a_learner_with_reviews_due_gets_one_at_their_hour(self, learner, bank):
        opt_in(learner)
        cards_due(learner, bank)
        assert reminders.send_reminders(now=EVENING.replace(hour=17)) == 0  # 17:30 in Paris: not yet
        assert reminders.send_reminders(now=EVENING) == 1
        (message,) = mail.outbox
        assert message.to == ["alice@example.org"]
        assert message.subject == "learnapp: 2 cards to review today"
        assert "You have 2 cards to review today: http://127.0.0.1:8000/review/" in message.body
        assert Reminder.objects.get().day.isoformat() == "2026-12-06"

    def test_never_twice_on_the_same_day(self, learner, bank):
        opt_in(learner)
        cards_due(learner, bank)
        reminders.send_reminders(now=EVENING)
        reminders.send_reminders(now=EVENING + timedelta(hours=3))
        assert len(mail.outbox) == 1
        reminders.send_reminders(now=EVENING + timedelta(days=1))  # the next day
        assert len(mail.outbox) == 2

    def test_the_day_is_the_learners_own(self, learner, bank):
        # 23:30 UTC on 6 Dec is already 7 Dec, 08:30 in Tokyo.
        opt_in(learner, hour=8, tz="Asia/Tokyo")
        cards_due(learner, bank, datetime(2026, 12, 6, 23, 30, tzinfo=ZoneInfo("UTC")))
        assert reminders.send_reminders(now=datetime(2026, 12, 6, 23, 30, tzinfo=ZoneInfo("UTC"))) == 1
        assert Reminder.objects.get().day.isoformat() == "2026-12-07"

    def test_nothing_due_means_no_mail(self, learner, bank):
        opt_in(learner)
        scheduling.add_study(learner, quizset=bank)  # new cards only: nothing to review yet
        assert reminders.send_reminders(now=EVENING) == 0
        assert mail.outbox == []

    def test_not_opted_in_or_no_email_means_no_mail(self, learner, bank):
        settings = opt_in(learner)
        cards_due(learner, bank)
        StudySettings.objects.filter(pk=settings.pk).update(reminders=False)
        assert reminders.send_reminders(now=EVENING) == 0
        opt_in(learner, email="")
        assert reminders.send_reminders(now=EVENING) == 0
        assert mail.outbox == []

    def test_an_assignment_due_within_a_day_with_its_local_time(self, learner, classroom, bank):
        opt_in(learner)
        assign(classroom, bank, due_at=datetime(2026, 12, 7, 17, 0, tzinfo=PARIS))
        assert reminders.send_reminders(now=EVENING) == 1
        (message,) = mail.outbox
        assert message.subject == "learnapp: an assignment is due soon"
        assert "- Basics (Biology 1) — due 7 Dec 2026, 17:00 CET" in message.body

    def test_in_french_for_a_french_reader(self, learner, classroom, bank):
        opt_in(learner, language="fr")
        assign(classroom, bank, due_at=datetime(2026, 12, 7, 17, 0, tzinfo=PARIS))
        reminders.send_reminders(now=EVENING)
        (message,) = mail.outbox
        assert message.subject == "learnapp : un devoir est à rendre bientôt"
        assert "7 décembre 2026, 17:00 CET" in message.body
        assert "7 décembre 2026, 17:00 CET" in message.alternatives[0][0]

    def test_the_mail_carries_one_click_unsubscribe_headers(self, learner, bank):
        opt_in(learner)
        cards_due(learner, bank)
        reminders.send_reminders(now=EVENING)
        (message,) = mail.outbox
        # The token is signed with the time: read it back rather than sign again (a second may have passed).
        found = re.fullmatch(
            r"<http://127\.0\.0\.1:8000/reminders/unsubscribe/([^/]+)/>", message.extra_headers["List-Unsubscribe"]
        )
        token = found.group(1)
        assert signing.loads(token, salt=reminders.UNSUBSCRIBE_SALT) == learner.pk
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"/reminders/unsubscribe/{token}/" in message.body

    def test_a_failed_send_frees_the_day_for_the_next_run(self, learner, bank, monkeypatch):
        opt_in(learner)
        cards_due(learner, bank)

        def broken(self, *args, **kwargs):
            raise ConnectionRefusedError("smtp down")

        monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        assert reminders.send_reminders(now=EVENING) == 0
        assert not Reminder.objects.exists()
        monkeypatch.undo()
        assert reminders.send_reminders(now=EVENING + timedelta(hours=1)) == 1

    def test_the_task_runs_it(self, learner, bank, settings):
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        opt_in(learner, hour=0, tz="UTC")
        cards_due(learner, bank, datetime.now(ZoneInfo("UTC")))
        result = reminders.send_reminders_task.enqueue()
        assert result.return_value == 1
        assert len(mail.outbox) == 1
        assert default_task_backend is not None

    def test_the_command_sends_them(self, learner, bank):
        from io import StringIO

        from django.core.management import call_command

        opt_in(learner, hour=0, tz="UTC")
        cards_due(learner, bank, datetime.now(ZoneInfo("UTC")))
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert out.getvalue().strip() == "Sent 1 reminders" and len(mail.outbox) == 1

    def test_the_settings_page_offers_it(self, alice, learner):
        learner.email = "alice@example.org"
        learner.save()
        page = alice.get("/study/settings/").content.decode()
        assert 'name="reminders"' in page and 'name="reminder_hour"' in page
        alice.post("/study/settings/", SETTINGS_FORM)
        settings = StudySettings.objects.get(user=learner)
        assert settings.reminders and settings.reminder_hour == 7 and settings.timezone == "Europe/Paris"

    def test_reminders_need_an_email(self, alice, learner):
        r = alice.post("/study/settings/", SETTINGS_FORM)
        assert "Reminders need an email address" in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_mail(learner, bank):
    opt_in(learner)
    cards_due(learner, bank)
    results = run_together(lambda: reminders.send_reminders(now=EVENING), lambda: reminders.send_reminders(now=EVENING))
    assert sorted(results) == [0, 1], results
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
class TestUnsubscribe:
    def test_get_asks_and_post_applies_without_login(self, client, learner):
        opt_in(learner)
        url = f"/reminders/unsubscribe/{reminders.unsubscribe_token(learner)}/"
        r = client.get(url)
        assert "Stop the daily reminder mails?" in r.content.decode()
        assert StudySettings.objects.get(user=learner).reminders  # a GET (a link scanner) changes nothing
        r = client.post(url)
        assert "you will get no more reminders" in r.content.decode()
        assert not StudySettings.objects.get(user=learner).reminders

    def test_one_click_post_from_the_mail_provider_needs_no_csrf(self, learner):
        from django.test import Client

        opt_in(learner)
        url = f"/reminders/unsubscribe/{reminders.unsubscribe_token(learner)}/"
        r = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
        assert r.status_code == 200
        assert not StudySettings.objects.get(user=learner).reminders

    def test_a_forged_token_is_refused(self, client, learner):
        opt_in(learner)
        r = client.post(f"/reminders/unsubscribe/{learner.pk}:forged/")
        assert r.status_code == 400
        assert StudySettings.objects.get(user=learner).reminders


@pytest.mark.django_db
def test_the_workers_periodic_run_sends_them(learner, bank):
    """The settings register the reminders as a periodic task: the worker's once-a-minute call sends them,
    once per period however many workers call it."""
    from quizzes import periodic

    opt_in(learner)
    cards_due(learner, bank)
    assert periodic.enqueue_due(EVENING) == ["reminders"]
    assert periodic.enqueue_due(EVENING + timedelta(seconds=30)) == []  # the same quarter of an hour
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]


@pytest.mark.django_db
def test_the_periodic_run_reads_the_days_decided_in_one_query(learner, bank, django_assert_max_num_queries):
    """Every quarter of an hour each opted-in learner is looked at: the days already decided are read once,
    not once per learner."""
    opt_in(learner)
    cards_due(learner, bank)
    reminders.send_reminders(now=EVENING)
    for i in range(5):
        other = factory.make_user(f"reader{i}", factory.Role.LEARNER)
        opt_in(other, hour=23, email=f"r{i}@example.org")  # their hour has not come
    with django_assert_max_num_queries(2):  # the learners, the days decided
        assert reminders.send_reminders(now=EVENING + timedelta(minutes=15)) == 0
