"""Taking matching, ordering and numeric questions in a quiz, with htmx and without JavaScript: the pairs' right
column and the items come shuffled, a refused answer keeps what was picked or typed, the score is stored."""

import re

import pytest

from quizzes.models import Attempt
from tests import factory
from tests.markup import input_value, shown

HX = {"HX-Request": "true"}


def take(client, question) -> Attempt:
    factory.make_quizset("kinds", [question], title="Kinds")
    client.post("/sets/kinds/start/")
    return Attempt.objects.latest("started_at")


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    m = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert m, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', m.group(1))


def selected(html: str, name: str) -> str | None:
    m = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    picked = re.search(r'<option value="([^"]*)" selected', m.group(1))
    return picked.group(1) if picked else None


class TestMatching:
    def test_each_left_item_has_a_select_of_the_shuffled_right_column(self, alice):
        q = factory.make_matching()
        attempt = take(alice, q)
        html = alice.get(f"/attempts/{attempt.pk}/1/").content.decode()
        pairs = list(q.choices.all())
        shown_order = [int(v) for v, _label in select_options(html, f"match-{pairs[0].pk}") if v]
        assert sorted(shown_order) == sorted(c.pk for c in pairs)
        assert shown_order == attempt.choice_order[str(q.pk)] != [c.pk for c in pairs], "shuffled, per attempt"
        for c in pairs:
            assert f'name="match-{c.pk}"' in html and shown(html, c.text)

    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_a_partly_right_answer_stores_its_share_of_right_pairs(self, alice, headers):
        q = factory.make_matching()
        attempt = take(alice, q)
        aav, car, atmp = q.choices.all()
        data = {f"match-{aav.pk}": aav.pk, f"match-{car.pk}": atmp.pk, f"match-{atmp.pk}": car.pk}
        r = alice.post(f"/attempts/{attempt.pk}/1/", data, headers=headers, follow=True)
        html = r.content.decode()
        response = attempt.responses.get()
        assert response.is_correct is False and response.score == pytest.approx(1 / 3)
        assert "Partly right" in html and "Partial credit: 33%" in html
        assert shown(html, "CAR → advanced therapy") and shown(html, "Right answer: chimeric antigen receptor")
        if headers:
            assert "<html" not in html

    def test_an_item_left_unmatched_keeps_the_others_and_says_so(self, alice):
        q = factory.make_matching()
        attempt = take(alice, q)
        aav, car, atmp = q.choices.all()
        r = alice.post(f"/attempts/{attempt.pk}/1/", {f"match-{aav.pk}": aav.pk, f"match-{car.pk}": ""}, headers=HX)
        html = r.content.decode()
        assert "Match every item." in html and html.count("Match every item.") == 1
        assert selected(html, f"match-{aav.pk}") == str(aav.pk)
        assert not attempt.responses.exists()

    def test_a_pick_from_another_question_is_refused(self, alice):
        q = factory.make_matching()
        other = factory.make_matching("other")
        attempt = take(alice, q)
        foreign = other.choices.first().pk
        r = alice.post(f"/attempts/{attempt.pk}/1/", {f"match-{c.pk}": foreign for c in q.choices.all()})
        assert r.status_code == 200 and not attempt.responses.exists()


class TestOrdering:
    def test_items_come_shuffled_each_with_a_select_of_positions(self, alice):
        q = factory.make_ordering()
        attempt = take(alice, q)
        html = alice.get(f"/attempts/{attempt.pk}/1/").content.decode()
        names = re.findall(r'<select name="pos-(\d+)"', html)
        assert [int(n) for n in names] == attempt.choice_order[str(q.pk)] != [c.pk for c in q.ordered_items()]
        assert [v for v, _label in select_options(html, f"pos-{names[0]}")] == ["", "1", "2", "3", "4"]
        assert "data-move" in html, "up/down buttons for JavaScript (hidden without it)"

    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_positions_make_the_order_and_score_adjacent_pairs(self, alice, headers):
        q = factory.make_ordering()
        attempt = take(alice, q)
        collect, modify, grow, infuse = q.ordered_items()
        # Shifted by one: Modify, Grow, Infuse, Collect.
        data = {f"pos-{modify.pk}": 1, f"pos-{grow.pk}": 2, f"pos-{infuse.pk}": 3, f"pos-{collect.pk}": 4}
        html = alice.post(f"/attempts/{attempt.pk}/1/", data, headers=headers, follow=True).content.decode()
        response = attempt.responses.get()
        assert response.answer == {"order": [modify.pk, grow.pk, infuse.pk, collect.pk]}
        assert response.score == pytest.approx(2 / 3) and not response.is_correct
        text = re.sub(r"<[^>]+>", "", html)
        assert shown(text, "Right order: Collect the cells → Modify them → Grow them → Infuse them")

    def test_the_right_order_is_right(self, alice):
        q = factory.make_ordering()
        attempt = take(alice, q)
        data = {f"pos-{c.pk}": i + 1 for i, c in enumerate(q.ordered_items())}
        html = alice.post(f"/attempts/{attempt.pk}/1/", data, headers=HX).content.decode()
        assert attempt.responses.get().is_correct and "Correct" in html

    def test_two_items_at_the_same_place_are_refused_and_kept(self, alice):
        q = factory.make_ordering()
        attempt = take(alice, q)
        items = q.ordered_items()
        data = {f"pos-{c.pk}": 1 for c in items}
        html = alice.post(f"/attempts/{attempt.pk}/1/", data, headers=HX).content.decode()
        assert "Give each item a different position." in html
        assert selected(html, f"pos-{items[2].pk}") == "1"
        assert not attempt.responses.exists()


class TestNumeric:
    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_a_french_decimal_comma_with_the_unit_is_right(self, alice, headers):
        attempt = take(alice, factory.make_numeric(language="fr"))
        html = alice.post(f"/attempts/{attempt.pk}/1/", {"answer": "3,45 µg"}, headers=headers, follow=True)
        response = attempt.responses.get()
        assert response.is_correct and response.answer == {"text": "3,45 µg"}
        assert "Correct" in html.content.decode()

    def test_the_unit_is_printed_beside_the_field(self, alice):
        attempt = take(alice, factory.make_numeric())
        html = alice.get(f"/attempts/{attempt.pk}/1/").content.decode()
        assert 'inputmode="decimal"' in html and '<span class="unit">µg</span>' in html

    def test_a_wrong_number_shows_the_right_one_with_its_tolerance(self, alice):
        attempt = take(alice, factory.make_numeric(language="fr"))
        html = alice.post(f"/attempts/{attempt.pk}/1/", {"answer": "4"}, headers=HX).content.decode()
        assert not attempt.responses.get().is_correct
        assert shown(html, "3,5 µg (± 0,1 µg)")

    @pytest.mark.parametrize("typed", ["three", "3,5 g", "3,5,5"])
    def test_what_is_not_a_number_is_refused_and_kept(self, alice, typed):
        attempt = take(alice, factory.make_numeric())
        html = alice.post(f"/attempts/{attempt.pk}/1/", {"answer": typed}, headers=HX).content.decode()
        assert "Type a number" in html and input_value(html, "answer") == typed
        assert not attempt.responses.exists()


@pytest.mark.parametrize("make", [factory.make_matching, factory.make_ordering, factory.make_numeric])
def test_i_dont_know_counts_as_wrong_and_shows_the_answer(alice, make):
    q = make(explanation="EXPLAIN-IT")
    attempt = take(alice, q)
    html = alice.post(f"/attempts/{attempt.pk}/1/", {"dont_know": "1"}, headers=HX).content.decode()
    response = attempt.responses.get()
    assert response.score == 0 and "EXPLAIN-IT" in html and "Not quite" in html


def test_results_show_the_right_answer_of_each_kind(alice):
    q = factory.make_ordering()
    attempt = take(alice, q)
    alice.post(f"/attempts/{attempt.pk}/1/", {"dont_know": "1"})
    html = alice.get(f"/attempts/{attempt.pk}/results/").content.decode()
    assert shown(html, "Collect the cells · Modify them · Grow them · Infuse them")
