"""Restore a backup made by backup_database, replacing everything in the database. Stop the web
processes and the workers first (docs/deployment.md, "Restore")."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup_database import pg_environment


class Command(BaseCommand):
    help = "Replace the database with a backup made by backup_database. Stop the app and workers first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm: everything written since is lost")

    def handle(self, *args, backup: Path, yes: bool, **options) -> str:
        if not backup.is_file():
            raise CommandError(f"{backup}: no such file")
        if not yes:
            raise CommandError("Restoring replaces the whole database: run again with --yes to confirm.")
        if connection.vendor == "sqlite":
            self._restore_sqlite(backup, Path(connection.settings_dict["NAME"]))
        elif connection.vendor == "postgresql":
            connection.close()
            name = connection.settings_dict["NAME"]
            done = subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={name}"]
                + [str(backup)],
                env=pg_environment(),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_restore failed (nothing was changed): {done.stderr.strip()}")
        else:
            raise CommandError(f"no restore for the {connection.vendor} database")
        return f"Restored {backup}."

    def _restore_sqlite(self, backup: Path, target: Path) -> None:
        try:
            with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as check:
                if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise CommandError(f"{backup} is damaged (integrity check failed): nothing was changed")
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"{backup} is not a SQLite database: {exc}") from exc
        connection.close()
        # Copy beside the database, then swap in one rename; the WAL of the old file must not replay on it.
        staged = target.with_name(target.name + ".restoring")
        shutil.copyfile(backup, staged)
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        staged.replace(target)
