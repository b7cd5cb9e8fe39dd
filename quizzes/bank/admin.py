"""The bank in Django admin: texts, passages, topics, questions (with YAML import and export), quiz sets."""

import base64

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes.accounts.params import ModelMultipleIdsField

from .formats import export, import_questions
from .forms import BankUploadForm, BaseChoiceFormSet, QuotedPassageForm
from .models import BankImportJob, Choice, Passage, Question, QuizSet, QuizSetItem, Source, Topic
from .version import bump as bump_library
from .yaml_bank import BankFile, BankInvalid, export_bank, import_bank

SHOWN_DROPPED = 50  # lines of what an import left out, as messages; the command lists them all


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
    fields = ["position", "text", "match", "is_correct", "feedback"]
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
            "rewrite_requested",
            "rewrite_note",
            "prompt",
            "explanation",
            "back",
            "accepted_answers",
            "numeric_value",
            "numeric_tolerance",
            "tolerance_kind",
            "unit",
            "translation_of",
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
        "rewrite_requested",
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
    raw_id_fields = ["owner", "translation_of"]
    actions = ["publish", "unpublish", "link_translations", "export_gift", "export_xml", "export_apkg", "export_csv"]

    def get_queryset(self, request):
        # A learner's own cards are theirs alone: not the bank's, not even for its admins.
        return super().get_queryset(request).shared()

    fieldsets = [
        (
            None,
            {"fields": ["external_id", "kind", "status", "language", "difficulty", "topics", "tags", "owner", "stale"]},
        ),
        (_("Rewriting"), {"fields": ["rewrite_requested", "rewrite_note"]}),
        (_("Question"), {"fields": ["prompt", "back", "accepted_answers", "explanation"]}),
        (
            _("Numeric answer"),
            {"fields": ["numeric_value", "numeric_tolerance", "tolerance_kind", "unit"], "classes": ["collapse"]},
        ),
        (_("Translation"), {"fields": ["translation_of"]}),
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

    @admin.action(description=_("Export the selected questions as GIFT (Moodle)"), permissions=["view"])
    def export_gift(self, request, queryset):
        return download(request, queryset, "gift", "learnapp-questions")

    @admin.action(description=_("Export the selected questions as Moodle XML"), permissions=["view"])
    def export_xml(self, request, queryset):
        return download(request, queryset, "xml", "learnapp-questions")

    @admin.action(description=_("Export the selected questions as an Anki package (.apkg)"), permissions=["view"])
    def export_apkg(self, request, queryset):
        return download(request, queryset, "apkg", "learnapp-questions")

    @admin.action(description=_("Export the selected questions as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return download(request, queryset, "csv", "learnapp-questions")

    @admin.action(description=_("Link the two selected questions as translations"), permissions=["change"])
    def link_translations(self, request, queryset) -> None:
        """Two questions asking the same thing in English and French become one item: the English one is the
        original, the French one its translation (whose cards join the original's: one schedule per item)."""
        questions = list(queryset)
        if len(questions) != 2:
            self.message_user(
                request, _("Select exactly two questions: one in English, one in French."), messages.ERROR
            )
            return
        if questions[0].language == questions[1].language:
            self.message_user(request, _("The two questions must be in different languages."), messages.ERROR)
            return
        linked = [q for q in questions if q.translation_of_id or q.translations.exists()]
        if linked:
            self.message_user(
                request,
                _("%(id)s is already linked to a translation: unlink it first.") % {"id": linked[0].external_id},
                messages.ERROR,
            )
            return
        original, translation = sorted(questions, key=lambda q: q.language != "en")
        moved = translation.become_translation_of(original)
        bump_library()
        self.message_user(
            request,
            _("%(translation)s is now the translation of %(original)s.")
            % {"translation": translation.external_id, "original": original.external_id}
            + (" " + ngettext("%d card merged.", "%d cards merged.", moved) % moved if moved else ""),
        )

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
            try:
                if form.is_yaml():
                    if job := self._import_yaml(request, form):
                        return redirect(f"{reverse('admin:quizzes_question_import')}?job={job.pk}")
                else:
                    self._import_formats(request, form)
            except BankInvalid as exc:
                errors = exc.errors
            else:
                return redirect("admin:quizzes_question_changelist")
        job_id = request.GET.get("job", "")
        job = BankImportJob.objects.filter(pk=int(job_id)).first() if job_id.isdigit() and len(job_id) < 10 else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import questions"),
            "form": form,
            "errors": errors or (job.error.splitlines() if job and job.status == job.Status.FAILED else []),
            "job": job,
            "opts": self.model._meta,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/quizzes/question/import.html", context, status=status)

    def _import_yaml(self, request, form) -> BankImportJob | None:
        """Imports the bank files now, or hands them to a worker when they are large (the job, returned)."""
        files = [BankFile(f.name, f.read()) for f in form.cleaned_data["files"]]
        if sum(len(f.data) for f in files) > settings.LEARNAPP_BACKGROUND_IMPORT_BYTES:
            # Seconds to a minute of validating and writing: a worker does it, the page shows how it went.
            job = BankImportJob.objects.create(
                requested_by=request.user,
                files=[{"name": f.name, "data": base64.b64encode(f.data).decode()} for f in files],
                overwrite=form.cleaned_data["overwrite"],
                language=translation.get_language() or "",
            )
            job.enqueue()
            return job
        result = import_bank(files, overwrite=form.cleaned_data["overwrite"])
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
        return None

    def _import_formats(self, request, form) -> None:
        files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
        if form.cleaned_data["paste"].strip():
            files.append(("pasted.csv", form.cleaned_data["paste"].encode()))
        report = import_questions(
            files, request.user, shared=form.cleaned_data["shared"], language=form.cleaned_data["language"] or "en"
        )
        messages.success(
            request,
            ngettext(
                "Import done: %(count)d question from %(files)d file.",
                "Import done: %(count)d questions from %(files)d file(s).",
                report.created,
            )
            % {"count": report.created, "files": len(report.sources)},
        )
        lines = [*map(str, report.notes), *report.dropped]
        for line in lines[:SHOWN_DROPPED]:
            messages.warning(request, line)
        if len(lines) > SHOWN_DROPPED:
            more = len(lines) - SHOWN_DROPPED
            messages.warning(request, _("… and %(count)d more lines of what was left out.") % {"count": more})

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(export_bank(), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="learnapp-bank.yaml"'
        return response


CONTENT_TYPES = {
    "gift": ("text/plain; charset=utf-8", "gift"),
    "xml": ("application/xml; charset=utf-8", "xml"),
    "apkg": ("application/octet-stream", "apkg"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def download(request, questions, fmt: str, filename: str, *, deck_name: str = "learnapp") -> HttpResponse:
    """The questions in `fmt` as a file to save; the questions the format cannot hold are said in messages."""
    data, skipped = export(questions.order_by("external_id"), fmt, deck_name=deck_name, deck_key=filename)
    for line in skipped:
        messages.warning(request, _("Left out of the export: %(line)s") % {"line": line})
    content_type, extension = CONTENT_TYPES[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
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
    actions = ["publish_to_bank", "export_apkg", "export_gift"]

    @admin.action(description=_("Export as an Anki deck (.apkg)"), permissions=["view"])
    def export_apkg(self, request, queryset):
        return self._export(request, queryset, "apkg")

    @admin.action(description=_("Export as GIFT (Moodle)"), permissions=["view"])
    def export_gift(self, request, queryset):
        return self._export(request, queryset, "gift")

    def _export(self, request, queryset, fmt: str):
        sets = list(queryset.order_by("key"))
        questions = Question.objects.filter(quizset_items__quizset__in=sets).distinct()
        name = sets[0].title if len(sets) == 1 else "learnapp"
        key = sets[0].key if len(sets) == 1 else "learnapp-quiz-sets"
        return download(request, questions, fmt, key, deck_name=name)

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
