"""Anki packages (.apkg): cards in, quiz sets out (docs/formats.md).

An .apkg is a zip holding the collection, an SQLite database (`collection.anki21`, or `collection.anki2`
from older versions), and the media files. The zip is checked before anything is decompressed (size of
each member, ratio, number of members), the collection read into memory with a cap, then opened by
SQLite from memory: nothing is written to disk. The media are not imported (said per file).

Each Anki card becomes a question, as Anki shows it: a card of a standard note type (Basic, Basic
and reversed, …) a flashcard whose front and back are its templates filled with the note's fields;
a card of a Cloze note a cloze question where that card's deletions are blanks and the others are
shown. Tags become topics; HTML becomes plain text.

Export uses genanki: a Basic note per question (the choices on the front, the answer and the
explanation on the back), a Cloze note per cloze question (all its blanks on one card).
"""

import html
import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass

from . import APKG_MAX_BYTES, Parsed, ReadResult
from .html_text import to_text

MAX_COLLECTION_BYTES = 200 * 1024 * 1024  # uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for the collection
MAX_MEMBERS = 20_000
COLLECTIONS = ("collection.anki21", "collection.anki2")
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
SOUND = re.compile(r"\[sound:[^\]]*\]")


class AnkiRefused(ValueError):
    pass


@dataclass
class Collection:
    db: sqlite3.Connection
    media: int  # media files in the package, not imported


def open_package(data: bytes, name: str) -> Collection:
    """The collection of an .apkg (or .colpkg) package, checked and opened in memory; raises AnkiRefused."""
    if len(data) > APKG_MAX_BYTES:
        raise AnkiRefused(f"file larger than {APKG_MAX_BYTES // 2**20} MiB")
    if data[:16] == b"SQLite format 3\x00":  # a bare collection.anki2
        return Collection(_open_db(data), 0)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AnkiRefused("not an Anki package (.apkg is a zip file)") from None
    if len(members) > MAX_MEMBERS:
        raise AnkiRefused(f"more than {MAX_MEMBERS} files in the package")
    names = {m.filename: m for m in members}
    info = next((names[n] for n in COLLECTIONS if n in names), None)
    if info is None:
        if "collection.anki21b" in names:
            raise AnkiRefused(
                "this package uses Anki's newest format only: export it again from Anki with "
                "“Support older Anki versions” ticked"
            )
        raise AnkiRefused("no collection.anki21 or collection.anki2 in the package")
    if info.file_size > MAX_COLLECTION_BYTES:
        raise AnkiRefused(f"the collection is larger than {MAX_COLLECTION_BYTES // 2**20} MiB uncompressed")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise AnkiRefused(f"the collection is compressed more than {MAX_RATIO} times: refused as a zip bomb")
    try:
        with archive.open(info) as stream:  # the header's sizes could lie: read no more than the cap
            content = stream.read(MAX_COLLECTION_BYTES + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise AnkiRefused(f"the package is damaged ({exc})") from None
    if len(content) > MAX_COLLECTION_BYTES:
        raise AnkiRefused(f"the collection is larger than {MAX_COLLECTION_BYTES // 2**20} MiB uncompressed")
    media = sum(1 for m in members if m.filename not in (*COLLECTIONS, "collection.anki21b", "media", "meta"))
    return Collection(_open_db(content), media)


def _open_db(content: bytes) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(content)
        db.execute("PRAGMA query_only = ON")
        db.execute("SELECT models FROM col").fetchone()
        db.execute("SELECT id, guid, mid, tags, flds FROM notes LIMIT 1").fetchall()
        db.execute("SELECT id, nid, ord FROM cards LIMIT 1").fetchall()
    except sqlite3.Error:
        db.close()
        raise AnkiRefused("not an Anki collection (its database has no notes, cards or note types)") from None
    return db


def read(name: str, data: bytes) -> ReadResult:
    result = ReadResult()
    try:
        collection = open_package(data, name)
    except AnkiRefused as exc:
        result.error(name, 0, str(exc))
        return result
    try:
        _read_cards(name, collection, result)
    except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
        result.error(name, 0, f"the collection could not be read: {exc}")
    finally:
        collection.db.close()
    if collection.media:
        result.note(name, 0, f"{collection.media} media file(s) ignored (images and sounds are not imported)")
    return result


def _read_cards(name: str, collection: Collection, result: ReadResult) -> None:
    db = collection.db
    models = {int(k): v for k, v in json.loads(db.execute("SELECT models FROM col").fetchone()[0]).items()}
    rows = db.execute(
        "SELECT cards.id, cards.ord, notes.guid, notes.mid, notes.tags, notes.flds"
        " FROM cards JOIN notes ON notes.id = cards.nid ORDER BY notes.id, cards.ord"
    )
    for number, (card_id, ordinal, guid, mid, tags, fields) in enumerate(rows, start=1):
        model = models.get(int(mid))
        if model is None:
            result.error(name, 0, f"card {card_id}: its note type {mid} is missing from the collection")
            continue
        values = fields.split("\x1f")
        names = [f["name"] for f in sorted(model["flds"], key=lambda f: f.get("ord", 0))]
        by_name = dict(zip(names, values, strict=False))
        q = Parsed(file=name, line=number, kind="flashcard", prompt="", external_id=f"anki-{guid}-{ordinal}")
        q.title, q.origin_id = f"card {card_id}", card_id
        q.topics = [tag.split("::")[-1].replace("_", " ") for tag in tags.split() if tag.split("::")[-1]]
        media = 0
        if model.get("type") == 1:
            text, media = _cloze(values[0] if values else "", ordinal + 1)
            q.kind, q.prompt = "cloze", text
            extra, more = to_text(values[1]) if len(values) > 1 else ("", 0)
            q.explanation, media = extra, media + more
        else:
            templates = sorted(model["tmpls"], key=lambda t: t.get("ord", 0))
            template = next((t for t in templates if t.get("ord", 0) == ordinal), templates[0])
            front_html = render(template["qfmt"], by_name)
            back_html = render(template["afmt"], by_name, front="")
            # The back repeats the front ({{FrontSide}}, left empty here) above Anki's answer rule: keep what follows.
            back_html = re.split(r"<hr id=[\"']?answer[\"']?\s*/?>", back_html, maxsplit=1)[-1]
            (q.prompt, m1), (q.back, m2) = to_text(front_html), to_text(back_html)
            media = m1 + m2
            if not q.back:
                q.back = q.prompt
        q.dropped.append("Anki has no passage")
        if media:
            q.dropped.append(f"{media} image(s) or sound(s) ignored")
        if not q.prompt:
            result.note(name, 0, f"card {card_id}: empty once its images and sounds are left out: not imported")
            continue
        q.line = number
        result.questions.append(q)
        if result.too_many(name, 0):
            break


def _cloze(text: str, number: int) -> tuple[str, int]:
    """The cloze text as card `number` asks it: its deletions blanks, the others shown."""
    answers: list[str] = []

    def swap(m: re.Match) -> str:
        if int(m.group(1)) == number:
            answers.append(m.group(2))
            return f"\ue010{len(answers) - 1}\ue011"
        return m.group(2)

    marked = CLOZE.sub(swap, text)
    plain, media = to_text(marked)
    for i, answer in enumerate(answers):
        words, _m = to_text(answer)
        words = words.replace("|", "/").replace("[", "(").replace("]", ")").replace("\n", " ")
        plain = plain.replace(f"\ue010{i}\ue011", f"[[{words}]]")
    return plain, media


SECTION = re.compile(r"\{\{([#^])([^}]+)\}\}(.*?)\{\{/\2\}\}", re.S)
FIELD = re.compile(r"\{\{([^#^/}][^}]*)\}\}")


def render(template: str, fields: dict[str, str], front: str | None = None) -> str:
    """An Anki card template filled with a note's fields: {{Field}}, {{filter:Field}}, {{#Field}}…{{/Field}},
    {{^Field}}…{{/Field}}, {{FrontSide}}. Filters (text:, type:, hint:, furigana:…) show the field's text."""
    for _round in range(10):  # nested sections
        replaced = SECTION.sub(
            lambda m: m.group(3) if bool(fields.get(m.group(2).strip(), "").strip()) == (m.group(1) == "#") else "",
            template,
        )
        if replaced == template:
            break
        template = replaced

    def field(m: re.Match) -> str:
        key = m.group(1).strip().split(":")[-1].strip()
        if key == "FrontSide":
            return front or ""
        if m.group(1).strip().startswith("type:"):
            return ""
        return fields.get(key, "")

    return FIELD.sub(field, template)


# --- review history ---------------------------------------------------------------------------


def revlog_rows(collection: Collection) -> list[tuple[int, int, int, int, int]]:
    """Anki's review log: (time in epoch ms, card id, ease 1-4, duration ms, type), oldest first, without
    manual reschedulings (ease 0 or type 4)."""
    return collection.db.execute(
        "SELECT id, cid, ease, time, type FROM revlog WHERE ease BETWEEN 1 AND 4 AND type BETWEEN 0 AND 3 ORDER BY id"
    ).fetchall()


# --- writing ----------------------------------------------------------------------------------

BASIC_MODEL_ID = 1_607_392_319  # fixed: Anki merges a re-imported deck's notes instead of duplicating them
CLOZE_MODEL_ID = 1_607_392_320


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def write(questions, deck_name: str, deck_key: str) -> tuple[bytes, list[str]]:
    """An .apkg holding one deck of `questions`, and what could not be written (nothing: every kind has a card)."""
    import genanki

    basic = genanki.Model(
        BASIC_MODEL_ID,
        "learnapp Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID,
        "learnapp Cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        model_type=genanki.Model.CLOZE,
    )
    deck = genanki.Deck(_deck_id(deck_key), deck_name)
    for q in questions:
        tags = [re.sub(r"\s+", "_", t.name_en) for t in q.topics.all()]
        guid = genanki.guid_for("learnapp", q.external_id)
        if q.kind == "cloze":
            text = CLOZE_BLANK_IN.sub(lambda m: "{{c1::" + m.group(1).split("|")[0] + "}}", _html(q.prompt))
            deck.add_note(genanki.Note(model=cloze, fields=[text, _html(q.explanation)], tags=tags, guid=guid))
            continue
        front = _html(q.prompt)
        if q.kind in ("single", "multiple", "true_false"):
            front += "<ol type=A>" + "".join(f"<li>{_html(c.text)}</li>" for c in q.choices.all()) + "</ol>"
        elif q.kind == "matching":
            rights = sorted(c.match for c in q.choices.all())
            front += "<ul>" + "".join(f"<li>{_html(c.text)}</li>" for c in q.choices.all()) + "</ul>"
            front += "<p>" + " · ".join(_html(r) for r in rights) + "</p>"
        elif q.kind == "ordering":
            front += (
                "<ul>"
                + "".join(f"<li>{_html(c.text)}</li>" for c in sorted(q.choices.all(), key=lambda c: c.text))
                + "</ul>"
            )
        answer = q.back if q.kind == "flashcard" else "\n".join(q.right_answer())
        back = _html(answer) + (f"<br><br>{_html(q.explanation)}" if q.explanation else "")
        deck.add_note(genanki.Note(model=basic, fields=[front, back], tags=tags, guid=guid))
    out = io.BytesIO()
    genanki.Package(deck).write_to_file(out)
    return out.getvalue(), []


CLOZE_BLANK_IN = re.compile(r"\[\[([^\[\]]+)\]\]")


def _deck_id(key: str) -> int:
    import hashlib

    return 1 << 30 | int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")
