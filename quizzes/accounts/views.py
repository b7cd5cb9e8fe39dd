"""Sign-up, invitations, email change (log in, log out and passwords are Django's own views)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetView
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import AcceptInvitationForm, EmailChangeForm, ResetForm, SignupForm
from .mail import language_of, send_mail, site_url
from .models import Invitation, InvitationInvalid
from .roles import Role, grant_role

BACKEND = "quizzes.accounts.auth.AccountBackend"
EMAIL_CHANGE_SALT = "learnapp.email-change"


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A learner account; then back to what the visitor was doing (`next`, a path on this site)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure())
    if not (safe and next_url.startswith("/")):  # a path on this site, nothing else
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "quizzes:home")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        grant_role(user, Role.LEARNER)
        login(request, user, backend=BACKEND)
        if form.cleaned_data["timezone"]:
            request.session["guessed_timezone"] = form.cleaned_data["timezone"]
        messages.success(request, _("Welcome, %(name)s! Your learner account is ready.") % {"name": user.username})
        return redirect(next_url or "quizzes:home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


password_reset = PasswordResetView.as_view(form_class=ResetForm)


def send_invitation(invitation: Invitation, request: HttpRequest | None = None) -> None:
    """Mail the invitation's one-time link, in the language of whoever sent it (the invitee has none yet)."""
    context = {
        "invitation": invitation,
        "link": site_url(invitation.get_absolute_url(), request),
        "inviter": invitation.invited_by,
        "classroom": invitation.classroom,
        "days": settings.LEARNAPP_INVITATION_DAYS,
    }
    send_mail("invitation", invitation.email, context, language=invitation.language)


def send_welcome(user, request: HttpRequest | None = None, language: str | None = None) -> None:
    """A new account made by someone else (a roster): a one-time link to choose a password (Django's reset)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    send_mail(
        "welcome", user.email, {"user": user, "link": site_url(path, request)}, language=language or language_of(user)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation: the invitee sets a username and password, or (logged in already) just
    accepts, which joins the class of a teacher's invitation."""
    try:
        invitation = Invitation.from_token(token)
    except InvitationInvalid as exc:
        return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=410)
    if request.user.is_authenticated:
        if request.method == "POST":
            return _accept(request, invitation, request.user)
        return render(request, "registration/invitation.html", {"invitation": invitation, "form": None})
    existing = get_user_model().objects.filter(email__iexact=invitation.email, is_active=True).exists()
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if not existing and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                _spend(invitation, user)
        except InvitationInvalid as exc:
            return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=410)
        return _welcome(request, invitation, user)
    context = {"invitation": invitation, "form": form, "existing": existing}
    return render(request, "registration/invitation.html", context)


def _spend(invitation: Invitation, user) -> None:
    """Take the invitation for `user`; refused (and the caller's transaction rolled back) when a
    concurrent request took it first."""
    if not invitation.spend(user):
        raise InvitationInvalid(_("This invitation was already used: log in, or reset your password."))
    grant_role(user, Role(invitation.role))
    if invitation.classroom is not None:
        invitation.classroom.enrollments.get_or_create(learner=user)


def _accept(request: HttpRequest, invitation: Invitation, user) -> HttpResponse:
    try:
        with transaction.atomic():
            _spend(invitation, user)
    except InvitationInvalid as exc:
        return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=410)
    return _welcome(request, invitation, user)


def _welcome(request: HttpRequest, invitation: Invitation, user) -> HttpResponse:
    if not request.user.is_authenticated:
        login(request, user, backend=BACKEND)
    user.__dict__.pop("_role_names", None)
    request.session["roles"] = sorted(user.groups.values_list("name", flat=True))
    if invitation.classroom is not None:
        messages.success(request, _("You joined %(class)s.") % {"class": invitation.classroom.name})
    elif invitation.role == Role.TEACHER.value:
        messages.success(request, _("Welcome, %(name)s! You can now create classes.") % {"name": user.username})
        return redirect("quizzes:teach")
    else:
        messages.success(request, _("Welcome, %(name)s! Your learner account is ready.") % {"name": user.username})
    return redirect("quizzes:home")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def change_email(request: HttpRequest) -> HttpResponse:
    """A new address is confirmed by a link mailed to it; the old one stays until then."""
    form = EmailChangeForm(request.user, request.POST or None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        token = signing.dumps({"user": request.user.pk, "email": email}, salt=EMAIL_CHANGE_SALT)
        link = site_url(reverse("quizzes:confirm_email", args=[token]), request)
        send_mail(
            "email_change",
            email,
            {"user": request.user, "link": link, "email": email},
            language=language_of(request.user),
        )
        messages.success(
            request, _("We sent a link to %(email)s: open it to confirm your new address.") % {"email": email}
        )
        return redirect("quizzes:study_settings")
    return render(request, "registration/email_change.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the address to confirm (mail scanners follow links), POST applies it."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.LEARNAPP_INVITATION_DAYS * 86400)
    except signing.BadSignature:
        data = None
    if not data or data.get("user") != request.user.pk:
        return render(
            request,
            "registration/invitation_invalid.html",
            {"reason": _("This confirmation link is not valid, or has expired: change your address again.")},
            status=410,
        )
    if request.method == "POST":
        taken = get_user_model().objects.filter(email__iexact=data["email"]).exclude(pk=request.user.pk).exists()
        if taken:
            messages.error(request, _("Another account uses this email address."))
        else:
            request.user.email = data["email"]
            request.user.save(update_fields=["email"])
            messages.success(request, _("Your email address is now %(email)s.") % {"email": data["email"]})
        return redirect("quizzes:study_settings")
    return render(request, "registration/email_confirm.html", {"email": data["email"]})
