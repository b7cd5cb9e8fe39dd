"""The deriver's failure patterns found by a teacher on texts it had never seen (issue 15): each test holds sentences
modelled on the ones that produced a rejected item, and asserts the item is now right or gone.

2. lost context: a sentence leaning on the one before it ("Puis", "These antibodies", "the latter option");
4. span errors: a verb inside a blank, a term cut short ("[[leucémie aiguë]] lymphoblastique");
5. text furniture: figure captions, sources, credits, first person and blog asides;
7. leaks and duplicates: a word blanked twice, a gloss beside its blank, a flashcard and a cloze on one sentence;
8. answer keys: the French expansion a French text gives, no junk or typos copied from the source.
"""

import re
from pathlib import Path

import pytest

from quizzes.deriving.engine import Candidate, derive
from quizzes.deriving.engine.documents import segment
from quizzes.deriving.engine.questions import leaks
from quizzes.deriving.engine.sentences import sentences
from quizzes.deriving.engine.terms import phrase_spans, term_stats

TEXTS = Path(__file__).resolve().parents[2] / "bank" / "texts"


def blanks(c: Candidate) -> list[str]:
    return re.findall(r"\[\[(.*?)\]\]", c.prompt)


def body(c: Candidate) -> str:
    """The prompt without its "Complétez : " / "According to the text: " lead-in."""
    return re.sub(r"^(Fill in the blank: |Complétez : |According to the text: |D'après le texte : )", "", c.prompt)


def noun_phrases(text: str, language: str) -> list[str]:
    """The noun-phrase terms found in a text, before any scoring or choice."""
    sents = sentences(text, segment(text, language))
    stats = term_stats(sents)
    return [p.text for s in sents for p in phrase_spans(s, text, stats)]


def items_on(candidates: list[Candidate], words: str) -> list[Candidate]:
    return [c for c in candidates if words in c.passage]


# ---------------------------------------------------------------------------------------- 2. lost context

CONTEXT_FR = """Les lymphocytes T du patient sont prélevés par aphérèse puis modifiés en laboratoire.

Puis, les lymphocytes T modifiés sont réinjectés au patient par une simple perfusion intraveineuse.

Pour cette raison, la leucémie aiguë lymphoblastique est devenue la première indication des cellules CAR-T.

En revanche, le syndrome de relargage des cytokines reste une complication fréquente et parfois grave.

Ces anticorps reconnaissent la protéine CD19 présente à la surface des lymphocytes B malins.

Ce dernier stimule la production de cytokines inflammatoires par les macrophages activés.
"""

CONTEXT_EN = """Helicobacter pylori colonises the stomach lining of about half of the world population.

Once there, the bacterium secretes urease to neutralise the gastric acid around it.

These antibodies recognise the CagA protein injected into the gastric epithelial cells.

That bacterium also produces the vacuolating cytotoxin VacA, which damages the gastric mucosa.

The latter option requires a biopsy taken during an upper endoscopy of the stomach.

It encodes a cytotoxin that triggers apoptosis in gastric epithelial cells.
"""

LEANING = (
    "Puis",
    "Pour cette raison",
    "En revanche",
    "Ces anticorps",
    "Ce dernier",
    "Once there",
    "These antibodies",
    "That bacterium",
    "The latter",
    "It encodes",
)


@pytest.mark.parametrize("text, language", [(CONTEXT_FR, "fr"), (CONTEXT_EN, "en")])
def test_a_sentence_leaning_on_an_unseen_one_is_not_asked_alone(text, language):
    candidates = derive(text, language=language)
    assert candidates
    for c in candidates:
        assert not body(c).startswith(LEANING), c.prompt
        assert "needs-context" not in c.flags, c.prompt


def test_a_leaning_sentence_is_asked_with_the_sentence_before_it():
    text = (
        "Les lymphocytes T du patient sont prélevés par aphérèse, puis modifiés en laboratoire. Puis, les "
        "lymphocytes T modifiés sont réinjectés au patient par une perfusion intraveineuse de tocilizumab.\n\n"
        "Helicobacter pylori colonises the stomach lining of half of the world population. Once there, the "
        "bacterium injects the CagA oncoprotein into the gastric epithelial cells.\n"
    )
    candidates = derive(text)
    for leaning, before in (("Puis, les lymphocytes", "Les lymphocytes T du patient"), ("Once there", "Helicobacter")):
        asked = [c for c in candidates if leaning in c.passage and c.kind in ("cloze", "single", "true_false")]
        assert asked, leaning
        for c in asked:
            assert body(c).startswith(before), c.prompt
            # the blanks are in the leaning sentence: the context is there to read, not to be asked
            context = body(c).split(leaning)[0]
            assert "[[" not in context and "_____" not in context, c.prompt
            assert not leaks(c.prompt, c.answer)


def test_context_that_would_give_the_answer_away_is_not_used():
    text = (
        "Le tocilizumab bloque le récepteur de l'interleukine 6. Ce médicament réduit le syndrome de relargage des "
        "cytokines chez les patients traités par tocilizumab.\n"
    )
    for c in derive(text, language="fr"):
        assert not leaks(c.prompt, c.answer), c.prompt
        for blank in blanks(c):
            assert not leaks(c.prompt, blank), c.prompt


def test_an_impersonal_il_or_it_needs_no_context():
    text = (
        "Il existe aujourd'hui plus de trente médicaments de thérapie génique autorisés dans l'Union européenne.\n\n"
        "It is estimated that seven thousand rare diseases are caused by a single defective gene.\n"
    )
    candidates = derive(text)
    assert items_on(candidates, "Il existe aujourd'hui") and items_on(candidates, "It is estimated")
    assert not any("needs-context" in c.flags for c in candidates)


# ----------------------------------------------------------------------------------------- 4. span errors

SPANS_FR = """La leucémie aiguë lymphoblastique est le cancer le plus fréquent de l'enfant en France.

Le syndrome de relargage des cytokines survient dans les jours suivant la perfusion des cellules CAR-T.

Les cellules CAR-T activeront ensuite la destruction des lymphocytes B porteurs de l'antigène CD19.

Les lymphocytes modifiés ciblent les cellules tumorales grâce à leur récepteur antigénique chimérique.
"""

SPANS_EN = """The RPE65 gene encodes an isomerase that regenerates the visual chromophore in the retina.

The viral protein binds the cellular receptor and activates the transcription of the provirus.

Lipoprotein lipase deficiency is a rare disease of fat metabolism treated by alipogene tiparvovec.
"""

VERBS = {"activeront", "ciblent", "encodes", "regenerates", "binds", "activates", "survient"}


@pytest.mark.parametrize("text, language", [(SPANS_FR, "fr"), (SPANS_EN, "en")])
def test_no_conjugated_verb_inside_a_blank(text, language):
    candidates = derive(text, language=language)
    assert candidates
    for c in candidates:
        for answer in [*blanks(c), c.answer, c.term]:
            assert not set(answer.casefold().split()) & VERBS, c.prompt


def test_a_blank_is_a_whole_noun_phrase():
    found = noun_phrases(SPANS_FR, "fr")
    assert "leucémie aiguë lymphoblastique" in found
    assert "syndrome de relargage des cytokines" in found
    for c in derive(SPANS_FR, language="fr"):
        assert "[[leucémie aiguë]] lymphoblastique" not in c.prompt
        assert "[[syndrome de relargage]] des" not in c.prompt
        assert "]] lymphoblastique" not in c.prompt and "]] des cytokines" not in c.prompt


def test_a_french_adjective_in_ique_is_not_cut_off_a_term():
    found = noun_phrases("Les patients reçoivent une greffe de tissus adipeux autologue.\n", "fr")
    assert not {"greffe de tissu", "leucémie aiguë"} & set(found)
    text = "La dystrophie musculaire myotonique est une maladie génétique rare de l'adulte.\n"
    assert "dystrophie musculaire myotonique" in noun_phrases(text, "fr")


# ------------------------------------------------------------------------------------------ 5. text furniture

FURNITURE = """Helicobacter pylori colonises the stomach lining of about half of the world population.

Figure 2: Helicobacter pylori attaches to the gastric epithelium with its polar flagella.

Fig. 3 – Clarithromycin resistance rates of Helicobacter pylori in European countries in 2020.

Source: European Helicobacter and Microbiota Study Group, annual report on clarithromycin resistance.

In this post, we will see how the eradication of Helicobacter pylori prevents gastric cancer.

I think that clarithromycin resistance is the main cause of eradication failure worldwide.

As we will see below, bismuth quadruple therapy is now the recommended first-line regimen.

Gastric MALT lymphoma regresses after the eradication of Helicobacter pylori in most patients.
"""

FURNITURE_FR = """La thérapie génique consiste à introduire un gène fonctionnel dans les cellules du patient.

Figure 2 : les lymphocytes T modifiés attaquent une cellule tumorale dans la moelle osseuse.

Source : Institut national du cancer, rapport annuel sur les thérapies cellulaires en oncologie.

Crédit : Institut Pasteur, service de microscopie électronique, lymphocytes T cytotoxiques.

Dans cet article, nous verrons comment la thérapie génique transforme la prise en charge des hémophilies.

Je pense que la thérapie génique représente un tournant majeur pour les maladies rares de l'enfant.

Comme nous le verrons plus loin, le vecteur lentiviral intègre le transgène dans le génome des cellules souches.

L'hémophilie B est causée par un déficit en facteur IX de la coagulation sanguine.
"""


@pytest.mark.parametrize(
    "text, language, furniture",
    [
        (FURNITURE, "en", ("Figure 2", "Fig. 3", "Source:", "In this post", "I think", "As we will see")),
        (FURNITURE_FR, "fr", ("Figure 2", "Source :", "Crédit", "Dans cet article", "Je pense", "Comme nous")),
    ],
)
def test_captions_sources_and_asides_make_no_items(text, language, furniture):
    candidates = derive(text, language=language)
    assert candidates  # the text's own sentences still make items
    for c in candidates:
        assert not any(f in c.passage for f in furniture), c.prompt


# --------------------------------------------------------------------------------------- 7. leaks, duplicates

GLOSS = """La thérapie génique (gene therapy) consiste à introduire un gène fonctionnel dans les cellules du patient.

Les chercheurs utilisent l'édition du génome (genome editing) pour corriger la mutation responsable de la maladie.

Gene therapy of haemophilia B relies on the factor IX gene (gène du facteur IX) carried by an adeno-associated virus.
"""


def test_a_blank_beside_its_translation_is_not_made():
    for c in derive(GLOSS):
        for answer in [*blanks(c), c.answer]:
            assert answer not in {"thérapie génique", "gene therapy", "édition du génome", "genome editing"}, c.prompt
            assert answer not in {"factor IX gene", "gène du facteur IX"}, c.prompt
        assert "[[" not in c.prompt or not re.search(r"\]\]\s*\(", c.prompt) or "(CAR" in c.prompt, c.prompt


def test_a_word_is_never_blanked_twice_nor_left_visible_beside_its_blank():
    text = (
        "Le rituximab est un anticorps monoclonal dirigé contre CD20, et le rituximab a transformé le pronostic du "
        "lymphome folliculaire.\n\n"
        "Tocilizumab blocks the interleukin-6 receptor, and tocilizumab is now the standard treatment of the "
        "cytokine release syndrome.\n"
    )
    candidates = derive(text)
    assert candidates
    for c in candidates:
        found = [b.casefold() for b in blanks(c)]
        assert len(found) == len(set(found)), c.prompt
        for answer in found:
            assert not leaks(c.prompt, answer), c.prompt


def test_a_term_named_twice_is_asked_in_the_clause_naming_it_once():
    """ "…derived from stem cells located in the bone marrow: a marrow transplant … from the modified stem cells."
    was a cloze with [[stem cells]] twice; it is now asked in its first clause, which names them once."""
    text = (TEXTS / "gene-therapy-what-is-it.txt").read_text(encoding="utf-8")
    (c,) = items_on(derive(text, language="en"), "entirely derived from stem cells")
    assert c.prompt.endswith("derived from [[stem cells]] located in the bone marrow.")
    assert text[c.start : c.end] == c.passage and "marrow transplant" not in c.passage


def test_one_item_per_sentence_a_definition_card_or_a_cloze_not_both():
    text = (
        "Tisagenlecleucel is an autologous cell therapy made of T lymphocytes engineered to recognise the CD19 "
        "antigen.\n\n"
        "Le darvadstrocel est un médicament de thérapie cellulaire composé de cellules souches du tissu adipeux.\n"
    )
    candidates = derive(text)
    for words in ("Tisagenlecleucel is", "Le darvadstrocel est"):
        on = items_on(candidates, words)
        assert len(on) == 1, [c.prompt for c in on]
        if on[0].kind == "cloze":  # chosen over the card, it asks the defined term too
            assert words.split()[-2] in blanks(on[0]), on[0].prompt


# ------------------------------------------------------------------------------------------------ 8. answer keys


def test_an_acronym_card_accepts_the_french_expansion_the_text_gives():
    text = (
        "Les lymphocytes T à récepteur antigénique chimérique (CAR-T, chimeric antigen receptor T cells) ciblent "
        "les cellules cancéreuses porteuses de l'antigène CD19.\n"
    )
    (card,) = [c for c in derive(text, language="fr") if c.kind == "short" and c.answer_type == "acronym"]
    assert card.prompt == "Que signifie le sigle CAR-T ?"
    assert card.answer == "chimeric antigen receptor T cells"
    assert card.alternatives == ["lymphocytes T à récepteur antigénique chimérique"]


def test_answer_keys_hold_no_junk():
    text = (
        "Les cellules CAR-T (pour *chimeric antigen receptor*, ou « récepteur antigénique chimérique » en français) "
        "sont produites à partir des lymphocytes du patient.\n"
    )
    (car,) = [c for c in derive(text, language="fr") if c.prompt == "Que signifie le sigle CAR ?"]
    assert (car.answer, car.alternatives) == ("chimeric antigen receptor", ["récepteur antigénique chimérique"])
    for accepted in (car.answer, *car.alternatives):
        assert accepted == accepted.strip(" *«»\"'.,;:") and "  " not in accepted


def test_an_answer_key_does_not_copy_a_typo_of_the_text():
    text = (
        "Les cellules souches hématopoïétiques sont prélevées dans la moelle osseuse du patient.\n\n"
        "Les cellules souches hématopoïétiques sont ensuite modifiées par un vecteur lentiviral.\n\n"
        "Chez l'enfant atteint de drépanocytose, les cellules souches hématopoïétques modifiées produisent une "
        "hémoglobine fonctionnelle.\n"
    )
    candidates = derive(text, language="fr")
    on = items_on(candidates, "hématopoïétques")
    assert on
    for c in on:
        assert "hématopoïétques" not in " ".join([c.answer, c.term, *c.alternatives, *blanks(c)]), c.prompt
        assert c.highlight in c.passage


@pytest.mark.parametrize(
    "text, language",
    [(CONTEXT_FR, "fr"), (CONTEXT_EN, "en"), (SPANS_FR, "fr"), (SPANS_EN, "en"), (FURNITURE, "en"), (GLOSS, None)],
)
def test_no_item_shows_its_answer(text, language):
    """The hard rule: no answer (nor an accepted alternative) readable in its prompt or among the wrong choices."""
    for c in derive(text, language=language):
        if c.kind in ("cloze", "single", "short"):
            for answer in (c.answer, *c.alternatives):
                assert not leaks(c.prompt, answer), c.prompt
        wrong = [t.casefold() for t, ok in c.choices if not ok]
        if c.kind == "single":
            assert c.answer.casefold() not in wrong and len(wrong) == len(set(wrong)), c.choices
