"""CSV: "term, definition" lists (as Quizlet exports them, or pasted), and a CSV for every kind.

Without a header, each line is one flashcard: the term (front) and its definition (back), separated
by a tab, a semicolon or a comma (the first of these the first line holds). With a header naming
`kind` and `prompt`, each row is a question of any kind (docs/formats.md):

    id,kind,prompt,answer,wrong,explanation,topics,language,tolerance,unit

`answer` and `wrong` hold several values separated by `|` (write `\\|` for the character): the right
and wrong choices, the accepted answers, the items in order, `left -> right` pairs, the number.
"""

import csv
import io
import re

from . import Parsed, ReadResult, decode_text

COLUMNS = ("id", "kind", "prompt", "answer", "wrong", "explanation", "topics", "language", "tolerance", "unit")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?\Z")


def _values(cell: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", cell)
    return [p.replace("\\|", "|").strip() for p in parts if p.strip()]


def _join(values) -> str:
    return "|".join(v.replace("|", "\\|") for v in values)


def read(name: str, data: bytes) -> ReadResult:
    result = ReadResult()
    text = decode_text(data, name, result)
    if text is None:
        return result
    return read_text(name, text, result)


def read_text(name: str, text: str, result: ReadResult | None = None) -> ReadResult:
    """Rows of a CSV file or of a pasted list."""
    result = result or ReadResult()
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        result.error(name, reader.line_num, f"CSV: {exc}")
        return result
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return result
    header = [cell.strip().lower() for cell in rows[0][1]]
    if "kind" in header and "prompt" in header:
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            result.error(name, rows[0][0], f"unknown column(s): {', '.join(unknown)} (known: {', '.join(COLUMNS)})")
            return result
        for line, row in rows[1:]:
            _row(name, line, dict(zip(header, (cell.strip() for cell in row), strict=False)), result)
            if result.too_many(name, line):
                break
        return result
    for line, row in rows:
        cells = [cell.strip() for cell in row]
        if len(cells) < 2 or not cells[0] or not cells[1]:
            result.error(name, line, "expected a term and its definition, separated by a tab, ; or ,")
            continue
        back = delimiter.join(cells[1:]) if delimiter == "," else cells[1]
        if delimiter != "," and len([c for c in cells[2:] if c]) > 0:
            result.error(name, line, "more than two columns: a term and its definition")
            continue
        result.questions.append(Parsed(file=name, line=line, kind="flashcard", prompt=cells[0], back=back))
        if result.too_many(name, line):
            break
    return result


def _row(name: str, line: int, row: dict[str, str], result: ReadResult) -> None:
    kind = row.get("kind", "")
    q = Parsed(file=name, line=line, kind=kind, prompt=row.get("prompt", ""), title=row.get("id", ""))
    q.explanation = row.get("explanation", "")
    q.topics = _values(row.get("topics", ""))
    q.language = row.get("language", "")
    answer, wrong = _values(row.get("answer", "")), _values(row.get("wrong", ""))
    if wrong and kind not in ("single", "multiple"):
        result.error(name, line, f"wrong: not used by {kind} questions")
        return
    if kind in ("single", "multiple"):
        q.choices = [(a, True, "") for a in answer] + [(w, False, "") for w in wrong]
    elif kind == "true_false":
        value = row.get("answer", "").strip().lower()
        if value not in ("true", "false", "vrai", "faux"):
            result.error(name, line, "answer: true or false")
            return
        truth = value in ("true", "vrai")
        q.choices = [("True", truth, ""), ("False", not truth, "")]
    elif kind == "short":
        q.answers = answer
    elif kind == "flashcard":
        q.back = row.get("answer", "").replace("\\|", "|")
    elif kind == "ordering":
        q.items = answer
    elif kind == "matching":
        for pair in answer:
            left, arrow, right = pair.partition("->")
            if not arrow:
                result.error(name, line, f"answer: {pair[:40]!r} is not a pair written left -> right")
                return
            q.pairs.append((left.strip(), right.strip()))
    elif kind == "numeric":
        value, tolerance = row.get("answer", "").strip(), row.get("tolerance", "").strip() or "0"
        if not NUMBER.match(value) or not NUMBER.match(tolerance):
            result.error(name, line, "answer and tolerance: numbers (a decimal point or comma)")
            return
        q.numbers = [(float(value.replace(",", ".")), float(tolerance.replace(",", ".")))]
        q.unit = row.get("unit", "")
    if kind != "numeric" and (row.get("tolerance") or row.get("unit")):
        result.error(name, line, "tolerance and unit: numeric questions only")
        return
    q.dropped.append("CSV has no passage")
    result.questions.append(q)


def write(questions) -> tuple[str, list[str]]:
    """The questions in the CSV for every kind (header first). Left out: the passage, the choices' feedback,
    a relative tolerance (written as the absolute one it makes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for q in questions:
        choices = list(q.choices.all())
        answer, wrong, tolerance, unit = "", "", "", ""
        if q.kind in ("single", "multiple"):
            answer = _join(c.text for c in choices if c.is_correct)
            wrong = _join(c.text for c in choices if not c.is_correct)
        elif q.kind == "true_false":
            answer = "true" if choices and choices[0].is_correct else "false"
        elif q.kind == "short":
            answer = _join(q.answers)
        elif q.kind == "flashcard":
            answer = q.back.replace("|", "\\|")
        elif q.kind == "ordering":
            answer = _join(c.text for c in q.ordered_items())
        elif q.kind == "matching":
            answer = _join(f"{c.text} -> {c.match}" for c in choices)
        elif q.kind == "numeric":
            answer = f"{q.numeric_value:.15g}"
            value = q.numeric_tolerance or 0
            if q.tolerance_kind == "relative":
                value = abs(q.numeric_value) * value / 100
            tolerance, unit = f"{value:.15g}", q.unit
        topics = _join(sorted(t.name_en for t in q.topics.all()))
        writer.writerow(
            [q.external_id, q.kind, q.prompt, answer, wrong, q.explanation, topics, q.language, tolerance, unit]
        )
    return out.getvalue(), []
