"""Sign-up (log in, log out and passwords are Django's own views)."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import SignupForm
from .roles import Role, grant_role


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("quizzes:home")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        grant_role(user, Role.LEARNER)
        login(request, user, backend="quizzes.accounts.auth.AccountBackend")
        messages.success(request, _("Welcome, %(name)s! Your learner account is ready.") % {"name": user.username})
        return redirect("quizzes:home")
    return render(request, "registration/signup.html", {"form": form})
