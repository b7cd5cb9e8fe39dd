"""Two small middlewares about requests as a whole: a body past the upload limits, and a log line
for every refused page (403, 404), so that an admin can see an attack or a broken link."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

refused = logging.getLogger("quizzes.refused")


class RequestLimitsMiddleware:
    """A POST past DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many fields) sends the user back to the
    form with a message, instead of Django's bare 400 page.

    Django raises RequestDataTooBig when request.POST is first read, and CsrfViewMiddleware reads it
    before any view: so this must come before CsrfViewMiddleware, and read the body first. Nothing is
    saved and no view runs, so going back needs no CSRF check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
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


class RefusalLogMiddleware:
    """Logs each 403 and 404 at INFO with the user, the method and the path (never the query string
    or the body, where passwords and tokens travel)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
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
        return response
