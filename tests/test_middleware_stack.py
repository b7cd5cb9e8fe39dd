"""The app's middleware stack answers as Django's and the libraries' own layers would: the same status and headers,
header for header (security headers, CSP with the page's nonce, language and its Vary, messages and their cookie,
X-Frame-Options, redirects), with learnapp/middleware.py's layers and message storage or with Django's in their
place. Random values (nonce, token, cookie values) and the current second are compared by shape."""

import re
import secrets
import zoneinfo

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import fallback
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from learnapp.middleware import ContentSecurityPolicyMiddleware, FallbackStorage
from quizzes.study.middleware import TimeZoneMiddleware
from quizzes.study.models import StudySettings

APPS = {
    "learnapp.middleware.LocaleMiddleware": "django.middleware.locale.LocaleMiddleware",
    "learnapp.middleware.MessageMiddleware": "django.contrib.messages.middleware.MessageMiddleware",
    "learnapp.middleware.ContentSecurityPolicyMiddleware": "django.middleware.csp.ContentSecurityPolicyMiddleware",
}
DJANGO_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def use_djangos(settings) -> None:
    assert set(APPS) <= set(settings.MIDDLEWARE), "the stack changed: update APPS"
    settings.MIDDLEWARE = [APPS.get(name, name) for name in settings.MIDDLEWARE]
    settings.MESSAGE_STORAGE = DJANGO_STORAGE


def shape(response) -> tuple:
    """Status, headers and cookies, random values and the current second left out."""
    headers = []
    # Plain str, as a WSGI server requires (wsgiref refuses a str subclass such as CSP.HEADER_ENFORCE).
    assert all(type(name) is str and type(value) is str for name, value in response.items())
    for name, value in sorted(response.headers.items()):
        if name in ("Expires", "Date"):
            value = "<time>"
        value = re.sub(r"'nonce-[^']+'", "'nonce-N'", value)
        headers.append((name, value))
    cookies = sorted(
        (
            name,
            bool(morsel.value),
            tuple((key, morsel[key]) for key in ("path", "max-age", "samesite", "httponly", "secure", "domain")),
        )
        for name, morsel in response.cookies.items()
    )
    return response.status_code, headers, cookies


def visits(learner) -> list[tuple]:
    """Every kind of answer the stack shapes, from fresh clients."""
    out = []
    anonymous = Client()
    out.append(shape(anonymous.get("/")))
    out.append(shape(anonymous.get(reverse("login"))))  # a form: the CSRF cookie, the nonce used
    out.append(shape(anonymous.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")))
    client = Client()
    client.force_login(learner)
    out.append(shape(client.get("/")))  # rendered
    out.append(shape(client.get("/")))  # kept
    out.append(shape(client.get(reverse("quizzes:review"))))
    out.append(shape(client.get(reverse("quizzes:review"), HTTP_HX_REQUEST="true")))
    out.append(shape(client.get("/", HTTP_ACCEPT_LANGUAGE="fr")))
    out.append(shape(client.get("/no-such-page/")))
    out.append(shape(client.get("/review?deck=1")))  # the slash added
    out.append(shape(client.post(reverse("quizzes:undo"))))  # a message added ("Nothing to undo.")
    page = client.get(reverse("quizzes:review"))  # and shown
    assert "Nothing to undo" in page.content.decode()
    out.append(shape(page))
    out.append(shape(client.get(reverse("quizzes:review"))))  # shown once
    out.append(shape(client.post(reverse("set_language"), {"language": "fr", "next": "/"})))
    out.append(shape(client.get("/")))  # in French, from the cookie
    out.append(shape(client.get(reverse("healthz"))))
    return out


@pytest.mark.django_db
def test_the_stack_answers_as_djangos_layers_header_for_header(learner, settings):
    ours = visits(learner)
    use_djangos(settings)
    assert visits(learner) == ours
    # What the comparison covers: each behaviour is in the answers.
    flat = [dict(headers) for status, headers, _cookies in ours if status != 301]  # the slash: outside them
    assert all(h["X-Frame-Options"] == "DENY" and h["X-Content-Type-Options"] == "nosniff" for h in flat)
    assert all("Accept-Language" in h["Vary"] for h in flat)
    assert {h["Content-Language"] for h in flat} == {"en", "fr"}
    assert any("'nonce-N'" in h["Content-Security-Policy"] for h in flat)
    assert any("'nonce-N'" not in h["Content-Security-Policy"] for h in flat)
    assert any(name == "messages" for _s, _h, cookies in ours for name, _v, _a in cookies)


@pytest.mark.django_db
def test_the_nonce_in_the_header_is_the_pages(client, learner):
    client.force_login(learner)
    for _ in range(2):  # rendered, then kept
        response = client.get("/")
        nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        assert len(nonces) == 1
        policy = response[CSP.HEADER_ENFORCE]
        assert f"script-src 'self' 'nonce-{nonces.pop()}'" in policy
        assert policy.count("'nonce-") == 2  # scripts and styles


def test_a_response_with_its_own_policy_or_a_policy_changed_goes_through_djangos(rf, settings):
    own = ContentSecurityPolicyMiddleware(csp_override({"default-src": [CSP.NONE]})(lambda r: HttpResponse()))
    assert own(rf.get("/"))[CSP.HEADER_ENFORCE] == "default-src 'none'"
    plain = ContentSecurityPolicyMiddleware(lambda r: HttpResponse())
    assert plain(rf.get("/"))[CSP.HEADER_ENFORCE].startswith("default-src 'self'; script-src 'self'; ")
    settings.SECURE_CSP = {"img-src": [CSP.SELF, CSP.NONCE]}
    assert plain(rf.get("/"))[CSP.HEADER_ENFORCE] == "img-src 'self'"
    settings.SECURE_CSP_REPORT_ONLY = {"img-src": [CSP.NONE]}
    both = plain(rf.get("/"))
    assert both[CSP.HEADER_ENFORCE] == "img-src 'self'" and both[CSP.HEADER_REPORT_ONLY] == "img-src 'none'"
    settings.SECURE_CSP = {}
    assert CSP.HEADER_ENFORCE not in plain(rf.get("/"))


def test_with_language_prefixed_urls_a_path_without_its_language_is_redirected(client, db, settings):
    settings.ROOT_URLCONF = "tests.urls_i18n"
    ours = [shape(client.get(path)) for path in ("/hello/", "/fr/hello/", "/en/hello/", "/de/hello/")]
    assert ours[0][0] == 302 and ("Location", "/en/hello/") in ours[0][1]
    assert ("Vary", "Accept-Language, Cookie") in ours[0][1]
    assert ("Content-Language", "fr") in ours[1][1]
    use_djangos(settings)
    assert [shape(client.get(path)) for path in ("/hello/", "/fr/hello/", "/en/hello/", "/de/hello/")] == ours


def test_a_message_too_large_for_the_cookie_goes_to_the_session_and_a_forged_cookie_is_ignored(learner):
    client = Client()
    client.force_login(learner)
    big = secrets.token_urlsafe(3000)  # the cookie's text is compressed: random text does not shrink
    request = RequestFactory().get("/")
    request.session = client.session
    storage = FallbackStorage(request)
    storage.add(messages.INFO, big)
    storage.add(messages.INFO, "short")
    response = HttpResponse()
    storage.update(response)
    request.session.save()
    assert request.session["_messages"]  # the big one did not fit in the cookie
    # read back by Django's storage: the same cookie and session
    again = RequestFactory().get("/")
    again.COOKIES["messages"] = response.cookies["messages"].value
    again.session = request.session.__class__(request.session.session_key)
    assert [m.message for m in fallback.FallbackStorage(again)] == [big, "short"]
    forged = RequestFactory().get("/")
    forged.COOKIES["messages"] = CookieStorage(forged)._encode([Message(messages.INFO, "x")])[:-3] + "abc"
    forged.session = client.session
    assert list(FallbackStorage(forged)) == []


@pytest.mark.django_db
def test_the_users_zone_is_active_in_the_view_and_not_after(learner, settings):
    settings.TIME_ZONE = "UTC"
    StudySettings.objects.update_or_create(user=learner, defaults={"timezone": "Europe/Paris"})
    learner.refresh_from_db()
    seen = []
    middleware = TimeZoneMiddleware(lambda r: seen.append(timezone.get_current_timezone_name()) or HttpResponse())
    request = RequestFactory().get("/")
    request.user, request.session, request.LANGUAGE_CODE = learner, {}, "en"
    timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))  # left active by something else: replaced
    middleware(request)
    assert seen == ["Europe/Paris"] and timezone.get_current_timezone_name() == "UTC"
    StudySettings.objects.filter(user=learner).update(timezone="Mars/Olympus")
    learner = type(learner).objects.select_related("study_settings").get(pk=learner.pk)
    request.user = learner
    timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))
    middleware(request)  # a zone that cannot be read: the default, not the one left active
    assert seen[-1] == "UTC"
    request.user = AnonymousUser()
    timezone.activate(zoneinfo.ZoneInfo("Asia/Tokyo"))
    middleware(request)
    assert seen[-1] == "UTC" and timezone.get_current_timezone_name() == "UTC"
