"""Export then import, per kind and per format: what the format carries comes back as it was."""

import pytest

from quizzes.bank.formats import export, import_questions
from quizzes.bank.models import Choice, Question, Topic
from tests.factory import Role, make_question, make_user


def every_kind() -> list[Question]:
    vectors = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    made = [
        make_question("single-1", choices=[("AAV", True), ("Lentivirus {x}", False)], topics=[vectors]),
        make_question("multiple-1", kind="multiple", choices=[("AAV", True), ("Lentivirus", True), ("Plasmid", False)]),
        make_question(
            "tf-1", kind="true_false", prompt="AAV: a virus ~ #1?", choices=[("True", True), ("False", False)]
        ),
        make_question("short-1", kind="short", prompt="Spell CAR", accepted_answers="chimeric antigen receptor\nCAR"),
        make_question("cloze-1", kind="cloze", prompt="[[AAV|adeno-associated virus]] vectors = safe."),
        make_question("flash-1", kind="flashcard", prompt="AAV?", back="Adeno-associated virus"),
        make_question("numeric-1", kind="numeric", prompt="Dose?", numeric_value=3.5, numeric_tolerance=0.1, unit="mg"),
        make_question("matching-1", kind="matching", prompt="Match."),
        make_question("ordering-1", kind="ordering", prompt="Order."),
    ]
    made[0].choices.filter(is_correct=False).update(feedback="Integrative: it is not.")
    for position, (left, right) in enumerate([("Luxturna", "retina"), ("Zolgensma", "SMA")]):
        Choice.objects.create(question=made[7], text=left, match=right, position=position)
    for position, item in enumerate(["Apheresis", "Transduction", "Infusion"]):
        Choice.objects.create(question=made[8], text=item, position=position)
    return made


def content(q: Question, *, feedback: bool = True) -> tuple:
    choices = tuple(
        (c.text, c.is_correct if q.is_choice_kind else None, c.match, c.feedback if feedback else "")
        for c in q.choices.all()
    )
    numeric = (q.numeric_value, q.numeric_tolerance, q.unit) if q.kind == "numeric" else None
    return q.kind, q.prompt, q.explanation, choices, q.answers, q.back, numeric


# What each format cannot carry, per kind (docs/formats.md): the kinds it writes as another, or not at all.
CARRIED = {
    "gift": {"single", "multiple", "true_false", "short", "cloze", "numeric", "matching"},
    "xml": {"single", "multiple", "true_false", "short", "cloze", "flashcard", "numeric", "matching", "ordering"},
    "csv": {"single", "multiple", "true_false", "short", "cloze", "flashcard", "numeric", "matching", "ordering"},
}
NO_UNIT = {"gift"}
NO_CHOICE_FEEDBACK = {"csv"}


@pytest.mark.parametrize("fmt", ["gift", "xml", "csv"])
def test_each_kind_round_trips_through_the_format(db, fmt):
    originals = {q.external_id: q for q in every_kind()}
    data, skipped = export(Question.objects.filter(pk__in=[q.pk for q in originals.values()]), fmt)
    importer = make_user("boss", Role.ADMIN)
    report = import_questions([(f"bank.{'txt' if fmt == 'gift' else fmt}", data)], importer, shared=True)
    imported = {
        q.external_id.removeprefix(report.sources[0].key + "-"): q
        for q in Question.objects.filter(passage__source=report.sources[0])
    }
    for external_id, original in originals.items():
        if original.kind not in CARRIED[fmt]:
            continue
        back = imported.pop(external_id)
        want = content(original, feedback=fmt not in NO_CHOICE_FEEDBACK)
        if fmt in NO_UNIT and original.kind == "numeric":
            want = (*want[:6], (3.5, 0.1, ""))
        if fmt == "csv":
            want = (*want[:3], tuple((t, ok, m, "") for t, ok, m, _f in want[3]), *want[4:])
        assert content(back, feedback=fmt not in NO_CHOICE_FEEDBACK) == want, (fmt, external_id)
    if fmt == "gift":
        assert [q.kind for q in imported.values()] == ["short"]  # the flashcard, written as a short answer
        assert skipped == ["ordering-1: Ordering cannot be written in GIFT"]
    else:
        assert not imported and skipped == []
    single = Question.objects.get(passage__source=report.sources[0], external_id__endswith="single-1")
    assert [t.key for t in single.topics.all()] == ["vectors"]  # the same topic, not a copy
    assert Topic.objects.count() == 1


def test_flashcards_and_cloze_round_trip_through_anki(db):
    made = every_kind()
    data, _skipped = export(Question.objects.filter(pk__in=[q.pk for q in made]), "apkg")
    report = import_questions([("bank.apkg", data)], make_user("boss", Role.ADMIN), shared=True)
    back = Question.objects.filter(passage__source=report.sources[0])
    assert back.count() == len(made)
    assert set(back.values_list("kind", flat=True)) == {"flashcard", "cloze"}
    assert back.filter(kind="cloze").get().prompt == "[[AAV]] vectors = safe."
    card = back.get(prompt="AAV?")
    assert (card.back, card.explanation) == ("Adeno-associated virus\n\nTheir DNA stays in the nucleus.", "")
