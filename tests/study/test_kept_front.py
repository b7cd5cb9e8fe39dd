"""The review partial after an htmx rating is kept per card shown (quizzes/study/kept_front.py): it must be the
template's render byte for byte (each kind of question, English and French, with and without messages, undo, a
deck, the new badge, a deck studied), follow an edit of the question at once, and show each learner only their own
card, deck, deck studied, counts and token."""

import re
import uuid
from unittest import mock

import pytest
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.html import escape
from django_htmx.middleware import HtmxDetails

from quizzes.bank.models import visible_question
from quizzes.study import kept_front, reading, scheduling, views
from quizzes.study.models import Card, Deck
from tests import factory

HX = {"HTTP_HX_REQUEST": "true"}
TOKEN = "T" * 64


def questions(language: str) -> list:
    source = factory.make_source(f"src-{language}", language=language, title=f"Source {language}")
    made = [
        factory.make_question(f"{language}-single", source=source),
        factory.make_question(f"{language}-multiple", kind="multiple", source=source),
        factory.make_question(
            f"{language}-tf", kind="true_false", source=source, choices=[("True", True), ("False", False)]
        ),
        factory.make_question(f"{language}-short", kind="short", source=source, accepted_answers="AAV"),
        factory.make_question(f"{language}-cloze", kind="cloze", source=source, prompt="[[AAV]] <b>vectors</b> & co"),
        factory.make_question(f"{language}-flash", kind="flashcard", source=source, choices=[], back="BACK"),
        factory.make_matching(f"{language}-matching", source=source),
        factory.make_ordering(f"{language}-ordering", source=source),
        factory.make_numeric(f"{language}-numeric", source=source),
    ]
    return made


@pytest.fixture
def bank(db):
    return {language: questions(language) for language in ("en", "fr")}


@pytest.fixture
def bob(db):
    return factory.make_user("bob", factory.Role.LEARNER)


def study(user, question_list):
    quizset = factory.make_quizset(f"set-{user.pk}-{question_list[0].pk}", question_list)
    scheduling.add_study(user, quizset=quizset)


def request_of(user, said=()):
    request = RequestFactory().post("/review/1/rate/", **HX)
    request.user = user
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = default_storage(request)
    request.htmx = HtmxDetails(request)
    for text in said:
        messages.success(request, text)
    return request


def context_of(user, card: Card, language: str, counts=(2, 1, 30), can_undo=True, deck=None) -> dict:
    shown = reading.card_to_show(user, card.pk, language, visible_question(user))
    choices = views._choices(shown)
    queue = scheduling.Queue(shown, *counts, next_learning=None, can_undo=can_undo)
    return {
        "deck": deck,
        "queue": queue,
        "card": shown,
        "choices": choices,
        "stage": "front",
        **views._unanswered(shown, choices),
        "shown_at": 1796000000123,
        "can_undo": can_undo,
    }


def both(user, card, language, said=(), **kwargs) -> tuple[str | None, str]:
    """The kept partial and the template's, for the same card, values and token."""
    with translation.override(language), mock.patch.object(kept_front, "get_token", return_value=TOKEN):
        kept = kept_front.partial(request_of(user, said), context_of(user, card, language, **kwargs))
        request = request_of(user, said)
        context = context_of(user, card, language, **kwargs) | {"csrf_token": TOKEN}
        rendered = render_to_string("study/review.html#review", context, request)
    return kept, rendered


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_kept_partial_is_the_templates_for_every_kind(learner, bob, bank, language):
    study(learner, bank[language])
    study(bob, bank[language])
    for question in bank[language]:
        mine = Card.objects.get(user=learner, question=question)
        theirs = Card.objects.get(user=bob, question=question)
        kept, rendered = both(learner, mine, language)  # the frame made
        assert kept == rendered, question.kind
        kept, rendered = both(bob, theirs, language, counts=(0, 3, 1))  # the frame kept, another card and counts
        assert kept == rendered, question.kind
        assert f"/review/{theirs.pk}/" in kept and f"/review/{mine.pk}/" not in kept


@pytest.mark.parametrize("language", ["en", "fr"])
def test_messages_undo_a_deck_and_the_new_badge_are_the_templates(learner, bank, language):
    study(learner, bank[language][:2])
    card = Card.objects.get(user=learner, question=bank[language][0])
    said = ["Next review of that card in 3 d.", "A <warning> & more"]
    for kwargs in ({"said": said}, {"said": said[:1], "can_undo": False}, {"counts": (1, 0, 0)}):
        kept, rendered = both(learner, card, language, **kwargs)
        assert kept == rendered
        assert ("A &lt;warning&gt; &amp; more" in kept) == ("said" in kwargs and len(kwargs["said"]) == 2)
    assert 'class="badge"' in kept
    Card.objects.filter(pk=card.pk).update(state=Card.State.REVIEW)
    kept, rendered = both(learner, card, language, counts=(0, 0, 6))
    assert kept == rendered and 'class="badge"' not in kept
    Card.objects.filter(pk=card.pk).update(deck=Deck.objects.create(user=learner, name="D<1>"))
    for counts in ((0, 0, 5), (0, 0, 4)):
        kept, rendered = both(learner, card, language, counts=counts)
        assert kept == rendered and "D&lt;1&gt;" in kept and 'class="badge"' not in kept


NAMES = ['D<1> & "two"', "D&lt;1&gt;", "l'été <b>", "D<1>", "D<1> "]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_deck_studied_is_the_templates(learner, bob, bank, language):
    """The deck studied is named in the partial ("Studying the deck …", with a form to study all): the learner's own
    text, escaped, and in the frame's key exactly (names that escape alike, or differ by a space, are other frames)."""
    study(learner, bank[language][:3])
    study(bob, bank[language][:3])
    for user in (learner, bob):
        for name in NAMES:
            deck = Deck.objects.create(user=user, name=name)
            Card.objects.filter(user=user).update(deck=deck)
            for question in bank[language][:3]:
                card = Card.objects.get(user=user, question=question)
                for counts in ((2, 1, 30), (0, 0, 4)):  # the frame made, then kept
                    kept, rendered = both(user, card, language, counts=counts, deck=deck)
                    assert kept is not None and kept == rendered, (name, question.kind)
                    assert kept.count(escape(name)) == 2  # the card's deck and the deck studied
            Deck.objects.filter(pk=deck.pk).delete()
    # All the cards studied again: the same questions' frames without a deck.
    card = Card.objects.get(user=learner, question=bank[language][0])
    kept, rendered = both(learner, card, language)
    assert kept == rendered and "/decks/all/study/" not in kept
    # The card in a deck, that deck studied or all the cards: two frames.
    deck = Deck.objects.create(user=learner, name=NAMES[0])
    Card.objects.filter(pk=card.pk).update(deck=deck)
    for studied in (None, deck, None, deck):
        kept, rendered = both(learner, card, language, deck=studied)
        assert kept == rendered and ("/decks/all/study/" in kept) == (studied is not None)


def rate(client, card: Card) -> str:
    response = client.post(f"/review/{card.pk}/rate/", {"rating": 3, "token": str(uuid.uuid4())}, **HX)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def two(db):
    first = factory.make_question("first", kind="short", prompt="FIRST PROMPT", accepted_answers="A")
    second = factory.make_question("second", kind="short", prompt="SECOND PROMPT", accepted_answers="B")
    factory.make_quizset("two", [first, second])
    return first, second


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_edit_of_the_next_question_shows_at_once(learner, bob, two):
    first, second = two
    for user in (learner, bob):
        logged_in(user).post("/sets/two/study/")
    html = rate(logged_in(learner), Card.objects.get(user=learner, question=first))
    assert "SECOND PROMPT" in html
    second.prompt = "SECOND PROMPT, EDITED"
    second.save()
    html = rate(logged_in(bob), Card.objects.get(user=bob, question=first))
    assert "SECOND PROMPT, EDITED" in html


def test_each_learner_sees_their_own_card_deck_counts_and_token(learner, bob, two):
    first, second = two
    for user in (learner, bob):
        logged_in(user).post("/sets/two/study/")
    mine = Card.objects.get(user=learner, question=second)
    Card.objects.filter(pk=mine.pk).update(deck=Deck.objects.create(user=learner, name="ALICE-DECK"))
    alice = logged_in(learner)
    html = rate(alice, Card.objects.get(user=learner, question=first))
    assert "ALICE-DECK" in html and f"/review/{mine.pk}/" in html
    theirs = Card.objects.get(user=bob, question=second)
    for _ in range(2):  # the frame of this question without a deck: made, then kept
        scheduling.undo_last(bob)
        bobs = rate(logged_in(bob), Card.objects.get(user=bob, question=first))
        assert "ALICE-DECK" not in bobs and f"/review/{mine.pk}/" not in bobs and f"/review/{theirs.pk}/" in bobs
    tokens = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert set(tokens.findall(html)).isdisjoint(tokens.findall(bobs))


def test_each_learner_sees_their_own_deck_studied(learner, bob, two):
    first, second = two
    clients = {}
    for user, name in ((learner, "ALICE <DECK>"), (bob, "BOB & DECK")):
        client = clients[user.pk] = logged_in(user)
        client.post("/sets/two/study/")
        deck = Deck.objects.create(user=user, name=name)
        Card.objects.filter(user=user).update(deck=deck)
        client.post(f"/decks/{deck.pk}/study/")
    html = rate(clients[learner.pk], Card.objects.get(user=learner, question=first))
    assert "Studying the deck ALICE &lt;DECK&gt;." in html and "BOB" not in html
    bobs = rate(clients[bob.pk], Card.objects.get(user=bob, question=first))
    assert "Studying the deck BOB &amp; DECK." in bobs and "ALICE" not in bobs
    assert f"/review/{Card.objects.get(user=bob, question=second).pk}/" in bobs


def test_the_message_is_shown_once(learner, two):
    first, _second = two
    alice = logged_in(learner)
    alice.post("/sets/two/study/")
    alice.get("/review/")
    html = rate(alice, Card.objects.get(user=learner, question=first))
    assert "Next review of that card" in html
    assert "Next review of that card" not in alice.get("/review/").content.decode()


def test_a_learners_own_question_edited_without_the_app_shows_at_once(learner):
    first = factory.make_question("first", kind="short", prompt="FIRST PROMPT", accepted_answers="A")
    factory.make_quizset("one", [first])
    alice = logged_in(learner)
    alice.post("/sets/one/study/")
    own = factory.make_question("own", kind="short", prompt="OWN PROMPT", accepted_answers="B", owner=learner)
    own.personal = True
    own.save()
    Card.objects.create(user=learner, question=own)
    card = Card.objects.get(user=learner, question=first)
    assert "OWN PROMPT" in rate(alice, card)
    scheduling.undo_last(learner)
    from quizzes.bank.models import Question

    Question.objects.filter(pk=own.pk).update(prompt="OWN PROMPT, EDITED")
    assert "OWN PROMPT, EDITED" in rate(alice, card)


def test_a_piece_found_twice_leaves_the_partial_to_the_template(learner, db):
    """The title's text also in the question: where it goes is not known from the render, so nothing is kept."""
    question = factory.make_question("twice", kind="short", accepted_answers="A", prompt="38 cards left · Review")
    study(learner, [question])
    card = Card.objects.get(user=learner, question=question)
    kept, rendered = both(learner, card, "en", counts=(7, 1, 30))
    assert kept is None and rendered.count("38 cards left · Review") == 2
    assert kept_front._once("abab", "ab") is False and kept_front._once("aaa", "aa") is False
    assert kept_front._once("xaby", "ab") is True and kept_front._once("x", "") is False
