from django.http import HttpRequest

from .roles import Role, role_names


def roles(request: HttpRequest) -> dict:
    """Which navigation the user gets. The role names are cached in the session (a display matter:
    every view that needs a role checks it against the database)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_teacher": False, "is_admin": False}
    names = request.session.get("roles")
    if names is None:
        names = request.session["roles"] = sorted(role_names(user))
    return {
        "is_teacher": Role.TEACHER.value in names,
        "is_admin": user.is_staff and (user.is_superuser or Role.ADMIN.value in names),
    }
