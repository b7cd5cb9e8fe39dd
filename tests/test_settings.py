"""Settings that must really be in force: SQLite pragmas, deployment checks, security headers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what the test run itself sets (browser tests allow async-unsafe)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **extra}


sqlite_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite pragmas (run without DATABASE_URL)"
)


@sqlite_only
@pytest.mark.django_db
def test_sqlite_pragmas_are_applied():
    with connection.cursor() as cursor:
        values = {}
        for pragma in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
            cursor.execute(f"PRAGMA {pragma}")
            values[pragma] = cursor.fetchone()[0]
    # The test database is in memory, where SQLite reports "memory" for journal_mode;
    # the on-disk check below covers WAL.
    assert values["busy_timeout"] == 5000
    assert values["foreign_keys"] == 1
    assert values["synchronous"] == 1  # NORMAL


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_transactions_begin_immediate():
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")
    assert queries.captured_queries[0]["sql"] == "BEGIN IMMEDIATE"


def test_an_on_disk_database_runs_in_wal_mode(tmp_path):
    """The real settings module, on a real file: journal_mode is WAL (in-memory test DBs cannot show it)."""
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = clean_env(DJANGO_SETTINGS_MODULE="learnapp.settings", LEARNAPP_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "wal"


def test_a_sqlite_database_url_keeps_the_options(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['transaction_mode'])"
    env = clean_env(DJANGO_SETTINGS_MODULE="learnapp.settings", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "IMMEDIATE"


def test_production_settings_pass_check_deploy():
    env = clean_env(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-9f8e7d",
        DJANGO_ALLOWED_HOSTS="learn.example.org",
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = clean_env(DJANGO_ENV="production")
    env.pop("DJANGO_SECRET_KEY", None)
    out = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY" in out.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    first = client.get("/")
    second = client.get("/")
    policy = first["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert policy != second["Content-Security-Policy"], "the nonce must change per response"
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = first.content.decode()
    assert f'nonce="{nonce}"' in html
    assert html.count("<script") == html.count(f'nonce="{nonce}"')
    assert first["X-Frame-Options"] == "DENY"
    assert first["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_htmx_runs_without_eval(client):
    html = client.get("/").content.decode()
    assert '"allowEval":false' in html
    assert '"includeIndicatorStyles":false' in html
    assert "hx-on" not in html


def test_with_redis_url_the_cache_and_sessions_are_shared_in_redis():
    """Several web processes (or machines) share one cache and the sessions through Redis: a value one
    process writes, another reads (the redis-server of this machine; .ci/run starts it)."""
    env = clean_env(REDIS_URL="redis://127.0.0.1:6379/15", LEARNAPP_CACHE_PREFIX="learnapp-test-redis")
    key = f"probe-{os.getpid()}"
    script = (
        "import django, sys; django.setup(); from django.conf import settings; from django.core.cache import cache;"
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE);"
        f"cache.set('{key}', sys.argv[1]) if sys.argv[1] != '-' else print(cache.get('{key}'))"
    )

    def run(arg: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", script, arg], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    written = run("written by one process")
    assert "django.core.cache.backends.redis.RedisCache django.contrib.sessions.backends.cached_db" in written
    assert run("-").splitlines()[-1] == "written by one process"
