"""Forms on the bank: answering a question, writing one (passage quoted verbatim, choices), uploading bank files."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from quizzes.accounts.params import ModelMultipleIdsField

from . import version
from .formats import EXTENSIONS as FORMAT_EXTENSIONS
from .formats import max_bytes
from .grading import parse_number
from .models import Choice, Language, Question, Source, key_validator, tag_names


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f] or super().clean(None)


class BankUploadForm(forms.Form):
    """Files in any format the bank reads (docs/formats.md), or a pasted "term, definition" list."""

    files = MultipleFileField(
        label=_("Files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(FORMAT_EXTENSIONS)}),
        help_text=_(
            "Bank YAML, GIFT (.gift, .txt), Moodle XML, Anki (.apkg) or CSV files, imported together: all or "
            "nothing. At most 2 MiB each (an Anki package 50 MiB)."
        ),
    )
    paste = forms.CharField(
        label=_("Or paste a list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("One “term, definition” per line (separated by a tab, a semicolon or a comma): flashcards."),
    )
    shared = forms.BooleanField(
        label=_("Into the shared bank"),
        required=False,
        initial=True,
        help_text=_(
            "Published to everyone. Unticked, the questions are yours (like a teacher's own). Bank YAML says itself."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        initial="en",
        required=False,
        help_text=_("Of questions whose file does not say it (GIFT, Anki, CSV)."),
    )
    overwrite = forms.BooleanField(
        label=_("Overwrite questions edited here"),
        required=False,
        help_text=_(
            "Bank YAML: a question changed both in the file and here since its last import is a conflict: it keeps "
            "the version edited here unless this is ticked."
        ),
    )

    def clean_files(self):
        files = self.cleaned_data["files"] or []
        errors = []  # every file's, at once
        for f in files:
            if not f.name.lower().endswith(FORMAT_EXTENSIONS):
                errors.append(
                    _("%(name)s: use %(extensions)s files.")
                    % {"name": f.name, "extensions": ", ".join(FORMAT_EXTENSIONS)}
                )
                continue
            limit = max_bytes(f.name)
            if f.size > limit:
                errors.append(_("%(name)s: file larger than %(mib)d MiB.") % {"name": f.name, "mib": limit // 2**20})
        yaml = [f for f in files if f.name.lower().endswith((".yaml", ".yml"))]
        if yaml and len(yaml) != len(files):
            errors.append(_("Import bank YAML files on their own: they are the bank."))
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("files") and not (cleaned.get("paste") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Choose a file or paste a list."))
        if len((cleaned.get("paste") or "").encode()) > settings.QUESTION_BANK_MAX_BYTES:
            self.add_error("paste", _("The list is longer than 2 MiB."))
        return cleaned

    def is_yaml(self) -> bool:
        files = self.cleaned_data["files"]
        return bool(files) and files[0].name.lower().endswith((".yaml", ".yml"))


class AnswerForm(forms.Form):
    """The answer to one question; fields depend on the kind. `cleaned_answer()` is what grading reads.

    The button "I don't know" (`dont_know` in the data) is an answer in itself: it needs no field and
    counts as wrong. A refused answer renders again with what was typed (see answer_fields.html).
    """

    def __init__(self, question, choices, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.choice_ids = [c.pk for c in choices]
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
        elif kind == "matching":
            # `choices` is the right column in the order shown (shuffled); the left column keeps its order.
            right = [("", "—")] + [(c.pk, c.match) for c in choices]
            for left in question.choices.all():
                self.fields[f"match-{left.pk}"] = forms.TypedChoiceField(
                    label=left.text,
                    choices=right,
                    coerce=int,
                    error_messages={"required": _("Match every item.")},
                )
        elif kind == "ordering":
            # `choices` is the items in the order shown; each gets a position 1..n.
            positions = [("", "—")] + [(n, n) for n in range(1, len(choices) + 1)]
            for item in choices:
                self.fields[f"pos-{item.pk}"] = forms.TypedChoiceField(
                    label=item.text,
                    choices=positions,
                    coerce=int,
                    error_messages={"required": _("Give every item a position.")},
                )
        elif kind == "numeric":
            self.fields["answer"] = forms.CharField(max_length=60, error_messages={"required": _("Type a number.")})
        elif kind == "flashcard":
            self.fields["knew"] = forms.TypedChoiceField(
                choices=[("yes", _("I knew it")), ("no", _("I didn't know"))],
                coerce=lambda v: v == "yes",
                error_messages={"required": _("Say whether you knew it.")},
            )

    def clean(self):
        data = super().clean()
        kind = self.question.kind
        if self.dont_know or self.errors:
            return data
        if kind == "ordering":
            positions = [data[name] for name in self.fields]
            if len(set(positions)) != len(positions):
                raise forms.ValidationError(_("Give each item a different position."))
        elif kind == "numeric":
            if parse_number(data["answer"], self.question.language, self.question.unit) is None:
                unit = self.question.unit
                self.add_error(
                    "answer",
                    _("Type a number, such as 3.5 or 3,5%(unit)s.") % {"unit": f" {unit}" if unit else ""},
                )
        return data

    def error_summary(self) -> list[str]:
        """The first error of each field, each message once (eight unmatched items say "Match every item." once)."""
        return list(dict.fromkeys(str(errors[0]) for errors in self.errors.values()))

    def item_fields(self) -> list[forms.BoundField]:
        """The selects of a matching or ordering question, in the order shown."""
        return [self[name] for name in self.fields]

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

    def fields_key(self) -> str:
        """What the blank inputs (answer_fields.html) are a function of, to keep their markup ({% memo %}): the
        question, the bank's version (an edit shows at once), the page's language and the choices' order. Empty
        for a submitted form: what was typed and its errors belong to one learner and are rendered afresh."""
        if self.is_bound:
            return ""
        return self.unanswered_key(self.question, self.choice_ids)

    @staticmethod
    def unanswered_key(question, choice_ids) -> str:
        """fields_key of the unbound form of `question` with its choices in the order `choice_ids`, without making it:
        a page whose inputs come from their kept markup needs no form (its fields cost a review ~0.15 ms). Empty for a
        learner's own question: saving it bumps no bank version, so its kept inputs (its prompt) would outlive an
        edit."""
        if question.personal:
            return ""
        order = ",".join(map(str, choice_ids))
        return f"{question.pk}:{version.current()}:{get_language()}:{order}"

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
        if kind == "matching":
            return {"matches": {name.removeprefix("match-"): data[name] for name in self.fields}}
        if kind == "ordering":
            placed = sorted((data[name], int(name.removeprefix("pos-"))) for name in self.fields)
            return {"order": [pk for _position, pk in placed]}
        if kind == "numeric":
            return {"text": data["answer"]}
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
        # Only numeric questions use these: a form for another kind may leave them out.
        for name in ("numeric_tolerance", "tolerance_kind"):
            if name in self.fields:
                self.fields[name].required = False

    def clean_numeric_tolerance(self):
        tolerance = self.cleaned_data.get("numeric_tolerance")
        return 0.0 if tolerance is None else tolerance

    def clean_tolerance_kind(self):
        return self.cleaned_data.get("tolerance_kind") or Question.Tolerance.ABSOLUTE

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


TRUE_FALSE_LABELS = {"en": ("True", "False"), "fr": ("Vrai", "Faux")}  # as the bank's import writes them


class TeacherQuestionForm(TagsMixin, QuotedPassageForm):
    """A teacher writes a question: the same rules as the admin's editor (passage verbatim, kinds). A true/false
    question's answer is a choice of two, not two choices typed by hand (`save_question` writes them)."""

    statement_is = forms.ChoiceField(
        label=_("True/false: the statement is"),
        choices=[("true", _("True")), ("false", _("False"))],
        widget=forms.RadioSelect,
        required=False,
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "prompt",
            "explanation",
            "back",
            "accepted_answers",
            "numeric_value",
            "numeric_tolerance",
            "tolerance_kind",
            "unit",
            "highlight",
            "difficulty",
            "topics",
        ]
        field_classes = {"topics": ModelMultipleIdsField}
        labels = {"topics": _("Topics")}  # the model's field has no translated name
        # "3,5" in French, "3.5" in English: as the editor's language writes numbers.
        localized_fields = ["numeric_value", "numeric_tolerance"]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "back": forms.Textarea(attrs={"rows": 2}),
            "accepted_answers": forms.Textarea(attrs={"rows": 2}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and self.instance.kind == Question.Kind.TRUE_FALSE:
            right = next((c for c in self.instance.choices.all() if c.is_correct), None)
            if right is not None:
                self.initial.setdefault("statement_is", "true" if right.position == 0 else "false")

    def clean(self):
        data = super().clean()
        if data.get("source"):
            self.instance.language = data["source"].language
        if data.get("kind") == Question.Kind.TRUE_FALSE and not data.get("statement_is"):
            self.add_error("statement_is", _("Say whether the statement is true or false."))
        return data

    def true_false_choices(self) -> list[tuple[str, bool]]:
        """The two choices of a true/false question, in its language: True first, as the bank's import writes them."""
        true_label, false_label = TRUE_FALSE_LABELS.get(self.instance.language, TRUE_FALSE_LABELS["en"])
        answer = self.cleaned_data["statement_is"] == "true"
        return [(true_label, answer), (false_label, not answer)]


def question_form_is_valid(form: "TeacherQuestionForm", formset) -> bool:
    """The form, then its choices: a true/false question's are not typed (the formset is left alone)."""
    if not form.is_valid():
        formset.is_valid()  # its errors show too, in one round
        return False
    return form.instance.kind == Question.Kind.TRUE_FALSE or formset.is_valid()


def save_question(form: "TeacherQuestionForm", formset) -> Question:
    """Save a valid question and its choices in their order on the form (call within a transaction)."""
    question = form.save()
    form.save_tags()
    if question.kind == Question.Kind.TRUE_FALSE:
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=question, text=text, is_correct=right, position=i)
            for i, (text, right) in enumerate(form.true_false_choices())
        )
        return question
    if not question.has_rows:
        question.choices.all().delete()
        return question
    formset.instance = question
    formset.save_in_order()
    return question


class ChoiceForm(forms.ModelForm):
    """A choice, a matching pair (text on the left, match on the right) or an item to order (rows in order)."""

    class Meta:
        model = Choice
        fields = ["text", "match", "is_correct", "feedback"]
        widgets = {"feedback": forms.TextInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An empty row is skipped; a row with only its right side filled is a pair missing its left side.
        self.fields["text"].required = False

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip():
            if (data.get("match") or "").strip():
                self.add_error("text", _("Each pair needs both sides: an item and its match."))
            elif self.instance.pk:  # a stored choice emptied: say so rather than keep an empty choice
                self.add_error("text", forms.Field.default_error_messages["required"])
        return data


class BaseChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        choices = [
            (f.cleaned_data["text"], f.cleaned_data.get("is_correct", False), f.cleaned_data.get("match", ""))
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")
        ]
        problems = self.instance.choice_errors(choices)
        if problems:
            raise forms.ValidationError(problems)

    def save_in_order(self) -> None:
        """Save the rows, each at its place on the page: an ordering question's right order is the rows' order."""
        rows = [f for f in self.forms if f.cleaned_data and (f.cleaned_data.get("text") or "").strip()]
        for position, form in enumerate(rows):
            if form.instance.position != position or form.has_changed():
                choice = form.save(commit=False)
                choice.question = self.instance
                choice.position = position
                choice.save()


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
