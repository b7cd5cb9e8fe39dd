"""manage.py import_questions and export_questions."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.bank.models import Question, Source
from tests.factory import Role, make_question, make_quizset, make_user

HERE = Path(__file__).parent


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    result = call_command(*args, stdout=out, stderr=err)
    return (result or "") + out.getvalue(), err.getvalue()


def test_import_questions_with_a_progress_bar_and_what_was_dropped(db):
    make_user("teach", Role.TEACHER)
    out, err = run("import_questions", str(HERE / "sample.gift"), str(HERE / "sample.xml"), "--owner", "teach")
    assert out.startswith("Imported 18 question(s) from 2 file(s).")
    assert "questions [##############################] 18/18" in err
    assert "sample.gift:34: essay: an essay question: not imported (nothing to grade)" in err
    assert f"{HERE / 'sample.xml'}:7: vector-kind: Moodle XML has no passage; 1 image(s) or media ignored" in err
    assert Question.objects.filter(owner__username="teach").count() == 18


def test_import_questions_refuses_with_every_error_and_writes_nothing(db, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("Q {=a\n\nR {~a ~b}\n")
    with pytest.raises(CommandError) as caught:
        run("import_questions", str(bad), str(HERE / "sample.gift"), "--shared")
    assert str(caught.value) == (
        f"2 error(s), nothing was imported:\n{bad}:1: the answers open with {{ but never close with }}\n"
        f"{bad}:3: no choice is right"
    )
    assert not Source.objects.exists()


def test_import_questions_says_whose_they_are_and_keeps_yaml_apart(db, tmp_path):
    with pytest.raises(CommandError, match="--owner USERNAME"):
        run("import_questions", str(HERE / "sample.gift"))
    bank = tmp_path / "bank.yaml"
    bank.write_text("version: 1\n")
    with pytest.raises(CommandError, match="import bank YAML files on their own"):
        run("import_questions", str(bank), str(HERE / "sample.gift"), "--shared")
    with pytest.raises(CommandError, match="unknown format"):
        run("import_questions", str(HERE / "__init__.py"), "--shared")


@pytest.mark.parametrize("fmt", ["gift", "xml", "csv"])
def test_export_questions_of_a_quiz_set(db, fmt):
    quizset = make_quizset("vectors", [make_question("aav-1"), make_question("tf-1", kind="ordering")])
    out, err = run("export_questions", "--format", fmt, "--quizset", quizset.key)
    assert "aav-1" in out
    assert "exporting 2 question(s)" in err
    if fmt == "gift":
        assert "left out: tf-1: Ordering cannot be written in GIFT" in err


def test_export_questions_as_an_anki_package_needs_a_file(db, tmp_path):
    make_question("aav-1")
    with pytest.raises(CommandError, match="-o FILE.apkg"):
        run("export_questions", "--format", "apkg")
    target = tmp_path / "bank.apkg"
    run("export_questions", "--format", "apkg", "-o", str(target))
    assert target.read_bytes()[:4] == b"PK\x03\x04"


def test_export_questions_of_a_learners_studies(db, tmp_path):
    from quizzes.study.scheduling import add_study

    learner = make_user("lea", Role.LEARNER)
    studied = make_question("card-1", kind="flashcard", prompt="AAV?", back="Adeno-associated virus")
    make_question("other-1", kind="flashcard", prompt="CAR?", back="Chimeric antigen receptor")
    add_study(learner, quizset=make_quizset("mine", [studied]))
    out, _err = run("export_questions", "--format", "csv", "--studies", "lea")
    assert "card-1,flashcard,AAV?,Adeno-associated virus" in out and "other-1" not in out
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run("export_questions", "--format", "csv", "--studies", "nobody")
