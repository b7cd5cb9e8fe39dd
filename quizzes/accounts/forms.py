"""Sign-up, password reset in the recipient's language, accepting an invitation, changing one's email."""

import logging

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .mail import language_of, send_mail

logger = logging.getLogger(__name__)


class SignupForm(UserCreationForm):
    # Filled by app.js from the browser's Intl time zone; a missing or unknown name keeps the default.
    timezone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    class Meta(UserCreationForm.Meta):
        fields = ["username"]


class ResetForm(PasswordResetForm):
    """Django's password reset, mailed as text and HTML in the language the user reads the site in."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        try:
            send_mail(
                "password_reset", to_email, context, language=language_of(context["user"], translation.get_language())
            )
        except Exception:
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class AcceptInvitationForm(UserCreationForm):
    """The invitee chooses a username and a password; the email is the invitation's."""

    class Meta(UserCreationForm.Meta):
        fields = ["username"]

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.fields["username"].initial = email.split("@")[0][:150]


class PasswordConfirmedForm(forms.Form):
    """A form that asks the user's password again, for what a stolen session must not do alone
    (deleting the account; it is also the form that deletes it)."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


DeleteAccountForm = PasswordConfirmedForm


class EmailChangeForm(PasswordConfirmedForm):
    email = forms.EmailField(label=_("New email address"))
    field_order = ["email", "password"]

    def clean_email(self) -> str:
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(_("This is already your email address."))
        if get_user_model().objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(_("Another account uses this email address."))
        return email
