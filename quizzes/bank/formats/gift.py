"""GIFT, Moodle's text format for questions (docs/formats.md).

One question per paragraph (questions are separated by a blank line), lines starting with `//` are
comments, `$CATEGORY: path` sets the category (a topic here) of the questions after it. A question is
`::title:: text {answers} text`, where the answers say its type:

    {=right ~wrong#feedback ~%50%half}   choices (weights make it a multiple-answer question)
    {T} {FALSE#wrong feedback#right feedback}   true/false
    {=answer =other answer}              short answer (text after the braces: a missing word, a cloze here)
    {=left -> right =left2 -> right2}    matching
    {#3.14:0.01} {#1..5} {#=1822:0 =%50%1822:2}   numeric: tolerance, range, several answers
    {}                                   essay: not imported, nothing to grade
    ####general feedback                 (inside the braces, last) the explanation

`\\~ \\= \\# \\{ \\} \\:` write those characters literally, `\\n` a new line.
"""

import re

from ..models import CLOZE_BLANK
from . import Parsed, ReadResult, decode_text, topic_name
from .html_text import to_text

SPECIAL = "\\~=#{}:"
# Escaped characters are swapped for private-use ones while the question is cut up (decode_text
# refuses those in a file, so they cannot clash), then swapped back in every piece of text.
_HIDE = {c: chr(0xE001 + i) for i, c in enumerate(SPECIAL)}
_SHOW = {v: k for k, v in _HIDE.items()}
FORMATS = ("html", "moodle", "plain", "markdown")
WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


def _hide_escapes(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _HIDE.get(m.group(1), "\n" if m.group(1) == "n" else m.group(0)), text)


def _show(text: str) -> str:
    return "".join(_SHOW.get(c, c) for c in text)


class _Block:
    def __init__(self, name: str, line: int, text: str, category: str, result: ReadResult) -> None:
        self.name, self.line, self.text, self.category, self.result = name, line, text, category, result
        self.html = False
        self.media = 0

    def clean(self, text: str) -> str:
        text = _show(text).strip()
        if self.html:
            text, media = to_text(text)
            self.media += media
        return text

    def error(self, message: str) -> None:
        self.result.error(self.name, self.line, message)


def read(name: str, data: bytes) -> ReadResult:
    result = ReadResult()
    text = decode_text(data, name, result)
    if text is None:
        return result
    category = ""
    block: list[str] = []
    start = 0
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:") and not block:
            category = topic_name(stripped.removeprefix("$CATEGORY:").strip())
            continue
        if stripped:
            if not block:
                start = number
            block.append(line)
        elif block:
            _read_question(_Block(name, start, "\n".join(block), category, result))
            block = []
            if result.too_many(name, start):
                break
    return result


def _read_question(block: _Block) -> None:
    text = _hide_escapes(block.text)
    title = ""
    m = re.match(r"\s*::(.*?)::", text, re.S)
    if m:
        title, text = _show(m.group(1)).strip(), text[m.end() :]
    m = re.match(r"\s*\[(\w+)\]", text)
    if m and m.group(1).lower() in FORMATS:
        block.html = m.group(1).lower() == "html"
        text = text[m.end() :]
    label = f"{title}: " if title else ""
    open_ = text.find("{")
    if open_ < 0:
        if "}" in text:
            block.error(f"{label}a }} without its {{ (write \\}} for the character)")
        else:
            block.result.note(block.name, block.line, f"{label}a description without answers: not imported")
        return
    close = text.find("}", open_)
    if close < 0:
        block.error(f"{label}the answers open with {{ but never close with }}")
        return
    if "{" in text[open_ + 1 : close]:
        block.error(f"{label}a {{ inside the answers (write \\{{ for the character)")
        return
    head, body, tail = text[:open_], text[open_ + 1 : close], text[close + 1 :]
    if "{" in tail or "}" in tail:
        block.error(f"{label}more than one set of answers (escape {{ and }} in text as \\{{ \\}})")
        return
    q = Parsed(file=block.name, line=block.line, kind="", prompt="", title=title)
    if block.category:
        q.topics = [block.category]
    general = ""
    if "####" in body:
        body, general = body.split("####", 1)
    q.explanation = block.clean(general)
    stripped = body.strip()
    blank = bool(tail.strip())
    if not stripped:
        block.result.note(block.name, block.line, f"{label}an essay question: not imported (nothing to grade)")
        return
    if stripped.startswith("#"):
        ok = _numeric(block, q, stripped[1:], label)
    elif re.fullmatch(r"(T|TRUE|F|FALSE)(#.*)?", stripped, re.S):
        ok = _true_false(block, q, stripped)
    else:
        ok = _entries(block, q, body, label, blank)
    if not ok:
        return
    if q.kind == "cloze":
        q.prompt = block.clean(head) + " " + "[[" + "|".join(q.answers) + "]]" + (" " + block.clean(tail)).rstrip()
        q.prompt = q.prompt.strip()
        q.answers = []
    elif blank:
        q.prompt = f"{block.clean(head)} _____ {block.clean(tail)}".strip()
    else:
        q.prompt = block.clean(head)
    if block.media:
        q.dropped.append(f"{block.media} image(s) or media ignored")
    block.result.questions.append(q)
    q.dropped.insert(0, "GIFT has no passage")
    if blank and q.kind == "cloze":
        q.dropped.append("the missing word became a typed blank")


def _split_feedback(block: _Block, text: str) -> tuple[str, str]:
    answer, _sep, feedback = text.partition("#")
    return block.clean(answer), block.clean(feedback)


def _true_false(block: _Block, q: Parsed, body: str) -> bool:
    value, *feedback = body.split("#")
    answer = value.strip() in ("T", "TRUE")
    wrong_fb = block.clean(feedback[0]) if feedback else ""
    right_fb = block.clean(feedback[1]) if len(feedback) > 1 else ""
    q.kind = "true_false"
    # Choices: True, then False; the feedback of the wrong one is what a wrong answer shows.
    q.choices = [
        ("True", answer, right_fb if answer else wrong_fb),
        ("False", not answer, wrong_fb if answer else right_fb),
    ]
    return True


def _entries(block: _Block, q: Parsed, body: str, label: str, blank: bool) -> bool:
    tokens = re.split(r"([=~])", body)
    if tokens[0].strip():
        block.error(f"{label}text before the first = or ~ in the answers: {tokens[0].strip()[:40]!r}")
        return False
    entries = [(tokens[i], tokens[i + 1]) for i in range(1, len(tokens) - 1, 2)]
    if any("->" in text for _marker, text in entries):
        return _matching(block, q, entries, label)
    parsed = []
    for marker, text in entries:
        weight = None
        m = WEIGHT.match(text)
        if m:
            weight, text = float(m.group(1)), text[m.end() :]
        answer, feedback = _split_feedback(block, text)
        parsed.append((marker, weight, answer, feedback))
    if any(not answer for _m, _w, answer, _f in parsed):
        block.error(f"{label}an empty answer")
        return False
    if all(marker == "=" for marker, *_rest in parsed):  # short answer
        q.kind = "cloze" if blank else "short"  # a missing word typed: a blank in the sentence
        full = [answer for _m, weight, answer, _f in parsed if weight is None or weight >= 100]
        partial = [answer for _m, weight, answer, _f in parsed if weight is not None and weight < 100]
        q.answers = list(dict.fromkeys(full))
        if partial:
            q.dropped.append("answers with partial credit dropped: {answers}".format(answers=", ".join(partial)))
        if any(fb for *_r, fb in parsed):
            q.dropped.append("feedback on typed answers dropped")
        return True
    correct = [
        (marker == "=" and weight is None) or (weight is not None and weight > 0) for marker, weight, *_r in parsed
    ]
    q.choices = [(answer, ok, fb) for (_m, _w, answer, fb), ok in zip(parsed, correct, strict=True)]
    weighted = any(weight is not None for _m, weight, *_r in parsed)
    q.kind = "multiple" if weighted or sum(correct) > 1 else "single"
    positive = {weight for _m, weight, *_r in parsed if weight is not None and weight > 0}
    if weighted and (len(positive) > 1 or any(w is not None and -100 < w < 0 for _m, w, *_r in parsed)):
        q.dropped.append("partial credit of the choices dropped: each is right or wrong")
    return True


def _matching(block: _Block, q: Parsed, entries, label: str) -> bool:
    q.kind = "matching"
    for marker, text in entries:
        left, arrow, right = text.partition("->")
        if marker != "=" or not arrow:
            block.error(f"{label}a matching question is a list of =left -> right")
            return False
        right, _feedback = _split_feedback(block, right)
        left = block.clean(left)
        if not left:
            q.dropped.append(f"extra right-hand answer {right!r} dropped")
            continue
        q.pairs.append((left, right))
    if len(q.pairs) < 2:
        block.error(f"{label}a matching question needs at least two pairs")
        return False
    return True


def _number(text: str) -> float | None:
    text = text.strip()
    return float(text) if re.fullmatch(NUMBER, text) else None


def _numeric(block: _Block, q: Parsed, body: str, label: str) -> bool:
    q.kind = "numeric"
    wrong_feedback = ""
    if "~" in body:
        body, wrong_feedback = body.split("~", 1)
    answers = body.split("=")[1:] if "=" in body else [body]
    partial = []
    for text in answers:
        weight = None
        m = WEIGHT.match(text)
        if m:
            weight, text = float(m.group(1)), text[m.end() :]
        spec, _feedback = _split_feedback(block, text)
        value = _interval(spec)
        if value is None:
            block.error(f"{label}{spec[:40]!r} is not a number, number:tolerance or min..max")
            return False
        if weight is None or weight >= 100:
            q.numbers.append(value)
        else:
            partial.append(spec)
    if not q.numbers:
        block.error(f"{label}no fully right numeric answer")
        return False
    if len(q.numbers) > 1:
        others = ", ".join(_number_text(v) for v, _t in q.numbers[1:])
        q.dropped.append(f"other right answers dropped (one is kept): {others}")
    if partial:
        q.dropped.append("answers with partial credit dropped: {answers}".format(answers=", ".join(partial)))
    if wrong_feedback:
        q.dropped.append("feedback on wrong answers dropped")
    return True


def _interval(spec: str) -> tuple[float, float] | None:
    if ".." in spec:
        low, high = (_number(part) for part in spec.split("..", 1))
        if low is None or high is None or high < low:
            return None
        return (low + high) / 2, (high - low) / 2
    value, _sep, tolerance = spec.partition(":")
    number = _number(value)
    margin = _number(tolerance) if tolerance.strip() else 0.0
    if number is None or margin is None or margin < 0:
        return None
    return number, margin


# --- writing ----------------------------------------------------------------------------------


def escape(text: str) -> str:
    return "".join("\\" + c if c in SPECIAL else c for c in text).replace("\n", "\\n")


def _number_text(x: float) -> str:
    return f"{x:.15g}"


def write(questions) -> tuple[str, list[str]]:
    """The questions as GIFT, and what could not be written (one line per question left out)."""
    out: list[str] = []
    skipped: list[str] = []
    category = None
    for q in questions:
        body = _write_answers(q)
        if body is None:
            skipped.append(f"{q.external_id}: {q.get_kind_display()} cannot be written in GIFT")
            continue
        topics = sorted(t.name_en for t in q.topics.all())
        wanted = topics[0] if topics else ""
        if wanted != category:
            out.append(f"$CATEGORY: $course$/top/{wanted.replace('/', '//')}" if wanted else "$CATEGORY: $course$/top")
            out.append("")
            category = wanted
        head, tail = escape(q.prompt), ""
        if q.kind == "cloze":
            blank = CLOZE_BLANK.search(q.prompt)
            before, after = q.prompt[: blank.start()], q.prompt[blank.end() :]
            head, tail = escape(before.rstrip()) + " ", " " + escape(after.lstrip()) if after.strip() else ""
        general = f" ####{escape(q.explanation)}" if q.explanation else ""
        out.append(f"::{escape(q.external_id)}:: {head}{{{body}{general}}}{tail}".rstrip())
        out.append("")
    return "\n".join(out), skipped


def _write_answers(q) -> str | None:
    choices = list(q.choices.all())
    kind = q.kind
    if kind == "true_false":
        right = next((c for c in choices if c.is_correct), None)
        wrong = next((c for c in choices if not c.is_correct), None)
        truth = "TRUE" if choices and choices[0].is_correct else "FALSE"
        fb_wrong = wrong.feedback if wrong else ""
        fb_right = right.feedback if right else ""
        return (
            truth
            + (f"#{escape(fb_wrong)}" if fb_wrong or fb_right else "")
            + (f"#{escape(fb_right)}" if fb_right else "")
        )
    if kind in ("single", "multiple"):
        correct = sum(1 for c in choices if c.is_correct)
        parts = []
        for c in choices:
            if kind == "single":
                mark = "=" if c.is_correct else "~"
            else:
                share = f"{100 / correct:.5f}".rstrip("0").rstrip(".")
                mark = f"~%{share}%" if c.is_correct else "~%-100%"
            parts.append(mark + escape(c.text) + (f"#{escape(c.feedback)}" if c.feedback else ""))
        return " ".join(parts)
    if kind == "short":
        return " ".join("=" + escape(a) for a in q.answers)
    if kind == "flashcard":
        return "=" + escape(q.back)
    if kind == "cloze":
        blanks = q.blanks
        if len(blanks) != 1:
            return None
        return " ".join("=" + escape(a) for a in blanks[0])
    if kind == "matching":
        return " ".join(f"={escape(c.text)} -> {escape(c.match)}" for c in choices)
    if kind == "numeric" and q.numeric_value is not None:
        tolerance = q.numeric_tolerance or 0
        if q.tolerance_kind == "relative":
            tolerance = abs(q.numeric_value) * tolerance / 100
        return f"#{_number_text(q.numeric_value)}" + (f":{_number_text(tolerance)}" if tolerance else "")
    return None  # ordering: GIFT has none
