"""Every view either is public on purpose or turns anonymous visitors and learners away
(RELIABILITY.md case 2): a new view that forgot its decorator fails here."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "quizzes:home",
    "quizzes:quizset",
    "quizzes:source",
    "quizzes:signup",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "favicon",
}
TEACHER_ONLY = re.compile(r"^(teach|texts|review-queue)/")


def routes(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            path = prefix + str(p.pattern)
            path = re.sub(r"<int:\w+>", "999999", path)
            path = re.sub(r"<(slug|str):\w+>", "nothing-here", path)
            name = f"{namespace}{p.name}" if p.name else (p.callback.__name__ if p.callback else path)
            yield name, "/" + path.lstrip("^").rstrip("$")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(learner):
    checked = 0
    pupil = Client()
    pupil.force_login(learner)
    for name, path in routes():
        if name in PUBLIC or name.split(":")[-1] in PUBLIC:
            continue
        for method in ("get", "post"):
            r = getattr(Client(), method)(path)
            assert r.status_code in (302, 403, 404, 405), (name, method, path, r.status_code)
            if r.status_code == 302:
                assert "/accounts/login/" in r.url, (name, method, r.url)
            if TEACHER_ONLY.match(path.lstrip("/")):
                assert getattr(pupil, method)(path).status_code in (403, 404, 405), (name, method, path)
        checked += 1
    assert checked > 30
