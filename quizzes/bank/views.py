"""The bank's pages: a source text, and a question previewed with its answer (staff)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..accounts.roles import Role, has_role
from .models import Question, Source


@require_safe
def source(request: HttpRequest, key: str) -> HttpResponse:
    source = get_object_or_404(Source, key=key)
    paragraphs = [p.strip() for p in source.text.split("\n\n") if p.strip()]
    return render(request, "bank/source.html", {"source": source, "paragraphs": paragraphs})


@require_safe
@login_required
@permission_required("quizzes.view_question", raise_exception=True)
def preview(request: HttpRequest, external_id: str) -> HttpResponse:
    """A question as a learner sees it, then its answer panel (staff only: it shows the answer)."""
    question = get_object_or_404(Question.objects.with_content(), external_id=external_id)
    is_admin = request.user.is_superuser or has_role(request.user, Role.ADMIN)
    source_owner = question.passage.source.owner_id
    if not is_admin and question.owner_id not in (None, request.user.pk) and source_owner != request.user.pk:
        raise Http404  # another teacher's own question
    if not is_admin and question.status == Question.Status.DRAFT and source_owner != request.user.pk:
        raise Http404  # drafts are for the people who review them
    return render(request, "bank/preview.html", {"question": question})
