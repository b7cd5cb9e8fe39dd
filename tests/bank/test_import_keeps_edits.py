"""`make run` (setup_demo) and `manage.py import_bank` never overwrite a question an admin edited in the app.

Each question remembers what was last imported into it: an unchanged file changes nothing, a file
edit updates a question nobody touched, and a question changed on both sides since the last import
is a reported conflict that keeps the app's version unless the import is asked to overwrite.
"""

import textwrap
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from quizzes.bank.models import Question

pytestmark = pytest.mark.django_db

BANK = textwrap.dedent("""\
    version: 1
    sources:
      - key: intro
        title: "Introduction"
        language: en
        author: Someone
        licence: "CC BY"
        text: "AAV vectors are non-integrative. Lentiviral vectors are integrative. Gene therapy treats disease."
    topics:
      - {key: vectors, name_en: Vectors, name_fr: Vecteurs}
    questions:
      - id: q-single
        source: intro
        kind: single
        topics: [vectors]
        prompt: "Which vectors are non-integrative?"
        passage: "AAV vectors are non-integrative."
        highlight: "non-integrative"
        explanation: "The text says so."
        choices:
          - {text: AAV vectors, correct: true}
          - {text: Lentiviral vectors, feedback: "They are integrative."}
      - id: q-short
        source: intro
        kind: short
        prompt: "What does gene therapy treat?"
        passage: "Gene therapy treats disease."
        explanation: "Disease."
        answers: [disease, illness]
    quizsets:
      - key: basics
        title: Basics
        questions: [q-single, q-short]
    """)
Q_SINGLE_LINE = 12  # the line of "- id: q-single" above


def run_import(path, *args) -> str:
    out, err = StringIO(), StringIO()
    call_command("import_bank", str(path), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def change_form(question: Question, **overrides) -> dict:
    """The admin change form of `question` as the browser posts it."""
    data = {
        "external_id": question.external_id,
        "kind": question.kind,
        "status": question.status,
        "language": question.language,
        "difficulty": question.difficulty,
        "topics": [t.pk for t in question.topics.all()],
        "prompt": question.prompt,
        "explanation": question.explanation,
        "back": question.back,
        "accepted_answers": question.accepted_answers,
        "highlight": question.highlight,
        "source": question.passage.source_id,
        "passage_text": question.passage.text,
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    choices = list(question.choices.all())
    data["choices-TOTAL_FORMS"] = data["choices-INITIAL_FORMS"] = str(len(choices))
    for i, choice in enumerate(choices):
        data.update(
            {
                f"choices-{i}-id": choice.pk,
                f"choices-{i}-question": question.pk,
                f"choices-{i}-position": i,
                f"choices-{i}-text": choice.text,
                f"choices-{i}-feedback": choice.feedback,
            }
        )
        if choice.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def bank_path(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(BANK)
    run_import(path)
    return path


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def admin_edit(admin_client, **overrides) -> Question:
    question = Question.objects.get(external_id="q-single")
    r = admin_client.post(f"/admin/quizzes/question/{question.pk}/change/", change_form(question, **overrides))
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    return Question.objects.get(pk=question.pk)


class TestImportBank:
    def test_reimporting_an_unchanged_file_changes_nothing_not_even_updated_at(self, bank_path):
        stamps = dict(Question.objects.values_list("external_id", "updated_at"))
        output = run_import(bank_path)
        assert "unchanged 2 questions" in output
        assert dict(Question.objects.values_list("external_id", "updated_at")) == stamps

    def test_an_admin_edit_survives_a_reimport_of_the_unchanged_file(self, bank_path, admin_client):
        admin_edit(admin_client, prompt="Which vectors stay outside the genome? (edited)")
        stamp = Question.objects.get(external_id="q-single").updated_at
        output = run_import(bank_path)
        question = Question.objects.get(external_id="q-single")
        assert question.prompt == "Which vectors stay outside the genome? (edited)"
        assert question.updated_at == stamp
        assert "conflict" not in output.lower()

    def test_a_file_edit_updates_a_question_nobody_edited_in_the_app(self, bank_path, admin_client):
        admin_edit(admin_client, explanation="Edited in the app.")  # q-single; q-short is untouched
        bank_path.write_text(BANK.replace('explanation: "Disease."', 'explanation: "Disease, as the text says."'))
        run_import(bank_path)
        assert Question.objects.get(external_id="q-short").explanation == "Disease, as the text says."
        assert Question.objects.get(external_id="q-single").explanation == "Edited in the app."

    def test_a_change_on_both_sides_is_a_reported_conflict_and_the_app_wins(self, bank_path, admin_client):
        admin_edit(admin_client, **{"choices-1-feedback": "No: they integrate (admin)."})
        bank_path.write_text(BANK.replace('"They are integrative."', '"They integrate (file)."'))
        output = run_import(bank_path)
        assert f"{bank_path}:{Q_SINGLE_LINE}: questions[0]: q-single:" in output
        assert "conflict" in output.lower() and "--overwrite" in output
        question = Question.objects.get(external_id="q-single")
        assert [c.feedback for c in question.choices.all()] == ["", "No: they integrate (admin)."]
        # Nothing changed since: importing again reports the same conflict and still keeps the edit.
        assert f"{bank_path}:{Q_SINGLE_LINE}: questions[0]: q-single:" in run_import(bank_path)
        assert [c.feedback for c in question.choices.all()] == ["", "No: they integrate (admin)."]

    def test_overwrite_takes_the_files_version(self, bank_path, admin_client):
        admin_edit(admin_client, prompt="Edited in the app")
        bank_path.write_text(BANK.replace('"Which vectors are non-integrative?"', '"Edited in the file"'))
        run_import(bank_path, "--overwrite")
        assert Question.objects.get(external_id="q-single").prompt == "Edited in the file"
        # The file's version is now the last import: a plain import has nothing left to do.
        output = run_import(bank_path)
        assert "conflict" not in output.lower() and "unchanged 2 questions" in output

    def test_an_edit_made_by_model_save_counts_too(self, bank_path):
        question = Question.objects.get(external_id="q-short")
        question.accepted_answers = "disease\nillness\nsickness"
        question.save()
        bank_path.write_text(BANK.replace("answers: [disease, illness]", "answers: [disease]"))
        output = run_import(bank_path)
        assert "q-short" in output and "conflict" in output.lower()
        assert Question.objects.get(external_id="q-short").answers == ["disease", "illness", "sickness"]


class TestAdminImportPage:
    URL = "/admin/quizzes/question/import/"

    def test_conflicts_are_listed_and_the_overwrite_option_applies_the_file(self, bank_path, admin_client):
        admin_edit(admin_client, prompt="Edited in the app")
        changed = BANK.replace('"Which vectors are non-integrative?"', '"Edited in the file"').encode()
        r = admin_client.post(self.URL, {"files": [SimpleUploadedFile("bank.yaml", changed)]}, follow=True)
        html = r.content.decode().lower()  # admin messages are capitalised: "Bank.yaml:12: …"
        assert "bank.yaml:12: questions[0]: q-single:" in html and "conflict" in html
        assert Question.objects.get(external_id="q-single").prompt == "Edited in the app"
        r = admin_client.post(
            self.URL, {"files": [SimpleUploadedFile("bank.yaml", changed)], "overwrite": "on"}, follow=True
        )
        assert r.status_code == 200
        assert Question.objects.get(external_id="q-single").prompt == "Edited in the file"


def test_setup_demo_keeps_an_admins_edit():
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    question = Question.objects.order_by("external_id").first()
    question.prompt = "An admin rewrote this prompt."
    question.save()
    stamps = dict(Question.objects.exclude(pk=question.pk).values_list("pk", "updated_at"))
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    assert Question.objects.get(pk=question.pk).prompt == "An admin rewrote this prompt."
    assert dict(Question.objects.exclude(pk=question.pk).values_list("pk", "updated_at")) == stamps


def test_setup_demo_reports_a_conflict_and_overwrite_applies_it(tmp_path, monkeypatch):
    """`make run` on a bank whose file and database both changed: reported, the edit kept; --overwrite."""
    from quizzes.management.commands import setup_demo

    path = tmp_path / "bank.yaml"
    path.write_text(BANK)
    monkeypatch.setattr(setup_demo, "shipped_bank_files", lambda: [path])
    call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    question = Question.objects.get(external_id="q-short")
    question.explanation = "Edited by an admin."
    question.save()
    path.write_text(BANK.replace('explanation: "Disease."', 'explanation: "Edited in the file."'))
    out, err = StringIO(), StringIO()
    call_command("setup_demo", stdout=out, stderr=err)
    assert f"{path}:23: questions[1]: q-short: conflict" in err.getvalue() and "--overwrite" in err.getvalue()
    assert Question.objects.get(external_id="q-short").explanation == "Edited by an admin."
    call_command("setup_demo", "--overwrite", stdout=StringIO(), stderr=StringIO())
    assert Question.objects.get(external_id="q-short").explanation == "Edited in the file."
