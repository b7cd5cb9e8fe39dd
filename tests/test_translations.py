"""The French catalogue is complete and its compiled .mo (committed) matches the .po."""

import gettext
import re

from django.conf import settings

PO = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def po_entries() -> list[tuple[str, str, bool, str]]:
    """(msgid, msgstr or msgstr[0], fuzzy, msgctxt) for every entry but the header."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)

        def field(name: str, lines: list[str] = lines) -> str:
            out, on = [], False
            for line in lines:
                if line.startswith(name + " "):
                    on = True
                    out.append(line[len(name) + 1 :])
                elif on and line.startswith('"'):
                    out.append(line)
                elif on:
                    break
            return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "".join(out)))

        msgid = field("msgid")
        if msgid:
            entries.append((msgid, field("msgstr") or field("msgstr[0]"), fuzzy, field("msgctxt")))
    return entries


def test_every_message_is_translated():
    entries = po_entries()
    assert len(entries) > 100
    assert [m for m, s, fuzzy, _ in entries if not s or fuzzy] == []


def test_the_compiled_catalogue_is_up_to_date():
    catalogue = gettext.GNUTranslations(open(PO.with_suffix(".mo"), "rb"))

    def compiled(message: str, context: str) -> str:
        return catalogue.pgettext(context, message) if context else catalogue.gettext(message)

    stale = [m for m, s, _, ctx in po_entries() if s != m and "\\" not in m and compiled(m, ctx) != s]
    assert stale == [], "run: manage.py compilemessages -l fr"
