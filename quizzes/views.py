"""The front page (the library, with what is due for the learner) and the favicon: composes every domain."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from . import library
from .teaching import results as teaching

TAG = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The library: its shared part (quiz sets by source text and by topic) comes from the cache while
    the bank does not change (quizzes/library.py); the learner's assignments are read on each request."""
    assignments = teaching.for_learner(request.user) if request.user.is_authenticated else []
    tag = request.GET.get("tag", "")
    tag = tag if TAG.fullmatch(tag) else ""  # a tag is a key: anything else filters nothing
    context = {"library_html": library.shared_html(request, tag), "assignments": assignments, "tag": tag}
    return render(request, "home.html", context)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("quizzes/favicon.svg"), permanent=True)
