"""The review partial an htmx rating answers with (rate-and-next; also undo, bury and suspend), kept per card shown.

Rendering the partial was a quarter of a rating's time (about 60 template nodes: docs/performance.md, session 10),
though almost all of it is a function of the question shown and a few values. Here it is rendered once per frame:
the question (its pk and the bank's version: every change to a bank question bumps it, and a learner's own question
is never kept), the choices in their order, the language, the card's deck name and whether it is new, whether undo
is offered, whether there are messages, the script prefix, the URLconf and the code (kept.release). The frame is cut
where each request's own values go: the card's id (in its URLs), the CSRF token, the time the card was shown, and the
title, the three counts and the messages, each written in from its own partial of the template, kept per language
and value. Every value in the frame's key is what the frame shows of it, so a frame shows nothing of one learner
another could not see. Only the front of a card is kept (all the learner's cards studied, or one deck: its name, the
learner's own text, is in the key exactly as the card's deck's is); anything else renders the template.
"""

import copy
import secrets

from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeData
from django.utils.translation import get_language

from .. import kept
from ..bank import version as bank_version

TEMPLATE = "study/review.html"
# Frames, and the pieces written in them, per process, then all forgotten: a frame is a few kB (one per question,
# language and order a learner's deck name aside: the shipped bank's 339 in two languages fit).
LIMIT = 2048
_frames: dict = {}
_pieces: dict = {}
_made_with: tuple = ()


def _forget(**kwargs) -> None:
    global _made_with
    _made_with = ()


setting_changed.connect(_forget, dispatch_uid="kept-front-forget")


def partial(request, context: dict) -> str | None:
    """The review partial of `context` (views._front_context's, htmx), or None when it is not kept: render it."""
    global _frames, _pieces, _made_with
    card = context.get("card")
    if card is None or context.get("stage") != "front":
        return None
    question = card.question
    if question.personal:  # a learner's own question: an edit bumps no bank version
        return None
    made_with = (kept.release(), bank_version.current())
    if made_with != _made_with or len(_frames) >= LIMIT or len(_pieces) >= LIMIT:
        _frames, _pieces, _made_with = {}, {}, made_with
    language = get_language()
    # Read as the template's loop reads them: shown, so not kept for the next request.
    messages = list(get_messages(request))
    key = (
        get_script_prefix(),
        get_urlconf(),
        language,
        question.pk,
        tuple(choice.pk for choice in context["choices"]),
        card.deck.name if card.deck_id else None,
        # The deck studied: its name is shown ("Studying the deck …"), and it is the learner's own text.
        deck.name if (deck := context.get("deck")) is not None else None,
        card.state == 0,
        bool(context.get("can_undo")),
        bool(messages),
    )
    frame = _frames.get(key)
    if frame is None:
        frame = _frames[key] = _frame(request, context)
    if frame is False:
        return None
    values = _written_in(context["queue"], language, messages)
    values |= {"csrf": get_token(request), "shown_at": str(context["shown_at"]), "card": str(card.pk)}
    out = frame[:]
    for i in range(1, len(frame), 2):
        out[i] = values[frame[i]]
    return "".join(out)


def _written_in(queue, language: str, messages: list) -> dict[str, str]:
    """The pieces written in a frame: the title, the three counts and, if any, the messages."""
    pieces = {
        "title": _piece("page-title", language, ("front", queue.left), {"stage": "front", "queue": queue}),
        "count-new": _piece("count-new", language, queue.new_left, {"queue": queue}),
        "count-learning": _piece("count-learning", language, queue.learning_due, {"queue": queue}),
        "count-due": _piece("count-due", language, queue.review_left, {"queue": queue}),
    }
    if messages:
        said = tuple((m.tags, str(m), isinstance(m.message, SafeData)) for m in messages)
        pieces["messages"] = _piece("review-messages", language, said, {"messages": messages})
    return pieces


def _piece(name: str, language: str, value, context: dict) -> str:
    """A piece's markup: a function of its name, the language and `value` (it holds no URL)."""
    key = (name, language, value)
    piece = _pieces.get(key)
    if piece is None:
        # The pieces read only what they are given and the language: no context processors (a count is new at
        # nearly every rating until the process has shown each number once).
        template = get_template(f"{TEMPLATE}#{name}").template
        piece = _pieces[key] = template.render(Context({**context, "LANGUAGE_CODE": language}))
    return piece


def _frame(request, context: dict) -> list[str] | bool:
    """The partial rendered for `context`'s frame, cut at each request's values; False when a piece written in
    is not found exactly once (its text also in the question, say): then the template renders it at each request."""
    card = context["card"]
    stand_in = copy.copy(card)  # its id marks where the card's goes
    stand_in.pk = 10**14 + secrets.randbelow(9 * 10**14)
    token, shown_at = get_token(request), kept._word()
    messages = list(get_messages(request))
    page = render_to_string(
        f"{TEMPLATE}#review",
        {**context, "card": stand_in, "shown_at": shown_at, "csrf_token": token, "messages": messages},
        request,
    )
    pieces = _written_in(context["queue"], get_language(), messages)
    if not all(_once(page, text) for text in pieces.values()):
        return False
    return kept._cut(page, {**pieces, "csrf": token, "shown_at": shown_at, "card": str(stand_in.pk)})


def _once(page: str, text: str) -> bool:
    """Whether `text` is in `page` at one place only (overlapping places count): then it is where its piece went."""
    first = page.find(text)
    return bool(text) and first >= 0 and page.find(text, first + 1) < 0
