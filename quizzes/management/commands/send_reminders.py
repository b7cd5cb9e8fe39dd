from django.core.management.base import BaseCommand

from quizzes.teaching.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the daily reminders whose hour has come (run it every hour, e.g. from cron)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Sent {send_reminders()} reminders")
