"""The inputs of an unanswered question are kept once rendered ({% memo %} keyed by AnswerForm.fields_key): the
same for every learner shown the question in the same order and language. What is kept must follow an edit at
once, never carry one learner's typed work to another, and follow the page's language."""

import re

import pytest
from django.test import Client

from quizzes.models import Card
from tests import factory
from tests.study.test_own_cards import FORMSET

HX = {"HX-Request": "true"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
HX_HEADERS = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def bob(db):
    bob = Client()
    bob.force_login(factory.make_user("bob", factory.Role.LEARNER))
    return bob


def study(client, question, key="kept") -> None:
    client.post(f"/sets/{key}/study/")


@pytest.fixture
def short(db):
    q = factory.make_question("q-short", kind="short", prompt="Name the vector.", accepted_answers="AAV")
    factory.make_quizset("kept", [q], title="kept")
    return q


def test_an_edit_of_the_question_shows_at_once(alice, short):
    study(alice, short)
    assert "Name the vector." in alice.get("/review/").content.decode()
    short.prompt = "Name the viral vector."
    short.save()
    assert "Name the viral vector." in alice.get("/review/").content.decode()


def test_an_edit_of_a_choice_shows_at_once(alice, db):
    q = factory.make_question("q-single")
    factory.make_quizset("kept", [q], title="kept")
    study(alice, q)
    assert "Non-integrative" in alice.get("/review/").content.decode()
    choice = q.choices.get(text="Non-integrative")
    choice.text = "Stays episomal"
    choice.save()
    html = alice.get("/review/").content.decode()
    assert "Stays episomal" in html and "Non-integrative" not in html


@pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
def test_typed_work_stays_with_its_learner(alice, bob, db, headers):
    q = factory.make_numeric()
    factory.make_quizset("kept", [q], title="kept")
    study(alice, q)
    study(bob, q)
    card = Card.objects.get(question=q, user__username="alice")
    bob.get("/review/")  # bob's blank inputs are kept first
    typed = alice.post(f"/review/{card.pk}/answer/", {"answer": "3,5 kg", "shown_at": "1"}, headers=headers)
    typed = typed.content.decode()
    assert 'value="3,5 kg"' in typed and 'aria-invalid="true"' in typed, "a refused answer keeps what was typed"
    html = bob.get("/review/", headers=headers).content.decode()
    assert "3,5 kg" not in html and "aria-invalid" not in html, "another learner's typed work never shows"
    assert "3,5 kg" not in alice.get("/review/").content.decode(), "a fresh showing is blank"


def test_a_cloze_refused_keeps_what_was_typed_and_others_see_blanks(alice, bob, db):
    q = factory.make_question("q-cloze", kind="cloze", prompt="AAV stands for [[adeno]]-associated [[virus]].")
    factory.make_quizset("kept", [q], title="kept")
    study(alice, q)
    study(bob, q)
    bob.get("/review/")
    card = Card.objects.get(question=q, user__username="alice")
    names = re.findall(r'<input class="blank" type="text" name="([^"]+)"', alice.get("/review/").content.decode())
    html = alice.post(f"/review/{card.pk}/answer/", {names[0]: "adeno", "shown_at": "1"}, headers=HX).content.decode()
    assert 'value="adeno"' in html, "typed work kept on a refused cloze"
    assert 'value="adeno"' not in bob.get("/review/").content.decode()


def test_each_language_has_its_own_markup(alice, short):
    study(alice, short)
    english = alice.get("/review/").content.decode()
    french = alice.get("/review/", headers={"Accept-Language": "fr"}).content.decode()
    assert ">Check</button>" in english and ">Vérifier</button>" not in english
    assert ">Vérifier</button>" in french and ">Check</button>" not in french
    assert ">Check</button>" in alice.get("/review/").content.decode()


def test_the_quiz_question_page_follows_edits_and_keeps_typed_work_personal(alice, bob, db):
    q = factory.make_numeric()
    factory.make_quizset("quiz", [q], title="quiz")
    pages = {}
    for name, client in (("alice", alice), ("bob", bob)):
        pages[name] = client.post("/sets/quiz/start/", follow=True).redirect_chain[-1][0]
    assert "/1/" in pages["alice"] and "/1/" in pages["bob"]
    prompt = q.prompt
    assert prompt in alice.get(pages["alice"]).content.decode()
    q.prompt = "A new prompt, edited."
    q.save()
    assert "A new prompt, edited." in bob.get(pages["bob"]).content.decode()
    typed = bob.post(pages["bob"], {"answer": "3,5 kg"}, headers=HX).content.decode()
    assert 'value="3,5 kg"' in typed
    html = alice.get(pages["alice"]).content.decode()
    assert "A new prompt, edited." in html and "3,5 kg" not in html


def test_the_quiz_question_page_follows_an_edit_of_a_choice(alice, bob, db):
    q = factory.make_question("q-single")
    factory.make_quizset("quiz", [q], title="quiz")
    page = alice.post("/sets/quiz/start/", follow=True).redirect_chain[-1][0]
    assert "Non-integrative" in alice.get(page).content.decode()
    choice = q.choices.get(text="Non-integrative")
    choice.text = "Stays episomal"
    choice.save()
    html = alice.get(page).content.decode()
    assert "Stays episomal" in html and "Non-integrative" not in html
    other = bob.post("/sets/quiz/start/", follow=True).redirect_chain[-1][0]
    assert "Stays episomal" in bob.get(other).content.decode()


def test_a_review_showing_kept_inputs_makes_no_form(alice, bob, db):
    from unittest import mock

    from quizzes.bank.forms import AnswerForm

    q = factory.make_question("q-single-form")
    factory.make_quizset("kept", [q], title="kept")
    study(alice, q)
    study(bob, q)
    first = alice.get("/review/", headers=HX).content.decode()  # htmx: never the kept whole page
    with mock.patch.object(AnswerForm, "__init__", side_effect=AssertionError("a form was made")):
        again = bob.get("/review/", headers=HX).content.decode()
    inputs = re.compile(r'<ul class="options">.*?</ul>', re.S)
    assert inputs.search(first).group(0) == inputs.search(again).group(0)


@pytest.mark.parametrize("headers", [{}, HX_HEADERS], ids=["page", "htmx"])
def test_an_own_cloze_card_edited_shows_at_once(alice, learner, headers):
    """Its inputs hold its prompt: they are kept ({% memo %} by AnswerForm.fields_key) only for bank questions, whose
    edits bump the bank's version; saving a learner's own question bumps none."""
    write = {"kind": "cloze", "back": "", "accepted_answers": "", "explanation": "", **FORMSET}
    assert alice.post("/cards/new/", {**write, "prompt": "[[AAV]] vectors, old"}).status_code == 302
    assert "vectors, old" in alice.get("/review/", **headers).content.decode()
    card = Card.objects.get(user=learner)
    assert alice.post(f"/cards/{card.pk}/edit/", {**write, "prompt": "[[AAV]] vectors, new"}).status_code == 302
    html = alice.get("/review/", **headers).content.decode()
    assert "vectors, new" in html and "vectors, old" not in html
