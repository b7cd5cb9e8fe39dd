"""Quality figures of the deriver on texts whose key terms are known.

The key terms of a text are the answers of the hand-written bank's questions on it: the correct choices of
single and multiple choice questions, the accepted short answers, the cloze blanks, and the flashcard fronts
(the term they name when there is one: "Strimvelis: what is it…" -> Strimvelis, "Que signifie « autologue »" ->
autologue; else the whole front). They were written for learners, not for this benchmark, and nothing in the
deriver is tuned to them.

A derived answer matches a key term when, once case, accents, plurals and leading articles are ignored, they are
equal, or close in spelling (90 %), or one contains the other with at most one more word; numbers must be equal.
"""

import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, utils

from .engine import Candidate, ExistingQuestion, derive
from .engine.questions import BLANK, leaks
from .engine.terms import normal

_ARTICLES = {"the", "a", "an", "le", "la", "les", "l", "un", "une", "des", "du", "de", "d"}


@dataclass
class GoldItem:
    variants: list[str]
    question: str  # the bank question's id


@dataclass
class TextResult:
    key: str
    language: str
    size: int  # characters
    candidates: int
    by_kind: dict[str, int]
    gold: int
    precision: float
    precision_at_10: float
    recall: float
    well_formed: float
    duplicate_rate: float
    leak_rate: float
    mcq_ready: float
    bank_duplicates: int  # candidates flagged as near-duplicates of a bank question on another text
    seconds: float
    matched: list[str] = field(default_factory=list)  # gold terms found
    top: list[str] = field(default_factory=list)  # the ten best candidates, for reading


def _tokens(text: str) -> list[str]:
    words = normal(text).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    return words


def matches(answer: str, gold: str) -> bool:
    a, g = _tokens(answer), _tokens(gold)
    if not a or not g:
        return False
    if re.findall(r"\d+", " ".join(a)) != re.findall(r"\d+", " ".join(g)):
        return False
    if a == g:
        return True
    short, long = (a, g) if len(a) <= len(g) else (g, a)
    if len(long) - len(short) <= 1 and any(
        long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)
    ):
        return True
    return fuzz.ratio(" ".join(a), " ".join(g)) >= 90


def _front_term(front: str) -> str:
    """The term a flashcard front names, if it names one."""
    front = front.strip()
    for pattern in (
        r"(?:sigle|acronym)\s+([A-Z][\w-]+)",
        r"[«“\"]\s*([^»”\"]{2,40}?)\s*[»”\"]",
        r"^(?:what (?:is|are) (?:an? |the )?|qu['’]est-ce qu['’](?:une? |un )?|qu['’]est-ce que (?:l['’]|les? |la )?)"
        r"([^?,:]{2,40}?)\s*\??$",
        r"^([^:?]{2,40}):",
        r"^(?:indication de (?:l['’]|la |le )?)([\w-]+)$",
        r"^what are ([\w -]{2,40}?),",
    ):
        m = re.search(pattern, front, re.IGNORECASE)
        if m:
            return m.group(1).strip()
    return front


def gold_items(questions: list[dict]) -> dict[str, list[GoldItem]]:
    """Key terms per source, from bank question dicts (as in bank/questions/*.yaml)."""
    out: dict[str, list[GoldItem]] = {}
    for q in questions:
        kind = q.get("kind")
        variants_list: list[list[str]] = []
        if kind in ("single", "multiple"):
            variants_list = [[c["text"]] for c in q.get("choices", []) if c.get("correct")]
        elif kind == "short":
            variants_list = [list(q.get("answers", []))]
        elif kind == "cloze":
            variants_list = [blank.split("|") for blank in re.findall(r"\[\[(.*?)\]\]", q.get("prompt", ""))]
        elif kind == "flashcard":
            variants_list = [[_front_term(q.get("prompt", ""))]]
        items = out.setdefault(q["source"], [])
        for variants in variants_list:
            variants = [v for v in variants if v.strip()]
            if variants:
                items.append(GoldItem(variants, q.get("id", "")))
    return out


def _terms(c: Candidate) -> list[str]:
    terms = [c.term, c.answer, *c.alternatives] if c.kind != "true_false" else [c.term]
    if c.kind == "cloze":  # every blank is a key term the item tests, as for the bank's own clozes
        terms += [blank.split("|")[0] for blank in re.findall(r"\[\[(.*?)\]\]", c.prompt)]
    return [t for t in terms if t]


def _hit(c: Candidate, gold: list[GoldItem]) -> list[GoldItem]:
    return [g for g in gold if any(matches(t, v) for t in _terms(c) for v in g.variants)]


def _leaks(c: Candidate) -> bool:
    if c.kind == "cloze" or (c.kind == "single" and BLANK in c.prompt):
        return leaks(c.prompt, c.answer)
    if c.kind in ("single", "short"):
        return leaks(c.prompt, c.answer)
    return False


def _duplicates(candidates: list[Candidate]) -> int:
    prompts = [c.prompt for c in candidates]
    involved = set()
    for i in range(len(prompts)):
        for j in range(i + 1, len(prompts)):
            if fuzz.token_set_ratio(prompts[i], prompts[j], processor=utils.default_process) > 92:
                involved.update((i, j))
    return len(involved)


def evaluate(key: str, text: str, language: str, gold: list[GoldItem], existing: list[ExistingQuestion]) -> TextResult:
    started = time.perf_counter()
    candidates = derive(text, language=language, existing=existing)
    seconds = time.perf_counter() - started
    n = len(candidates)
    hits = [bool(_hit(c, gold)) for c in candidates]
    found = {id(g) for c in candidates for g in _hit(c, gold)}
    top = candidates[:10]
    singles = [c for c in candidates if c.kind == "single"]
    by_kind: dict[str, int] = {}
    for c in candidates:
        by_kind[c.kind] = by_kind.get(c.kind, 0) + 1
    return TextResult(
        key=key,
        language=language,
        size=len(text),
        candidates=n,
        by_kind=by_kind,
        gold=len(gold),
        precision=sum(hits) / n if n else 0.0,
        precision_at_10=sum(hits[:10]) / len(top) if top else 0.0,
        recall=len(found) / len(gold) if gold else 0.0,
        well_formed=sum(not c.flags or c.flags == ["duplicate"] for c in candidates) / n if n else 0.0,
        duplicate_rate=_duplicates(candidates) / n if n else 0.0,
        leak_rate=sum(_leaks(c) for c in candidates) / n if n else 0.0,
        mcq_ready=sum(sum(not ok for _, ok in c.choices) >= 3 for c in singles) / len(singles) if singles else 1.0,
        bank_duplicates=sum(c.duplicate_of is not None for c in candidates),
        seconds=seconds,
        matched=sorted({g.variants[0] for g in gold if id(g) in found}),
        top=[f"{'+' if h else '-'} [{c.kind}] {c.prompt[:90]} -> {c.answer}" for c, h in zip(top, hits, strict=False)],
    )


@dataclass
class Summary:
    texts: list[TextResult]
    precision: float
    precision_at_10: float
    recall: float
    well_formed: float
    duplicate_rate: float
    leak_rate: float
    mcq_ready: float
    seconds: float
    seconds_per_30kb: float  # the slowest text's time, scaled to 30 KB

    def metrics(self) -> dict:
        data = asdict(self)
        data["texts"] = {
            t.key: {k: v for k, v in asdict(t).items() if k not in ("matched", "top", "key")} for t in self.texts
        }
        return data


def _bank(bank_dir: Path) -> tuple[dict, list[dict], list[tuple[str, ExistingQuestion]]]:
    """The library, the bank's questions, and each question as `existing` (with its source's key)."""
    from ..bank import safeyaml  # noqa: PLC0415

    library = safeyaml.load((bank_dir / "library.yaml").read_bytes())
    questions: list[dict] = []
    for path in sorted((bank_dir / "questions").glob("*.yaml")):
        questions.extend(safeyaml.load(path.read_bytes()).get("questions", []))
    languages = {s["key"]: s["language"] for s in library["sources"]}
    existing = [
        (
            q["source"],
            ExistingQuestion(
                q["id"], q.get("prompt", ""), _bank_answer(q), q.get("language") or languages[q["source"]]
            ),
        )
        for q in questions
    ]
    return library, questions, existing


def bank_questions(bank_dir: Path) -> list[ExistingQuestion]:
    """The whole bank as `existing`: what a teacher's new text is derived against."""
    return [question for _key, question in _bank(bank_dir)[2]]


def run(bank_dir: Path) -> Summary:
    """Derive from every source text of the bank and score the candidates against the bank's own answers."""
    library, questions, existing = _bank(bank_dir)
    gold = gold_items(questions)
    results = []
    from .engine import load_models  # noqa: PLC0415

    load_models()
    for source in library["sources"]:
        text = (bank_dir / source["text_file"]).read_text(encoding="utf-8")
        # each text is derived as a new text would be: the bank holds the other texts' questions, not its own
        # (with its own, every match with its key terms would be flagged a duplicate and sink in the ranking)
        others = [question for key, question in existing if key != source["key"]]
        results.append(evaluate(source["key"], text, source["language"], gold.get(source["key"], []), others))
    total = sum(r.candidates for r in results) or 1
    return Summary(
        texts=results,
        precision=sum(r.precision * r.candidates for r in results) / total,
        precision_at_10=sum(r.precision_at_10 for r in results) / len(results),
        recall=sum(r.recall * r.gold for r in results) / (sum(r.gold for r in results) or 1),
        well_formed=sum(r.well_formed * r.candidates for r in results) / total,
        duplicate_rate=sum(r.duplicate_rate * r.candidates for r in results) / total,
        leak_rate=sum(r.leak_rate * r.candidates for r in results) / total,
        mcq_ready=min(r.mcq_ready for r in results),
        seconds=sum(r.seconds for r in results),
        seconds_per_30kb=max(r.seconds * 30_000 / max(r.size, 1) for r in results if r.size >= 10_000),
    )


def _bank_answer(q: dict) -> str:
    kind = q.get("kind")
    if kind in ("single", "multiple"):
        return next((c["text"] for c in q.get("choices", []) if c.get("correct")), "")
    if kind == "short":
        return (q.get("answers") or [""])[0]
    if kind == "cloze":
        blanks = re.findall(r"\[\[(.*?)\]\]", q.get("prompt", ""))
        return blanks[0].split("|")[0] if blanks else ""
    if kind == "flashcard":
        return _front_term(q.get("prompt", ""))
    return str(q.get("answer", ""))


# Metrics that must stay at or above their floor, and those that must stay at or below their ceiling.
HIGHER = ("precision", "precision_at_10", "recall", "well_formed", "mcq_ready")
LOWER = ("duplicate_rate", "leak_rate", "seconds_per_30kb")


def check(summary: Summary, floor: dict) -> list[str]:
    """Every metric that falls below its floor (or rises above its ceiling), overall and per text."""
    failures = _outside("overall", summary, floor)
    by_key = {t.key: t for t in summary.texts}
    for key, limits in floor.get("texts", {}).items():
        if key not in by_key:
            failures.append(f"{key}: no such text in the bank")
            continue
        failures += _outside(key, by_key[key], limits)
    return failures


def _outside(label: str, figures, limits: dict) -> list[str]:
    failures = []
    for name, limit in limits.get("min", {}).items():
        if (value := getattr(figures, name)) < limit:
            failures.append(f"{label} {name} = {value:.3f} is below the floor {limit:.3f}")
    for name, limit in limits.get("max", {}).items():
        if (value := getattr(figures, name)) > limit:
            failures.append(f"{label} {name} = {value:.3f} is above the ceiling {limit:.3f}")
    return failures


# Evaluation-set metrics: floors on the rates, ceilings on rejects, unjudged items and answers in their prompt.
EVALUATION_HIGHER = ("usable_rate", "fact_recall", "fact_recall_top", "fact_recall_well")
EVALUATION_LOWER = ("reject_rate", "answer_in_prompt", "unjudged")


def check_evaluation(found, floor: dict) -> list[str]:
    """Every evaluation figure outside its floor or ceiling: tuning and held-out groups, then single texts.
    `floor` is the "evaluation" part of the floor file: {"tuning": {"min": …, "max": …}, "held_out": …,
    "texts": {key: {"min": …}}}."""
    failures = []
    for group in (found.tuning, found.held_out):
        if group.name in floor:
            failures += _outside(f"evaluation {group.name}", group, floor[group.name])
    by_key = {t.key: t for t in found.texts}
    for key, limits in floor.get("texts", {}).items():
        if key not in by_key:
            failures.append(f"evaluation {key}: no such text in the evaluation set")
            continue
        failures += _outside(f"evaluation {key}", by_key[key], limits)
    return failures
