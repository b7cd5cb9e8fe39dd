"""The learner's progress, aggregated in SQL: a fixed number of queries whatever the size of the history."""

import sqlite3
from bisect import bisect_right
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from ..bank.models import Question, Source, Topic, visible_questions
from . import planning, scheduling
from .charts import MONTH_LABELS
from .models import Card, StudySettings
from .reading import read_datetime

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
AT_RISK_SHOWN = 10
LEECHES_SHOWN = 50


def progress(user, settings: StudySettings, now: datetime, held: list[int] | None = None) -> dict:
    """Everything the progress page shows; `held`: scheduling.held_questions(user, now), when the caller has it."""
    today = scheduling.local_day(now, settings.timezone, settings.rollover_hour)
    q = scheduling.queue(user, settings, now, fetch_card=False, held=held)
    with connection.cursor() as cursor:
        cursor.execute(REVIEW_DAYS_SQL, [user.pk, today - timedelta(days=HEATMAP_DAYS + 7)])
        rows = tuple(cursor.fetchall())
    # As in the queue, a card whose question the learner may no longer see is neither counted nor listed.
    visible = visible_questions(user)
    totals, forecast_rows = _totals_and_forecast(user.pk, visible, settings, today, now)
    return {
        "today": today,
        "queue": q,
        "totals": totals,
        **_days(rows, today, get_language()),
        "forecast": _forecast(forecast_rows, today),
        **_mastery(user.pk, visible, now),
        **_cards(user.pk, visible, now),
        "calibration": planning.calibration(user.pk),
    }


@lru_cache(maxsize=64)
def _days(rows: tuple, today: date, _language: str | None) -> dict:
    """What the page shows of the learner's days (ReviewDay rows: day, reviews, review cards, passed): the
    streak, the heatmap, the year's reviews and true retention. The same rows, day and language give the same
    figures: they are worked out once (a year of days, with the heatmap's 371 cells), never changed after."""
    days = {_date(day): (reviews, cards, passed) for day, reviews, cards, passed in rows}
    per_day = {day: reviews for day, (reviews, _c, _p) in days.items()}
    week = [row for day, row in days.items() if day > today - timedelta(days=7)]
    month = [row for day, row in days.items() if day > today - timedelta(days=30)]
    week_cards, week_passed = sum(r[1] for r in week), sum(r[2] for r in week)
    month_cards, month_passed = sum(r[1] for r in month), sum(r[2] for r in month)
    return {
        "streak": _streak(per_day, today),
        "heatmap": _heatmap(per_day, today),
        "reviews_last_year": sum(n for day, n in per_day.items() if day > today - timedelta(days=HEATMAP_DAYS)),
        "retention": {
            "week": _ratio(week_passed, week_cards),
            "week_count": week_cards,
            "month": _ratio(month_passed, month_cards),
            "month_count": month_cards,
        },
    }


# The lists and the days in plain SQL too: each would cost more to build with the ORM than to run.
REVIEW_DAYS_SQL = """
SELECT day, reviews, review_cards, review_passed FROM quizzes_reviewday WHERE user_id = %s AND day > %s
"""
CARD_COLUMNS = (
    "c.id AS card_id, c.due, c.lapses, c.suspended, c.is_leech, q.id AS question_id, q.kind, q.prompt, q.language"
)
# The cards at risk and the leeches in one statement, the visible questions read once for both.
CARDS_SQL = f"""
WITH visible_ids (id) AS {{materialized}}({{visible}})
SELECT * FROM (SELECT 'r' AS list, {CARD_COLUMNS} FROM quizzes_card c JOIN quizzes_question q ON q.id = c.question_id
  WHERE c.user_id = %s AND c.removed_at IS NULL AND c.question_id IN (SELECT v.id FROM visible_ids v)
    AND c.suspended = %s AND (c.buried_until IS NULL OR c.buried_until <= %s) AND c.state = 2 AND c.due < %s
  ORDER BY c.due LIMIT %s) r
UNION ALL
SELECT * FROM (SELECT 'l' AS list, {CARD_COLUMNS} FROM quizzes_card c JOIN quizzes_question q ON q.id = c.question_id
  WHERE c.user_id = %s AND c.removed_at IS NULL AND c.question_id IN (SELECT v.id FROM visible_ids v)
    AND c.is_leech = %s
  ORDER BY c.lapses DESC LIMIT %s) l
"""


def _at(moment: datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def _date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _materialized() -> str:
    """MATERIALIZED where the database knows it (PostgreSQL 12, SQLite 3.35): else SQLite may read a common
    table expression again for each use. The progress page reads every card of the learner, so the list of visible
    questions, built once, costs less here than the queue's check of each card's question by its key."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return ""
    return "MATERIALIZED "


def _cards(user_id: int, visible: RawSQL, now: datetime) -> dict[str, list[Card]]:
    """The cards at risk and the leeches, with their question, as much of them as the progress page shows."""
    sql = CARDS_SQL.replace("{materialized}", _materialized()).replace("{visible}", visible.sql)
    params = [*visible.params, user_id, False, _at(now), _at(now), AT_RISK_SHOWN, user_id, True, LEECHES_SHOWN]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    lists: dict[str, list[Card]] = {"at_risk": [], "leeches": []}
    for which, pk, due, lapses, suspended, is_leech, qid, kind, prompt, language in rows:
        card = _read(
            Card, id=pk, due=read_datetime(due), lapses=lapses, suspended=bool(suspended), is_leech=bool(is_leech)
        )
        card.question = _read(Question, id=qid, kind=kind, prompt=prompt, language=language)
        lists["at_risk" if which == "r" else "leeches"].append(card)
    return lists


def _read(model, **values):
    """An instance with only these fields, as a queryset's .only() makes it: the others are not made up from
    their defaults (Model(**values) computes every one of them, the slowest part of this page's lists)."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, fields, [values[name] for name in fields])


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
    a template loop over 371 cells would cost more than the rest of the page (and _days draws it once)."""
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    first -= timedelta(days=first.weekday())
    cells, months = [], []
    per_month: dict[date, list[int]] = {}
    day = first
    while day <= today:
        n = per_day.get(day, 0)
        x, y = (day - first).days // 7 * 13, day.weekday() * 13
        cells.append((x, y, _level(n), day, n))
        if day.day <= 7 and day.weekday() == 0:
            months.append((x, day.month))
        if n and day > today - timedelta(days=HEATMAP_DAYS):
            month = per_month.setdefault(day.replace(day=1), [0, 0])
            month[0] += n
            month[1] += 1
        day += timedelta(days=1)
    # Numbers (machine-formatted: never through the template's localization), escaped month names and
    # days written from the month names translated once: built as one string, it costs ~1 ms.
    names = month_names()
    tip = escape(pgettext("a day's reviews on a chart: day, count", "%(day)s: %(n)s"))
    svg = mark_safe(
        "".join(f'<text x="{x}" y="-4" class="axis">{names[month - 1]}</text>' for x, month in months)
        + "".join(
            f'<rect x="{x}" y="{y}" width="11" height="11" rx="2" class="level-{level}">'
            f"<title>{tip % {'day': f'{day.day} {names[day.month - 1]} {day.year}', 'n': n}}</title></rect>"
            for x, y, level, day, n in cells
        )
    )
    weeks = (today - first).days // 7 + 1
    # As text: one row a month (at most 13), not one a day, so the page stays the same size.
    by_month = [(month, total, active) for month, (total, active) in sorted(per_month.items(), reverse=True)]
    return {"svg": svg, "width": weeks * 13 + 2, "height": 7 * 13 + 16, "by_month": by_month}


def month_names() -> list[str]:
    """The month labels translated once and escaped, as plain strings: escape() keeps a lazy label lazy,
    and each of the 371 cells would translate it again."""
    return [escape(str(label)) for label in MONTH_LABELS]


def _forecast(rows: dict[date, int], today: date) -> dict:
    """Reviews due per day over the next 30 days; what is overdue counts for today."""
    counts = [0] * FORECAST_DAYS
    for day, n in rows.items():
        index = max(0, (day - today).days)
        if index < FORECAST_DAYS:
            counts[index] += n
    top = max(counts) or 1
    bars = [{"day": today + timedelta(days=i), "n": n} for i, n in enumerate(counts)]
    names = month_names()
    tip = escape(pgettext("a day's reviews on a chart: day, count", "%(day)s: %(n)s"))

    def day_label(day: date) -> str:
        return f"{day.day} {names[day.month - 1]}"

    svg = mark_safe(
        "".join(
            f'<rect x="{i * 20}" y="{110 - round(100 * n / top)}" width="16" height="{round(100 * n / top)}" rx="2" '
            f'class="bar"><title>{tip % {"day": day_label(b["day"]), "n": n}}</title></rect>'
            for i, (n, b) in enumerate(zip(counts, bars, strict=True))
        )
        + "".join(
            f'<text x="{i * 20}" y="125" class="axis">{day_label(b["day"])}</text>'
            for i, b in enumerate(bars)
            if i % 7 == 0
        )
    )

    return {"svg": svg, "bars": bars, "max": max(counts), "total": sum(counts), "width": FORECAST_DAYS * 20}


# The counts of the page in plain SQL (the ORM's query building would cost more than the queries).
TOTALS_SQL = """
SELECT COUNT(*),
  COALESCE(SUM(CASE WHEN c.state = 0 THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN c.mastered_until >= %s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN c.suspended = %s THEN 1 ELSE 0 END), 0)
FROM quizzes_card c
WHERE c.user_id = %s AND c.removed_at IS NULL AND c.question_id IN ({visible})
"""
# The forecast: active review and learning cards due before the end of the 30th day, counted per
# half hour after the start of today (overdue ones in slot -1). Python then gives each slot its
# learner's day: days start at the rollover hour in the learner's time zone, so they last 23, 23.5,
# 24, 24.5 or 25 hours, always whole half hours after the start of today. Whole seconds in SQL: a
# card due a fraction of a second before a day starts stays in the day before.
SECONDS_SINCE = {
    "sqlite": "CAST(strftime('%%s', c.due) AS INTEGER) - %s",
    "postgresql": "FLOOR(EXTRACT(EPOCH FROM c.due))::bigint - %s",
}
FORECAST_SQL = """
SELECT CASE WHEN c.due < %s THEN -1 ELSE ({seconds}) / 1800 END AS slot, COUNT(*)
FROM quizzes_card c
WHERE c.user_id = %s AND c.removed_at IS NULL AND c.question_id IN ({visible}) AND c.state IN (1, 2, 3)
  AND c.suspended = %s
  AND (c.buried_until IS NULL OR c.buried_until <= %s) AND c.due < %s
GROUP BY 1
"""


def _totals_and_forecast(
    user_id: int, visible: RawSQL, settings: StudySettings, today: date, now: datetime
) -> tuple[dict, dict]:
    """The card totals, and the reviews due on each of the next 30 days (what is overdue on today)."""
    tz = ZoneInfo(settings.timezone)
    start = scheduling._at(today, settings.rollover_hour, tz)
    ends = [scheduling._at(today + timedelta(days=i + 1), settings.rollover_hour, tz) for i in range(FORECAST_DAYS)]
    until = min(ends[-1], now + timedelta(days=FORECAST_DAYS))
    epoch = int(start.timestamp())
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_SQL.replace("{visible}", visible.sql), [_at(now), True, user_id, *visible.params])
        totals = dict(
            zip(("total", "new", "mastered", "suspended"), (int(v or 0) for v in cursor.fetchone()), strict=True)
        )
        sql = FORECAST_SQL.replace("{seconds}", SECONDS_SINCE.get(connection.vendor, SECONDS_SINCE["sqlite"]))
        sql = sql.replace("{visible}", visible.sql)
        cursor.execute(sql, [_at(start), epoch, user_id, *visible.params, False, _at(now), _at(until)])
        slots = cursor.fetchall()
    # The slot where each day ends: day i covers slots [limits[i-1], limits[i]).
    limits = [int((end - start).total_seconds()) // 1800 for end in ends]
    forecast: dict[date, int] = {}
    for slot, n in slots:
        index = bisect_right(limits, int(slot))
        if index < FORECAST_DAYS:
            day = today + timedelta(days=index)
            forecast[day] = forecast.get(day, 0) + n
    return totals, forecast


# Per topic and per source in one statement, the visible questions read once for both.
MASTERY_SQL = """
WITH visible_ids (id) AS {materialized}({visible})
SELECT 't', t.id, t.key, t.name_en, t.name_fr, COUNT(*),
  COALESCE(SUM(CASE WHEN c.mastered_until >= %s THEN 1 ELSE 0 END), 0)
FROM quizzes_card c
JOIN quizzes_question_topics qt ON qt.question_id = c.question_id
JOIN quizzes_topic t ON t.id = qt.topic_id
WHERE c.user_id = %s AND c.removed_at IS NULL AND c.question_id IN (SELECT v.id FROM visible_ids v)
GROUP BY t.id, t.key, t.name_en, t.name_fr
UNION ALL
SELECT 's', s.id, s.key, s.title, s.language, COUNT(*),
  COALESCE(SUM(CASE WHEN c.mastered_until >= %s THEN 1 ELSE 0 END), 0)
FROM quizzes_card c
JOIN quizzes_question q ON q.id = c.question_id
JOIN quizzes_passage p ON p.id = q.passage_id
JOIN quizzes_source s ON s.id = p.source_id
WHERE c.user_id = %s AND c.removed_at IS NULL AND c.question_id IN (SELECT v.id FROM visible_ids v)
GROUP BY s.id, s.key, s.title, s.language
"""


def _topic(pk, key, name_en, name_fr) -> Topic:
    return _read(Topic, id=pk, key=key, name_en=name_en, name_fr=name_fr)


def _source(pk, key, title, language) -> Source:
    return _read(Source, id=pk, key=key, title=title, language=language)


def _mastery(user_id: int, visible: RawSQL, now: datetime) -> dict[str, list[dict]]:
    """Per topic and per source: cards studied and the share whose recall probability today is at least 0.9
    (a card's question is in one passage of one source, and in a topic at most once: no duplicates)."""
    sql = MASTERY_SQL.replace("{materialized}", _materialized()).replace("{visible}", visible.sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*visible.params, _at(now), user_id, _at(now), user_id])
        rows = cursor.fetchall()
    result: dict[str, list[dict]] = {"topics": [], "sources": []}
    for which, pk, key, name, other, total, mastered in rows:
        mastered = int(mastered)
        item = _topic(pk, key, name, other) if which == "t" else _source(pk, key, name, other)
        row = {"item": item, "total": total, "mastered": mastered, "share": mastered / total}
        result["topics" if which == "t" else "sources"].append(row)
    for rows in result.values():
        rows.sort(key=lambda r: (-r["share"], str(r["item"])))
    return result
