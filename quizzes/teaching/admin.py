"""People in Django admin: users with their roles (activate, deactivate, lift lockouts), invitations
by email, and learners created from a CSV roster. django-axes registers its own admin for lockouts.

A non-superuser admin manages learners and teachers, never superusers, and cannot grant staff or
superuser status or single permissions: roles are the groups."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..accounts.models import Invitation
from ..accounts.roles import Role, grant_role
from ..accounts.views import send_invitation, send_welcome
from .roster import RosterInvalid, create_learners, parse_roster

User = get_user_model()


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (CSV)"),
        help_text=_("Columns username, name, email, class (the class's name or join code; may be empty)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    send_mail = forms.BooleanField(
        label=_("Mail each learner a link to choose their password"), required=False, initial=True
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("%(name)s: file larger than 2 MiB.") % {"name": f.name})
        return f


def _roles(user) -> str:
    return ", ".join(sorted(g.name for g in user.groups.all())) or "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PeopleAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "roles", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]
    actions = ["make_teacher", "make_learner", "deactivate", "activate", "unlock"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, user) -> str:
        return _roles(user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "user_permissions", "last_login", "date_joined"]
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def _editable(self, request, queryset):
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    @admin.action(description=_("Make the selected users teachers"), permissions=["change"])
    def make_teacher(self, request, queryset):
        for user in self._editable(request, queryset):
            grant_role(user, Role.TEACHER)
        self.message_user(request, _("They are teachers now (from their next page)."), messages.SUCCESS)

    @admin.action(description=_("Make the selected users learners only"), permissions=["change"])
    def make_learner(self, request, queryset):
        for user in self._editable(request, queryset):
            user.groups.remove(*user.groups.filter(name=Role.TEACHER.value))
            grant_role(user, Role.LEARNER)
        self.message_user(request, _("They are learners only now."), messages.SUCCESS)

    @admin.action(description=_("Deactivate the selected users (they can no longer log in)"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = self._editable(request, queryset).exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, ngettext("%d user deactivated.", "%d users deactivated.", count) % count)

    @admin.action(description=_("Reactivate the selected users"), permissions=["change"])
    def activate(self, request, queryset):
        count = self._editable(request, queryset).update(is_active=True)
        self.message_user(request, ngettext("%d user reactivated.", "%d users reactivated.", count) % count)

    @admin.action(description=_("Lift the log-in lockouts of the selected users"), permissions=["change"])
    def unlock(self, request, queryset):
        from axes.utils import reset

        count = sum(reset(username=user.username) for user in queryset)
        self.message_user(request, ngettext("%d lockout lifted.", "%d lockouts lifted.", count) % count)

    def get_urls(self):
        return [
            path("roster/", self.admin_site.admin_view(self.roster_view), name="auth_user_roster"),
            *super().get_urls(),
        ]

    def roster_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RosterForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                users = create_learners(parse_roster(form.cleaned_data["file"].read()))
            except RosterInvalid as exc:
                errors = exc.errors
            else:
                mailed = 0
                if form.cleaned_data["send_mail"]:
                    for user in users:
                        if user.email:
                            send_welcome(user, request, language=translation.get_language())
                            mailed += 1
                messages.success(
                    request,
                    ngettext(
                        "%(n)d learner created, %(m)d mailed a link to choose their password.",
                        "%(n)d learners created, %(m)d mailed a link to choose their password.",
                        len(users),
                    )
                    % {"n": len(users), "m": mailed},
                )
                return redirect("admin:auth_user_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create learners from a roster"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/auth/user/roster.html", context)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "classroom"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Saving a new invitation mails its one-time link (in the admin's language)."""

    form = InvitationForm
    list_display = ["email", "role", "classroom", "invited_by", "created_at", "accepted_at", "accepted_by"]
    list_filter = ["role", "accepted_at"]
    search_fields = ["email"]
    raw_id_fields = ["classroom"]
    actions = ["resend"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.invited_by = request.user
            obj.language = translation.get_language() or "en"
        super().save_model(request, obj, form, change)
        if not change:
            send_invitation(obj, request)
            self.message_user(request, _("Invitation mailed to %(email)s.") % {"email": obj.email}, messages.SUCCESS)

    @admin.action(description=_("Mail the selected invitations again (a new link)"), permissions=["add"])
    def resend(self, request, queryset):
        count = 0
        for invitation in queryset.filter(accepted_at__isnull=True):
            invitation.created_at = timezone.now()
            invitation.save(update_fields=["created_at"])
            send_invitation(invitation, request)
            count += 1
        self.message_user(request, ngettext("%d invitation mailed.", "%d invitations mailed.", count) % count)
