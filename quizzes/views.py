"""The front page (the library, with what is due for the learner) and the favicon: composes every domain."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from . import library
from .teaching import results as teaching


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The library: its shared part (quiz sets by source text and by topic) comes from the cache while
    the bank does not change (quizzes/library.py); the learner's assignments are read on each request."""
    assignments = teaching.for_learner(request.user) if request.user.is_authenticated else []
    tag = request.GET.get("tag", "")[:50]
    context = {"library_html": library.shared_html(request, tag), "assignments": assignments, "tag": tag}
    return render(request, "home.html", context)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("quizzes/favicon.svg"), permanent=True)
