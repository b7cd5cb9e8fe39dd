"""The teacher's question editor for matching, ordering and numeric questions: saved with their pairs, items and
numbers (French decimal comma in French), and field errors for bad input, saving nothing."""

import pytest

from quizzes.models import Question, Source
from tests import factory
from tests.markup import shown


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


def post(client, kind: str, rows: list[tuple[str, str]] = (), language: str = "en", **fields):
    source = Source.objects.filter(key="intro").first() or factory.make_source()
    data = {
        "source": source.pk,
        "passage_text": "Adeno-associated virus (AAV) vectors are non-integrative",
        "kind": kind,
        "prompt": "PROMPT",
        "explanation": "EXPLANATION",
        "difficulty": "2",
        "choices-TOTAL_FORMS": "4",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "8",
        **fields,
    }
    for i, (text, match) in enumerate(rows):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-match"] = match
    return client.post("/teach/questions/new/", data, headers={"Accept-Language": language})


class TestSaved:
    def test_matching_pairs(self, tom):
        r = post(tom, "matching", [("AAV", "virus"), ("CAR", "receptor")])
        assert r.status_code == 302
        q = Question.objects.get()
        assert [(c.text, c.match) for c in q.choices.all()] == [("AAV", "virus"), ("CAR", "receptor")]

    def test_ordering_items_keep_the_rows_order(self, tom):
        r = post(tom, "ordering", [("First", ""), ("Second", ""), ("Third", "")])
        assert r.status_code == 302
        assert [c.text for c in Question.objects.get().ordered_items()] == ["First", "Second", "Third"]

    def test_numeric_in_french_with_a_decimal_comma(self, tom):
        fields = {"numeric_value": "3,5", "numeric_tolerance": "0,1", "tolerance_kind": "absolute", "unit": "mg"}
        r = post(tom, "numeric", language="fr", **fields)
        assert r.status_code == 302, r.content.decode()[:3000]
        q = Question.objects.get()
        assert (q.numeric_value, q.numeric_tolerance, q.unit) == (3.5, 0.1, "mg")


class TestFieldErrors:
    def test_a_pair_with_an_empty_side(self, tom):
        r = post(tom, "matching", [("AAV", "virus"), ("CAR", ""), ("", "orphan")])
        page = r.content.decode()
        assert r.status_code == 200 and not Question.objects.exists()
        assert shown(page, "Each pair needs both sides: an item and its match.")
        assert shown(page, "orphan"), "what was typed is kept"

    def test_fewer_than_two_pairs_or_items(self, tom):
        assert shown(post(tom, "matching", [("AAV", "virus")]).content.decode(), "at least two pairs")
        assert shown(post(tom, "ordering", [("Alone", "")]).content.decode(), "at least two items")
        assert not Question.objects.exists()

    def test_a_negative_tolerance(self, tom):
        r = post(tom, "numeric", numeric_value="3.5", numeric_tolerance="-1", tolerance_kind="absolute")
        assert shown(r.content.decode(), "The tolerance cannot be negative.") and not Question.objects.exists()

    def test_a_missing_or_bad_number(self, tom):
        page = post(tom, "numeric", numeric_value="", tolerance_kind="absolute").content.decode()
        assert shown(page, "A numeric question needs its answer, a number.")
        page = post(tom, "numeric", numeric_value="three", tolerance_kind="absolute").content.decode()
        assert shown(page, "Enter a number.")
        assert not Question.objects.exists()

    def test_a_relative_tolerance_of_100_percent_or_more(self, tom):
        r = post(tom, "numeric", numeric_value="3.5", numeric_tolerance="100", tolerance_kind="relative")
        assert shown(r.content.decode(), "A relative tolerance is a percentage below 100.")


def test_editing_one_item_of_an_ordering_question_keeps_the_order(db):
    """The review queue's editor saves every row at its place, not only the rows changed."""
    from quizzes.bank.forms import ChoiceFormSet

    q = factory.make_ordering()
    items = q.ordered_items()
    data = {
        "choices-TOTAL_FORMS": "4",
        "choices-INITIAL_FORMS": "4",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "8",
    }
    for i, c in enumerate(items):
        data |= {f"choices-{i}-id": c.pk, f"choices-{i}-text": c.text, f"choices-{i}-question": q.pk}
    data["choices-2-text"] = "Grow them in a bioreactor"
    formset = ChoiceFormSet(data, instance=q)
    assert formset.is_valid(), formset.errors
    formset.save_in_order()
    q = Question.objects.get(pk=q.pk)
    assert [c.text for c in q.ordered_items()] == [
        "Collect the cells",
        "Modify them",
        "Grow them in a bioreactor",
        "Infuse them",
    ]


def test_a_stored_choice_emptied_is_refused(db):
    from quizzes.bank.forms import ChoiceFormSet

    q = factory.make_question()
    data = {"choices-TOTAL_FORMS": "2", "choices-INITIAL_FORMS": "2", "choices-MIN_NUM_FORMS": "0"}
    for i, c in enumerate(q.choices.all()):
        data |= {f"choices-{i}-id": c.pk, f"choices-{i}-text": c.text, f"choices-{i}-question": q.pk}
        data |= {f"choices-{i}-is_correct": "on"} if c.is_correct else {}
    data["choices-1-text"] = ""
    assert not ChoiceFormSet(data, instance=q).is_valid()
