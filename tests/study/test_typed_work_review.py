"""Nothing lost in review: a refused answer keeps what was typed and names what is missing;
"I don't know" counts as wrong, shows the feedback and passage, and rates the card Again."""

import re

import pytest

from quizzes.models import Card, ReviewLog
from tests import factory
from tests.markup import input_tag

HX = {"HX-Request": "true"}
CLOZE = "Gene therapy introduces [[genetic material]] into [[cells]] to treat a disease."


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def study(client, question) -> Card:
    factory.make_quizset("trust", [question], title="Trust")
    client.post("/sets/trust/study/")
    return Card.objects.get(question=question)


def cloze():
    return factory.make_question(
        "cloze",
        kind="cloze",
        choices=[],
        prompt=CLOZE,
        explanation="EXPLAIN-CLOZE",
        passage="Gene therapy consists of introducing genetic material into cells",
    )


def make_kind(kind: str):
    if kind == "cloze":
        return cloze()
    extra = {}
    if kind == "short":
        extra = {"choices": [], "accepted_answers": "AAV"}
    elif kind == "flashcard":
        extra = {"choices": [], "back": "BACK-SIDE"}
    elif kind == "true_false":
        extra = {"choices": [("True", False), ("False", True)]}
    return factory.make_question(f"q-{kind}", kind=kind, explanation=f"EXPLAIN-{kind.upper()}", **extra)


class TestARefusedAnswerKeepsTypedWork:
    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_a_cloze_with_one_empty_blank_keeps_the_other_and_names_the_missing_one(self, alice, headers):
        card = study(alice, cloze())
        r = alice.post(
            f"/review/{card.pk}/answer/", {"blank-0": "", "blank-1": "cells", "shown_at": "1"}, headers=headers
        )
        html = r.content.decode()
        assert r.status_code == 200
        assert 'value="cells"' in input_tag(html, "blank-1"), "the typed blank is kept"
        alert = re.search(r'<p class="errorlist" role="alert"[^>]*>(.*?)</p>', html, re.S).group(1)
        assert "blank 1" in alert.lower() and "blank 2" not in alert.lower(), alert
        assert 'aria-invalid="true"' in input_tag(html, "blank-0")
        assert not ReviewLog.objects.exists()

    def test_a_too_long_short_answer_is_kept(self, alice):
        card = study(alice, make_kind("short"))
        typed = "adeno-associated " * 13
        html = alice.post(f"/review/{card.pk}/answer/", {"answer": typed}, headers=HX).content.decode()
        assert f'value="{typed}"' in input_tag(html, "answer")
        assert "at most 200 characters" in html


class TestIDontKnow:
    @pytest.mark.parametrize("kind", ["single", "true_false", "short", "cloze", "flashcard"])
    def test_the_front_of_every_card_offers_it(self, alice, kind):
        study(alice, make_kind(kind))
        html = alice.get("/review/").content.decode()
        assert re.search(r'<button[^>]*name="dont_know"[^>]*>\s*I don(&#x27;|\')t know', html), html

    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    @pytest.mark.parametrize("kind", ["single", "true_false", "short", "cloze", "flashcard"])
    def test_it_shows_the_feedback_and_passage_and_only_again(self, alice, learner, kind, headers):
        card = study(alice, make_kind(kind))
        r = alice.post(
            f"/review/{card.pk}/answer/",
            {"dont_know": "1", "shown_at": "1", "blank-0": "genetic"},
            headers=headers,
        )
        html = r.content.decode()
        assert r.status_code == 200
        assert f"EXPLAIN-{kind.upper()}" in html and '<blockquote class="passage"' in html
        if kind == "flashcard":
            assert "BACK-SIDE" in html
        else:
            assert "Not quite" in html
        ratings = re.findall(r'<button name="rating" value="(\d)"', html)
        assert ratings == ["1"], f"a question one did not know is rated Again: {ratings}"
        form = {k: hidden(html, k) for k in ("token", "version", "shown_at", "answer")}
        alice.post(f"/review/{card.pk}/rate/", {"rating": 1, **form}, headers=headers)
        log = ReviewLog.objects.get(user=learner)
        assert log.rating == 1
        assert log.answer["given"]["dont_know"] is True and log.answer["correct"] is False

    def test_a_forged_rating_after_i_dont_know_is_still_again(self, alice, learner):
        card = study(alice, cloze())
        html = alice.post(f"/review/{card.pk}/answer/", {"dont_know": "1"}, headers=HX).content.decode()
        form = {k: hidden(html, k) for k in ("token", "version", "shown_at", "answer")}
        alice.post(f"/review/{card.pk}/rate/", {"rating": 4, **form}, headers=HX)
        assert ReviewLog.objects.get(user=learner).rating == 1
