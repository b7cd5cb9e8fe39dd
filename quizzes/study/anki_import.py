"""A learner's Anki deck into their own cards, and its review history into their log, so that FSRS carries on
where Anki left off (docs/formats.md).

The deck's cards become the learner's own questions (bank.formats: a source "Imported from <file>" that only
they see), added to their studies. Each card's reviews in Anki (its revlog, without manual reschedulings) are
replayed through the learner's FSRS scheduler, oldest first, as if they had been given here: the card ends in
the state FSRS would have reached, due when FSRS says, and the reviews are in the learner's log (marked
imported) for the optimizer. Everything happens in one transaction: a refused package writes nothing.
"""

from dataclasses import dataclass
from datetime import UTC

from django.db import transaction

from ..bank.formats import APKG_MAX_BYTES, ImportReport, anki, import_questions
from .models import Card, ReviewLog, StudySettings
from .revlog import from_epoch_ms
from .scheduling import add_study, advance, outcomes


@dataclass
class AnkiImport:
    report: ImportReport
    cards: int
    reviews: int


def import_apkg(file, owner, *, history: bool = True) -> AnkiImport:
    """Import an .apkg (`file`: an uploaded file, or (name, bytes)) into `owner`'s own cards; with `history`,
    their Anki reviews too. Raises BankInvalid (every error, nothing written)."""
    # No more than the cap is read: a bigger package is refused by its size alone.
    name, data = file if isinstance(file, tuple) else (file.name, file.read(APKG_MAX_BYTES + 1))
    with transaction.atomic():
        report = import_questions([(name, data)], owner)
        source = report.sources[0]
        _study, cards = add_study(owner, source=source)
        reviews = _replay_history(owner, data, name, report) if history else 0
    return AnkiImport(report, cards, reviews)


def _replay_history(user, data: bytes, name: str, report: ImportReport) -> int:
    by_anki_id = {parsed.origin_id: question for parsed, question in report.written if parsed.origin_id}
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
