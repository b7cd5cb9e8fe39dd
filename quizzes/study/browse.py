"""The card browser (Anki's Browse): the learner's cards searched, sorted and paged, and what they do to many
cards at once. Every read is one query however many cards (an index range or a scan bounded by the page);
the filters' choices are read once per page (tests/study/test_card_browser.py counts them at 100,000 cards).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from ..bank.models import Question, Source, Tag, Topic
from . import scheduling
from .models import Card, Deck, ReviewLog, StudySettings

PAGE_SIZE = 50
SORTS = {
    "due": ("due", "pk"),
    "-due": ("-due", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "-lapses": ("-lapses", "due", "pk"),
    "prompt": ("question__prompt", "pk"),
}


def search(user, filters: dict, settings: StudySettings, now: datetime) -> QuerySet[Card]:
    """The learner's cards (those they may still see, not removed) matching the browser's filters."""
    cards = Card.objects.visible_to(user)
    if q := filters.get("q"):
        cards = cards.filter(Q(question__prompt__icontains=q) | Q(question__back__icontains=q))
    deck = filters.get("deck")
    if deck == "none":
        cards = cards.filter(deck__isnull=True)
    elif deck and deck.isdigit():
        cards = cards.filter(deck_id=int(deck)) if len(deck) < 19 else cards.none()
    if source := filters.get("source"):
        cards = cards.filter(question__passage__source__key=source)
    if topic := filters.get("topic"):
        topical = Question.topics.through.objects.filter(topic__key=topic).values("question_id")
        cards = cards.filter(question_id__in=topical)
    if tag := filters.get("tag"):
        cards = cards.filter(question_id__in=Question.objects.tagged(tag).values("pk"))
    state = filters.get("state")
    if state == "new":
        cards = cards.new()
    elif state == "learning":
        cards = cards.learning()
    elif state == "review":
        cards = cards.in_review()
    elif state == "suspended":
        cards = cards.filter(suspended=True)
    elif state == "buried":
        cards = cards.filter(buried_until__gt=now)
    elif state == "leech":
        cards = cards.filter(is_leech=True)
    if day := filters.get("due_after"):
        cards = cards.filter(due__gte=_start_of(day, settings))
    if day := filters.get("due_before"):
        cards = cards.filter(due__lt=_start_of(day + timedelta(days=1), settings))
    if (lapses := filters.get("lapses")) is not None:
        cards = cards.filter(lapses__gte=lapses)
    return cards.order_by(*SORTS.get(filters.get("sort") or "due", SORTS["due"]))


def _start_of(day: date, settings: StudySettings) -> datetime:
    """Where the learner's day `day` starts (at their rollover hour, in their time zone)."""
    return datetime.combine(day, time(settings.rollover_hour), tzinfo=ZoneInfo(settings.timezone))


def page_rows(cards: QuerySet[Card]) -> QuerySet[Card]:
    """What a row of the browser shows, in one query (tags in one more)."""
    return (
        cards.select_related("question__passage__source", "deck")
        .defer(*scheduling.SOURCE_TEXT_FIELDS)
        .prefetch_related("question__tags")
    )


def choices(user) -> dict:
    """The filters' choices: the learner's decks, and the texts, topics and tags of their cards."""
    theirs = Card.objects.filter(user=user, removed_at__isnull=True)
    return {
        "decks": list(Deck.objects.filter(user=user)),
        "sources": list(
            Source.objects.filter(pk__in=theirs.values("question__passage__source"))
            .only("key", "title")
            .annotate(no_text=ExpressionWrapper(Q(text=""), output_field=BooleanField()))
        ),
        "topics": list(
            Topic.objects.filter(
                pk__in=Question.topics.through.objects.filter(question__cards__in=theirs).values("topic")
            )
        ),
        "tags": list(
            Tag.objects.filter(pk__in=Question.tags.through.objects.filter(question__cards__in=theirs).values("tag"))
        ),
    }


# --- bulk actions ------------------------------------------------------------------------------------


def suspend(cards: QuerySet[Card], suspended: bool) -> int:
    if suspended:
        return cards.update(suspended=True, version=F("version") + 1)
    return cards.update(suspended=False, is_leech=False, version=F("version") + 1)


def bury(cards: QuerySet[Card], settings: StudySettings, now: datetime) -> int:
    _start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
    return cards.update(buried_until=end, version=F("version") + 1)


def forget(cards: QuerySet[Card], now: datetime) -> int:
    """Back to new, as never studied (their history stays in the log, with a manual entry for this)."""
    with transaction.atomic():
        before = list(cards.select_for_update().only("pk", "user_id", "state"))
        scheduling.log_manual(before, ReviewLog.Kind.MANUAL, now)
        return _forget(Card.objects.filter(pk__in=[c.pk for c in before]), now)


def _forget(cards: QuerySet[Card], now: datetime) -> int:
    return cards.update(
        state=Card.State.NEW,
        step=None,
        stability=None,
        difficulty=None,
        due=now,
        last_review=None,
        scheduled_days=0,
        mastered_until=None,
        reps=0,
        lapses=0,
        is_leech=False,
        buried_until=None,
        version=F("version") + 1,
    )


def reschedule(cards: QuerySet[Card], day: date, settings: StudySettings) -> tuple[int, int]:
    """Cards in review come back on `day` (at the start of the learner's day); new and learning cards have
    no interval to move, and are left as they are. Returns (moved, left)."""
    now = timezone.now()
    due = max(_start_of(day, settings), now)
    with transaction.atomic():
        before = list(
            cards.filter(state=Card.State.REVIEW)
            .select_for_update()
            .only("pk", "user_id", "state", "stability", "difficulty")
        )
        scheduling.log_manual(before, ReviewLog.Kind.RESCHEDULED, now, due=due)
        moved = Card.objects.filter(pk__in=[c.pk for c in before]).update(due=due, version=F("version") + 1)
        return moved, cards.exclude(state=Card.State.REVIEW).count()


def move(cards: QuerySet[Card], deck: Deck | None) -> int:
    return cards.update(deck=deck)
