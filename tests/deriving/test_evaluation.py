"""The evaluation set of unseen texts: its files, the judgment matching, key-fact recall, and --unjudged."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.deriving import evaluation
from quizzes.deriving.engine import Candidate

ROOT = Path(__file__).resolve().parents[2]


def item(kind="cloze", prompt="AppArmor is built on [[LSM]].", answer="LSM", **fields) -> Candidate:
    return Candidate(
        kind=kind, prompt=prompt, answer=answer, passage="AppArmor is built on LSM.", language="en",
        confidence=0.5, reason="", answer_type="acronym", **fields,
    )  # fmt: skip


# --- the committed set ------------------------------------------------------------------------------------------


def test_the_committed_set_has_texts_with_facts_and_a_held_out_part_in_both_languages():
    texts = evaluation.load_texts()
    assert len(texts) >= 8
    held_out = [t for t in texts if t.held_out]
    assert {t.language for t in held_out} == {"en", "fr"} and len(held_out) >= 3
    assert {t.language for t in texts if not t.held_out} == {"en", "fr"}
    for t in texts:
        assert 4_000 <= len(t.raw()) <= 30_000, t.key
        assert 5 <= len(t.facts) <= 8, t.key
        assert t.licence and t.kind, t.key
        assert (t.path.parent.name == "held_out") == t.held_out


def test_the_committed_judgments_load_and_name_texts_of_the_set():
    judgments = evaluation.load_judgments(evaluation.HERE / "judgments.yaml")
    keys = {t.key for t in evaluation.load_texts()}
    assert len(judgments) >= 150
    assert {text for text, _sig in judgments} <= keys


# --- signatures -------------------------------------------------------------------------------------------------


def test_a_signature_ignores_case_spacing_rank_and_choice_order_but_not_what_the_learner_sees():
    a = item(
        kind="single",
        prompt="Fill in: _____ is a MAC.",
        answer="AppArmor",
        choices=[("AppArmor", True), ("SELinux", False)],
    )
    same = item(
        kind="single",
        prompt="fill in:  _____ is a mac.",
        answer="apparmor",
        choices=[("SELinux", False), ("AppArmor", True)],
    )
    same.confidence = 0.9
    other_distractor = item(
        kind="single",
        prompt="Fill in: _____ is a MAC.",
        answer="AppArmor",
        choices=[("AppArmor", True), ("Smack", False)],
    )
    other_kind = item(kind="short", prompt="Fill in: _____ is a MAC.", answer="AppArmor")
    assert evaluation.signature(a) == evaluation.signature(same)
    assert evaluation.signature(a) != evaluation.signature(other_distractor)
    assert evaluation.signature(a) != evaluation.signature(other_kind)
    assert re.fullmatch(r"[0-9a-f]{12}", evaluation.signature(a))  # fmt: skip


# --- key facts --------------------------------------------------------------------------------------------------


def test_a_fact_is_asked_by_a_candidate_testing_one_of_its_terms():
    fact = evaluation.Fact("AppArmor is built on LSM", ["LSM", "Linux Security Modules"])
    assert evaluation.asks(item(), fact)  # the cloze's blank
    assert evaluation.asks(item(kind="short", prompt="What does LSM stand for?", answer="Linux Security Modules"), fact)
    # a further blank of a cloze counts too
    assert evaluation.asks(item(prompt="[[AppArmor]] is built on [[LSM]].", answer="AppArmor"), fact)
    # naming the term in the prompt is not asking it
    assert not evaluation.asks(item(prompt="[[AppArmor]] is built on LSM.", answer="AppArmor"), fact)
    # a true/false tests its term, not the word True
    statement = item(kind="true_false", prompt="AppArmor appeared in 1998.", answer="True", term="1998")
    assert evaluation.asks(statement, evaluation.Fact("year", ["1998"]))
    assert not evaluation.asks(statement, evaluation.Fact("true", ["True"]))


def test_a_tested_term_covers_a_fact_term_only_if_it_holds_all_of_it():
    assert evaluation.covers("the aa-unconfined command", "aa-unconfined")
    assert evaluation.covers("Linux Security Module", "linux security modules")
    assert evaluation.covers("Kolmogorov-Smirnoff", "Kolmogorov-Smirnov")
    assert not evaluation.covers("Debian Linux", "Debian Linux Association")
    assert not evaluation.covers("GNU", "GNU Emacs")
    assert not evaluation.covers("Debian 1.2", "1.1")
    assert not evaluation.covers("aa-unconfined command of AppArmor", "aa-unconfined")


def test_an_answer_readable_in_its_prompt_is_counted():
    assert evaluation.answer_in_prompt(item(prompt="LSM: AppArmor is built on [[LSM]].", answer="LSM"))
    assert evaluation.answer_in_prompt(
        item(prompt="[[AppArmor]] uses LSM; [[LSM]] is in the kernel.", answer="AppArmor")
    )
    assert evaluation.answer_in_prompt(item(kind="short", prompt="What does LSM (LSM) stand for?", answer="LSM"))
    assert not evaluation.answer_in_prompt(item())
    assert not evaluation.answer_in_prompt(item(kind="flashcard", prompt="What is LSM?", answer="LSM", back="…"))


# --- judgments and the scores of one text -----------------------------------------------------------------------


def write_judgments(path: Path, lines: list[str]) -> Path:
    path.write_text("judgments:\n" + "".join(f"  - {line}\n" for line in lines), encoding="utf-8")
    return path


def test_judgments_need_a_known_verdict_and_a_reason_for_edit_or_reject(tmp_path):
    path = write_judgments(tmp_path / "j.yaml", ["{text: t, sig: abc, verdict: maybe}"])
    with pytest.raises(evaluation.EvaluationError, match="verdict must be one of usable, edit, reject"):
        evaluation.load_judgments(path)
    write_judgments(path, ["{text: t, sig: abc, verdict: reject, reason: 'bad'}"])
    with pytest.raises(evaluation.EvaluationError, match="needs a reason starting with one of"):
        evaluation.load_judgments(path)
    write_judgments(path, ["{text: t, sig: abc, verdict: usable}"])
    assert evaluation.load_judgments(path)[("t", "abc")].verdict == "usable"
    assert evaluation.load_judgments(tmp_path / "none.yaml") == {}


def test_a_later_judgment_of_the_same_item_replaces_the_earlier_one(tmp_path):
    path = write_judgments(
        tmp_path / "j.yaml",
        ["{text: t, sig: abc, verdict: usable}", "{text: t, sig: abc, verdict: reject, reason: 'span error: x'}"],
    )
    assert evaluation.load_judgments(path)[("t", "abc")].verdict == "reject"


def test_a_text_scores_its_top_20_and_counts_unjudged_items_as_not_usable(tmp_path):
    text_path = tmp_path / "t.txt"
    text_path.write_text("x" * 10, encoding="utf-8")
    facts = [evaluation.Fact("LSM", ["LSM"]), evaluation.Fact("late", ["Smack"]), evaluation.Fact("never", ["TOMOYO"])]
    text = evaluation.EvalText("t", "T", "en", "manual", False, text_path, facts)
    queue = [item(prompt=f"Item {i} is [[thing{i}]].", answer=f"thing{i}") for i in range(25)]
    queue[0] = item()  # asks LSM
    queue[22] = item(prompt="[[Smack]] is another LSM.", answer="Smack")  # asks "late", after the top 20
    sigs = [evaluation.signature(c) for c in queue]
    judgments = {("t", sigs[0]): evaluation.Judgment("t", sigs[0], "usable")}
    judgments |= {("t", s): evaluation.Judgment("t", s, "edit", "span error") for s in sigs[1:6]}
    judgments |= {("t", s): evaluation.Judgment("t", s, "reject", "unimportant target: x") for s in sigs[6:10]}
    judgments[("other", sigs[10])] = evaluation.Judgment("other", sigs[10], "usable")  # another text's verdict

    result = evaluation.evaluate(text, queue, judgments)

    assert (result.top, result.usable, result.edit, result.reject, result.unjudged) == (20, 1, 5, 4, 10)
    assert (result.usable_rate, result.edit_rate, result.reject_rate) == (0.05, 0.25, 0.2)
    assert result.reasons == {"span error": 5, "unimportant target": 4}
    assert (result.facts_asked, result.facts_asked_top, result.facts_asked_well) == (2, 1, 1)
    assert result.missed == ["never"]
    group = evaluation.Group("tuning", [result, result])
    assert group.usable_rate == 0.05 and group.fact_recall == pytest.approx(2 / 3)


# --- the command: --unjudged, judging, floors -------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("benchmark_deriver", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tiny_set(tmp_path):
    """A one-text evaluation set, held out, with no judgments yet."""
    (tmp_path / "held_out").mkdir()
    (tmp_path / "held_out" / "aa.txt").write_text(
        "AppArmor is a Mandatory Access Control (MAC) system built on Linux's LSM (Linux Security Modules) "
        "interface.\n\nAppArmor profiles are stored in /etc/apparmor.d/ and are loaded by apparmor_parser.\n\n"
        "SELinux was first released in 2000 by the NSA. AppArmor was first released in 1998.\n",
        encoding="utf-8",
    )
    (tmp_path / "evaluation.yaml").write_text(
        "version: 1\ntexts:\n  - key: aa\n    title: AppArmor\n    language: en\n    kind: manual\n"
        "    held_out: true\n    file: held_out/aa.txt\n    licence: CC0\n    facts:\n"
        "      - {fact: AppArmor is a MAC system, terms: [Mandatory Access Control, MAC]}\n"
        "      - {fact: It is not Tomoyo, terms: [TOMOYO]}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_unjudged_items_are_listed_ready_to_append_and_count_as_judged_once_appended(tiny_set):
    listing = run("--unjudged", "--evaluation-dir", str(tiny_set))
    lines = [line for line in listing.splitlines() if line.startswith("  - {")]
    assert lines and all("verdict: ," in line for line in lines)
    assert "passage:" in listing and "aa #1 (held out)" in listing

    before = run("--only", "evaluation", "--evaluation-dir", str(tiny_set))
    assert re.search(rf"^aa .* {len(lines)}\s+2\s", before, re.MULTILINE)  # all unjudged, two facts

    judged = [line.replace("verdict: , reason: ''", "verdict: usable, reason: ''") for line in lines]
    judged[0] = lines[0].replace("verdict: , reason: ''", "verdict: reject, reason: 'span error: test'")
    write_judgments(tiny_set / "judgments.yaml", [line.removeprefix("  - ") for line in judged])

    assert "Every top-20 item of the evaluation set is judged." in run("--unjudged", "--evaluation-dir", str(tiny_set))
    after = evaluation.run(tiny_set).texts[0]
    assert after.unjudged == 0 and after.reject == 1 and after.usable == len(lines) - 1


def test_a_broken_judgments_file_is_a_clear_error(tiny_set):
    write_judgments(tiny_set / "judgments.yaml", ["{text: aa, sig: abc, verdict: fine}"])
    with pytest.raises(CommandError, match="judgment 1 .*verdict must be one of"):
        run("--only", "evaluation", "--evaluation-dir", str(tiny_set))


def test_the_evaluation_floor_lists_every_figure_outside_it(tmp_path):
    import json  # noqa: PLC0415

    floor = json.loads((ROOT / "docs" / "deriver-floor.json").read_text())["evaluation"]
    floor["held_out"]["min"]["usable_rate"] = 0.99
    floor["tuning"]["max"]["reject_rate"] = 0.0
    floor["texts"]["apparmor-en"]["min"]["fact_recall"] = 0.99
    floor["texts"]["no-such-text"] = {"min": {"usable_rate": 0.1}}
    path = tmp_path / "floor.json"
    path.write_text(json.dumps({"evaluation": floor}))
    with pytest.raises(CommandError) as error:
        run("--only", "evaluation", "--check", str(path))
    message = str(error.value)
    assert "evaluation held_out usable_rate" in message and "below the floor 0.990" in message
    assert "evaluation tuning reject_rate" in message and "above the ceiling 0.000" in message
    assert "evaluation apparmor-en fact_recall" in message
    assert "evaluation no-such-text: no such text in the evaluation set" in message
