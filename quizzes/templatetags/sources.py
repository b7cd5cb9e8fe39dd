"""Links to a text only for those who may open it: a learner assigned a teacher's question on a text
not yet published sees the passage and the title, not a link that would answer 404."""

from django import template

register = template.Library()


@register.filter
def readable_by(source, user) -> bool:
    return source.is_readable_by(user)
