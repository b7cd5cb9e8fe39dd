"""Forms on the bank: answering a question, writing one (passage quoted verbatim, choices), uploading bank files."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quizzes.accounts.params import ModelMultipleIdsField

from .models import Choice, Question, Source, key_validator, tag_names


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
    overwrite = forms.BooleanField(
        label=_("Overwrite questions edited here"),
        required=False,
        help_text=_(
            "A question changed both in the file and here since its last import is a conflict: it keeps "
            "the version edited here unless this is ticked."
        ),
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


class AnswerForm(forms.Form):
    """The answer to one question; fields depend on the kind. `cleaned_answer()` is what grading reads.

    The button "I don't know" (`dont_know` in the data) is an answer in itself: it needs no field and
    counts as wrong. A refused answer renders again with what was typed (see answer_fields.html).
    """

    def __init__(self, question, choices, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        if self.dont_know:
            return
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
                    label=_("Blank %(n)s") % {"n": i + 1},
                    max_length=200,
                    # Say which blank: the others keep what was typed, the learner fills in only this one.
                    error_messages={"required": _("Fill in blank %(n)d.") % {"n": i + 1}},
                )
        elif kind == "flashcard":
            self.fields["knew"] = forms.TypedChoiceField(
                choices=[("yes", _("I knew it")), ("no", _("I didn't know"))],
                coerce=lambda v: v == "yes",
                error_messages={"required": _("Say whether you knew it.")},
            )

    @property
    def dont_know(self) -> bool:
        return self.is_bound and bool(self.data.get("dont_know"))

    def cloze_parts(self) -> list[tuple[str, forms.BoundField | None]]:
        """The cloze prompt cut into text and the blanks' fields (with what was typed and their errors)."""
        return [
            (text, None if blank is None else self[f"blank-{blank}"]) for text, blank in self.question.cloze_parts()
        ]

    def picked(self) -> set[int]:
        """The choices ticked in the submitted data, to tick them again when the answer is refused."""
        if not self.is_bound:
            return set()
        values = self.data.getlist("choice") if hasattr(self.data, "getlist") else [self.data.get("choice")]
        return {int(v) for v in values if str(v).isdigit()}

    def focus(self) -> str | None:
        """The field to put the cursor in: the first one refused, else the first one."""
        names = [name for name in self.fields if name in self.errors] or list(self.fields)
        return names[0] if names else None

    def cleaned_answer(self) -> dict:
        if self.dont_know:
            return {"dont_know": True}
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


class QuotedPassageForm(forms.ModelForm):
    """A question form whose passage is quoted from a source, verbatim (not picked from a list of spans):
    the admin's editor, the teachers' and the review queue's share it."""

    source = forms.ModelChoiceField(Source.objects.all(), label=_("Source text"))
    passage_text = forms.CharField(
        label=_("Passage"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quote the source verbatim: this is what the learner reads after answering."),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        """`user`: the texts offered are those they may read (the admin's editor, without one, offers all)."""
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["source"].queryset = Source.objects.visible_to(user)
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
                # Found, or new and not saved: it is stored with the question (Question.save), so a form
                # that fails validation writes nothing.
                self.instance.passage = source.quote(text)
        return data


class TagsMixin(forms.Form):
    """Tags typed as words (a teacher's own questions, a learner's own cards); `save_tags()` after saving."""

    tags_text = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Words separated by spaces, e.g. exam-1 hard.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("tags_text", " ".join(t.name for t in self.instance.tags.all()))

    def clean_tags_text(self):
        names = tag_names(self.cleaned_data["tags_text"])
        for name in names:
            try:
                key_validator(name)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(tag)s: tags use lowercase letters, digits and hyphens.") % {"tag": name}
                ) from None
            if len(name) > 50:
                raise forms.ValidationError(_("%(tag)s: at most 50 characters.") % {"tag": name})
        return " ".join(names)

    def save_tags(self) -> None:
        self.instance.set_tags(self.cleaned_data["tags_text"])


class TeacherQuestionForm(TagsMixin, QuotedPassageForm):
    """A teacher writes a question: the same rules as the admin's editor (passage verbatim, kinds)."""

    class Meta:
        model = Question
        fields = ["kind", "prompt", "explanation", "back", "accepted_answers", "highlight", "difficulty", "topics"]
        field_classes = {"topics": ModelMultipleIdsField}
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "back": forms.Textarea(attrs={"rows": 2}),
            "accepted_answers": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)

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


# absolute_max: a forged TOTAL_FORMS would otherwise make Django build and render 1,008 forms.
ChoiceFormSet = forms.inlineformset_factory(
    Question,
    Choice,
    form=ChoiceForm,
    formset=BaseChoiceFormSet,
    extra=4,
    max_num=8,
    absolute_max=8,
    can_delete=False,
)
