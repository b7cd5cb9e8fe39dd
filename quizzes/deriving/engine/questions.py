"""Question generators: each turns sentences and their typed spans into candidates of one of the app's kinds."""

import re
import zlib
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from . import importance, reasons
from .answers import text_aliases
from .context import leans_on_previous
from .furniture import furniture
from .lexicon import ARTICLES, INDICATION_CUES, STOPWORDS
from .sentences import Sentence
from .terms import (
    EN_PARTICIPLES,
    YEAR,
    Span,
    gender_of,
    is_verb,
    normal,
    plural,
    rarity,
    slot_features,
    starts_with_vowel,
    zipf,
)

BLANK = "_____"
TRUE_FALSE = {"en": ("True", "False"), "fr": ("Vrai", "Faux")}
# Types whose members can stand in for one another as distractors.
_POOLS = {
    "gene": ("gene", "symbol"),
    "symbol": ("symbol", "gene"),
    "acronym": ("acronym",),
    "drug": ("drug",),
    "disease": ("disease",),
    "person": ("person",),
    "place": ("place",),
    "number": ("number",),
    "year": ("year",),
    "percent": ("percent",),
    "term": ("term",),
}
_ANAPHORA = {
    "en": {"this", "these", "it", "they", "its", "their", "such", "those", "he", "she", "them"},
    "fr": {
        "ce",
        "ces",
        "cet",
        "cette",
        "il",
        "elle",
        "ils",
        "elles",
        "cela",
        "ceux-ci",
        "celles-ci",
        "ça",
        "leur",
        "leurs",
        "c'",
    },
}


@dataclass
class Draft:
    """A candidate before ranking: the public Candidate plus what ranking and de-duplication need."""

    kind: str
    prompt: str
    answer: str
    passage_start: int
    passage_end: int
    language: str
    confidence: float
    reason: str
    answer_type: str
    term: str
    alternatives: list[str] = field(default_factory=list)
    choices: list[tuple[str, bool]] = field(default_factory=list)
    back: str = ""
    explanation: str = ""
    highlight: str = ""
    flags: list[str] = field(default_factory=list)
    fact: str = ""  # drafts that test one fact both ways (drug -> disease, disease -> drug) share it
    ranking: dict = field(default_factory=dict)  # why it ranks where it does (see engine._rank)


# ------------------------------------------------------------------------------------------------ text helpers

_CITATION = re.compile(r"\s?\[\d{1,3}(?:[,–-]\s?\d{1,3})*\]|\s?\((?:fig(?:ure)?\.?\s?\d+[a-z]?)\)", re.IGNORECASE)
_MD = re.compile(r"\[([^\]]+)\]\([^)]*\)|\*([^*]+)\*")


def clean(text: str) -> str:
    """A passage made fit for a prompt: citations, figure references and Markdown removed, spaces normalised."""
    text = _CITATION.sub("", text)
    text = _MD.sub(lambda m: m.group(1) or m.group(2), text)
    return re.sub(r"\s+", " ", text).strip()


def _strip_final(text: str) -> str:
    return re.sub(r"[\s.;,:]+$", "", text)


def occurrences(sentence_text: str, answer: str) -> list[tuple[int, int]]:
    pattern = r"(?<![\w-])" + re.escape(answer) + r"(?![\w+-])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, sentence_text, re.IGNORECASE)]


def blank_out(sentence: Sentence, answer: str, replacement: str) -> str:
    """The sentence with every occurrence of `answer` replaced, then cleaned."""
    text = sentence.text
    spans = occurrences(text, answer)
    marker = "\x00"
    for s, e in reversed(spans):
        text = text[:s] + marker + text[e:]
    return clean(text).replace(marker, replacement)


def leaks(prompt: str, answer: str) -> bool:
    """Is the answer still readable in the prompt once its blanks are removed?"""
    visible = re.sub(r"\[\[.*?\]\]", " ", prompt).replace(BLANK, " ")
    key = normal(answer)
    return bool(key) and f" {key} " in f" {normal(visible)} "


def sentence_flags(sentence: Sentence) -> list[str]:
    text = clean(sentence.text)
    words = text.split()
    flags = []
    if not re.search(r"""[.!?]["»”’)]*$""", text):
        flags.append("no-final-period")
    if text[:1].islower():
        flags.append("lowercase-start")
    lowers = [t.lower for t in sentence.tokens if t.kind == "word"]
    if not any(is_verb(w, sentence.language) for w in lowers) and not any(
        w.endswith(("ed", "é", "ée", "és", "ées")) for w in lowers
    ):
        flags.append("no-verb")
    if leans_on_previous(sentence):
        flags.append("needs-context")
    if len(words) > 45:
        flags.append("long")
    if len(words) < 6:
        flags.append("short")
    if re.search(r"\b(fig(ure)?s?\.?\s?\d|following iconography|ci-dessous|below|above|ci-dessus)", text, re.I):
        flags.append("refers-to-figure")
    return flags


# ---------------------------------------------------------------------------------------------- the inventory


@dataclass
class Entry:
    text: str
    type: str
    score: float
    sentence: int
    plural: bool
    gender: str
    capitalised: bool
    klass: str = ""  # a finer class than the type (importance.answer_class): antibody, receptor, cancer…


def head_word(sentence: Sentence, first: int, last: int) -> str:
    """The noun the text attaches a term to: the word after it ("the CD19 antigen") or before it, past an article
    ("l'antigène CD19", "le récepteur de l'IL-6"), when that word names a class."""
    toks = sentence.tokens
    after = toks[last].lower if last < len(toks) else ""
    k = first - 1
    while k >= 0 and (toks[k].lower in ARTICLES[sentence.language] or toks[k].kind == "elision"):
        k -= 1
    before = toks[k].lower if k >= 0 else ""
    for word in (after, before):
        if importance.answer_class("x", head=word) not in ("", "category"):
            return word
    return ""


class Inventory:
    """The typed terms of one text, the pool distractors are drawn from."""

    def __init__(self, sentences: list[Sentence], spans: dict[int, list[Span]], extra: list[tuple[str, str, str]]):
        self.sentences = sentences
        self.by_type: dict[str, dict[str, Entry]] = {}
        for s in sentences:
            for span in spans.get(s.index, []):
                head = head_word(s, span.first, span.last) if span.type != "term" else ""
                self._add(span.text, span.type, span.score, s.index, s.language, head)
        for text, kind, language in extra:
            self._add(text, kind, 0.5, -1, language)
        self._tokens: list[list[str]] | None = None
        self._index: dict = {}
        self._listed: dict[str, set[str]] = {}

    def _add(self, text: str, kind: str, score: float, sentence: int, language: str, head: str = "") -> None:
        key = normal(text)
        if not key:
            return
        entries = self.by_type.setdefault(kind, {})
        if key in entries and entries[key].score >= score:
            return
        klass = importance.answer_class(text, head) or (entries[key].klass if key in entries else "")
        gender = gender_of(text, self.sentences) if language == "fr" else ""
        entries[key] = Entry(text, kind, score, sentence, plural(text, language), gender, text[:1].isupper(), klass)

    def listed_with(self, answer: str) -> set[str]:
        """What the text names in one list with the answer (see importance.listed_with)."""
        key = normal(answer)
        if key not in self._listed:
            if self._tokens is None:
                self._tokens = [importance.list_tokens(s.text) for s in self.sentences]
                self._index = importance.list_index(self._tokens)
            self._listed[key] = importance.listed_with(answer, self._tokens, self._index)
        return self._listed[key]

    def types_of(self, text: str) -> set[str]:
        key = normal(text)
        return {kind for kind, entries in self.by_type.items() if key in entries}

    def distractors(
        self,
        answer: str,
        kind: str,
        sentence: Sentence,
        first: int,
        exclude: set[str] = frozenset(),
        count: int = 3,
        agree: bool = True,
    ) -> list[str]:
        """Up to `count` terms of the same type, absent from the sentence, agreeing with the blank's slot."""
        language = sentence.language
        key = normal(answer)
        stem = " " + normal(sentence.text) + " "
        answer_plural = plural(answer, language)
        gender, number, elided = slot_features(sentence.tokens, first, language) if agree else ("", "", False)
        if language == "fr" and not gender and agree:
            gender = gender_of(answer, self.sentences)
        answer_words = len(answer.split())
        answer_head = (answer.split() or [""])[0 if language == "fr" else -1].casefold()
        # a finer class than the type: a trial id is no antigen, a bare "syndrome" no disease, an antigen no drug
        last = _span_end(sentence, first, answer)
        klass = importance.answer_class(answer, head_word(sentence, first, last) if kind != "term" else "")
        listed = self.listed_with(answer)
        options: list[tuple[float, str]] = []
        seen: set[str] = set()
        for pool in _POOLS.get(kind, (kind,)):
            for other_key, entry in self.by_type.get(pool, {}).items():
                if other_key == key or other_key in exclude or other_key in seen:
                    continue
                if entry.klass in ("identifier", "category"):
                    continue
                if kind == "drug" and entry.klass and entry.klass not in importance.DRUG_CLASSES:
                    continue  # an antigen or a receptor the drug cues took for a drug
                clash = bool(klass and entry.klass and entry.klass != klass)
                if clash and not {klass, entry.klass} <= importance.DISEASE_CLASSES:
                    continue  # an antigen among receptors, a trial id among genes, an antibody among cell therapies
                if listed and importance.co_listed(other_key, listed):
                    continue  # the text names it in one list with the answer: it is true as well
                if f" {other_key} " in stem or other_key in key or key in other_key:
                    continue
                if _similar(other_key, key) or any(_similar(other_key, s) for s in seen):
                    continue
                if kind in ("year", "percent", "number") and entry.text == answer:
                    continue
                if agree and kind not in ("year", "percent", "number"):
                    if entry.plural != (number == "p" if number else answer_plural):
                        continue
                    if language == "fr" and gender and entry.gender and entry.gender != gender:
                        continue
                    if (
                        elided != starts_with_vowel(entry.text)
                        and first > 0
                        and (elided or sentence.tokens[first - 1].lower in {"le", "la", "a", "an"})
                    ):
                        continue
                    if language == "fr" and gender and not entry.gender and len(options) >= count:
                        continue
                rank = entry.score
                if bool(klass) != bool(entry.klass):
                    rank -= 0.3  # one of a known class, the other not: a weaker match
                elif clash:
                    rank -= 0.4  # a deficiency among cancers: a disease still, but a weaker match
                rank -= 0.15 * abs(len(entry.text.split()) - answer_words)
                if entry.capitalised != answer[:1].isupper():
                    rank -= 0.5
                head = (entry.text.split() or [""])[0 if language == "fr" else -1].casefold()
                if head == answer_head and kind == "term":
                    rank += 0.2
                if entry.sentence < 0:
                    rank -= 0.3  # from the bank, not the text
                seen.add(other_key)
                options.append((rank, entry.text))
        options.sort(key=lambda o: (-o[0], o[1]))
        return [text for _, text in options[:count]]


def _span_end(sentence: Sentence, first: int, answer: str) -> int:
    """The token after the answer that starts at token `first`."""
    toks = sentence.tokens
    if first >= len(toks):
        return first
    end = toks[first].start + len(answer)
    return next((k + 1 for k in range(first, len(toks)) if toks[k].end >= end), len(toks))


def _similar(a: str, b: str) -> bool:
    return fuzz.ratio(a, b) > 80


def shuffle(choices: list[tuple[str, bool]], seed: str) -> list[tuple[str, bool]]:
    """A fixed order that does not always put the right answer first."""
    return sorted(choices, key=lambda c: zlib.crc32((seed + "\x00" + c[0]).encode()))


# ------------------------------------------------------------------------------------------------ generators


def next_to_expansion(sentence_text: str, acronym: str) -> bool:
    """Does the acronym stand next to its expansion ("adeno-associated virus (AAV)", "AAV (adeno-…)")?"""
    a = re.escape(acronym)
    return bool(re.search(r"\(\s*(?:or |ou )?" + a + r"\s*\)|" + a + r"\s*\(", sentence_text))


# Cues that a parenthesis gives the same thing in other words: "(ou gene therapy)", "(i.e. …)", "(en anglais …)".
_GLOSS_CUE = re.compile(
    r"^(?:or|ou|i\.e\.?|c['’]est-à-dire|soit|in english|en anglais|en français|in french|also called|also known as|"
    r"aussi appelée?s?|dite?s?|appelée?s?)\b",
    re.IGNORECASE,
)


def glossed(sentence_text: str, answer: str) -> bool:
    """Does a translation or a synonym stand beside the answer, in a parenthesis right after it ("thérapie génique
    (gene therapy)") or around it ("thérapie génique (gene therapy)" with "gene therapy" blanked)? It would give the
    blank away. An acronym's parenthesis is another matter: its expansion card asks it."""
    for start, end in occurrences(sentence_text, answer):
        after = re.match(r"\s*\(([^()]{2,80})\)", sentence_text[end:])
        if after and _gloss(after.group(1), sentence_text, answer):
            return True
        before = sentence_text[:start].rstrip()
        inside = re.match(r"\s*(?:or |ou |i\.e\.,? )?\*?\s*$", sentence_text[:start][before.rfind("(") + 1 :])
        if before.rfind("(") > before.rfind(")") and inside and re.match(r"\*?\s*\)", sentence_text[end:].lstrip()):
            # the answer is itself the parenthesis after its translation: "thérapie génique (gene therapy)"
            wording = re.findall(r"[^\W\d_][\w'-]*", before[: before.rfind("(")])[-len(answer.split()) - 1 :]
            if _gloss(" ".join(wording), sentence_text, answer):
                return True
    return False


def _gloss(inside: str, sentence_text: str, answer: str) -> bool:
    inside = inside.strip().strip("*« »")
    if _GLOSS_CUE.match(inside):
        return True
    words = re.findall(r"[^\W\d_][\w'-]*", inside)
    if not words or re.search(r"\d", inside) or len(words) > 8:
        return False
    if len(words) == 1 and sum(c.isupper() for c in words[0]) >= 2:
        return False  # an acronym: "(AAV)"
    # the other language's words: a French answer glossed in English, or the reverse
    english = sum(zipf(w, "en") > zipf(w, "fr") + 0.5 for w in words)
    french = sum(zipf(w, "fr") > zipf(w, "en") + 0.5 for w in words)
    answer_words = re.findall(r"[^\W\d_][\w'-]*", answer)
    answer_english = sum(zipf(w, "en") > zipf(w, "fr") for w in answer_words) * 2 > len(answer_words)
    return (french * 2 > len(words)) if answer_english else (english * 2 > len(words))


# A choice blank needs distractors of the answer's own fine-grained kind, named by the text: every choice item whose
# distractors were only "acronyms" or "symbols" (an organisation against architectures, a function key against
# genes of the bank) was rejected or edited on the tuning texts. Those types are too coarse a pool; a person, a
# place, a drug, a gene or a disease is a kind already, and an acronym or a symbol of a known class (an antigen, a
# receptor) is one too.
_FINE_TYPES = {"person", "place", "drug", "gene", "disease"}
TYPED_INSTEAD_TEXT = 0.85  # as gate.FITTING_CHOICE_PENALTY: the typed blank keeps the choice item's rank
TYPED_INSTEAD_BANK = 0.6  # as gate.CHOICE_PENALTY


def fitting_choices(answer: str, kind: str, distractors: list[str], inventory: Inventory, text: str) -> bool:
    """Are these distractors the answer's kind, and wrong according to the text (not the bank's other topics)?"""
    if not all(d in text for d in distractors):
        return False
    if kind in _FINE_TYPES:
        return True
    klass = importance.answer_class(answer)
    if not klass or klass in ("identifier", "category"):
        return False
    classes = {e.klass for d in distractors for e in inventory.by_type.get(kind, {}).values() if e.text == d}
    return classes == {klass}


def full_stop(prompt: str) -> str:
    """A sentence that ended on a colon introduced a listing the prompt leaves out ("… assuming a common continuous
    distribution:"): asked alone, it ends with a full stop."""
    return re.sub(r"\s*:\s*$", ".", prompt)


def unspelled(prompt: str) -> str:
    """The prompt without the parenthesis that spells a blank out: "[[M-f]] (Meta-f) avance d'un mot" gave the
    answer away; "[[M-f]] avance d'un mot" asks it."""

    def drop(m: re.Match) -> str:
        blank, inside = m.group(1), m.group(2)
        return blank if _spelled_out(blank[2:-2], inside) else m.group(0)

    return re.sub(r"(\[\[[^\]\s]+\]\]) ?\(([^\W\d_][\w-]*)\)", drop, prompt)


def _spelled_out(short: str, long: str) -> bool:
    """ "M-f" of "Meta-f": one word, the first letter the same, the others in order, the end the same."""
    short, long = short.casefold(), long.casefold()
    if len(short) >= len(long) or " " in short or not short or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


def blank_question(sentence: Sentence, span: Span, inventory: Inventory, text: str) -> Draft | None:
    """A multiple-choice blank when three same-type distractors exist, else a typed cloze blank."""
    language = sentence.language
    answer = span.text
    if span.type == "acronym" and next_to_expansion(sentence.text, answer):
        return None
    if len(occurrences(sentence.text, answer)) != 1 or glossed(sentence.text, answer):
        return None  # blanked twice, or left visible beside its blank (in its context, or as its translation)
    flags = sentence_flags(sentence)
    distractors = []
    typed_instead = 1.0
    if span.type not in ("year", "percent", "number", "term"):
        first = next((k for k, t in enumerate(sentence.tokens) if t.start == span.start), span.first)
        distractors = inventory.distractors(answer, span.type, sentence, first)
        if len(distractors) >= 3 and not fitting_choices(answer, span.type, distractors, inventory, text):
            # a coarse pool ("BSD / ARM / CD" for an organisation, "CD19" for a key): the learner types the answer
            # instead, ranked where the choice item stood (the gate lowers a choice item by as much)
            typed_instead = TYPED_INSTEAD_TEXT if all(d in text for d in distractors) else TYPED_INSTEAD_BANK
            distractors = []
    if len(distractors) >= 3:
        prompt = blank_out(sentence, answer, BLANK)
        intro = "Fill in the blank: " if language == "en" else "Complétez : "
        draft = Draft(
            "single",
            intro + prompt,
            answer,
            sentence.start,
            sentence.end,
            language,
            0.0,
            # "from the text" only when it is true: the pool also holds short answers of the bank
            (
                reasons.BLANKED_WITH_DISTRACTORS
                if all(d in text for d in distractors)
                else reasons.BLANKED_WITH_BANK_DISTRACTORS
            ).format(label=reasons.label(span.type)),
            span.type,
            answer,
            choices=shuffle([(answer, True)] + [(d, False) for d in distractors], answer + prompt),
            flags=flags,
        )
    else:
        prompt = full_stop(unspelled(blank_out(sentence, answer, f"[[{answer}]]")))
        draft = Draft(
            "cloze",
            prompt,
            answer,
            sentence.start,
            sentence.end,
            language,
            0.0,
            reasons.BLANKED.format(label=reasons.label(span.type), why=span.reason),
            span.type,
            answer,
            flags=flags,
        )
    if leaks(draft.prompt, answer) or "[[" not in prompt and BLANK not in prompt:
        return None
    # the other name the text gives the answer is right too ("CONTROLE (souvent désignée par CTRL)"), unless the
    # prompt shows it
    draft.alternatives = [a for a in text_aliases(answer, text) if not leaks(draft.prompt, a)]
    draft.confidence = round(blank_confidence(span) * typed_instead, 3)
    draft.highlight = answer
    draft.explanation = clean(sentence.text)
    return draft


# A cloze may blank several key terms of one sentence (as Moodle's embedded-answer questions do), so that a
# sentence dense with key terms is asked once rather than once per term (two items on one sentence would give
# each other away). At most MAX_BLANKS, and at least half of the sentence's words stay visible.
MAX_BLANKS = 3


def multi_blank_question(sentence: Sentence, spans: list[Span]) -> Draft | None:
    """A cloze with one blank per span (the first is the item's main term), or None if it would not read."""
    language = sentence.language
    answers = [sp.text for sp in spans]
    marked = sentence.text
    places: list[tuple[int, int, str]] = []
    for answer in answers:
        found = occurrences(sentence.text, answer)
        if len(found) != 1 or glossed(sentence.text, answer):
            return None
        places += [(a, b, answer) for a, b in found]
    places.sort()
    if any(places[k][1] > places[k + 1][0] for k in range(len(places) - 1)):
        return None  # two blanks overlap
    markers = {answer: f"\x00{k}\x00" for k, answer in enumerate(answers)}
    for a, b, answer in reversed(places):
        marked = marked[:a] + markers[answer] + marked[b:]
    prompt = clean(marked)
    for answer, marker in markers.items():
        prompt = prompt.replace(marker, f"[[{answer}]]")
    prompt = full_stop(unspelled(prompt))
    visible = re.sub(r"\[\[.*?\]\]", " ", prompt).split()
    if "\x00" in prompt or len(visible) < sum(len(a.split()) for a in answers) or len(visible) < 5:
        return None
    if any(leaks(prompt, answer) for answer in answers):
        return None
    first = spans[0]
    labels = ", ".join(dict.fromkeys(reasons.label(sp.type) for sp in spans))
    return Draft(
        "cloze",
        prompt,
        first.text,
        sentence.start,
        sentence.end,
        language,
        blank_confidence(first),
        reasons.SEVERAL_BLANKED.format(n=len(spans), labels=labels),
        first.type,
        first.text,
        flags=sentence_flags(sentence),
        highlight=sentence.text[places[0][0] : places[-1][1]],  # from the first blank to the last
        explanation=clean(sentence.text),
    )


def blank_confidence(span: Span) -> float:
    """How sure a blank on this span is: typed spans (drugs, genes, years, Latin terms…) start higher."""
    typed = span.type not in ("term", "disease") or span.reason == reasons.LATIN
    strength = min(1.0, max(0.0, span.score / 1.5))
    return (0.45 + 0.35 * strength) if typed else (0.15 + 0.45 * strength)


def true_false(sentence: Sentence, span: Span, inventory: Inventory) -> Draft | None:
    """The sentence as it is (true) or with its year or percentage swapped for another one (false)."""
    language = sentence.language
    flags = sentence_flags(sentence)
    if {"needs-context", "no-verb", "lowercase-start"} & set(flags) or len(sentence.text.split()) > 40:
        return None
    seed = zlib.crc32(sentence.text.encode())
    make_false = (seed >> 1) % 2 == 0  # bit 0 chose the statement over a blank
    value = span.text
    statement = clean(sentence.text)
    if make_false:
        other = _other_value(value, span.type, inventory, seed)
        if other is None or named_after(sentence.text, value):
            make_false = False
        else:
            swapped = clean(
                sentence.text[: span.start - sentence.start] + other + sentence.text[span.end - sentence.start :]
            )
            statement = swapped
    true_label, false_label = TRUE_FALSE[language]
    answer = true_label if not make_false else false_label
    intro = "According to the text: " if language == "en" else "D'après le texte : "
    says = "The text says: " if language == "en" else "Le texte dit : "
    return Draft(
        "true_false",
        intro + statement,
        answer,
        sentence.start,
        sentence.end,
        language,
        0.55,
        (reasons.STATEMENT_SWAPPED if make_false else reasons.STATEMENT).format(label=reasons.label(span.type)),
        span.type,
        value,
        choices=[(true_label, not make_false), (false_label, make_false)],
        explanation=says + clean(sentence.text),
        highlight=value,
        flags=flags,
    )


def named_after(sentence_text: str, year: str) -> bool:
    """Does a name in the sentence carry the year ("Debconf10 was held … in 2010", "Windows 95")? Swapped, the
    statement would be seen false at a glance."""
    if not YEAR.fullmatch(year.strip()):
        return False
    return bool(
        re.search(r"[^\W\d_][\w-]*?\s?(?:" + year[-2:] + "|" + year + r")\b(?!\s*%)", sentence_text.replace(year, " "))
    )


def _other_value(value: str, kind: str, inventory: Inventory, seed: int) -> str | None:
    digits = re.sub(r"[^\d]", "", value)
    if kind == "year" and digits:
        years = sorted({int(e.text) for e in inventory.by_type.get("year", {}).values() if e.text.isdigit()})
        others = [y for y in years if y != int(digits)]
        if others:
            others.sort(key=lambda y: (abs(y - int(digits)), y))
            return str(others[seed % min(2, len(others))])
        return str(int(digits) + (1 + seed % 3) * (1 if seed % 4 < 2 else -1))
    if kind == "percent" and digits:
        number = int(re.sub(r"[^\d].*$", "", value.strip()) or 0)
        percents = sorted({e.text for e in inventory.by_type.get("percent", {}).values()} - {value})
        sign = "%" if value.endswith("%") and " " not in value else " %"
        candidates = [p for p in percents if re.sub(r"\D", "", p) != str(number)]
        if candidates:
            return candidates[seed % len(candidates)]
        other = number + 10 if number <= 50 else number - 10
        return f"{other}{sign.strip() if sign == '%' else sign}"
    return None


_SF_INSIDE = re.compile(r"\(\s*(?:or |ou |pour )?\*?([^()]+?)\*?\s*\)")


def acronym_questions(sentence: Sentence) -> list[Draft]:
    """'What does AAV stand for?' from "adeno-associated virus (or AAV)" or "AAV (adeno-associated virus)"."""
    out = []
    text = sentence.text
    language = sentence.language
    for m in _SF_INSIDE.finditer(text):
        inside = m.group(1).strip()
        short, long = None, None
        first_part = re.split(r",| ou | or ", inside)[0].strip().strip("*« »")
        listed = re.match(r"([A-Za-z][A-Za-z0-9-]{1,9}),\s*\*?([^,;]{5,80}?)\*?$", inside)
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{1,9}", inside) and sum(c.isupper() for c in inside) >= 2:
            short = inside
            # "Mode/Module" stays one word: two wordings of one expansion, not two words of it
            words = re.findall(r"[\w’'-]+(?:/[^\W\d_][\w’'-]*)?", text[: m.start()])
            long = _schwartz_hearst(short, words[-(len(short) + 4) :])
        elif listed and sum(c.isupper() for c in listed.group(1)) >= 2:
            # "lymphocytes T à récepteur antigénique chimérique (CAR-T, chimeric antigen receptor T cells)"
            short = listed.group(1)
            long = _schwartz_hearst(short, re.findall(r"[\w’'-]+", listed.group(2)))
            long = long if long and listed.group(2).strip().endswith(long) else None
        else:
            before = re.search(r"([A-Za-z][A-Za-z0-9-]{1,9})\s*$", text[: m.start()])
            tail = re.search(r"\b(?:or|ou)\s+([A-Za-z][A-Za-z0-9-]{1,9})$", inside)
            if tail and sum(c.isupper() for c in tail.group(1)) >= 2:
                short = tail.group(1)
                long = _schwartz_hearst(short, re.findall(r"[\w’'-]+", inside[: tail.start()]))
            elif before and sum(c.isupper() for c in before.group(1)) >= 2:
                short = before.group(1)
                long = _schwartz_hearst(short, re.findall(r"[\w’'-]+", first_part))
        if short and "-" in short and long and len(long.split()) <= len(short.split("-")[0]):
            prefix = short.split("-")[0]
            if len(prefix) >= 2 and _schwartz_hearst(prefix, long.split()) == long:
                short = prefix  # "CAR-T (chimeric antigen receptor)": the expansion is CAR's
        if not short or not long or normal(long) == normal(short):
            continue
        long, *wordings = slash_wordings(long)
        prompt = f"What does {short} stand for?" if language == "en" else f"Que signifie le sigle {short} ?"
        highlight = text[max(0, text.find(long)) : m.end()] if long in text else long
        explain = f"{short} stands for {long}." if language == "en" else f"{short} signifie {long}."
        translation = _french_equivalent(text, m, inside, long) if language == "fr" else None
        if translation:
            explain = f"{short} signifie {long} (« {translation} »)."
            start = text.find(translation)
            if 0 <= start < m.start():
                highlight = text[start : m.end()]
        out.append(
            Draft(
                "short",
                prompt,
                long,
                sentence.start,
                sentence.end,
                language,
                0.85,
                reasons.EXPANSION,
                "acronym",
                short,
                alternatives=wordings + ([translation] if translation else []),
                explanation=explain,
                highlight=highlight,
                flags=[],
            )
        )
    return out


def slash_wordings(long: str) -> list[str]:
    """The wordings an expansion gives with a slash, the first one first: "Compatibility Support Mode/Module" ->
    "Compatibility Support Mode", "Compatibility Support Module" (the answer key once read "Mode Module")."""
    words = long.split()
    slashed = [k for k, w in enumerate(words) if "/" in w]
    if len(slashed) != 1:
        return [long]
    k = slashed[0]
    return [" ".join([*words[:k], part, *words[k + 1 :]]) for part in words[k].split("/") if part]


def _french_equivalent(text: str, m: re.Match, inside: str, long: str) -> str | None:
    """The French a French text gives for an English expansion, so that a learner may answer in French:
    « récepteur antigénique chimérique » in "CAR-T (pour chimeric antigen receptor, ou « récepteur antigénique
    chimérique » en français)", or the words before "(induced pluripotent stem cells ou iPSC)"."""
    words = long.split()
    if sum(zipf(w, "en") > zipf(w, "fr") for w in words) * 2 <= len(words):
        return None  # the expansion is French already ("ARN interférents")
    quoted = re.search(r"«\s*([^»]{3,80}?)\s*»", inside)
    if quoted:
        return quoted.group(1)
    if re.match(r"[A-Za-z][A-Za-z0-9-]{1,9},\s*\*?" + re.escape(long), inside):
        return _phrase_before(text[: m.start()], len(words) + 3)
    if not re.match(r"\s*\*?" + re.escape(long), inside):
        return None
    before = re.findall(r"[\w’'-]+", text[: m.start()])[-len(words) :]
    while before and (before[0].casefold() in STOPWORDS["fr"] or before[0].casefold() in ARTICLES["fr"]):
        before.pop(0)
    if len(before) < 2 or any(is_verb(w.casefold(), "fr") for w in before):
        return None
    phrase = " ".join(before)
    return phrase if phrase in text[: m.start()] else None


def _phrase_before(text: str, most: int) -> str | None:
    """The noun phrase ending a French text, back to its determiner ("Les lymphocytes T à récepteur antigénique
    chimérique" -> "lymphocytes T à récepteur antigénique chimérique"), at most `most` words."""
    tail = re.split(r"[,;:()«»\[\]]", text)[-1]
    words = re.findall(r"[\w’'-]+", tail)[-most:]
    start = 0
    for k, w in enumerate(words):
        lower = w.casefold().replace("’", "'")
        if (
            lower in ARTICLES["fr"]
            or lower in ("ces", "ses", "leurs", "leur", "son", "sa", "cette", "ce")
            or is_verb(lower, "fr")
        ):
            start = k + 1
    phrase = words[start:]
    if len(phrase) < 2 or phrase[0].casefold() in STOPWORDS["fr"] or phrase[-1].casefold() in STOPWORDS["fr"]:
        return None
    found = " ".join(phrase)
    return found if found in text else None


def _schwartz_hearst(short: str, words: list[str]) -> str | None:
    """The shortest run of trailing words whose letters spell `short` in order (Schwartz & Hearst, 2003)."""
    letters = [c.casefold() for c in short if c.isalnum()]
    if not letters or not words:
        return None
    for n in range(1, min(len(words), len(letters) + 4) + 1):
        candidate = " ".join(words[-n:])
        if _spells(letters, candidate) and candidate[:1].casefold() == letters[0]:
            if candidate.casefold().split()[0] in STOPWORDS["en"] | STOPWORDS["fr"]:
                continue
            return candidate
    return None


def _spells(letters: list[str], candidate: str) -> bool:
    s = candidate.casefold()
    i = len(s) - 1
    for k in range(len(letters) - 1, -1, -1):
        c = letters[k]
        while i >= 0 and (s[i] != c or (k == 0 and i > 0 and s[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        i -= 1
    return True


_DEFINITION_EN = re.compile(
    r"^(?:The |An? )?(?P<term>[A-Za-z][\w’'+-]*(?: [\w’'+-]+){0,4}?)(?: \([^)]*\))? "
    r"(?P<verb>consists of|is defined as|refers to|is an?|is the|are) (?P<def>.{12,})$"
)
_DEFINITION_FR = re.compile(
    r"^(?P<det>Les? |La |L['’]|Une? )?(?P<term>[\w’'+-]+(?: [\w’'+-]+){0,5}?)(?: \([^)]*\))? "
    r"(?P<verb>est une?|sont des|correspond à|correspondent à|consiste en|désigne) (?P<def>.{12,})$"
)
_COLON_DEFINITION = re.compile(r"^(?P<term>[\w’'+-]+(?: [\w’'+-]+){0,4}) ?: (?P<def>[a-zà-ÿ].{12,})$")
_CEST_A_DIRE = re.compile(
    r"(?:\b(?:le|la|l['’]|les|un|une|des)\s?)(?P<term>[\w’'-]+(?: [\w’'-]+){0,3}), "
    r"c['’]est-à-dire (?P<def>[^,;.]{10,})"
)
_IE = re.compile(r"(?P<term>\b[\w-]+(?: [\w-]+)?) \(i\.e\.,? (?P<def>[^)]{10,})\)")


# Words that count what follows: a phrase they open is no term to define.
_COUNTS = set(
    """two three four five six seven eight nine ten several many some few various numerous both
    deux trois quatre cinq six sept huit neuf dix plusieurs quelques nombreux nombreuses divers diverses""".split()
)


def definition_questions(sentence: Sentence, inventory: Inventory) -> list[Draft]:
    language = sentence.language
    text = clean(sentence.text)
    found: list[tuple[str, str, str, str]] = []  # term, definition, determiner, reason
    pattern = _DEFINITION_EN if language == "en" else _DEFINITION_FR
    m = pattern.match(text)
    if m:
        det = (m.groupdict().get("det") or "").strip()
        found.append((m.group("term"), m.group("def"), det, reasons.DEFINITION.format(cue=m.group("verb"))))
    m = _COLON_DEFINITION.match(text) if sentence.bullet and sentence.first_in_block else None
    if m:
        found.append((m.group("term"), m.group("def"), "", reasons.COLON_DEFINITION))
    for m in _CEST_A_DIRE.finditer(text):
        found.append((m.group("term"), m.group("def"), "", reasons.EXPLAINED.format(cue="c'est-à-dire")))
    for m in _IE.finditer(text):
        found.append((m.group("term"), m.group("def"), "", reasons.EXPLAINED.format(cue="i.e.")))
    out = []
    for term, definition, det, reason in found:
        words = term.split()
        lowers = [w.casefold() for w in words]
        if reason == reasons.DEFINITION.format(cue="are") and not _plural_definition(term, definition):
            continue
        if lowers[0] in STOPWORDS[language] or lowers[0] in _ANAPHORA[language] or lowers[0] in {"one", "another"}:
            continue
        if lowers[0] in _COUNTS:
            continue  # "Two slightly different summaries are given by…": a count of things, not a term
        if any(is_verb(w, language) for w in lowers) or any(w in {"is", "are", "est", "sont"} for w in lowers):
            continue
        if len(term) < 3 or set(lowers) & {"and", "or", "et", "ou", "example", "exemple", "reason"}:
            continue
        types = inventory.types_of(term)
        kind = next((t for t in ("drug", "acronym", "gene", "disease", "term") if t in types), "term")
        if reason == reasons.COLON_DEFINITION and kind == "term":
            article = definition.split()[0].casefold() in ARTICLES[language] if definition.split() else False
            if not article or max(rarity(w, language) for w in lowers) < 0.5:
                continue
        capital = words[0][:1].isupper() and not words[0].isupper() and words[0][1:2] != "-"  # not "C-g"
        if language == "en" and capital and zipf(words[0], "en") > 3:
            term = term[:1].lower() + term[1:]  # "Gene therapy" at the start of its sentence
        definition = _strip_final(definition)
        if len(definition.split()) < 3:
            continue
        if language == "en":
            is_plural = plural(term, "en")
            front = f"What {'are' if is_plural else 'is'} {term}?"
        else:
            front = _french_front(term, det, sentence)
        if normal(term) in normal(definition).split(" ")[:1]:
            continue
        back = definition[:1].upper() + definition[1:] if language == "en" else definition
        confidence = 0.8 if kind in ("drug", "acronym") else 0.68
        out.append(
            Draft(
                "flashcard",
                front,
                term,
                sentence.start,
                sentence.end,
                language,
                confidence,
                reason,
                kind,
                term,
                back=back,
                explanation=text,
                highlight=definition,
                flags=[],
            )
        )
    return out


def _plural_definition(term: str, definition: str) -> bool:
    """A plural term ("CAR-T cells are T lymphocytes taken from …") of at most four words, and a definition that
    starts with a noun phrase, not an adjective, an adverb or a verb ("are integrative", "are often used")."""
    words = definition.split()
    if len(term.split()) > 4 or not plural(term, "en") or len(words) < 4:
        return False
    head = words[0].casefold().strip(",")
    if head in STOPWORDS["en"] or is_verb(head, "en") or head.endswith(("ed", "ing", "ly")):
        return False
    if head in EN_PARTICIPLES:
        return False  # "are given by summary and fivenum": a passive, not a definition
    return not head.endswith(("al", "ic", "ous", "ive", "able", "ible", "ary", "ful", "less", "ent", "ant"))


def _french_front(term: str, det: str, sentence: Sentence) -> str:
    det = det.casefold().replace("’", "'")
    if not det:
        lowered = sentence.text.casefold().replace("’", "'")
        pos = lowered.find(term.casefold())
        before = lowered[:pos].split()
        det = before[-1] if before and before[-1] in {"le", "la", "les", "un", "une", "des"} else ""
        if not det and pos > 1 and lowered[pos - 2 : pos] == "l'":
            det = "l'"
    if det in ("les", "des") or (not det and plural(term, "fr")):
        return f"Que sont les {term} ?"
    if det == "l'" or (not det and starts_with_vowel(term)):
        return f"Qu'est-ce que l'{term} ?"
    if det in ("un", "une"):
        return f"Qu'est-ce qu'{det} {term} ?"
    if det in ("le", "la"):
        return f"Qu'est-ce que {det} {term} ?"
    return f"Qu'est-ce que « {term} » ?"


# ---------------------------------------------------------------------------------------- drug and indication


@dataclass
class Indication:
    drug: Span
    disease: Span
    sentence: Sentence
    passage_start: int


def indications(sentences: list[Sentence], spans: dict[int, list[Span]], text: str) -> list[Indication]:
    """(drug, disease) pairs from sentences with an indication cue; "respectively" pairs in order; a pronoun
    subject ("It is indicated in …") refers to the drug that heads its paragraph ("Imlygic: …")."""
    out: list[Indication] = []
    head_drug: dict[int, Span] = {}
    for s in sentences:
        drugs = [sp for sp in spans.get(s.index, []) if sp.type == "drug"]
        if s.first_in_block and drugs and drugs[0].first == 0:
            head_drug[s.block] = drugs[0]
        diseases = [sp for sp in spans.get(s.index, []) if sp.type == "disease"]
        lowered = s.text.casefold().replace("’", "'")
        cue = None
        for c in INDICATION_CUES[s.language]:
            pos = lowered.find(c)
            if pos >= 0 and (cue is None or pos < cue[0]):
                cue = (pos, pos + len(c))
        if cue is None or not diseases:
            continue
        after = [d for d in diseases if d.start - s.start >= cue[1]]
        after = _best_diseases(after)
        passage_start = s.start
        if not drugs and s.block in head_drug and s.tokens and s.tokens[0].lower in _ANAPHORA[s.language]:
            drugs = [head_drug[s.block]]
            passage_start = s.block_start
        if not drugs or not after:
            continue
        if "respectively" in lowered or "respectivement" in lowered:
            if len(drugs) == len(after) >= 2:
                out.extend(Indication(d, x, s, passage_start) for d, x in zip(drugs, after, strict=True))
            continue
        if len({normal(d.text) for d in drugs}) > 1:
            # several drugs: only the one just before the cue, when it directly precedes it
            before = [d for d in drugs if d.end - s.start <= cue[0]]
            if not before:
                continue
            drugs = [before[-1]]
            if [d for d in spans.get(s.index, []) if d.type == "drug" and d.end - s.start <= cue[0]][:-1]:
                others = [d for d in before[:-1] if normal(d.text) != normal(drugs[0].text)]
                if others:
                    continue
        out.append(Indication(drugs[0], after[0], s, passage_start))
    return out


def _best_diseases(diseases: list[Span]) -> list[Span]:
    """Non-overlapping disease spans in text order, the longer one kept when two overlap."""
    chosen: list[Span] = []
    for d in sorted(diseases, key=lambda d: (d.start, -(d.end - d.start))):
        if chosen and d.start < chosen[-1].end:
            continue
        chosen.append(d)
    return chosen


def indication_questions(pairs: list[Indication], inventory: Inventory, text: str) -> list[Draft]:
    out = []
    treats: dict[str, set[str]] = {}
    for p in pairs:
        treats.setdefault(normal(p.drug.text), set()).add(normal(p.disease.text))
    asked: set[str] = set()
    for p in pairs:
        s = p.sentence
        language = s.language
        disease = p.disease.text
        drug = p.drug.text
        fact = f"{normal(drug)} -> {normal(disease)}"
        # drugs indicated for the same disease elsewhere in the text are not wrong answers
        same = {k for k, v in treats.items() if any(_close(normal(disease), x) for x in v)}
        distractors = inventory.distractors(drug, "drug", s, p.drug.first, exclude=same, agree=False)
        if language == "en":
            prompt = f"Which drug is indicated for {disease}?"
        else:
            prompt = f"Quel médicament est indiqué dans le traitement {_de(s, p.disease)}{disease} ?"
        passage = (p.passage_start, s.end)
        explanation = clean(text[passage[0] : passage[1]])
        cues = "'indicated', 'treatment of', …" if language == "en" else "'indiqué', 'traitement'"
        reason = reasons.INDICATION.format(cues=cues)
        if len(distractors) >= 3:
            choices = shuffle([(drug, True)] + [(d, False) for d in distractors], prompt)
            out.append(
                Draft(
                    "single",
                    prompt,
                    drug,
                    *passage,
                    language,
                    0.92,
                    reason,
                    "drug",
                    drug,
                    choices=choices,
                    explanation=explanation,
                    highlight=drug,
                    fact=fact,
                )
            )
        else:
            out.append(
                Draft(
                    "short",
                    prompt,
                    drug,
                    *passage,
                    language,
                    0.8,
                    reason,
                    "drug",
                    drug,
                    explanation=explanation,
                    highlight=drug,
                    fact=fact,
                )
            )
        # and the other way round: what is the drug indicated for?
        wrong = inventory.distractors(
            disease, "disease", s, p.disease.first, exclude=treats.get(normal(drug), set()), agree=language == "fr"
        )
        if len(wrong) >= 3 and normal(drug) not in asked:
            asked.add(normal(drug))
            if language == "en":
                question = f"According to the text, {drug} is indicated for which disease?"
            else:
                question = f"D'après le texte, dans quelle maladie {drug} est-il indiqué ?"
            out.append(
                Draft(
                    "single",
                    question,
                    disease,
                    *passage,
                    language,
                    0.74,
                    reasons.INDICATED_DISEASE,
                    "disease",
                    disease,
                    choices=shuffle([(disease, True)] + [(w, False) for w in wrong], question),
                    explanation=explanation,
                    highlight=disease,
                    fact=fact,
                )
            )
    return out


def _close(a: str, b: str) -> bool:
    return a == b or fuzz.token_set_ratio(a, b) >= 90


def _de(sentence: Sentence, span: Span) -> str:
    """The French article before a disease, as it reads after "le traitement": des, du, de la, de l', d'."""
    toks = sentence.tokens
    prev = toks[span.first - 1].lower if span.first > 0 else ""
    prev2 = toks[span.first - 2].lower if span.first > 1 else ""
    if prev in ("des", "les"):
        return "des "
    if prev in ("du", "le"):
        return "du "
    if prev == "la":
        return "de la "
    if prev == "l'":
        return "de l'"
    if prev in ("une", "un") and prev2 in ("de", "d'"):
        return f"d'{prev} "
    if starts_with_vowel(span.text):
        return "d'"
    return "des " if plural(span.text, "fr") else "de "


# ------------------------------------------------------------------------------------------------ list items

_ITEM_END = re.compile(r"\s*(?:[,;:(—–]|\s-\s|\b(?:pour|afin|capables?|qui|to|for|which|that|so)\b)", re.IGNORECASE)


def _item_phrase(item: Sentence) -> tuple[str, int, str] | None:
    """A list item's clean text, and where its leading noun phrase starts, and that phrase (after the determiner,
    up to the first comma, bracket or "pour/to/for/which…")."""
    language = item.language
    body = clean(item.text)
    words = body.split()
    if len(words) < 2:
        return None
    first = words[0].casefold().replace("’", "'")
    skip = 0
    if first in ARTICLES[language]:
        skip = len(words[0])
    elif first.startswith(("l'", "d'")) and len(first) > 2:
        skip = 2
    rest = body[skip:].lstrip()
    cut = _ITEM_END.search(rest)
    phrase = _strip_final(rest[: cut.start()] if cut else rest)
    lowers = [w.casefold() for w in re.findall(r"[\w’'-]+", phrase)]
    if not 2 <= len(lowers) <= 7 or any(is_verb(w, language) for w in lowers):
        return None
    if lowers[0] in STOPWORDS[language] or lowers[-1] in STOPWORDS[language]:
        return None
    if max(rarity(w, language) for w in lowers) < 0.35:
        return None
    return body, body.find(phrase), phrase


def list_item_question(lead: Sentence, item: Sentence) -> Draft | None:
    """A list item whose leading noun phrase is blanked, after the sentence that introduces the list
    ("Côté terrain, des solutions organisationnelles se construisent : [[plateformes de référencement national]]
    pour centraliser l'éligibilité génétique.")."""
    language = item.language
    found = _item_phrase(item) if clean(lead.text).endswith(":") else None
    if found is None:
        return None
    body, start, phrase = found
    tail = _strip_final(body[start + len(phrase) :])
    prompt = clean(lead.text) + " " + body[:start] + f"[[{phrase}]]" + tail + "."
    stem = Sentence(item.index, lead.start, item.end, prompt, language, item.block, item.block_start)
    stem.tokens = lead.tokens + item.tokens
    flags = [f for f in sentence_flags(stem) if f not in ("no-final-period", "lowercase-start")]
    if leaks(prompt, phrase):
        return None
    return Draft(
        "cloze",
        prompt,
        phrase,
        item.start,
        item.end,
        language,
        0.5,
        reasons.LIST_ITEM,
        "term",
        phrase,
        explanation=clean(lead.text) + " " + body,
        highlight=phrase,
        flags=flags,
    )


# A list of short items is asked as one cloze with a blank per item ("Il existe quatre classes de médicaments de
# thérapie innovante : les [[…]] ; les [[…]] ; …"): asked one by one, the items' prompts would repeat the list.
MAX_LIST_BLANKS = 4
SHORT_ITEM_WORDS = 10


def list_question(lead: Sentence, items: list[Sentence], text: str) -> Draft | None:
    """The whole list as one cloze, when it has 2 to MAX_LIST_BLANKS short items whose leading phrases can be
    blanked; None otherwise (the items are then asked one by one)."""
    if not 2 <= len(items) <= MAX_LIST_BLANKS or not clean(lead.text).endswith(":"):
        return None
    if any(len(clean(item.text).split()) > SHORT_ITEM_WORDS for item in items):
        return None
    parts, answers = [], []
    for item in items:
        found = _item_phrase(item)
        if found is None:
            return None
        body, start, phrase = found
        parts.append(body[:start] + f"[[{phrase}]]" + body[start + len(phrase) :])
        answers.append(phrase)
    if len({normal(a) for a in answers}) < len(answers):
        return None
    prompt = clean(lead.text) + " " + " ".join(parts)
    if any(leaks(prompt, a) for a in answers):
        return None
    language = items[0].language
    passage = text[lead.start : items[-1].end]
    first = passage.find(answers[0], len(lead.text))
    last = passage.rfind(answers[-1])
    highlight = passage[first : last + len(answers[-1])] if 0 <= first <= last else answers[0]
    return Draft(
        "cloze",
        prompt,
        answers[0],
        lead.start,
        items[-1].end,
        language,
        0.5,
        reasons.LIST.format(n=len(items)),
        "term",
        answers[0],
        explanation=clean(lead.text) + " " + " ".join(clean(item.text) for item in items),
        highlight=highlight,
    )


# ------------------------------------------------------------------------------------------------ tables

# A table pasted as text comes as one line per row, cells separated by single spaces ("normal norm mean, sd"),
# under a header line ("Distribution R name additional arguments"): the segmenter takes every line for a heading.
# A row is asked when its second cell is a code name abbreviating its first ("normal" -> "norm"), the header's
# second column naming what it is ("R name"): "What is the R name of the normal distribution?".
_NAME_COLUMN = re.compile(
    r"^(\S+)\s+(.{0,30}?\b(?:name|nom|symbol|symbole|code|abbreviation|abréviation|command|commande|function"
    r"|fonction|key|touche))\b",
    re.IGNORECASE,
)
_CODE_CELL = re.compile(r"[a-z][a-z0-9_.]{0,15}$")
MIN_TABLE_ROWS = 3
MAX_TABLE_ITEMS = 3


def _abbreviates(short: str, long: str) -> bool:
    """Is `short` an abbreviation of `long`: its first letter a word's first letter, its letters in order?"""
    words = re.findall(r"[^\W\d_]+", long.casefold())
    short = short.casefold()
    if not short or not words or short[0] not in {w[0] for w in words}:
        return False
    letters = iter("".join(words))
    return all(c in letters for c in short)


def _table_row(line: str) -> tuple[str, str] | None:
    """A row's first cell and the code name after it, or None when the row does not read so."""
    words = line.split()
    for k in range(1, min(4, len(words))):
        cell, code = " ".join(words[:k]), words[k]
        if _CODE_CELL.match(code) and _abbreviates(code, cell):
            return cell, code
    return None


def table_questions(text: str, segments: list, used: set[str] = frozenset()) -> list[Draft]:
    """Short questions on the rows of a table whose second column is a code name, for the rows whose first cell
    the text also names outside the table (the ones it dwells on), at most MAX_TABLE_ITEMS of them."""
    out: list[Draft] = []
    n = 0
    while n < len(segments):
        header = segments[n]
        found = _NAME_COLUMN.match(text[header.start : header.end]) if header.kind == "heading" else None
        rows = []
        m = n + 1
        while found and m < len(segments) and segments[m].kind == "heading":
            row = _table_row(text[segments[m].start : segments[m].end])
            if row is None:
                break
            rows.append((segments[m], *row))
            m += 1
        if len(rows) < MIN_TABLE_ROWS:
            n += 1
            continue
        column, named = found.group(1), found.group(2)
        outside = (text[: header.start] + " " + text[rows[-1][0].end :]).casefold()
        scored = []
        for seg, cell, code in rows:
            language = seg.language
            if language == "en":
                prompt = f"What is the {named} of the {cell} {column.casefold()}?"
            else:
                prompt = f"Quel est le {named.casefold()} de « {cell} » ({column.casefold()}) ?"
            if leaks(prompt, code) or normal(code) in used:
                continue  # "beta" -> "beta": the answer is readable in its question
            mentions = len(re.findall(rf"\b{re.escape(cell.casefold())}\b", outside))
            if mentions:
                scored.append((mentions, seg, cell, code, prompt))
        scored.sort(key=lambda row: -row[0])
        for _, seg, _cell, code, prompt in scored[:MAX_TABLE_ITEMS]:
            line = text[seg.start : seg.end]
            out.append(
                Draft(
                    "short",
                    prompt,
                    code,
                    seg.start,
                    seg.end,
                    seg.language,
                    0.7,
                    reasons.TABLE_ROW,
                    "term",
                    code,
                    explanation=f"{text[header.start : header.end]}: {line}",
                    highlight=code,
                )
            )
        n = m
    return out


# A release line of a list: its version number, then its name, then when ("1.1 Buzz released June 1996 (474
# packages…)"). Without its bullet such a line is short and unpunctuated, so the segmenter reads it as a heading;
# the name is what the version number and the date tell apart from the other members.
_RELEASE_ITEM = re.compile(r"(\d+(?:\.\d+)+)\s+([A-Z][\w’'-]+)\s+(?=.*\b(?:1[89]|20)\d\d\b)")
MAX_RELEASE_ITEMS = 4
_THIS_TIME = re.compile(
    r"\s+(?:during|at|in)\s+(?:this|that)\s+(?:time|period)\b|\s+à cette (?:époque|période)\b", re.I
)


def release_list_questions(text: str, segments: list) -> list[Draft]:
    """A cloze on each release's name in a list of releases introduced by a sentence ending with a colon ("The
    following Debian versions were released during this time: 1.1 [[Buzz]] released June 1996 (474 packages…)")."""
    out: list[Draft] = []
    for n, seg in enumerate(segments):
        lead = clean(text[seg.start : seg.end])
        if seg.kind != "paragraph" or not lead.endswith(":"):
            continue
        lead = lead.rsplit(". ", 1)[-1]  # the sentence that introduces the list, not its whole paragraph
        # "during this time" points at the paragraphs above; each item says its own date
        lead = _THIS_TIME.sub("", lead)
        items = []
        for item in segments[n + 1 : n + 1 + MAX_RELEASE_ITEMS + 1]:
            line = clean(text[item.start : item.end])
            m = _RELEASE_ITEM.match(line)
            if item.kind != "heading" or m is None:
                break
            items.append((item, line, m))
        if not 2 <= len(items) <= MAX_RELEASE_ITEMS:
            continue
        for item, line, m in items:
            name = m.group(2)
            prompt = (
                lead[:-1].rstrip() + ": " + line[: m.start(2)] + f"[[{name}]]" + _strip_final(line[m.end(2) :]) + "."
            )
            if leaks(prompt, name):
                continue
            out.append(
                Draft(
                    "cloze",
                    prompt,
                    name,
                    item.start,
                    item.end,
                    item.language,
                    0.5,
                    reasons.LIST_ITEM,
                    "term",
                    name,
                    explanation=f"{lead} {line}",
                    highlight=name,
                )
            )
    return out


def heading_list_questions(text: str, segments: list, drafts: list[Draft] = ()) -> list[Draft]:
    """Items from the lines the segmenter takes for headings although they are a table's rows or a list's items;
    none on a term one of the `drafts` asks already (its term or any blank), nor on a key beside a key asked
    already: the final gate may yet blank it there ("avancer d'un écran avec [[C-v]]. …, tapez [[M-v]]")."""

    # an exercise line (">> Essayez de faire [[C-b]]…") is dropped by the gate: it asks nothing the card would repeat
    drafts = [d for d in drafts if not furniture(text[d.passage_start : d.passage_end])]
    used = {normal(d.term) for d in drafts} | {
        normal(b) for d in drafts for b in re.findall(r"\[\[(.*?)\]\]", d.prompt)
    }
    used |= {
        normal(k)
        for d in drafts
        if re.fullmatch(_KEY, d.term)
        for k in re.findall(_KEY, text[d.passage_start : d.passage_end])
    }
    drafts = table_questions(text, segments, used) + release_list_questions(text, segments)
    return drafts + key_binding_cards(text, segments, used)


# A summary of key bindings: each key, then what it does with a capital, often two to a line ("C-f Avance d'un
# caractère C-b Recule d'un caractère"; `prepare` has turned the tabs into spaces). Each binding is a card: front
# the key, back its action.
_KEY = r"(?:(?:[CM]-)+(?:<[A-Za-z]+>|[^\s<]+|<)|<[A-Z]{2,}>)"
_BINDING = re.compile(rf"(?:^|(?<=\s))({_KEY})\s+(?=[A-ZÀ-Ý][a-zà-ÿ])")
MAX_KEY_CARDS = 6


def key_binding_cards(text: str, segments: list, used: set[str] = frozenset()) -> list[Draft]:
    """A flashcard per key of a key-binding summary, for the keys the text uses most (at most MAX_KEY_CARDS)."""
    found = []
    for seg in segments:
        line = text[seg.start : seg.end]
        keys = list(_BINDING.finditer(line))
        if not keys or keys[0].start() != 0:
            continue  # a summary line starts with its key
        for m, after in zip(keys, [*keys[1:], None], strict=True):
            key = m.group(1)
            action = line[m.end() : after.start() if after else len(line)]
            action = _strip_final(re.split(r"\s\(|, qui\b|, which\b", action)[0])
            if not 1 <= len(action.split()) <= 12:
                continue
            end = m.end() + len(action)
            found.append((seg, seg.start + m.start(1), seg.start + end, key, action))
    if len(found) < MIN_TABLE_ROWS:
        return []
    uses = {key: len(re.findall(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)) for _, _, _, key, _ in found}
    found = sorted((f for f in found if normal(f[3]) not in used), key=lambda f: -uses[f[3]])
    out = []
    for seg, start, end, key, action in found[:MAX_KEY_CARDS]:
        front = f"What does {key} do?" if seg.language == "en" else f"Que fait {key} ?"
        out.append(
            Draft(
                "flashcard",
                front,
                key,
                start,
                end,
                seg.language,
                0.6,
                reasons.KEY_BINDING,
                "term",
                key,
                back=action,
                explanation=f"{key} : {action}." if seg.language == "fr" else f"{key}: {action}.",
                highlight=text[start:end],
            )
        )
    return out
