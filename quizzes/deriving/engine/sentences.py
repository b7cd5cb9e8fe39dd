"""Sentences and tokens with offsets into the source text (so that every passage is a verbatim slice of it)."""

import re
from dataclasses import dataclass, field

from .documents import Segment

_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "dr",
    "mr",
    "mrs",
    "ms",
    "pr",
    "prof",
    "st",
    "vs",
    "fig",
    "figs",
    "al",
    "no",
    "cf",
    "p",
    "pp",
    "m",
    "mme",
    "mlle",
    "inc",
    "ltd",
    "jr",
    "approx",
    "ca",
    "vol",
    "n°",
    "réf",
    "ref",
    "env",
    "min",
    "max",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"»”’)\]]*(?=\s+[\"«“(\[]?\s?[A-ZÀ-ÖØ-Þ0-9•])")

# Tokens: French elisions and English possessives apart, numbers with thousands separators and percent signs,
# words with inner hyphens, slashes, digits and a trailing plus (CD34+, HIV-1, 1394/2007/CE, AFM-Téléthon).
_TOKEN = re.compile(
    r"""
    (?P<elision>(?i:jusqu|lorsqu|puisqu|quoiqu|qu|[ldjmnstc])['’](?=[^\W\d_]))
  | (?P<possessive>['’]s\b)
  | (?P<number>\d+(?:/\d+)+(?:/[A-Z]+)?
        |\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d/])(?:,\d+)?(?:\s?%)?
        |\d+(?:[.,]\d+)*(?:\s?%)?(?![\w-]))
  | (?P<word>[^\W_][\w]*(?:(?:[-/]|['’](?!s\b))[^\W_][\w]*)*\+?)
  | (?P<punct>[^\w\s])
    """,
    re.VERBOSE,
)


@dataclass
class Token:
    text: str
    start: int
    end: int
    kind: str  # elision | possessive | number | word | punct

    @property
    def lower(self) -> str:
        return self.text.casefold().replace("’", "'")


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    language: str
    block: int  # index of the paragraph it belongs to
    block_start: int
    tokens: list[Token] = field(default_factory=list)
    first_in_block: bool = False
    heading: str = ""  # the last heading before it
    bullet: bool = False  # a list item


def tokenize(text: str, offset: int = 0) -> list[Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        tokens.append(Token(m.group(), offset + m.start(), offset + m.end(), kind))
    return tokens


_NEW_SUBJECT = re.compile(r"(?:Il|Elle|Ils|Elles|On|Cela|Ceci|It|They|This|These)\b")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph."""
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()]
        word = re.search(r"([\w.°]+)$", before)
        last = word.group(1).casefold() if word else ""
        # a key chord ("tapez C-g. Dans ce didacticiel…") ends on one letter too, but no initial follows a hyphen
        initial = len(last) == 1 and last.isalpha() and not before[:-1].endswith(("C-", "M-", "S-"))
        # "etc." then a subject pronoun ("…, etc. Il finit donc par…") ends the sentence
        after_etc = last == "etc" and re.match(_NEW_SUBJECT, text[m.end() :].lstrip())
        if (last in _ABBREVIATIONS and not after_etc) or initial or re.fullmatch(r"(\w\.)+\w", last):
            continue
        if m.group().startswith(".") and re.search(r"\d$", before) and re.match(r"\s+\d", text[m.end() :]):
            continue  # "3.1. 2" numbering
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]


def with_context(previous: Sentence, sentence: Sentence, text: str) -> Sentence:
    """The sentence with the one before it, when it starts with "This", "It", "Ce"… and needs it."""
    merged = Sentence(
        sentence.index,
        previous.start,
        sentence.end,
        text[previous.start : sentence.end],
        sentence.language,
        sentence.block,
        sentence.block_start,
        heading=sentence.heading,
        bullet=sentence.bullet,
    )
    merged.tokens = previous.tokens + sentence.tokens
    merged.first_in_block = previous.first_in_block
    return merged


def under_heading(heading: Segment, sentence: Sentence, text: str) -> Sentence | None:
    """The sentence opening a paragraph, with the heading above it as its context ("Exon skipping: These splicing
    modulation approaches…"). The blank lines between become ": " so that offsets still point into `text`."""
    between = text[heading.end : sentence.start]
    title = text[heading.start : heading.end]
    words = title.split()
    if between.strip() or len(between) < 2 or len(words) < 2 or len(words) > 12 or re.match(r"[\d.\s]+$", title):
        return None
    sep = (" " if title.rstrip()[-1:] in ".:?!" else ":") + " " * (len(between) - 1)
    merged = Sentence(
        sentence.index,
        heading.start,
        sentence.end,
        title + sep + sentence.text,
        sentence.language,
        sentence.block,
        sentence.block_start,
        heading=sentence.heading,
        bullet=sentence.bullet,
    )
    merged.tokens = tokenize(title, heading.start) + sentence.tokens
    merged.first_in_block = True
    return merged


def clause_of(sentence: Sentence, span, text: str) -> Sentence | None:
    """The clause of a sentence (between colons and semicolons outside brackets) that holds the span, as a sentence
    of its own ending with a full stop, when it holds the span's text once and has words enough to read alone."""
    cuts = [sentence.start]
    depth = 0
    for k, ch in enumerate(sentence.text):
        depth += ch in "([" and 1 or (-1 if ch in ")]" else 0)
        if ch in ":;" and depth == 0:
            cuts.append(sentence.start + k + 1)
    cuts.append(sentence.end)
    for a, b in zip(cuts, cuts[1:], strict=False):
        if not a <= span.start < b:
            continue
        body = text[a:b].rstrip(" :;.")
        lead = len(body) - len(body.lstrip())
        start, end = a + lead, a + len(body)
        clause = text[start:end]
        if len(clause.split()) < 8 or clause.casefold().count(span.text.casefold()) != 1:
            return None
        part = Sentence(
            sentence.index,
            start,
            end,
            clause[:1].upper() + clause[1:] + ".",
            sentence.language,
            sentence.block,
            sentence.block_start,
            heading=sentence.heading,
            bullet=sentence.bullet,
        )
        part.tokens = [t for t in sentence.tokens if start <= t.start < end]
        part.first_in_block = sentence.first_in_block and start == sentence.start
        return part
    return None


def sentences(text: str, segments: list[Segment]) -> list[Sentence]:
    out: list[Sentence] = []
    heading = ""
    for b, seg in enumerate(segments):
        if seg.kind == "heading":
            heading = " ".join(text[seg.start : seg.end].split())
            continue
        block = text[seg.start : seg.end]
        for i, (s, e) in enumerate(split_sentences(block)):
            start, end = seg.start + s, seg.start + e
            sent = Sentence(len(out), start, end, text[start:end], seg.language, b, seg.start, heading=heading)
            sent.tokens = tokenize(sent.text, start)
            sent.first_in_block = i == 0
            sent.bullet = seg.bullet
            out.append(sent)
    return out
