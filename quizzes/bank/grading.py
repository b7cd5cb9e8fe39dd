"""Grading of every kind of question, on the server only.

Typed answers (short answers and cloze blanks) are graded tolerantly in English and French: case,
accents, punctuation and hyphens, surrounding articles, singular/plural and one small typo in a
long word are forgiven, and the learner is told which (see DERIVATION.md §5). Numbers and
single letters must match exactly (SMN1 is not SMN2, 2016 is not 2017).

New kinds (see docs/bank-format.md for how they are stored):

- **matching**: the answer maps each pair's left side (a Choice) to the pair whose right side was picked;
  the score is the share of pairs matched right (a right side written twice counts for either pair).
- **ordering**: the answer is the items (Choice ids) in the learner's order; the score is the share of
  adjacent pairs in the learner's order that are also adjacent, in that order, in the right one (ABCD
  answered ACBD scores 0/3 for none of AC, CB, BD follows; ABDC scores 1/3, for AB). It rewards the runs
  the learner got right, where counting items in their exact place would give nothing for an order shifted
  by one (BCDA: 2/3 adjacent, 0/4 in place).
- **numeric**: a number within the tolerance (absolute: ± the value; relative: ± a percentage of the
  answer), written with a decimal point or a decimal comma ("3,5"), spaces between thousands, an optional
  sign and exponent, and optionally the question's unit ("3,5 mg"); another unit is wrong. In English,
  "1,000" is a thousand; in French, one (the comma is the decimal separator).

Also forgiven, because learners type them naturally: a unit written inside a cloze blank when the
prompt already prints it after the blank ("80%" for "[[80]]%"), "percent"/"pour cent" for "%", a
generic head noun around a name ("the RPE65 gene", "gène RPE65" for "RPE65"), and in French the
masculine/feminine form of an adjective ("immunosuppressive" for "immunosuppressif").
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import CLOZE_BLANK, Question

ARTICLES = {
    "en": {"the", "a", "an"},
    "fr": {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d"},
}
NOTES = {
    "accents": _("accents ignored"),
    "punctuation": _("punctuation, hyphens and spaces ignored"),
    "articles": _("articles ignored"),
    "plural": _("singular/plural ignored"),
    "typo": _("small spelling difference"),
}
# "form" (a French masculine/feminine ending, a generic head noun, a unit typed in the blank) accepts an answer
# that is the same answer in another form; it has no note (a note would need a new translated message).
# Generic nouns a learner may put around a name ("the RPE65 gene", "le gène RPE65"), after accents are stripped.
HEAD_NOUNS = {
    "en": {"gene", "protein", "receptor", "molecule", "drug", "vector", "virus", "approach", "technique", "disease"},
    "fr": {"gene", "proteine", "recepteur", "molecule", "medicament", "vecteur", "virus", "approche", "technique"},
}
LINKS = {"of", "for", "de", "du", "d", "des"}
# Units a cloze prompt may print right after a blank, and their spelled-out forms.
UNIT_AFTER_BLANK = re.compile(r"\s*(%)")
PERCENT_WORDS = re.compile(r"(\d)\s*(?:%|per ?cent|pour ?cent)(?!\w)")


NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?", re.IGNORECASE)
THOUSANDS_EN = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Spaces a number may hold between its thousands: plain, no-break, narrow no-break, thin.
NUMBER_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'](?=\d{3}(?!\d))")


@dataclass
class Grade:
    is_correct: bool
    score: float  # 0..1; partial credit for multiple choice and cloze
    notes: list[str] = field(default_factory=list)  # why a typed answer was accepted
    blanks: list[bool] = field(default_factory=list)  # per cloze blank


@dataclass
class GradedAnswer:
    """An answer graded and shown but not stored (review keeps it in the log once the card is rated): what the
    feedback template reads, like a quiz's Response."""

    question: Question
    answer: dict
    is_correct: bool
    score: float
    notes: list[str] = field(default_factory=list)

    def given_answer(self) -> list[str]:
        return answer_in_words(self.question, self.answer)

    def item_feedback(self) -> list[dict]:
        return item_feedback(self.question, self.answer)


def item_feedback(question: Question, answer: dict) -> list[dict]:
    """The lines of feedback of a matching or ordering answer: {"given", "ok", "right"} per pair (left → what was
    picked, and the right match) or per item in the learner's order (in its right place or not)."""
    choices = list(question.choices.all())
    by_pk = {c.pk: c for c in choices}
    if question.kind == Question.Kind.MATCHING:
        given = answer.get("matches", {})
        lines = []
        for left in sorted(choices, key=lambda c: (c.position, c.pk)):
            picked = by_pk.get(given.get(str(left.pk)))
            ok = picked is not None and picked.match.strip().casefold() == left.match.strip().casefold()
            lines.append({"given": f"{left.text} → {picked.match if picked else '—'}", "ok": ok, "right": left.match})
        return lines
    if question.kind == Question.Kind.ORDERING:
        right = [c.pk for c in question.ordered_items()]
        order = [pk for pk in answer.get("order", []) if pk in by_pk] or []
        return [
            {"given": f"{i + 1}. {by_pk[pk].text}", "ok": i < len(right) and right[i] == pk, "right": ""}
            for i, pk in enumerate(order)
        ]
    return []


def answer_in_words(question: Question, answer: dict) -> list[str]:
    """What the learner answered, in words (uses the question's prefetched choices)."""
    if answer.get("dont_know"):
        return [str(_("I don't know"))]
    if "choices" in answer:
        chosen = set(answer["choices"])
        return [c.text for c in question.choices.all() if c.pk in chosen]
    if "text" in answer:
        return [answer["text"]]
    if "blanks" in answer:
        return list(answer["blanks"])
    if "matches" in answer:
        by_pk = {c.pk: c for c in question.choices.all()}
        return [
            f"{left.text} → {by_pk[right].match if right in by_pk else '—'}"
            for left in question.choices.all()
            for right in [answer["matches"].get(str(left.pk))]
        ]
    if "order" in answer:
        by_pk = {c.pk: c for c in question.choices.all()}
        return [by_pk[pk].text for pk in answer["order"] if pk in by_pk]
    return [str(_("I knew it")) if answer.get("knew") else str(_("I didn't know"))]


@dataclass
class Match:
    ok: bool
    note: str | None = None  # key of NOTES, None when the answer matched as typed
    alternative: bool = False


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w%]+", text.replace("’", "'")) if t]


def _singular(token: str, language: str) -> str:
    """A light plural strip, the same on both sides: viruses -> virus, therapies -> therapy, eaux -> eau."""
    if len(token) <= 3 or any(c.isdigit() for c in token):
        return token
    if language == "en" and re.search(r"(s|x|z|ch|sh)es$", token):
        return token[:-2]
    if language == "en" and token.endswith("ies"):
        return token[:-3] + "y"
    if token[-1] in "sx" and token[-2:] not in ("ss", "us", "is"):
        return token[:-1]
    return token


FEMININE_ENDINGS = [("ives", "if"), ("ive", "if"), ("euse", "eux"), ("enne", "en"), ("elle", "el"), ("ere", "er")]


def _masculine(token: str) -> str:
    """French adjective endings folded to the masculine singular, the same on both sides (accents stripped):
    immunosuppressive -> immunosuppressif, corneenne -> corneen, associee -> associe, medicaux -> medical."""
    if len(token) <= 4 or any(c.isdigit() for c in token):
        return token
    if token.endswith("eaux"):
        return token[:-1]
    if token.endswith("aux"):
        return token[:-3] + "al"
    token = token[:-1] if token[-1] in "sx" and token[-2:] not in ("ss", "us", "is") else token
    for ending, masculine in FEMININE_ENDINGS:
        if token.endswith(ending):
            return token[: -len(ending)] + masculine
    if token.endswith("ee"):
        return token[:-1]
    if token.endswith(("nte", "nde", "ale")):
        return token[:-1]
    return token


def _levels(text: str, language: str) -> list[tuple[str | None, tuple[str, ...]]]:
    """Successively more tolerant forms of `text`, each with the note that explains it."""
    text = " ".join(text.casefold().split())
    text = PERCENT_WORDS.sub(r"\1%", text)
    plain = _strip_accents(text)
    tokens = _tokens(plain)
    articles = ARTICLES.get(language, set()) | ARTICLES["en"]
    trimmed = list(tokens)
    while len(trimmed) > 1 and trimmed[0] in articles:
        trimmed.pop(0)
    # "75 %" and "75%" are the same answer.
    joined_percent = tuple(re.sub(r"(\d) %", r"\1%", " ".join(trimmed)).split())
    return [
        (None, (text,)),
        ("accents", (plain,)),
        ("punctuation", tuple(tokens)),
        ("articles", joined_percent),
        ("plural", tuple(_singular(t, language) for t in joined_percent)),
        ("form", tuple(_masculine(t) if language == "fr" else _singular(t, language) for t in joined_percent)),
    ]


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (an adjacent transposition counts as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _close(typed: tuple[str, ...], gold: tuple[str, ...]) -> bool:
    """One small typo in a long word: same words, one of them (5+ letters, no digit) off by one edit."""
    if sorted(typed) == sorted(gold):
        return True
    if _same(typed, gold):
        return True
    if len(typed) != len(gold):
        return _typo("".join(typed), "".join(gold)) and len("".join(gold)) >= 8
    edits = 0
    for t, g in zip(sorted(typed), sorted(gold), strict=True):
        if t == g:
            continue
        if not _typo(t, g):
            return False
        edits += 1
    return edits <= max(1, len(gold) // 2)


def _same(typed: tuple[str, ...], gold: tuple[str, ...]) -> bool:
    """The same words, or the same letters split differently: "adeno associated" / "adenoassociated", "PD 1" /
    "PD1" (but "1,5" is not "15")."""
    if typed == gold:
        return True
    return "".join(typed) == "".join(gold) and not (_splits_a_number(typed) or _splits_a_number(gold))


def _splits_a_number(tokens: tuple[str, ...]) -> bool:
    return any(a[-1:].isdigit() and b[:1].isdigit() for a, b in zip(tokens, tokens[1:], strict=False))


def _typo(t: str, g: str) -> bool:
    if any(c.isdigit() for c in t + g) or len(g) < 5:
        return False
    return _osa(t, g) <= 1


def _without_head_noun(tokens: tuple[str, ...], language: str) -> tuple[str, ...]:
    """'gene RPE65', 'RPE65 gene', 'gene for factor VIII' -> the name alone (only when something is left)."""
    nouns = HEAD_NOUNS.get(language, set()) | HEAD_NOUNS["en"]
    if len(tokens) >= 2 and tokens[0] in nouns:
        rest = tokens[1:]
        if len(rest) >= 2 and rest[0] in LINKS:
            rest = rest[1:]
        return rest
    if len(tokens) >= 2 and tokens[-1] in nouns:
        return tokens[:-1]
    return tokens


def _variants(answer: str) -> list[str]:
    """'adeno-associated virus (AAV)' accepts the long form, the short form, or both."""
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", answer)
    return [answer, m.group(1), m.group(2)] if m else [answer]


def match_text(typed: str, answers: list[str], language: str, unit: str = "") -> Match:
    """Is `typed` one of `answers` (the first being the canonical one), tolerantly? `unit` is printed after the
    blank in a cloze prompt: typing it inside the blank too is fine."""
    if not typed.strip():
        return Match(False)
    typed_levels = _levels(typed, language)
    candidates = [(i > 0, v) for i, a in enumerate(answers) for v in _variants(a)]
    if unit:
        candidates += [(alt, v + unit) for alt, v in candidates if not v.endswith(unit)]
    for level, (note, typed_form) in enumerate(typed_levels):
        for alternative, answer in candidates:
            if _levels(answer, language)[level][1] == typed_form:
                return Match(True, note, alternative)
    plural_typed = typed_levels[-1][1]
    bare_typed = _without_head_noun(plural_typed, language)
    for alternative, answer in candidates:
        gold = _levels(answer, language)[-1][1]
        if bare_typed != plural_typed and _same(bare_typed, gold) and _without_head_noun(gold, language) == gold:
            return Match(True, "form", alternative)
    for alternative, answer in candidates:
        if plural_typed and _close(plural_typed, _levels(answer, language)[-1][1]):
            return Match(True, "typo", alternative)
    return Match(False)


def _unit_after(prompt_after: str) -> str:
    """The unit a cloze prompt prints right after a blank ("[[80]]% of the body" -> "%"), or ""."""
    unit = UNIT_AFTER_BLANK.match(prompt_after)
    return unit.group(1) if unit else ""


def _notes(matches: list[Match]) -> list[str]:
    notes = []
    for m in matches:
        if m.ok and m.alternative and _("accepted alternative answer") not in notes:
            notes.append(_("accepted alternative answer"))
        if m.ok and m.note in NOTES and NOTES[m.note] not in notes:
            notes.append(NOTES[m.note])
    return notes


def parse_number(typed: str, language: str, unit: str = "") -> float | None:
    """The number a learner typed, or None if it is not one (or carries a unit other than `unit`).

    "3,5", "3.5", "−3,5", "1 000,5", "1e-3", "3,5 mg" (when the unit is mg), "12 %" (when it is %) are numbers;
    "3,5,1", "abc", "3,5 g" (when the unit is mg) are not."""
    text = typed.strip().replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    if unit:
        folded, wanted = text.casefold(), unit.strip().casefold()
        if folded.endswith(wanted):
            text = text[: len(text) - len(wanted)].strip()
        elif wanted == "%" and PERCENT_WORDS.search(folded + " "):
            text = re.sub(r"\s*(?:per ?cent|pour ?cent)\s*$", "", text, flags=re.IGNORECASE)
    text = NUMBER_SPACES.sub("", text)
    if language != "fr" and THOUSANDS_EN.fullmatch(text):
        text = text.replace(",", "")
    if not NUMBER.fullmatch(text):
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def number_ok(value: float, question: Question) -> bool:
    """Whether `value` is within the question's tolerance of its answer (bounds included)."""
    target, tolerance = question.numeric_value, question.numeric_tolerance or 0.0
    if target is None:
        return False
    if question.tolerance_kind == Question.Tolerance.RELATIVE:
        tolerance = abs(target) * tolerance / 100
    # A float margin, so that 0.1 + 0.2 is 0.3 and a bound typed exactly is inside.
    return abs(value - target) <= tolerance + 1e-9 * max(1.0, abs(target))


def order_score(order: list[int], right: list[int]) -> float:
    """The share of adjacent pairs of `order` that are adjacent in that order in `right` (see the module doc)."""
    if len(right) < 2:
        return 1.0 if order == right else 0.0
    follows = {a: b for a, b in zip(right, right[1:], strict=False)}
    good = sum(1 for a, b in zip(order, order[1:], strict=False) if follows.get(a) == b)
    return good / (len(right) - 1)


def grade(question: Question, answer: dict) -> Grade:
    """Grade `answer` (as cleaned by the answer form) for `question`.

    answer: {"choices": [choice ids]} for choice kinds, {"text": str} for short answers,
    {"blanks": [str, ...]} for cloze, {"knew": bool} for flashcards, {"matches": {"<left choice id>": right choice
    id}} for matching, {"order": [choice ids in the learner's order]} for ordering, {"text": str} for numeric;
    {"dont_know": True} for any kind when the learner pressed "I don't know": wrong, with no credit.
    """
    kind = question.kind
    if answer.get("dont_know"):
        return Grade(False, 0.0, blanks=[False] * len(question.blanks) if kind == Question.Kind.CLOZE else [])
    if kind in Question.CHOICE_KINDS:
        chosen = set(answer.get("choices", []))
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        if kind != Question.Kind.MULTIPLE:
            ok = len(chosen) == 1 and chosen <= correct
            return Grade(ok, 1.0 if ok else 0.0)
        right, wrong = len(chosen & correct), len(chosen - correct)
        return Grade(chosen == correct, max(0.0, (right - wrong) / len(correct)) if correct else 0.0)
    if kind == Question.Kind.SHORT:
        m = match_text(answer.get("text", ""), question.answers, question.language)
        return Grade(m.ok, 1.0 if m.ok else 0.0, _notes([m]))
    if kind == Question.Kind.CLOZE:
        typed = answer.get("blanks", [])
        blanks = question.blanks
        after = [question.prompt[m.end() :] for m in CLOZE_BLANK.finditer(question.prompt)]
        matches = [
            match_text(typed[i] if i < len(typed) else "", alts, question.language, _unit_after(after[i]))
            for i, alts in enumerate(blanks)
        ]
        right = sum(m.ok for m in matches)
        return Grade(
            right == len(blanks), right / len(blanks) if blanks else 0.0, _notes(matches), [m.ok for m in matches]
        )
    if kind == Question.Kind.MATCHING:
        pairs = list(question.choices.all())
        by_pk = {c.pk: c for c in pairs}
        given = answer.get("matches", {})
        right = sum(
            1
            for c in pairs
            if (picked := by_pk.get(given.get(str(c.pk)))) is not None
            and picked.match.strip().casefold() == c.match.strip().casefold()
        )
        return Grade(bool(pairs) and right == len(pairs), right / len(pairs) if pairs else 0.0)
    if kind == Question.Kind.ORDERING:
        right = [c.pk for c in question.ordered_items()]
        order = list(answer.get("order", []))
        if sorted(order) != sorted(right):
            return Grade(False, 0.0)
        return Grade(order == right, order_score(order, right))
    if kind == Question.Kind.NUMERIC:
        value = parse_number(answer.get("text", ""), question.language, question.unit)
        ok = value is not None and number_ok(value, question)
        return Grade(ok, 1.0 if ok else 0.0)
    knew = bool(answer.get("knew"))
    return Grade(knew, 1.0 if knew else 0.0)
