"""Operations: a 500 leaves its traceback in the log, a refused object access is logged with who and
where (never a password), a production start without a secret key says which variable is missing,
and a development key outside development is announced."""

import logging
import os
import subprocess
import sys
import textwrap

import pytest
from django.test import Client

from quizzes.models import Attempt
from tests import factory


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    return {**env, "DJANGO_SETTINGS_MODULE": "learnapp.settings", **extra}


def run(code: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    env = clean_env(LEARNAPP_SQLITE_PATH=str(tmp_path / "db.sqlite3"), **env)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), os.getcwd()])
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=os.getcwd())


def test_production_without_a_secret_key_names_the_variable(tmp_path):
    out = run("import django; django.setup()", tmp_path, DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="x.org")
    assert out.returncode != 0
    assert "ImproperlyConfigured" in out.stderr and "DJANGO_SECRET_KEY" in out.stderr
    assert "KeyError" not in out.stderr


def test_debug_off_outside_production_warns_about_the_development_key(tmp_path):
    out = run("import django; django.setup()", tmp_path, DJANGO_DEBUG="0")
    assert out.returncode == 0, out.stderr
    assert "DJANGO_SECRET_KEY" in out.stderr and "development" in out.stderr


def test_plain_development_does_not_warn(tmp_path):
    out = run("import django; django.setup()", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "DJANGO_SECRET_KEY" not in out.stderr


def test_a_500_is_logged_with_its_traceback_when_debug_is_off(tmp_path):
    (tmp_path / "boom_urls.py").write_text(
        textwrap.dedent("""\
            from django.urls import path

            def boom(request):
                raise RuntimeError("boom in a view")

            urlpatterns = [path("boom/", boom)]
        """)
    )
    code = textwrap.dedent("""\
        import django; django.setup()
        from django.conf import settings
        settings.ROOT_URLCONF = "boom_urls"
        from django.test import Client
        r = Client(raise_request_exception=False).get("/boom/")
        print("status", r.status_code)
    """)
    out = run(code, tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert "status 500" in out.stdout, out.stderr
    assert "Traceback" in out.stderr and "RuntimeError: boom in a view" in out.stderr
    assert "/boom/" in out.stderr


@pytest.mark.django_db
def test_a_refused_page_is_logged_at_info_with_user_and_path(caplog, learner):
    client = Client()
    client.force_login(learner)
    with caplog.at_level(logging.INFO):
        assert client.get("/teach/").status_code == 403
    refused = [r for r in caplog.records if r.levelno == logging.INFO and "/teach/" in r.getMessage()]
    assert refused and "alice" in refused[0].getMessage() and "403" in refused[0].getMessage()


@pytest.mark.django_db
def test_another_users_object_is_logged_at_info_without_the_password(caplog, learner):
    bob = factory.make_user("bob", factory.Role.LEARNER)
    quizset = factory.make_quizset(questions=[factory.make_question()])
    attempt = Attempt.objects.create(user=bob, quizset=quizset, question_ids=[])
    client = Client()
    client.force_login(learner)
    with caplog.at_level(logging.INFO):
        r = client.post(f"/attempts/{attempt.pk}/finish/", {"password": "hunter2-very-secret"})
    assert r.status_code == 404
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any(f"/attempts/{attempt.pk}/finish/" in m and "alice" in m and "404" in m for m in logged), logged
    assert not any("hunter2" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_failed_login_never_logs_the_password(caplog, learner):
    with caplog.at_level(logging.DEBUG):
        Client().post("/accounts/login/", {"username": "alice", "password": "hunter2-very-secret"})
    assert not any("hunter2" in r.getMessage() for r in caplog.records)
