"""Real processes on the test database: workers (manage.py run_worker) and web servers (gunicorn).

The test must commit what they read (django_db(transaction=True)); they reach the same database as the
test, SQLite file or PostgreSQL, through the environment.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def env(**extra: str) -> dict[str, str]:
    """The environment of a process that uses the test's database."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LEARNAPP_")) and k != "DATABASE_URL"}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        base["LEARNAPP_SQLITE_PATH"] = str(db["NAME"])
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        base["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**base, "DJANGO_SETTINGS_MODULE": "learnapp.settings", "PYTHONUNBUFFERED": "1", **extra}


def start_worker(log: Path, **extra: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--tick", "0.5"]
    return _start(command, log, extra)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, log: Path, **extra: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "learnapp.wsgi", "-b", f"127.0.0.1:{port}",
        "-w", "2", "--timeout", "30", "--graceful-timeout", "1",
    ]  # fmt: skip
    process = _start(command, log, extra)
    wait_for(lambda: _answers(port), 30, f"gunicorn on port {port} did not start: {log.read_text()[-2000:]}")
    return process


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _start(command: list[str], log: Path, extra: dict) -> subprocess.Popen:
    out = log.open("ab")
    # Its own process group: killing it kills its children too (gunicorn's workers).
    return subprocess.Popen(command, cwd=ROOT, env=env(**extra), stdout=out, stderr=out, start_new_session=True)


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(10)


def wait_for(condition, timeout: float, message: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(message() if callable(message) else message)
