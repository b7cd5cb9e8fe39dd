"""The library's shared part (sources, topics and their quiz sets) as cached HTML.

For learners and visitors it is the published bank, the same for every one of them in one language
while the bank does not change, so it is rendered once per (language, bank version:
quizzes/bank/version.py) and kept in the cache. Nothing per user is in it: the user's name,
assignments, due counts and CSRF token are rendered around it on each request. (A teacher's own
questions assigned to a learner are reached from the learner's assignments, not counted here.)
Teachers and admins may see more (their own texts and questions; every text for admins): theirs is
rendered for them, by the same visibility rule, and not cached.
"""

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .accounts.roles import Role, role_names
from .bank import version
from .bank.models import QuizSet, QuizSetItem, Source, Topic, visible_questions

TIMEOUT = 24 * 60 * 60  # a day: entries of old versions are never read again and expire


def context(user, tag: str = "") -> dict:
    """What the library shows `user`: quiz sets by source text and by topic, in a fixed number of queries;
    with a `tag`, only the sets holding a question tagged so, and their texts."""
    visible = visible_questions(user)
    quizsets = {s.pk: s for s in QuizSet.objects.with_questions(user).shared().tagged(tag)}
    by_source: dict[int, list[QuizSet]] = defaultdict(list)
    by_topic: dict[int, list[QuizSet]] = defaultdict(list)
    published = QuizSetItem.objects.filter(quizset__in=list(quizsets), question_id__in=visible).order_by()
    for set_id, source_id in published.values_list("quizset", "question__passage__source").distinct():
        by_source[source_id].append(quizsets[set_id])
    for set_id, topic_id in published.values_list("quizset", "question__topics").distinct():
        if topic_id is not None:
            by_topic[topic_id].append(quizsets[set_id])
    # Not a learner's "My cards" (no text), and none of their own cards counted.
    sources = (
        Source.objects.visible_to(user)
        .exclude(text="")
        .annotate(
            question_count=Count(
                "passages__questions",
                filter=Q(passages__questions__in=visible, passages__questions__personal=False),
            )
        )
    )
    source_rows = [(s, sorted(by_source[s.pk], key=lambda q: q.title)) for s in sources if not tag or by_source[s.pk]]
    topic_rows = [(t, sorted(by_topic[t.pk], key=lambda q: q.title)) for t in Topic.objects.all() if by_topic[t.pk]]
    return {"source_rows": source_rows, "topic_rows": topic_rows}


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


def shared_html(request, tag: str = "") -> str:
    """The library's HTML for the current language and visitor: the published bank from the cache when
    the bank has not changed; a teacher's or an admin's view, or one filtered by tag, rendered for them."""
    if tag or not sees_the_published_bank(request):
        user = request.user if not sees_the_published_bank(request) else AnonymousUser()
        return mark_safe(render_to_string("library_shared.html", {**context(user, tag), "tag": tag}))
    key = f"learnapp:library:{get_language()}:{version.current()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("library_shared.html", context(AnonymousUser()))
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # rendered by our template, escaped there
