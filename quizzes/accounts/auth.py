from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's ModelBackend, loading the learner's study settings with the user: every study page
    needs them, and this saves a query on each of them."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("study_settings").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
