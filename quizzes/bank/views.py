"""The bank's pages: a source text, and a question previewed with its answer (staff)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..accounts.roles import is_admin
from .models import Question, Source


@require_safe
def source(request: HttpRequest, key: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user).not_own_cards(), key=key)
    paragraphs = [p.strip() for p in source.text.split("\n\n") if p.strip()]
    return render(request, "bank/source.html", {"source": source, "paragraphs": paragraphs})


@require_safe
@login_required
@permission_required("quizzes.view_question", raise_exception=True)
def preview(request: HttpRequest, external_id: str) -> HttpResponse:
    """A question as a learner sees it, then its answer panel (staff only: it shows the answer)."""
    questions = Question.objects.shared().with_content()  # a learner's own card: only its owner sees it
    if not is_admin(request.user):
        questions = questions.visible_to(request.user)  # not another teacher's own question
    question = get_object_or_404(questions, external_id=external_id)
    source_owner = question.passage.source.owner_id
    if not is_admin(request.user) and question.status == Question.Status.DRAFT and source_owner != request.user.pk:
        raise Http404  # drafts are for the people who review them
    return render(request, "bank/preview.html", {"question": question})
