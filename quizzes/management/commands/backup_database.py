"""Back up the database to one file, while the app runs: SQLite with `VACUUM INTO` (a consistent copy,
other connections keep reading and writing), PostgreSQL with `pg_dump --format=custom` (one snapshot).
docs/deployment.md describes the schedule and the restore drill."""

import os
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_environment() -> dict[str, str]:
    """libpq's variables for the configured database: the password never appears on a command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or "", "PGHOST": db["HOST"] or ""}
    env["PGPORT"] = str(db["PORT"] or "")
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


class Command(BaseCommand):
    help = "Back up the database to a file (SQLite: VACUUM INTO; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("output", type=Path, help="the backup file to write (must not exist)")

    def handle(self, *args, output: Path, **options) -> str:
        if output.exists():
            raise CommandError(f"{output} exists: choose a new name (a backup never overwrites another)")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(output)])
        elif connection.vendor == "postgresql":
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={output}"],
                env=pg_environment(),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                output.unlink(missing_ok=True)
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            raise CommandError(f"no backup for the {connection.vendor} database")
        return f"Backed up to {output} ({output.stat().st_size:,} bytes)."
