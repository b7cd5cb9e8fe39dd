"""HTML from other tools (Moodle's question text, Anki's fields) as plain text: tags go, text stays.

The bank stores plain text and the pages escape it, so nothing of the markup survives: no script,
no style, no attribute. Blocks and line breaks become new lines; images, sound and video are
counted so the import can say they were dropped.
"""

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table"}
MEDIA = {"img", "audio", "video", "object", "embed", "iframe", "source", "svg"}
SKIP = {"script", "style", "head", "title", "svg", "math"}
ANKI_SOUND = re.compile(r"\[sound:[^\]]*\]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media = 0
        self.skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in MEDIA:
            self.media += 1
        if tag in SKIP:
            self.skipping += 1
        elif tag == "br" or tag in BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs) -> None:
        if tag in MEDIA:
            self.media += 1
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS and tag not in (
            "li",
            "tr",
        ):  # an item starts a line: the next one, or the list's end, ends it
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


def to_text(html: str) -> tuple[str, int]:
    """The text of an HTML fragment, and how many media (images, sounds, videos) it held."""
    sounds = len(ANKI_SOUND.findall(html))
    parser = _Text()
    parser.feed(ANKI_SOUND.sub("", html))
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, parser.media + sounds


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(?:[a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", text, re.I))
