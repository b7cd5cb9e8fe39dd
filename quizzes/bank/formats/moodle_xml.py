"""Moodle XML (docs/formats.md): `<quiz>` holding `<question type="…">` elements.

Read with defusedxml: a DTD, entities and external references are refused before anything is
built (no entity expansion bomb, no file or network read), the file is size-capped like a YAML bank
and the number of elements too. Question texts are HTML: they become plain text (html_text).

Types: multichoice (single or several answers), truefalse, shortanswer, numerical, matching,
ordering (the qtype_ordering plug-in), cloze (embedded answers: typed and numeric gaps become
blanks); `category` elements set the topic, `<tags>` add topics; essay and description are not
imported (said per question); any other type is an error.
"""

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from . import Parsed, ReadResult, decode_text, topic_name
from .html_text import looks_like_html, to_text

MAX_ELEMENTS = 500_000
IGNORED = {"essay": "an essay question", "description": "a description"}
SUPPORTED = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "cloze", "multianswer"}
FLASHCARD_TAG = "learnapp-flashcard"  # our own export's mark: a flashcard written as a short answer


class _Builder(ET.TreeBuilder):
    """Keeps the line of every element, and stops a file with too many of them."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.parser = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        if len(self.lines) >= MAX_ELEMENTS:
            raise _TooMany
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


class _TooMany(Exception):
    pass


def read(name: str, data: bytes) -> ReadResult:
    result = ReadResult()
    text = decode_text(data, name, result)
    if text is None:
        return result
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except ParseError as exc:
        result.error(name, exc.position[0], f"not well-formed XML: {str(exc).split(':')[0]}")
        return result
    except DefusedXmlException as exc:
        line = builder.parser.parser.CurrentLineNumber if builder.parser else 0
        result.error(name, line, f"refused: {type(exc).__name__} (DTDs, entities and external references)")
        return result
    except _TooMany:
        result.error(name, 0, f"more than {MAX_ELEMENTS} XML elements")
        return result
    if root.tag != "quiz":
        result.error(name, builder.lines.get(root, 1), f"the root element is <{root.tag}>, not <quiz>")
        return result
    category = ""
    for element in root:
        line = builder.lines.get(element, 0)
        if element.tag != "question":
            result.error(name, line, f"unexpected <{element.tag}> in <quiz>")
            continue
        kind = element.get("type", "")
        if kind == "category":
            category = topic_name(_text(element.find("category")))
            continue
        title = _text(element.find("name"))
        label = f"{title}: " if title else ""
        if kind in IGNORED:
            result.note(name, line, f"{label}{IGNORED[kind]}: not imported (nothing to grade)")
            continue
        if kind not in SUPPORTED:
            result.error(name, line, f"{label}question type {kind!r} is not supported")
            continue
        q = Parsed(file=name, line=line, kind="", prompt="", title=title)
        media = [0]

        def text_of(node, media=media):
            text = _text(node)
            count = 0
            if node is not None and (node.get("format") == "html" or looks_like_html(text)):
                text, count = to_text(text)
            # An embedded file is the image its text shows: count it once.
            media[0] += max(count, len(node.findall("file")) if node is not None else 0)
            return text

        q.prompt = text_of(element.find("questiontext"))
        q.explanation = text_of(element.find("generalfeedback"))
        tags = [_text(tag) for tag in element.findall("tags/tag")]
        q.topics = [t for t in [category, *tags] if t and t != FLASHCARD_TAG]
        error_count = len(result.errors)
        _READERS[kind](
            element, q, text_of, lambda message, line=line, label=label: result.error(name, line, f"{label}{message}")
        )
        if len(result.errors) > error_count:
            continue
        if kind == "shortanswer" and FLASHCARD_TAG in tags and len(q.answers) == 1:
            q.kind, q.back, q.answers = "flashcard", q.answers[0], []
        if media[0]:
            q.dropped.append(f"{media[0]} image(s) or media ignored")
        q.dropped.insert(0, "Moodle XML has no passage")
        result.questions.append(q)
        if result.too_many(name, line):
            break
    return result


def _text(node) -> str:
    if node is None:
        return ""
    inner = node.find("text")
    return ((inner.text if inner is not None else node.text) or "").strip()


def _fraction(answer) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _multichoice(element, q, text_of, error) -> None:
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    answers = element.findall("answer")
    fractions = [_fraction(a) for a in answers]
    q.choices = [
        (text_of(a), f >= 100 if single else f > 0, text_of(a.find("feedback")))
        for a, f in zip(answers, fractions, strict=True)
    ]
    q.kind = "single" if single and sum(1 for c in q.choices if c[1]) == 1 else "multiple"
    partial = [f for f in fractions if 0 < f < 100] if single else [f for f in fractions if -100 < f < 0]
    if partial or (not single and len({f for f in fractions if f > 0}) > 1):
        q.dropped.append("partial credit of the choices dropped: each is right or wrong")


def _truefalse(element, q, text_of, error) -> None:
    q.kind = "true_false"
    by_value = {}
    for answer in element.findall("answer"):
        by_value[_text(answer).lower()] = (_fraction(answer) >= 100, text_of(answer.find("feedback")))
    if set(by_value) != {"true", "false"}:
        error("a true/false question needs a 'true' and a 'false' answer")
        return
    truth = by_value["true"][0]
    q.choices = [("True", truth, by_value["true"][1]), ("False", not truth, by_value["false"][1])]


def _shortanswer(element, q, text_of, error) -> None:
    q.kind = "short"
    answers = [(_text(a), _fraction(a), _text(a.find("feedback"))) for a in element.findall("answer")]
    q.answers = list(dict.fromkeys(t for t, f, _fb in answers if f >= 100 and t and "*" not in t))
    partial = [t for t, f, _fb in answers if 0 < f < 100]
    if partial:
        q.dropped.append("answers with partial credit dropped: {answers}".format(answers=", ".join(partial)))
    if any("*" in t for t, f, _fb in answers if f >= 100):
        q.dropped.append("answers with the * wildcard dropped")
    if any(fb for *_r, fb in answers):
        q.dropped.append("feedback on typed answers dropped")


def _numerical(element, q, text_of, error) -> None:
    q.kind = "numeric"
    for answer in element.findall("answer"):
        if _fraction(answer) < 100:
            continue
        value, tolerance = _number(_text(answer)), _number(answer.findtext("tolerance") or "0")
        if value is None or tolerance is None:
            error(f"{_text(answer)[:40]!r} is not a number (or its tolerance is not)")
            return
        q.numbers.append((value, abs(tolerance)))
    if not q.numbers:
        error("no fully right numeric answer")
        return
    if len(q.numbers) > 1:
        q.dropped.append("other right answers dropped (one is kept)")
    units = [(u.findtext("unit_name") or "").strip() for u in element.findall("units/unit")]
    base = [
        (u.findtext("unit_name") or "").strip()
        for u in element.findall("units/unit")
        if _number(u.findtext("multiplier") or "1") == 1
    ]
    if base:
        q.unit = base[0]
    if len(units) > len(base[:1]):
        q.dropped.append("units other than the main one dropped")


def _matching(element, q, text_of, error) -> None:
    q.kind = "matching"
    for sub in element.findall("subquestion"):
        left, right = text_of(sub), _text(sub.find("answer"))
        if left:
            q.pairs.append((left, right))
        elif right:
            q.dropped.append(f"extra right-hand answer {right!r} dropped")


def _ordering(element, q, text_of, error) -> None:
    q.kind = "ordering"
    q.items = [text_of(a) for a in element.findall("answer")]


GAP = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
TYPED = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
NUMERIC = {"NUMERICAL", "NM"}
CHOICE = {
    "MULTICHOICE",
    "MC",
    "MULTICHOICE_V",
    "MCV",
    "MULTICHOICE_H",
    "MCH",
    "MULTICHOICE_S",
    "MCS",
    "MULTICHOICE_VS",
    "MCVS",
    "MULTICHOICE_HS",
    "MCHS",
}


def _cloze(element, q, text_of, error) -> None:
    """Embedded answers: each gap {1:SHORTANSWER:=a~=b#feedback} becomes a blank [[a|b]]."""
    q.kind = "cloze"
    notes: set[str] = set()

    def blank(m: re.Match) -> str:
        kind, body = m.group(2), m.group(3)
        alternatives = []
        for part in re.split(r"(?<!\\)~", body):
            part = re.split(r"(?<!\\)#", part, maxsplit=1)[0]
            right = part.startswith("=") or part.startswith("%100%")
            part = re.sub(r"^(=|%-?\d+(?:\.\d+)?%)", "", part)
            part = re.sub(r"\\(.)", r"\1", part).strip()
            if right and part:
                alternatives.append(part)
        if kind in NUMERIC:
            alternatives = [a.split(":", 1)[0].strip() for a in alternatives]
            notes.add("the tolerance of numeric gaps dropped (the number is typed exactly)")
        elif kind in CHOICE:
            alternatives = alternatives[:1]
            notes.add("the choices of a gap dropped: the right one is typed")
        elif kind not in TYPED:
            notes.add(f"a {kind} gap became a typed blank")
        alternatives = [a.replace("|", "/").replace("[", "(").replace("]", ")") for a in alternatives]
        if not alternatives:
            return "_____"
        return "[[" + "|".join(alternatives) + "]]"

    q.prompt = GAP.sub(blank, q.prompt)
    if "[[" not in q.prompt:
        error("no gap with a right answer in the cloze text")
    q.dropped.extend(sorted(notes))


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


_READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "cloze": _cloze,
    "multianswer": _cloze,
}


# --- writing ----------------------------------------------------------------------------------


def _add_text(parent, tag: str, text: str, **attrs) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    ET.SubElement(node, "text").text = text
    return node


def _fmt(x: float) -> str:
    return f"{x:.15g}"


def write(questions) -> tuple[str, list[str]]:
    """The questions as Moodle XML, and what could not be written."""
    root = ET.Element("quiz")
    skipped: list[str] = []
    category = None
    for q in questions:
        topics = sorted(t.name_en for t in q.topics.all())
        wanted = topics[0] if topics else ""
        if wanted != category:
            node = ET.SubElement(root, "question", type="category")
            _add_text(node, "category", "$course$/top" + (f"/{wanted.replace('/', '//')}" if wanted else ""))
            category = wanted
        element = _write_question(q)
        if element is None:
            skipped.append(f"{q.external_id}: {q.get_kind_display()} cannot be written in Moodle XML")
            continue
        tags = ET.SubElement(element, "tags")
        for topic in topics[1:]:
            _add_text(tags, "tag", topic)
        if q.kind == "flashcard":
            _add_text(tags, "tag", FLASHCARD_TAG)
        if not len(tags):
            element.remove(tags)
        root.append(element)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n", skipped


def _write_question(q) -> ET.Element | None:
    kinds = {
        "single": "multichoice",
        "multiple": "multichoice",
        "true_false": "truefalse",
        "short": "shortanswer",
        "flashcard": "shortanswer",
        "numeric": "numerical",
        "matching": "matching",
        "ordering": "ordering",
        "cloze": "cloze",
    }
    element = ET.Element("question", type=kinds[q.kind])
    _add_text(element, "name", q.external_id)
    prompt = q.prompt
    if q.kind == "cloze":
        for alternatives in q.blanks:
            gap = "{1:SHORTANSWER:" + "~".join("=" + _cloze_escape(a) for a in alternatives) + "}"
            prompt = re.sub(r"\[\[[^\[\]]+\]\]", lambda _m, gap=gap: gap, prompt, count=1)
    _add_text(element, "questiontext", prompt, format="plain_text")
    _add_text(element, "generalfeedback", q.explanation, format="plain_text")
    choices = list(q.choices.all())
    if q.kind in ("single", "multiple"):
        ET.SubElement(element, "single").text = "true" if q.kind == "single" else "false"
        right = sum(1 for c in choices if c.is_correct) or 1
        for c in choices:
            fraction = (
                (100 if q.kind == "single" else 100 / right) if c.is_correct else (0 if q.kind == "single" else -100)
            )
            answer = _add_text(element, "answer", c.text, fraction=_fmt(fraction), format="plain_text")
            _add_text(answer, "feedback", c.feedback, format="plain_text")
    elif q.kind == "true_false":
        for value, c in zip(("true", "false"), choices, strict=False):
            answer = _add_text(
                element, "answer", value, fraction="100" if c.is_correct else "0", format="moodle_auto_format"
            )
            _add_text(answer, "feedback", c.feedback, format="plain_text")
    elif q.kind == "short":
        for a in q.answers:
            _add_text(element, "answer", a, fraction="100", format="plain_text")
    elif q.kind == "flashcard":
        _add_text(element, "answer", q.back, fraction="100", format="plain_text")
    elif q.kind == "numeric":
        tolerance = q.numeric_tolerance or 0
        if q.tolerance_kind == "relative":
            tolerance = abs(q.numeric_value) * tolerance / 100
        answer = _add_text(element, "answer", _fmt(q.numeric_value), fraction="100")
        ET.SubElement(answer, "tolerance").text = _fmt(tolerance)
        if q.unit:
            unit = ET.SubElement(ET.SubElement(element, "units"), "unit")
            ET.SubElement(unit, "multiplier").text = "1"
            ET.SubElement(unit, "unit_name").text = q.unit
    elif q.kind == "matching":
        for c in choices:
            sub = _add_text(element, "subquestion", c.text, format="plain_text")
            _add_text(sub, "answer", c.match)
    elif q.kind == "ordering":
        for c in q.ordered_items():
            _add_text(element, "answer", c.text, fraction="1", format="plain_text")
    return element


def _cloze_escape(text: str) -> str:
    return re.sub(r"([}#~/\"\\])", r"\\\1", text)
