import random
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone

from quizzes.accounts.roles import Role, grant_role, sync_roles
from quizzes.bank.models import QuizSet
from quizzes.bank.yaml_bank import BankFile, BankInvalid, import_bank
from quizzes.management.commands.import_bank import report_conflicts
from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog, StudySettings
from quizzes.teaching import results as teaching
from quizzes.teaching.models import Assignment, Classroom, Enrollment

BANK_DIR = settings.BASE_DIR / "bank"
# Demo accounts for a local try-out; documented in the README. Never created in production.
DEMO_USERS = [
    ("learner", "learner-demo-2026", Role.LEARNER),
    ("teacher", "teacher-demo-2026", Role.TEACHER),
    ("admin", "admin-demo-2026", Role.ADMIN),
]


HISTORY_DAYS = 24
DEMO_STUDIES = ["what-is-gene-therapy", "vectors-en"]


def simulate_history(user, days: int = HISTORY_DAYS, seed: int = 2026) -> int:
    """A few weeks of reviews through the real scheduler, so the demo learner's progress page is alive.

    Each simulated day the learner goes through the queue; they recall a card with its FSRS
    probability (a little worse on new cards). Runs once: a learner with a history is left alone.
    """
    if ReviewLog.objects.filter(user=user).exists():
        return 0
    rng = random.Random(seed)
    for key in DEMO_STUDIES:
        quizset = QuizSet.objects.filter(key=key).first()
        if quizset:
            scheduling.add_study(user, quizset=quizset)
    settings = StudySettings.for_user(user)
    scheduler = scheduling.scheduler_for(settings)
    # The version too: what is kept per learner (the library page, progress) sees a card change by its version.
    Card.objects.filter(user=user).update(due=timezone.now() - timedelta(days=days + 1), version=F("version") + 1)
    count = 0
    for day in range(days, 0, -1):
        if rng.random() < 0.12:  # a day off now and then
            continue
        clock = timezone.now() - timedelta(days=day) + timedelta(minutes=rng.randint(0, 600))
        for _ in range(120):
            card = scheduling.queue(user, settings, clock).card
            if card is None:
                break
            if card.state == Card.State.NEW:
                rating = rng.choices([1, 2, 3, 4], weights=[25, 10, 55, 10])[0]
            else:
                recall = scheduler.get_card_retrievability(scheduling._to_fsrs(card), clock)
                rating = (rng.choices([2, 3, 4], weights=[15, 75, 10])[0]) if rng.random() < recall else 1
            scheduling.rate(user, card.pk, rating, token=uuid.uuid4(), now=clock, duration_ms=rng.randint(3000, 20000))
            count += 1
            clock += timedelta(seconds=rng.randint(8, 40))
    return count


def demo_class(teacher, learner) -> bool:
    """A class for the demo teacher with the demo learner in it and a quiz due next week."""
    if Classroom.objects.filter(teacher=teacher).exists():
        return False
    classroom = Classroom.objects.create(teacher=teacher, name="Demo class")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    quizset = QuizSet.objects.filter(key="approved-drugs-en").first()
    if quizset:
        teaching.assign(Assignment(classroom=classroom, quizset=quizset, due_at=timezone.now() + timedelta(days=7)))
    return True


def shipped_bank_files() -> list[Path]:
    return sorted(BANK_DIR.glob("*.yaml")) + sorted((BANK_DIR / "questions").glob("*.yaml"))


class Command(BaseCommand):
    help = "Load the shipped question bank and create the demo learner, teacher and admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Take the shipped bank's version of questions that were also edited in the app.",
        )

    def handle(self, *args, overwrite: bool = False, **options) -> str:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("setup_demo creates accounts with published passwords: not in production.")
        try:
            result = import_bank(
                [BankFile.from_path(p) for p in shipped_bank_files()],
                progress=lambda done, total: self.stderr.write(f"questions: {done}/{total}"),
                overwrite=overwrite,
            )
        except BankInvalid as exc:
            raise CommandError("the shipped bank is invalid:\n" + "\n".join(map(str, exc.errors))) from None
        self.stdout.write(f"Bank: {result}")
        report_conflicts(self, result)
        User = get_user_model()
        sync_roles()  # the roles' permissions as this version defines them (an older database had fewer)
        for username, password, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
            if not user.email:  # password reset and reminders need one; `make run` prints the mails
                user.email = f"{username}@example.org"
            user.is_staff = role == Role.ADMIN
            user.save()
            grant_role(user, role)
            self.stdout.write(f"{'Created' if created else 'Kept'} {role.value.lower()} {username!r}")
        learner = User.objects.get(username="learner")
        if demo_class(User.objects.get(username="teacher"), learner):
            self.stdout.write("Created the demo class (the teacher's), with the learner and one assignment")
        reviews = simulate_history(learner)
        if reviews:
            self.stdout.write(f"Simulated {reviews} reviews over {HISTORY_DAYS} days for 'learner'")
        return "Demo ready: log in as learner / learner-demo-2026, teacher / teacher-demo-2026, admin / admin-demo-2026"
