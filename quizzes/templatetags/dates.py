from django import template

from quizzes.accounts.dates import local_datetime

register = template.Library()


@register.filter
def moment(value) -> str:
    """{{ assignment.due_at|moment }}: "6 Dec 2026, 17:00 CET" in the viewer's time zone and language."""
    return local_datetime(value)
