"""GIFT import: every GIFT type as Moodle shows it, all or nothing, every error with file and line."""

from pathlib import Path

import pytest

from quizzes.bank.formats import import_questions
from quizzes.bank.models import Question, Source
from quizzes.bank.yaml_bank import BankInvalid
from tests.factory import Role, make_user

HERE = Path(__file__).parent
SAMPLE = (HERE / "sample.gift").read_bytes()


@pytest.fixture
def admin(db):
    return make_user("boss", Role.ADMIN)


def by_title(source: Source, title: str) -> Question:
    return Question.objects.get(passage__source=source, external_id__endswith=title)


def test_every_gift_type_is_imported_as_moodle_shows_it(admin):
    report = import_questions([("sample.gift", SAMPLE)], admin, shared=True)
    assert report.created == 10
    source = report.sources[0]
    assert (source.title, source.text, source.owner, source.published) == ("Imported from sample.gift", "", admin, True)
    assert list(source.passages.values_list("text", "start", "end")) == [("", 0, 0)]

    single = by_title(source, "vector-kind")
    assert single.kind == "single" and single.owner is None and single.status == "published"
    assert [(c.text, c.is_correct, c.feedback) for c in single.choices.all()] == [
        ("AAV", True, "Right: small, little immune response."),
        ("Lentivirus", False, "Used ex vivo, mostly."),
        ("Influenza virus", False, "Not a vector."),
    ]
    assert single.explanation == "AAV vectors deliver genes to cells that do not divide."
    assert [t.name_en for t in single.topics.all()] == ["Vectors"]

    multiple = by_title(source, "hallmarks")
    assert multiple.kind == "multiple"
    assert [(c.text, c.is_correct) for c in multiple.choices.all()] == [
        ("AAV", True),
        ("lentivirus", True),
        ("plasmid", False),
    ]
    true_false = by_title(source, "tf")
    assert [(c.text, c.is_correct, c.feedback) for c in true_false.choices.all()] == [
        ("True", True, "Yes: RPE65 mutations."),
        ("False", False, "No, it does."),
    ]
    short = by_title(source, "acronym")
    assert short.answers == ["chimeric antigen receptor", "chimaeric antigen receptor"]
    cloze = by_title(source, "blank")
    assert cloze.kind == "cloze"
    assert cloze.prompt == "CAR-T cells are made from the patient's own [[T cells|T lymphocytes]] taken by apheresis."
    year = by_title(source, "year")
    assert (year.kind, year.numeric_value, year.numeric_tolerance) == ("numeric", 2012, 0)
    assert (by_title(source, "dose").numeric_value, by_title(source, "dose").numeric_tolerance) == (3.14, 0.005)
    ranged = by_title(source, "range")
    assert (ranged.numeric_value, ranged.numeric_tolerance) == (3, 2)
    assert [t.name_en for t in ranged.topics.all()] == ["Numbers"]
    matching = by_title(source, "match")
    assert [(c.text, c.match) for c in matching.choices.all()] == [
        ("Luxturna", "retinal dystrophy"),
        ("Zolgensma", "spinal muscular atrophy"),
        ("Hemgenix", "hemophilia B"),
    ]
    escaped = by_title(source, "escapes")
    assert escaped.prompt == "What does the symbol ~ mean in 1 = 1 # 2 {x} a:b?"


def test_the_import_says_what_it_dropped_per_question_and_per_file(admin):
    report = import_questions([("sample.gift", SAMPLE)], admin, shared=True)
    assert any(line.startswith("sample.gift:4: vector-kind: GIFT has no passage") for line in report.dropped)
    assert any("sample.gift:18: blank:" in line and "missing word" in line for line in report.dropped)
    notes = [str(n) for n in report.notes]
    assert "sample.gift:34: essay: an essay question: not imported (nothing to grade)" in notes
    assert "sample.gift:38: a description without answers: not imported" in notes


def test_a_teacher_import_stays_theirs(db):
    teacher = make_user("t", Role.TEACHER)
    report = import_questions([("mine.gift", b"Is AAV a virus?{T}\n")], teacher)
    source = report.sources[0]
    assert (source.owner, source.published) == (teacher, False)
    question = Question.objects.get(passage__source=source)
    assert question.owner == teacher
    assert Question.objects.usable_by(teacher).filter(pk=question.pk).exists()
    other = make_user("u", Role.TEACHER)
    assert not Question.objects.usable_by(other).filter(pk=question.pk).exists()


BAD = b"""// every line below is wrong
::one:: An answer block that never closes {=a ~b

::two:: {~a ~b} no right choice

::three:: Text {=a} then {=b}

::four:: A number {#abc}

::five:: Fine {=ok}
"""


def test_every_error_of_every_file_is_listed_and_nothing_is_written(admin):
    with pytest.raises(BankInvalid) as caught:
        import_questions([("bad.gift", BAD), ("other.gift", b"Q {=a -> b}\n"), ("ok.gift", b"Q{T}\n")], admin)
    errors = [str(e) for e in caught.value.errors]
    assert errors == [
        "bad.gift:2: one: the answers open with { but never close with }",
        "bad.gift:4: two: no choice is right",
        "bad.gift:6: three: more than one set of answers (escape { and } in text as \\{ \\})",
        "bad.gift:8: four: 'abc' is not a number, number:tolerance or min..max",
        "other.gift:1: a matching question needs at least two pairs",
    ]
    assert not Source.objects.exists() and not Question.objects.exists()


def test_a_file_that_is_not_text_is_refused(admin):
    with pytest.raises(BankInvalid) as caught:
        import_questions([("x.gift", b"Q {T}\n\xff\xfe")], admin)
    assert [str(e) for e in caught.value.errors] == ["x.gift:2: the file is not UTF-8 text"]


def test_keys_made_from_file_names_and_titles_are_valid_bank_keys(admin):
    from quizzes.bank.models import key_validator

    report = import_questions([("My_Course v2.GIFT", b"::Q_1 \xc3\xa9t\xc3\xa9:: Is AAV a virus?{T}\n")], admin)
    source = report.sources[0]
    question = Question.objects.get(passage__source=source)
    assert (source.key, question.external_id) == ("imported-my-course-v2gift", "imported-my-course-v2gift-q-1-ete")
    key_validator(source.key)
    key_validator(question.external_id)
