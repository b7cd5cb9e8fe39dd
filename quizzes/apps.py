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

        # weak=False: a receiver defined here is referenced by nothing else once ready() returns.
        user_logged_in.connect(remember_roles, weak=False, dispatch_uid="quizzes.remember_roles")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .study.models import PageGeneration

        def give_a_page_generation(sender, instance, created, raw=False, **kwargs) -> None:
            if created and not raw:
                PageGeneration.objects.bulk_create([PageGeneration(user=instance)], ignore_conflicts=True)

        post_save.connect(
            give_a_page_generation, sender=get_user_model(), weak=False, dispatch_uid="quizzes.page_generation"
        )
