"""Near-duplicate questions, in one language or across English and French.

Two questions are near-duplicates when they test the same answer (same normalised text, a close spelling, or an
acronym and its expansion) and their prompts say nearly the same thing: close wording, or the same "concepts"
once both prompts are reduced to content words, numbers and symbols, French words being mapped to English through
a small glossary. It flags; it never decides alone that two questions are the same.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

from .lexicon import GLOSSARY, STOPWORDS
from .terms import normal, strip_accents

_QUESTION_WORDS = {
    "what",
    "which",
    "who",
    "when",
    "where",
    "why",
    "how",
    "does",
    "stand",
    "true",
    "false",
    "according",
    "text",
    "complete",
    "blank",
    "fill",
    "indicated",
    "drug",
    "quel",
    "quelle",
    "selon",
    "texte",
    "complétez",
    "qu'est-ce",
    "signifie",
    "sigle",
    "vrai",
    "faux",
}


@dataclass(frozen=True)
class Fingerprint:
    answer: str  # normalised answer
    prompt: str  # normalised prompt
    concepts: frozenset[str]
    raw: str = ""  # the prompt as written


def similar_prompts(x: Fingerprint, y: Fingerprint) -> bool:
    """Nearly the same words (one prompt's words nearly all in the other's): the benchmark's duplicate test."""
    return bool(x.raw and y.raw) and fuzz.token_set_ratio(x.raw, y.raw, processor=utils.default_process) > 92


def concepts(text: str) -> frozenset[str]:
    """Content words of a prompt, French mapped to English where the glossary knows them, plurals folded."""
    out = set()
    for raw in re.findall(r"[\w'’+-]+", text.replace("[[", " ").replace("]]", " ").replace("|", " ")):
        word = raw.casefold().replace("’", "'")
        word = re.sub(r"^(?:l|d|qu|n|s|c|j)'", "", word)
        if word in STOPWORDS["en"] or word in STOPWORDS["fr"] or word in _QUESTION_WORDS or len(word) < 2:
            continue
        word = GLOSSARY.get(word, word)
        word = strip_accents(word)
        if len(word) > 3 and word[-1] in "sx" and word[-2:] not in ("ss", "us", "is"):
            word = word[:-1]
        out.add(word)
    return frozenset(out)


# derive fingerprints the bank's questions for every text, and its drafts once more when a merge freed a term
@lru_cache(maxsize=16384)
def fingerprint(prompt: str, answer: str) -> Fingerprint:
    blanked = re.sub(r"\[\[.*?\]\]", " ", prompt)
    return Fingerprint(normal(answer), normal(blanked), concepts(prompt) | concepts(answer), prompt)


def same_answer(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    if any(c.isdigit() for c in a + b):
        return re.findall(r"\d+", a) == re.findall(r"\d+", b) and fuzz.ratio(a, b) >= 90
    return fuzz.ratio(a, b) >= 90


def near_duplicate(x: Fingerprint, y: Fingerprint) -> bool:
    if not same_answer(x.answer, y.answer):
        return False
    if x.prompt and y.prompt and fuzz.token_set_ratio(x.prompt, y.prompt) >= 85:
        return True
    union = x.concepts | y.concepts
    return bool(union) and len(x.concepts & y.concepts) / len(union) >= 0.4


def find_duplicates(new: list[Fingerprint], existing: list[Fingerprint]) -> list[int | None]:
    """For each new fingerprint, the index of the first existing one it near-duplicates (or None)."""
    answers = [e.answer for e in existing]
    out: list[int | None] = []
    for fp in new:
        hit = None
        if fp.answer and answers:
            for _text, _score, j in process.extract(fp.answer, answers, scorer=fuzz.ratio, score_cutoff=90, limit=None):
                if near_duplicate(fp, existing[j]):
                    hit = j
                    break
        out.append(hit)
    return out
