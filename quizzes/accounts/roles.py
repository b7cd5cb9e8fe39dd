"""The three roles are groups (created by migration 0002), so permissions stay in Django's model."""

from enum import StrEnum

from django.contrib.auth.models import Group


class Role(StrEnum):
    LEARNER = "Learner"
    TEACHER = "Teacher"
    ADMIN = "Admin"


# Model permissions given to each role; learners act only on their own data through views.
PERMISSIONS: dict[Role, list[str]] = {
    Role.LEARNER: [],
    Role.TEACHER: [
        "view_source",
        "view_passage",
        "view_topic",
        "view_question",
        "view_choice",
        "view_quizset",
        "add_quizset",
        "change_quizset",
        "view_quizsetitem",
        "add_quizsetitem",
        "change_quizsetitem",
        "delete_quizsetitem",
    ],
    Role.ADMIN: [
        f"{action}_{model}"
        for model in ("source", "passage", "topic", "question", "choice", "quizset", "quizsetitem", "invitation")
        for action in ("add", "change", "delete", "view")
    ]
    # People: list users, change their roles, deactivate them; lift lockouts (django-axes' own admin).
    + ["auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group"]
    + ["axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog", "axes.view_accessfailurelog"]
    + ["axes.delete_accessfailurelog"],
}


def role_names(user) -> set[str]:
    names = getattr(user, "_role_names", None)
    if names is None:
        names = user._role_names = set(user.groups.values_list("name", flat=True))
    return names


def has_role(user, role: Role) -> bool:
    return user.is_authenticated and role.value in role_names(user)


def is_admin(user) -> bool:
    """Admins moderate the bank: they read and publish every text and question. (Staff first: most
    requests are a learner's, and they then cost no query for the groups.)"""
    return user.is_authenticated and user.is_staff and (user.is_superuser or has_role(user, Role.ADMIN))


def sync_roles(group_model=Group, permission_model=None) -> None:
    """Create the role groups with their permissions (used by migration 0002, with historical models)."""
    if permission_model is None:
        from django.contrib.auth.models import Permission as permission_model
    from django.db.models import Q

    for role, names in PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for name in names:
            app_label, _dot, codename = name.rpartition(".")
            wanted |= Q(content_type__app_label=app_label or "quizzes", codename=codename)
        group.permissions.set(permission_model.objects.filter(wanted))


def grant_role(user, role: Role) -> None:
    if not Group.objects.filter(name=role.value).exists():
        sync_roles()
    user.groups.add(Group.objects.get(name=role.value))
    user.__dict__.pop("_role_names", None)
