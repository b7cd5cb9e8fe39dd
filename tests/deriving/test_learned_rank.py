"""The learned ranker (engine.learned, evaluation.training; docs/deriving.md, "Session 7: a learned ranker"): its
training on the tuning texts' judgments reproduces the committed weights without reading a held-out text, it ranks an
item a teacher publishes above one of a pattern the teacher rejects, and the review queue says why.
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

from quizzes.deriving import benchmark, evaluation
from quizzes.deriving.engine import Candidate, derive, learned
from quizzes.deriving.evaluation import training
from quizzes.deriving.models import localized_ranking

COMMITTED = json.loads(learned.WEIGHTS.read_text(encoding="utf-8"))


def _expansion_card() -> Candidate:
    """An acronym's expansion on a defining sentence: judged usable on every text that has one."""
    passage = "AppArmor is a Mandatory Access Control (MAC) system built on Linux's LSM interface."
    return Candidate(
        kind="short",
        prompt="What does MAC stand for?",
        answer="Mandatory Access Control",
        passage=passage,
        language="en",
        confidence=0.83,
        reason="",
        answer_type="acronym",
        term="MAC",
        start=120,
        end=120 + len(passage),
        ranking={"importance": 0.46, "mentions": 1, "central": 0.43, "rarity": 0.8, "confidence": 0.83, "lowered": []},
    )


def _transcript_cloze() -> Candidate:
    """A blank in a flattened interactive transcript, opening on a pronoun: rejected as text furniture."""
    passage = "It asks: [1 - /usr/sbin/dhclient] 2 - /usr/sbin/dhclient-script (S)ave Changes / Abo(r)t S Writing"
    return Candidate(
        kind="cloze",
        prompt=passage.replace("Abo(r)t", "[[Abo]](r)t"),
        answer="Abo",
        passage=passage,
        language="en",
        confidence=0.024,
        reason="",
        answer_type="term",
        term="Abo",
        flags=["no-final-period"],
        start=4000,
        end=4000 + len(passage),
        ranking={
            "importance": 0.74,
            "mentions": 6,
            "central": 0.74,
            "rarity": 0.9,
            "confidence": 0.4,
            "lowered": [["no final full stop", 0.8]],
        },
    )


def test_training_on_the_tuning_judgments_reproduces_the_committed_weights(monkeypatch):
    opened = []
    raw = evaluation.EvalText.raw
    monkeypatch.setattr(evaluation.EvalText, "raw", lambda self: opened.append(self) or raw(self))
    items = training.tuning_items(existing=benchmark.bank_questions(Path(settings.BASE_DIR) / "bank"))
    fitted = training.fit(items)

    assert opened and not any(t.held_out for t in opened)  # the held-out texts are never read
    held_out = {t.key for t in evaluation.load_texts() if t.held_out}
    assert not held_out & set(fitted["texts"]) and fitted["texts"] == COMMITTED["texts"]
    assert fitted["items"] == COMMITTED["items"] == sum(i.verdict is not None for i in items)
    assert fitted["features"] == list(learned.FEATURES) == COMMITTED["features"]
    assert abs(fitted["bias"] - COMMITTED["bias"]) < 1e-4
    for part in ("weights", "mean", "scale"):
        for name, value in fitted[part].items():
            assert abs(value - COMMITTED[part][name]) < 1e-4, f"{part} {name}: run manage.py train_deriver_ranker"


def test_the_scorer_ranks_a_usable_looking_item_above_a_rejected_pattern():
    ranker = learned.Model(COMMITTED)
    card, transcript = _expansion_card(), _transcript_cloze()

    assert ranker.score(learned.features(card, 9000)) > 0.6 > ranker.score(learned.features(transcript, 9000))
    assert learned.rerank([transcript, card], "x" * 9000, ranker) == [card, transcript]
    assert card.ranking["rules"] == 0.83 and card.confidence == card.ranking["learned"]


def test_the_review_queue_shows_the_learned_score_and_what_moved_it():
    ranker = learned.Model(COMMITTED)
    card, transcript = _expansion_card(), _transcript_cloze()
    learned.rerank([card, transcript], "x" * 9000, ranker)

    line = localized_ranking(transcript.ranking)
    assert line.startswith(f"Rank: learned score {transcript.ranking['learned']:.2f} (")
    assert "lowered by the rules' score" in line  # its biggest share, the rules' low score
    assert "raised by" in localized_ranking(card.ranking)
    with translation.override("fr"):
        assert "score appris" in localized_ranking(card.ranking)
        assert "abaissé par le score des règles" in localized_ranking(transcript.ranking)


def test_the_learned_score_stays_off_while_cross_validation_does_not_beat_the_rules():
    # leave-one-text-out on the tuning texts: mean AUC 0.81 against the rules' 0.88 (docs/deriving.md, Session 7)
    assert COMMITTED["enabled"] is False and learned.model() is None
    found = derive("AppArmor is a Mandatory Access Control (MAC) system. AppArmor uses profiles.", language="en")
    assert found and all("learned" not in c.ranking for c in found)
