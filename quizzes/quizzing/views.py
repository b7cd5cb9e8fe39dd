"""A quiz set's page, and taking a quiz: one question at a time, then the results and retakes."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from .. import kept
from ..bank import version
from ..bank.forms import AnswerForm
from ..bank.grading import GradedAnswer, grade
from ..bank.models import Question, QuizSet, Source, visible_questions
from ..study.models import Study
from . import flow as quizzing
from . import kept_pages
from .models import Attempt
from .reading import attempt_of


@require_safe
def quizset(request: HttpRequest, key: str) -> HttpResponse:
    quizset = get_object_or_404(QuizSet.objects.with_questions(request.user).visible_to(request.user), key=key)
    items = quizset.items.filter(question_id__in=visible_questions(request.user)).select_related(
        "question__passage__source"
    )
    readable = set(Source.objects.visible_to(request.user).values_list("pk", flat=True))
    kinds: dict[str, int] = defaultdict(int)
    sources: dict[int, Source] = {}
    for item in items:
        kinds[item.question.get_kind_display()] += 1
        if item.question.passage.source_id in readable:  # a link to a text they may not open is no use
            sources[item.question.passage.source_id] = item.question.passage.source
    attempts, all_held, now = [], False, timezone.now()
    if request.user.is_authenticated:
        attempts = list(Attempt.objects.for_user(request.user).filter(quizset=quizset)[:10])
    # A visitor too: an assignment's hold reaches the try of a shared set (Question.objects.withheld_from).
    questions = Question.objects.published().filter(quizset_items__quizset=quizset)
    held_message = questions.withheld_reason(request.user, now)
    if held_message is not None:  # say the assignment's rule; with nothing else to practise, offer nothing
        all_held = not questions.exclude(pk__in=questions.withheld_from(request.user, now)).exists()
    context = {
        "quizset": quizset,
        "kinds": sorted(kinds.items()),
        "sources": sorted(sources.values(), key=lambda s: s.title),
        "items": items if request.user.has_perm("quizzes.view_question") else None,
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if not a.is_finished and not a.is_late()), None),
        "attempts_left": quizzing.attempts_left(request.user, quizset) if request.user.is_authenticated else None,
        "studying": request.user.is_authenticated and Study.objects.filter(user=request.user, quizset=quizset).exists(),
        "held_message": held_message,
        "all_held": all_held,
    }
    return render(request, "quizzing/quizset.html", context)


# --- a visitor tries a quiz without an account ---------------------------------------------------

TRY_SESSION_KEY = "try"


def _try_questions(key: str) -> tuple[QuizSet, list[Question], str | None]:
    """A shared set's published questions as a visitor sees them (the bank's rule for an anonymous user: never
    a teacher's set or question), in the set's order, and why some are left out: the ones a class assignment
    holds now. Left out, not shown without answers: grading a visitor's answer tells which option is right."""
    visitor, now = AnonymousUser(), timezone.now()
    quizset = get_object_or_404(QuizSet.objects.with_questions(visitor).visible_to(visitor), key=key)
    offered = Question.objects.filter(pk__in=visible_questions(visitor), quizset_items__quizset=quizset)
    held_message = offered.withheld_reason(visitor, now)
    if held_message is not None:
        offered = offered.exclude(pk__in=Question.objects.withheld_from(visitor, now))
    questions = list(offered.with_content().order_by("quizset_items__position", "pk"))
    return quizset, questions, held_message


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
def try_question(request: HttpRequest, key: str, position: int = 1) -> HttpResponse:
    """A visitor answers a shared set's questions one at a time and sees the feedback and the passage; the answers
    are graded but not stored: only right or wrong per question, in their session, for the summary."""
    if request.user.is_authenticated:
        return redirect("quizzes:quizset", key=key)  # learners take the real quiz, which is kept
    quizset, questions, held_message = _try_questions(key)
    if not questions:  # all held: the set's page says why
        return _redirect(request, quizset.get_absolute_url())
    if not 1 <= position <= len(questions) + 1:
        raise Http404
    tried = request.session.get(TRY_SESSION_KEY, {})
    results = tried.get("results", {}) if tried.get("key") == key else {}
    if position == len(questions) + 1:
        offered = {str(q.pk) for q in questions}  # not a question held since it was answered
        results = {pk: right for pk, right in results.items() if pk in offered}
        context = {
            "quizset": quizset,
            "total": len(questions),
            "right": sum(results.values()),
            "answered": len(results),
            "held_message": held_message,
        }
        # "See your results" swaps them for the quiz (hx-target #quiz): the part that replaces it, not a page.
        return render(
            request, "quizzing/try_results.html#results" if request.htmx else "quizzing/try_results.html", context
        )
    question = questions[position - 1]
    choices = list(question.choices.all())
    form = AnswerForm(question, choices, request.POST if request.method == "POST" else None)
    graded = None
    if request.method == "POST" and form.is_valid():
        result = grade(question, form.cleaned_answer())
        graded = GradedAnswer(question, form.cleaned_answer(), result.is_correct, result.score, result.notes)
        results[str(question.pk)] = result.is_correct
        request.session[TRY_SESSION_KEY] = {"key": key, "results": results}
    context = {
        "quizset": quizset,
        "question": question,
        "choices": choices,
        "form": form,
        "response": graded,
        "position": position,
        "total": len(questions),
        "next_url": reverse("quizzes:try_question", args=[key, position + 1]),
        "here": reverse("quizzes:try_question", args=[key, position]),
        "reveal": question.kind == Question.Kind.FLASHCARD and ("reveal" in request.GET or form.is_bound),
        "held_message": held_message,
    }
    template = "quizzing/try.html"
    if request.htmx:
        template += "#try"
    return render(request, template, context)


# --- taking a quiz ---------------------------------------------------------------------------


def _get_attempt_for_user(request: HttpRequest, pk: int, held_at=None) -> Attempt:
    """The learner's own attempt, with which questions were answered, right or wrong (and, given `held_at`, the
    ids the assignment rule withholds then: reading.attempt_of); anyone else's id is a 404, for pages and fragments
    alike."""
    attempt = attempt_of(request.user, pk, held_at=held_at)
    if attempt is None:
        raise Http404
    return attempt


def _time_up_message() -> str:
    return _("Time is up: your answers were submitted.")


def _close_when_time_is_up(request: HttpRequest, attempt: Attempt) -> HttpResponse | None:
    """Past the deadline, the next request closes the attempt with the answers given and says so; with
    JavaScript the countdown makes that request itself at zero, without it the learner's next click does."""
    if attempt.is_finished or not attempt.is_late():
        return None
    attempt.finish(now=attempt.deadline)
    if request.method == "POST":
        messages.error(request, _("Time is up: this answer arrived after the time limit and was not recorded."))
    else:
        messages.info(request, _time_up_message())
    return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))


@require_POST
@login_required
def start(request: HttpRequest, key: str) -> HttpResponse:
    quizset = get_object_or_404(QuizSet.objects.with_questions(request.user).visible_to(request.user), key=key)
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
    if closed := _close_when_time_is_up(request, attempt):
        return closed
    answered = len(attempt.answers)
    if attempt.is_finished or answered >= attempt.total:
        return redirect("quizzes:results", pk=attempt.pk)
    return redirect("quizzes:question", pk=attempt.pk, position=answered + 1)


class _NotThePage(Exception):
    """The view answered otherwise than with the page to keep (the attempt moved since its fingerprint was read)."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _html(answer: str | HttpResponse) -> str:
    if isinstance(answer, HttpResponse):
        raise _NotThePage(answer)
    return answer


@require_http_methods(["GET", "HEAD", "POST"])
@kept.never_cache
@vary_on_headers("HX-Request")
@login_required
def question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """Question number `position` of an attempt: the form, or once answered, the feedback.

    Questions are taken in order: asking for a later one than the next unanswered redirects to it,
    so nothing of a future question reaches the page. A plain GET comes from the cache while nothing the page
    is made from changes (kept_pages.py), after the same ownership check, in its one query.
    """
    if kept_pages.keeps(request):
        try:
            html = kept_pages.question_page(
                request,
                pk,
                position,
                timezone.now(),
                lambda marks: _html(_question_page(request, pk, position, marks)),
            )
        except _NotThePage as other:
            return other.response
        if html is not None:
            return HttpResponse(html)
    return _question_page(request, pk, position)


def _question_page(request: HttpRequest, pk: int, position: int, marks: dict | None = None) -> HttpResponse | str:
    """The question's page; given kept.html's marks, the page's HTML with them where the request's own values go
    (the CSRF token, the nonce, the time left), unless the view answers otherwise (a redirect)."""
    # An answer shows its feedback, which asks the assignment rule: read with the attempt.
    now = timezone.now() if request.method == "POST" else None
    attempt = _get_attempt_for_user(request, pk, held_at=now)
    if not 1 <= position <= attempt.total:
        raise Http404
    # The countdown's own submission at zero (`timeup`) may arrive a moment late; any other late request closes.
    time_up = request.method == "POST" and "timeup" in request.POST
    if not time_up and (closed := _close_when_time_is_up(request, attempt)):
        return closed
    question_id = attempt.question_ids[position - 1]
    answered = len(attempt.answers)
    response = attempt.responses.filter(question_id=question_id).first() if question_id in attempt.answers else None
    if response is None and (attempt.is_finished or position != answered + 1):
        return _redirect(request, reverse("quizzes:attempt", args=[attempt.pk]))
    question = _question(question_id)

    choices = _ordered_choices(attempt, question)
    form = None
    if response is None:
        form = AnswerForm(question, choices, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                response, _grade = quizzing.record_answer(
                    attempt, position, question, form.cleaned_answer(), time_up=time_up
                )
            except quizzing.AlreadyAnswered as exc:
                messages.warning(request, str(exc))
                response = attempt.responses.filter(question=question).first()
            except quizzing.TimeUp as exc:
                messages.error(request, str(exc))
                return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))
            if not request.htmx and not time_up:  # no JavaScript: Post/Redirect/Get to the same question, answered
                return redirect("quizzes:question", pk=attempt.pk, position=position)
            answered += 1
            form = None
    elif request.method == "POST" and not time_up:
        messages.warning(
            request, _("You already answered this question (perhaps in another tab): your first answer counts.")
        )
        if not request.htmx:
            return redirect("quizzes:question", pk=attempt.pk, position=position)
    if time_up:  # the page's countdown reached zero: close with what was answered, and say so
        attempt.finish(now=min(timezone.now(), attempt.deadline) if attempt.deadline else None)
        messages.info(request, _time_up_message())
        return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))

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
        "next_url": _next_url(attempt, position) if response is not None else None,  # only the feedback links on
        # Only an answered question shows feedback: an unanswered one never asks the reveal policy.
        "show_answers": response is not None and attempt.answers_visible(now, attempt.held_ids),
        "is_last": position >= attempt.total or attempt.is_finished,
        "closes_at": attempt.deadline,
        "seconds_left": attempt.seconds_left(),
        "time_left": attempt.time_left_text(),
    }
    template = "quizzing/attempt.html"
    if request.htmx:
        template += "#quiz"
    if marks is not None:
        return render_to_string(template, context | _marked(marks), request)
    return render(request, template, context)


def _marked(marks: dict) -> dict:
    """The context's per-request values as kept.html's marks: given, they win over the context processors'."""
    names = {"csrf": "csrf_token", "nonce": "csp_nonce", "seconds_left": "seconds_left", "time_left": "time_left"}
    return {names[name]: mark for name, mark in marks.items()}


# A question's page never shows its source's text (up to tens of kB), only its title and language.
_SOURCE_TEXT = ("passage__source__text", "passage__source__paragraph_languages", "passage__source__licence")

# The questions asked, with their choices, passage and source (the feedback quotes the passage and names its
# source), as every learner taking them reads them, by id and bank version (an edit shows at once, a source's
# too): read once per process, not on each question and answer. The form, the grading and the feedback only
# read them.
_asked: dict[tuple[int, str], Question] = {}
_ASKED_LIMIT = 1024


def _question(question_id: int) -> Question:
    question = _questions([question_id]).get(question_id)
    if question is None:
        raise Http404
    return question


def _questions(ids: list[int]) -> dict[int, Question]:
    """The questions of `ids` that exist, by id: those kept for the bank's version, the others read (two queries)."""
    current = version.current()
    found = {pk: question for pk in ids if (question := _asked.get((pk, current))) is not None}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        questions = Question.objects.prefetch_related("choices").select_related("passage__source")
        for question in questions.defer(*_SOURCE_TEXT).filter(pk__in=missing):
            if len(_asked) >= _ASKED_LIMIT:
                _asked.clear()
            _asked[(question.pk, current)] = found[question.pk] = question
    return found


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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish an attempt early. GET asks for confirmation (the page's "Finish now" link without JavaScript;
    with it, htmx asks once with `hx-confirm` and posts); POST finishes."""
    attempt = _get_attempt_for_user(request, pk)
    if attempt.is_finished:
        return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))
    if request.method in ("GET", "HEAD"):  # HEAD must never finish the attempt
        if closed := _close_when_time_is_up(request, attempt):
            return closed
        answered = len(attempt.answers)
        return render(
            request,
            "quizzing/finish.html",
            {"attempt": attempt, "quizset": attempt.quizset, "unanswered": attempt.total - answered},
        )
    if attempt.is_late():
        messages.info(request, _time_up_message())
    attempt.finish(now=min(timezone.now(), attempt.deadline) if attempt.deadline else None)
    return _redirect(request, reverse("quizzes:results", args=[attempt.pk]))


@require_safe
@kept.never_cache
@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """A finished attempt's score and, as the reveal rule allows, its answers; kept as the question's page."""
    if kept_pages.keeps(request):
        try:
            html = kept_pages.results_page(
                request, pk, timezone.now(), lambda marks: _html(_results_page(request, pk, marks))
            )
        except _NotThePage as other:
            return other.response
        if html is not None:
            return HttpResponse(html)
    return _results_page(request, pk)


def _results_page(request: HttpRequest, pk: int, marks: dict | None = None) -> HttpResponse | str:
    now = timezone.now()
    attempt = _get_attempt_for_user(request, pk, held_at=now)  # what is held: the reveal policy, the retake
    if not attempt.is_finished:
        if not attempt.is_late():
            return redirect(attempt)
        attempt.finish(now=attempt.deadline)  # the time limit passed while the learner was away
        messages.info(request, _time_up_message())
    correct = attempt.answers
    # Built only if the template's cached list of a finished attempt is missing (results.html).
    rows = SimpleLazyObject(lambda: _result_rows(attempt, {r.question_id: r for r in attempt.responses.all()}))
    right = sum(correct.values())
    withheld = attempt.withheld_message(now, attempt.held_ids)
    retakable = []
    if withheld is None:  # which questions were missed is itself what a withholding policy hides
        missed = [pk for pk in attempt.question_ids if not correct.get(pk, False)]
        held = set(attempt.held_ids)
        retakable = [pk for pk in missed if pk not in held]
    context = {
        "attempt": attempt,
        "quizset": attempt.quizset,
        "rows": rows,
        "right": right,
        "missed": len(retakable),
        "attempts_left": quizzing.attempts_left(request.user, attempt.quizset, attempt.assignment),
        "show_answers": withheld is None,
        "withheld_message": withheld,
    }
    if marks is not None:
        return render_to_string("quizzing/results.html", context | _marked(marks), request)
    return render(request, "quizzing/results.html", context)


def _result_rows(attempt: Attempt, responses: dict) -> list[dict]:
    questions = _questions(attempt.question_ids)
    rows = []
    for position, question_id in enumerate(attempt.question_ids, start=1):
        response = responses.get(question_id)
        question = questions.get(question_id)
        if question is None:
            continue
        if response is not None:
            response.question = question  # the kept question: its choices are read
        rows.append({"position": position, "question": question, "response": response})
    return rows


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
