"""Learning the deriver's ranker (engine.learned) from the judged items of the TUNING texts, and estimating how it
does on a text it has not seen by leave-one-text-out cross-validation.

The held-out texts are never read here: the texts are filtered to the tuning ones before any is opened, and the
judgments to the tuning texts' keys before any is used. Each tuning text is derived as the evaluation derives it,
with the rules alone ranking; an item of its queue whose signature has a verdict is a training example (usable 1,
edit 0.5, reject 0). The fit is an L2-regularised logistic regression on standardised features, solved by Newton's
method: deterministic, so the same judgments and the same deriver give the same weights.
"""

import math
from dataclasses import dataclass
from pathlib import Path

from ..engine import ExistingQuestion, derive, prepare
from ..engine.learned import FEATURES, Model
from ..engine.learned import features as item_features
from . import HERE, TOP, load_judgments, load_texts, queue, signature

TARGET = {"usable": 1.0, "edit": 0.5, "reject": 0.0}
# Chosen before cross-validation, not by it (the grid `--cv` also prints is for reading only): with about 170 items
# and 32 features, a weight of 1 on a standardised feature costs as much as ~0.1 of the items' log-loss.
L2 = 8.0
ITERATIONS = 25


@dataclass
class Item:
    text: str
    rank: int  # in the rules' queue
    x: dict[str, float]
    verdict: str | None  # None: nobody judged it
    rules: float  # the rules' score

    @property
    def target(self) -> float | None:
        return TARGET.get(self.verdict) if self.verdict else None


def tuning_items(
    folder: Path = HERE, judgments_path: Path | None = None, existing: list[ExistingQuestion] = ()
) -> list[Item]:
    """Every item of every tuning text's queue (ranked by the rules), with its verdict when it has one."""
    texts = [t for t in load_texts(folder) if not t.held_out]
    keys = {t.key for t in texts}
    judgments = {k: j for k, j in load_judgments(judgments_path or folder / "judgments.yaml").items() if k[0] in keys}
    items = []
    for t in texts:
        document = prepare(t.raw(), "txt")
        found = queue(derive(document.text, language=t.language, existing=list(existing), learned=False))
        for rank, c in enumerate(found):
            j = judgments.get((t.key, signature(c)))
            items.append(
                Item(t.key, rank, item_features(c, len(document.text)), j.verdict if j else None, c.confidence)
            )
    return items


# --- the fit ----------------------------------------------------------------------------------------------------


def fit(items: list[Item], l2: float = L2) -> dict:
    """The weights file's content, learned from the judged items."""
    judged = [i for i in items if i.target is not None]
    n = len(judged)
    mean = {f: sum(i.x[f] for i in judged) / n for f in FEATURES}
    scale = {}
    for f in FEATURES:
        sd = math.sqrt(sum((i.x[f] - mean[f]) ** 2 for i in judged) / n)
        scale[f] = sd if sd > 1e-9 else 1.0
    rows = [[1.0] + [(i.x[f] - mean[f]) / scale[f] for f in FEATURES] for i in judged]
    ys = [i.target for i in judged]
    w = _newton(rows, ys, l2)
    return {
        "features": list(FEATURES),
        "bias": round(w[0], 6),
        "weights": {f: round(v, 6) for f, v in zip(FEATURES, w[1:], strict=True)},
        "mean": {f: round(v, 6) for f, v in mean.items()},
        "scale": {f: round(v, 6) for f, v in scale.items()},
        "l2": l2,
        "items": n,
        "verdicts": {v: sum(i.verdict == v for i in judged) for v in TARGET},
        "texts": sorted({i.text for i in judged}),
    }


def _newton(rows: list[list[float]], ys: list[float], l2: float) -> list[float]:
    """Minimise Σ log-loss(y, σ(w·x)) + l2/2 |w|² (the bias, column 0, not penalised)."""
    k = len(rows[0])
    w = [0.0] * k
    for _ in range(ITERATIONS):
        grad = [l2 * w[j] if j else 0.0 for j in range(k)]
        hess = [[(l2 if a == b and a else 0.0) + (1e-6 if a == b else 0.0) for b in range(k)] for a in range(k)]
        for x, y in zip(rows, ys, strict=True):
            p = _sigmoid(sum(a * b for a, b in zip(w, x, strict=True)))
            g, h = p - y, p * (1 - p)
            for a in range(k):
                grad[a] += g * x[a]
                ha = h * x[a]
                row = hess[a]
                for b in range(a, k):
                    row[b] += ha * x[b]
        for a in range(k):
            for b in range(a):
                hess[a][b] = hess[b][a]
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-10:
            break
    return w


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the matrix is small and positive definite)."""
    k = len(vector)
    m = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(k):
        pivot = max(range(col, k), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, k):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, k + 1):
                    m[r][c] -= f * m[col][c]
    out = [0.0] * k
    for r in range(k - 1, -1, -1):
        out[r] = (m[r][k] - sum(m[r][c] * out[c] for c in range(r + 1, k))) / m[r][r]
    return out


# --- leave-one-text-out cross-validation -------------------------------------------------------------------------


@dataclass
class Fold:
    text: str
    judged: int
    auc_rules: float  # usable above reject, among the text's judged items
    auc_learned: float
    top_judged: int  # the best k of the judged items, by each score
    usable_rules: int
    reject_rules: int
    usable_learned: int
    reject_learned: int
    # the whole queue re-ranked: its top 20 (an unjudged item counts as neither usable nor rejected)
    queue_rules: tuple[int, int, int, int]  # usable, edit, reject, unjudged
    queue_learned: tuple[int, int, int, int]


JUDGED_TOP = 10


def cross_validate(items: list[Item], l2: float = L2) -> list[Fold]:
    """Each tuning text scored by a model learned on the other five."""
    folds = []
    for key in sorted({i.text for i in items}):
        ranker = Model(fit([i for i in items if i.text != key], l2))
        mine = [i for i in items if i.text == key]
        learned = {id(i): ranker.score(i.x) for i in mine}
        judged = [i for i in mine if i.target is not None]
        k = min(JUDGED_TOP, len(judged))
        by_rules = sorted(judged, key=lambda i: i.rank)[:k]
        by_learned = sorted(judged, key=lambda i: (-learned[id(i)], i.rank))[:k]
        queue_rules = sorted(mine, key=lambda i: i.rank)[:TOP]
        queue_learned = sorted(mine, key=lambda i: (-learned[id(i)], i.rank))[:TOP]
        folds.append(
            Fold(
                text=key,
                judged=len(judged),
                auc_rules=_auc(judged, lambda i: -i.rank),
                auc_learned=_auc(judged, lambda i, scores=learned: scores[id(i)]),
                top_judged=k,
                usable_rules=sum(i.verdict == "usable" for i in by_rules),
                reject_rules=sum(i.verdict == "reject" for i in by_rules),
                usable_learned=sum(i.verdict == "usable" for i in by_learned),
                reject_learned=sum(i.verdict == "reject" for i in by_learned),
                queue_rules=_counts(queue_rules),
                queue_learned=_counts(queue_learned),
            )
        )
    return folds


def _auc(judged: list[Item], score) -> float:
    """How often a usable item scores above a rejected one (ties count half)."""
    good = [score(i) for i in judged if i.verdict == "usable"]
    bad = [score(i) for i in judged if i.verdict == "reject"]
    if not good or not bad:
        return float("nan")
    wins = sum(1.0 if g > b else 0.5 if g == b else 0.0 for g in good for b in bad)
    return wins / (len(good) * len(bad))


def _counts(top: list[Item]) -> tuple[int, int, int, int]:
    return (
        sum(i.verdict == "usable" for i in top),
        sum(i.verdict == "edit" for i in top),
        sum(i.verdict == "reject" for i in top),
        sum(i.verdict is None for i in top),
    )
