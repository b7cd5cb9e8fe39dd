"""The learner's progress, aggregated in SQL: a fixed number of queries whatever the size of the history."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..bank.models import Source, Topic
from . import scheduling
from .models import Card, ReviewDay, StudySettings

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
AT_RISK_SHOWN = 10


def _local_day(field: str, settings: StudySettings):
    """The learner's day of a timestamp: its local date, the day starting at the rollover hour."""
    shifted = ExpressionWrapper(F(field) - timedelta(hours=settings.rollover_hour), output_field=DateTimeField())
    return TruncDate(shifted, tzinfo=ZoneInfo(settings.timezone))


def progress(user, settings: StudySettings, now: datetime) -> dict:
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    q = scheduling.queue(user, settings, now, fetch_card=False)
    rows = ReviewDay.objects.filter(user=user, day__gt=today - timedelta(days=HEATMAP_DAYS + 7)).values_list(
        "day", "reviews", "review_cards", "review_passed"
    )
    days = {day: (reviews, cards, passed) for day, reviews, cards, passed in rows}
    per_day = {day: reviews for day, (reviews, _c, _p) in days.items()}
    cards = Card.objects.visible_to(user)  # as the queue: a card whose question they may not see is not shown
    forecast_rows = dict(
        cards.active(now)
        .exclude(state=Card.State.NEW)
        .filter(due__lt=now + timedelta(days=FORECAST_DAYS))
        .annotate(day=_local_day("due", settings))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    totals = cards.aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(state=Card.State.NEW)),
        mastered=Count("pk", filter=Q(mastered_until__gte=now)),
        suspended=Count("pk", filter=Q(suspended=True)),
    )
    week = [row for day, row in days.items() if day > today - timedelta(days=7)]
    month = [row for day, row in days.items() if day > today - timedelta(days=30)]
    week_cards, week_passed = sum(r[1] for r in week), sum(r[2] for r in week)
    month_cards, month_passed = sum(r[1] for r in month), sum(r[2] for r in month)
    return {
        "today": today,
        "queue": q,
        "totals": totals,
        "streak": _streak(per_day, today),
        "heatmap": _heatmap(per_day, today),
        "reviews_last_year": sum(n for day, n in per_day.items() if day > today - timedelta(days=HEATMAP_DAYS)),
        "forecast": _forecast(forecast_rows, today),
        "retention": {
            "week": _ratio(week_passed, week_cards),
            "week_count": week_cards,
            "month": _ratio(month_passed, month_cards),
            "month_count": month_cards,
        },
        "topics": _mastery(cards, now, "question__topics", Topic),
        "sources": _mastery(cards, now, "question__passage__source", Source),
        "at_risk": list(
            cards.active(now)
            .filter(state=Card.State.REVIEW, due__lt=now)
            .select_related("question")
            .order_by("due")[:AT_RISK_SHOWN]
        ),
        "leeches": list(cards.filter(is_leech=True).select_related("question").order_by("-lapses")[:50]),
    }


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _streak(per_day: dict[date, int], today: date) -> int:
    """Days in a row with at least one review, ending today (or yesterday, if today is not done yet)."""
    day = today if per_day.get(today) else today - timedelta(days=1)
    streak = 0
    while per_day.get(day):
        streak += 1
        day -= timedelta(days=1)
    return streak


def _level(n: int) -> int:
    return 0 if n == 0 else 1 if n < 10 else 2 if n < 30 else 3 if n < 60 else 4


def _heatmap(per_day: dict[date, int], today: date) -> dict:
    """A year of days as a GitHub-style grid (columns are weeks, Monday first), drawn as SVG here:
    a template loop over 371 cells would cost more than the rest of the page."""
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    first -= timedelta(days=first.weekday())
    cells, months = [], []
    per_month: dict[date, list[int]] = {}
    day = first
    while day <= today:
        n = per_day.get(day, 0)
        x, y = (day - first).days // 7 * 13, day.weekday() * 13
        cells.append((x, y, _level(n), day.isoformat(), n))
        if day.day <= 7 and day.weekday() == 0:
            months.append((x, date_format(day, "M")))
        if n and day > today - timedelta(days=HEATMAP_DAYS):
            month = per_month.setdefault(day.replace(day=1), [0, 0])
            month[0] += n
            month[1] += 1
        day += timedelta(days=1)
    # Numbers and ISO dates only, plus escaped month names: built as one string, it costs ~1 ms.
    svg = mark_safe(
        "".join(f'<text x="{x}" y="-4" class="axis">{escape(label)}</text>' for x, label in months)
        + "".join(
            f'<rect x="{x}" y="{y}" width="11" height="11" rx="2" class="level-{level}">'
            f"<title>{day}: {n}</title></rect>"
            for x, y, level, day, n in cells
        )
    )
    weeks = (today - first).days // 7 + 1
    # As text: one row a month (at most 13), not one a day, so the page stays the same size.
    by_month = [(month, total, active) for month, (total, active) in sorted(per_month.items(), reverse=True)]
    return {"svg": svg, "width": weeks * 13 + 2, "height": 7 * 13 + 16, "by_month": by_month}


def _forecast(rows: dict[date, int], today: date) -> dict:
    """Reviews due per day over the next 30 days; what is overdue counts for today."""
    counts = [0] * FORECAST_DAYS
    for day, n in rows.items():
        index = max(0, (day - today).days)
        if index < FORECAST_DAYS:
            counts[index] += n
    top = max(counts) or 1
    bars = [{"day": today + timedelta(days=i), "n": n} for i, n in enumerate(counts)]
    svg = mark_safe(
        "".join(
            f'<rect x="{i * 20}" y="{110 - round(100 * n / top)}" width="16" height="{round(100 * n / top)}" rx="2" '
            f'class="bar"><title>{b["day"].isoformat()}: {n}</title></rect>'
            for i, (n, b) in enumerate(zip(counts, bars, strict=True))
        )
        + "".join(
            f'<text x="{i * 20}" y="125" class="axis">{escape(date_format(b["day"], "j M"))}</text>'
            for i, b in enumerate(bars)
            if i % 7 == 0
        )
    )

    return {"svg": svg, "bars": bars, "max": max(counts), "total": sum(counts), "width": FORECAST_DAYS * 20}


def _mastery(cards, now: datetime, path: str, model) -> list[dict]:
    """Per topic or source: cards studied and the share whose recall probability today is at least 0.9."""
    rows = (
        cards.exclude(**{f"{path}__isnull": True})
        .values(path)
        .annotate(
            total=Count("pk", distinct=True), mastered=Count("pk", filter=Q(mastered_until__gte=now), distinct=True)
        )
        .order_by(path)
    )
    names = {o.pk: o for o in model.objects.filter(pk__in=[r[path] for r in rows])}
    result = [
        {"item": names[r[path]], "total": r["total"], "mastered": r["mastered"], "share": r["mastered"] / r["total"]}
        for r in rows
        if r[path] in names
    ]
    return sorted(result, key=lambda r: (-r["share"], str(r["item"])))
