"""Grading per kind; typed answers are tolerant in English and French, but a different term is wrong."""

import pytest

from quizzes.bank.grading import grade, match_text
from tests import factory

ACCEPTED = [
    # (gold answers, typed, language, note shown to the learner or None)
    (["thérapie génique"], "thérapie génique", "fr", None),
    (["thérapie génique"], "Thérapie Génique", "fr", None),
    (["thérapie génique"], "therapie genique", "fr", "accents ignored"),
    (["thérapie génique"], "Thérapies géniques", "fr", "singular/plural ignored"),
    (["thérapie génique"], "la thérapie génique", "fr", "articles ignored"),
    (["thérapie génique"], "terapie génique", "fr", "small spelling difference"),
    (["adeno-associated virus"], "adeno associated virus", "en", "punctuation, hyphens and spaces ignored"),
    (["adeno-associated virus (AAV)"], "AAV", "en", None),
    (["adeno-associated virus (AAV)"], "adenoassociated viruses", "en", "small spelling difference"),
    (["adeno-associated virus (AAV)"], "adeno-asociated virus", "en", "small spelling difference"),
    (["lentiviral vectors"], "Lentiviral vector", "en", "singular/plural ignored"),
    (["lentiviral vectors"], "the lentiviral vectors", "en", "articles ignored"),
    (["Nusinersen", "Spinraza"], "spinraza", "en", None),
    (["Luxturna"], "Luxtruna", "en", "small spelling difference"),
    (["drépanocytose"], "drepanocitose", "fr", "small spelling difference"),
    (["cellules souches hématopoïétiques"], "cellule souche hematopoietique", "fr", "singular/plural ignored"),
    (["îlots de Langerhans"], "ilots de langerhans", "fr", "accents ignored"),
    (["maladie de Crohn"], "la maladie de crohn", "fr", "articles ignored"),
    (["CAR T cells"], "CAR-T cell", "en", "singular/plural ignored"),
    (["Duchenne muscular dystrophy"], "muscular dystrophy Duchenne", "en", "small spelling difference"),
    (["75%"], "75 %", "en", None),
    (["75%"], "75 percent", "en", None),
    (["RPE65"], "the RPE65 gene", "en", None),
    (["RPE65"], "gène RPE65", "fr", None),
    (["immunosuppressif"], "immunosuppressive", "fr", None),
    (["cornéen"], "cornéenne", "fr", None),
    (["l’ARN messager"], "ARN messager", "fr", "articles ignored"),
]

REFUSED = [
    (["thérapie génique"], "thérapie cellulaire", "fr"),
    (["adeno-associated virus (AAV)"], "adenovirus", "en"),
    (["SMN1"], "SMN2", "en"),
    (["hemophilia A"], "hemophilia B", "en"),
    (["2016"], "2017", "en"),
    (["75%"], "57%", "en"),
    (["Luxturna"], "Lux", "en"),
    (["in vivo"], "ex vivo", "en"),
    (["non-integrative"], "integrative", "en"),
    (["cellules souches hématopoïétiques"], "cellules souches embryonnaires", "fr"),
    (["drépanocytose"], "sickle cell disease", "fr"),
    (["AAV"], "AAD", "en"),
    (["1,5 million"], "2,5 million", "fr"),
    (["1,5"], "15", "fr"),
    (["Glybera"], "", "en"),
    (["RPE65"], "gène", "fr"),
    (["SMN1"], "SMN2 gene", "en"),
    (["80"], "81%", "en"),
    (["intégratif"], "non intégratif", "fr"),
]


@pytest.mark.parametrize("answers, typed, language, note", ACCEPTED)
def test_tolerant_answers_are_accepted_and_say_why(answers, typed, language, note):
    m = match_text(typed, answers, language)
    assert m.ok
    from quizzes.bank.grading import NOTES

    assert NOTES.get(m.note) == note  # "form" (same answer, another form) has no note


@pytest.mark.parametrize("answers, typed, language", REFUSED)
def test_a_different_term_is_wrong(answers, typed, language):
    assert not match_text(typed, answers, language).ok


def test_an_alternative_answer_says_so():
    m = match_text("AAV", ["adeno-associated virus", "AAV"], "en")
    assert m.ok and m.alternative


@pytest.mark.django_db
class TestGradePerKind:
    def test_single_choice(self):
        q = factory.make_question()
        right, wrong = q.choices.all()
        assert grade(q, {"choices": [right.pk]}).is_correct
        assert not grade(q, {"choices": [wrong.pk]}).is_correct
        assert not grade(q, {"choices": [right.pk, wrong.pk]}).is_correct

    def test_true_false(self):
        q = factory.make_question(kind="true_false", choices=[("True", False), ("False", True)])
        true, false = q.choices.all()
        assert grade(q, {"choices": [false.pk]}).score == 1.0
        assert grade(q, {"choices": [true.pk]}).score == 0.0

    def test_multiple_choice_is_all_or_nothing_with_partial_credit(self):
        q = factory.make_question(kind="multiple", choices=[("A", True), ("B", True), ("C", False), ("D", True)])
        a, b, c, d = q.choices.all()
        full = grade(q, {"choices": [a.pk, b.pk, d.pk]})
        assert (full.is_correct, full.score) == (True, 1.0)
        partial = grade(q, {"choices": [a.pk, b.pk]})
        assert (partial.is_correct, round(partial.score, 2)) == (False, 0.67)
        penalised = grade(q, {"choices": [a.pk, c.pk]})
        assert (penalised.is_correct, penalised.score) == (False, 0.0)

    def test_short_answer_with_alternatives(self):
        q = factory.make_question(kind="short", choices=[], accepted_answers="Strimvelis\nthe ADA-SCID drug")
        g = grade(q, {"text": "strimvelis"})
        assert g.is_correct and g.notes == []
        g = grade(q, {"text": "Strimvellis"})
        assert g.is_correct and [str(n) for n in g.notes] == ["small spelling difference"]
        assert not grade(q, {"text": "Glybera"}).is_correct

    def test_cloze_grades_each_blank(self):
        q = factory.make_question(
            kind="cloze", choices=[], prompt="[[AAV]] vectors are [[non-integrative|not integrative]]."
        )
        g = grade(q, {"blanks": ["aav", "not integrative"]})
        assert g.is_correct and g.blanks == [True, True]
        assert [str(n) for n in g.notes] == ["accepted alternative answer"]
        g = grade(q, {"blanks": ["AAV", "integrative"]})
        assert (g.is_correct, g.score, g.blanks) == (False, 0.5, [True, False])
        assert not grade(q, {"blanks": ["AAV"]}).is_correct

    def test_flashcard_is_what_the_learner_says(self):
        q = factory.make_question(kind="flashcard", choices=[], back="Back")
        assert grade(q, {"knew": True}).is_correct
        assert not grade(q, {"knew": False}).is_correct

    def test_notes_are_translated(self, settings):
        from django.utils import translation

        q = factory.make_question(kind="short", choices=[], accepted_answers="thérapie génique", language="fr")
        with translation.override("fr"):
            notes = [str(n) for n in grade(q, {"text": "therapie genique"}).notes]
        assert notes and notes[0] != "accents ignored"


@pytest.mark.django_db
def test_a_unit_printed_after_a_blank_may_be_typed_inside_it():
    q = factory.make_question(kind="cloze", choices=[], prompt="Grafts covered [[80]]% of the body.")
    for typed in ("80", "80%", "80 %", "80 percent"):
        g = grade(q, {"blanks": [typed]})
        assert g.is_correct and g.notes == [], typed
    assert not grade(q, {"blanks": ["8%"]}).is_correct
