"""Attempts in Django admin: read only, they are the learners' record."""

from django.contrib import admin

from .models import Attempt, Response


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ["position", "question", "answer", "is_correct", "score", "notes", "time_spent", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Attempts are the learners' record: admins read them, nobody edits them here."""

    list_display = ["user", "quizset", "started_at", "finished_at", "score"]
    list_filter = ["quizset"]
    search_fields = ["user__username", "quizset__title"]
    list_select_related = ["user", "quizset"]
    readonly_fields = [
        "user",
        "quizset",
        "retake_of",
        "question_ids",
        "choice_order",
        "started_at",
        "deadline",
        "finished_at",
        "score",
    ]
    inlines = [ResponseInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
