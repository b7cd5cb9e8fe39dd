from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Choice, Classroom, Question, QuizSet, Source, StudySettings


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f] or super().clean(None)


class BankUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("YAML files"),
        widget=MultipleFileInput(attrs={"accept": ".yaml,.yml"}),
        help_text=_("One or more bank files (at most 2 MiB each), imported together: all or nothing."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.QUESTION_BANK_MAX_BYTES
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(
                    _("%(name)s: file larger than %(mib)d MiB.") % {"name": f.name, "mib": limit // 2**20}
                )
            if not f.name.lower().endswith((".yaml", ".yml")):
                raise forms.ValidationError(_("%(name)s: only .yaml or .yml files.") % {"name": f.name})
        return files


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ["username"]


class AnswerForm(forms.Form):
    """The answer to one question; fields depend on the kind. `cleaned_answer()` is what grading reads."""

    def __init__(self, question, choices, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        kind = question.kind
        if kind in ("single", "true_false"):
            self.fields["choice"] = forms.TypedChoiceField(
                choices=[(c.pk, c.text) for c in choices],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer.")},
            )
        elif kind == "multiple":
            self.fields["choice"] = forms.TypedMultipleChoiceField(
                choices=[(c.pk, c.text) for c in choices],
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Choose at least one answer.")},
            )
        elif kind == "short":
            self.fields["answer"] = forms.CharField(max_length=200, error_messages={"required": _("Type an answer.")})
        elif kind == "cloze":
            for i, _alternatives in enumerate(question.blanks):
                self.fields[f"blank-{i}"] = forms.CharField(
                    max_length=200, error_messages={"required": _("Fill in every blank.")}
                )
        elif kind == "flashcard":
            self.fields["knew"] = forms.TypedChoiceField(
                choices=[("yes", _("I knew it")), ("no", _("I didn't know"))],
                coerce=lambda v: v == "yes",
                error_messages={"required": _("Say whether you knew it.")},
            )

    def cleaned_answer(self) -> dict:
        data = self.cleaned_data
        kind = self.question.kind
        if kind in ("single", "true_false"):
            return {"choices": [data["choice"]]}
        if kind == "multiple":
            return {"choices": sorted(data["choice"])}
        if kind == "short":
            return {"text": data["answer"]}
        if kind == "cloze":
            return {"blanks": [data[f"blank-{i}"] for i in range(len(self.question.blanks))]}
        return {"knew": data["knew"]}


class StudySettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = StudySettings
        fields = ["desired_retention", "new_per_day", "reviews_per_day", "timezone", "rollover_hour"]
        widgets = {"desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.97"})}
        help_texts = {
            "desired_retention": _(
                "The chance of remembering a card when it comes back. 0.90 is a good default. Asking for more "
                "costs much more work: at 0.95 you do about 1.6 times as many reviews as at 0.90, at 0.97 about "
                "twice as many. At 0.80 you do about 40% fewer, but forget more."
            ),
            "rollover_hour": _("The hour (0–23, your time) when a new day of reviews begins; 4 means 4 am."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        import zoneinfo

        self.fields["timezone"].choices = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class RevlogUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Review log (CSV)"),
        help_text=_(
            "Columns card_id, review_time (ms), review_rating, review_duration, review_state, as exported "
            "here or by the FSRS optimizer tools."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("%(name)s: file larger than 20 MiB.") % {"name": f.name})
        return f


# --- teaching ------------------------------------------------------------------------------------


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Class code"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AssignmentForm(forms.ModelForm):
    """Only the teacher's own or shared quiz sets can be assigned; the class comes from the URL."""

    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("Empty for no limit."),
    )

    class Meta:
        model = Assignment
        fields = [
            "quizset",
            "mode",
            "opens_at",
            "due_at",
            "max_attempts",
            "shuffle",
            "reveal",
            "accept_late",
            "grading",
        ]
        widgets = {"opens_at": DateTimeInput(), "due_at": DateTimeInput()}

    def __init__(self, teacher, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quizset"].queryset = QuizSet.objects.filter(
            models.Q(owner__isnull=True) | models.Q(owner=teacher)
        ).order_by("title")
        self.fields["max_attempts"].validators.append(MinValueValidator(1))

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("due_at") and data["due_at"] <= data["opens_at"]:
            self.add_error("due_at", _("The due date must come after the opening date."))
        return data

    def save(self, commit: bool = True):
        minutes = self.cleaned_data.get("time_limit_minutes")
        self.instance.time_limit = timedelta(minutes=minutes) if minutes else None
        return super().save(commit=commit)


class ExtensionForm(forms.Form):
    learner = forms.ModelChoiceField(queryset=None, label=_("Learner"))
    due_at = forms.DateTimeField(label=_("New due date"), widget=DateTimeInput())

    def __init__(self, assignment, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = assignment.classroom.learners.order_by("username")


class QuizSetBuilderForm(forms.ModelForm):
    class Meta:
        model = QuizSet
        fields = ["title", "description", "language"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuotedPassageForm(forms.ModelForm):
    """A question form whose passage is quoted from a source, verbatim (not picked from a list of spans):
    the admin's editor, the teachers' and the review queue's share it."""

    source = forms.ModelChoiceField(Source.objects.all(), label=_("Source text"))
    passage_text = forms.CharField(
        label=_("Passage"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quote the source verbatim: this is what the learner reads after answering."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.passage_id:
            self.initial.setdefault("source", self.instance.passage.source_id)
            self.initial.setdefault("passage_text", self.instance.passage.text)

    def clean(self):
        data = super().clean()
        source, text = data.get("source"), data.get("passage_text")
        if source and text:
            if text not in source.text:
                self.add_error("passage_text", _("The passage does not occur verbatim in the source text."))
            else:
                self.instance.passage = source.passage_for(text)
        return data


class TeacherQuestionForm(QuotedPassageForm):
    """A teacher writes a question: the same rules as the admin's editor (passage verbatim, kinds)."""

    class Meta:
        model = Question
        fields = ["kind", "prompt", "explanation", "back", "accepted_answers", "highlight", "difficulty", "topics"]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "back": forms.Textarea(attrs={"rows": 2}),
            "accepted_answers": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        if data.get("source"):
            self.instance.language = data["source"].language
        return data


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["text", "is_correct", "feedback"]
        widgets = {"feedback": forms.TextInput()}


class BaseChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        choices = [
            (f.cleaned_data["text"], f.cleaned_data.get("is_correct", False))
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")
        ]
        problems = self.instance.choice_errors(choices)
        if problems:
            raise forms.ValidationError(problems)


ChoiceFormSet = forms.inlineformset_factory(
    Question, Choice, form=ChoiceForm, formset=BaseChoiceFormSet, extra=4, max_num=8, can_delete=False
)


# --- new texts -----------------------------------------------------------------------------------

TEXT_MAX_BYTES = 1024 * 1024
TEXT_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


class SourceForm(forms.Form):
    """A new text: pasted or uploaded (.txt, .md, .html; UTF-8; at most 1 MiB)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    url = forms.URLField(label=_("Original URL"), max_length=500, required=False, assume_scheme="https")
    licence = forms.CharField(
        label=_("Licence and attribution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Detect it")), ("en", "English"), ("fr", "Français")]
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paste the text, or upload a file below."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm"}),
        help_text=_(".txt, .md or .html, UTF-8, at most 1 MiB."),
    )

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("file"), (data.get("text") or "").strip()
        if upload and pasted:
            raise forms.ValidationError(_("Paste a text or upload a file, not both."))
        if upload:
            name = upload.name.lower()
            suffix = name[name.rfind(".") :] if "." in name else ""
            if suffix not in TEXT_FORMATS:
                raise forms.ValidationError(_("%(name)s: only .txt, .md or .html files.") % {"name": upload.name})
            if upload.size > TEXT_MAX_BYTES:
                raise forms.ValidationError(_("%(name)s: file larger than 1 MiB.") % {"name": upload.name})
            try:
                data["raw"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("%(name)s: the file is not UTF-8 text.") % {"name": upload.name}
                ) from None
            data["fmt"] = TEXT_FORMATS[suffix]
        elif pasted:
            if len(pasted.encode()) > TEXT_MAX_BYTES:
                raise forms.ValidationError(_("The text is larger than 1 MiB."))
            data["raw"], data["fmt"] = pasted, "txt"
        else:
            raise forms.ValidationError(_("Paste a text or upload a file."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why?"), max_length=300, required=False)
