"""A quiz set's page, and taking a quiz: one question at a time, then the results and retakes."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from ..bank.forms import AnswerForm
from ..bank.models import Question, QuizSet, Source
from ..study import scheduling
from ..study.models import Study
from . import flow as quizzing
from .models import Attempt


@require_safe
def quizset(request: HttpRequest, key: str) -> HttpResponse:
    quizset = get_object_or_404(QuizSet.objects.with_questions().visible_to(request.user), key=key)
    items = quizset.items.filter(question__status=Question.Status.PUBLISHED).select_related("question__passage__source")
    kinds: dict[str, int] = defaultdict(int)
    sources: dict[int, Source] = {}
    for item in items:
        kinds[item.question.get_kind_display()] += 1
        sources[item.question.passage.source_id] = item.question.passage.source
    attempts = []
    if request.user.is_authenticated:
        attempts = list(Attempt.objects.for_user(request.user).filter(quizset=quizset)[:10])
    context = {
        "quizset": quizset,
        "kinds": sorted(kinds.items()),
        "sources": sorted(sources.values(), key=lambda s: s.title),
        "items": items if request.user.has_perm("quizzes.view_question") else None,
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if not a.is_finished and not a.is_late()), None),
        "attempts_left": quizzing.attempts_left(request.user, quizset) if request.user.is_authenticated else None,
        "studying": request.user.is_authenticated and Study.objects.filter(user=request.user, quizset=quizset).exists(),
    }
    return render(request, "quizzing/quizset.html", context)


# --- taking a quiz ---------------------------------------------------------------------------


def _get_attempt_for_user(request: HttpRequest, pk: int) -> Attempt:
    """The learner's own attempt; anyone else's id is a 404, for pages and fragments alike."""
    return get_object_or_404(Attempt.objects.select_related("quizset"), pk=pk, user=request.user)


@require_POST
@login_required
def start(request: HttpRequest, key: str) -> HttpResponse:
    quizset = get_object_or_404(QuizSet.objects.with_questions().visible_to(request.user), key=key)
    try:
        attempt = quizzing.start_attempt(request.user, quizset)
    except quizzing.QuizError as exc:
        messages.error(request, str(exc))
        return redirect(quizset)
    return redirect(attempt)


@require_safe
@login_required
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    answered = attempt.responses.count()
    if attempt.is_finished or answered >= attempt.total:
        return redirect("quizzes:results", pk=attempt.pk)
    return redirect("quizzes:question", pk=attempt.pk, position=answered + 1)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@login_required
def question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """Question number `position` of an attempt: the form, or once answered, the feedback.

    Questions are taken in order: asking for a later one than the next unanswered redirects to it,
    so nothing of a future question reaches the page.
    """
    attempt = _get_attempt_for_user(request, pk)
    if not 1 <= position <= attempt.total:
        raise Http404
    question = get_object_or_404(Question.objects.with_content(), pk=attempt.question_ids[position - 1])
    response = attempt.responses.filter(question=question).first()
    answered = attempt.responses.count()
    if response is None and (attempt.is_finished or position != answered + 1):
        return _redirect(request, reverse("quizzes:attempt", args=[attempt.pk]))

    choices = _ordered_choices(attempt, question)
    form = None
    if response is None:
        form = AnswerForm(question, choices, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                response, _grade = quizzing.record_answer(attempt, position, question, form.cleaned_answer())
                scheduling.record_quiz_answer(request.user, question, response.is_correct)
            except quizzing.AlreadyAnswered as exc:
                messages.warning(request, str(exc))
                response = attempt.responses.filter(question=question).first()
            except quizzing.TimeUp as exc:
                messages.error(request, str(exc))
                return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))
            if not request.htmx:  # no JavaScript: Post/Redirect/Get to the same question, now answered
                return redirect("quizzes:question", pk=attempt.pk, position=position)
            answered += 1
            form = None
    elif request.method == "POST":
        messages.warning(
            request, _("You already answered this question (perhaps in another tab): your first answer counts.")
        )
        if not request.htmx:
            return redirect("quizzes:question", pk=attempt.pk, position=position)

    context = {
        "attempt": attempt,
        "quizset": attempt.quizset,
        "position": position,
        "question": question,
        "choices": choices,
        "form": form,
        "response": response,
        # A refused rating keeps the back shown: the learner has seen it already.
        "reveal": question.kind == Question.Kind.FLASHCARD
        and (response is not None or "reveal" in request.GET or bool(form and form.is_bound)),
        "answered_count": answered,
        "next_url": _next_url(attempt, position),
        "show_answers": attempt.answers_visible(),
        "is_last": position >= attempt.total or attempt.is_finished,
    }
    template = "quizzing/attempt.html"
    if request.htmx:
        template += "#quiz"
    return render(request, template, context)


def _ordered_choices(attempt: Attempt, question: Question) -> list:
    choices = list(question.choices.all())
    order = attempt.choice_order.get(str(question.pk))
    if order:
        rank = {pk: i for i, pk in enumerate(order)}
        choices.sort(key=lambda c: rank.get(c.pk, len(rank)))
    return choices


def _next_url(attempt: Attempt, position: int) -> str:
    if position < attempt.total and not attempt.is_finished:
        return reverse("quizzes:question", args=[attempt.pk, position + 1])
    return reverse("quizzes:results", args=[attempt.pk])


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@login_required
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    attempt.finish(now=min(timezone.now(), attempt.deadline) if attempt.deadline else None)
    return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))


@require_safe
@never_cache
@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, pk)
    if not attempt.is_finished:
        if not attempt.is_late():
            return redirect(attempt)
        attempt.finish(now=attempt.deadline)  # the time limit passed while the learner was away
    questions = Question.objects.with_content().in_bulk(attempt.question_ids)
    responses = {r.question_id: r for r in attempt.responses.all()}
    rows = []
    for position, question_id in enumerate(attempt.question_ids, start=1):
        response = responses.get(question_id)
        question = questions.get(question_id)
        if question is None:
            continue
        if response is not None:
            response.question = question  # reuse the prefetched choices
        rows.append({"position": position, "question": question, "response": response})
    right = sum(1 for r in responses.values() if r.is_correct)
    context = {
        "attempt": attempt,
        "quizset": attempt.quizset,
        "rows": rows,
        "right": right,
        "missed": attempt.total - right,
        "attempts_left": quizzing.attempts_left(request.user, attempt.quizset, attempt.assignment),
        "show_answers": attempt.answers_visible(),
    }
    return render(request, "quizzing/results.html", context)


@require_POST
@login_required
def retake_missed(request: HttpRequest, pk: int) -> HttpResponse:
    previous = _get_attempt_for_user(request, pk)
    if not previous.is_finished:
        return redirect(previous)
    try:
        attempt = quizzing.start_attempt(request.user, previous.quizset, retake_of=previous)
    except quizzing.QuizError as exc:
        messages.info(request, str(exc))
        return redirect("quizzes:results", pk=previous.pk)
    return redirect(attempt)
