"""Grading the matching, ordering and numeric kinds: partial credit by right pairs and by adjacent pairs in order,
numbers with a decimal comma, thousands, units and tolerance bounds."""

import pytest

from quizzes.bank.grading import grade, order_score, parse_number
from quizzes.bank.models import Question
from tests import factory


@pytest.mark.parametrize(
    ("typed", "language", "unit", "value"),
    [
        ("3,5", "fr", "", 3.5),
        ("3.5", "fr", "", 3.5),
        ("3.5", "en", "", 3.5),
        ("3,5", "en", "", 3.5),  # an English learner typing a French comma is still read as a decimal
        ("1,000", "en", "", 1000.0),  # ...except for a thousands group
        ("1,000", "fr", "", 1.0),
        ("1 000,5", "fr", "", 1000.5),
        ("1\u202f000,5", "fr", "", 1000.5),
        ("−2,5", "fr", "", -2.5),
        ("+2", "en", "", 2.0),
        (",5", "fr", "", 0.5),
        ("1e-3", "en", "", 0.001),
        ("3,5 mg", "fr", "mg", 3.5),
        ("3,5mg", "fr", "mg", 3.5),
        ("3,5 MG", "fr", "mg", 3.5),
        ("12 %", "fr", "%", 12.0),
        ("12 pour cent", "fr", "%", 12.0),
        ("12 percent", "en", "%", 12.0),
    ],
)
def test_numbers_as_learners_type_them(typed, language, unit, value):
    assert parse_number(typed, language, unit) == pytest.approx(value)


@pytest.mark.parametrize(
    ("typed", "unit"),
    [("3,5,1", ""), ("abc", ""), ("", ""), ("3,5 g", "mg"), ("3,5 mg", ""), ("1 0", ""), ("3..5", "")],
)
def test_not_numbers(typed, unit):
    assert parse_number(typed, "fr", unit) is None


@pytest.mark.django_db
class TestNumeric:
    @pytest.mark.parametrize(
        ("typed", "right"),
        [("3,5", True), ("3,4", True), ("3,6", True), ("3.6 µg", True), ("3,61", False), ("3,39", False)],
    )
    def test_absolute_tolerance_includes_its_bounds(self, typed, right):
        q = factory.make_numeric(language="fr")
        result = grade(q, {"text": typed})
        assert (result.is_correct, result.score) == (right, 1.0 if right else 0.0)

    @pytest.mark.parametrize(("typed", "right"), [("95", True), ("105", True), ("94,9", False), ("105.1", False)])
    def test_relative_tolerance_is_a_percentage_of_the_answer(self, typed, right):
        q = factory.make_numeric(numeric_value=100, numeric_tolerance=5, tolerance_kind="relative", unit="")
        assert grade(q, {"text": typed}).is_correct is right

    def test_no_tolerance_means_exactly_even_with_float_sums(self):
        q = factory.make_numeric(numeric_value=0.3, numeric_tolerance=0, unit="")
        assert grade(q, {"text": "0,3"}).is_correct
        assert grade(q, {"text": str(0.1 + 0.2)}).is_correct
        assert not grade(q, {"text": "0,31"}).is_correct

    def test_negative_answers(self):
        q = factory.make_numeric(numeric_value=-2.5, numeric_tolerance=0, unit="", language="fr")
        assert grade(q, {"text": "−2,5"}).is_correct
        assert not grade(q, {"text": "2,5"}).is_correct

    def test_right_answer_is_written_in_the_question_language(self):
        assert factory.make_numeric("fr-q", language="fr").right_answer() == ["3,5 µg (± 0,1 µg)"]
        q = factory.make_numeric("en-q", numeric_value=12, numeric_tolerance=5, tolerance_kind="relative", unit="%")
        assert q.right_answer() == ["12 % (± 5%)"]


@pytest.mark.django_db
class TestMatching:
    def pairs(self, q):
        return {c.text: c for c in q.choices.all()}

    def test_all_pairs_right(self):
        q = factory.make_matching()
        p = self.pairs(q)
        result = grade(q, {"matches": {str(c.pk): c.pk for c in p.values()}})
        assert (result.is_correct, result.score) == (True, 1.0)

    def test_partial_credit_is_the_share_of_right_pairs(self):
        q = factory.make_matching()
        p = self.pairs(q)
        swapped = {str(p["AAV"].pk): p["AAV"].pk, str(p["CAR"].pk): p["ATMP"].pk, str(p["ATMP"].pk): p["CAR"].pk}
        result = grade(q, {"matches": swapped})
        assert result.is_correct is False
        assert result.score == pytest.approx(1 / 3)

    def test_a_right_side_written_twice_counts_for_either_pair(self):
        q = factory.make_question(
            "dup", kind="matching", choices=[], pairs=[("Luxturna", "eye"), ("Voretigene", "eye"), ("Zolgensma", "SMA")]
        )
        p = self.pairs(q)
        answer = {str(p["Luxturna"].pk): p["Voretigene"].pk, str(p["Voretigene"].pk): p["Luxturna"].pk}
        answer[str(p["Zolgensma"].pk)] = p["Zolgensma"].pk
        assert grade(q, {"matches": answer}).is_correct

    def test_a_choice_of_another_question_is_wrong(self):
        q = factory.make_matching()
        other = factory.make_matching("other")
        foreign = other.choices.first().pk
        assert grade(q, {"matches": {str(c.pk): foreign for c in q.choices.all()}}).score == 0

    def test_dont_know(self):
        assert grade(factory.make_matching(), {"dont_know": True}).score == 0


class TestOrderScore:
    @pytest.mark.parametrize(
        ("order", "score"),
        [
            ([1, 2, 3, 4], 1.0),
            ([1, 2, 4, 3], 1 / 3),  # AB
            ([2, 3, 4, 1], 2 / 3),  # BC, CD: shifted by one keeps its runs
            ([4, 3, 2, 1], 0.0),
            ([1, 3, 2, 4], 0.0),
        ],
    )
    def test_share_of_adjacent_pairs_in_order(self, order, score):
        assert order_score(order, [1, 2, 3, 4]) == pytest.approx(score)


@pytest.mark.django_db
class TestOrdering:
    def test_right_only_when_the_whole_order_is(self):
        q = factory.make_ordering()
        ids = [c.pk for c in q.ordered_items()]
        assert grade(q, {"order": ids}).is_correct
        result = grade(q, {"order": ids[1:] + ids[:1]})
        assert (result.is_correct, result.score) == (False, pytest.approx(2 / 3))

    def test_an_order_missing_or_repeating_items_scores_nothing(self):
        q = factory.make_ordering()
        ids = [c.pk for c in q.ordered_items()]
        assert grade(q, {"order": ids[:3]}).score == 0
        assert grade(q, {"order": [ids[0], ids[0], ids[1], ids[2]]}).score == 0


@pytest.mark.django_db
class TestEditorRules:
    def test_matching_pairs_need_both_sides_and_two_pairs(self):
        q = Question(kind="matching")
        assert q.choice_errors([("AAV", False, "virus"), ("CAR", False, "")])
        assert q.choice_errors([("AAV", False, "virus")])
        assert q.choice_errors([("AAV", False, "virus"), ("aav", False, "vector")])
        assert q.choice_errors([("AAV", False, "virus"), ("CAR", False, "receptor")]) == []

    def test_ordering_needs_two_items(self):
        q = Question(kind="ordering")
        assert q.choice_errors([("One", False)])
        assert q.choice_errors([("One", False), ("Two", False)]) == []

    def test_numeric_needs_a_value_and_a_tolerance_not_negative(self):
        from django.core.exceptions import ValidationError

        q = factory.make_numeric()
        q.numeric_tolerance = -1
        with pytest.raises(ValidationError) as error:
            q.clean()
        assert "numeric_tolerance" in error.value.message_dict
        q.numeric_tolerance, q.numeric_value = 0, None
        with pytest.raises(ValidationError) as error:
            q.clean()
        assert "numeric_value" in error.value.message_dict
