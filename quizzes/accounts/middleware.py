"""What the app does to every request as a whole, in one middleware: Django's CommonMiddleware (the host checked, a
missing slash redirected, the response's length), a body past the upload limits sent back to the form with a
message, and a log line for every refused page (403, 404), so that an admin can see an attack or a broken link.

One layer rather than three: every layer of the stack costs each request its own wrappers (Django's exception
handler around it, MiddlewareMixin's calls), about 10-20 µs each, and a logged-in page is measured against a view
behind only the session, CSRF and auth middleware (docs/performance.md, session 8)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.handlers.exception import response_for_exception
from django.middleware.common import CommonMiddleware
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

refused = logging.getLogger("quizzes.refused")


class RequestsMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, with the request limits and the refusal log.

    It comes after SessionMiddleware (messages need the session) and before CsrfViewMiddleware: its log sees the
    403s of the CSRF check, and its process_view reads the body before CSRF's does (below)."""

    def __call__(self, request):
        try:
            response = self.process_request(request) or self.get_response(request)
        except Exception as exc:  # as Django's handler answers it, so that its 403 or 404 is logged too
            response = response_for_exception(request, exc)
        response = self.process_response(request, response)
        if response.status_code in (403, 404):
            _log_refusal(request, response)
        return response

    def process_view(self, request, view, args, kwargs):
        """A POST past DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many fields) goes back to the form with a message,
        instead of Django's bare 400 page. Django raises RequestDataTooBig when request.POST is first read, and
        CsrfViewMiddleware reads it before any view: so this reads the body first. Nothing is saved and no view
        runs, so going back needs no CSRF check."""
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        try:
            request.POST  # noqa: B018 - parsing the body is what may fail
            request.FILES  # noqa: B018
        except RequestDataTooBig:
            message = _("What you sent is larger than %(size)s: nothing was saved. Upload a long text as a file.")
            messages.error(request, message % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})
        except (TooManyFieldsSent, TooManyFilesSent):
            messages.error(request, _("What you sent has too many fields or files: nothing was saved."))
        else:
            return None
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = request.get_full_path()
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(back)
        return redirect(back)


def _log_refusal(request, response) -> None:
    """At INFO, with the user, the method and the path: never the query string or the body, where passwords and
    tokens travel."""
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    refused.info(
        "%s %s %s user=%s ip=%s",
        response.status_code,
        request.method,
        request.path,
        who,
        request.META.get("REMOTE_ADDR", ""),
    )
