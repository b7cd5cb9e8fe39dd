"""Anki packages for the tests, written by genanki as Anki's own exports are laid out (a zip holding the
collection.anki2 SQLite database and a media map), with Anki's stock note types."""

import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki

DECK_ID = 2_059_400_110


def apkg(notes: list[genanki.Note], media: dict[str, bytes] | None = None, revlog: list[tuple] = ()) -> bytes:
    deck = genanki.Deck(DECK_ID, "Gene therapy")
    for note in notes:
        deck.add_note(note)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, content in (media or {}).items():
            path = Path(folder) / name
            path.write_bytes(content)
            paths.append(str(path))
        out = io.BytesIO()
        genanki.Package(deck, media_files=paths).write_to_file(out, timestamp=1_700_000_000)
    if revlog:
        out = add_revlog(out.getvalue(), revlog)
        return out
    return out.getvalue()


def add_revlog(package: bytes, rows: list[tuple]) -> bytes:
    """The package with review-log rows (id ms, card ordinal in the collection, ease, duration ms, type) added,
    as Anki records them: revlog(id, cid, usn, ease, ivl, lastIvl, factor, time, type)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    with tempfile.NamedTemporaryFile(suffix=".anki2") as db_file:
        db_file.write(source.read("collection.anki2"))
        db_file.flush()
        db = sqlite3.connect(db_file.name)
        card_ids = [row[0] for row in db.execute("SELECT id FROM cards ORDER BY id")]
        for at, card, ease, duration, kind in rows:
            db.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
                (at, card_ids[card], -1, ease, 1, 0, 2500, duration, kind),
            )
        db.commit()
        db.close()
        content = Path(db_file.name).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == "collection.anki2" else source.read(info))
    return out.getvalue()


def basic(front: str, back: str, tags=()) -> genanki.Note:
    return genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back], tags=list(tags))


def reversed_(front: str, back: str) -> genanki.Note:
    return genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, fields=[front, back])


def cloze(text: str, extra: str = "") -> genanki.Note:
    return genanki.Note(model=genanki.CLOZE_MODEL, fields=[text, extra])
