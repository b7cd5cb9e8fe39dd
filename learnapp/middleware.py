"""Three of Django's middleware, and its message storage, each doing on every request only the work it needs.

Every logged-in page is measured against a view behind only the session, CSRF and auth middleware
(docs/performance.md); Django's three layers below cost a hello-world view ~75 µs of its ~1.2 ms in a request
(in-process, session 10), much of it work that the request throws away. Each class is Django's with that work skipped
or done once, and Django's own code wherever the shortcut does not apply; tests/test_middleware_stack.py compares the
stack's responses with those of Django's classes, header for header."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages import middleware as messages
from django.contrib.messages.storage import default_storage, fallback, session
from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signing
from django.middleware import csp, locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP, build_policy
from django.utils.functional import SimpleLazyObject, cached_property, empty


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, without looking for a language in the path when no URL pattern is prefixed by one (i18n_patterns,
    which the app does not use): Django looks twice on every request, raising and catching a LookupError for every
    path whose first segment is not a language ("/review/"), and uses what it finds only with such patterns. With
    them, Django's code runs (the redirect of a path without its language)."""

    def process_request(self, request):
        if is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]:
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]:
            return super().process_response(request, response)
        if "Vary" in response:
            patch_vary_headers(response, ("Accept-Language",))
        else:  # what patch_vary_headers writes when there is none, without parsing one
            response.headers["Vary"] = "Accept-Language"
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


HEADER = str(CSP.HEADER_ENFORCE)  # a plain str: a WSGI server refuses the enum (a str subclass) as a header name


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's, the header of the policy in settings.SECURE_CSP built once instead of on every response; with the
    request's nonce written in when the page used it, as Django's does. A response with its own policy (Django's
    csp_override and csp_report_only_override decorators), or a report-only policy in the settings, goes through
    Django's. The header is built again when the setting is another object (override_settings), not when the dict
    is changed in place."""

    _built: tuple[object, str, list[str]] = (None, "", [])

    def process_response(self, request, response):
        config = settings.SECURE_CSP
        if (
            not config
            or settings.SECURE_CSP_REPORT_ONLY
            or hasattr(response, "_csp_config")
            or hasattr(response, "_csp_ro_config")
            or CSP.HEADER_ENFORCE in response
        ):
            return super().process_response(request, response)
        built, plain, parts = self._built
        if built is not config:
            plain = build_policy(config)
            # Cut where the nonce goes, marked by the sentinel itself (never written out: Django drops it or
            # replaces it).
            parts = build_policy(config, CSP.NONCE).split(f"'nonce-{CSP.NONCE}'")
            type(self)._built = (config, plain, parts)
        nonce = csp.get_nonce(request)  # true once the page has used it, as in Django's
        response.headers[HEADER] = f"'nonce-{nonce}'".join(parts) if nonce else plain
        return response


class MessageMiddleware(messages.MessageMiddleware):
    """Django's, its storage made when the request first reads or adds a message: making it (Django's
    FallbackStorage: a cookie storage with its signer, a session storage) is work that a request which neither
    reads nor adds one throws away, and such a storage saves nothing on the way out."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if type(storage) is SimpleLazyObject and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


class LazySignerCookieStorage(CookieStorage):
    """Django's cookie storage of messages, its signer made when a cookie of messages is read or written: Django
    makes it for every storage, that is on every page that looks for messages (each kept page does: showing one uses
    it up), ~60 % of making the storage, and a request without the cookie never uses it."""

    def __init__(self, *args, **kwargs):
        BaseStorage.__init__(self, *args, **kwargs)  # CookieStorage's, but for the signer

    @cached_property
    def signer(self):
        return signing.get_cookie_signer(salt=self.key_salt)


class FallbackStorage(fallback.FallbackStorage):
    """Django's default storage of messages (settings.MESSAGE_STORAGE): in the cookie while they fit, else in the
    session; with the cookie's signer made when needed."""

    storage_classes = (LazySignerCookieStorage, session.SessionStorage)
