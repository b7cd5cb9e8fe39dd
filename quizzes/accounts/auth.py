from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's ModelBackend, loading the learner's study settings and page generation with the user: every
    study page needs them, and this saves a query on each of them."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("study_settings", "page_generation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def axes_username(request, credentials) -> str | None:
    """The username axes records for a failed login, cut to what its column holds: a forged
    5,000-character username must be a failed login, not a database error (a 500 on PostgreSQL)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:150] if isinstance(username, str) else username
