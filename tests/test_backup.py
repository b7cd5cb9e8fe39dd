"""The restore drill of docs/deployment.md, on the suite's database (SQLite file or PostgreSQL): back up
while the app runs, change things, restore, check that the backup's state is back and nothing after it."""

import pytest
from django.core.management import CommandError, call_command

from quizzes.bank.models import Question
from quizzes.study.models import ReviewLog
from tests import factory

pytestmark = pytest.mark.django_db(transaction=True)


def test_back_up_change_restore_check(tmp_path):
    kept = factory.make_question("kept", prompt="Which vector is non-integrative?")
    backup = tmp_path / "learnapp.backup"
    assert "Backed up" in call_command("backup_database", str(backup))

    kept.delete()
    factory.make_question("after", prompt="Written after the backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", str(backup))
    assert not Question.objects.filter(external_id="kept").exists()

    call_command("restore_database", str(backup), "--yes")
    assert list(Question.objects.values_list("external_id", flat=True)) == ["kept"]
    assert Question.objects.get().prompt == "Which vector is non-integrative?"
    ReviewLog.objects.count()  # the restored database is whole and usable
    factory.make_question("later")  # and writable


def test_a_backup_never_overwrites_another_and_a_bad_file_changes_nothing(tmp_path):
    factory.make_question("kept")
    backup = tmp_path / "exists.backup"
    backup.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup_database", str(backup))
    with pytest.raises(CommandError):
        call_command("restore_database", str(backup), "--yes")
    assert Question.objects.filter(external_id="kept").exists()
