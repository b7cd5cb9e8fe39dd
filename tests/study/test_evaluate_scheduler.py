"""manage.py evaluate_scheduler: a readable comparison table, and errors that name the file and line."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.study.evaluation import ANKI_SM2, FSRS_DEFAULT, FSRS_FITTED
from quizzes.study.revlog import write_revlog
from tests.study.test_evaluation import generated_log


@pytest.fixture
def revlog(tmp_path) -> Path:
    path = tmp_path / "revlog.csv"
    with path.open("w", newline="") as f:
        write_revlog(generated_log(), f)
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_scheduler", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_three_models_and_the_split(revlog):
    output = run("--revlog", str(revlog))
    assert f"{revlog}: 5,987 reviews of 500 cards, split at 2025-02-21 12:22 UTC." in output
    assert "fitted on the 2,993 reviews before the split; every model is scored on the 2,994 reviews" in output
    assert "days start at 04:00, UTC" in output
    rows = {}
    for name in (FSRS_DEFAULT, FSRS_FITTED, ANKI_SM2):
        match = re.search(rf"^{re.escape(name)} +([\d,]+) +(0\.\d{{4}}) +(0\.\d{{4}}) +(0\.\d{{4}})$", output, re.M)
        assert match, f"no row for {name} in:\n{output}"
        rows[name] = [float(x.replace(",", "")) for x in match.groups()]
    assert rows[FSRS_FITTED][1] < rows[FSRS_DEFAULT][1] < rows[ANKI_SM2][1]
    assert len({row[0] for row in rows.values()}) == 1


def test_options(revlog):
    output = run(
        "--revlog", str(revlog), "--train-fraction", "0.7", "--timezone", "Europe/Paris", "--rollover-hour", "0"
    )
    assert "fitted on the 4,190 reviews before the split" in output
    assert "days start at 00:00, Europe/Paris" in output


def test_a_bad_file_names_its_lines(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("card_id,review_time,review_rating\n1,1735732800000,3\n1,17357328OOOOO,3\n2,1735732800000,0\n")
    with pytest.raises(CommandError) as exc:
        run("--revlog", str(path))
    assert str(exc.value) == (
        f"{path} was refused:\n"
        f"{path}:3: review_time: '17357328OOOOO' is neither epoch milliseconds nor an ISO 8601 time with an offset "
        "(2026-09-01T09:00:00+02:00)\n"
        f"{path}:4: review_rating: 0 is out of range (1 to 4)"
    )


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file: .*nope.csv"):
        run("--revlog", str(tmp_path / "nope.csv"))


def test_too_few_reviews(tmp_path):
    path = tmp_path / "small.csv"
    with path.open("w", newline="") as f:
        write_revlog(generated_log()[:300], f)
    with pytest.raises(CommandError, match=r"small.csv: fitting needs at least 400 reviews"):
        run("--revlog", str(path))


@pytest.mark.parametrize(
    "option, message",
    [
        (["--train-fraction", "1.5"], "the train fraction must be between 0 and 1, not 1.5"),
        (["--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--rollover-hour", "25"], "rollover hour must be 0 to 23, not 25"),
    ],
)
def test_bad_options(revlog, option, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("--revlog", str(revlog), *option)
