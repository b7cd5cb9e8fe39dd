"""The page's title follows the question or the card when htmx swaps them in (it reads a <title> at the top of
the fragment), so a screen reader or a tab says where the learner is; full pages keep theirs in <head>."""

import re

from quizzes.study import scheduling
from quizzes.study.models import Card
from tests import factory

HX = {"HX-Request": "true"}


def title(page: str) -> str:
    found = re.findall(r"<title>([^<]*)</title>", page)
    assert len(found) == 1, found
    return found[0]


def test_the_quiz_title_names_the_question_and_the_set(alice, bank):
    r = alice.post("/sets/basics/start/", follow=True)
    page = r.content.decode()
    assert title(page) == "Question 1 of 2 · Basics · learnapp"
    assert page.index("<title>") < page.index("</head>"), "a full page's title stays in its head"
    attempt = r.redirect_chain[-1][0].split("/")[2]
    answered = alice.post(
        f"/attempts/{attempt}/1/", {"choice": bank.items.first().question.choices.first().pk}, headers=HX
    )
    assert title(answered.content.decode()) == "Question 1 of 2 · Basics · learnapp"
    swapped = alice.get(f"/attempts/{attempt}/2/", headers=HX).content.decode()
    assert swapped.lstrip().startswith("<title>"), "htmx only reads a <title> at the top of the fragment"
    assert title(swapped) == "Question 2 of 2 · Basics · learnapp"


def test_the_quiz_title_in_french(alice, bank):
    r = alice.post("/sets/basics/start/", follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    attempt = r.redirect_chain[-1][0].split("/")[2]
    swapped = alice.get(f"/attempts/{attempt}/1/", headers=HX, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert title(swapped) == "Question 1 sur 2 · Basics · learnapp"


def test_the_review_title_follows_the_card(alice, learner):
    questions = [factory.make_question(f"c-{i}", kind="flashcard", choices=[], back="BACK") for i in range(2)]
    scheduling.add_study(learner, quizset=factory.make_quizset("cards", questions))
    assert title(alice.get("/review/").content.decode()) == "2 cards left · Review · learnapp"
    card = Card.objects.filter(user=learner).first()
    swapped = alice.get(f"/review/{card.pk}/reveal/", headers=HX).content.decode()
    assert swapped.lstrip().startswith("<title>")
    assert title(swapped) == "The answer · Review · learnapp"
    swapped = alice.get("/review/", headers=HX, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert title(swapped) == "2 cartes restantes · Réviser · learnapp"
