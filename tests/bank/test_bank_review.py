"""The shipped bank after its subject-matter review (docs/bank-review.md): each text asks why/how/apply questions,
no passage carries two questions asking the same thing, each text's weight is proportionate, and every paragraph
of a text that carries a fact is asked at least once. (Typed answers: test_typed_answers.py.)"""

import re
from collections import defaultdict
from pathlib import Path

import yaml

BANK = Path(__file__).resolve().parents[2] / "bank"
MIN_WHY_HOW_SHARE = 0.25
MAX_QUESTIONS_PER_PASSAGE = 3
MAX_QUESTIONS_PER_100_WORDS = 6


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def yaml_questions() -> list[dict]:
    return [q for path in sorted((BANK / "questions").glob("*.yaml")) for q in _load(path)["questions"]]


def source_texts() -> dict[str, str]:
    library = _load(BANK / "library.yaml")
    return {s["key"]: (BANK / s["text_file"]).read_text(encoding="utf-8") for s in library["sources"]}


# --- understanding -----------------------------------------------------------------------------


def test_each_text_asks_why_how_or_apply_in_at_least_a_quarter_of_its_items():
    total, tagged = defaultdict(int), defaultdict(int)
    for q in yaml_questions():
        total[q["source"]] += 1
        tagged[q["source"]] += q.get("cognitive") in ("why", "how", "apply")
    shares = {source: tagged[source] / total[source] for source in total}
    assert len(shares) == 5
    assert {s: round(v, 2) for s, v in shares.items() if v < MIN_WHY_HOW_SHARE} == {}


def test_why_items_are_not_plain_recall_of_a_name():
    """A why/how/apply item is answered by choosing or recalling a reason or a mechanism: never a short name."""
    for q in yaml_questions():
        if q.get("cognitive"):
            assert q["kind"] in ("single", "multiple", "flashcard", "true_false"), q["id"]


# --- duplicates and weight ---------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def asked(q: dict) -> str | None:
    """What a question asks for, to compare questions on one passage: its right answer, when it has one."""
    if q["kind"] in ("single", "multiple"):
        return " | ".join(sorted(_norm(c["text"]) for c in q["choices"] if c.get("correct")))
    if q["kind"] == "short":
        return _norm(q["answers"][0])
    if q["kind"] == "cloze":
        return " | ".join(_norm(m.split("|")[0]) for m in re.findall(r"\[\[([^\]]+)\]\]", q["prompt"]))
    return None  # true/false and flashcards: compared by highlight only


def test_no_two_questions_on_one_passage_ask_the_same_thing():
    by_passage = defaultdict(list)
    for q in yaml_questions():
        by_passage[(q["source"], q["passage"])].append(q)
    for (_source, passage), questions in by_passage.items():
        ids = [q["id"] for q in questions]
        assert len(questions) <= MAX_QUESTIONS_PER_PASSAGE, (ids, passage[:60])
        answers = [a for a in map(asked, questions) if a]
        assert len(answers) == len(set(answers)), (ids, answers)
        highlights = [q["highlight"] for q in questions if q.get("highlight")]
        assert len(highlights) == len(set(highlights)), (ids, highlights)


# --- coverage ----------------------------------------------------------------------------------

# A paragraph is a block of the text between blank lines. It is fact-bearing when it has at least MIN_WORDS words,
# a full stop or a figure (headings have neither; publication details have figures), and is not listed here:
# the only paragraphs judged not to carry a fact worth asking, each with its reason. The bibliography (after
# "BIBLIOGRAPHIE") is not counted.
MIN_WORDS = 12
NOT_FACT_BEARING = {
    "gene-therapy-what-is-it": {
        "We often hear about gene therapy": "the post's invitation to read on",
        "figure 1 From gene to DNA": "a figure caption and credit",
        "Fig 2 : The two strategies": "a figure credit",
        "Chief engineer in genetics": "the author's biography (credits)",
    },
    "inserm-gene-therapy": {
        "Report produced in collaboration with Anne Galy": "credits of the report",
        "Exon skipping technique Flow chart": "a figure caption and credit",
        "inserm_57756_medium": "a figure caption and credit",
        "Chercheur et bébé": "a photo credit",
        "Thérapie génique de l'adrénoleucodystrophie": "a figure caption (its fact is asked from the text, ins-136)",
    },
    "therapie-genique-hopital": {
        "Maladies rares : la thérapie génique progresse": "the standfirst, which the next paragraphs develop",
        "Bouton retour en haut de la page": "page furniture and a newsletter advertisement",
    },
    "paediatric-malignancies": {
        "Dive into the research topics": "database boilerplate",
    },
    "medicaments-therapie-innovante": {
        "Auteur(s)/Autrice(s)": "a figure credit",
        "Docteur en pharmacie et docteur en sciences": "the author's biography (credits)",
        "Agrégé de SVT": "the editor's biography (credits)",
    },
}
BIBLIOGRAPHY = re.compile(r"^(BIBLIOGRAPHIE|References)\s*$", re.M)


def paragraphs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text with its whitespace collapsed) of each paragraph, up to the bibliography."""
    cut = BIBLIOGRAPHY.search(text)
    body = text[: cut.start()] if cut else text
    return [(m.start(), m.end(), " ".join(m.group(0).split())) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", body)]


def fact_bearing(source: str, text: str) -> list[tuple[int, int, str]]:
    skip = NOT_FACT_BEARING.get(source, {})
    return [
        (start, end, par)
        for start, end, par in paragraphs(text)
        if len(par.split()) >= MIN_WORDS
        and re.search(r"[.!?](\s|$)|\d", par)
        and not any(par.startswith(k) for k in skip)
    ]


def test_every_fact_bearing_paragraph_is_asked_at_least_once():
    texts = source_texts()
    spans = defaultdict(list)
    for q in yaml_questions():
        start = texts[q["source"]].index(q["passage"])
        spans[q["source"]].append((start, start + len(q["passage"])))
    missing = {}
    for source, text in texts.items():
        uncovered = [
            par[:60]
            for start, end, par in fact_bearing(source, text)
            if not any(s < end and e > start for s, e in spans[source])
        ]
        if uncovered:
            missing[source] = uncovered
    assert missing == {}


def test_the_allow_list_names_real_paragraphs():
    texts = source_texts()
    for source, skip in NOT_FACT_BEARING.items():
        starts = [par for _s, _e, par in paragraphs(texts[source])]
        for key in skip:
            assert any(p.startswith(key) for p in starts), (source, key)


def test_each_text_has_a_number_of_questions_proportionate_to_its_facts():
    """At most MAX_QUESTIONS_PER_100_WORDS questions per 100 words of fact-bearing text, and at least one
    question per fact-bearing paragraph (the coverage test above)."""
    texts = source_texts()
    count = defaultdict(int)
    for q in yaml_questions():
        count[q["source"]] += 1
    for source, text in texts.items():
        words = sum(len(par.split()) for _s, _e, par in fact_bearing(source, text))
        assert count[source] <= MAX_QUESTIONS_PER_100_WORDS * words / 100, (source, count[source], words)
        assert count[source] >= len(fact_bearing(source, text)), source


# --- French typography -------------------------------------------------------------------------


def test_french_items_use_french_typography():
    """Prompts, explanations and choices we wrote (not the verbatim passages): a (narrow) no-break space before
    ? ; ! : and inside « », and no straight double quotes."""
    bad = []
    for q in yaml_questions():
        if q["source"] not in ("medicaments-therapie-innovante", "therapie-genique-hopital"):
            continue
        texts = [q["prompt"], q["explanation"], q.get("back", ""), q.get("feedback", "")]
        texts += [c["text"] for c in q.get("choices", [])] + [c.get("feedback", "") for c in q.get("choices", [])]
        for t in texts:
            t = re.sub(r"\[\[[^\]]*\]\]", "", t)
            if re.search(r'"|[^\u00a0\u202f][?;!»]|[^\u00a0\u202f]:(\s|$)|«[^\u00a0\u202f]', t):
                bad.append((q["id"], t[:80]))
    assert bad == []
