"""Invitations: an admin invites a teacher (or a learner), a teacher invites learners to a class, by email.

The link carries a signed, timestamped token naming the invitation: it expires after
LEARNAPP_INVITATION_DAYS and is spent once (the first acceptance marks the row, atomically).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role

SALT = "learnapp.invitation"


class InvitationInvalid(Exception):
    """The link is forged, expired or already used: the message says which."""


class Invitation(models.Model):
    class RoleChoice(models.TextChoices):
        LEARNER = Role.LEARNER.value, _("Learner")
        TEACHER = Role.TEACHER.value, _("Teacher")

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=RoleChoice.choices, default=RoleChoice.LEARNER)
    # A teacher's invitation enrols the invitee in their class (a relation named as a string: accounts
    # imports no other domain).
    classroom = models.ForeignKey(
        "quizzes.Classroom", models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name=_("class")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="invitations_accepted"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:accept_invitation", args=[self.token()])

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(days=settings.LEARNAPP_INVITATION_DAYS)

    @property
    def expires_at(self):
        return self.created_at + self.lifetime()

    def token(self) -> str:
        return signing.dumps(self.pk, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> "Invitation":
        try:
            pk = signing.loads(token, salt=SALT, max_age=cls.lifetime())
        except signing.SignatureExpired:
            raise InvitationInvalid(_("This invitation has expired: ask for a new one.")) from None
        except signing.BadSignature:
            raise InvitationInvalid(
                _("This invitation link is not valid: copy the whole link from the mail.")
            ) from None
        invitation = cls.objects.select_related("classroom").filter(pk=pk).first()
        if invitation is None:
            raise InvitationInvalid(_("This invitation was withdrawn."))
        if invitation.accepted_at is not None:
            raise InvitationInvalid(_("This invitation was already used: log in, or reset your password."))
        return invitation

    def spend(self, user) -> bool:
        """Mark the invitation used by `user`; False when another request spent it first."""
        now = timezone.now()
        spent = (
            type(self).objects.filter(pk=self.pk, accepted_at__isnull=True).update(accepted_at=now, accepted_by=user)
        )
        if spent:
            self.accepted_at, self.accepted_by = now, user
        return bool(spent)
