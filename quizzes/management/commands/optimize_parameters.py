from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.study import optimizing
from quizzes.study.models import ReviewLog


class Command(BaseCommand):
    help = "Fit FSRS parameters on a learner's review log (or every learner's with --all)."

    def add_arguments(self, parser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="username")
        who.add_argument("--all", action="store_true", help="every learner with a review log")

    def handle(self, *args, user: str | None, all: bool, **options) -> str:
        User = get_user_model()
        if user:
            users = list(User.objects.filter(username=user))
            if not users:
                raise CommandError(f"no user {user!r}")
        else:
            users = list(User.objects.filter(pk__in=ReviewLog.objects.values("user")))
        fitted = 0
        for learner in users:
            try:
                settings = optimizing.optimize_for(learner)
            except (optimizing.NotEnoughReviews, optimizing.FitFailed) as exc:
                if user:
                    raise CommandError(f"{learner.username}: {exc}") from None
                self.stderr.write(f"{learner.username}: skipped: {exc}")
                continue
            fitted += 1
            self.stdout.write(f"{learner.username}: parameters version {settings.params_version}")
        return f"Fitted {fitted} of {len(users)} learner(s)."
