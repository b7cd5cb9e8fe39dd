"""The front page (the library, with what is due for the learner) and the favicon: composes every domain."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from . import library, library_cache
from .study import scheduling
from .study.models import StudySettings
from .teaching import results as teaching

logger = logging.getLogger("quizzes.health")


@require_safe
@vary_on_headers("HX-Request")
def home(request: HttpRequest) -> HttpResponse:
    """The library: its sets (each once, their cards rendered) and texts come from the cache while the bank
    does not change (quizzes/library.py), searched and filtered here; with htmx, only the list of sets. The
    learner's assignments and what they have due are read on each request, or the whole page comes from the
    cache while nothing it is made from changes (quizzes/library_cache.py)."""
    now = timezone.now()
    if library_cache.keeps(request):
        html = library_cache.page(
            request,
            now,
            lambda token, nonce, assigned: library_page(
                request, now, token, nonce, assignments=None if assigned else []
            ),
        )
        if html is not None:
            return HttpResponse(html)
    return library_page(request, now)


def library_page(request: HttpRequest, now, csrf_token=None, csp_nonce=None, assignments=None):
    """The library rendered; with the CSRF token and the CSP nonce given, the page's HTML with them in it.
    `assignments`: the learner's, when the caller knows them (a kept page's fingerprint says when they have none)."""
    filters = library.LibraryFilterForm(request.GET).filters()
    data = library.shared_rows(request)
    sets = library.filtered(data["sets"], filters)
    filtering = any(filters.values())
    context = {
        "sets": sets,
        "texts": data["texts_html"],
        "topics": data["topics"],
        "kinds": library.SetKind.choices,
        "filters": filters,
        "filtering": filtering,
        "unfiltered_form": None if filtering else data["form_html"],
    }
    due = {}
    if request.user.is_authenticated:
        settings = StudySettings.read_for(request.user)
        due = library.due_by_set(request.user, settings, now)
        if not request.htmx:
            queue = scheduling.queue(request.user, settings, now, fetch_card=False)
            context["queue"] = queue
            context["to_review"] = queue.new_left + queue.learning_due + queue.review_left
            context["assignments"] = teaching.for_learner(request.user, now) if assignments is None else assignments
    context["cards"] = library.cards(sets, due)
    if csrf_token is not None:
        # Given values win over the context processors': the same token and nonce everywhere in the page.
        context.update(csrf_token=csrf_token, csp_nonce=csp_nonce)
        return render_to_string("home.html", context, request)
    if request.htmx:
        return render(request, "home.html#sets", context)
    return render(request, "home.html", context)


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
