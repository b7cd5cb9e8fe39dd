"""Reviewing matching, ordering and numeric cards: graded as in quizzes, then a rating is suggested; the pairs
and items keep their shuffled order until the card is rated. Bilingual items: one card, shown in the learner's
language."""

import re

import pytest

from quizzes.models import Card, Question, ReviewLog
from tests import factory

HX = {"HX-Request": "true"}


def study(client, *questions, key="kinds") -> None:
    factory.make_quizset(key, list(questions), title=key)
    client.post(f"/sets/{key}/study/")


def suggested(html: str) -> str:
    return re.search(r'class="rating rating-(\d) suggested"', html).group(1)


class TestKinds:
    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_matching_graded_then_rating_suggested(self, alice, headers):
        q = factory.make_matching()
        study(alice, q)
        card = Card.objects.get(question=q)
        html = alice.get("/review/").content.decode()
        shown = [int(v) for v in re.findall(r'<option value="(\d+)"', html)][:3]
        assert [c.pk for c in Question.objects.get(pk=q.pk).shown_items(f"{card.pk}-{card.version}")] == shown
        assert shown != [c.pk for c in q.choices.all()], "the right column is shuffled"
        again = alice.get("/review/").content.decode()
        assert [int(v) for v in re.findall(r'<option value="(\d+)"', again)][:3] == shown, "the same until rated"
        data = {f"match-{c.pk}": c.pk for c in q.choices.all()}
        html = alice.post(f"/review/{card.pk}/answer/", {**data, "shown_at": "1"}, headers=headers).content.decode()
        assert "Correct" in html and suggested(html) == "3"
        assert not ReviewLog.objects.exists(), "graded, not yet rated"

    def test_ordering_partly_right_suggests_again(self, alice):
        q = factory.make_ordering()
        study(alice, q)
        card = Card.objects.get(question=q)
        a, b, c, d = q.ordered_items()
        data = {f"pos-{a.pk}": 1, f"pos-{b.pk}": 2, f"pos-{c.pk}": 4, f"pos-{d.pk}": 3, "shown_at": "1"}
        html = alice.post(f"/review/{card.pk}/answer/", data, headers=HX).content.decode()
        assert "Partly right" in html and "Partial credit: 33%" in html and suggested(html) == "1"

    def test_numeric_with_a_french_comma(self, alice):
        q = factory.make_numeric(language="fr")
        study(alice, q)
        card = Card.objects.get(question=q)
        html = alice.post(f"/review/{card.pk}/answer/", {"answer": "3,5", "shown_at": "1"}, headers=HX)
        assert suggested(html.content.decode()) == "3"

    def test_a_bad_number_is_refused_and_kept(self, alice):
        q = factory.make_numeric()
        study(alice, q)
        card = Card.objects.get(question=q)
        html = alice.post(f"/review/{card.pk}/answer/", {"answer": "3,5 kg", "shown_at": "1"}, headers=HX)
        html = html.content.decode()
        assert "Type a number" in html and 'value="3,5 kg"' in html and "rating-3" not in html


class TestBilingualItems:
    def pair(self):
        fr_source = factory.make_source(
            "intro-fr", language="fr", title="Introduction", text="La thérapie génique vise à corriger un gène."
        )
        en = factory.make_question("item-en", prompt="ENGLISH PROMPT", choices=[("Yes", True), ("No", False)])
        fr = factory.make_question(
            "item-fr",
            source=fr_source,
            passage="La thérapie génique vise à corriger un gène.",
            prompt="PROMPT EN FRANÇAIS",
            choices=[("Oui", True), ("Non", False)],
            translation_of=en,
        )
        return en, fr

    def test_one_card_for_both_versions_and_the_french_learner_sees_french(self, alice, learner):
        en, fr = self.pair()
        study(alice, en, key="english")
        study(alice, fr, key="french")
        card = Card.objects.get(user=learner)
        assert card.question == en, "one card, on the original"
        html = alice.get("/review/", headers={"Accept-Language": "fr"}).content.decode()
        assert "PROMPT EN FRANÇAIS" in html and "ENGLISH PROMPT" not in html
        oui = fr.choices.get(text="Oui")
        html = alice.post(
            f"/review/{card.pk}/answer/", {"choice": oui.pk, "shown_at": "1"}, headers={"Accept-Language": "fr", **HX}
        ).content.decode()
        assert suggested(html) == "3", "graded against the French version's choices"
        html = alice.get("/review/", headers={"Accept-Language": "en"}).content.decode()
        assert "ENGLISH PROMPT" in html

    def test_a_draft_translation_is_not_shown(self, alice, learner):
        en, fr = self.pair()
        fr.status = Question.Status.DRAFT
        fr.save()
        study(alice, en)
        html = alice.get("/review/", headers={"Accept-Language": "fr"}).content.decode()
        assert "ENGLISH PROMPT" in html

    def test_a_quiz_answer_to_the_translation_reviews_the_one_card(self, alice, learner):
        en, fr = self.pair()
        study(alice, en, key="english")
        factory.make_quizset("french", [fr])
        alice.post("/sets/french/start/")
        attempt = learner.attempts.get()
        alice.post(f"/attempts/{attempt.pk}/1/", {"choice": fr.choices.get(text="Oui").pk})
        log = ReviewLog.objects.get(user=learner)
        assert log.card.question == en and log.rating == 3

    def test_an_item_held_by_an_assignment_in_one_language_is_held_in_the_other(self, alice, learner, classroom):
        from tests.assignments import assign

        en, fr = self.pair()
        study(alice, en, key="english")
        assign(classroom, factory.make_quizset("held", [fr]), mode="quiz", reveal="never")
        html = alice.get("/review/", headers={"Accept-Language": "fr"}).content.decode()
        assert "ENGLISH PROMPT" not in html and "PROMPT EN FRANÇAIS" not in html, "the card is out of the queue"
        card = Card.objects.get(user=learner)
        r = alice.post(f"/review/{card.pk}/answer/", {"choice": en.choices.first().pk, "shown_at": "1"})
        assert r.status_code == 409
        r = alice.post("/sets/english/start/", follow=True)
        assert "ENGLISH PROMPT" not in r.content.decode(), "nor practised in English"
