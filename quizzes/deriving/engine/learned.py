"""A learned judgment of which items are worth asking: a small logistic regression over generic features.

The rules above rank an item by what it tests (its kind, its type, the importance of its term, the sentence it comes
from) and lower it for each failure they know. Tuned one failure at a time they stopped generalising (docs/deriving.md,
"Session 6, all four branches merged"): what they lack is a judgment of the item as a whole. This module scores an
item by how likely a strict teacher would publish it (usable 1, edit 0.5, reject 0), from features any text gives
(its kind and answer's shape, how the text names its term, the sentence's shape, the rules' own score and what
lowered it), with weights learned from the judged items of the tuning texts only
(quizzes.deriving.evaluation.training; `manage.py train_deriver_ranker`). The weights are a small committed file,
learned_rank.json; no library is needed to apply them.
"""

import json
import math
import re
from functools import cache
from pathlib import Path

from .context import _CONNECTIVE_RE, _DEMONSTRATIVES, _PRONOUNS
from .terms import zipf

WEIGHTS = Path(__file__).resolve().parent / "learned_rank.json"

# The features, in the order of the weights file. Each is a number computed from the candidate alone (and the length
# of its text); a cloze is the reference kind and a term the reference type.
FEATURES = (
    "kind_short",
    "kind_flashcard",
    "kind_true_false",
    "kind_single",
    "type_acronym",
    "type_number",
    "type_name",
    "answer_words",
    "answer_long",
    "answer_code",
    "answer_capital",
    "answer_common",
    "blanks",
    "mentions",
    "in_title",
    "in_heading",
    "defined",
    "importance",
    "central",
    "rarity",
    "definition_cue",
    "leaning_start",
    "first_person",
    "symbols",
    "digits",
    "passage_words",
    "position",
    "rule_score",
    "gate_factor",
    "lowered",
    "flags",
    "french",
)

_BLANK = re.compile(r"\[\[(.*?)\]\]")
# Code, paths, key chords, versions: "apparmor_parser", "/etc/apparmor.d/", "C-x", "0.93R6".
_CODE = re.compile(r"[/_.=<>\\]|\w-\w\b|\d[A-Za-z]|[A-Za-z]\d")
# A sentence that says what something is or is called.
_DEFINITION_CUE = re.compile(
    r"\b(?:is an?|is the|are the|is defined as|refers to|consists? of|means|stands for|called|known as|named|"
    r"est une?|sont des|sont les|désigne|désignent|signifie|correspond à|appelée?s?|nommée?s?|"
    r"sous le (?:nom|vocable|terme))\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"(?:^|[\s\"“«(])(?:I|I'm|I've|[Mm]y|[Ww]e|[Oo]ur|[Jj]e|[Jj]'|[Nn]ous|[Mm]on|[Mm]a)(?=[\s,;.!?'’])"
)
_WORD = re.compile(r"[^\W_][\w'’-]*")
_NUMERIC = ("year", "percent", "number")
_NAMES = ("person", "place")


def features(c, text_length: int) -> dict[str, float]:
    """The candidate's features, from what the deriver knows of it: each is 0/1 or a number of about 0..1."""
    ranking = c.ranking or {}
    language = c.language if c.language in ("en", "fr") else "en"
    answer = (c.term if c.kind == "true_false" else c.answer) or c.answer or ""
    words = _WORD.findall(answer)
    passage = c.passage or ""
    passage_words = _WORD.findall(passage)
    first = passage.lstrip(' "“«(-').casefold()
    opening = first.split()[0].strip(",;:") if first.split() else ""
    rule = ranking.get("rules", c.confidence)  # the rules' final score (before a learned score replaced it)
    before_gate = ranking.get("confidence") or rule
    visible = [ch for ch in passage if not ch.isspace()]
    return {
        "kind_short": float(c.kind == "short"),
        "kind_flashcard": float(c.kind == "flashcard"),
        "kind_true_false": float(c.kind == "true_false"),
        "kind_single": float(c.kind == "single"),
        "type_acronym": float(c.answer_type == "acronym"),
        "type_number": float(c.answer_type in _NUMERIC),
        "type_name": float(c.answer_type in _NAMES),
        "answer_words": min(len(words), 6) / 6,
        "answer_long": float(len(answer) > 25),
        "answer_code": float(bool(_CODE.search(answer))),
        "answer_capital": float(answer[:1].isupper() and not answer.isupper()),
        "answer_common": float(len(words) == 1 and answer.islower() and zipf(answer, language) >= 3.5),
        "blanks": max(0, len(_BLANK.findall(c.prompt)) - 1) / 2 if c.kind == "cloze" else 0.0,
        "mentions": math.log1p(ranking.get("mentions", 0)) / math.log(31),
        "in_title": float(bool(ranking.get("title"))),
        "in_heading": float(bool(ranking.get("heading"))),
        "defined": float(bool(ranking.get("defined"))),
        "importance": float(ranking.get("importance", 0.0)),
        "central": float(ranking.get("central", 0.0)),
        "rarity": float(ranking.get("rarity", 0.0)),
        "definition_cue": float(bool(_DEFINITION_CUE.search(passage))),
        "leaning_start": float(
            bool(_CONNECTIVE_RE[language].match(first))
            or opening in _PRONOUNS[language]
            or opening in _DEMONSTRATIVES[language]
            or "needs-context" in c.flags
        ),
        "first_person": float(bool(_FIRST_PERSON.search(passage))),
        "symbols": sum(not ch.isalnum() for ch in visible) / max(len(visible), 1),
        "digits": sum(ch.isdigit() for ch in visible) / max(len(visible), 1),
        "passage_words": min(len(passage_words), 80) / 80,
        "position": c.start / max(text_length, 1),
        "rule_score": math.log(max(rule, 1e-3)),
        "gate_factor": math.log(max(rule, 1e-3) / max(before_gate, 1e-3)),
        "lowered": float(len(ranking.get("lowered", []))),
        "flags": float(len(c.flags)),
        "french": float(language == "fr"),
    }


class Model:
    """Weights over standardised features: p = sigmoid(bias + Σ w·(x − mean)/scale)."""

    def __init__(self, data: dict):
        self.names = tuple(data["features"])
        self.bias = float(data["bias"])
        self.weights = [float(data["weights"][n]) for n in self.names]
        self.mean = [float(data["mean"][n]) for n in self.names]
        self.scale = [float(data["scale"][n]) for n in self.names]

    def contributions(self, x: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's share of the score (in log-odds), against an average judged item."""
        return [
            (n, w * (x[n] - m) / s)
            for n, w, m, s in zip(self.names, self.weights, self.mean, self.scale, strict=True)
            if w
        ]

    def score(self, x: dict[str, float]) -> float:
        z = self.bias + sum(v for _n, v in self.contributions(x))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def model(path: Path = WEIGHTS) -> Model | None:
    """The committed weights; None when there are none (the rules alone rank)."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(data) if data.get("enabled", True) else None


# Shown to the reviewer: the features that raised or lowered the learned score most.
SHOWN = 2


def rerank(candidates: list, text: str, ranker: Model | None = None) -> list:
    """The candidates scored by the learned model, best first (the rules' order between equals). Each keeps the rules'
    score in its ranking ("rules") and gets the learned one ("learned") with the features that moved it most."""
    ranker = ranker or model()
    if ranker is None:
        return candidates
    for c in candidates:
        x = features(c, len(text))
        p = ranker.score(x)
        # what the item has that moved it (not a feature it lacks: "raised by: not in French" explains nothing)
        shares = sorted(((n, v) for n, v in ranker.contributions(x) if x[n]), key=lambda nv: -abs(nv[1]))
        c.ranking = {
            **c.ranking,
            "rules": c.confidence,
            "learned": round(p, 3),
            "for": [[n, round(v, 2)] for n, v in shares if v > 0.05][:SHOWN],
            "against": [[n, round(v, 2)] for n, v in shares if v < -0.05][:SHOWN],
        }
        c.confidence = round(p, 3)
    order = sorted(range(len(candidates)), key=lambda i: (-candidates[i].confidence, i))
    return [candidates[i] for i in order]
