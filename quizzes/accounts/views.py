"""Sign-up (log in, log out and passwords are Django's own views)."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import SignupForm
from .roles import Role, grant_role


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
        login(request, user, backend="quizzes.accounts.auth.AccountBackend")
        messages.success(request, _("Welcome, %(name)s! Your learner account is ready.") % {"name": user.username})
        return redirect(next_url or "quizzes:home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})
