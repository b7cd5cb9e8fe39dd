"""YAML is the lossless format: export, import into an empty bank, export again: the same bytes."""

from datetime import timedelta

import pytest

from quizzes.bank.formats import import_questions
from quizzes.bank.models import Question, QuizSet, Source, Topic
from quizzes.bank.yaml_bank import BankFile, BankInvalid, export_bank, import_bank
from quizzes.deriving.models import Candidate, DerivationJob
from tests.factory import Role, make_question, make_quizset, make_source, make_user

from .test_round_trip import every_kind


def rich_bank():
    teacher = make_user("teach", Role.TEACHER)
    made = every_kind()
    own = make_source("teachers-text", owner=teacher, published=False, paragraph_languages={"95": "fr"})
    draft = make_question("draft-1", source=own, owner=teacher, status=Question.Status.DRAFT, stale=True)
    english = make_question("tr-en", kind="flashcard", prompt="AAV?", back="Adeno-associated virus")
    french = make_question("tr-fr", kind="flashcard", prompt="AAV ?", back="Virus adéno-associé", language="fr")
    french.translation_of = english
    french.save()
    job = DerivationJob.objects.create(source=own, status="done")
    Candidate.objects.create(
        job=job, question=draft, confidence=0.83, reason="definition of key term", answer="AAV", flags=["long"]
    )
    import_questions([("moodle.gift", b"::imp:: Is AAV a virus?{T}\n")], teacher)
    make_quizset(
        "mine", [draft, made[0]], owner=teacher, shuffle_choices=True, time_limit=timedelta(minutes=15), max_attempts=2
    )
    make_quizset("shared", [made[1], english, french])


def wipe():
    QuizSet.objects.all().delete()
    Question.objects.all().delete()
    Source.objects.all().delete()
    Topic.objects.all().delete()


def test_export_import_export_is_byte_identical(db):
    rich_bank()
    first = export_bank()
    assert "owner: teach" in first and "published: false" in first and "stale: true" in first
    assert "confidence: 0.83" in first and "translation_of: tr-en" in first and "passage: ''" in first
    assert "time_limit: 00:15:00" in first and "paragraph_languages:\n    '95': fr" in first
    wipe()
    result = import_bank([BankFile("bank.yaml", first.encode())])
    assert result.created["questions"] == 13
    assert export_bank() == first
    again = import_bank([BankFile("bank.yaml", first.encode())])
    assert not again.created and not again.updated and not again.conflicts
    candidate = Candidate.objects.get()
    assert (candidate.confidence, candidate.reason, candidate.flags) == (0.83, "definition of key term", ["long"])
    imported = Question.objects.get(external_id__endswith="-imp")
    assert (imported.passage.text, imported.passage.start, imported.owner.username) == ("", 0, "teach")


def test_an_owner_that_is_not_a_user_is_an_error(db):
    rich_bank()
    text = export_bank().replace("owner: teach", "owner: nobody", 1)
    wipe()
    with pytest.raises(BankInvalid) as caught:
        import_bank([BankFile("bank.yaml", text.encode())])
    assert [str(e) for e in caught.value.errors] == ["bank.yaml:9: sources[0].owner: unknown user 'nobody'"]
    assert not Question.objects.exists()
