"""The front page (the library, with what is due for the learner) and the favicon: composes every domain."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import library
from .teaching import results as teaching

logger = logging.getLogger("quizzes.health")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The library: its shared part (quiz sets by source text and by topic) comes from the cache while
    the bank does not change (quizzes/library.py); the learner's assignments are read on each request."""
    assignments = teaching.for_learner(request.user) if request.user.is_authenticated else []
    return render(request, "home.html", {"library_html": library.shared_html(request), "assignments": assignments})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("quizzes/favicon.svg"), permanent=True)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the proxy or load balancer: 200 when this process reaches the database and the cache, 503 when
    not (take the node out of rotation). Says nothing else: it is public."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.get("healthz")  # with REDIS_URL, sessions live there too
    except Exception:  # noqa: BLE001 - any failure to reach them means "not healthy"
        logger.exception("health check failed")
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
