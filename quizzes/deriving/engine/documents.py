"""From a raw text (plain, Markdown or HTML) to clean blocks: headings and paragraphs, each with its language.

Boilerplate is recognised line by line (navigation, reading time, credits, figure captions, share counts) and by
section (everything after a bibliography heading; a credits section up to its notes). Headings are short lines with
no final punctuation: they are kept as structure and never used for questions.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .lexicon import LANGUAGE_MARKERS


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph"
    text: str
    language: str  # "en" | "fr"
    start: int  # offsets into the text the block was read from
    end: int


@dataclass
class Document:
    text: str  # the clean text, to be stored as the source text
    blocks: list[Block] = field(default_factory=list)
    language: str = "en"  # the language of most of the text


_BULLET = re.compile(r"[ \t]*(?:[•●▪◦‣∙·*-]|(\d{1,2}[.)]))[ \t]+")
_TERMINAL = re.compile(r"""[.!?…:;]["»”’)\]*]*$""")

# Lines dropped wherever they are (matched against the stripped line, case-insensitively).
_BOILERPLATE = [
    r"(top|bottom) of (the )?page",
    r"(bouton )?retour en haut( de la page)?",
    r"reading time|temps de lecture|last update|dernière mise à jour|difficulty|difficulté|sous[- ]titre",
    r"texte centré|overlay image\w*|share|partager|imprimer|print|cite this|citer",
    r"\d+\s*(sur|/|out of)\s*\d+",
    r"\d+(\s*[-–]\s*\d+)?\s*min(utes)?",
    r"\d+\s*s",
    r"\d+\s*views?\s*\d*\s*comments?",
    r"\d+ scopus citations?",
    r"(research output|translated title of the contribution|original language|pages \(from-to\)|"
    r"number of pages|journal|issue number|state|asjc scopus).*",
    r"dive into the research topics.*",
    r"(publié le|published on|posted on|mis en ligne).*",
    r"(auteur|autrice|author)\(s\).*|(licence|license)\b.*|reproduit avec autorisation|reproduced with permission",
    r"(schéma|illustration|figure|photo|image)s? (réalisée?s? |made |drawn )?(à l'aide de|avec|with|by)\b.*",
    r"(fig\.?|figure)\s*\d+\b.*",
    r"learn more about.*|en savoir plus.*|lire aussi.*|read also.*|voir aussi.*|see also.*",
    r".*\b(recevez|subscribe|abonnez|inscrivez|newsletter)\b.*",
    r"toute l'actualité.*|all the news.*",
    r"[^|]{1,25}(\s*\|\s*[^|]{1,25}){2,}",  # a menu: Home | About | Contact
    r"(do not|don't) hesitate to (ask|contact) us.*|n'hésitez pas à nous (poser|contacter|écrire).*",
    r"\d+",
    r"[\w-]*_[\w-]*",  # file names and identifiers: inserm_57756_medium
    r"\W*",
]
_BOILERPLATE_RE = re.compile(r"^(?:" + "|".join(_BOILERPLATE) + r")$", re.IGNORECASE)
_CREDIT_RE = re.compile(r"©|\(c\)\s|istock|shutterstock|getty images|biorender", re.IGNORECASE)
# Section headings after which nothing is kept, and sections skipped until the next known one.
_END_SECTIONS = re.compile(
    r"^(bibliographie|bibliography|references|références|sources|further reading|pour aller plus loin|"
    r"mots[- ]clés|keywords)$",
    re.IGNORECASE,
)
_SKIP_SECTIONS = re.compile(
    r"^(crédits|credits|auteur\(s\)/autrice\(s\)|about the authors?|à propos de l'auteur|mise en ligne|"
    r"licence du texte de l'article)$",
    re.IGNORECASE,
)
_RESUME_SECTIONS = re.compile(r"^(notes?|notes de bas de page|footnotes?)$", re.IGNORECASE)


@dataclass
class _Line:
    start: int  # offset of the content (after any bullet)
    end: int
    text: str
    bullet: bool


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        start, end = pos, pos + len(body)
        pos += len(raw)
        m = _BULLET.match(body)
        bullet = bool(m) and len(body) > m.end()
        offset = m.end() if bullet else len(body) - len(body.lstrip())
        bullet = bullet and not m.group(1)  # "1. Introduction" is a numbered heading, not a list item
        start += offset
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(_Line(start, end, text[start:end], bullet))
    return out


def is_boilerplate(line: str) -> bool:
    s = " ".join(line.split()).strip()
    if _BOILERPLATE_RE.match(s):
        return True
    # Credit lines: a copyright sign or a picture agency in a line that is not a long paragraph.
    credit = _CREDIT_RE.search(s)
    return bool(credit) and (len(s) < 300 or s.count(".") <= 3 or credit.start() > len(s) - 80)


def _is_heading(line: _Line) -> bool:
    text = line.text
    words = text.split()
    if _TERMINAL.search(text) and not text.endswith(("?", ":")):
        return False
    if text.endswith((":", ",", ";")):
        return False  # a heading does not end with a comma or a semicolon: a list item whose bullet was dropped
    if text.endswith("?"):
        return len(words) <= 12 and not line.bullet
    return len(words) <= 16 and not line.bullet and len(text) <= 140


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.casefold().replace("’", "'"))


def language_scores(text: str) -> dict[str, float]:
    words = _words(text)
    scores = {lang: float(sum(w in markers for w in words)) for lang, markers in LANGUAGE_MARKERS.items()}
    accents = sum(c in "éèêàùçôîâœ" for c in text.casefold())
    scores["fr"] += min(accents, 10) * 0.3
    return scores


def detect_language(text: str, default: str = "en") -> str:
    """EN or FR for a paragraph, from function words and accents; `default` when there is too little to tell."""
    scores = language_scores(text)
    if max(scores.values()) < 1.5 or abs(scores["en"] - scores["fr"]) < 1:
        return default
    return "en" if scores["en"] > scores["fr"] else "fr"


@dataclass
class Segment:
    """A block found in a text, with offsets into that very text (sentences may later cross a page break)."""

    kind: str
    start: int
    end: int
    language: str = "en"
    bullet: bool = False


def segment(text: str, language: str | None = None, corrections: Mapping[int, str] | None = None) -> list[Segment]:
    """Headings and paragraphs of a plain text, boilerplate dropped, offsets into `text`.

    `corrections` are languages set by hand, by the offset where a block starts; they win over detection.

    A paragraph cut by a page break (no final punctuation, the next paragraph starting in lower case) is joined
    with the next one, so its offsets span the break.
    """
    segments: list[Segment] = []
    skipping = False
    for line in _lines(text):
        stripped = " ".join(line.text.split())
        if _END_SECTIONS.match(stripped):
            break
        if _SKIP_SECTIONS.match(stripped):
            skipping = True
            continue
        if _RESUME_SECTIONS.match(stripped):
            skipping = False
            segments.append(Segment("heading", line.start, line.end))
            continue
        if skipping or is_boilerplate(stripped):
            continue
        kind = "heading" if _is_heading(line) else "paragraph"
        previous = segments[-1] if segments else None
        if (
            previous is not None
            and not _TERMINAL.search(text[previous.start : previous.end])
            and not line.bullet
            and stripped[:1].islower()
            and not _is_heading(line)
        ):
            previous.end = line.end  # a page break inside a sentence
            previous.kind = "paragraph"
            continue
        if kind == "heading" and stripped[:1].islower() and previous is not None and previous.kind == "paragraph":
            kind = "paragraph"
        segments.append(Segment(kind, line.start, line.end, bullet=line.bullet))
    _drop_author_box(text, segments)
    _set_languages(text, segments, language)
    for seg in segments:
        if corrections and corrections.get(seg.start) in ("en", "fr"):
            seg.language = corrections[seg.start]
    return segments


def _drop_author_box(text: str, segments: list[Segment]) -> None:
    """A person's name as a heading among the last blocks starts an author box: drop it and what follows."""
    for i in range(max(0, len(segments) - 3), len(segments)):
        seg = segments[i]
        words = text[seg.start : seg.end].split()
        if seg.kind == "heading" and 2 <= len(words) <= 4 and all(re.fullmatch(r"[A-ZÀ-Ý][\w'’-]+", w) for w in words):
            if i > 0:
                del segments[i:]
            return


def _set_languages(text: str, segments: list[Segment], language: str | None) -> None:
    totals = {"en": 0.0, "fr": 0.0}
    for seg in segments:
        for lang, score in language_scores(text[seg.start : seg.end]).items():
            totals[lang] += score
    majority = language or ("fr" if totals["fr"] > totals["en"] else "en")
    for i, seg in enumerate(segments):
        seg.language = detect_language(text[seg.start : seg.end], default="")
        if not seg.language and seg.kind == "heading":
            following = next((s for s in segments[i + 1 :] if s.kind == "paragraph"), None)
            seg.language = detect_language(text[following.start : following.end], majority) if following else ""
        seg.language = seg.language or majority


def majority_language(text: str, segments: list[Segment]) -> str:
    sizes = {"en": 0, "fr": 0}
    for seg in segments:
        if seg.kind == "paragraph":
            sizes[seg.language] += seg.end - seg.start
    return "fr" if sizes["fr"] > sizes["en"] else "en"


# ---------------------------------------------------------------- Markdown and HTML to plain lines

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_MD_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def _markdown_lines(raw: str) -> list[tuple[str, str | None]]:
    """(line, forced kind) pairs: '#' headings are headings whatever their punctuation."""
    out: list[tuple[str, str | None]] = []
    fenced = False
    lines = raw.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.lstrip().startswith("<!--") or _MD_RULE.match(line):
            continue
        if _MD_SETEXT.match(line) and out and out[-1][0].strip():
            out[-1] = (out[-1][0], "heading")
            continue
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_AUTOLINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        m = _MD_HEADING.match(line)
        if m:
            out.append((m.group(2), "heading"))
        else:
            out.append((line, None))
        if i + 1 < len(lines):
            pass
    return out


_HTML_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "footer",
    "header",
    "aside",
    "form",
    "button",
    "iframe",
    "select",
    "figcaption",
    "head",
    "object",
    "canvas",
    "math",
    "dialog",
    "menu",
}
_HTML_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HTML_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HTML_BLOCKS = _HTML_HEADINGS | {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "address",
    "details",
    "summary",
    "body",
    "html",
}


class _HtmlText(HTMLParser):
    """Text of the block elements of an HTML page; script, style, navigation and the like are skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str | None]] = []
        self._buffer: list[str] = []
        self._skip: list[str] = []
        self._heading = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.blocks.append((text, "heading" if self._heading else None))

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HTML_VOID:
            if tag == "br" and not self._skip:
                self._buffer.append(" ")
            return
        if self._skip or tag in _HTML_SKIP:
            self._skip.append(tag)
            return
        if tag in _HTML_BLOCKS:
            self._flush()
        if tag in _HTML_HEADINGS:
            self._heading += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _HTML_BLOCKS:
            self._flush()
        if tag in _HTML_HEADINGS:
            self._heading = max(0, self._heading - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _html_lines(raw: str) -> list[tuple[str, str | None]]:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    return parser.blocks


_CITATION = re.compile(r"\s?\[\d{1,3}(?:[,–-]\s?\d{1,3})*\]")


def prepare(
    raw: str, fmt: str = "txt", language: str | None = None, corrections: Mapping[int, str] | None = None
) -> Document:
    """Clean `raw` (fmt "txt", "md" or "html") into the text to store, with its headings and paragraphs.

    Boilerplate is dropped, headings are kept as lines of their own, blocks are separated by a blank line, and
    `blocks` give each block's kind, language (detected per block) and offsets into the clean text.
    """
    if fmt not in ("txt", "md", "html"):
        raise ValueError(f"unknown format {fmt!r}: txt, md or html")
    raw = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    if fmt == "txt":
        items: list[tuple[str, str | None]] = [(line, None) for line in raw.split("\n")]
    elif fmt == "md":
        items = _markdown_lines(raw)
    else:
        items = _html_lines(raw)
    # One intermediate plain text, one line per item, blank lines between: segment() does the rest.
    plain_parts: list[str] = []
    forced: dict[int, str] = {}
    pos = 0
    for text, kind in items:
        text = _CITATION.sub("", text) if fmt != "txt" else text
        if kind:
            forced[pos] = kind
        plain_parts.append(text)
        pos += len(text) + (2 if fmt == "html" else 1)
    separator = "\n\n" if fmt == "html" else "\n"
    plain = separator.join(plain_parts)
    segments = segment(plain, language, corrections if fmt == "txt" else None)
    blocks: list[Block] = []
    out: list[str] = []
    offset = 0
    for seg in segments:
        kind = seg.kind
        line_start = plain.rfind("\n", 0, seg.start) + 1
        if forced.get(line_start) == "heading":
            kind = "heading"
        text = " ".join(plain[seg.start : seg.end].split())
        if out:
            offset += 2
        blocks.append(Block(kind, text, seg.language, offset, offset + len(text)))
        out.append(text)
        offset += len(text)
    clean = "\n\n".join(out)
    return Document(clean, blocks, majority_language(plain, segments) if segments else (language or "en"))
