"""Teachers' pages: classes, quiz sets from the bank, their own questions, assignments and results.

Every object is looked up through the teacher (`_get_x_for_teacher`): another teacher's class,
assignment or learner is a 404, for full pages and htmx fragments alike. Results are never cached by
browsers; the server keeps their HTML while nothing they are made from changes (results_cache.py).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from ..accounts.models import Invitation
from ..accounts.params import as_id, id_param
from ..accounts.roles import Role, has_role
from ..accounts.views import send_invitation
from ..bank.forms import ChoiceFormSet, TeacherQuestionForm, question_form_is_valid, save_question
from ..bank.models import Question, QuizSet, QuizSetItem, Source, Tag, Topic
from ..quizzing import flow as quizzing
from ..quizzing.models import Attempt
from ..study.models import StudySettings
from . import reminders, results_cache
from . import results as teaching
from .forms import (
    AssignmentEditForm,
    AssignmentForm,
    BankFilterForm,
    ClassroomForm,
    ExtensionForm,
    InviteForm,
    JoinForm,
    QuizSetBuilderForm,
    WeakItemForm,
)
from .models import Assignment, Classroom, Enrollment, Extension


def teacher_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (has_role(request.user, Role.TEACHER) or has_role(request.user, Role.ADMIN)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _messages_waiting(request: HttpRequest) -> bool:
    return bool(len(messages.get_messages(request)))


def _get_classroom_for_teacher(request: HttpRequest, pk: int) -> Classroom:
    return get_object_or_404(Classroom, pk=pk, teacher=request.user)


def _get_assignment_for_teacher(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("classroom", "quizset"), pk=pk, classroom__teacher=request.user
    )


def _get_own_quizset(request: HttpRequest, key: str) -> QuizSet:
    return get_object_or_404(QuizSet, key=key, owner=request.user)


# --- classes ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = form.save(commit=False)
        classroom.teacher = request.user
        classroom.save()
        messages.success(
            request, _("Class created. Give your learners its code: %(code)s") % {"code": classroom.join_code}
        )
        return redirect(classroom)
    classrooms = list(Classroom.objects.for_teacher(request.user))
    counts = teaching.class_counts(classrooms)
    rows = [(c, counts[c.pk]) for c in classrooms]
    quizsets = QuizSet.objects.filter(owner=request.user).annotate(n=Count("items"))
    questions = Question.objects.filter(owner=request.user).order_by("-created_at")[:100]
    return render(
        request, "teaching/dashboard.html", {"rows": rows, "form": form, "quizsets": quizsets, "questions": questions}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@teacher_required
def classroom(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _get_classroom_for_teacher(request, pk)
    invite_form = InviteForm(request.POST if "invite" in request.POST else None)
    if invite_form.is_valid():
        invitations = invite_learners(classroom, invite_form.cleaned_data["emails"], request)
        messages.success(
            request,
            ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", len(invitations)) % {"n": len(invitations)},
        )
        return redirect(classroom)
    if request.method == "POST" and "invite" not in request.POST:
        if "regenerate" in request.POST:
            classroom.regenerate_code()
            messages.success(
                request, _("New join code: %(code)s. The old one no longer works.") % {"code": classroom.join_code}
            )
        elif "disable" in request.POST:
            classroom.join_enabled = False
            classroom.save(update_fields=["join_enabled"])
            messages.info(request, _("Joining is closed: the code no longer works."))
        elif "enable" in request.POST:
            classroom.join_enabled = True
            classroom.save(update_fields=["join_enabled"])
            messages.info(request, _("Joining is open again."))
        elif "archive" in request.POST:
            classroom.archived = not classroom.archived
            classroom.save(update_fields=["archived"])
            messages.info(request, _("Class archived.") if classroom.archived else _("Class restored."))
        elif "remove" in request.POST:
            learner_id = id_param(request.POST, "remove")
            removed = Enrollment.objects.filter(classroom=classroom, learner_id=learner_id).delete()[0]
            if removed:
                messages.info(request, _("The learner was removed from the class."))
        return redirect(classroom)
    enrollments = classroom.enrollments.select_related("learner").order_by("learner__username")
    assignments = classroom.assignments.select_related("quizset").annotate(
        started=Count("attempts__user", filter=Q(attempts__retake_of__isnull=True), distinct=True)
    )
    join_url = request.build_absolute_uri(reverse("quizzes:join_code", args=[classroom.join_code]))
    return render(
        request,
        "teaching/classroom.html",
        {
            "classroom": classroom,
            "enrollments": enrollments,
            "assignments": assignments,
            "join_url": join_url,
            "invite_form": invite_form,
            "pending": classroom.invitations.filter(
                accepted_at__isnull=True, created_at__gte=timezone.now() - Invitation.lifetime()
            ),
        },
    )


def invite_learners(classroom: Classroom, emails: list[str], request: HttpRequest) -> list[Invitation]:
    """One invitation per address to join the class, mailed with its one-time link (all written first)."""
    with transaction.atomic():
        invitations = [
            Invitation.objects.create(
                email=email, classroom=classroom, invited_by=request.user, language=translation.get_language() or "en"
            )
            for email in emails
        ]
    for invitation in invitations:
        send_invitation(invitation, request)
    return invitations


@require_safe
@never_cache
@teacher_required
def gradebook_csv(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _get_classroom_for_teacher(request, pk)
    return _spreadsheet(f"gradebook-{classroom.pk}.csv", teaching.write_gradebook_csv, classroom)


# --- assignments -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def new_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _get_classroom_for_teacher(request, pk)
    # 18:00 a week from now in the teacher's time zone (the form reads the field in it too).
    in_a_week = timezone.localtime(timezone.now() + timezone.timedelta(days=7))
    initial = {"due_at": in_a_week.replace(hour=18, minute=0, second=0, microsecond=0)}
    form = AssignmentForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        assignment = form.save(commit=False)
        assignment.classroom = classroom
        with transaction.atomic():
            teaching.assign(assignment)
        messages.success(request, _("Assigned to %(class)s.") % {"class": classroom.name})
        return redirect(assignment)
    return render(request, "teaching/new_assignment.html", {"classroom": classroom, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def edit_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an assignment's dates and rules; they apply from the next request of each learner."""
    assignment = _get_assignment_for_teacher(request, pk)
    form = AssignmentEditForm(request.user, request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            teaching.assign(form.save(commit=False))
        messages.success(request, _("Assignment saved: its new rules apply from now on."))
        return redirect(assignment)
    return render(
        request,
        "teaching/new_assignment.html",
        {"classroom": assignment.classroom, "form": form, "assignment": assignment},
    )


@require_POST
@teacher_required
def weak_item(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    """From the item analysis: send a question of the assignment back to the class's reviews, or flag it for
    rewriting (the admin filters the bank on the flag)."""
    assignment = _get_assignment_for_teacher(request, pk)
    question = get_object_or_404(Question, pk=question_id, quizset_items__quizset=assignment.quizset)
    form = WeakItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the question."))
    elif form.cleaned_data["action"] == "review":
        sent = teaching.send_back_to_review(assignment, question)
        messages.success(
            request,
            ngettext(
                "The question is back in the reviews of %(n)d learner, with its passage.",
                "The question is back in the reviews of %(n)d learners, with its passage.",
                sent,
            )
            % {"n": sent},
        )
    else:
        question.rewrite_requested = True
        question.rewrite_note = (
            form.cleaned_data["note"] or _("Weak in the item analysis of %(set)s.") % {"set": assignment.quizset.title}
        )[:500]
        question.save(update_fields=["rewrite_requested", "rewrite_note"])
        messages.success(request, _("The question is flagged for rewriting: the admin will see it."))
    return redirect(f"{assignment.get_absolute_url()}#item-{question.pk}")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@teacher_required
def assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_teacher(request, pk)
    # Unbound, the form is the same for every request while the class does not change: built only when not cached.
    form = ExtensionForm(assignment, request.POST) if request.POST else None
    if form is not None and form.is_valid():
        Extension.objects.update_or_create(
            assignment=assignment,
            learner=form.cleaned_data["learner"],
            defaults={"due_at": form.cleaned_data["due_at"]},
        )
        messages.success(
            request, _("Due date extended for %(name)s.") % {"name": form.cleaned_data["learner"].username}
        )
        return redirect(assignment)

    def results_html():
        rows, items = teaching.results(assignment)
        context = {"assignment": assignment, "rows": rows, "items": items}
        return render_to_string("teaching/_results.html", context, request)

    if form is None and not request.htmx and assignment.mode == Assignment.Mode.QUIZ and not _messages_waiting(request):

        def whole_page(marks: dict[str, str]) -> str:
            html = results_cache.cached(
                assignment, {"results": results_html, "form": lambda: ExtensionForm(assignment).as_p()}
            )
            context = {"assignment": assignment, "results_html": html["results"], "form_html": html["form"]}
            context.update(csrf_token=marks["csrf"], csp_nonce=marks["nonce"])
            return render_to_string("teaching/assignment.html", context, request)

        return HttpResponse(results_cache.page(request, assignment, whole_page))

    parts = {"results": results_html}
    if form is None:
        parts["form"] = lambda: ExtensionForm(assignment).as_p()
    html = results_cache.cached(assignment, parts)
    template = "teaching/assignment.html"
    if request.htmx:
        template += "#results"
    context = {"assignment": assignment, "results_html": html["results"], "form_html": html.get("form") or form.as_p()}
    return render(request, template, context)


@require_safe
@never_cache
@teacher_required
def assignment_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_teacher(request, pk)
    return _spreadsheet(f"assignment-{assignment.pk}.csv", teaching.write_assignment_csv, assignment)


def _spreadsheet(filename: str, write, subject) -> HttpResponse:
    """A CSV download that spreadsheets open as UTF-8 (the byte order mark tells them)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    write(subject, response)
    return response


@require_safe
@never_cache
@teacher_required
def learner_results(request: HttpRequest, pk: int, learner_id: int) -> HttpResponse:
    assignment = _get_assignment_for_teacher(request, pk)
    # learner__pk, not learner_id: Django's lookup on the key itself turns an id past the database's
    # range into "no such row", the one on the foreign key sends it to the driver, which crashes.
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("learner"), classroom=assignment.classroom, learner__pk=learner_id
    )
    attempts = list(
        Attempt.objects.filter(assignment=assignment, user=enrollment.learner)
        .counted()
        .prefetch_related("responses__question__choices")
        .order_by("started_at")
    )
    return render(
        request,
        "teaching/learner_results.html",
        {
            "assignment": assignment,
            "learner": enrollment.learner,
            "attempts": attempts,
            "due_at": assignment.due_for(enrollment.learner),
        },
    )


# --- quiz sets and questions ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def quizset_builder(request: HttpRequest, key: str | None = None) -> HttpResponse:
    """Build a quiz set from the bank: search and filter, pick questions, order them. Filtering and paging post
    the whole form (its filters named f-…, beside the set's own fields), so that the title and the questions
    picked so far stay on the page; only "Save" saves."""
    quizset = _get_own_quizset(request, key) if key else QuizSet(owner=request.user)
    browsing = request.method == "POST" and ("browse" in request.POST or "page" in request.POST)
    if browsing:
        typed = {name: request.POST.get(name, "") for name in QuizSetBuilderForm.Meta.fields}
        form = QuizSetBuilderForm(instance=quizset, initial=typed)
    else:
        form = QuizSetBuilderForm(request.POST or None, instance=quizset)
    if request.method == "POST" and not browsing and form.is_valid():
        picked = _picked(request)
        allowed = set(_bank_for(request.user).filter(pk__in=[pk for pk, _pos in picked]).values_list("pk", flat=True))
        picked = [(pk, pos) for pk, pos in picked if pk in allowed]
        if not picked:
            form.add_error(None, _("Pick at least one question."))
        else:
            with transaction.atomic():
                quizset = form.save(commit=False)
                quizset.owner = request.user
                if not quizset.key:
                    quizset.key = f"t{request.user.pk}-{timezone.now():%Y%m%d%H%M%S%f}"
                quizset.save()
                quizset.items.all().delete()
                QuizSetItem.objects.bulk_create(
                    QuizSetItem(quizset=quizset, question_id=pk, position=i)
                    for i, (pk, _pos) in enumerate(sorted(picked, key=lambda p: (p[1], p[0])))
                )
            messages.success(request, _("Quiz set saved with %(n)d questions.") % {"n": len(picked)})
            return redirect("quizzes:teach_quizset", key=quizset.key)
    bank = _bank_for(request.user).select_related("passage__source").order_by("passage__source__title", "external_id")
    search = BankFilterForm(request.POST, prefix="f") if request.method == "POST" else BankFilterForm(request.GET)
    filters = search.filters()
    if search.errors:
        messages.warning(request, _("Some filters could not be read and were left out."))
    if filters["q"]:
        bank = bank.filter(Q(prompt__icontains=filters["q"]) | Q(external_id__icontains=filters["q"]))
    if filters["source"]:
        bank = bank.filter(passage__source__key=filters["source"])
    if filters["topic"]:
        bank = bank.filter(topics__key=filters["topic"])
    if filters["tag"]:
        bank = bank.tagged(filters["tag"])
    for field in ("kind", "language", "difficulty"):
        if filters[field]:
            bank = bank.filter(**{field: search.cleaned_data[field]})
    page = Paginator(bank, 50).get_page((request.POST if request.method == "POST" else request.GET).get("page"))
    current = _current_rows(request, quizset)
    return render(
        request,
        "teaching/quizset_builder.html",
        {
            "form": form,
            "quizset": quizset,
            "page": page,
            "filters": filters,
            "picked": {pk for pk, _pos, _q, _ticked in current},
            "current": current,
            "sources": Source.objects.visible_to(request.user),
            "kinds": Question.Kind.choices,
            "topics": Topic.objects.all(),
            "tags": Tag.objects.filter(questions__in=_bank_for(request.user)).distinct(),
        },
    )


def _current_rows(request: HttpRequest, quizset: QuizSet) -> list[tuple[int, str, Question, bool]]:
    """The set's questions (id, order, question, ticked): as saved, or after a refused save, as the teacher
    left them, with the questions they ticked in the bank, so that nothing they picked is lost."""
    saved = []
    if quizset.pk:
        items = quizset.items.select_related("question").order_by("position")
        saved = [(item.question_id, str(item.position + 1), item.question) for item in items]
    if request.method != "POST":
        return [(pk, position, question, True) for pk, position, question in saved]
    ticked = [pk for pk, _pos in _picked(request)]
    saved_ids = {pk for pk, _pos, _q in saved}
    added = _bank_for(request.user).filter(pk__in=[pk for pk in ticked if pk not in saved_ids]).in_bulk()
    rows = [(pk, request.POST.get(f"pos-{pk}", ""), q, pk in ticked) for pk, _pos, q in saved]
    rows += [(pk, request.POST.get(f"pos-{pk}", ""), added[pk], True) for pk in ticked if pk in added]
    return rows


def _bank_for(teacher) -> QuerySet[Question]:
    """What a teacher may put in their sets: the published shared bank on texts they may read, and their
    own questions (not what another teacher assigned them as a learner: that is not theirs to pass on)."""
    return (
        Question.objects.usable_by(teacher)
        .shared()  # their own cards, as a learner, stay theirs: never in a set
        .filter(Q(status=Question.Status.PUBLISHED) | Q(owner=teacher))
    )


def _picked(request: HttpRequest) -> list[tuple[int, int]]:
    """Picked question ids with their position (from the 'pick' checkboxes and 'pos-<id>' inputs)."""
    picked = []
    for value in request.POST.getlist("pick"):
        pk = as_id(value)
        if pk is None:  # not a question's id: a forged form (ids past the database's range crash `pk__in`)
            continue
        try:
            position = int(request.POST.get(f"pos-{pk}") or 1000)
        except ValueError:
            continue
        picked.append((pk, position))
    return picked


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def new_question(request: HttpRequest) -> HttpResponse:
    """A teacher's own question, with the same rules as the admin's editor; it stays theirs until an
    admin publishes it to the shared bank."""
    question = Question(owner=request.user, status=Question.Status.PUBLISHED)
    form = TeacherQuestionForm(request.user, request.POST or None, instance=question)
    formset = ChoiceFormSet(request.POST or None, instance=question)
    if request.method == "POST" and question_form_is_valid(form, formset):  # the model's clean() runs too
        with transaction.atomic():
            question.external_id = f"t{request.user.pk}-{timezone.now():%Y%m%d%H%M%S%f}"
            save_question(form, formset)
        messages.success(request, _("Question saved: add it to one of your quiz sets."))
        return redirect("quizzes:teach")
    return render(request, "teaching/new_question.html", {"form": form, "formset": formset})


@require_http_methods(["GET", "HEAD", "POST"])
@teacher_required
def edit_question(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher edits one of their own questions (another's, or the shared bank's, is a 404), with the rules
    of the editor they wrote it with."""
    question = get_object_or_404(Question.objects.select_related("passage__source"), pk=pk, owner=request.user)
    form = TeacherQuestionForm(request.user, request.POST or None, instance=question)
    formset = ChoiceFormSet(request.POST or None, instance=question)
    if request.method == "POST" and question_form_is_valid(form, formset):
        with transaction.atomic():
            save_question(form, formset)
        messages.success(request, _("Question saved."))
        return redirect("quizzes:teach_edit_question", pk=question.pk)
    return render(request, "teaching/new_question.html", {"form": form, "formset": formset, "question": question})


# --- the learner's side of classes -------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def join(request: HttpRequest, code: str = "") -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": code})
    if request.method == "POST" and form.is_valid():
        try:
            classroom = teaching.join(request.user, form.cleaned_data["code"])
        except teaching.JoinError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, _("You joined %(class)s.") % {"class": classroom.name})
            return redirect("quizzes:home")
    return render(request, "teaching/join.html", {"form": form})


@require_POST
@login_required
def start_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner starts (or resumes) an attempt at an assignment of one of their classes."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("quizset"),
        pk=pk,
        classroom__enrollments__learner=request.user,
        classroom__archived=False,
        mode=Assignment.Mode.QUIZ,
    )
    try:
        attempt = quizzing.start_attempt(request.user, assignment.quizset, assignment=assignment)
    except quizzing.QuizError as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:home")
    return redirect(attempt)


@csrf_exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" without cookies; the token is the proof
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The reminder mail's link: GET asks to confirm (link scanners only read), POST turns reminders off.
    No login needed: the signed token names the learner."""
    user = reminders.user_from_unsubscribe_token(token)
    if user is None:
        return render(request, "teaching/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        StudySettings.objects.filter(user=user).update(reminders=False)
        return render(request, "teaching/unsubscribe.html", {"done": True})
    return render(request, "teaching/unsubscribe.html", {"token": token})
