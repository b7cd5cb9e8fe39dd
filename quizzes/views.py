from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import SignupForm
from .models import Question, QuizSet, QuizSetItem, Source, Topic
from .roles import Role, grant_role


def _published_quizsets():
    return QuizSet.objects.annotate(
        question_count=Count("items", filter=Q(items__question__status=Question.Status.PUBLISHED))
    ).filter(question_count__gt=0)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The library: quiz sets by source text and by topic, in a fixed number of queries."""
    quizsets = {s.pk: s for s in _published_quizsets()}
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
    return render(request, "quizzes/home.html", {"source_rows": source_rows, "topic_rows": topic_rows})


@require_GET
def quizset(request: HttpRequest, key: str) -> HttpResponse:
    quizset = get_object_or_404(_published_quizsets(), key=key)
    items = quizset.items.filter(question__status=Question.Status.PUBLISHED).select_related("question__passage__source")
    kinds: dict[str, int] = defaultdict(int)
    sources: dict[int, Source] = {}
    for item in items:
        kinds[item.question.get_kind_display()] += 1
        sources[item.question.passage.source_id] = item.question.passage.source
    return render(
        request,
        "quizzes/quizset.html",
        {
            "quizset": quizset,
            "kinds": sorted(kinds.items()),
            "sources": sorted(sources.values(), key=lambda s: s.title),
            "items": items if request.user.has_perm("quizzes.view_question") else None,
        },
    )


@require_GET
def source(request: HttpRequest, key: str) -> HttpResponse:
    source = get_object_or_404(Source, key=key)
    paragraphs = [p.strip() for p in source.text.split("\n\n") if p.strip()]
    return render(request, "quizzes/source.html", {"source": source, "paragraphs": paragraphs})


@require_GET
@login_required
@permission_required("quizzes.view_question", raise_exception=True)
def preview(request: HttpRequest, external_id: str) -> HttpResponse:
    """A question as a learner sees it, then its answer panel (staff only: it shows the answer)."""
    question = get_object_or_404(Question.objects.with_content(), external_id=external_id)
    return render(request, "quizzes/preview.html", {"question": question})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("quizzes:home")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        grant_role(user, Role.LEARNER)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s! Your learner account is ready.") % {"name": user.username})
        return redirect("quizzes:home")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("quizzes/favicon.svg"), permanent=True)
