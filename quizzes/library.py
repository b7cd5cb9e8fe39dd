"""The library's shared part (sources, topics and their quiz sets) as cached HTML.

It is the same for every visitor of one language while the bank does not change, so it is rendered
once per (language, bank version: quizzes/bank/version.py) and kept in the cache. Nothing per user is
in it: the user's name, assignments, due counts and CSRF token are rendered around it on each request.
"""

from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .bank import version
from .bank.models import Question, QuizSet, QuizSetItem, Source, Topic

TIMEOUT = 24 * 60 * 60  # a day: entries of old versions are never read again and expire


def context() -> dict:
    """What the shared part shows: quiz sets by source text and by topic, in a fixed number of queries."""
    quizsets = {s.pk: s for s in QuizSet.objects.with_questions().shared()}
    by_source: dict[int, list[QuizSet]] = defaultdict(list)
    by_topic: dict[int, list[QuizSet]] = defaultdict(list)
    published = QuizSetItem.objects.filter(
        quizset__in=list(quizsets), question__status=Question.Status.PUBLISHED
    ).order_by()
    for set_id, source_id in published.values_list("quizset", "question__passage__source").distinct():
        by_source[source_id].append(quizsets[set_id])
    for set_id, topic_id in published.values_list("quizset", "question__topics").distinct():
        if topic_id is not None:
            by_topic[topic_id].append(quizsets[set_id])
    sources = Source.objects.annotate(
        question_count=Count("passages__questions", filter=Q(passages__questions__status=Question.Status.PUBLISHED))
    )
    source_rows = [(s, sorted(by_source[s.pk], key=lambda q: q.title)) for s in sources]
    topic_rows = [(t, sorted(by_topic[t.pk], key=lambda q: q.title)) for t in Topic.objects.all() if by_topic[t.pk]]
    return {"source_rows": source_rows, "topic_rows": topic_rows}


def shared_html() -> str:
    """The shared part's HTML for the current language, from the cache when the bank has not changed."""
    key = f"learnapp:library:{get_language()}:{version.current()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("library_shared.html", context())
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # rendered by our template, escaped there
