"""Answer keys as a teacher would write them: without the source's typos, Markdown or quotes, and without
alternatives that repeat the answer.

A text that spells a word right several times and wrong once ("hématopoïétiques" ×3, "hématopoïétques" ×1) had its
typo copied into the key of the item made from that sentence, so a learner typing the right word was marked wrong.
"""

import re
from collections import Counter
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .terms import normal, zipf

# Characters an answer never starts or ends with (Markdown emphasis, quotes, punctuation).
_JUNK = " \t\n*_«»“”\"'‘’.,;:()[]"


def clean_answer(answer: str) -> str:
    """An accepted answer without Markdown emphasis, quotes, edge punctuation or doubled spaces."""
    answer = re.sub(r"(\*\*|\*|__)(.+?)\1", r"\2", answer)
    answer = " ".join(answer.split())
    return answer.strip(_JUNK)


def alternatives(answer: str, found: list[str], short: str = "") -> list[str]:
    """Accepted alternatives, cleaned: none empty, none repeating the answer, the acronym asked, or another one."""
    out: list[str] = []
    seen = {normal(answer), normal(short)} - {""}
    for alternative in found:
        alternative = clean_answer(alternative)
        key = normal(alternative)
        if not key or key in seen or len(alternative.split()) > 10:
            continue
        seen.add(key)
        out.append(alternative)
    return out


class Respeller:
    """Corrects a word of an answer that the text spells once, that no dictionary knows, and that the text spells
    one letter differently at least twice elsewhere (the text's own spelling wins over its slip)."""

    def __init__(self, text: str) -> None:
        self.counts = Counter(w.casefold() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))
        self.vocabulary = [w for w, n in self.counts.items() if n >= 2 and len(w) >= 4]
        self.cache: dict[str, str] = {}

    def word(self, word: str) -> str:
        lower = word.casefold()
        if word in self.cache:
            return self.cache[word]
        fixed = word
        if (
            len(lower) >= 5
            and word == lower
            and self.counts.get(lower, 0) <= 1
            and zipf(lower, "en") < 1.0
            and zipf(lower, "fr") < 1.0
        ):
            found = process.extractOne(lower, self.vocabulary, scorer=OSA.distance, score_cutoff=1)
            if found is not None and found[1] == 1 and abs(len(found[0]) - len(lower)) <= 1:
                fixed = found[0]
        self.cache[word] = fixed
        return fixed

    def __call__(self, answer: str) -> str:
        return re.sub(r"[^\W\d_]+(?:-[^\W\d_]+)*", lambda m: self.word(m.group()), answer)


# "la touche CONTROLE (souvent désignée par CTRL)", "the kernel (also known as the core)", "thérapie génique (en
# anglais gene therapy)": the text names one thing two ways, so a learner typing either is right. A bare "(ou …)" or
# "(or …)" is left out: "Le BIOS (ou l'UEFI)" offers another thing, not another name.
_ALIAS = re.compile(
    r"(?P<before>[^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*){0,3}) \(\s*(?:souvent |plus souvent |aussi |also |often )?"
    r"(?:désignée?s? par|appelée?s?|nommée?s?|called|known as|en anglais|in english|en français|in french)"
    r",? (?:les? |la |l['’]|the )?[«“\"]?\s*(?P<alias>[^()«»“”\"]{1,40}?)\s*[»”\"]?\s*\)",
    re.IGNORECASE,
)


_LINKS = {"a", "an", "the", "of", "le", "la", "les", "l", "un", "une", "de", "des", "du", "ou", "or", "et", "and"}


@lru_cache(maxsize=8)
def _aliases(text: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for m in _ALIAS.finditer(" ".join(text.split())):
        alias = clean_answer(m.group("alias"))
        words = m.group("before").split()
        if not alias or len(alias.split()) > 4:
            continue
        # the named thing is the last one to four words before the parenthesis; which is unknown, so each that
        # reads as a name: a key or acronym in capitals ("CONTROLE"), or words with no article or "of" inside
        # ("a set of rules (known as profile)" is not "rules (known as profile)")
        for n in range(1, len(words) + 1):
            name = words[-n:]
            if n == 1 and not (name[0].isupper() and alias.isupper()):
                continue
            if any(w.casefold() in _LINKS for w in name):
                continue
            found.setdefault(normal(" ".join(name)), []).append(alias)
        if words[-1].isupper() and alias.isupper():
            found.setdefault(normal(alias), []).append(words[-1])  # back from the alias: one key to another
    return {key: tuple(dict.fromkeys(v)) for key, v in found.items() if key}


def text_aliases(answer: str, text: str) -> list[str]:
    """The other names the text itself gives the answer (its designation or translation in brackets)."""
    key = normal(answer)
    return [a for a in _aliases(text).get(key, ()) if normal(a) != key]
