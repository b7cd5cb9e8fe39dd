"""Numbers as the reader's language writes them."""

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def percent(value) -> str:
    """A share from 0 to 1 as a whole percentage: "80%" in English, "80 %" (narrow no-break space) in French."""
    if value is None or value == "":
        return ""
    return pgettext("a share written as a percentage", "%(n)s%%") % {"n": round(float(value) * 100)}
