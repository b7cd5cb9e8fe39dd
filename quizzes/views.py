"""The front page (the library, with what is due for the learner) and the favicon: composes every domain."""

from collections import defaultdict

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from .bank.models import Question, QuizSet, QuizSetItem, Source, Topic
from .teaching import results as teaching


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The library: quiz sets by source text and by topic, in a fixed number of queries."""
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
    assignments = teaching.for_learner(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "home.html",
        {"source_rows": source_rows, "topic_rows": topic_rows, "assignments": assignments},
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("quizzes/favicon.svg"), permanent=True)
