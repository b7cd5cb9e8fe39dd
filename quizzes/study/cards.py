"""A learner's own cards and decks: writing a card, pasting a list of them, moving cards between decks,
removing cards (or a whole set) from their studies and putting them back.

An own card is a Question with `personal=True` and `owner` = the learner, published (so that it reaches
their reviews), with a Card in their studies. A card citing no text hangs on the learner's private
"My cards" source (owner = the learner, unpublished, empty text) and its one empty passage (0, 0):
templates show no passage when `passage.text` is empty. The bank's rule (Question.objects.visible_to:
an owned question is its owner's only) keeps them private everywhere; `Question.objects.shared()` keeps
them out of quiz sets, exports, analyses and the library.

Importing an Anki deck or a CSV (study.anki_import, with the interchange parsers) makes cards through
`save_cards` too: give it unsaved own questions, their tags and a deck, it writes all or nothing.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..bank.models import Language, Passage, Question, Source, Tag, tag_names
from .models import Card, Deck, Study

MAX_PASTED_LINES = 2000
MAX_SIDE = 2000
# Where a pasted line is cut, the first of these found wins: a tab (spreadsheets), a dash between spaces
# ("term – definition", as Quizlet exports), then a semicolon, then a comma.
SEPARATORS = (re.compile(r"\t"), re.compile(r"\s+[–—-]\s+"), re.compile(r";"), re.compile(r","))


def own_cards_source(user) -> Source:
    """The learner's private source for cards that cite no text ("My cards": theirs, unpublished, empty)."""
    source, _created = Source.objects.get_or_create(
        key=f"my-cards-{user.pk}",
        defaults={"title": "My cards", "owner": user, "published": False, "text": "", "language": _language()},
    )
    return source


def blank_passage(user) -> Passage:
    """The empty passage of the learner's "My cards" source: what a card citing no text hangs on."""
    passage, _created = Passage.objects.get_or_create(
        source=own_cards_source(user), start=0, end=0, defaults={"text": ""}
    )
    return passage


def _language() -> str:
    language = (get_language() or "en")[:2]
    return language if language in Language.values else Language.EN


def new_external_id() -> str:
    return f"card-{uuid.uuid4().hex[:20]}"


def personal_question(user, **fields) -> Question:
    """A new own card's question, not saved: private to `user`, published to their reviews."""
    fields.setdefault("language", _language())
    fields.setdefault("explanation", "")
    return Question(
        owner=user, personal=True, status=Question.Status.PUBLISHED, external_id=new_external_id(), **fields
    )


def add_card(user, question: Question, deck: Deck | None) -> Card:
    """Put the learner's saved own question in their studies, in `deck`."""
    card, _created = Card.objects.get_or_create(user=user, question=question, defaults={"deck": deck})
    return card


# --- pasting a list -------------------------------------------------------------------------------


@dataclass
class PastedLine:
    number: int
    front: str
    back: str


class PasteInvalid(Exception):
    """The pasted list, refused whole: `errors` says which lines and why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_pasted(text: str) -> list[PastedLine]:
    """One card per non-empty line, "front – back" (or tab, semicolon, comma between them). Every line with
    a problem is reported, with its number; nothing is returned unless every line is right."""
    lines, errors = [], []
    raw = (text or "").splitlines()
    if len(raw) > MAX_PASTED_LINES:
        raise PasteInvalid([_("At most %(n)d lines at a time.") % {"n": MAX_PASTED_LINES}])
    for number, line in enumerate(raw, start=1):
        if not line.strip():
            continue
        for separator in SEPARATORS:
            parts = separator.split(line, maxsplit=1)
            if len(parts) == 2:
                break
        else:
            errors.append(
                _("Line %(n)d: no separator between the term and its definition (use – or a tab).") % {"n": number}
            )
            continue
        front, back = parts[0].strip(), parts[1].strip()
        if not front or not back:
            errors.append(_("Line %(n)d: the term or the definition is empty.") % {"n": number})
        elif len(front) > MAX_SIDE or len(back) > MAX_SIDE:
            errors.append(_("Line %(n)d: longer than %(max)d characters.") % {"n": number, "max": MAX_SIDE})
        else:
            lines.append(PastedLine(number, front, back))
    if errors:
        raise PasteInvalid(errors)
    if not lines:
        raise PasteInvalid([_("Paste at least one line: a term, a dash, its definition.")])
    return lines


def make_cards(user, rows: list[tuple[str, str]], deck: Deck | None, tags: str = "") -> list[Card]:
    """Flashcards from (front, back) rows, in `deck`, all or nothing."""
    passage = blank_passage(user)
    questions = [
        personal_question(user, kind=Question.Kind.FLASHCARD, prompt=front, back=back, passage=passage)
        for front, back in rows
    ]
    names = tag_names(tags)
    return save_cards(user, questions, deck, [names] * len(questions))


def save_cards(user, questions: list[Question], deck: Deck | None, tags: list[list[str]]) -> list[Card]:
    """Save the learner's new own `questions` (personal_question, not saved) with the tag names of each, and
    put them in their studies, in `deck`: all or nothing (pasted lists, imported decks)."""
    now = timezone.now()
    with transaction.atomic():
        questions = Question.objects.bulk_create(questions)
        if not questions or questions[0].pk is None:  # a backend that returns no ids (none of ours): read them
            ids = [q.external_id for q in questions]
            questions = list(Question.objects.filter(external_id__in=ids).order_by("pk"))
        found = {name: Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(n for ns in tags for n in ns)}
        Question.tags.through.objects.bulk_create(
            [
                Question.tags.through(question_id=q.pk, tag_id=found[name].pk)
                for q, names in zip(questions, tags, strict=True)
                for name in names
            ]
        )
        return Card.objects.bulk_create(
            [
                Card(user=user, question=q, deck=deck, due=now, created_at=now + timedelta(microseconds=i))
                for i, q in enumerate(questions)
            ]
        )


def paste(user, text: str, deck: Deck | None, tags: str = "") -> list[Card]:
    """Cards from a pasted list, all or nothing: PasteInvalid lists every line refused."""
    return make_cards(user, [(line.front, line.back) for line in parse_pasted(text)], deck, tags)


# --- removing and restoring ------------------------------------------------------------------------


def remove(user, cards) -> list[int]:
    """Take these cards of the learner out of their studies, history kept; returns their ids (to undo)."""
    ids = list(cards.filter(user=user, removed_at__isnull=True).values_list("pk", flat=True))
    Card.objects.filter(pk__in=ids).update(removed_at=timezone.now())
    return ids


def restore(user, card_ids: list[int]) -> int:
    return Card.objects.filter(user=user, pk__in=card_ids, removed_at__isnull=False).update(removed_at=None)


def remove_study(study: Study) -> list[int]:
    """Remove a set or a text from the learner's studies, with its cards, except those another of their
    studies holds too (and their own cards, which no study holds). Returns the cards' ids (to undo)."""
    others = Study.objects.filter(user=study.user).exclude(pk=study.pk)
    kept: set[int] = set()
    for other in others:
        kept |= set(other.questions().values_list("pk", flat=True))
    questions = study.questions().exclude(pk__in=kept)
    with transaction.atomic():
        ids = remove(study.user, Card.objects.filter(question__in=questions, question__personal=False))
        study.delete()
    return ids
