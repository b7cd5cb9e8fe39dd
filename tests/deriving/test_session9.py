"""Issue 15, session 9: changes chosen from the judged items of both groups of the evaluation set, tested on the
tuning texts' sentences that produced a failure."""

import pytest

from quizzes.deriving.engine.terms import is_disease_word

# ------------------------------------------------------------------------- French participles in -ite


@pytest.mark.parametrize("word", ["introduite", "construite", "décrite", "réussite", "explicite"])
def test_a_french_participle_in_ite_is_no_disease(word):
    # "la nouvelle distribution testing fut introduite" gave a blank on "[[fut introduite]]": the -ite of an
    # inflammation read a participle as a disease
    assert not is_disease_word(word)


@pytest.mark.parametrize("word", ["hépatite", "arthrite", "appendicite", "méningite", "sinusite"])
def test_an_inflammation_in_ite_is_still_a_disease(word):
    assert is_disease_word(word)
