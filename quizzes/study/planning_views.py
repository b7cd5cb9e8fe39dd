"""The learner's plan: the workload simulator and exam dates (quizzes.study.planning does the work)."""

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from ..accounts.params import as_id
from . import planning
from .forms import ExamDateForm, SimulatorForm
from .models import Deck, ExamDate, Study, StudySettings


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@login_required
def simulator(request: HttpRequest) -> HttpResponse:
    settings = StudySettings.for_user(request.user)
    initial = {
        "days": "30",
        "new_per_day": str(min(settings.new_per_day, 200)),
        "retention": str(min(planning.RETENTIONS, key=lambda r: abs(r - settings.desired_retention))),
    }
    # Without a query string the form is bound to the learner's settings: the page opens on a result.
    form = SimulatorForm(request.GET or initial)
    simulation = None
    if form.is_valid():
        data = form.cleaned_data
        simulation = planning.request_simulation(request.user, days=data["days"], new_per_day=data["new_per_day"])
    context = {"form": form, "simulation": simulation, "settings": settings}
    if simulation is not None and simulation.result:
        context.update(planning.simulator_context(simulation, data["retention"], settings))
    template = "study/simulator.html"
    if request.htmx:
        template += "#simulation"
    return render(request, template, context, status=200 if form.is_valid() else 400)


def _get_exam_for_user(request: HttpRequest, pk: int) -> ExamDate:
    return get_object_or_404(
        ExamDate.objects.select_related("study__quizset", "study__source", "deck"), pk=pk, user=request.user
    )


def _calendar_today(settings: StudySettings) -> date:
    """The learner's date on their calendar: an exam is on a calendar day (at 1 am it is already that day,
    though the review day, which starts at the rollover hour, is still yesterday's)."""
    return timezone.now().astimezone(ZoneInfo(settings.timezone)).date()


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def exam_dates(request: HttpRequest) -> HttpResponse:
    settings = StudySettings.for_user(request.user)
    today = _calendar_today(settings)
    initial = {"target": settings.desired_retention}
    if study_id := as_id(request.GET.get("study", "")):  # a row id; else no suggestion
        study = Study.objects.filter(user=request.user, pk=study_id).first()
        if study is not None:
            initial.update(covers=ExamDateForm.covers_key(study), on=study.target_date)
    elif deck_id := as_id(request.GET.get("deck", "")):
        deck = Deck.objects.filter(user=request.user, pk=deck_id).first()
        if deck is not None:
            initial.update(covers=ExamDateForm.covers_key(deck))
    form = ExamDateForm(request.user, request.POST or None, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        exam = form.save()
        messages.success(request, _("Exam date saved."))
        return redirect(exam)
    exams = list(ExamDate.objects.filter(user=request.user).select_related("study__quizset", "study__source", "deck"))
    planned = {exam.study_id for exam in exams}
    # A study assignment's due date sets its study's target date: offered here as an exam date.
    from_assignments = [
        study
        for study in Study.objects.filter(user=request.user, target_date__gt=today).select_related("quizset", "source")
        if study.pk not in planned
    ]
    return render(
        request,
        "study/exam_dates.html",
        {"form": form, "exams": exams, "from_assignments": from_assignments, "today": today},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def exam_date(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _get_exam_for_user(request, pk)
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    today = _calendar_today(settings)
    form = ExamDateForm(request.user, instance=exam, today=today)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "schedule":
            moved = planning.schedule_for_exam(exam, settings, now)
            messages.success(
                request,
                ngettext(
                    "%(n)d card will come back for review before the exam.",
                    "%(n)d cards will come back for review before the exam.",
                    moved,
                )
                % {"n": moved},
            )
            return redirect(exam)
        if action == "delete":
            exam.delete()
            messages.info(request, _("Exam date removed. Your cards keep their schedule."))
            return redirect("quizzes:exam_dates")
        form = ExamDateForm(request.user, request.POST, instance=exam, today=today)
        if form.is_valid():
            form.save()
            messages.success(request, _("Exam date saved."))
            return redirect(exam)
        exam = _get_exam_for_user(request, pk)  # the page shows the exam as saved, not the refused values
    context = {"exam": exam, "form": form, "forecast": planning.forecast(exam, settings, now), "today": today}
    return render(request, "study/exam_date.html", context, status=400 if form.errors else 200)
