"""The YAML bank carries the new kinds and bilingual items: matching pairs, ordering items, numeric answers with
their tolerance and unit, and `translation_of`; export then import round-trips byte-identical; bad input is refused
with file and line, writing nothing."""

import textwrap

import pytest

from quizzes.bank.models import Question
from quizzes.bank.yaml_bank import BankFile, BankInvalid, export_bank, import_bank

BANK = textwrap.dedent("""\
    version: 1
    sources:
      - key: intro
        title: "Introduction"
        language: en
        text: "AAV vectors are non-integrative. Lentiviral vectors are integrative. The dose was 3.5 mg."
      - key: intro-fr
        title: "Introduction (FR)"
        language: fr
        text: "Les vecteurs AAV ne s’intègrent pas. La dose était de 3,5 mg."
    questions:
      - id: q-match
        source: intro
        kind: matching
        prompt: "Match each vector with what it does."
        passage: "AAV vectors are non-integrative. Lentiviral vectors are integrative."
        explanation: "The text says so."
        pairs:
          - {left: AAV, right: stays apart}
          - {left: Lentivirus, right: integrates}
      - id: q-order
        source: intro
        kind: ordering
        prompt: "In the order of the text."
        passage: "AAV vectors are non-integrative. Lentiviral vectors are integrative."
        explanation: "The text says so."
        items: [AAV, Lentiviral, Gene therapy]
      - id: q-dose
        source: intro
        kind: numeric
        prompt: "What was the dose, in mg?"
        passage: "The dose was 3.5 mg."
        explanation: "3.5 mg."
        answer: 3.5
        tolerance: 5
        tolerance_kind: relative
        unit: mg
      - id: q-dose-fr
        source: intro-fr
        kind: numeric
        translation_of: q-dose
        prompt: "Quelle était la dose, en mg ?"
        passage: "La dose était de 3,5 mg."
        explanation: "3,5 mg."
        answer: 3.5
        tolerance: 5
        tolerance_kind: relative
        unit: mg
    """)


def bank(text: str = BANK) -> BankFile:
    return BankFile("bank.yaml", text.encode())


def errors_of(text: str) -> list[str]:
    with pytest.raises(BankInvalid) as exc:
        import_bank([bank(text)])
    return [f"{e.line} {e.path}: {e.message}" for e in exc.value.errors]


@pytest.mark.django_db
class TestKinds:
    def test_every_new_kind_is_imported(self):
        import_bank([bank()])
        match = Question.objects.get(external_id="q-match")
        assert [(c.text, c.match) for c in match.choices.all()] == [
            ("AAV", "stays apart"),
            ("Lentivirus", "integrates"),
        ]
        order = Question.objects.get(external_id="q-order")
        assert [c.text for c in order.ordered_items()] == ["AAV", "Lentiviral", "Gene therapy"]
        dose = Question.objects.get(external_id="q-dose")
        assert (dose.numeric_value, dose.numeric_tolerance, dose.tolerance_kind, dose.unit) == (
            3.5,
            5,
            "relative",
            "mg",
        )
        french = Question.objects.get(external_id="q-dose-fr")
        assert french.translation_of == dose and french.language == "fr"

    def test_export_then_import_round_trips_byte_identical(self):
        import_bank([bank()])
        first = export_bank()
        assert "pairs:" in first and "items:" in first and "translation_of: q-dose" in first
        assert "tolerance_kind: relative" in first and "answer: 3.5" in first
        Question.objects.all().delete()
        import_bank([BankFile("export.yaml", first.encode())])
        assert export_bank() == first

    def test_reimporting_changes_nothing(self):
        import_bank([bank()])
        result = import_bank([bank()])
        assert result.created == {} and result.updated == {} and result.unchanged["questions"] == 4

    def test_an_edited_pair_and_a_link_removed_are_updated(self):
        import_bank([bank()])
        edited = BANK.replace("right: integrates", "right: inserts its DNA").replace("    translation_of: q-dose\n", "")
        import_bank([bank(edited)])
        match = Question.objects.get(external_id="q-match")
        assert match.choices.get(text="Lentivirus").match == "inserts its DNA"
        assert Question.objects.get(external_id="q-dose-fr").translation_of is None


@pytest.mark.django_db
class TestRefused:
    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            ("{left: AAV, right: stays apart}", "{left: AAV, right: ''}", "pairs[0].right: must not be empty"),
            ("      - {left: Lentivirus, right: integrates}\n", "", "need 2 to 8 pairs"),
            ("items: [AAV, Lentiviral, Gene therapy]", "items: [AAV]", "need 2 to 8 items"),
            ("items: [AAV, Lentiviral, Gene therapy]", "items: AAV", "must be a list of items"),
            ("answer: 3.5\n    tolerance: 5\n", "answer: '3,5'\n    tolerance: 5\n", "answer: must be a number"),
            (
                "tolerance: 5\n    tolerance_kind: relative\n    unit: mg\n  - id",
                "tolerance: -1\n  - id",
                "must not be negative",
            ),
            ("translation_of: q-dose", "translation_of: q-nowhere", "unknown question 'q-nowhere'"),
            (
                "tolerance_kind: relative\n    unit: mg\n  - id: q-dose-fr",
                "tolerance_kind: sideways\n  - id: q-dose-fr",
                "'sideways' is not one of",
            ),
        ],
    )
    def test_with_file_and_line(self, old, new, message):
        assert old in BANK
        errors = errors_of(BANK.replace(old, new, 1))
        assert any(message in e for e in errors), errors
        assert all(e.split()[0].isdigit() and int(e.split()[0]) > 1 for e in errors)
        assert not Question.objects.exists()

    def test_a_translation_in_the_same_language(self):
        errors = errors_of(BANK.replace("source: intro-fr", "source: intro"))
        assert any("translation_of: the original is in the same language (en)" in e for e in errors), errors

    def test_a_translation_of_a_translation(self):
        again = BANK.split("  - id: q-dose-fr")[1].replace("translation_of: q-dose", "translation_of: q-dose-fr")
        errors = errors_of(BANK + "  - id: q-dose-again" + again.replace("source: intro-fr", "source: intro"))
        assert any("must name an original, not a translation" in e for e in errors), errors

    def test_fields_of_another_kind(self):
        errors = errors_of(BANK.replace("items: [AAV, Lentiviral, Gene therapy]", "items: [A, B]\n    unit: mg"))
        assert any("unit: not used by ordering questions" in e for e in errors), errors
