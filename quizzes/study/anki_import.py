"""A learner's Anki deck (.apkg) or list file (CSV, Quizlet's .txt/.tsv export) into one of their decks, as
their own cards; with an Anki deck, its review history into their log, so that FSRS carries on where Anki
left off (docs/formats.md).

The files are read and checked by the interchange readers (bank.formats: every error with its file and
line, the size caps, the zip-bomb checks of an .apkg). Each question becomes an own card (cards.save_cards:
`personal`, owned by the learner, on their blank "My cards" passage), in the chosen deck; Anki tags and a
CSV's topics become the learner's tags on those cards, never shared topics. Each Anki card's reviews (its
revlog, without manual reschedulings) are replayed through the learner's FSRS scheduler, oldest first, as
if they had been given here: the card ends in the state FSRS would have reached, due when FSRS says, and the
reviews are in the learner's log (marked imported) for the optimizer. Everything happens in one transaction:
a refused file writes nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..bank.formats import (
    FileNote,
    Parsed,
    ReadResult,
    anki,
    choice_rows,
    csv_lists,
    kind_fields,
    max_bytes,
    read_files,
    slug,
)
from ..bank.models import Choice, Language, Question
from .cards import blank_passage, personal_question, save_cards
from .models import Card, Deck, ReviewLog, StudySettings
from .revlog import from_epoch_ms
from .scheduling import advance, outcomes

EXTENSIONS = (".apkg", ".csv", ".tsv", ".txt")
SHOWN_DROPPED = 20  # lines of what an import left out, said to the learner
TAG_LENGTH = 50  # Tag.name


@dataclass
class DeckImport:
    cards: int
    reviews: int
    dropped: list[str] = field(default_factory=list)  # "file:line: card …: what was left out", per card
    notes: list[FileNote] = field(default_factory=list)  # per file (media, cards left out)


def read(name: str, data: bytes) -> ReadResult:
    """A learner's file by its extension: an Anki package, or a list (a .txt is Quizlet's export, not GIFT)."""
    if name.lower().endswith(".apkg"):
        return anki.read(name, data)
    if name.lower().endswith(EXTENSIONS):
        return csv_lists.read(name, data)
    result = ReadResult()
    result.error(name, 0, "unknown format: use .apkg, .csv, .tsv or .txt")
    return result


def upload_bytes(file) -> tuple[str, bytes]:
    """(name, bytes) of an uploaded file, reading no more than its format's cap: a bigger file is refused by
    its size alone."""
    if isinstance(file, tuple):
        return file
    return file.name, file.read(max_bytes(file.name) + 1)


def import_file(file, owner, deck: Deck | None, *, history: bool = True) -> DeckImport:
    """Import an .apkg or a list file (`file`: an uploaded file, or (name, bytes)) into `owner`'s own cards in
    `deck`; with `history`, an Anki deck's reviews too. Raises BankInvalid (every error, nothing written)."""
    name, data = upload_bytes(file)
    ((_name, result),) = read_files([(name, data)], read=read)
    with transaction.atomic():
        passage = blank_passage(owner)
        questions = [_question(owner, parsed, passage) for parsed in result.questions]
        made = save_cards(owner, questions, deck, [_tags(parsed) for parsed in result.questions])
        Choice.objects.bulk_create(
            [
                row
                for parsed, card in zip(result.questions, made, strict=True)
                for row in choice_rows(parsed, card.question)
            ]
        )
        written = [(parsed, card.question) for parsed, card in zip(result.questions, made, strict=True)]
        reviews = _replay_history(owner, data, name, written) if history and name.lower().endswith(".apkg") else 0
    dropped = []
    for parsed in result.questions:
        # An own card has no passage by nature: only what else the format lost is worth saying.
        lost = [d for d in parsed.dropped if not d.endswith("has no passage")]
        if lost:
            label = f"{parsed.title}: " if parsed.title else ""
            dropped.append(f"{parsed.where}: {label}{'; '.join(lost)}")
    return DeckImport(len(made), reviews, dropped, result.notes)


def import_apkg(file, owner, *, history: bool = True, deck: Deck | None = None) -> DeckImport:
    """An Anki package into `owner`'s own cards (in `deck`, or none), with its review history by default."""
    return import_file(file, owner, deck, history=history)


def _question(owner, parsed: Parsed, passage) -> Question:
    # A file that does not say its language (Anki, a list) is in the learner's (personal_question's default).
    language = {"language": parsed.language} if parsed.language in Language.values else {}
    return personal_question(
        owner,
        kind=parsed.kind,
        prompt=parsed.prompt,
        back=parsed.back,
        explanation=parsed.explanation,
        accepted_answers="\n".join(parsed.answers),
        **language,
        passage=passage,
        **kind_fields(parsed),
    )


def _tags(parsed: Parsed) -> list[str]:
    """Anki's tags (`bio::vectors` → "vectors") and a CSV's topics, as the learner's tag names."""
    names = (slug(topic)[:TAG_LENGTH].strip("-") for topic in parsed.topics)
    return list(dict.fromkeys(name for name in names if name))


def _replay_history(user, data: bytes, name: str, written: list[tuple[Parsed, Question]]) -> int:
    by_anki_id = {parsed.origin_id: question for parsed, question in written if parsed.origin_id}
    collection = anki.open_package(data, name)
    try:
        rows = anki.revlog_rows(collection)
    finally:
        collection.db.close()
    settings = StudySettings.for_user(user)
    cards = {c.question_id: c for c in Card.objects.filter(user=user, question__in=by_anki_id.values())}
    logs = []
    touched = set()
    for at_ms, anki_id, ease, duration, _kind in rows:
        question = by_anki_id.get(anki_id)
        card = cards.get(question.pk) if question else None
        if card is None:
            continue
        at = from_epoch_ms(at_ms).astimezone(UTC)
        if card.last_review and at < card.last_review:
            continue
        state_before = card.state
        outcome = outcomes(card, settings, at)[ease]
        advance(card, outcome, at)
        logs.append(
            ReviewLog(
                user=user,
                card=card,
                external_card_id=anki_id,
                reviewed_at=at,
                rating=ease,
                duration_ms=max(0, min(duration, 2**31 - 1)) if duration is not None else None,
                state_before=state_before,
                scheduled_days=outcome.scheduled_days,
                stability_after=outcome.stability,
                difficulty_after=outcome.difficulty,
                kind=ReviewLog.Kind.IMPORTED,
                origin=ReviewLog.Origin.IMPORT,
                params_version=settings.params_version,
            )
        )
        touched.add(card.pk)
    fields = ["state", "step", "stability", "difficulty", "due", "last_review", "scheduled_days", "reps", "lapses"]
    fields.append("mastered_until")
    Card.objects.bulk_update([c for c in cards.values() if c.pk in touched], fields)
    # Imported reviews count in the log, not in the days' tallies (as a review-log import: rebuild_review_days).
    ReviewLog.objects.bulk_create(logs, ignore_conflicts=True)
    return len(logs)


def summary(done: DeckImport, deck: Deck | None) -> list[str]:
    """What to tell the learner, in their language: how many cards and reviews came in (the first line), then
    what the file held that could not come."""
    where = deck.name if deck else _("no deck")
    said = ngettext("%(n)d card imported into %(deck)s.", "%(n)d cards imported into %(deck)s.", done.cards) % {
        "n": done.cards,
        "deck": where,
    }
    if done.reviews:
        said += " " + ngettext(
            "%(n)d review from Anki replayed: FSRS carries on from it.",
            "%(n)d reviews from Anki replayed: FSRS carries on from them.",
            done.reviews,
        ) % {"n": done.reviews}
    lost = [str(note) for note in done.notes] + done.dropped
    lines = [said] + [_("Left out: %(what)s") % {"what": line} for line in lost[:SHOWN_DROPPED]]
    if len(lost) > SHOWN_DROPPED:
        lines.append(_("… and %(n)d more left out.") % {"n": len(lost) - SHOWN_DROPPED})
    return lines
