"""A background worker: runs the jobs of django.tasks' database backend, and once a minute enqueues the
periodic tasks that are due and re-runs the jobs whose worker died (quizzes/periodic.py).

Run as many as you like, on any machine that reaches the database: each job runs once (rows are claimed
in a transaction, SKIP LOCKED on PostgreSQL), each period's periodic task is enqueued once.
"""

import logging
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from quizzes import periodic

logger = logging.getLogger("quizzes.worker")


class Command(BaseCommand):
    help = "Run a background worker: jobs (derivations, fitting, large imports) and periodic tasks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--tick", type=float, default=60.0, help="seconds between periodic checks")
        parser.add_argument("--worker-id", default="", help="unique across the pool (default: random)")

    def handle(self, *args, interval: float, tick: float, worker_id: str, **options) -> None:
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=True,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        self.stdout.write(f"Worker {worker.worker_id} started (jobs every {interval:g} s, periodic every {tick:g} s)")
        self.stdout.flush()
        threading.Thread(target=self._periodic, args=(tick,), daemon=True, name="periodic").start()
        worker.configure_signals()
        worker.run()

    def _periodic(self, tick: float) -> None:
        while True:
            try:
                close_old_connections()
                if lost := periodic.sweep():
                    logger.warning("%d job(s) had lost their worker: run again or given up", lost)
                for name in periodic.enqueue_due():
                    logger.info("enqueued periodic task %s", name)
                periodic.prune()
            except Exception:  # a database hiccup must not stop the periodic thread; the next tick retries
                logger.exception("periodic tick failed")
            finally:
                connections.close_all()
            time.sleep(tick)
