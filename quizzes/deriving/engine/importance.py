"""How central a term or a sentence is to its text, and the finer class of an answer (for distractors).

Rarity and shape tell a term's type, not whether the text is about it: a trial id, the year of a film or a one-off
name are as rare as a drug. Importance is what a reader of the text would call its subject, from signals no tagger
is needed for:

* repetition: how many sentences name the term, its inflections counted together (a light stem: accents, case and
  plural dropped, long words cut to 7 letters, so "récepteurs" and "récepteur", "receptor" and "receptors" agree);
* position: named in the title, a heading, the first paragraph or the first sentence of a paragraph;
* definition: the subject of "X is a …", "X are …", "X est …", "X consiste …", or an acronym in brackets;
* centrality of a sentence: how much it shares the text's frequent content words (as in Luhn's and TextRank's
  sentence scores, without the graph).

Demoted: identifiers and codes (NCT02435849), one-off capitalised names not repeated (a film, a trial), words so
common (Zipf ≥ 3.5) that alone they test vocabulary ("cancers"), dates and statements in sentences off the text's
subject.
"""

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .documents import segment
from .lexicon import STOPWORDS, VERBS
from .sentences import Sentence
from .sentences import sentences as split_into_sentences
from .terms import YEAR, strip_accents, zipf

_WORD = re.compile(r"[^\W_][\w'’+-]*")
# Trial and registry identifiers, lot numbers: letters then five digits or more, or EudraCT's 2015-001234-56.
IDENTIFIER = re.compile(r"(?:[A-Z]{2,}[-_]?\d{5,}|\d{4}-\d{6}-\d{2}|[A-Z]{2,}\d{2,}-\d{3,})")
COMMON_ZIPF = 3.5
# How much each demotion lowers a term's importance.
DEMOTION = {"identifier": 0.3, "one-off name": 0.5, "common word": 0.6, "obsolete name": 0.4}
# Cues of a name no longer used, just before it: "formerly known as X", "anciennement appelée X".
_OBSOLETE = re.compile(
    r"(?:formerly|previously|once|originally|anciennement|autrefois|jadis|initialement|ex-?)\s*"
    r"(?:(?:known|called|named|termed|appelée?s?|nommée?s?|dite?s?|connue?s? sous le nom de|as)\s*){0,2}"
    r"(?:« ?|\"|“)?$",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem: inflections and the EN/FR spellings of a technical word agree ("chimeric", "chimérique")."""
    w = strip_accents(word.casefold().replace("’", "'"))
    if len(w) > 3 and w[-1] in "sx" and w[-2:] not in ("ss", "us", "is"):
        w = w[:-1]
    return w[:7] if len(w) > 7 else w


def _stopword(lower: str) -> bool:
    return lower in STOPWORDS["en"] or lower in STOPWORDS["fr"]


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words, in order (function words, verbs and numbers left out)."""
    out = []
    for w in _WORD.findall(text):
        lower = w.casefold().replace("’", "'")
        if lower[:2] in ("l'", "d'") and len(lower) > 2:
            lower = lower[2:]
        if len(lower) < 2 or _stopword(lower) or lower in VERBS["en"] or lower in VERBS["fr"] or lower.isdigit():
            continue
        out.append(stem(lower))
    return out


@dataclass
class TermImportance:
    score: float  # 0..1
    mentions: int  # sentences naming the term (its inflections too)
    title: bool = False
    heading: bool = False
    defined: bool = False
    lead: bool = False  # named in the first paragraph or the first sentence of a paragraph
    demoted: list[str] = field(default_factory=list)  # identifier, one-off name, common word
    plain: float = 0.0  # the score before the demotions

    def without(self, kept: list[str]) -> float:
        """The score with only some of its demotions."""
        score = self.plain
        for why in kept:
            score *= DEMOTION[why]
        return round(min(1.0, score), 3)

    def as_dict(self) -> dict:
        return asdict(self)


# A definition's subject: "X is a/an/the …", "X are …", "X consists of …", "X est un …", "X sont des …",
# "X correspond à …", "X désigne …" (X at most six words after an article).
_DEFINED = re.compile(
    r"^(?:the |an? |les? |la |l['’]|une? |des )?(?P<term>[^,;:()]{2,60}?)(?: \([^)]*\))? "
    r"(?:is an?|is the|are|is defined as|refers to|consists? of|means|est une?|sont des|sont les|correspond à|"
    r"correspondent à|consiste en|consistent en|désigne|désignent)\b",
    re.IGNORECASE,
)
_CALLED = re.compile(
    r"(?:\b(?:called|known as|termed|named|appelée?s?|dite?s?|nommée?s?)\s+"
    r"|\bsous le (?:nom|vocable|terme) d(?:e |['’]))(?:« ?)?(?P<term>[\w’'+-]+(?: [\w’'+-]+)?)",
    re.IGNORECASE,
)
# A cue that the next words are a name the sentence gives: "called X", "known as X", "sous le vocable d'X",
# "sous le nom de X", "appelé X" (what a definition's term follows).
NAMING_CUE = re.compile(
    r"(?:\b(?:called|known as|termed|named|appelée?s?|nommée?s?)|\bsous le (?:nom|vocable|terme) d(?:e |['’]))"
    r"\s*(?:the |a |an |le |la |les |l['’])?(?:« ?|\"|“)?$",
    re.IGNORECASE,
)
_BRACKETED_ACRONYM = re.compile(r"\((?:or |ou )?([A-Z][A-Za-z0-9-]{1,9})\)")


class Profile:
    """What one text is about: its terms' mentions, title, headings and definitions, and its sentences'
    centrality."""

    def __init__(self, text: str, segments: list, sentences: list[Sentence]):
        self.text = text
        self.sentences = sentences
        headings = [text[s.start : s.end] for s in segments if s.kind == "heading"]
        first_is_title = bool(segments) and segments[0].kind == "heading"
        self.title = content_stems(headings[0]) if first_is_title else []
        self.headings = [content_stems(h) for h in (headings[1:] if first_is_title else headings)]
        self.stems = [content_stems(s.text) for s in sentences]
        self.index: dict[str, set[int]] = {}
        for i, stems in enumerate(self.stems):
            for st in stems:
                self.index.setdefault(st, set()).add(i)
        # the first paragraph, and the first sentence of a paragraph of several sentences
        first_block = next((s.block for s in sentences), None)
        sizes: dict[int, int] = {}
        for s in sentences:
            sizes[s.block] = sizes.get(s.block, 0) + 1
        self.lead = {s.index for s in sentences if s.block == first_block or (s.first_in_block and sizes[s.block] > 1)}
        self.defined: list[tuple[str, ...]] = []
        for s in sentences:
            body = re.sub(r"\s+", " ", s.text).strip()
            m = _DEFINED.match(body)
            if m and len(m.group("term").split()) <= 6:
                self.defined.append(tuple(content_stems(m.group("term"))))
            for m in _CALLED.finditer(body):
                self.defined.append(tuple(content_stems(m.group("term"))))
            for m in _BRACKETED_ACRONYM.finditer(body):
                self.defined.append((stem(m.group(1)),))
        self.defined = [d for d in self.defined if d]
        self._centrality = self._sentence_centrality()
        self._terms: dict[str, TermImportance] = {}

    # --- sentences

    def _sentence_centrality(self) -> list[float]:
        """Each sentence's share of the text's frequent content words (the title's counting double), scaled so
        that the most central sentences score 1."""
        title = set(self.title)
        heads = {st for h in self.headings for st in h}
        weight = {}
        for st, found in self.index.items():
            n = len(found) + (2 if st in title else 0) + (1 if st in heads else 0)
            weight[st] = min(n - 1, 6) / 6
        raw = []
        for stems in self.stems:
            unique = set(stems)
            raw.append(sum(weight.get(st, 0.0) for st in unique) / math.sqrt(len(unique)) if unique else 0.0)
        ranked = sorted(raw)
        top = ranked[int(0.9 * (len(ranked) - 1))] if ranked else 0.0
        return [min(1.0, r / top) if top > 0 else 0.0 for r in raw]

    def centrality(self, index: int) -> float:
        return self._centrality[index] if 0 <= index < len(self._centrality) else 0.0

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence holding a text offset (the last one starting before it)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.sentences[mid].start <= offset:
                lo = mid + 1
            else:
                hi = mid
        return max(0, lo - 1)

    # --- terms

    def _occurs(self, needle: tuple[str, ...], stems: list[str]) -> bool:
        n = len(needle)
        return any(tuple(stems[i : i + n]) == needle for i in range(len(stems) - n + 1))

    def mentioning(self, term: str) -> list[int]:
        """The sentences naming the term (any inflection), in order."""
        needle = tuple(content_stems(term))
        if not needle:
            return []
        found = set.intersection(*(self.index.get(st, set()) for st in needle))
        return sorted(i for i in found if self._occurs(needle, self.stems[i]))

    def term(self, term: str, language: str = "") -> TermImportance:
        key = term.strip()
        if key not in self._terms:
            self._terms[key] = self._term(key, language)
        return self._terms[key]

    def _term(self, term: str, language: str) -> TermImportance:
        needle = tuple(content_stems(term))
        if not needle:
            return TermImportance(0.0, 0)
        where = self.mentioning(term)
        mentions = len(where)
        title = self._occurs(needle, self.title)
        heading = any(self._occurs(needle, h) for h in self.headings)
        defined = any(d == needle or d[-len(needle) :] == needle or d[: len(needle)] == needle for d in self.defined)
        lead = any(i in self.lead for i in where)
        central = sum(self.centrality(i) for i in where) / mentions if mentions else 0.0
        repeated = min(max(mentions - 1, 0), 4) / 4
        score = 0.15 + 0.4 * repeated + 0.25 * title + 0.12 * (heading and not title) + 0.2 * defined
        score += 0.05 * lead + 0.15 * central
        demoted = []
        words = term.split()
        if IDENTIFIER.fullmatch(term.strip()):
            demoted.append("identifier")
        elif (
            mentions <= 1
            and not (title or heading or defined)
            and any(w[:1].isupper() for w in words)
            and not term.isupper()
            and self._capitalised_mid_sentence(term, where)
        ):
            demoted.append("one-off name")
        if self._obsolete(term, where):
            demoted.append("obsolete name")
        if len(words) == 1 and not defined and not term.isupper():
            languages = [language] if language in ("en", "fr") else ["en", "fr"]
            if max(zipf(term, lang) for lang in languages) >= COMMON_ZIPF:
                demoted.append("common word")
        found = TermImportance(0.0, mentions, title, heading, defined, lead, demoted, plain=score)
        found.score = found.without(demoted)
        return found

    def _obsolete(self, term: str, where: list[int]) -> bool:
        """Does the text give the term only as a former name ("formerly known as X", "anciennement X")?"""
        found = False
        for i in where:
            body = self.sentences[i].text
            at = body.casefold().find(term.casefold())
            if at < 0:
                continue
            if not _OBSOLETE.search(body[max(0, at - 40) : at].rstrip("( ")):
                return False
            found = True
        return found

    def _capitalised_mid_sentence(self, term: str, where: list[int]) -> bool:
        """Is the term written with a capital where a sentence does not begin (a name, not a sentence start)?"""
        for i in where:
            body = self.sentences[i].text
            at = body.find(term)
            if at > 0:
                return True
        return False


def profile(text: str, language: str | None = None) -> Profile:
    """The importance profile of a whole text (derive builds it from the segments it already has)."""
    segments = segment(text, language)
    return Profile(text, segments, split_into_sentences(text, segments))


# --------------------------------------------------------------------------------------- fixed numbers

_FRACTION = re.compile(
    r"(?<![\d.,])(\d{1,6})\s*(?:[^\W\d_]+\s+){0,2}(?:of|out of|among|sur|parmi|/)\s+(?:the |les )?(\d{1,6})(?![\d.,])",
    re.IGNORECASE,
)
_SLASH = re.compile(r"(?<![\d/])(\d{1,6})/(\d{1,6})(?![\d/])")
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s?%")
_YEARS_APART = re.compile(
    r"\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|un|deux|trois|quatre|cinq|"
    r"six|sept|huit|neuf|dix)\s+(?:years?|ans|années)\b",
    re.IGNORECASE,
)


def fixed_by_other_number(sentence: str, value: str) -> bool:
    """Does another number of the sentence determine this value, so that swapping it would contradict the sentence
    itself? A percentage beside its fraction ("61 of 75 patients (81%)", "2 patients sur 3 (67 %)"), percentages
    that add up to 100, a year another year and a duration fix ("in 2015, two years after 2013")."""
    m = _PERCENT.fullmatch(value.strip().replace("\u00a0", " ").replace("\u202f", " "))
    if m:
        percent = float(m.group(1).replace(",", "."))
        for a, b in [*_FRACTION.findall(sentence), *_SLASH.findall(sentence)]:
            k, n = int(a), int(b)
            if 0 < n and k <= n and abs(100 * k / n - percent) <= 1.5:
                return True
        others = [float(p.replace(",", ".")) for p in _PERCENT.findall(sentence)]
        others.remove(percent) if percent in others else None
        return any(abs(percent + o - 100) < 0.01 for o in others)
    if YEAR.fullmatch(value.strip()):
        years = YEAR.findall(sentence)
        return len(years) >= 2 and bool(_YEARS_APART.search(sentence))
    return False


# ----------------------------------------------------------------------------------------- answer classes

# Heads that class the thing a symbol or a name is attached to ("the CD19 antigen", "le récepteur IL6R").
_HEAD_CLASSES = {
    "receptor": "receptor",
    "receptors": "receptor",
    "récepteur": "receptor",
    "récepteurs": "receptor",
    "antigen": "antigen",
    "antigens": "antigen",
    "antigène": "antigen",
    "antigènes": "antigen",
    "marker": "antigen",
    "marqueur": "antigen",
    "gene": "gene",
    "genes": "gene",
    "gène": "gene",
    "gènes": "gene",
    "protein": "protein",
    "protéine": "protein",
    "cytokine": "protein",
    "enzyme": "enzyme",
    "cell": "cell",
    "cells": "cell",
    "cellule": "cell",
    "cellules": "cell",
    "virus": "virus",
    "vector": "virus",
    "vecteur": "virus",
    "trial": "identifier",
    "essai": "identifier",
    "study": "identifier",
    "étude": "identifier",
}
_CANCER = re.compile(
    r"(?:cancers?|tumou?rs?|tumeurs?|\w+(?:omas?|omes?)|leuka?emias?|leucémies?|malignanc(?:y|ies)|"
    r"hémopathies? malignes?|carcinomes?)$"
)
_CATEGORY = {
    "disease",
    "diseases",
    "disorder",
    "disorders",
    "syndrome",
    "syndromes",
    "maladie",
    "maladies",
    "pathologie",
    "pathologies",
    "affection",
    "affections",
    "trouble",
    "troubles",
    "condition",
    "conditions",
    "illness",
    "cancer",
    "cancers",
}


# Classes of diseases: one may stand in for another in a pinch (a question asks "which disease?").
DISEASE_CLASSES = {"cancer", "syndrome", "deficiency"}
# Classes of drugs; a "drug" of another class (an antigen next to "traitement") is no drug distractor.
DRUG_CLASSES = {"antibody", "cell therapy", "gene therapy", "antisense", "kinase inhibitor"}


def answer_class(text: str, head: str = "") -> str:
    """A finer class than the answer's type, from its shape, its suffix or the noun the text attaches it to:
    identifier, antibody, cell therapy, gene therapy, antisense, kinase inhibitor, enzyme, receptor, antigen, gene,
    protein, cell, virus, cancer, syndrome, deficiency, category (a bare "syndrome" or "maladies": no distractor),
    or "" when nothing tells."""
    t = text.strip()
    lower = t.casefold()
    words = lower.split()
    if not words:
        return ""
    if IDENTIFIER.fullmatch(t):
        return "identifier"
    if all(w in _CATEGORY for w in words):
        return "category"
    last, first = words[-1], words[0]
    for w in (last, first):
        if w.endswith("mab"):
            return "antibody"
        if w.endswith(("leucel", "cel")) and len(w) > 6:
            return "cell therapy"
        if w.endswith(("vec", "parvovec", "gene", "gène")) and len(w) > 6 and w not in ("gene", "gène"):
            return "gene therapy"
        if w.endswith(("rsen", "ersen")):
            return "antisense"
        if w.endswith("nib") and len(w) > 5:
            return "kinase inhibitor"
    if "syndrome" in words or "syndromes" in words:
        return "syndrome"
    if head.casefold() in _HEAD_CLASSES:
        return _HEAD_CLASSES[head.casefold()]
    for w in words:
        if w in _HEAD_CLASSES and _HEAD_CLASSES[w] != "identifier":
            return _HEAD_CLASSES[w]
    if _CANCER.search(lower) or any(_CANCER.fullmatch(w) for w in words):
        return "cancer"
    if {"deficiency", "déficit", "déficience", "deficit", "immunodeficiency", "immunodéficience"} & set(words):
        return "deficiency"
    if (last.endswith("ase") or first.endswith("ase")) and len(last) > 5 and last not in ("phase", "base", "case"):
        return "enzyme"
    if last.endswith(("cyte", "cytes", "blaste", "blastes", "blast", "blasts")):
        return "cell"
    return ""


# ------------------------------------------------------------------------------------------------ co-listed

_LIST_TOKEN = re.compile(r"[^\W_][\w'-]*|[,;]")
_SEPARATORS = {",", ";", "and", "or", "et", "ou", "nor", "ni"}
_DETERMINERS = {
    "the",
    "a",
    "an",
    "le",
    "la",
    "les",
    "l",
    "l'",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d",
    "d'",
    "certain",
    "certains",
    "certaines",
    "some",
}
_NORMAL_STOPWORDS = {
    w[:-1] if len(w) > 3 and w[-1] in "sx" and w[-2:] not in ("ss", "us", "is") else w
    for w in (strip_accents(w) for w in STOPWORDS["en"] | STOPWORDS["fr"])
}
MAX_ITEM_WORDS = 5


def list_tokens(text: str) -> list[str]:
    """A sentence's words (case, accents and plural dropped, as terms.normal does) and its commas and semicolons."""
    out = []
    for w in _LIST_TOKEN.findall(strip_accents(text.casefold().replace("’", "'"))):
        if w[:2] in ("l'", "d'") and len(w) > 2:
            out += [w[:2], w[2:]]
            continue
        out.append(w[:-1] if len(w) > 3 and w[-1] in "sx" and w[-2:] not in ("ss", "us", "is") else w)
    return [w.replace("-", " ") if w not in _SEPARATORS else w for w in out]


def list_index(sentences: list[list[str]]) -> dict[str, list[tuple[int, int]]]:
    """Where each word of the sentences (as list_tokens gives them) stands: word -> [(sentence, position)]."""
    index: dict[str, list[tuple[int, int]]] = {}
    for n, toks in enumerate(sentences):
        for i, w in enumerate(toks):
            index.setdefault(w, []).append((n, i))
    return index


def listed_with(answer: str, sentences: list[list[str]], index: dict | None = None) -> set[str]:
    """The items the text names in one list with the answer ("les leucémies, les lymphomes et les myélomes"): each
    is true wherever the answer is, so none is a wrong choice. Items in normal form, at most five words each."""
    needle = [w for w in list_tokens(answer) if w not in _SEPARATORS]
    n = len(needle)
    members: set[str] = set()
    if not n:
        return members
    index = index if index is not None else list_index(sentences)
    for s, i in index.get(needle[0], []):
        toks = sentences[s]
        if toks[i : i + n] == needle:
            members |= _walk(toks, i + n, 1) | _walk(toks, i - 1, -1)
    return members


def _walk(toks: list[str], k: int, step: int) -> set[str]:
    """The list items after (step 1) or before (step -1) position k, while separators link them."""
    found: set[str] = set()
    while 0 <= k < len(toks):
        crossed = False
        while 0 <= k < len(toks) and (toks[k] in _SEPARATORS or toks[k] in _DETERMINERS):
            crossed = crossed or toks[k] in _SEPARATORS
            k += step
        if not crossed:
            return found
        item: list[str] = []
        while 0 <= k < len(toks) and len(item) < MAX_ITEM_WORDS:
            w = toks[k]
            if w in _SEPARATORS or w in _NORMAL_STOPWORDS or w in _DETERMINERS:
                break
            item.append(w)
            k += step
        if not item:
            return found
        found.add(" ".join(item if step > 0 else reversed(item)))
    return found


def co_listed(key: str, members: set[str]) -> bool:
    """Is a term (normal form) one of the items, or the head of one ("lymphome" of "lymphome diffus")?"""
    padded = f" {key} "
    return any(padded in f" {m} " or f" {m} " in padded for m in members)


def list_size(phrase: str, sentences: list[list[str]]) -> int:
    """How many other members the list holding `phrase` has, `phrase` taken with the words that follow it up to the
    next separator: "[[SUN]] Sparc, PowerPC, ARM…" is a member of the list as "SUN Sparc" is."""
    needle = [w for w in list_tokens(phrase) if w not in _SEPARATORS]
    best = len(listed_with(phrase, sentences))
    n = len(needle)
    for toks in sentences:
        for i in range(len(toks) - n + 1):
            if toks[i : i + n] != needle:
                continue
            k = i + n
            while k < len(toks) and toks[k] not in _SEPARATORS and k - i < 5:
                k += 1
            if k > i + n:
                best = max(best, len(listed_with(" ".join(toks[i:k]), sentences)))
    return best
