"""Moodle XML and CSV imports: each type as the tool shows it; bombs and malformed files refused, nothing written."""

import time
from pathlib import Path

import pytest

from quizzes.bank.formats import MAX_QUESTIONS, import_questions
from quizzes.bank.models import Question, Source
from quizzes.bank.yaml_bank import BankInvalid
from tests.factory import Role, make_user

HERE = Path(__file__).parent


@pytest.fixture
def admin(db):
    return make_user("boss", Role.ADMIN)


def imported(report) -> dict[str, Question]:
    source = report.sources[0]
    return {q.external_id.removeprefix(source.key + "-"): q for q in Question.objects.filter(passage__source=source)}


def refused(admin, *files) -> list[str]:
    with pytest.raises(BankInvalid) as caught:
        import_questions(list(files), admin)
    assert not Source.objects.exists() and not Question.objects.exists()
    return [str(e) for e in caught.value.errors]


def test_every_moodle_xml_type_is_imported(admin):
    report = import_questions([("sample.xml", (HERE / "sample.xml").read_bytes())], admin, shared=True)
    q = imported(report)
    assert sorted(q) == ["acronym", "cloze", "dose", "match", "order", "tf", "vector-kind", "viral"]
    assert q["vector-kind"].prompt == "Which virus is most used as a vector in vivo?"
    assert [(c.text, c.is_correct) for c in q["vector-kind"].choices.all()] == [
        ("AAV", True),
        ("Lentivirus", False),
        ("Influenza virus", False),
    ]
    assert sorted(t.name_en for t in q["vector-kind"].topics.all()) == ["Gene therapy", "vectors"]
    assert q["viral"].kind == "multiple"
    assert (q["dose"].numeric_value, q["dose"].numeric_tolerance, q["dose"].unit) == (3.5, 0.1, "mg")
    assert [(c.text, c.match) for c in q["match"].choices.all()] == [
        ("Luxturna", "retinal dystrophy"),
        ("Zolgensma", "spinal muscular atrophy"),
    ]
    assert [c.text for c in q["order"].ordered_items()] == ["Apheresis", "Transduction", "Infusion"]
    assert q["cloze"].prompt == (
        "CAR-T cells are made from [[T cells|T lymphocytes]] taken by [[apheresis]]; about [[20]] days later."
    )
    assert q["acronym"].answers == ["chimeric antigen receptor"]
    dropped = "\n".join(report.dropped)
    assert "sample.xml:7: vector-kind: Moodle XML has no passage; 1 image(s) or media ignored" in dropped
    assert "acronym: Moodle XML has no passage; answers with partial credit dropped: antigen receptor" in dropped
    assert "sample.xml:62: essay: an essay question: not imported (nothing to grade)" in [str(n) for n in report.notes]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<quiz><question type="shortanswer"><questiontext><text>&c;</text></questiontext></question></quiz>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="shortanswer"><questiontext><text>&secret;</text></questiontext></question></quiz>
"""


def test_entities_and_external_references_are_refused(admin):
    errors = refused(admin, ("laughs.xml", BILLION_LAUGHS), ("external.xml", EXTERNAL))
    assert errors == [
        "laughs.xml:2: refused: DTDForbidden (DTDs, entities and external references)",
        "external.xml:2: refused: DTDForbidden (DTDs, entities and external references)",
    ]


def test_malformed_xml_and_unknown_types_are_refused_with_their_line(admin):
    unknown = b'<quiz>\n<question type="calculated"><name><text>calc</text></name></question>\n</quiz>\n'
    errors = refused(admin, ("broken.xml", b"<quiz>\n<question>\n</quiz>\n"), ("types.xml", unknown))
    assert errors == [
        "broken.xml:3: not well-formed XML: mismatched tag",
        "types.xml:2: calc: question type 'calculated' is not supported",
    ]


def test_a_huge_file_or_field_is_refused(admin, settings):
    big = b"<quiz>" + b" " * (settings.QUESTION_BANK_MAX_BYTES + 1) + b"</quiz>"
    field = "x" * 20_001
    huge_field = f"Q {{={field}}}\n".encode()
    assert refused(admin, ("big.xml", big), ("field.gift", huge_field)) == [
        "big.xml: file larger than 2 MiB",
        "field.gift:1: a text is longer than 20000 characters",
    ]


def test_too_many_questions_are_refused_in_one_file_or_several(admin):
    lines = "".join(f"term {i}\tdefinition {i}\n" for i in range(MAX_QUESTIONS + 1)).encode()
    assert refused(admin, ("many.csv", lines)) == [
        f"many.csv:{MAX_QUESTIONS + 1}: more than {MAX_QUESTIONS} questions: at most {MAX_QUESTIONS} per import"
    ]
    half = "".join(f"term {i}\tdefinition {i}\n" for i in range(MAX_QUESTIONS // 2 + 1)).encode()
    assert refused(admin, ("a.csv", half), ("b.csv", half)) == [
        f"a.csv, b.csv: {MAX_QUESTIONS + 2} questions: at most {MAX_QUESTIONS} per import"
    ]


@pytest.mark.parametrize("separator", ["\t", ";", ","])
def test_term_definition_lists_become_flashcards(admin, separator):
    text = f"AAV{separator}adeno-associated virus\nCAR-T{separator}T cells with a chimeric receptor\n"
    report = import_questions([("quizlet.csv", text.encode())], admin)
    cards = Question.objects.filter(passage__source=report.sources[0]).order_by("pk")
    assert [(q.kind, q.prompt, q.back) for q in cards] == [
        ("flashcard", "AAV", "adeno-associated virus"),
        ("flashcard", "CAR-T", "T cells with a chimeric receptor"),
    ]


def test_the_csv_for_every_kind_lists_its_errors_by_line(admin):
    text = (
        "kind,prompt,answer,wrong\n"
        "single,Which?,AAV,Lentivirus|Plasmid\n"
        "numeric,Dose?,three,\n"
        "essay,Discuss,,\n"
        "matching,Match,Luxturna retina,\n"
    )
    assert refused(admin, ("kinds.csv", text.encode())) == [
        "kinds.csv:3: answer and tolerance: numbers (a decimal point or comma)",
        "kinds.csv:4: essay questions are not supported here",
        "kinds.csv:5: answer: 'Luxturna retina' is not a pair written left -> right",
    ]


def test_a_hundred_thousand_questions_are_refused_fast(admin):
    started = time.monotonic()
    errors = refused(admin, ("many.gift", b"Q{T}\n\n" * 100_000))
    assert errors == [
        f"many.gift:{2 * MAX_QUESTIONS + 1}: more than {MAX_QUESTIONS} questions: at most {MAX_QUESTIONS} per import"
    ]
    assert time.monotonic() - started < 5


def test_the_documented_csv_example_imports_as_documented(admin):
    doc = (Path(__file__).parents[3] / "docs" / "formats.md").read_text()
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    report = import_questions([("kinds.csv", example.encode())], admin, shared=True)
    q = imported(report)
    assert [(c.text, c.is_correct) for c in q["aav-1"].choices.all()] == [
        ("AAV", True),
        ("Lentivirus", False),
        ("Retrovirus", False),
    ]
    assert q["mr-1"].kind == "multiple" and q["car-1"].answers == ["chimeric antigen receptor", "CAR"]
    assert q["cl-1"].blanks == [["AAV", "adeno-associated virus"]]
    assert [(c.text, c.match) for c in q["m-1"].choices.all()] == [
        ("Luxturna", "retinal dystrophy"),
        ("Zolgensma", "SMA"),
    ]
    assert [c.text for c in q["o-1"].ordered_items()] == ["Apheresis", "Transduction", "Infusion"]
    numeric = q["n-1"]
    assert (numeric.numeric_value, numeric.numeric_tolerance, numeric.unit, numeric.language) == (3.5, 0.1, "mg", "fr")
    assert q["tf-1"].choices.get(is_correct=True).text == "True"
    assert [t.name_en for t in q["aav-1"].topics.all()] == ["Vectors"]
