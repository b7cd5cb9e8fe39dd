"""The bank in Django admin: texts, passages, topics, questions (with YAML import and export), quiz sets."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes.accounts.params import ModelMultipleIdsField

from .forms import BankUploadForm, BaseChoiceFormSet, QuotedPassageForm
from .models import Choice, Passage, Question, QuizSet, QuizSetItem, Source, Topic
from .version import bump as bump_library
from .yaml_bank import BankFile, BankInvalid, export_bank, import_bank


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "language", "author", "owner", "published"]
    list_filter = ["published", "language"]
    search_fields = ["title", "key", "author"]
    raw_id_fields = ["owner"]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        # A text without text holds a learner's own cards ("My cards"): theirs, not the bank's.
        return super().get_queryset(request).exclude(text="")

    @admin.action(description=_("Publish the selected texts (everyone may read them)"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        count = queryset.update(published=True)
        bump_library()  # a bulk update sends no signal
        self.message_user(request, ngettext("%d text published.", "%d texts published.", count) % count)

    @admin.action(description=_("Unpublish the selected texts (back to who added them)"), permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        count = queryset.update(published=False)
        bump_library()
        self.message_user(request, ngettext("%d text unpublished.", "%d texts unpublished.", count) % count)

    def save_model(self, request, obj, form, change) -> None:
        if change and "text" in form.changed_data:
            stale = obj.replace_text(obj.text)  # passages follow the text; lost ones make questions stale
            if stale:
                self.message_user(
                    request,
                    ngettext(
                        "%d question cites a passage that is no longer in the text: it is marked stale.",
                        "%d questions cite a passage that is no longer in the text: they are marked stale.",
                        stale,
                    )
                    % stale,
                    messages.WARNING,
                )
            return
        super().save_model(request, obj, form, change)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "name_fr"]
    search_fields = ["key", "name_en", "name_fr"]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "start", "end"]
    list_filter = ["source"]
    search_fields = ["text"]
    readonly_fields = ["source", "text", "start", "end"]

    def has_add_permission(self, request) -> bool:
        return False  # passages are created from a question's quoted text


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = BaseChoiceFormSet  # the same rules as the teachers' editor
    fields = ["position", "text", "is_correct", "feedback"]
    extra = 0
    formfield_overrides = {
        Choice._meta.get_field("feedback"): {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }


class QuestionAdminForm(QuotedPassageForm):
    """The passage is edited as text quoted from a source, not picked from a list of spans."""

    class Meta:
        model = Question
        fields = [
            "external_id",
            "kind",
            "status",
            "language",
            "difficulty",
            "cognitive",
            "topics",
            "owner",
            "stale",
            "prompt",
            "explanation",
            "back",
            "accepted_answers",
            "highlight",
        ]
        field_classes = {"topics": ModelMultipleIdsField}


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    change_list_template = "admin/quizzes/question/change_list.html"
    inlines = [ChoiceInline]
    list_display = ["external_id", "short_prompt", "kind", "language", "status", "source_title", "preview_link"]
    list_filter = [
        "status",
        "stale",
        "kind",
        "language",
        "passage__source",
        "topics",
        "difficulty",
        "cognitive",
        ("owner", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["passage__source"]
    search_fields = ["external_id", "prompt", "explanation", "choices__text"]
    filter_horizontal = ["topics", "tags"]
    raw_id_fields = ["owner"]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        # A learner's own cards are theirs alone: not the bank's, not even for its admins.
        return super().get_queryset(request).shared()

    fieldsets = [
        (
            None,
            {"fields": ["external_id", "kind", "status", "language", "difficulty", "topics", "tags", "owner", "stale"]},
        ),
        (_("Question"), {"fields": ["prompt", "back", "accepted_answers", "explanation"]}),
        (_("Where it comes from"), {"fields": ["source", "passage_text", "highlight"]}),
    ]

    @admin.display(description=_("prompt"))
    def short_prompt(self, obj: Question) -> str:
        return obj.prompt[:80]

    @admin.display(description=_("source"), ordering="passage__source__title")
    def source_title(self, obj: Question) -> str:
        return obj.passage.source.title

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Question) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Preview"))

    @admin.action(description=_("Publish the selected questions"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        count = queryset.update(status=Question.Status.PUBLISHED)
        bump_library()  # a bulk update sends no signal
        self.message_user(request, ngettext("%d question published.", "%d questions published.", count) % count)

    @admin.action(description=_("Unpublish the selected questions (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        count = queryset.update(status=Question.Status.DRAFT)
        bump_library()
        self.message_user(request, ngettext("%d question unpublished.", "%d questions unpublished.", count) % count)

    def view_on_site(self, obj: Question) -> str:
        return obj.get_absolute_url()

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="quizzes_question_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="quizzes_question_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = BankUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            files = [BankFile(f.name, f.read()) for f in form.cleaned_data["files"]]
            try:
                result = import_bank(files, overwrite=form.cleaned_data["overwrite"])
            except BankInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Import done: %(result)s.") % {"result": result})
                for conflict in result.conflicts:
                    messages.warning(request, str(conflict))
                if result.conflicts:
                    messages.warning(
                        request,
                        _(
                            "Questions with a conflict kept the version edited here: import again with "
                            "“Overwrite questions edited here” ticked to take the file's version."
                        ),
                    )
                return redirect("admin:quizzes_question_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a question bank"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/quizzes/question/import.html", context, status=status)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(export_bank(), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="learnapp-bank.yaml"'
        return response


class QuizSetItemInline(admin.TabularInline):
    model = QuizSetItem
    fields = ["position", "question"]
    raw_id_fields = ["question"]
    extra = 0


@admin.register(QuizSet)
class QuizSetAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "language", "owner", "item_count", "time_limit", "max_attempts"]
    fieldsets = [
        (None, {"fields": ["key", "title", "description", "language", "owner"]}),
        (
            _("Options"),
            {"fields": ["shuffle_questions", "shuffle_choices", "question_count", "time_limit", "max_attempts"]},
        ),
    ]
    list_filter = ["language", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["title", "key", "description"]
    inlines = [QuizSetItemInline]
    raw_id_fields = ["owner"]
    actions = ["publish_to_bank"]

    @admin.action(
        description=_("Publish to the shared bank (with the teacher's questions in them and the texts they cite)"),
        permissions=["change"],
    )
    def publish_to_bank(self, request, queryset) -> None:
        sets = queryset.update(owner=None)
        Question.objects.filter(quizset_items__quizset__in=queryset, owner__isnull=False).update(owner=None)
        # A shared question is read only where its text is: publishing the set publishes what it cites.
        Source.objects.filter(passages__questions__quizset_items__quizset__in=queryset).update(published=True)
        bump_library()
        self.message_user(request, ngettext("%d quiz set published.", "%d quiz sets published.", sets) % sets)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("items"))

    @admin.display(description=_("questions"), ordering="n")
    def item_count(self, obj: QuizSet) -> int:
        return obj.n
