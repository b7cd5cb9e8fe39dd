"""Texts as a reader should see them: the markup scraped with a text (Markdown emphasis, footnote calls,
figure calls) is left out when it is shown. Stored passages stay verbatim: questions cite them."""

import re

from django import template

register = template.Library()

EMPHASIS = re.compile(r"\*{1,2}([^*\n]+?)\*{1,2}")
STRAY_STAR = re.compile(r"(?<=\w)\*+|\*+(?=\w)")
FOOTNOTE = re.compile(r"\s?\[\d+(?:\s*[,–-]\s*\d+)*\]")
FIGURE = re.compile(r"\s?\((?:fig|figure)\s?\d+\)", re.IGNORECASE)


@register.filter
def reading(value) -> str:
    """'*RPE65* gene[2] (fig1)' -> 'RPE65 gene'. A marker cut in two by a highlight loses its stray half too."""
    text = EMPHASIS.sub(r"\1", str(value))
    text = STRAY_STAR.sub("", text)
    text = FOOTNOTE.sub("", text)
    return FIGURE.sub("", text)
