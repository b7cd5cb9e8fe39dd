from django.http import HttpRequest

from .roles import Role, has_role


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_teacher": False, "is_admin": False}
    return {
        "is_teacher": has_role(user, Role.TEACHER),
        "is_admin": user.is_staff and (user.is_superuser or has_role(user, Role.ADMIN)),
    }
