"""manage.py import_bank and quizzes.banking.import_bank: all or nothing, idempotent, clear errors."""

import textwrap
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from quizzes.bank.models import Choice, Passage, Question, QuizSet, Source, Topic
from quizzes.bank.yaml_bank import BankFile, BankInvalid, export_bank, import_bank

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
      - id: q-tf
        source: intro
        kind: true_false
        prompt: "Lentiviral vectors are integrative."
        passage: "Lentiviral vectors are integrative."
        explanation: "The text says so."
        answer: true
        feedback: "Read again."
      - id: q-short
        source: intro
        kind: short
        prompt: "What does gene therapy treat?"
        passage: "Gene therapy treats disease."
        explanation: "Disease."
        answers: [disease, illness]
      - id: q-cloze
        source: intro
        kind: cloze
        prompt: "[[AAV]] vectors are [[non-integrative|not integrative]]."
        passage: "AAV vectors are non-integrative."
        explanation: "See the text."
      - id: q-card
        source: intro
        kind: flashcard
        difficulty: 1
        prompt: "Lentiviral vectors"
        back: "Integrative vectors."
        passage: "Lentiviral vectors are integrative."
        explanation: "See the text."
    quizsets:
      - key: basics
        title: Basics
        questions: [q-card, q-single, q-tf]
    """)


def bank(text: str = BANK, name: str = "bank.yaml") -> BankFile:
    return BankFile(name, text.encode())


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Source, Topic, Passage, Question, Choice, QuizSet))


@pytest.mark.django_db
class TestImport:
    def test_it_imports_every_kind(self):
        result = import_bank([bank()])
        assert result.created == {"questions": 5, "sources": 1, "topics": 1, "quiz sets": 1}
        single = Question.objects.get(external_id="q-single")
        assert [(c.text, c.is_correct, c.feedback) for c in single.choices.all()] == [
            ("AAV vectors", True, ""),
            ("Lentiviral vectors", False, "They are integrative."),
        ]
        assert single.passage.text == "AAV vectors are non-integrative."
        assert single.passage.source.text[single.passage.start : single.passage.end] == single.passage.text
        assert single.language == "en" and single.status == "published" and single.difficulty == 2
        assert [t.key for t in single.topics.all()] == ["vectors"]
        tf = Question.objects.get(external_id="q-tf")
        assert [(c.text, c.is_correct, c.feedback) for c in tf.choices.all()] == [
            ("True", True, ""),
            ("False", False, "Read again."),
        ]
        assert Question.objects.get(external_id="q-short").answers == ["disease", "illness"]
        assert Question.objects.get(external_id="q-cloze").blanks == [["AAV"], ["non-integrative", "not integrative"]]
        assert Question.objects.get(external_id="q-card").back == "Integrative vectors."
        quizset = QuizSet.objects.get(key="basics")
        assert [i.question.external_id for i in quizset.items.all()] == ["q-card", "q-single", "q-tf"]
        # Two questions quote the same span: one passage row.
        assert Passage.objects.count() == 3

    def test_a_new_question_gets_the_model_defaults_for_what_the_file_does_not_say(self):
        # New questions are written as plain rows, not through the model: its defaults must still apply.
        before = timezone.now()
        import_bank([bank()])
        single = Question.objects.get(external_id="q-single")
        assert before <= single.created_at == single.updated_at <= timezone.now()
        assert (single.personal, single.stale, single.rewrite_requested, single.owner) == (False, False, False, None)
        assert (single.tolerance_kind, single.numeric_value, single.imported_hash != "") == ("absolute", None, True)

    def test_reimporting_the_same_file_changes_nothing(self):
        import_bank([bank()])
        before = counts()
        stamp = Question.objects.get(external_id="q-single").updated_at
        result = import_bank([bank()])
        assert result.created == {} and result.updated == {}
        assert result.unchanged == {"questions": 5, "sources": 1, "topics": 1, "quiz sets": 1}
        assert counts() == before
        assert Question.objects.get(external_id="q-single").updated_at == stamp

    def test_what_a_question_asks_is_stored_and_exported(self):
        tagged = BANK.replace("    kind: single\n", "    kind: single\n    cognitive: why\n", 1)
        import_bank([bank(tagged)])
        assert Question.objects.get(external_id="q-single").cognitive == Question.Cognitive.WHY
        assert Question.objects.get(external_id="q-tf").cognitive == ""
        exported = export_bank()
        assert exported.count("cognitive: why") == 1
        Question.objects.all().delete()
        import_bank([bank(exported, "export.yaml")])
        assert export_bank() == exported
        with pytest.raises(BankInvalid) as exc:
            import_bank([bank(tagged.replace("cognitive: why", "cognitive: when"))])
        assert "questions[0].cognitive" in str(exc.value)

    def test_an_edited_file_updates_the_questions_it_names(self):
        import_bank([bank()])
        before = counts()
        edited = BANK.replace('"Which vectors are non-integrative?"', '"Which vectors stay outside the genome?"')
        edited = edited.replace("{text: AAV vectors, correct: true}", "{text: AAV, correct: true}")
        edited = edited.replace("questions: [q-card, q-single, q-tf]", "questions: [q-tf, q-single]")
        result = import_bank([bank(edited)])
        assert result.updated == {"questions": 1, "quiz sets": 1}
        assert counts()[:4] == before[:4]
        question = Question.objects.get(external_id="q-single")
        assert question.prompt == "Which vectors stay outside the genome?"
        assert [c.text for c in question.choices.all()] == ["AAV", "Lentiviral vectors"]
        assert [i.question.external_id for i in QuizSet.objects.get().items.all()] == ["q-tf", "q-single"]

    def test_a_question_may_name_a_source_already_in_the_database(self):
        import_bank([bank()])
        more = textwrap.dedent("""\
            version: 1
            questions:
              - id: q-new
                source: intro
                kind: flashcard
                topics: [vectors]
                prompt: "AAV"
                back: "A non-integrative vector."
                passage: "AAV vectors are non-integrative."
                explanation: "See the text."
            """)
        import_bank([bank(more)])
        assert Question.objects.get(external_id="q-new").passage.source.key == "intro"

    def test_files_imported_together_see_each_other(self):
        library, questions = BANK.split("questions:\n", 1)
        import_bank([bank(library, "library.yaml"), bank("version: 1\nquestions:\n" + questions, "q.yaml")])
        assert Question.objects.count() == 5


@pytest.mark.django_db
class TestBadInput:
    def errors(self, text: str, name: str = "bank.yaml") -> list[str]:
        before = counts()
        with pytest.raises(BankInvalid) as exc:
            import_bank([bank(text, name)])
        assert counts() == before, "a refused import must leave the database unchanged"
        return [str(e) for e in exc.value.errors]

    def test_every_schema_error_is_reported_at_once_with_its_line(self):
        broken = (
            BANK.replace("      - {text: AAV vectors, correct: true}\n", "")
            .replace("    answer: true\n", "    answer: maybe\n")
            .replace("    kind: flashcard\n", "    kind: flashcard\n    is_staff: true\n")
        )
        assert self.errors(broken) == [
            "bank.yaml:20: questions[0].choices: need 2 to 8 choices",
            "bank.yaml:28: questions[1].answer: must be true or false",
            "bank.yaml:46: questions[4].is_staff: unknown field",
        ]

    def test_unknown_fields_are_refused_everywhere(self):
        errors = self.errors(
            BANK.replace("version: 1\n", "version: 1\nowner: 3\n").replace(
                "    author: Someone\n", "    author: Someone\n    id: 7\n"
            )
        )
        assert errors == ["bank.yaml:2: owner: unknown field", "bank.yaml:8: sources[0].id: unknown field"]

    def test_a_passage_must_be_verbatim_in_its_source(self):
        errors = self.errors(
            BANK.replace('passage: "Gene therapy treats disease."', 'passage: "Gene therapy cures all."')
        )
        assert errors == ["bank.yaml:35: questions[2].passage: does not occur verbatim in the source text"]

    def test_references_must_exist(self):
        text = BANK.replace("topics: [vectors]", "topics: [nope]").replace(
            "questions: [q-card, q-single, q-tf]", "questions: [q-card, q-missing]"
        )
        text = text.replace("    source: intro\n    kind: short", "    source: other\n    kind: short")
        assert self.errors(text) == [
            "bank.yaml:15: questions[0].topics: unknown topic 'nope'",
            "bank.yaml:32: questions[2].source: unknown source 'other'",
            "bank.yaml:55: quizsets[0].questions: unknown question 'q-missing'",
        ]

    def test_kind_rules(self):
        text = BANK.replace("{text: Lentiviral vectors, feedback", "{text: Lentiviral vectors, correct: true, feedback")
        text = text.replace('"[[AAV]] vectors are [[non-integrative|not integrative]]."', '"AAV vectors are ___."')
        text = text.replace('    back: "Integrative vectors."\n', "")
        text = text.replace("answers: [disease, illness]", "answers: []")
        assert self.errors(text) == [
            "bank.yaml:20: questions[0].choices: a single-choice question needs exactly one correct choice, not 2",
            "bank.yaml:37: questions[2].answers: must be a list of one-line answers",
            "bank.yaml:41: questions[3].prompt: a cloze prompt needs a blank: [[answer]]",
            "bank.yaml:44: questions[4].back: required",
        ]

    def test_ids_must_be_unique(self):
        errors = self.errors(BANK.replace("id: q-tf", "id: q-single"))
        assert errors == ["bank.yaml:23: questions[1].id: id 'q-single' is used twice"]

    def test_loader_refusals_name_the_file_and_line(self):
        assert self.errors("version: 1\nsources: &s []\n") == ["bank.yaml:2: anchors (&s) are not allowed"]
        assert self.errors("a: 1\n---\nb: 1\n", "two.yaml") == ["two.yaml:2: only one YAML document per file"]

    def test_an_uploaded_bank_cannot_read_files(self):
        text = BANK.replace('    text: "AAV vectors', '    text_file: ../../etc/passwd\n    x: "AAV vectors')
        errors = self.errors(text)
        assert "bank.yaml:8: sources[0].text_file: only files imported from disk may use text_file; use text" in errors

    def test_a_database_failure_rolls_the_whole_import_back(self):
        before = counts()
        with mock.patch("quizzes.bank.yaml_bank._write_quizsets", side_effect=IntegrityError("injected")):
            with pytest.raises(IntegrityError):
                import_bank([bank()])
        assert counts() == before


@pytest.mark.django_db
class TestCommand:
    def test_it_imports_files_and_shows_progress(self, tmp_path):
        (tmp_path / "texts").mkdir()
        (tmp_path / "texts" / "intro.txt").write_text(
            "AAV vectors are non-integrative. Lentiviral vectors are integrative. Gene therapy treats disease."
        )
        path = tmp_path / "bank.yaml"
        path.write_text(
            BANK.replace(
                'text: "AAV vectors are non-integrative. Lentiviral vectors are integrative. '
                'Gene therapy treats disease."',
                "text_file: texts/intro.txt",
            )
        )
        out, err = StringIO(), StringIO()
        call_command("import_bank", str(path), stdout=out, stderr=err)
        assert "Imported 1 file(s): created 5 questions, 1 quiz sets, 1 sources, 1 topics" in out.getvalue()
        assert "questions: 5/5" in err.getvalue()

    def test_text_file_must_stay_inside_the_folder(self, tmp_path):
        (tmp_path / "secret.txt").write_text("AAV vectors are non-integrative.")
        (tmp_path / "bank").mkdir()
        path = tmp_path / "bank" / "bank.yaml"
        path.write_text(
            BANK.replace('    text: "AAV vectors are', '    text_file: ../secret.txt\n    x: "AAV vectors are')
        )
        with pytest.raises(CommandError) as exc:
            call_command("import_bank", str(path))
        assert f"{path}:8: sources[0].text_file: '../secret.txt' is not a file inside {path.parent}" in str(exc.value)

    def test_errors_name_the_file_and_nothing_is_imported(self, tmp_path):
        path = tmp_path / "bad.yaml"
        path.write_bytes(b"version: 1\nquestions: \xff\n")
        with pytest.raises(CommandError) as exc:
            call_command("import_bank", str(path))
        assert str(exc.value) == f"1 error(s), nothing was imported:\n{path}:2: file is not UTF-8"
        assert Question.objects.count() == 0

    def test_a_missing_file_is_an_error(self, tmp_path):
        with pytest.raises(CommandError, match="no such file"):
            call_command("import_bank", str(tmp_path / "nope.yaml"))
