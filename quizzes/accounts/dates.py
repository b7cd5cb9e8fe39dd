"""A moment as people read it: in the viewer's time zone (activated per request by
quizzes.study.middleware, or by timezone.override for a mail), in their language's format, with the
zone's label, e.g. "6 Dec 2026, 17:00 CET" or "6 déc. 2026, 17:00 CET"."""

from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as dateformat
from django.utils.translation import pgettext


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    # Translators: a date and time, in PHP date() format (Django's date filter): "6 Dec 2026, 17:00"
    text = dateformat(value, pgettext("date and time", "j M Y, H:i"))
    label = value.tzname() if value.tzinfo else ""
    return f"{text} {label}".strip()
