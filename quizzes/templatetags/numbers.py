"""Numbers as the reader's language writes them."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext, pgettext

register = template.Library()


@register.filter
def percent(value) -> str:
    """A share from 0 to 1 as a whole percentage: "80%" in English, "80 %" (narrow no-break space) in French."""
    if value is None or value == "":
        return ""
    return pgettext("a share written as a percentage", "%(n)s%%") % {"n": round(float(value) * 100)}


@register.filter
def duration(value) -> str:
    """A length of time as people say it: "20 seconds", "45 minutes", "1 h 30 min", "2 hours" ("20 secondes",
    "1 h 30 min" in French), not "0:00:20". Takes a timedelta or a number of seconds."""
    if value is None or value == "":
        return ""
    seconds = round(value.total_seconds() if isinstance(value, timedelta) else float(value))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if not hours and not minutes:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if not hours:
        if seconds:
            return pgettext("a duration", "%(m)d min %(s)d s") % {"m": minutes, "s": seconds}
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if minutes:
        return pgettext("a duration", "%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
