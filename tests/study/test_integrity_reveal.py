"""Trust: the review's reveal endpoint shows an objective question's answer only after an answer was
given for that card in this showing; flashcards keep their show-the-back flow."""

import re

import pytest
from django.utils import timezone

from quizzes.models import Card, Question
from tests import factory

HX = {"HX-Request": "true"}

SECRETS = ("EXPLAIN-X", "✓ Correct", "Not quite", "Right answer", 'name="rating"')


def make(kind: str) -> Question:
    extra = {
        "single": {"choices": [("RIGHT-CHOICE", True), ("WRONG-CHOICE", False)]},
        "multiple": {"choices": [("RIGHT-CHOICE", True), ("ALSO-RIGHT", True), ("WRONG-CHOICE", False)]},
        "true_false": {"choices": [("True", True), ("False", False)]},
        "short": {"choices": [], "accepted_answers": "SECRET-ANSWER"},
        "cloze": {"choices": [], "prompt": "AAV vectors are [[SECRET-BLANK]]."},
    }[kind]
    return factory.make_question(f"q-{kind}".replace("_", "-"), kind=kind, explanation="EXPLAIN-X", **extra)


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


@pytest.mark.parametrize("kind", ["single", "multiple", "true_false", "short", "cloze"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("headers", [None, HX], ids=["page", "htmx"])
def test_reveal_without_an_answer_shows_no_answer(alice, learner, kind, method, headers):
    card = Card.objects.create(user=learner, question=make(kind))
    url = f"/review/{card.pk}/reveal/?shown_at=1"
    r = getattr(alice, method)(url, headers=headers)
    html = r.content.decode()
    leaked = [s for s in (*SECRETS, "SECRET-ANSWER", "SECRET-BLANK") if s in html]
    assert leaked == [], f"{kind}: the answer was shown without answering"
    card.refresh_from_db()
    assert card.reps == 0


@pytest.mark.parametrize("kind", ["single", "short"])
def test_answering_then_shows_the_answer_and_the_ratings(alice, learner, kind):
    card = Card.objects.create(user=learner, question=make(kind))
    data = {"shown_at": "1"}
    if kind == "single":
        data["choice"] = card.question.choices.get(text="WRONG-CHOICE").pk
    else:
        data["answer"] = "nope"
    html = alice.post(f"/review/{card.pk}/answer/", data, headers=HX).content.decode()
    assert "EXPLAIN-X" in html and 'name="rating"' in html


def test_a_flashcard_still_shows_its_back(alice, learner):
    question = factory.make_question("flash", kind="flashcard", choices=[], back="BACK-SIDE", explanation="EXPLAIN-X")
    card = Card.objects.create(user=learner, question=question, due=timezone.now())
    html = alice.get(f"/review/{card.pk}/reveal/", headers=HX).content.decode()
    assert "BACK-SIDE" in html and re.search(r'name="rating"', html)
