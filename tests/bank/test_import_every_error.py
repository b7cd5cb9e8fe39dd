"""An import lists every error of every file at once (README): schema errors, references and passages, in
every file, from manage.py import_bank and from the admin, so that one round of fixes is enough."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from quizzes.bank.models import Question
from quizzes.bank.yaml_bank import BankFile, BankInvalid, validate
from tests.bank.test_import_bank import BANK

LIBRARY, QUESTIONS = BANK.split("questions:\n", 1)
QUESTIONS = "version: 1\nquestions:\n" + QUESTIONS
# a schema error in the first file, a passage not in its text and an unknown topic in the second
BROKEN_LIBRARY = LIBRARY.replace("    language: en\n", "    language: de\n")
BROKEN_QUESTIONS = QUESTIONS.replace('passage: "Gene therapy treats disease."', 'passage: "Gene therapy cures all."')
BROKEN_QUESTIONS = BROKEN_QUESTIONS.replace("topics: [vectors]", "topics: [nope]").replace(
    "answer: true", "answer: maybe"
)
EXPECTED = [
    "library.yaml:5: sources[0].language: 'de' is not one of en, fr",
    "questions.yaml:6: questions[0].topics: unknown topic 'nope'",
    "questions.yaml:20: questions[1].answer: must be true or false",
    "questions.yaml:26: questions[2].passage: does not occur verbatim in the source text",
]


@pytest.mark.django_db
def test_schema_reference_and_passage_errors_of_every_file_come_together():
    with pytest.raises(BankInvalid) as exc:
        validate(
            [BankFile("library.yaml", BROKEN_LIBRARY.encode()), BankFile("questions.yaml", BROKEN_QUESTIONS.encode())]
        )
    assert [str(e) for e in exc.value.errors] == EXPECTED


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_does_not_make_the_others_references_unknown():
    with pytest.raises(BankInvalid) as exc:
        validate(
            [BankFile("library.yaml", b"version: 1\nsources: &a []\n"), BankFile("questions.yaml", QUESTIONS.encode())]
        )
    assert [str(e) for e in exc.value.errors] == ["library.yaml:2: anchors (&a) are not allowed"]


@pytest.mark.django_db
def test_the_command_lists_them_all_and_imports_nothing(tmp_path):
    (tmp_path / "library.yaml").write_text(BROKEN_LIBRARY)
    (tmp_path / "questions.yaml").write_text(BROKEN_QUESTIONS)
    with pytest.raises(CommandError) as exc:
        call_command("import_bank", str(tmp_path / "library.yaml"), str(tmp_path / "questions.yaml"))
    message = str(exc.value)
    assert message.startswith("4 error(s), nothing was imported:")
    for line in EXPECTED:
        assert str(tmp_path / line.split(":")[0]) + line[line.index(":") :] in message
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_lists_them_all(admin_client):
    files = [
        SimpleUploadedFile("library.yaml", BROKEN_LIBRARY.encode()),
        SimpleUploadedFile("questions.yaml", BROKEN_QUESTIONS.encode()),
    ]
    r = admin_client.post("/admin/quizzes/question/import/", {"files": files})
    html = r.content.decode()
    assert r.status_code == 400
    for line in EXPECTED:
        assert line.replace("'", "&#x27;") in html
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_names_every_file_it_refuses(admin_client, settings):
    settings.QUESTION_BANK_MAX_BYTES = 100
    files = [SimpleUploadedFile("notes.pdf", b"x"), SimpleUploadedFile("big.yaml", b"x" * 101)]
    html = admin_client.post("/admin/quizzes/question/import/", {"files": files}).content.decode()
    assert "notes.pdf: use .yaml" in html and "big.yaml: file larger than" in html
