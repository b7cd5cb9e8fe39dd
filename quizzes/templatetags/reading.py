"""Texts as a reader should see them: the markup scraped with a text (Markdown emphasis, footnote calls,
figure calls) is left out when it is shown. Stored passages stay verbatim: questions cite them."""

import re

from django import template

register = template.Library()

EMPHASIS = re.compile(r"\*{1,2}([^*\n]+?)\*{1,2}")
STRAY_STAR = re.compile(r"(?<=\w)\*+|\*+(?=\w)")
FOOTNOTE = re.compile(r"\s?\[\d+(?:\s*[,–-]\s*\d+)*\]")
FIGURE = re.compile(r"\s?\((?:fig|figure)\s?\d+\)", re.IGNORECASE)
# "xx^e siècle", "1^er": an exponent typed with a caret, as scraped; shown as French typography writes it.
EXPONENT = re.compile(r"\b([ivxlcIVXLC]+|\d+)\^(e|er|re|ème)\b")
SUPERSCRIPT = {"e": "ᵉ", "er": "ᵉʳ", "re": "ʳᵉ", "ème": "ᵉ"}
# A line that is only a site's menu: "Home | About | Contact".
MENU = re.compile(r"^[^|\n]{1,25}(?:\s*\|\s*[^|\n]{1,25}){2,}$", re.MULTILINE)


@register.filter
def reading(value) -> str:
    """'*RPE65* gene[2] (fig1)' -> 'RPE65 gene', 'xx^e siècle' -> 'XXᵉ siècle', a menu line -> ''. A marker cut
    in two by a highlight loses its stray half too."""
    text = EMPHASIS.sub(r"\1", str(value))
    text = STRAY_STAR.sub("", text)
    text = FOOTNOTE.sub("", text)
    text = EXPONENT.sub(lambda m: (m[1].upper() if not m[1].isdigit() else m[1]) + SUPERSCRIPT[m[2]], text)
    text = MENU.sub("", text)
    return FIGURE.sub("", text)
