from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .accounts.roles import role_names
        from .bank import version as bank_version

        bank_version.connect()  # the cached library follows the bank's changes

        def remember_roles(sender, request, user, **kwargs) -> None:
            # The navigation shows links by role: keep the names with the session, written at login anyway.
            if request is not None and hasattr(request, "session"):
                request.session["roles"] = sorted(role_names(user))

        user_logged_in.connect(remember_roles, dispatch_uid="quizzes.remember_roles")
