"""The deriver on texts it has never seen: key facts written before deriving, and a teacher's judgments.

`evaluation.yaml` lists the texts (source, licence, kind, language, held out or not) and each text's key facts;
`judgments.yaml` holds one line per judged item of a text's review queue: usable (as is), edit (usable after a
small edit) or reject, with the reason for an edit or a reject. A judgment is keyed by the item's `signature`
(kind, prompt, answer and choices, normalised and hashed), so that an item the deriver makes differently after a
change is new and unjudged, and counts as not usable until someone judges it (`benchmark_deriver --unjudged`).

Each text is derived as the app derives a pasted text (SourceForm's `prepare(raw, "txt")`, then `derive` with the
source's language and the bank as `existing`), and its queue is read in the reviewer's order (highest confidence
first, the candidates the app stores: not the ones merged into another candidate).
"""

import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from ..engine import Candidate, ExistingQuestion, derive, prepare
from ..engine.questions import leaks

HERE = Path(__file__).resolve().parent
TOP = 20  # the part of the queue a teacher judges
VERDICTS = ("usable", "edit", "reject")
# The reasons of an edit or a reject: the first words of `reason`, before an optional ": detail".
REASONS = (
    "unimportant target",
    "lost context",
    "distractors absurd",
    "distractors also correct",
    "span error",
    "text furniture",
    "weak true/false",
    "leak",
    "duplicate",
    "answer key typo",
    "junk alternative",
    "ungrammatical",
)


class EvaluationError(ValueError):
    """The evaluation files are wrong: the message says where."""


@dataclass
class Fact:
    text: str
    terms: list[str]


@dataclass
class EvalText:
    key: str
    title: str
    language: str
    kind: str
    held_out: bool
    path: Path
    facts: list[Fact]
    licence: str = ""

    def raw(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass
class Judgment:
    text: str
    signature: str
    verdict: str
    reason: str = ""
    item: str = ""  # the item as it was judged, for reading the file


@dataclass
class TextResult:
    key: str
    language: str
    kind: str
    held_out: bool
    size: int  # characters of the pasted text
    candidates: int  # in the whole queue
    top: int  # judged part: min(TOP, candidates)
    usable: int
    edit: int
    reject: int
    unjudged: int
    facts: int
    facts_asked: int  # anywhere in the queue
    facts_asked_top: int  # within the top 20
    facts_asked_well: int  # within the top 20, by an item judged usable or edit
    answer_in_prompt: int  # anywhere in the queue
    seconds: float  # prepare + derive
    reasons: dict[str, int] = field(default_factory=dict)  # edit and reject reasons in the top 20
    missed: list[str] = field(default_factory=list)  # facts no candidate asks
    queue: list[tuple[Candidate, Judgment | None]] = field(default_factory=list, repr=False)  # the top 20

    @property
    def usable_rate(self) -> float:
        return self.usable / self.top if self.top else 0.0

    @property
    def edit_rate(self) -> float:
        return self.edit / self.top if self.top else 0.0

    @property
    def reject_rate(self) -> float:
        return self.reject / self.top if self.top else 0.0

    @property
    def fact_recall(self) -> float:
        return self.facts_asked / self.facts if self.facts else 0.0

    @property
    def fact_recall_top(self) -> float:
        return self.facts_asked_top / self.facts if self.facts else 0.0

    @property
    def fact_recall_well(self) -> float:
        return self.facts_asked_well / self.facts if self.facts else 0.0


@dataclass
class Group:
    """Tuning or held-out texts taken together: rates over all their top-20 items and all their facts."""

    name: str
    texts: list[TextResult]

    def _sum(self, name: str) -> int:
        return sum(getattr(t, name) for t in self.texts)

    @property
    def top(self) -> int:
        return self._sum("top")

    @property
    def usable_rate(self) -> float:
        return self._sum("usable") / self.top if self.top else 0.0

    @property
    def edit_rate(self) -> float:
        return self._sum("edit") / self.top if self.top else 0.0

    @property
    def reject_rate(self) -> float:
        return self._sum("reject") / self.top if self.top else 0.0

    @property
    def unjudged(self) -> int:
        return self._sum("unjudged")

    @property
    def fact_recall(self) -> float:
        facts = self._sum("facts")
        return self._sum("facts_asked") / facts if facts else 0.0

    @property
    def fact_recall_top(self) -> float:
        facts = self._sum("facts")
        return self._sum("facts_asked_top") / facts if facts else 0.0

    @property
    def fact_recall_well(self) -> float:
        facts = self._sum("facts")
        return self._sum("facts_asked_well") / facts if facts else 0.0

    @property
    def answer_in_prompt(self) -> int:
        return self._sum("answer_in_prompt")

    @property
    def seconds_per_30kb(self) -> float:
        """The slowest text's time, scaled to 30 KB."""
        return max((t.seconds * 30_000 / max(t.size, 1) for t in self.texts), default=0.0)

    def metrics(self) -> dict:
        names = (
            "usable_rate",
            "edit_rate",
            "reject_rate",
            "unjudged",
            "fact_recall",
            "fact_recall_top",
            "fact_recall_well",
        )
        return {n: getattr(self, n) for n in (*names, "answer_in_prompt", "seconds_per_30kb")} | {
            "top": self.top,
            "texts": [t.key for t in self.texts],
        }


# --- signatures and matching ------------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def signature(c: Candidate) -> str:
    """A stable key for what the reviewer sees: kind, prompt, answer, accepted alternatives, choices (in any
    order) and a flashcard's back. Confidence, reason and passage are not part of it: the same item ranked
    elsewhere keeps its judgment; a changed distractor or blank makes a new item."""
    parts = [
        c.kind,
        _normal(c.prompt),
        _normal(c.answer),
        "|".join(sorted(_normal(a) for a in c.alternatives)),
        "|".join(sorted(f"{_normal(t)}={int(ok)}" for t, ok in c.choices)),
        _normal(c.back),
    ]
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12]


def tested_terms(c: Candidate) -> list[str]:
    """What an item asks the learner to produce or recognise: its answer, its key term, its accepted
    alternatives and every blank of a cloze. A true/false statement tests its term (the year or value that may
    have been swapped), not the word True."""
    terms = [c.term] if c.kind == "true_false" else [c.term, c.answer, *c.alternatives]
    if c.kind == "cloze":
        terms += [blank.split("|")[0] for blank in re.findall(r"\[\[(.*?)\]\]", c.prompt)]
    return [t for t in terms if t and t.strip()]


def asks(c: Candidate, fact: Fact) -> bool:
    """A candidate asks a key fact when one of its tested terms covers one of the fact's terms."""
    return any(covers(t, term) for t in tested_terms(c) for term in fact.terms)


def covers(tested: str, term: str) -> bool:
    """Does asking for `tested` ask for the fact's `term`? Once case, accents, plurals and leading articles are
    ignored: the same words; or the tested term holds the whole fact term with one more word ("function ecdf"
    covers "ecdf"; "Debian Linux" does not cover "Debian Linux Association", nor "GNU" "GNU Emacs"); or ≥ 90 %
    alike in spelling. Numbers must be equal. This is benchmark.matches made one-way: a blank on part of a term
    does not ask the term."""
    from ..benchmark import _tokens  # noqa: PLC0415 - benchmark imports this module

    a, g = _tokens(tested), _tokens(term)
    if not a or not g or re.findall(r"\d+", " ".join(a)) != re.findall(r"\d+", " ".join(g)):
        return False
    if a == g:
        return True
    if len(a) - len(g) == 1 and any(a[k : k + len(g)] == g for k in range(len(a) - len(g) + 1)):
        return True
    return fuzz.ratio(" ".join(a), " ".join(g)) >= 90


def answer_in_prompt(c: Candidate) -> bool:
    """Is an answer readable in its own prompt? For a cloze, any blank left readable elsewhere in the prompt;
    for a choice or short question, the right answer in the question."""
    if c.kind == "cloze":
        return any(leaks(c.prompt, blank.split("|")[0]) for blank in re.findall(r"\[\[(.*?)\]\]", c.prompt))
    if c.kind in ("single", "short"):
        return leaks(c.prompt, c.answer)
    return False


# --- files ------------------------------------------------------------------------------------------------------


def load_texts(folder: Path = HERE) -> list[EvalText]:
    from ...bank import safeyaml  # noqa: PLC0415

    path = folder / "evaluation.yaml"
    try:
        data = safeyaml.load(path.read_bytes())
    except FileNotFoundError:
        raise EvaluationError(f"no evaluation.yaml in {folder}") from None
    texts = []
    for entry in data.get("texts") or []:
        key = entry.get("key", "?")
        file = folder / str(entry.get("file", ""))
        if not file.is_file():
            raise EvaluationError(f"{path.name}: text {key}: no such file {entry.get('file')}")
        held_out = bool(entry.get("held_out"))
        if held_out != (file.parent.name == "held_out"):
            raise EvaluationError(f"{path.name}: text {key}: held-out texts live in held_out/, the others do not")
        facts = [Fact(str(f["fact"]), [str(t) for t in f.get("terms") or []]) for f in entry.get("facts") or []]
        if any(not f.terms for f in facts):
            raise EvaluationError(f"{path.name}: text {key}: every key fact needs terms")
        texts.append(
            EvalText(
                key=key,
                title=entry.get("title", ""),
                language=entry["language"],
                kind=entry.get("kind", ""),
                held_out=held_out,
                path=file,
                facts=facts,
                licence=entry.get("licence", ""),
            )
        )
    return texts


def load_judgments(path: Path) -> dict[tuple[str, str], Judgment]:
    """Judgments by (text key, signature). A later line for the same item replaces an earlier one, so a
    re-judgment is appended, not edited in place."""
    from ...bank import safeyaml  # noqa: PLC0415

    if not path.is_file():
        return {}
    data = safeyaml.load(path.read_bytes()) or {}
    out: dict[tuple[str, str], Judgment] = {}
    for n, entry in enumerate(data.get("judgments") or [], 1):
        verdict = str(entry.get("verdict") or "").strip()
        reason = str(entry.get("reason") or "").strip()
        where = f"{path.name}: judgment {n} ({entry.get('text')} {entry.get('sig')})"
        if verdict not in VERDICTS:
            raise EvaluationError(f"{where}: verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        if verdict != "usable" and reason.split(":")[0].strip() not in REASONS:
            raise EvaluationError(f"{where}: an {verdict} needs a reason starting with one of: {', '.join(REASONS)}")
        judgment = Judgment(str(entry["text"]), str(entry["sig"]), verdict, reason, str(entry.get("item") or ""))
        out[(judgment.text, judgment.signature)] = judgment
    return out


# --- the run ----------------------------------------------------------------------------------------------------


def queue(candidates: list[Candidate]) -> list[Candidate]:
    """The review queue as the app shows it: the candidates it stores (not those merged into another
    candidate), highest confidence first, derive's order between equals."""
    stored = [c for c in candidates if not isinstance(c.duplicate_of, int)]
    return sorted(stored, key=lambda c: -c.confidence)


def derive_text(text: EvalText, existing: list[ExistingQuestion]) -> tuple[list[Candidate], float]:
    started = time.perf_counter()
    document = prepare(text.raw(), "txt")
    candidates = derive(document.text, language=text.language, existing=existing)
    return queue(candidates), time.perf_counter() - started


def evaluate(
    text: EvalText, candidates: list[Candidate], judgments: dict[tuple[str, str], Judgment], seconds: float = 0.0
) -> TextResult:
    top = candidates[:TOP]
    judged = [(c, judgments.get((text.key, signature(c)))) for c in top]
    counts = dict.fromkeys(VERDICTS, 0)
    reasons: dict[str, int] = {}
    for _c, j in judged:
        if j is not None:
            counts[j.verdict] += 1
            if j.verdict != "usable":
                category = j.reason.split(":")[0].strip()
                reasons[category] = reasons.get(category, 0) + 1
    asked = [f for f in text.facts if any(asks(c, f) for c in candidates)]
    return TextResult(
        key=text.key,
        language=text.language,
        kind=text.kind,
        held_out=text.held_out,
        size=len(text.raw()),
        candidates=len(candidates),
        top=len(top),
        usable=counts["usable"],
        edit=counts["edit"],
        reject=counts["reject"],
        unjudged=sum(j is None for _c, j in judged),
        facts=len(text.facts),
        facts_asked=len(asked),
        facts_asked_top=sum(any(asks(c, f) for c in top) for f in text.facts),
        facts_asked_well=sum(
            any(asks(c, f) for c, j in judged if j is not None and j.verdict != "reject") for f in text.facts
        ),
        answer_in_prompt=sum(answer_in_prompt(c) for c in candidates),
        seconds=seconds,
        reasons=reasons,
        missed=[f.text for f in text.facts if f not in asked],
        queue=judged,
    )


@dataclass
class Summary:
    texts: list[TextResult]

    @property
    def tuning(self) -> Group:
        return Group("tuning", [t for t in self.texts if not t.held_out])

    @property
    def held_out(self) -> Group:
        return Group("held_out", [t for t in self.texts if t.held_out])

    def metrics(self) -> dict:
        per_text = {}
        for t in self.texts:
            per_text[t.key] = {
                "language": t.language,
                "kind": t.kind,
                "held_out": t.held_out,
                "size": t.size,
                "candidates": t.candidates,
                "top": t.top,
                "usable_rate": t.usable_rate,
                "edit_rate": t.edit_rate,
                "reject_rate": t.reject_rate,
                "unjudged": t.unjudged,
                "fact_recall": t.fact_recall,
                "fact_recall_top": t.fact_recall_top,
                "fact_recall_well": t.fact_recall_well,
                "answer_in_prompt": t.answer_in_prompt,
                "seconds": t.seconds,
                "reasons": t.reasons,
                "missed_facts": t.missed,
            }
        return {"tuning": self.tuning.metrics(), "held_out": self.held_out.metrics(), "texts": per_text}


def run(folder: Path = HERE, existing: list[ExistingQuestion] = (), judgments_path: Path | None = None) -> Summary:
    """Derive every text of the evaluation set and score its queue against the key facts and judgments."""
    from ..engine import load_models  # noqa: PLC0415

    load_models()
    texts = load_texts(folder)
    judgments = load_judgments(judgments_path or folder / "judgments.yaml")
    results = []
    for text in texts:
        candidates, seconds = derive_text(text, list(existing))
        results.append(evaluate(text, candidates, judgments, seconds))
    return Summary(results)


# --- judging ----------------------------------------------------------------------------------------------------


def describe(c: Candidate) -> str:
    """The item in one line, as it is stored beside its judgment."""
    line = f"[{c.kind}] {c.prompt}"
    if c.kind == "flashcard":
        line += f" || {c.back}"
    elif c.choices:
        line += " {" + " / ".join(("*" if ok else "") + t for t, ok in c.choices) + "}"
    if c.kind != "cloze":
        line += f" -> {c.answer}"
    if c.alternatives:
        line += f" (also: {', '.join(c.alternatives)})"
    return " ".join(line.split())


def unjudged_entries(summary: Summary) -> str:
    """The top-20 items nobody has judged yet, ready to be judged and appended to judgments.yaml: a comment
    block to read (rank, passage, flags) and the line to complete (verdict, and a reason for edit or reject)."""
    blocks = []
    for t in summary.texts:
        for rank, (c, j) in enumerate(t.queue, 1):
            if j is not None:
                continue
            passage = " ".join(c.passage.split())
            if len(passage) > 400:
                at = passage.find(c.highlight) if c.highlight else -1
                start = max(0, min(at - 150, len(passage) - 400)) if at >= 0 else 0
                passage = ("…" if start else "") + passage[start : start + 400] + "…"
            blocks.append(
                "\n".join(
                    [
                        f"  # {t.key} #{rank} ({'held out' if t.held_out else 'tuning'}), confidence "
                        f"{c.confidence:.2f}, flags: {', '.join(c.flags) or '-'}",
                        f"  #   {describe(c)}",
                        f"  #   passage: {passage}",
                        f"  - {{text: {t.key}, sig: {signature(c)}, verdict: , reason: '', "
                        f"item: {_quote(describe(c)[:200])}}}",
                    ]
                )
            )
    return "\n".join(blocks)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
