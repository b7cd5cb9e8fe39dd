"""{% bank_version as v %}: the bank's version (quizzes/bank/version.py), for {% cache %} keys of
fragments made from the bank, so that an edit of a question shows at once."""

from django import template

from ..bank import version

register = template.Library()


@register.simple_tag
def bank_version() -> str:
    return version.current()
