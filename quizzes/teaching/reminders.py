"""The daily reminder: one mail a day to each learner who asked for it, at the hour they chose in their
time zone, when reviews are due or an assignment is due within a day; with a one-click unsubscribe.

`send_reminders()` is meant to run every hour (a periodic trigger of the `send_reminders_task` task,
or `manage.py send_reminders` from cron): each run picks the learners whose hour has come today and
who have no reminder row for their local date yet. The row is inserted before the mail is sent, under
a unique (user, day) constraint, so two workers running at once never send twice.
"""

import logging
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from ..accounts.mail import render_mail, site_url
from ..study import scheduling
from ..study.models import StudySettings
from .models import Reminder
from .results import for_learner

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "learnapp.reminders.unsubscribe"


def unsubscribe_token(user) -> str:
    """Signed, without expiry: an old mail's link must still work (RFC 8058)."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_from_unsubscribe_token(token: str):
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first()


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def what_is_due(user, settings: StudySettings, now: datetime) -> tuple[int, list[dict]]:
    """(reviews due today, assignments due within a day and not done) for the learner."""
    queue = scheduling.queue(user, settings, now, fetch_card=False)
    reviews = queue.learning_due + queue.review_left
    soon = [
        {"title": item.assignment.quizset.title, "classroom": item.assignment.classroom.name, "due_at": item.due_at}
        for item in for_learner(user, now)
        if item.status in ("todo", "due_soon") and now <= item.due_at <= now + timedelta(days=1)
    ]
    return reviews, soon


def remind(settings: StudySettings, now: datetime | None = None) -> bool:
    """Today's reminder for one learner, if their hour has come and none was decided today. True if sent."""
    now = now or timezone.now()
    user = settings.user
    zone = _zone(settings.timezone)
    local = now.astimezone(zone)
    if not settings.reminders or not user.email or not user.is_active or local.hour < settings.reminder_hour:
        return False
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(user=user, day=local.date(), sent_at=now)
    except IntegrityError:  # another worker (or an earlier run) has this day
        return False
    reviews, assignments = what_is_due(user, settings, now)
    if not reviews and not assignments:
        return False  # the day is decided: nothing to say today
    token = unsubscribe_token(user)
    unsubscribe = site_url(reverse("quizzes:unsubscribe", args=[token]))
    context = {
        "user": user,
        "due_reviews": reviews,
        "assignments": assignments,
        "review_link": site_url(reverse("quizzes:review")),
        "home_link": site_url(reverse("quizzes:home")),
        "unsubscribe_link": unsubscribe,
    }
    with timezone.override(zone):
        subject, text, html = render_mail("reminder", context, settings.language)
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(subject, text, django_settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Not sent: free the day so that the next run tries again (the row was only ours).
        reminder.delete()
        logger.exception("Failed to send the reminder to user %s", user.pk)
        return False
    return True


def send_reminders(now: datetime | None = None) -> int:
    """Send the reminders whose hour has come; returns how many were sent. Safe to run in parallel."""
    now = now or timezone.now()
    sent = 0
    candidates = (
        StudySettings.objects.filter(reminders=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    # Every local date of this moment lies within a day of the UTC one: one query for the days decided.
    utc_day = now.astimezone(UTC).date()
    decided = set(
        Reminder.objects.filter(day__range=(utc_day - timedelta(days=1), utc_day + timedelta(days=1))).values_list(
            "user_id", "day"
        )
    )
    for settings in candidates:
        local_day = now.astimezone(_zone(settings.timezone)).date()
        if (settings.user_id, local_day) in decided:
            continue
        sent += remind(settings, now)  # still decides the day under its unique row: safe against a parallel run
    return sent


@task
def send_reminders_task(period_start: str | None = None) -> int:
    """The periodic job (settings.LEARNAPP_PERIODIC_TASKS): each learner's hour is in their own time zone,
    so it runs every quarter of an hour; a late run still sends the day's reminder (the hour has passed).
    It decides for the moment of its period, not for when a busy worker got to it."""
    return send_reminders(datetime.fromisoformat(period_start) if period_start else None)
