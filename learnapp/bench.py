"""The benchmark's WSGI application (scripts/benchmark.py only; no setting or URLconf of the app points here).

It serves the app as learnapp.wsgi does, plus two reference views that give the ratios their meaning:

- /__bench__/bare/  a view answering a few bytes with no middleware at all: Django's own floor;
- /__bench__/auth/  the same view behind session + CSRF + auth middleware only, for a logged-in user
  (the session is read, the user loaded, a CSRF token set): the ceiling of any logged-in page.

Both use the app's own settings (database, session engine, cache), so a change to those moves the
ceiling too and the ratios stay honest.
"""

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse, HttpResponseForbidden
from django.middleware.csrf import get_token
from django.test.utils import override_settings
from django.urls import path
from django.utils.html import escape

app = get_wsgi_application()

AUTH_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def bare_view(request):
    return HttpResponse("<!doctype html><p>hello</p>")


def auth_view(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden("log in first")
    return HttpResponse(f"<!doctype html><p>hello {escape(request.user.username)}</p><i>{get_token(request)}</i>")


urlpatterns = [path("__bench__/bare/", bare_view), path("__bench__/auth/", auth_view)]


class _Handler(WSGIHandler):
    """A handler with its own middleware list (read once, at init) that resolves with this module's URLs."""

    def __init__(self, middleware: list[str]):
        with override_settings(MIDDLEWARE=middleware):
            super().__init__()

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


bare = _Handler([])
auth = _Handler(AUTH_MIDDLEWARE)


def application(environ, start_response):
    path_info = environ.get("PATH_INFO", "")
    if path_info == "/__bench__/bare/":
        return bare(environ, start_response)
    if path_info == "/__bench__/auth/":
        return auth(environ, start_response)
    return app(environ, start_response)
