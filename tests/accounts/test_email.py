"""Email configuration: the console in development, SMTP from EMAIL_URL or EMAIL_* in production, and
`check --deploy` clean with it; mails are text + HTML in the recipient's language."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail

from quizzes.accounts.mail import send_mail
from tests.test_settings import clean_env

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-9f8e7d",
    "DJANGO_ALLOWED_HOSTS": "learn.example.org",
}
SETUP = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'learnapp.settings'); django.setup();"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
SHOW = (
    "from django.conf import settings; import json; print(json.dumps([settings.MAILERS, settings.DEFAULT_FROM_EMAIL]))"
)


def mail_settings(**env: str):
    for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
        env.setdefault(name, "")
    code = f"{SETUP} {SHOW}"
    out = subprocess.run(
        [sys.executable, "-c", code], env=clean_env(**env), capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_development_prints_mails_on_the_console():
    mailers, _sender = mail_settings(DJANGO_ENV="development")
    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_make_run_shows_the_mails_in_its_output(tmp_path):
    code = (
        f"{SETUP} from quizzes.accounts.mail import send_mail; from django.contrib.auth.models import User;"
        "send_mail('email_change', 'new@example.org', {'user': User(username='ana'), 'link': 'http://x/', "
        "'email': 'new@example.org'}, language='fr')"
    )
    env = clean_env(DJANGO_ENV="development", LEARNAPP_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    for name in ("EMAIL_URL", "EMAIL_HOST"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert out.returncode == 0, out.stderr
    assert "Subject: Confirmez votre nouvelle adresse e-mail learnapp" in out.stdout
    assert "Pour utiliser new@example.org" in out.stdout


def test_email_url_configures_smtp_with_starttls():
    mailers, sender = mail_settings(
        **PRODUCTION, EMAIL_URL="smtp://mailer%40school.org:p%40ss@smtp.school.org:587", DEFAULT_FROM_EMAIL="a@b.org"
    )
    smtp = mailers["default"]
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] | {"timeout": 0} == {
        "host": "smtp.school.org",
        "port": 587,
        "username": "mailer@school.org",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 0,
    }
    assert sender == "a@b.org"


def test_smtps_url_uses_implicit_tls():
    mailers, _ = mail_settings(**PRODUCTION, EMAIL_URL="smtps://u:p@mail.example.org")
    assert mailers["default"]["OPTIONS"]["port"] == 465
    assert mailers["default"]["OPTIONS"]["use_ssl"] and not mailers["default"]["OPTIONS"]["use_tls"]


def test_email_variables_configure_smtp():
    mailers, _ = mail_settings(
        **PRODUCTION,
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="me",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="1",
    )
    options = mailers["default"]["OPTIONS"]
    assert (options["host"], options["port"], options["username"], options["password"], options["use_tls"]) == (
        "smtp.example.org",
        2525,
        "me",
        "secret",
        True,
    )


@pytest.mark.parametrize(
    "email_env", [{"EMAIL_URL": "smtp://u:p@smtp.example.org:587"}, {"EMAIL_HOST": "smtp.example.org"}]
)
def test_check_deploy_passes_with_email_configured(email_env):
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_env(**PRODUCTION, **email_env),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout


def test_check_deploy_refuses_the_console_backend():
    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE']='learnapp.settings'; django.setup();"
        "from django.conf import settings; settings.MAILERS={'default': {'BACKEND': '" + CONSOLE + "'}};"
        "from django.core import checks; print([e.id for e in checks.run_checks(include_deployment_checks=True)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=clean_env(**PRODUCTION), capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert "mail.E001" in out.stdout, out.stdout + out.stderr


def test_an_unknown_email_url_scheme_is_a_clear_error():
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=clean_env(**PRODUCTION, EMAIL_URL="http://x"),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode != 0 and "EMAIL_URL: unknown scheme 'http'" in out.stderr


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("en", "Confirm your new learnapp email address", "To use new@example.org for your learnapp account"),
        (
            "fr",
            "Confirmez votre nouvelle adresse e-mail learnapp",
            "Pour utiliser new@example.org pour votre compte learnapp",
        ),
    ],
)
def test_mails_are_text_and_html_in_the_language_asked(learner, language, subject, words):
    send_mail(
        "email_change",
        "new@example.org",
        {"user": learner, "link": "http://x/y", "email": "new@example.org"},
        language=language,
    )
    (message,) = mail.outbox
    assert message.subject == subject
    assert words in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and words in html and 'href="http://x/y"' in html
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
