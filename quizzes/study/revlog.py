"""Review logs in the FSRS optimizer's CSV schema.

One row per review: ``card_id, review_time, review_rating, review_duration, review_state``, where
review_time is epoch milliseconds (UTC) or an ISO 8601 time with its offset (``2026-09-01T09:00:00+02:00``,
``…Z``), review_rating is 1-4 (Again, Hard, Good, Easy),
review_duration is milliseconds and review_state is 0 new, 1 learning, 2 review, 3 relearning.
The last two may be empty or missing; extra columns are ignored and the column order is free.

An Anki package or collection (.apkg, .colpkg, collection.anki2/anki21) is read too: its revlog
table, without manual reschedulings, as the same rows (anki_rows).

A file is read whole or not at all: every bad row is reported as ``name:line: column: problem``.
Large files are checked and read as a stream of rows (check_revlog, then iter_revlog), so that a
million-row log never becomes a million objects at once.
"""

import csv
import io
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TextIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 50
COLUMNS = ("card_id", "review_time", "review_rating", "review_duration", "review_state")
REQUIRED = COLUMNS[:3]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_TIME_MS = (datetime(9999, 12, 31, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1)
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Review:
    card_id: int
    review_time: datetime  # aware, tzinfo is datetime.UTC (py-fsrs checks it by identity)
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    duration_ms: int | None = None
    state: int | None = None  # 0 new, 1 learning, 2 review, 3 relearning


class RevlogInvalid(Exception):
    """The file was refused; ``errors`` lists the first MAX_ERRORS problems, then how many more there were."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def read_revlog(data: bytes, name: str) -> list[Review]:
    """Parses and validates a whole file; returns its reviews ordered by (review_time, card_id)."""
    text = _anki_as_csv(data, name) if is_anki(data) else _decode(data, name)
    errors: list[str] = []
    reviews = list(_iter_rows(text, name, errors))
    if errors:
        raise RevlogInvalid(_capped(errors, name))
    return sorted(reviews, key=lambda r: (r.review_time, r.card_id))


def check_revlog(data: bytes, name: str) -> tuple[str, int]:
    """Validates the whole file without keeping its rows; returns its text and its number of reviews."""
    text = _anki_as_csv(data, name) if is_anki(data) else _decode(data, name)
    errors: list[str] = []
    count = sum(1 for _review in _iter_rows(text, name, errors))
    if errors:
        raise RevlogInvalid(_capped(errors, name))
    return text, count


def iter_revlog(text: str, name: str) -> Iterator[Review]:
    """The reviews of a text that check_revlog accepted, one at a time, in file order (it skips bad
    rows: only a checked text, where there are none, may be read this way)."""
    return _iter_rows(text, name, [])


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise RevlogInvalid(
            [_("%(name)s: the file is larger than %(n)d MiB") % {"name": name, "n": MAX_BYTES // (1024 * 1024)}]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RevlogInvalid([_("%(where)s: the file is not UTF-8 text") % {"where": f"{name}:{line}"}]) from None


def is_anki(data: bytes) -> bool:
    """An Anki package (a zip) or a bare collection (SQLite), rather than a CSV."""
    return data[:4] == b"PK\x03\x04" or data[:16] == b"SQLite format 3\x00"


# Anki's revlog type -> the card's state before the review: learning, review, relearning, filtered (a review).
ANKI_STATES = {0: 1, 1: 2, 2: 3, 3: 2}


def anki_rows(data: bytes, name: str) -> Iterator[Review]:
    """The reviews of an Anki package's revlog; a card's first learning review is its review as a new card."""
    from ..bank.formats.anki import AnkiRefused, open_package, revlog_rows

    try:
        collection = open_package(data, name)
    except AnkiRefused as exc:
        raise RevlogInvalid([f"{name}: {exc}"]) from None
    try:
        rows = revlog_rows(collection)
    except sqlite3.Error:
        raise RevlogInvalid([f"{name}: the Anki collection has no review log"]) from None
    finally:
        collection.db.close()
    seen: set[int] = set()
    for at, card_id, ease, duration, kind in rows:
        state = 0 if kind == 0 and card_id not in seen else ANKI_STATES.get(kind)
        seen.add(card_id)
        if 0 <= at <= MAX_TIME_MS and 0 <= card_id <= MAX_ID:
            yield Review(card_id, from_epoch_ms(at), ease, max(0, duration) if duration is not None else None, state)


def _anki_as_csv(data: bytes, name: str) -> str:
    out = io.StringIO()
    write_revlog(anki_rows(data, name), out)
    return out.getvalue()


def write_revlog(reviews: Iterable[Review], out: TextIO) -> None:
    """Writes the header and one row per review; read_revlog reads it back unchanged."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in reviews:
        writer.writerow([r.card_id, to_epoch_ms(r.review_time), r.rating, _blank(r.duration_ms), _blank(r.state)])


def to_epoch_ms(when: datetime) -> int:
    return (when - EPOCH) // timedelta(milliseconds=1)


def from_epoch_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


def _capped(errors: list[str], name: str) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return errors[:MAX_ERRORS] + [
        ngettext("%(name)s: … and %(n)d more error", "%(name)s: … and %(n)d more errors", more)
        % {"name": name, "n": more}
    ]


def _iter_rows(text: str, name: str, errors: list[str]) -> Iterator[Review]:
    """The valid rows, in file order; every problem is appended to `errors` instead."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        columns = _columns(header, name, errors)
        if columns is None:
            return
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            review = _parse_row(row, columns, f"{name}:{reader.line_num}", errors)
            if review is not None:
                yield review
    except csv.Error as exc:
        errors.append(_("%(where)s: row: %(error)s") % {"where": f"{name}:{reader.line_num}", "error": exc})


def _columns(header: list[str] | None, name: str, errors: list[str]) -> dict[str, int] | None:
    """Maps each known column to its position; None (with an error) when a required one is missing."""
    if header is None:
        errors.append(
            _("%(name)s: the file is empty (expected a header: %(columns)s)")
            % {"name": name, "columns": ", ".join(COLUMNS)}
        )
        return None
    names = [cell.strip().lower() for cell in header]
    columns = {column: names.index(column) for column in COLUMNS if column in names}
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        errors.append(
            _("%(where)s: header: missing column(s) %(missing)s (found: %(found)s)")
            % {"where": f"{name}:1", "missing": ", ".join(missing), "found": _quote(", ".join(names))}
        )
        return None
    return columns


def _parse_row(row: list[str], columns: dict[str, int], where: str, errors: list[str]) -> Review | None:
    before = len(errors)

    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    def integer(column: str, low: int, high: int, *, optional: bool = False) -> int | None:
        value = cell(column)
        if not value:
            if not optional:
                errors.append(_("%(where)s: %(column)s: missing value") % {"where": where, "column": column})
            return None
        try:
            number = int(value)
        except ValueError:
            errors.append(
                _("%(where)s: %(column)s: %(value)s is not an integer")
                % {"where": where, "column": column, "value": repr(value[:40])}
            )
            return None
        if not low <= number <= high:
            errors.append(
                _("%(where)s: %(column)s: %(value)s is out of range (%(range)s)")
                % {"where": where, "column": column, "value": _quote(str(number)), "range": _range(low, high)}
            )
            return None
        return number

    card_id = integer("card_id", 0, MAX_ID)
    when = cell("review_time")
    if when and not when.lstrip("-").isdigit():
        time_ms = _iso_ms(when, where, errors)
    else:
        time_ms = integer("review_time", 0, MAX_TIME_MS)
    rating = integer("review_rating", 1, 4)
    duration = integer("review_duration", 0, MAX_ID, optional=True)
    state = integer("review_state", 0, 3, optional=True)
    if len(errors) > before or card_id is None or time_ms is None or rating is None:
        return None
    return Review(card_id, from_epoch_ms(time_ms), rating, duration, state)


def _iso_ms(text: str, where: str, errors: list[str]) -> int | None:
    """An ISO 8601 time with an offset (or Z) in epoch milliseconds; a time without one is ambiguous: refused."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in text.upper().replace(" ", "T"):
        errors.append(
            _(
                "%(where)s: review_time: %(value)s is neither epoch milliseconds nor an ISO 8601 time with an "
                "offset (2026-09-01T09:00:00+02:00)"
            )
            % {"where": where, "value": repr(_quote(text, 40))}
        )
        return None
    return to_epoch_ms(moment.astimezone(UTC))


def _quote(text: str, limit: int = 80) -> str:
    """A piece of the file quoted in a message, cut short: the message must not be as long as the file."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _range(low: int, high: int) -> str:
    if high == MAX_ID:
        return _("must not be negative")
    if high == MAX_TIME_MS:
        return _("epoch milliseconds, 0 to year 9999")
    return _("%(low)d to %(high)d") % {"low": low, "high": high}
