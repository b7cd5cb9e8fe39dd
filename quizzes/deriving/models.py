"""Derivation jobs and the candidates they propose, waiting for review."""


from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..accounts.jobs import BackgroundJob
from ..accounts.roles import Role, has_role
from ..bank.models import Question, Source
from .engine import reasons


class DerivationJob(BackgroundJob):
    """One run of the deriver on a source: a worker runs it (deriving.tasks), the page polls its progress."""

    TASK = "quizzes.deriving.tasks.derive"

    source = models.ForeignKey(Source, models.CASCADE, related_name="derivation_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} · {self.status}"


class CandidateQuerySet(models.QuerySet):
    def pending(self) -> "CandidateQuerySet":
        return self.filter(state=Candidate.State.PENDING)

    def for_reviewer(self, user) -> "CandidateQuerySet":
        """Admins review every source's candidates, teachers those of the texts they added."""
        if user.is_superuser or (user.is_staff and has_role(user, Role.ADMIN)):
            return self
        return self.filter(question__passage__source__owner=user)


class Candidate(models.Model):
    """A derived question waiting for review: a draft Question plus why and how sure the deriver was."""

    class State(models.TextChoices):
        PENDING = "pending", _("to review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    job = models.ForeignKey(DerivationJob, models.CASCADE, related_name="candidates")
    question = models.OneToOneField(Question, models.CASCADE, related_name="candidate")
    confidence = models.FloatField()
    reason = models.CharField(max_length=300)
    answer_type = models.CharField(max_length=20, blank=True)
    answer = models.CharField(max_length=300, blank=True)
    flags = models.JSONField(default=list, blank=True)
    duplicate_of = models.ForeignKey(
        Question,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A bank question this one repeats."),
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    rejection_reason = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-confidence", "pk"]
        indexes = [models.Index(fields=["state", "-confidence"], name="candidate_queue")]

    def __str__(self) -> str:
        return f"{self.question.external_id} ({self.confidence:.2f})"

    def localized_reason(self) -> str:
        return localized_reason(self.reason)

    def localized_flags(self) -> list[str]:
        return [str(FLAGS.get(flag, flag)) for flag in self.flags]


# --- why the deriver made a candidate, in the reviewer's language ------------------------------------------------

FLAGS = {
    "duplicate": _("duplicate"),
    "needs-context": _("needs its context"),
    "lowercase-start": _("starts in lower case"),
    "long": _("long"),
    "no-final-period": _("no final full stop"),
    "refers-to-figure": _("refers to a figure"),
    "short": _("short"),
    "no-verb": _("no verb"),
}


def localized_reason(reason: str) -> str:
    """The deriver's reason (stored in English) in the active language; a reason it cannot read is shown as is."""
    parsed = reasons.parse(reason)
    if parsed is None:
        return reason
    template, parts = parsed
    shown = {}
    for name, value in parts.items():
        if name == "label":
            shown[name] = gettext(value)
        elif name == "labels":
            shown[name] = ", ".join(gettext(label) for label in value.split(", "))
        elif name == "why":
            why = reasons.parse(value, reasons.WHY)
            shown[name] = gettext(why[0]).format(**why[1]) if why else value
        else:
            shown[name] = value
    return gettext(template).format(**shown)
