"""The library: the shared quiz sets (each listed once, with its topics as chips) and the texts, searched and
filtered on the page (GET ?q=&topic=&language=&kind=&source=&tag=, live with htmx).

For learners and visitors it is the published bank, the same for every one of them in one language while the
bank does not change, so its rows and their HTML (each set's card, the texts) are built once per (language,
bank version: quizzes/bank/version.py) and kept in the cache. On each request the page filters the rows and
joins the cards of those left, each with the learner's own due count put in its slot, around what is the
user's own (name, assignments, CSRF token): no card is rendered again, whatever the filters. Teachers and
admins may see more (their own texts and questions; every text for admins): their rows and cards are built for
them, by the same visibility rule, and not cached. (A teacher's own questions assigned to a learner are reached
from the learner's assignments.)
"""

import unicodedata
from collections import Counter, defaultdict

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from .accounts.roles import Role, role_names
from .bank import version
from .bank.models import (
    Language,
    QuizSet,
    QuizSetItem,
    Source,
    Topic,
    key_validator,
    visible_question,
    visible_questions,
    withheld_questions,
)
from .study import scheduling

TIMEOUT = 24 * 60 * 60  # a day: entries of old versions are never read again and expire
CHIPS = 4  # topics shown on a set's card, the most frequent in it first
# Where a kept card takes the learner's due count: escaped content never holds a "<", so no title can fake it.
DUE_SLOT = "<!--due-->"


class SetKind:
    TEXT = "text"  # the questions of one text
    THEME = "theme"  # a theme across texts
    REASONING = "reasoning"  # why, how and apply questions

    choices = [(TEXT, _("From one text")), (THEME, _("A theme across texts")), (REASONING, _("Why and how"))]


class LibraryFilterForm(forms.Form):
    """The library's search and filters: a value it cannot read is left out."""

    q = forms.CharField(max_length=100, required=False)
    topic = forms.CharField(max_length=80, required=False)
    language = forms.ChoiceField(choices=[("", "")] + Language.choices, required=False)
    kind = forms.ChoiceField(choices=[("", "")] + SetKind.choices, required=False)
    source = forms.CharField(max_length=80, required=False)
    tag = forms.CharField(max_length=50, required=False, validators=[key_validator])

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


def fold(text: str) -> str:
    """For search: lower case, without accents ("thérapie" finds "therapie" and the other way round)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def rows(user) -> dict:
    """What the library shows `user`, as plain values: sets (each once) and texts, in a fixed number of queries."""
    visible = visible_questions(user)
    quizsets = {s.pk: s for s in QuizSet.objects.with_questions(user).shared()}
    published = QuizSetItem.objects.filter(quizset__in=list(quizsets), question_id__in=visible).order_by()
    set_sources: dict[int, set[int]] = defaultdict(set)
    reasoning: dict[int, set[bool]] = defaultdict(set)
    set_tags: dict[int, set[str]] = defaultdict(set)
    # One row per question's tag (or one row without): sets hold the bank's questions, never a learner's card.
    for set_id, source_id, cognitive, tag in published.values_list(
        "quizset", "question__passage__source", "question__cognitive", "question__tags__name"
    ).distinct():
        set_sources[set_id].add(source_id)
        reasoning[set_id].add(bool(cognitive))
        if tag:
            set_tags[set_id].add(tag)
    topic_counts: dict[int, Counter] = defaultdict(Counter)
    for set_id, topic_id, n in (
        published.filter(question__topics__isnull=False)
        .values_list("quizset", "question__topics")
        .annotate(n=Count("pk"))
    ):
        topic_counts[set_id][topic_id] = n
    topics = {t.pk: t for t in Topic.objects.all()}
    # Texts to read: not a source without text (a learner's "My cards", an import), none of their own cards counted.
    sources = list(
        Source.objects.visible_to(user)
        .exclude(text="")
        .annotate(
            question_count=Count(
                "passages__questions",
                filter=Q(passages__questions__in=visible, passages__questions__personal=False),
            )
        )
    )
    source_keys = {s.pk: s.key for s in sources}
    source_titles = {s.pk: s.title for s in sources}
    sets = []
    for quizset in sorted(quizsets.values(), key=lambda s: fold(s.title)):
        chips = [topics[pk] for pk, _n in topic_counts[quizset.pk].most_common() if pk in topics]
        in_texts = set_sources[quizset.pk]
        kind = (
            SetKind.REASONING
            if reasoning[quizset.pk] == {True}
            else SetKind.TEXT
            if len(in_texts) == 1
            else SetKind.THEME
        )
        sets.append(
            {
                "pk": quizset.pk,
                "title": quizset.title,
                "description": quizset.description,
                "url": quizset.get_absolute_url(),
                "language": quizset.language,
                "count": quizset.published_count,
                "kind": kind,
                "topics": [(t.key, t.name) for t in chips],
                "sources": sorted(source_keys[pk] for pk in in_texts if pk in source_keys),
                "tags": sorted(set_tags[quizset.pk]),
                "haystack": fold(
                    " ".join(
                        [quizset.title, quizset.description]
                        + [name for t in chips for name in (t.name_en, t.name_fr)]
                        + [source_titles.get(pk, "") for pk in in_texts]
                    )
                ),
            }
        )
    set_counts = Counter(key for row in sets for key in row["sources"])
    texts = [
        {
            "key": s.key,
            "title": s.title,
            "url": s.get_absolute_url(),
            "author": s.author,
            "language": s.language,
            "language_display": s.get_language_display(),
            "question_count": s.question_count,
            "set_count": set_counts[s.key],
        }
        for s in sources
    ]
    used = {key for row in sets for key, _name in row["topics"]}
    return {
        "sets": sets,
        "texts": texts,
        "topics": [(t.key, t.name) for t in sorted(topics.values(), key=lambda t: fold(t.name)) if t.key in used],
    }


def filtered(sets: list[dict], filters: dict[str, str]) -> list[dict]:
    """The sets that match every filter; the search matches every word, in any order, accents aside."""
    words = fold(filters.get("q", "")).split()
    return [
        row
        for row in sets
        if all(word in row["haystack"] for word in words)
        and (not filters.get("topic") or filters["topic"] in {key for key, _name in row["topics"]})
        and (not filters.get("language") or row["language"] in (filters["language"], ""))
        and (not filters.get("kind") or row["kind"] == filters["kind"])
        and (not filters.get("source") or filters["source"] in row["sources"])
        and (not filters.get("tag") or filters["tag"] in row["tags"])
    ]


def sees_the_published_bank(request) -> bool:
    """Whether the library shows this visitor exactly the published bank: anonymous visitors and learners
    (who own no text or question). The roles come with the session, kept at login."""
    user = request.user
    if not user.is_authenticated:
        return True
    if user.is_staff:
        return False
    roles = request.session.get("roles")
    return Role.TEACHER.value not in (roles if roles is not None else role_names(user))


def rendered(data: dict) -> dict:
    """The rows with their HTML, in the current language: each set's card in two parts, before and after
    its due count (`card`), the list of texts (`texts_html`) and the search form without a filter (`form_html`)."""
    kinds = dict(SetKind.choices)
    for row in data["sets"]:
        html = render_to_string(
            "home.html#set-card", {"row": row, "kind": kinds[row["kind"]], "due": mark_safe(DUE_SLOT)}
        )
        head, tail = html.split(DUE_SLOT)
        row["card"] = (head, tail)
    data["texts_html"] = render_to_string("home.html#texts", {"texts": data["texts"]})
    nothing = dict.fromkeys(LibraryFilterForm.base_fields, "")
    context = {"topics": data["topics"], "kinds": SetKind.choices, "filters": nothing}
    data["form_html"] = render_to_string("home.html#filters", context)
    return data


def shared_rows(request) -> dict:
    """The library's rows and HTML for the current language and visitor: the published bank's from the
    cache when the bank has not changed; a teacher's or an admin's built for them."""
    if not sees_the_published_bank(request):
        return rendered(rows(request.user))
    key = f"learnapp:library:{get_language()}:{version.current()}"
    data = _recent.get(key)
    if data is None:
        data = cache.get(key)
        if data is None:
            data = rendered(rows(AnonymousUser()))
            cache.set(key, data, TIMEOUT)
        if len(_recent) >= RECENT:
            _recent.clear()
        _recent[key] = data
    return data


# This process's copy of what it last read from the cache, by key (language and bank version): no unpickling,
# nor a trip to Redis, on each page. Never changed once built: the page only reads it.
RECENT = 4
_recent: dict[str, dict] = {}


def due_badge(count: int) -> str:
    text = ngettext("%(counter)s due", "%(counter)s due", count) % {"counter": count}
    return ' · <strong class="due">' + escape(text) + "</strong>"


def cards(sets: list[dict], due: dict[int, int]) -> SafeString:
    """The cards of these sets, each with its due count (a set's pk to how many of the learner's cards are due)."""
    badges = {count: due_badge(count) for count in set(due.values())}
    parts = []
    for row in sets:
        head, tail = row["card"]
        count = due.get(row["pk"], 0)
        parts += (head, badges[count] if count else "", tail)
    return mark_safe("".join(parts))  # noqa: S308 - the cards were rendered escaped, the badges escape their text


# What each set has due today for the learner: their learning and review cards due before the day ends, as
# the queue counts them (scheduling.ACTIVE: visible, neither suspended, buried nor removed, not held back by an
# assignment), by the sets holding their questions. Plain SQL: the ORM took ten times longer to build it
# (11 ms) than the database to run it (1 ms), on every page of the library.
DUE_BY_SET_SQL = (
    "SELECT i.quizset_id, COUNT(*) FROM quizzes_card c JOIN quizzes_quizsetitem i ON i.question_id = c.question_id"
    " WHERE c.user_id = %s AND c.state IN (1, 2, 3) AND c.due < %s AND " + scheduling.ACTIVE + " GROUP BY i.quizset_id"
)


def due_by_set(user, settings, now) -> dict[int, int]:
    """How many of the learner's cards each quiz set has due today (a set's pk to its count), in one query."""
    _start, end = scheduling.day_bounds(now, settings.timezone, settings.rollover_hour)
    visible = visible_question(user)  # each due card's question checked by its key: the cost follows the cards
    held = withheld_questions(user, now)  # compiled once: building it here would cost more than running it
    held, held_params = held.sql, held.params
    at = connection.ops.adapt_datetimefield_value
    sql = (
        DUE_BY_SET_SQL.replace("{visible}", visible.on("c.question_id"))
        .replace("{held}", f" AND c.question_id NOT IN ({held})")
        .replace("{deck}", "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, at(end), False, at(now), *visible.params, *held_params])
        return dict(cursor.fetchall())
