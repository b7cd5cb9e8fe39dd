"""The question deriver: cleaning, language, each kind of question, agreement, duplicates, and shipped texts."""

import re
from pathlib import Path

import pytest

from quizzes.deriving.engine import Candidate, ExistingQuestion, derive, prepare
from quizzes.deriving.engine.questions import leaks

TEXTS = Path(__file__).resolve().parents[2] / "bank" / "texts"

EN_TEXT = """top of page

Approved gene therapy drugs

Gene therapy consists of introducing genetic material into cells in order to treat a disease.

Luxturna: this adeno-associated vector is indicated in retinal dystrophy related to the RPE65 mutation and was \
approved in the USA at the end of 2017.

Imlygic: approved in 2015 in the USA and Europe, it consists of an oncolytic virus expressing an immunostimulant \
protein. It is indicated in adults with unresectable melanoma.

Glybera: the first drug commercialized in Europe, at the end of 2012, in the treatment of familial lipoprotein \
lipase deficiency.

Strimvelis was approved in Europe in 2016 for patients with severe immune deficiency.

This is the case of the vectors derived from adeno-associated virus (or AAV), which are widely used in vivo.

Reading time
© Inserm, F. Koulikoff
"""

FR_TEXT = """Les médicaments de thérapie innovante

Le Luxturna est un médicament de thérapie génique indiqué dans le traitement des dystrophies rétiniennes \
héréditaires liées à des mutations du gène RPE65.

L'Alofisel est un traitement utilisant des cellules stromales mésenchymateuses, utilisé dans le traitement des \
fistules de la maladie de Crohn.

Les ARN interférents (ARNi) ciblent des protéines délétères impliquées dans certaines maladies génétiques.

Une fistule périanale correspond à un conduit se formant entre le canal anal et la peau.

Le Kymriah et le Yescarta ont été remboursés en France en 2018 dans le traitement des lymphomes.

BIBLIOGRAPHIE

Russell, S. (2017). Efficacy and safety of voretigene neparvovec.
"""


def by_answer(candidates: list[Candidate], answer: str, kind: str | None = None) -> list[Candidate]:
    return [c for c in candidates if c.answer == answer and (kind is None or c.kind == kind)]


@pytest.fixture(scope="module")
def english() -> list[Candidate]:
    return derive(EN_TEXT)


@pytest.fixture(scope="module")
def french() -> list[Candidate]:
    return derive(FR_TEXT)


# ------------------------------------------------------------------------------------------------ prepare()


def test_prepare_drops_boilerplate_and_keeps_headings_as_structure():
    doc = prepare(EN_TEXT, "txt")
    assert "top of page" not in doc.text
    assert "Reading time" not in doc.text
    assert "Koulikoff" not in doc.text
    assert doc.blocks[0].kind == "heading"
    assert doc.blocks[0].text == "Approved gene therapy drugs"
    assert all(b.kind == "paragraph" for b in doc.blocks[1:])
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    assert doc.language == "en"


def test_prepare_stops_at_the_bibliography():
    doc = prepare(FR_TEXT, "txt")
    assert "Russell" not in doc.text
    assert doc.blocks[-1].text.startswith("Le Kymriah")


def test_prepare_detects_the_language_of_each_paragraph():
    raw = (
        "Thérapie génique des cancers de l'enfant\n\n"
        "Despite the successes of treatments for paediatric malignancies over the last 30 years, almost 30% of "
        "patients will remain refractory.\n\n"
        "La thérapie génique vise à corriger un gène défectueux à l'origine de la maladie.\n"
    )
    doc = prepare(raw, "txt")
    assert [(b.kind, b.language) for b in doc.blocks] == [("heading", "fr"), ("paragraph", "en"), ("paragraph", "fr")]


def test_prepare_parses_html_without_script_or_style():
    raw = """<html><head><title>t</title><style>p { color: red }</style></head><body>
    <nav><a href="/">Home</a> | <a href="/news">News</a></nav>
    <h1>Gene therapy</h1>
    <p>Gene therapy consists of introducing genetic material into cells &amp; tissues.</p>
    <script>alert("x"); var s = "<p>not text</p>";</script>
    <p>Luxturna treats retinal dystrophy<br>linked to RPE65.</p>
    <figure><img src="a.png"><figcaption>Figure 1. A caption</figcaption></figure>
    <footer>© Inserm</footer></body></html>"""
    doc = prepare(raw, "html")
    assert "alert" not in doc.text and "color" not in doc.text and "not text" not in doc.text
    assert "Home" not in doc.text and "caption" not in doc.text and "Inserm" not in doc.text
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph"]
    assert doc.blocks[1].text == "Gene therapy consists of introducing genetic material into cells & tissues."
    assert doc.blocks[2].text == "Luxturna treats retinal dystrophy linked to RPE65."


def test_prepare_reads_markdown_headings_links_and_emphasis():
    raw = "# Le Luxturna\n\nLe *Luxturna* est un [médicament](https://example.org) de thérapie génique [1].\n"
    doc = prepare(raw, "md")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "Le Luxturna"),
        ("paragraph", "Le Luxturna est un médicament de thérapie génique."),
    ]
    assert {b.language for b in doc.blocks} == {"fr"}


def test_a_paragraph_language_corrected_by_hand_wins_over_detection():
    text = (
        "La thérapie génique consiste à introduire un gène fonctionnel dans les cellules.\n\n"
        "Luxturna is indicated for the treatment of retinal dystrophy caused by mutations in the RPE65 gene.\n"
    )
    start = text.index("Luxturna")
    assert [b.language for b in prepare(text).blocks] == ["fr", "en"]
    assert [b.language for b in prepare(text, corrections={start: "fr"}).blocks] == ["fr", "fr"]
    detected = {c.language for c in derive(text) if c.start >= start}
    corrected = {c.language for c in derive(text, corrections={start: "fr"}) if c.start >= start}
    assert detected == {"en"} and corrected == {"fr"}


def test_prepare_rejects_an_unknown_format():
    with pytest.raises(ValueError):
        prepare("x", "docx")


def test_a_page_break_inside_a_sentence_is_joined():
    doc = prepare("Ceux-ci ont présenté, à un mois, une amélioration\n\nmodérée, mais significative, du test.\n", "txt")
    assert [b.text for b in doc.blocks] == [
        "Ceux-ci ont présenté, à un mois, une amélioration modérée, mais significative, du test."
    ]


# ------------------------------------------------------------------------------------------- every candidate


@pytest.mark.parametrize("text", [EN_TEXT, FR_TEXT])
def test_every_candidate_is_well_built(text):
    candidates = derive(text)
    assert candidates
    for c in candidates:
        assert c.passage and c.passage in text, c
        assert text[c.start : c.end] == c.passage
        assert not c.highlight or c.highlight in c.passage
        assert c.kind in ("cloze", "single", "true_false", "short", "flashcard")
        assert 0 <= c.confidence <= 1
        assert c.reason and c.answer_type and c.language in ("en", "fr")
        if c.kind == "cloze":
            assert re.search(r"\[\[[^\]]+\]\]", c.prompt)
        if c.kind in ("single", "true_false"):
            assert sum(ok for _, ok in c.choices) == 1
        if c.kind == "flashcard":
            assert c.back
        if c.kind in ("cloze", "single", "short"):
            assert not leaks(c.prompt, c.answer), c
        for blank in re.findall(r"\[\[(.*?)\]\]", c.prompt):
            assert not leaks(c.prompt, blank), c
    confidences = [c.confidence for c in candidates]
    assert confidences == sorted(confidences, reverse=True)


def test_headings_and_boilerplate_make_no_questions(english):
    for c in english:
        assert "Approved gene therapy drugs" not in c.passage
        assert "Reading time" not in c.passage and "©" not in c.passage


def test_derive_is_deterministic():
    assert derive(EN_TEXT) == derive(EN_TEXT)


def test_progress_is_reported():
    calls = []
    derive(EN_TEXT, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1] > 0


# ------------------------------------------------------------------------------------------------ each kind


def test_which_drug_is_indicated_for_a_disease(english):
    [c] = [c for c in english if c.prompt == "Which drug is indicated for retinal dystrophy?"]
    assert c.answer == "Luxturna" and c.answer_type == "drug"
    assert c.kind == "single"
    assert {t for t, ok in c.choices if not ok} <= {"Imlygic", "Glybera", "Strimvelis"}
    assert "indicated" in c.reason


def test_a_pronoun_refers_to_the_drug_heading_its_paragraph(english):
    [c] = [c for c in english if c.prompt == "Which drug is indicated for unresectable melanoma?"]
    assert c.answer == "Imlygic"
    assert c.passage.startswith("Imlygic: approved in 2015") and c.passage.endswith("unresectable melanoma.")


def test_acronym_expansion(english, french):
    [aav] = [c for c in english if c.prompt == "What does AAV stand for?"]
    assert (aav.kind, aav.answer, aav.term, aav.answer_type) == ("short", "adeno-associated virus", "AAV", "acronym")
    [arni] = [c for c in french if c.prompt == "Que signifie le sigle ARNi ?"]
    assert arni.answer == "ARN interférents" and arni.alternatives == []


def test_an_english_expansion_in_a_french_text_accepts_the_french_given_beside_it():
    text = (
        "Les cellules CAR-T (pour *chimeric antigen receptor*, ou « récepteur antigénique chimérique » en français) "
        "sont produites à partir de lymphocytes T issus du patient.\n\n"
        "Elles sont obtenues à partir de cellules souches pluripotentes induites (*induced pluripotent stem cells* ou "
        "iPSC) cultivées en laboratoire.\n"
    )
    candidates = derive(text, language="fr")
    [car] = [c for c in candidates if c.prompt == "Que signifie le sigle CAR ?"]
    assert car.answer == "chimeric antigen receptor" and car.alternatives == ["récepteur antigénique chimérique"]
    assert car.explanation == "CAR signifie chimeric antigen receptor (« récepteur antigénique chimérique »)."
    [ipsc] = [c for c in candidates if c.prompt == "Que signifie le sigle iPSC ?"]
    assert ipsc.alternatives == ["cellules souches pluripotentes induites"]
    assert ipsc.highlight.startswith("cellules souches pluripotentes induites (")
    # neither the expansion nor its French is blanked again beside the card that asks it
    for c in candidates:
        assert "[[récepteur" not in c.prompt and "[[chimeric" not in c.prompt and "[[cellules souches" not in c.prompt


def test_definition_cards(english, french):
    [gene] = [c for c in english if c.kind == "flashcard" and c.answer == "gene therapy"]
    assert gene.prompt == "What is gene therapy?"
    assert gene.back == "Introducing genetic material into cells in order to treat a disease"
    [fistula] = [c for c in french if c.kind == "flashcard" and c.answer == "fistule périanale"]
    assert fistula.prompt == "Qu'est-ce qu'une fistule périanale ?"
    assert fistula.back == "un conduit se formant entre le canal anal et la peau"


def test_cloze_on_a_typed_term(english):
    cloze = [c for c in english if c.kind == "cloze"]
    assert cloze
    for c in cloze:
        assert f"[[{c.answer}]]" in c.prompt


def test_true_false_on_a_year():
    text = (
        "A first oncolytic virus (Imlygic), derived from a herpes strain, was granted marketing authorization in "
        "2015.\n\nGlybera was the first drug commercialized in Europe, at the end of 2012.\n\n"
        "Strimvelis was approved in Europe in 2016 for patients with a severe immune deficiency.\n\n"
        "Luxturna was approved in the USA at the end of 2017 for a retinal dystrophy.\n"
    )
    statements = [c for c in derive(text) if c.kind == "true_false"]
    assert statements
    for c in statements:
        assert c.answer_type == "year" and c.choices[0][0] == "True"
        assert c.term in c.passage
        says_true = c.choices[0][1]
        assert (c.term in c.prompt) == says_true


def test_french_distractors_agree_in_gender_and_number():
    text = (
        "La drépanocytose est une maladie génétique du sang.\n\n"
        "La leucodystrophie est une maladie rare du cerveau.\n\n"
        "Les lymphomes sont des cancers du système lymphatique.\n\n"
        "Le Luxturna est indiqué dans le traitement de la rétinite.\n\n"
        "Le diabète de type 1 est une maladie auto-immune.\n\n"
        "Les chercheurs ont traité la myopathie myotubulaire grâce à un vecteur.\n\n"
        "Les médecins étudient la thalassémie dans plusieurs essais cliniques en France.\n"
    )
    candidates = derive(text)
    singles = [c for c in candidates if c.kind == "single" and c.answer_type == "disease" and "_____" in c.prompt]
    assert singles
    for c in singles:
        wrong = [t for t, ok in c.choices if not ok]
        assert "lymphomes" not in wrong, c  # plural, never in a "la _____" slot
        assert "diabète de type 1" not in wrong, c  # masculine


# ------------------------------------------------------------------------------------------------ duplicates


def test_near_duplicates_among_candidates_are_merged():
    text = EN_TEXT + "\nLuxturna is indicated in retinal dystrophy, as said above.\n"
    prompts = [c.prompt for c in derive(text)]
    assert prompts.count("Which drug is indicated for retinal dystrophy?") == 1


def test_a_candidate_duplicating_a_bank_question_is_flagged(english):
    existing = [
        ExistingQuestion("ins-007", "What does AAV stand for?", "adeno-associated virus", "en"),
        ExistingQuestion("hop-001", "Quel médicament est indiqué dans les dystrophies rétiniennes ?", "Luxturna", "fr"),
        ExistingQuestion("x-1", "Capital of France?", "Paris", "en"),
    ]
    candidates = derive(EN_TEXT, existing=existing)
    [aav] = [c for c in candidates if c.prompt == "What does AAV stand for?"]
    assert aav.duplicate_of == "ins-007" and "duplicate" in aav.flags
    [drug] = [c for c in candidates if c.prompt == "Which drug is indicated for retinal dystrophy?"]
    assert drug.duplicate_of == "hop-001"  # across English and French
    assert not [c for c in candidates if c.duplicate_of == "x-1"]


# ------------------------------------------------------------------------------------- the shipped texts


@pytest.fixture(scope="module")
def inserm() -> list[Candidate]:
    return derive((TEXTS / "inserm-gene-therapy.txt").read_text(encoding="utf-8"), language="en")


@pytest.fixture(scope="module")
def medicaments() -> list[Candidate]:
    return derive((TEXTS / "medicaments-therapie-innovante.txt").read_text(encoding="utf-8"), language="fr")


def test_snapshot_luxturna_retinal_dystrophy(inserm, medicaments):
    [en] = [c for c in inserm if c.prompt == "Which drug is indicated for retinal dystrophy?"]
    assert en.answer == "Luxturna" and en.kind == "single" and en.confidence >= 0.8
    [fr] = [
        c
        for c in medicaments
        if c.prompt == "Quel médicament est indiqué dans le traitement des dystrophies rétiniennes héréditaires ?"
    ]
    assert fr.answer == "Luxturna"


def test_snapshot_nusinersen_for_spinal_muscular_atrophy(inserm):
    [c] = [c for c in inserm if c.prompt == "Which drug is indicated for spinal muscular atrophy?"]
    assert c.answer == "Nusinersen"


def test_snapshot_aav_expansion(inserm):
    [c] = [c for c in inserm if c.prompt == "What does AAV stand for?"]
    assert c.answer == "adeno-associated virus"
    assert c.passage.startswith("This is the case, for example, of the vectors derived from adeno-associated virus")


def test_snapshot_year_statements(inserm):
    statements = {c.term: c for c in inserm if c.kind == "true_false" and c.answer_type == "year"}
    assert len(statements) >= 3
    for year, c in statements.items():
        assert year in c.passage
        assert c.choices == [("True", year in c.prompt), ("False", year not in c.prompt)]
        assert c.explanation == "The text says: " + " ".join(c.passage.split())
    imlygic = statements["2015"]
    assert imlygic.passage.startswith("Imlygic: approved in 2015 in the USA and Europe")
    assert len({c.answer for c in statements.values()}) == 2  # some true, some false


def test_shipped_texts_keep_boilerplate_out(medicaments):
    for c in medicaments:
        assert "BIBLIOGRAPHIE" not in c.passage and "Creative Commons" not in c.passage
        assert c.language == "fr"


def _draft(prompt: str, answer: str, answer_type: str, confidence: float, language: str = "en", start: int = 0):
    from quizzes.deriving.engine.questions import Draft  # noqa: PLC0415

    return Draft("cloze", prompt, answer, start, start + 10, language, confidence, "test", answer_type, answer)


def test_a_common_single_word_blank_is_ranked_as_generic():
    from quizzes.deriving.engine import _generic_word  # noqa: PLC0415

    assert _generic_word(_draft("[[Genes]] carry information.", "Genes", "term", 0.5))
    assert _generic_word(_draft("La [[greffe]] est pratiquée.", "greffe", "term", 0.5, "fr"))
    assert not _generic_word(_draft("Restaurer l'[[hématopoïèse]].", "hématopoïèse", "term", 0.5, "fr"))
    assert not _generic_word(_draft("Use of [[ex vivo]] therapy.", "ex vivo", "term", 0.5))
    assert not _generic_word(_draft("Approved in [[2017]].", "2017", "year", 0.5))


def test_the_same_term_again_waits_behind_new_terms():
    from quizzes.deriving.engine import _diversify  # noqa: PLC0415

    a = _draft("Which drug? [[Luxturna]]", "Luxturna", "drug", 0.9, start=0)
    b = _draft("Again [[Luxturna]] here.", "Luxturna", "drug", 0.8, start=20)
    c = _draft("The gene [[RPE65]] is mutated.", "RPE65", "gene", 0.7, start=40)
    ranked = _diversify([b, c, a])
    assert [d.answer for d in ranked] == ["Luxturna", "RPE65", "Luxturna"]
    assert ranked[2].confidence == round(0.8 * 0.8, 3)


def test_a_category_of_diseases_is_ranked_as_generic():
    from quizzes.deriving.engine import _generic_word  # noqa: PLC0415

    d = _draft("Pour la plupart de ces [[pathologies]].", "pathologies", "disease", 0.5, "fr")
    assert _generic_word(d)
    assert _generic_word(_draft("Les [[maladies rares]] sont nombreuses.", "maladies rares", "disease", 0.5, "fr"))
    assert _generic_word(_draft("It treats [[genetic diseases]].", "genetic diseases", "disease", 0.5))
    assert not _generic_word(_draft("It treats [[monogenic diseases]].", "monogenic diseases", "disease", 0.5))
    assert not _generic_word(_draft("Il traite la [[drépanocytose]].", "drépanocytose", "disease", 0.5, "fr"))


def test_an_acronym_named_once_and_never_expanded_is_a_one_off():
    from quizzes.deriving.engine import _one_off  # noqa: PLC0415

    text = "La France, via l'ANSM, avance. Les AAV sont utilisés. Les vecteurs AAV ciblent le foie."
    assert _one_off(_draft("Via l'[[ANSM]], avance.", "ANSM", "acronym", 0.6, "fr"), text)
    assert not _one_off(_draft("Les [[AAV]] sont utilisés.", "AAV", "acronym", 0.6, "fr"), text)
    assert not _one_off(_draft("Approved in [[2017]].", "2017", "year", 0.6), text)


LIST_TEXT = """Les réponses se dessinent.

Côté terrain, des solutions organisationnelles se construisent :

  • Des plateformes de référencement national pour centraliser l’éligibilité génétique,
  • Des hubs hospitaliers pilotes, capables de recevoir et suivre ces traitements,
  • Des filières interrégionales plus structurées, pour éviter la fragmentation du parcours de soin.

En parallèle, la montée en compétence est déjà en cours.
"""


def test_list_items_become_cloze_blanks_after_their_lead_in():
    doc = prepare(LIST_TEXT, language="fr")
    items = [c for c in derive(doc.text, language="fr") if c.reason.startswith("a list item")]
    answers = {c.answer for c in items}
    assert {"plateformes de référencement national", "hubs hospitaliers pilotes"} <= answers
    for c in items:
        assert c.prompt.startswith("Côté terrain, des solutions organisationnelles se construisent : ")
        assert f"[[{c.answer}]]" in c.prompt and c.prompt.endswith(".")
        assert doc.text[c.start : c.end] == c.passage and c.answer in c.passage
        assert not leaks(c.prompt, c.answer)
        assert not c.flags


def test_a_sentence_without_a_strong_term_falls_back_to_a_count():
    text = "Gene therapy is studied worldwide.\n\nAbout 700 clinical trials are in progress around the world today.\n"
    found = [c for c in derive(text, language="en") if c.answer_type == "number"]
    assert found and found[0].answer == "700" and found[0].kind == "cloze"


# ------------------------------------------------------------------------------------ several blanks in one item

DENSE_EN = """Genome editing

Genome editing corrects a gene where it lies, with molecular scissors called nucleases. These tools include \
zinc-finger nucleases, TALEN and CRISPR.

The oligonucleotides used include antisense nucleotides, aptamers and small interfering RNA (siRNA).

CRISPR was adapted from a bacterial immune system, and TALEN came from plant pathogens. Zinc-finger nucleases \
were the first to reach clinical trials.
"""

DENSE_FR = """Les thérapies cellulaires

L'Alofisel (substance active : darvadstrocel) est un traitement utilisant des cellules stromales \
mésenchymateuses isolées à partir de tissu adipeux.

Il existe quatre classes de médicaments de thérapie innovante :

- les médicaments de thérapie génique ;
- les médicaments de thérapie cellulaire somatique ;
- les médicaments issus de l'ingénierie tissulaire ;
- les médicaments combinés de thérapie innovante.

Les cellules stromales mésenchymateuses migrent vers les tissus endommagés.
"""


def blanks(c: Candidate) -> list[str]:
    return re.findall(r"\[\[(.*?)\]\]", c.prompt)


def test_a_sentence_with_several_key_terms_is_one_cloze_with_a_blank_for_each():
    candidates = derive(DENSE_EN, language="en")
    (tools,) = [c for c in candidates if "These tools include" in c.prompt]
    assert tools.kind == "cloze" and blanks(tools) == ["TALEN", "CRISPR"]
    assert tools.reason == "2 key terms of one sentence blanked (acronym)"
    assert tools.passage.endswith("zinc-finger nucleases, TALEN and CRISPR.")
    assert tools.highlight == "TALEN and CRISPR"  # from the first blank to the last
    (oligos,) = [c for c in candidates if c.kind == "cloze" and "aptamers" in c.passage]
    assert blanks(oligos) == ["oligonucleotides", "antisense nucleotides", "aptamers"]
    # siRNA stands next to its expansion: it is asked by the expansion card, not blanked
    assert "small interfering RNA (siRNA)" in oligos.prompt
    assert [c.answer for c in candidates if c.kind == "short"] == ["small interfering RNA"]


def test_french_key_terms_of_one_sentence_are_blanked_together():
    doc = prepare(DENSE_FR, language="fr")
    candidates = derive(doc.text, language="fr")
    (alofisel,) = [c for c in candidates if c.kind == "cloze" and "darvadstrocel" in c.passage]
    assert set(blanks(alofisel)) == {"darvadstrocel", "cellules stromales mésenchymateuses", "tissu adipeux"}
    assert alofisel.prompt.startswith("L'Alofisel (substance active : [[darvadstrocel]]) est un traitement")
    for c in candidates:
        assert len(blanks(c)) <= 4
        if "of one sentence" not in c.reason:
            continue
        visible = re.sub(r"\[\[.*?\]\]", " ", c.prompt).split()
        assert len(visible) >= sum(len(b.split()) for b in blanks(c)), c.prompt


def test_a_list_of_short_items_is_asked_as_one_cloze():
    doc = prepare(DENSE_FR, language="fr")
    candidates = derive(doc.text, language="fr")
    listed = [c for c in candidates if "classes" in c.passage]
    assert len(listed) == 1
    (classes,) = listed
    assert classes.reason == "the 4 items of a list blanked after the sentence that introduces it"
    assert classes.prompt == (
        "Il existe quatre classes de médicaments de thérapie innovante : les [[médicaments de thérapie génique]] ; "
        "les [[médicaments de thérapie cellulaire somatique]] ; les [[médicaments issus de l'ingénierie tissulaire]] "
        "; les [[médicaments combinés de thérapie innovante]]."
    )
    assert classes.passage.startswith("Il existe quatre classes") and classes.passage.endswith("thérapie innovante.")
    assert doc.text[classes.start : classes.end] == classes.passage
    assert classes.highlight.startswith("médicaments de thérapie génique ;")
    assert classes.highlight.endswith("les médicaments combinés de thérapie innovante")


def test_a_blank_on_an_acronym_everyone_knows_ranks_low():
    from quizzes.deriving.engine import _common_acronym  # noqa: PLC0415

    assert _common_acronym("DNA") and _common_acronym("ADN") and _common_acronym("RNAs") and _common_acronym("FDA")
    assert not _common_acronym("AAV") and not _common_acronym("siRNA") and not _common_acronym("TALEN")
    assert not _common_acronym("CAR")  # "car" is a common word, not a common acronym
    text = "Antisense therapy is not really gene therapy, as it works without modifying the DNA of the treated cells.\n"
    (dna,) = [c for c in derive(text, language="en") if c.answer == "DNA"]
    assert dna.confidence <= 0.5 * 0.8


def test_the_same_fact_asked_the_other_way_round_waits(english):
    forward = next(c for c in english if c.prompt == "Which drug is indicated for unresectable melanoma?")
    reverse = next(c for c in english if c.prompt.startswith("According to the text, Imlygic is indicated"))
    assert forward.confidence == 0.92
    # its own confidence (0.74, scaled by its importance to the text), then × 0.6; the final gate may move it
    # further down, past two items of its paragraph
    assert reverse.confidence <= 0.74 * reverse.ranking["factor"] * 0.6 + 0.002
    assert ["same fact", 0.6] in reverse.ranking["lowered"]
    assert english.index(reverse) > english.index(forward)


def test_bank_answers_join_the_distractor_pool_by_their_type():
    from quizzes.deriving.engine import _existing_terms  # noqa: PLC0415

    def kind(answer: str) -> str | None:
        found = _existing_terms([ExistingQuestion("x", "?", answer)])
        return found[0][1] if found else None

    assert kind("Luxturna") == kind("VX-880") == kind("voretigène néparvovec") == "drug"
    assert kind("AAV9") == kind("SMN1") == "gene"
    assert kind("2017") == "year"
    # an acronym or a disease is not a drug name, however unknown the word
    assert kind("ATMP") is None and kind("Adrenoleukodystrophy") is None
    english = derive(
        EN_TEXT, existing=[ExistingQuestion("b1", "?", "Adrenoleukodystrophy"), ExistingQuestion("b2", "?", "ATMP")]
    )
    for c in english:
        assert not {"Adrenoleukodystrophy", "ATMP"} & {text for text, _ in c.choices}


# ------------------------------------------------------------------------------------- where distractors come from


def test_distractors_said_to_come_from_the_text_are_in_it():
    """The pool of distractors holds the bank's short answers too: a reason says "from the text" only when every
    distractor is in the text, and "from the text and the bank" otherwise (each shipped text against the others).
    Since session 6 a fill-in-the-blank choice item takes its distractors from the text only (the bank's "CD19"
    offered for a function key was absurd): a blank without them is typed."""
    from quizzes.bank import safeyaml  # noqa: PLC0415
    from quizzes.deriving.benchmark import _bank_answer  # noqa: PLC0415

    bank = TEXTS.parent
    library = safeyaml.load((bank / "library.yaml").read_bytes())
    questions = [
        q for p in sorted((bank / "questions").glob("*.yaml")) for q in safeyaml.load(p.read_bytes())["questions"]
    ]
    said = {"text": 0, "bank": 0}
    for source in library["sources"]:
        text = (bank / source["text_file"]).read_text(encoding="utf-8")
        existing = [
            ExistingQuestion(q["id"], q.get("prompt", ""), _bank_answer(q), q.get("language") or source["language"])
            for q in questions
            if q["source"] != source["key"]
        ]
        for c in derive(text, language=source["language"], existing=existing):
            wrong = [choice for choice, right in c.choices if not right]
            if c.reason.endswith("from the text"):
                said["text"] += 1
                assert all(choice in text for choice in wrong), (source["key"], c.prompt, wrong)
            elif c.reason.endswith("from the text and the bank"):
                said["bank"] += 1
                assert any(choice not in text for choice in wrong), (source["key"], c.prompt, wrong)
    assert said["text"], said


def test_a_new_text_loses_its_menu_and_the_sites_invitations():
    text = "Home | About | Contact\n\nGene therapy\n\nGenes are in the nucleus.\n\n"
    text += "Do not hesitate to ask us your questions!\n"
    cleaned = prepare(text, "txt").text
    assert "Home | About" not in cleaned and "hesitate" not in cleaned
    assert "Genes are in the nucleus." in cleaned
