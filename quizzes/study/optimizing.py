"""Per-learner FSRS parameters: the learner's log (own reviews and imported ones) and fitting on it."""

from django.db import transaction
from django.utils import timezone

from .fitting import MIN_REVIEWS_TO_FIT, FitFailed, NotEnoughReviews, fit_parameters
from .models import Card, ReviewLog, StudySettings
from .revlog import Review, RevlogInvalid, read_revlog

__all__ = [
    "MIN_REVIEWS_TO_FIT",
    "FitFailed",
    "NotEnoughReviews",
    "RevlogInvalid",
    "as_review",
    "import_reviews",
    "optimize_for",
]


def as_review(log: ReviewLog) -> Review:
    return Review(
        card_id=log.card_id if log.card_id is not None else log.external_card_id,
        review_time=log.reviewed_at,
        rating=log.rating,
        duration_ms=log.duration_ms,
        state=log.state_before,
    )


def training_reviews(user) -> list[Review]:
    """Reviews to fit on: manual and rescheduled entries are left out, as in the FSRS benchmark."""
    logs = ReviewLog.objects.filter(user=user).exclude(kind__in=[ReviewLog.Kind.MANUAL, ReviewLog.Kind.RESCHEDULED])
    return [as_review(log) for log in logs.order_by("reviewed_at", "pk").iterator()]


def import_reviews(user, data: bytes, name: str) -> tuple[int, int]:
    """Validate the whole CSV first, then insert in one transaction. Returns (added, in the file)."""
    reviews = read_revlog(data, name)
    rows = [
        ReviewLog(
            user=user,
            external_card_id=r.card_id,
            reviewed_at=r.review_time,
            rating=r.rating,
            duration_ms=r.duration_ms,
            state_before=r.state if r.state is not None else Card.State.REVIEW,
            kind=ReviewLog.Kind.IMPORTED,
            origin=ReviewLog.Origin.IMPORT,
        )
        for r in reviews
    ]
    with transaction.atomic():
        before = ReviewLog.objects.filter(user=user, kind=ReviewLog.Kind.IMPORTED).count()
        ReviewLog.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        after = ReviewLog.objects.filter(user=user, kind=ReviewLog.Kind.IMPORTED).count()
    return after - before, len(rows)


def optimize_for(user) -> StudySettings:
    """Fit FSRS parameters on the learner's log and use them from now on (a new parameter version)."""
    settings = StudySettings.for_user(user)
    reviews = training_reviews(user)
    parameters = fit_parameters(reviews, tz=settings.timezone, rollover_hour=settings.rollover_hour)
    settings.parameters = list(parameters)
    settings.params_version += 1
    settings.optimized_at = timezone.now()
    settings.reviews_at_optimization = len(reviews)
    settings.save()
    return settings
