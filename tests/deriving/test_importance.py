"""Ranking by importance: what the text is about comes first, distractors are wrong, true/false only on statements
that matter and never on a value another number fixes, and the review queue says why an item ranks where it does.

The texts are modelled on what a teacher rejected in the top 20 of unseen texts: a trial id, the year of a film,
common words ("cancers", "embryons") ranked above the text's central terms; a distractor the text names in the
same list as the answer; a percentage swapped beside the fraction that fixes it.
"""

import re

import pytest

from quizzes.deriving.engine import derive, importance
from quizzes.deriving.engine import questions as q
from quizzes.deriving.engine.documents import segment
from quizzes.deriving.engine.sentences import sentences as split
from quizzes.deriving.engine.terms import latin_spans, phrase_spans, term_stats, typed_spans

EN = """CAR-T cells against blood cancers

CAR-T cells are T lymphocytes taken from the patient and genetically modified to express a chimeric antigen \
receptor.
The chimeric antigen receptor recognises the CD19 antigen at the surface of malignant B cells.
Once reinjected, CAR-T cells multiply in the blood and destroy the cancer cells that carry CD19.

The first CAR-T cells were tested in the ELIANA trial (NCT02435849), which enrolled 75 children.
The film Sicko was released in 2007.
CAR-T cells can cause a cytokine release syndrome, a violent inflammatory reaction that is treated with tocilizumab.

Today, CAR-T cells are used in haematological malignancies such as acute lymphoblastic leukaemia, lymphomas and \
myeloma.
Many cancers remain out of reach, because solid tumours lack a single antigen like CD19.
"""

FR = """Les cellules CAR-T contre les hémopathies malignes

Les cellules CAR-T sont des lymphocytes T prélevés chez le patient puis modifiés génétiquement pour exprimer un \
récepteur antigénique chimérique.
Le récepteur antigénique chimérique reconnaît l'antigène CD19 à la surface des lymphocytes B malins.
Une fois réinjectées, les cellules CAR-T se multiplient et détruisent les cellules cancéreuses qui portent CD19.

Les premières cellules CAR-T ont été évaluées dans l'essai ELIANA (NCT02435849), qui a inclus 75 enfants.
Le film Bienvenue à Gattaca est sorti en 1998.
Les cellules CAR-T peuvent provoquer un syndrome de relargage des cytokines, une réaction inflammatoire traitée \
par le tocilizumab.

Aujourd'hui, les cellules CAR-T sont utilisées dans des hémopathies telles que les leucémies, les lymphomes et les \
myélomes.
De nombreux cancers restent hors de portée, et la recherche sur les embryons reste encadrée.
"""


def asked(c) -> set[str]:
    """Every term an item tests: its answer, its key term, its other blanks."""
    blanks = {b.split("|")[0] for b in re.findall(r"\[\[(.*?)\]\]", c.prompt)}
    return {t.casefold() for t in (c.term, c.answer, *blanks) if t}


def first(candidates, *terms: str) -> int:
    """Rank of the first candidate testing one of the terms (len if none)."""
    wanted = {t.casefold() for t in terms}
    return next((i for i, c in enumerate(candidates) if asked(c) & wanted), len(candidates))


def last(candidates, *terms: str) -> int:
    wanted = {t.casefold() for t in terms}
    return max((i for i, c in enumerate(candidates) if asked(c) & wanted), default=-1)


# --------------------------------------------------------------------------------------------- importance


@pytest.mark.parametrize(
    "text, central, minor",
    [
        (EN, "CAR-T cells", "NCT02435849"),
        (FR, "cellules CAR-T", "NCT02435849"),
    ],
)
def test_the_central_term_weighs_more_than_a_trial_id_named_once(text, central, minor):
    profile = importance.profile(text)
    big, small = profile.term(central), profile.term(minor)
    assert big.mentions >= 5 and big.title and big.defined
    assert small.mentions == 1 and not small.title and "identifier" in small.demoted
    assert big.score > 0.7 > 0.3 > small.score


def test_variants_of_a_term_count_as_its_mentions():
    profile = importance.profile(EN)
    assert profile.term("chimeric antigen receptors").mentions == profile.term("chimeric antigen receptor").mentions
    assert profile.term("chimeric antigen receptor").mentions == 2


def test_a_one_off_name_and_a_common_word_are_demoted():
    profile = importance.profile(EN)
    assert "one-off name" in profile.term("Sicko").demoted
    assert "common word" in profile.term("cancers").demoted
    fr = importance.profile(FR)
    assert "common word" in fr.term("embryons").demoted or fr.term("embryons").score < 0.3


def test_a_former_name_is_demoted():
    text = (
        "Tisagenlecleucel\n\nTisagenlecleucel, formerly known as CTL019, is a CAR-T cell therapy. "
        "Tisagenlecleucel targets CD19. Le Zolgensma, anciennement appelé AVXS-101, traite l'amyotrophie spinale.\n"
    )
    profile = importance.profile(text)
    assert "obsolete name" in profile.term("CTL019").demoted
    assert "obsolete name" in profile.term("AVXS-101").demoted
    assert "obsolete name" not in profile.term("Tisagenlecleucel").demoted


def test_a_sentence_about_the_text_is_more_central_than_a_film_release():
    profile = importance.profile(EN)
    sents = profile.sentences
    central = next(s for s in sents if s.text.startswith("Once reinjected"))
    film = next(s for s in sents if s.text.startswith("The film"))
    assert profile.centrality(central.index) > 0.5 > profile.centrality(film.index)


@pytest.mark.parametrize("text", [EN, FR])
def test_central_terms_rank_before_a_trial_id_a_film_and_common_words(text):
    candidates = derive(text)
    central = min(
        first(candidates, "CAR-T cells", "cellules CAR-T"),
        first(candidates, "CD19"),
        first(candidates, "chimeric antigen receptor", "récepteur antigénique chimérique"),
    )
    assert central <= 1
    for minor in ("NCT02435849", "2007", "1998", "cancers", "embryons", "Sicko"):
        assert last(candidates, minor) < 0 or first(candidates, minor) > central
    top = candidates[: len(candidates) // 2 + 1]
    assert not any(asked(c) & {"nct02435849", "2007", "1998", "sicko"} for c in top), [c.prompt for c in top]


@pytest.mark.parametrize("text", [EN, FR])
def test_no_true_false_on_the_year_of_a_film(text):
    statements = [c for c in derive(text) if c.kind == "true_false"]
    assert not [c for c in statements if "film" in c.passage]


# ------------------------------------------------------------------------------------------- true / false


@pytest.mark.parametrize(
    "sentence",
    [
        "In the pivotal trial of this CAR-T cell therapy, {k} of {n} patients ({p}%) were in complete remission.",
        "Dans l'essai pivot de cette thérapie par cellules CAR-T, {k} patients sur {n} ({p} %) étaient en rémission.",
    ],
)
def test_a_percentage_fixed_by_the_fraction_beside_it_is_never_swapped(sentence):
    """With the fraction beside it, a swapped percentage contradicts the sentence itself: an easy 'False'."""
    swapped = []
    for k, n in ((2, 3), (61, 75), (12, 20), (9, 10), (3, 4), (45, 60), (7, 8), (30, 40), (18, 24), (5, 6)):
        statement = sentence.format(k=k, n=n, p=round(100 * k / n))
        text = f"CAR-T cells\n\n{statement}\n\nCAR-T cell therapy targets the CD19 antigen of B cells.\n"
        swapped += [c.prompt for c in derive(text) if c.kind == "true_false" and c.answer in ("False", "Faux")]
    assert swapped == []


def test_the_number_beside_a_percentage_is_read():
    assert importance.fixed_by_other_number("61 of 75 patients (81%) were in remission", "81%")
    assert importance.fixed_by_other_number("2 patients sur 3 (67 %) étaient en rémission", "67 %")
    assert importance.fixed_by_other_number("60% responded and the other 40% relapsed", "40%")
    assert not importance.fixed_by_other_number("In 2017, 81% of the 120 centres took part", "81%")


# ----------------------------------------------------------------------------------------------- distractors


def inventory(text: str, extra=()) -> tuple[q.Inventory, list]:
    sents = split(text, segment(text))
    stats = term_stats(sents)
    spans = {s.index: typed_spans(s, text) + latin_spans(s, text) + phrase_spans(s, text, stats) for s in sents}
    return q.Inventory(sents, spans, list(extra)), sents


LIST_FR = """Les hémopathies

Le Kymriah est indiqué dans le traitement des lymphomes de l'adulte.
Les cellules CAR-T sont utilisées dans des hémopathies telles que les leucémies aiguës, les lymphomes et les myélomes.
Les mélanomes touchent la peau et les muqueuses.
Les glioblastomes sont des tumeurs du cerveau.
Les sarcomes touchent les os et les tissus mous.
"""


def test_a_term_named_in_the_same_list_as_the_answer_is_no_distractor():
    inv, sents = inventory(LIST_FR, [("myélomes", "disease", "fr"), ("rétinopathie", "disease", "fr")])
    stem = sents[0]
    first_token = next(k for k, t in enumerate(stem.tokens) if t.text == "lymphomes")
    offered = {d.casefold() for d in inv.distractors("lymphomes", "disease", stem, first_token, agree=False)}
    assert offered and not offered & {"leucémies aiguës", "myélomes"}, offered


def test_the_kymriah_question_offers_no_disease_the_text_also_lists():
    """Kymriah is a CAR-T: the text says CAR-T cells treat myelomas and leukaemias too, so neither is wrong."""
    singles = [c for c in derive(LIST_FR) if c.kind == "single" and c.answer == "lymphomes"]
    assert singles
    for c in singles:
        wrong = {text.casefold() for text, ok in c.choices if not ok}
        assert not wrong & {"leucémies aiguës", "myélomes"}, c


RECEPTORS = """Receptors and antigens

The chimeric antigen receptor recognises the CD19 antigen of B cells.
Other CAR-T cells target the CD22 antigen or the BCMA antigen of myeloma cells.
Some target the CD30 antigen of lymphoma cells.
The trial NCT02435849 enrolled children and the trial NCT01234567 enrolled adults.
Tocilizumab blocks the IL6R receptor; siltuximab blocks the IL-6 cytokine itself.
A cytokine release syndrome follows the infusion in many patients with leukaemia.
Sickle cell disease and haemophilia are other monogenic diseases.
"""


def test_a_trial_id_is_no_distractor_for_an_antigen():
    inv, sents = inventory(RECEPTORS)
    stem = sents[0]
    at = next(k for k, t in enumerate(stem.tokens) if t.text == "CD19")
    offered = inv.distractors("CD19", "gene", stem, at, agree=False)
    assert not [d for d in offered if d.startswith("NCT")], offered


def test_an_antigen_is_no_drug_distractor():
    text = """Drugs

Kymriah is a drug that targets the CD19 antigen.
Blincyto is a drug that also treats leukaemia.
Tecartus is a drug approved in 2020.
Abecma is a drug for myeloma.
"""
    inv, sents = inventory(text, [("CD22", "drug", "en")])
    inv._add("CD19", "drug", 2.0, 0, "en", head="antigen")
    at = next(k for k, t in enumerate(sents[1].tokens) if t.text == "Blincyto")
    offered = inv.distractors("Blincyto", "drug", sents[1], at, agree=False)
    assert "CD19" not in offered and offered, offered


def test_the_word_syndrome_is_no_disease_distractor():
    inv, sents = inventory(RECEPTORS, [("syndrome", "disease", "en"), ("Syndromes", "disease", "en")])
    stem = next(s for s in sents if "leukaemia" in s.text)
    at = next(k for k, t in enumerate(stem.tokens) if t.lower == "leukaemia")
    offered = {d.casefold() for d in inv.distractors("leukaemia", "disease", stem, at, agree=False)}
    assert not offered & {"syndrome", "syndromes"}, offered


def test_finer_classes_of_answers():
    assert importance.answer_class("NCT02435849") == "identifier"
    assert importance.answer_class("tocilizumab") == "antibody"
    assert importance.answer_class("tisagenlecleucel") == "cell therapy"
    assert importance.answer_class("onasemnogene abeparvovec") == "gene therapy"
    assert importance.answer_class("adenosine deaminase") == "enzyme"
    assert importance.answer_class("IL6R", head="receptor") == "receptor"
    assert importance.answer_class("CD19", head="antigène") == "antigen"
    assert importance.answer_class("lymphomes") == "cancer"
    assert importance.answer_class("cytokine release syndrome") == "syndrome"
    assert importance.answer_class("syndrome") == "category"


# ------------------------------------------------------------------------------- why an item ranks, in words


@pytest.mark.parametrize("text", [EN, FR])
def test_every_candidate_says_why_it_ranks(text):
    candidates = derive(text)
    for c in candidates:
        assert {"importance", "mentions", "type"} <= set(c.ranking), c
    assert any(c.ranking["title"] or c.ranking["mentions"] >= 3 or c.ranking["defined"] for c in candidates[:3])


def test_the_review_queue_says_why_each_item_ranks_in_english_and_french(client, teacher):
    from quizzes.bank.models import Source  # noqa: PLC0415
    from quizzes.deriving.models import Candidate  # noqa: PLC0415

    client.force_login(teacher)
    client.post("/texts/new/", {"title": "Les cellules CAR-T", "text": FR, "language": ""})
    source = Source.objects.get(title="Les cellules CAR-T")
    client.post(f"/texts/{source.key}/derive/")
    card = Candidate.objects.get(question__kind="flashcard", answer="cellules CAR-T")
    assert card.ranking["mentions"] >= 5 and card.ranking["title"] and card.ranking["defined"]
    html = client.get("/review-queue/").content.decode()
    assert "Rank: importance: high (named 5 times, in the title, defined in the text" in html
    assert "type: key term" in html
    client.cookies["django_language"] = "fr"
    html = client.get("/review-queue/", headers={"Accept-Language": "fr"}).content.decode()
    assert "Rang\u00a0: importance\u00a0: élevée (nommé 5 fois, dans le titre, défini dans le texte" in html
    assert "type\u00a0: terme clé" in html
    assert "Rank:" not in html


def test_an_answer_rejected_before_says_so_in_its_rank(client, teacher):
    from quizzes.bank.models import Source  # noqa: PLC0415
    from quizzes.deriving import engine as deriving  # noqa: PLC0415
    from quizzes.deriving import review_queue  # noqa: PLC0415
    from quizzes.deriving.models import Candidate, DerivationJob  # noqa: PLC0415

    client.force_login(teacher)
    client.post("/texts/new/", {"title": "CAR-T", "text": FR, "language": ""})
    source = Source.objects.get(title="CAR-T")
    client.post(f"/texts/{source.key}/derive/")
    card = Candidate.objects.get(question__kind="flashcard", answer="cellules CAR-T")
    review_queue.reject(card, teacher, "too broad")
    again = deriving.Candidate(
        kind="flashcard",
        prompt="Les cellules CAR-T, autrement",
        answer="cellules CAR-T",
        passage=card.question.passage.text,
        language="fr",
        confidence=0.8,
        reason="test",
        answer_type="term",
        back="dos",
        ranking=dict(card.ranking),
    )
    job = DerivationJob.objects.create(source=source)
    assert review_queue._store(job, source, [again]) == 1
    stored = job.candidates.get()
    assert stored.ranking["lowered"][-1] == ["rejected answer", 0.5]
    assert "an answer rejected before ×0.50" in stored.localized_ranking()


def test_a_plural_definition_makes_a_card_on_the_central_term():
    """The sentence "CAR-T cells are T lymphocytes …" defines the text's subject: it is asked, and near the top."""
    candidates = derive(EN)
    (card,) = [c for c in candidates if c.kind == "flashcard" and c.answer == "CAR-T cells"]
    assert card.prompt == "What are CAR-T cells?" and card.back.startswith("T lymphocytes taken from the patient")
    assert candidates.index(card) <= 2
    text = "Lentiviral vectors are integrative and insert their DNA into the genome of the host cell.\n"
    assert not [c for c in derive(text, language="en") if c.kind == "flashcard"]
