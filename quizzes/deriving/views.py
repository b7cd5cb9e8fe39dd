"""New texts and the review queue of the questions derived from them (admins, and teachers for
the texts they added). Learners never see a draft."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ..accounts.params import id_list_param
from ..accounts.roles import Role, has_role
from ..bank.forms import ChoiceFormSet, TeacherQuestionForm, question_form_is_valid, save_question
from ..bank.models import Question, Source
from ..bank.version import bump as bump_library
from . import review_queue as candidates
from .forms import RejectForm, SourceForm
from .models import Candidate


def editor_required(view):
    """Teachers and admins: the people who add texts and review what is derived from them."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (
            has_role(request.user, Role.TEACHER) or has_role(request.user, Role.ADMIN) or request.user.is_superuser
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_source_for_reviewer(request: HttpRequest, key: str) -> Source:
    source = get_object_or_404(Source, key=key)
    if not candidates.may_review(request.user, source):
        raise Http404  # another teacher's text
    return source


def _get_candidate_for_reviewer(request: HttpRequest, pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.for_reviewer(request.user).select_related("question__passage__source"), pk=pk
    )


@require_http_methods(["GET", "HEAD", "POST"])
@editor_required
def new_source(request: HttpRequest) -> HttpResponse:
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = candidates.add_source(
            request.user,
            title=data["title"],
            document=data["document"],
            author=data["author"],
            url=data["url"],
            licence=data["licence"],
            language=data["language"],
        )
        messages.success(request, _("Text added: check its language, then derive questions."))
        return redirect("quizzes:derive", key=source.key)
    return render(request, "deriving/new_source.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@editor_required
def derive(request: HttpRequest, key: str) -> HttpResponse:
    """A text's page for its reviewers: its language per paragraph, and deriving questions from it."""
    source = _get_source_for_reviewer(request, key)
    if request.method == "POST":
        if "language" in request.POST and request.POST["language"] in ("en", "fr"):
            Source.objects.filter(pk=source.pk).update(language=request.POST["language"])
            bump_library()  # the library shows each text's language; a bulk update sends no signal
            messages.success(request, _("Language saved."))
            return redirect("quizzes:derive", key=source.key)
        if "paragraph_languages" in request.POST:
            detected = {b.start: b.language for b in _paragraphs(source, corrected=False)}
            chosen = {s: request.POST[f"lang-{s}"] for s in detected if f"lang-{s}" in request.POST}
            if any(lang not in ("en", "fr") for lang in chosen.values()):
                messages.error(request, _("Choose English or French for every paragraph."))
            else:
                source.correct_languages(chosen, detected)
                messages.success(request, _("Languages of the paragraphs saved."))
            return redirect("quizzes:derive", key=source.key)
        latest = source.derivation_jobs.first()
        if latest is None or not latest.is_running:  # one derivation at a time
            candidates.start(source, request.user)
        return redirect("quizzes:derive", key=source.key)
    job = source.derivation_jobs.first()
    context = {
        "source": source,
        "job": job,
        "pending": Candidate.objects.filter(question__passage__source=source, state=Candidate.State.PENDING).count(),
    }
    if request.htmx:
        response = render(request, "deriving/derive.html#progress", context)
        if job and not job.is_running:
            response.status_code = 286  # htmx: stop polling
        return response
    paragraphs = _paragraphs(source)
    context["blocks"] = paragraphs[:MAX_PARAGRAPHS_SHOWN]
    context["languages"] = {lang: sum(1 for b in paragraphs if b.language == lang) for lang in ("en", "fr")}
    context["corrected"] = set(source.language_corrections())
    return render(request, "deriving/derive.html", context)


MAX_PARAGRAPHS_SHOWN = 200


def _paragraphs(source: Source, corrected: bool = True) -> list:
    """The text's paragraphs with their language: detected, or as corrected by hand."""
    corrections = source.language_corrections() if corrected else None
    blocks = candidates.deriving.prepare(source.text, "txt", source.language, corrections).blocks
    return [b for b in blocks if b.kind == "paragraph"]


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@editor_required
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue, best candidates first; bulk accept or reject."""
    pending = Candidate.objects.for_reviewer(request.user).pending()
    error = None
    if request.method == "POST":
        chosen = pending.filter(pk__in=id_list_param(request.POST, "candidate"))
        if ("accept" in request.POST or "reject" in request.POST) and not chosen.exists():
            # Nothing ticked: say so on the page itself, with the reason as typed, rather than redirect.
            error = _("Tick at least one candidate.")
        elif "accept" in request.POST:
            for candidate in chosen.select_related("question__passage__source"):
                candidates.accept(candidate, request.user)
            messages.success(request, _("Accepted and published."))
        elif "reject" in request.POST:
            reason = _reason(request)
            if not reason:
                error = _("Say why you reject them.")
            else:
                for candidate in chosen:
                    candidates.reject(candidate, request.user, reason)
                messages.info(request, _("Rejected."))
        if error is None:
            return redirect(request.get_full_path())
    source_key = request.GET.get("source", "").replace("\x00", "")  # PostgreSQL refuses NUL in a query
    if source_key:
        pending = pending.filter(question__passage__source__key=source_key)
    items = list(
        pending.select_related("question__passage__source", "duplicate_of").prefetch_related("question__choices")[:100]
    )
    stale = Question.objects.filter(stale=True).select_related("passage__source")
    if not (request.user.is_superuser or has_role(request.user, Role.ADMIN)):
        stale = stale.filter(passage__source__owner=request.user)
    return render(
        request,
        "deriving/queue.html",
        {
            "items": items,
            "source_key": source_key,
            "stale": stale[:50],
            "reject_form": RejectForm(),
            "error": error,
            "reason": request.POST.get("reason", "") if error else "",
            "sources": Source.objects.filter(pk__in=pending.values("question__passage__source")),
        },
    )


def _reason(request: HttpRequest) -> str:
    """A rejection's reason as the reject form reads it (at most 300 characters, no NUL); empty when none was
    typed, which the page refuses with a message (a forged one is a 400)."""
    form = RejectForm(request.POST)
    if not form.is_valid():
        if form.has_error("reason", "required"):
            return ""
        raise BadRequest("reason: " + "; ".join(form.errors["reason"]))
    return form.cleaned_data["reason"]


@require_POST
@vary_on_headers("HX-Request")
@editor_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _get_candidate_for_reviewer(request, pk)
    if "accept" in request.POST:
        candidates.accept(candidate, request.user)
    else:
        reason = _reason(request)
        if not reason:
            error = _("Say why you reject it.")
            if request.htmx:
                return render(request, "deriving/queue.html#decided", {"item": candidate, "decide_error": error})
            messages.error(request, error)
            return redirect(f"{reverse('quizzes:review_queue')}#candidate-{candidate.pk}")
        candidates.reject(candidate, request.user, reason)
    candidate.refresh_from_db()
    if request.htmx:
        return render(request, "deriving/queue.html#decided", {"item": candidate})
    messages.success(request, _("Accepted and published.") if candidate.state == "accepted" else _("Rejected."))
    return redirect("quizzes:review_queue")


@require_http_methods(["GET", "HEAD", "POST"])
@editor_required
def edit_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a candidate with the question editor's rules, then accept it."""
    candidate = _get_candidate_for_reviewer(request, pk)
    question = candidate.question
    initial = {"source": question.passage.source_id, "passage_text": question.passage.text}
    form = TeacherQuestionForm(request.user, request.POST or None, instance=question, initial=initial)
    formset = ChoiceFormSet(request.POST or None, instance=question)
    if request.method == "POST" and question_form_is_valid(form, formset):
        with transaction.atomic():
            save_question(form, formset)
            candidates.accept(candidate, request.user)
        messages.success(request, _("Edited, accepted and published."))
        return redirect("quizzes:review_queue")
    return render(request, "deriving/edit_candidate.html", {"candidate": candidate, "form": form, "formset": formset})
