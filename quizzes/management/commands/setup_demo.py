from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.banking import BankFile, BankInvalid, import_bank
from quizzes.roles import Role, grant_role

BANK_DIR = settings.BASE_DIR / "bank"
# Demo accounts for a local try-out; documented in the README. Never created in production.
DEMO_USERS = [
    ("learner", "learner-demo-2026", Role.LEARNER),
    ("teacher", "teacher-demo-2026", Role.TEACHER),
    ("admin", "admin-demo-2026", Role.ADMIN),
]


def shipped_bank_files() -> list[Path]:
    return sorted(BANK_DIR.glob("*.yaml")) + sorted((BANK_DIR / "questions").glob("*.yaml"))


class Command(BaseCommand):
    help = "Load the shipped question bank and create the demo learner, teacher and admin."

    def handle(self, *args, **options) -> str:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("setup_demo creates accounts with published passwords: not in production.")
        try:
            result = import_bank(
                [BankFile.from_path(p) for p in shipped_bank_files()],
                progress=lambda done, total: self.stderr.write(f"questions: {done}/{total}"),
            )
        except BankInvalid as exc:
            raise CommandError("the shipped bank is invalid:\n" + "\n".join(map(str, exc.errors))) from None
        self.stdout.write(f"Bank: {result}")
        User = get_user_model()
        for username, password, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
            user.is_staff = role == Role.ADMIN
            user.save()
            grant_role(user, role)
            self.stdout.write(f"{'Created' if created else 'Kept'} {role.value.lower()} {username!r}")
        return "Demo ready: log in as learner / learner-demo-2026, teacher / teacher-demo-2026, admin / admin-demo-2026"
