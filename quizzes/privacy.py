"""A learner's own data: a download of everything the app keeps about them, and deleting their account
(GDPR-style). It composes every domain, so it sits above them, like the front page.

Deleting a learner deletes their cards, review log, studies, attempts, responses, enrolments and
reminders (cascades); teachers' results read what is left (the class's fingerprint changes with the
enrolment, so no cached page shows them), and questions or texts they wrote as a teacher go with them
or lose their owner (Source.owner is SET_NULL)."""

import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from .accounts.forms import DeleteAccountForm
from .quizzing.models import Attempt, Response
from .study.models import Card, ReviewLog, Study, StudySettings
from .teaching.models import Enrollment, Reminder


def _rows(queryset, fields=None) -> list[dict]:
    return [{"id": o["pk"], **o["fields"]} for o in serializers.serialize("python", queryset, fields=fields)]


def export_data(user) -> dict:
    """Everything about the user, as plain JSON-able data (ids are the app's; questions by their bank id)."""
    cards = Card.objects.filter(user=user).select_related("question")
    return {
        "exported_at": timezone.now(),
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "settings": _rows(StudySettings.objects.filter(user=user)),
        "studies": _rows(Study.objects.filter(user=user)),
        "cards": [
            {**row, "question_bank_id": card.question.external_id}
            for row, card in zip(_rows(cards), cards, strict=True)
        ],
        "review_log": _rows(ReviewLog.objects.filter(user=user).order_by("reviewed_at", "pk")),
        "attempts": _rows(Attempt.objects.filter(user=user).order_by("started_at")),
        "responses": _rows(Response.objects.filter(attempt__user=user).order_by("attempt_id", "position")),
        "classes": [
            {"class": e.classroom.name, "joined_at": e.joined_at}
            for e in Enrollment.objects.filter(learner=user).select_related("classroom")
        ],
        "reminders_sent": list(Reminder.objects.filter(user=user).values("day", "sent_at")),
    }


@require_safe
@cache_control(private=True, no_store=True)
@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = json.dumps(export_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    stamp = datetime.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="learnapp-{request.user.pk}-{stamp}.json"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Offers the export first; the password confirms. Staff accounts are deleted by another admin."""
    user = request.user
    form = DeleteAccountForm(user, request.POST or None)
    if user.is_staff or user.is_superuser:
        form = None
    elif form.is_valid():
        logout(request)
        user.delete()
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("quizzes:home")
    return render(request, "registration/delete_account.html", {"form": form})
