"""manage.py benchmark_deriver: the deriver's figures on the shipped texts and on the evaluation set of unseen
texts, and the CI gate on their floor (tests/deriving/test_evaluation.py tests the evaluation set's parts)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
FLOOR = ROOT / "docs" / "deriver-floor.json"


def run(*args: str) -> str:
    out = StringIO()
    call_command("benchmark_deriver", *args, stdout=out)
    return out.getvalue()


def test_the_deriver_stays_above_its_committed_floor():
    output = run("--check", str(FLOOR))
    for key in (
        "gene-therapy-what-is-it",
        "inserm-gene-therapy",
        "therapie-genique-hopital",
        "paediatric-malignancies",
        "medicaments-therapie-innovante",
        "overall",
        # the evaluation set, tuning and held-out texts apart
        "debian-history-en",
        "faq-debian-definitions-fr",
        "tuning",
        "held_out",
    ):
        assert key in output
    assert "All figures are at or above the floor" in output


def test_the_committed_floor_gates_the_evaluation_set_too():
    floor = json.loads(FLOOR.read_text())["evaluation"]
    for group in ("tuning", "held_out"):
        assert {"usable_rate", "fact_recall"} <= set(floor[group]["min"])
        assert floor[group]["max"]["answer_in_prompt"] == 0 and "reject_rate" in floor[group]["max"]
    assert len(floor["texts"]) >= 8


def test_it_lists_every_metric_below_its_floor(tmp_path):
    floor = json.loads(FLOOR.read_text())
    floor["min"]["precision_at_10"] = 0.99
    floor["min"]["recall"] = 0.99
    floor["texts"]["inserm-gene-therapy"]["min"]["recall"] = 0.99
    path = tmp_path / "floor.json"
    path.write_text(json.dumps(floor))
    with pytest.raises(CommandError) as error:
        run("--only", "bank", "--check", str(path))
    message = str(error.value)
    assert "overall precision_at_10" in message and "overall recall" in message
    assert "inserm-gene-therapy recall" in message


def test_json_output_has_the_figures():
    data = json.loads(run("--json"))
    assert {"tuning", "held_out", "texts"} <= set(data.pop("evaluation"))
    assert set(data["texts"]) == {
        "gene-therapy-what-is-it",
        "inserm-gene-therapy",
        "therapie-genique-hopital",
        "paediatric-malignancies",
        "medicaments-therapie-innovante",
    }
    assert data["duplicate_rate"] == 0 and data["leak_rate"] == 0
    assert 0 < data["precision_at_10"] <= 1


def test_a_missing_floor_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("--check", str(tmp_path / "nope.json"))


def test_each_text_is_derived_as_a_new_text_without_its_own_bank_questions(monkeypatch):
    """The bank's answers are the key terms: the deriver must not see that text's own bank questions, which would
    flag every match as a duplicate; the other texts' questions are the bank it checks against."""
    from quizzes.bank import safeyaml  # noqa: PLC0415
    from quizzes.deriving import benchmark  # noqa: PLC0415

    given: list[set[str]] = []
    real = benchmark.derive

    def derive(text, *, language=None, existing=()):
        given.append({e.external_id for e in existing})
        return real(text, language=language, existing=existing)

    monkeypatch.setattr(benchmark, "derive", derive)
    summary = benchmark.run(ROOT / "bank")
    by_source: dict[str, set[str]] = {}
    for path in (ROOT / "bank" / "questions").glob("*.yaml"):
        for q in safeyaml.load(path.read_bytes())["questions"]:
            by_source.setdefault(q["source"], set()).add(q["id"])
    everything = set().union(*by_source.values())
    assert [r.key for r in summary.texts] and len(given) == len(summary.texts) == 5
    for ids, result in zip(given, summary.texts, strict=True):
        assert ids == everything - by_source[result.key]
