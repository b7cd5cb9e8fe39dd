"""Typed answers that learners really type: every short and cloze item of the shipped bank is graded, with the app's
own grader, against plausible right and wrong answers kept in typed_answers.yaml (issue 16)."""

from pathlib import Path

import pytest
import yaml

from quizzes.bank.grading import grade
from quizzes.bank.models import Question
from quizzes.bank.yaml_bank import BankFile, import_bank
from quizzes.management.commands.setup_demo import shipped_bank_files

BANK = Path(__file__).resolve().parents[2] / "bank"
TYPED_ANSWERS = Path(__file__).with_name("typed_answers.yaml")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def yaml_questions() -> list[dict]:
    return [q for path in sorted((BANK / "questions").glob("*.yaml")) for q in _load(path)["questions"]]


@pytest.fixture
def shipped(db):
    import_bank([BankFile.from_path(p) for p in shipped_bank_files()])


def test_every_typed_item_has_plausible_answers_in_the_table():
    typed = {q["id"] for q in yaml_questions() if q["kind"] in ("short", "cloze")}
    table = _load(TYPED_ANSWERS)
    assert sorted(typed - set(table)) == [], "add right and wrong answers for these items"
    assert sorted(set(table) - typed) == [], "these items are no longer typed items of the bank"
    for qid, entry in table.items():
        assert entry["right"] and len(entry["wrong"]) >= 2, qid


def test_right_typed_answers_pass_and_wrong_ones_fail(shipped):
    table = _load(TYPED_ANSWERS)
    questions = {q.external_id: q for q in Question.objects.filter(external_id__in=table)}
    failures = []
    for qid, entry in table.items():
        q = questions[qid]
        for expected, key in ((True, "right"), (False, "wrong")):
            for typed in entry[key]:
                answer = {"text": str(typed)} if q.kind == "short" else {"blanks": [str(t) for t in typed]}
                if grade(q, answer).is_correct != expected:
                    failures.append(f"{qid} {key}: {typed!r}")
    assert failures == []
