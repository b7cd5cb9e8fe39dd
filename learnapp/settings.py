"""One settings module, driven by the environment.

DJANGO_ENV=development (the default) runs locally on http with DEBUG on; DJANGO_ENV=production
turns on every deployment protection (HTTPS only, HSTS, secure cookies) and requires
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. DATABASE_URL switches from SQLite to PostgreSQL.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"

DEVELOPMENT_SECRET_KEY = "dev-only-not-secret-learnapp-key"

if PRODUCTION:
    DEBUG = False
    if not os.environ.get("DJANGO_SECRET_KEY"):
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DJANGO_SECRET_KEY: set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "")
else:
    DEBUG = envbool("DJANGO_DEBUG", True)
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
    if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        # DEBUG off looks like a deployment: say loudly that anyone can forge sessions with this key.
        sys.stderr.write(
            "WARNING: DJANGO_DEBUG is off but DJANGO_ENV is not production: the development secret key "
            "is in use (anyone can forge sessions). Set DJANGO_SECRET_KEY, and DJANGO_ENV=production.\n"
        )

CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's CommonMiddleware, the request limits and the refusal log in one layer: before CSRF (it logs its
    # 403s, and reads the body before it does).
    "quizzes.accounts.middleware.RequestsMiddleware",
    "learnapp.middleware.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quizzes.study.middleware.TimeZoneMiddleware",  # the viewer's time zone, once the user is known
    "learnapp.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "learnapp.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Django's FallbackStorage, its cookie's signer made only when a cookie of messages is read or written.
MESSAGE_STORAGE = "learnapp.middleware.FallbackStorage"

ROOT_URLCONF = "learnapp.urls"
WSGI_APPLICATION = "learnapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizzes.accounts.context_processors.roles",
            ],
        },
    },
]

# --- database: SQLite by default, PostgreSQL when DATABASE_URL is set ---
SQLITE_OPTIONS = {
    # BEGIN IMMEDIATE: a read-then-write transaction takes the write lock up front instead of
    # failing with "database is locked" when it tries to upgrade (RELIABILITY.md §A8).
    "transaction_mode": "IMMEDIATE",
    "timeout": 5,  # seconds: busy_timeout 5000 ms
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA journal_size_limit=67108864;"
    ),
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A sqlite:/// URL would otherwise silently drop the options above.
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
        DATABASES["default"]["ENGINE"] = "learnapp.sqlite3"
    elif envbool("DATABASE_PREPARED_STATEMENTS", True):
        # Prepared statements. A rating's two card statements (6 kB each: the visibility rule, the held questions)
        # cost PostgreSQL 2.6-3 ms each to parse and plan for 0.2-0.35 ms of execution: most of its ~9 ms of CPU per
        # rating. Django binds parameters client-side and turns psycopg's prepared statements off by default. With
        # both on, psycopg prepares a statement at its 6th run on a connection, and PostgreSQL, after 5 custom plans,
        # keeps one generic plan if its estimated cost is below theirs (plan_cache_mode auto): ~2.6 ms per rating
        # (docs/performance.md, session 11). Turn it off (DATABASE_PREPARED_STATEMENTS=0) behind a pooler in
        # transaction mode that does not track prepared statements (PgBouncer before 1.21, or without
        # max_prepared_statements), which would run a statement prepared on one server connection on another.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
else:
    SQLITE_PATH = Path(os.environ.get("LEARNAPP_SQLITE_PATH", BASE_DIR / "data" / "db.sqlite3"))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's, converting each statement's placeholders once (learnapp/sqlite3/base.py).
            "ENGINE": "learnapp.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
            # Keep the connection between requests: opening one runs the five PRAGMAs above.
            "CONN_MAX_AGE": 600,
            # Tests use a file too, so concurrent connections really share WAL, locks and busy timeouts.
            # One file per test run (its process id), so two runs on one machine never share it.
            "TEST": {"NAME": SQLITE_PATH.with_name(f"test-{os.getpid()}.sqlite3")},
        }
    }

# --- cache: local memory (one per process) by default, Redis when REDIS_URL is set ---
# The library's shared part is cached per bank version (quizzes/library.py, quizzes/bank/version.py).
# Sessions are cached too, but only in a cache that every process shares: with one cache per process,
# a logout in one worker would leave the session alive in another's cache.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("LEARNAPP_CACHE_PREFIX", "learnapp"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "learnapp"}}
# Touched when the bank changes, so that every process on this machine drops its cached library.
LEARNAPP_BANK_STAMP = Path(os.environ.get("LEARNAPP_BANK_STAMP", BASE_DIR / "data" / "bank-version.stamp"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "quizzes.accounts.auth.AccountBackend",
]
# Lock out a username from one address, never a whole school behind one NAT address.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "quizzes.accounts.auth.axes_username"
AXES_IPWARE_PROXY_COUNT = envint("AXES_IPWARE_PROXY_COUNT", 0) or None

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quizzes:home"
LOGOUT_REDIRECT_URL = "quizzes:home"
SESSION_COOKIE_AGE = 60 * 60 * 12

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outside production, whitenoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Content Security Policy: no inline script, no eval; htmx is served from static/ ---
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy checks each node over plain http
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True


# --- email: the console (make run prints the mails) unless SMTP is configured; production always uses SMTP ---
def smtp_options() -> dict:
    """SMTP settings from EMAIL_URL (smtp://user:password@host:587, smtps:// for implicit TLS,
    ?tls=0 to turn STARTTLS off) or from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
    EMAIL_USE_TLS (EMAIL_USE_SSL)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    url = os.environ.get("EMAIL_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "submission"):
            raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parts.scheme!r} (smtp:// or smtps://)")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        ssl = parts.scheme == "smtps" or query.get("ssl", "").lower() in ("1", "true", "yes", "on")
        tls = not ssl and query.get("tls", "1").lower() in ("1", "true", "yes", "on")
        return {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if ssl else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": tls,
            "use_ssl": ssl,
            "timeout": envint("EMAIL_TIMEOUT", 10),
        }
    return {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 587 if envbool("EMAIL_USE_TLS", False) else 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", False),
        "use_ssl": envbool("EMAIL_USE_SSL", False),
        "timeout": envint("EMAIL_TIMEOUT", 10),
    }


if PRODUCTION or os.environ.get("EMAIL_URL") or os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": smtp_options()}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "learnapp <learnapp@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Links in mails sent outside a request (reminders): the site's address, e.g. https://learn.example.org
LEARNAPP_SITE_URL = os.environ.get("LEARNAPP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long an invitation link and an email-change link stay valid.
LEARNAPP_INVITATION_DAYS = envint("LEARNAPP_INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day

# --- background jobs: django.tasks, stored in the database, run by `manage.py run_worker` ---
# Any number of workers on any machine take jobs from the same table (rows locked with SKIP LOCKED on
# PostgreSQL); nothing about a job lives in a process's memory. docs/deployment.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job that has not reported progress for this long lost its worker (killed, machine gone):
# run_worker's sweep runs it again, up to LEARNAPP_JOB_ATTEMPTS times, then marks it failed.
LEARNAPP_JOB_STALE_SECONDS = envint("LEARNAPP_JOB_STALE_SECONDS", 120)
LEARNAPP_JOB_ATTEMPTS = envint("LEARNAPP_JOB_ATTEMPTS", 3)
# Review logs larger than this are imported by a worker, the page polling its progress.
LEARNAPP_BACKGROUND_IMPORT_BYTES = envint("LEARNAPP_BACKGROUND_IMPORT_BYTES", 256 * 1024)
# Periodic tasks that run_worker enqueues once per period, whichever and however many workers run:
# {"name": {"task": "dotted.path.to.a_task", "every": seconds}} (quizzes/periodic.py).
LEARNAPP_PERIODIC_TASKS: dict[str, dict] = {
    # Every quarter of an hour: learners choose an hour in their own zone, some of which are offset by :30 or :45.
    "reminders": {"task": "quizzes.teaching.reminders.send_reminders_task", "every": 15 * 60},
}

# Uploaded banks: Django does not cap multipart file parts, the import form checks the size.
QUESTION_BANK_MAX_BYTES = 2 * 1024 * 1024

# Everything goes to stderr (the process manager keeps it): 500s with their traceback, whatever DEBUG
# says (Django's default sends them only to ADMINS by mail), and refused pages at INFO.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
        # The worker's log: each task started, finished or failed (with its traceback), periodic runs.
        "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "quizzes.worker": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "quizzes.refused": {"handlers": ["console"], "level": os.environ.get("LEARNAPP_REFUSED_LOG_LEVEL", "INFO")},
    },
}
