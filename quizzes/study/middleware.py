"""Every page in the viewer's time zone (their settings), and their language remembered for mails."""

import zoneinfo

from django.conf import settings as django_settings
from django.utils import timezone

from .models import StudySettings


class TimeZoneMiddleware:
    """Activates the user's time zone for the request, so that templates and date filters show local
    times; anonymous visitors and users without settings get settings.TIME_ZONE. It also records the
    language the user reads the site in (LocaleMiddleware's choice), which their mails are written in,
    and the time zone their browser gave at sign-up: writes only when something changes.

    The settings come with the user (quizzes.accounts.auth): no query on an ordinary request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._follow(request, user)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def _follow(self, request, user) -> None:
        try:
            settings = user.study_settings
        except StudySettings.DoesNotExist:
            settings = None
        changes = {}
        language = getattr(request, "LANGUAGE_CODE", None)
        if language and language != (settings.language if settings else django_settings.LANGUAGE_CODE):
            changes["language"] = language
        guessed = request.session.pop("guessed_timezone", None) if hasattr(request, "session") else None
        if guessed and guessed in zoneinfo.available_timezones():
            # The browser's guess at sign-up (quizzes.accounts.views.signup); changed later on the settings page.
            changes["timezone"] = guessed
        if changes:
            settings = settings or StudySettings.for_user(user)
            for field, value in changes.items():
                setattr(settings, field, value)
            StudySettings.objects.filter(pk=settings.pk).update(**changes)
        name = settings.timezone if settings else django_settings.TIME_ZONE
        try:
            # Replaces whatever zone was active: no deactivate first (each costs a request a few µs).
            timezone.activate(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
