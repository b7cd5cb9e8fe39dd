"""Issue 15, session 9: changes chosen from the judged items of both groups of the evaluation set, tested on the
tuning texts' sentences that produced a failure."""

import pytest

from quizzes.deriving.engine import derive
from quizzes.deriving.engine.terms import is_disease_word
from quizzes.deriving.models import LOWERED

# ------------------------------------------------------------------------- French participles in -ite


@pytest.mark.parametrize("word", ["introduite", "construite", "décrite", "réussite", "explicite"])
def test_a_french_participle_in_ite_is_no_disease(word):
    # "la nouvelle distribution testing fut introduite" gave a blank on "[[fut introduite]]": the -ite of an
    # inflammation read a participle as a disease
    assert not is_disease_word(word)


@pytest.mark.parametrize("word", ["hépatite", "arthrite", "appendicite", "méningite", "sinusite"])
def test_an_inflammation_in_ite_is_still_a_disease(word):
    assert is_disease_word(word)


# ------------------------------------------------------------------------- blanks on acronyms wait

HARDWARE = (
    "Le matériel\n\n"
    "On a généralement une carte mère, sur laquelle sont connectés un processeur, de la mémoire vive et des "
    "contrôleurs de périphériques. Les cartes réseau disposent souvent de LED qui indiquent l'état de la connexion. "
    "Le BIOS (Basic Input/Output System) est un logiciel embarqué dans la carte mère.\n"
)


def test_a_blank_on_an_acronym_waits_behind_its_expansion_card():
    # "Les cartes réseau disposent souvent de [[LED]]…" was rejected (unimportant target); of the judged top-20
    # typed blanks on an acronym, 3 of 16 were usable (tuning and held-out texts alike), while expansion cards
    # ("Que signifie le sigle BIOS ?") were the best kind
    candidates = derive(HARDWARE, language="fr")
    led = next(c for c in candidates if c.kind == "cloze" and c.answer == "LED")
    card = next(c for c in candidates if c.kind == "short" and c.term == "BIOS")
    assert ["acronym blank", 0.75] in led.ranking["lowered"]
    assert not any(why == "acronym blank" for why, _ in card.ranking.get("lowered", []))
    assert candidates.index(card) < candidates.index(led)
    assert "acronym blank" in LOWERED  # the review queue says why, in the reviewer's language


def test_a_word_in_capitals_is_no_acronym_blank():
    # "la touche [[CONTROLE]]" (usable) names a key: the word is French, written in capitals
    text = (
        "Didacticiel\n\nLes commandes Emacs utilisent généralement la touche CONTROLE ou la touche META. "
        "C-<car> signifie qu'il faut maintenir la touche CONTROLE appuyée tout en tapant le caractère <car>.\n"
    )
    control = next(c for c in derive(text, language="fr") if c.kind == "cloze" and c.answer == "CONTROLE")
    assert not any(why == "acronym blank" for why, _ in control.ranking.get("lowered", []))


# ------------------------------------------------------------------------- a merged item frees its term

SMA = (
    "Gene therapy for spinal muscular atrophy\n\n"
    "Onasemnogene abeparvovec, sold as Zolgensma, was approved by the FDA in 2019 for children with spinal muscular "
    "atrophy. It delivers a working copy of the SMN1 gene with an AAV9 vector.\n\n"
    "Novartis launched the treatment in the United States in May 2019.\n"
)


def test_a_term_whose_item_is_merged_away_can_be_asked_by_another_sentence():
    # the first sentence's true/false on 2019 is merged into the cloze that asks the second sentence with it as
    # context (nearly the same words); 2019 was still counted as asked, so the last sentence, whose blank it is,
    # gave no item and nothing asked the year (couches-ordinateur-fr lost its kernel fact so)
    candidates = derive(SMA, language="en")
    assert not any(c.kind == "true_false" for c in candidates)
    year = [c for c in candidates if "[[2019]]" in c.prompt]
    assert [c.prompt for c in year] == ["Novartis launched the treatment in the United States in May [[2019]]."]


def test_a_term_asked_by_a_kept_item_is_not_asked_again():
    # the bookkeeping frees only terms that no item of the queue asks
    candidates = derive(SMA.replace("in May 2019", "in May 2019 with SMN1 testing"), language="en")
    assert sum("[[SMN1]]" in c.prompt for c in candidates) == 1
