"""Classes, joining one, assignments and extensions, the quiz-set builder."""

from datetime import timedelta

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..bank.models import Language, Question, QuizSet
from .models import Assignment, Classroom


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Class code"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class InviteForm(forms.Form):
    """Learners invited to a class by email: one address per line (or separated by commas)."""

    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "ana@example.org\nbruno@example.org"}),
        help_text=_(
            "One address per line. Each gets a link that creates their account (or joins with it) and enrols them."
        ),
    )

    def clean_emails(self) -> list[str]:
        from django.core.validators import validate_email

        found, wrong = [], []
        for number, line in enumerate(self.cleaned_data["emails"].replace(",", "\n").splitlines(), start=1):
            email = line.strip()
            if not email:
                continue
            try:
                validate_email(email)
            except forms.ValidationError:
                wrong.append(_("line %(n)s: %(email)s is not an email address") % {"n": number, "email": email})
            else:
                if email.lower() not in {e.lower() for e in found}:
                    found.append(email)
        if wrong:
            raise forms.ValidationError(wrong)
        if not found:
            raise forms.ValidationError(_("Write at least one email address."))
        if len(found) > 200:
            raise forms.ValidationError(_("At most 200 addresses at once."))
        return found


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
        labels = {"quizset": _("Quiz set")}  # the model's field has no translated name

    def __init__(self, teacher, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "quizset" in self.fields:
            self.fields["quizset"].queryset = QuizSet.objects.filter(
                models.Q(owner__isnull=True) | models.Q(owner=teacher)
            ).order_by("title")
        self.fields["max_attempts"].validators.append(MinValueValidator(1))
        if self.instance.time_limit:
            self.initial.setdefault("time_limit_minutes", round(self.instance.time_limit.total_seconds() / 60))

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("due_at") and data["due_at"] <= data["opens_at"]:
            self.add_error("due_at", _("The due date must come after the opening date."))
        return data

    def save(self, commit: bool = True):
        minutes = self.cleaned_data.get("time_limit_minutes")
        self.instance.time_limit = timedelta(minutes=minutes) if minutes else None
        return super().save(commit=commit)


class AssignmentEditForm(AssignmentForm):
    """An assignment after its creation: its dates and rules, not its set or its mode (the attempts and cards
    already made belong to them)."""

    class Meta(AssignmentForm.Meta):
        fields = [f for f in AssignmentForm.Meta.fields if f not in ("quizset", "mode")]


class WeakItemForm(forms.Form):
    """What a teacher does with a weak item of the analysis: send it back to the class's reviews, or flag it to the
    admin for rewriting, with a note (the analysis's reasons when none is typed)."""

    action = forms.ChoiceField(choices=[("review", "review"), ("flag", "flag")])
    note = forms.CharField(max_length=500, required=False)


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


class BankFilterForm(forms.Form):
    """The quiz-set builder's search and filters (a GET form): a value it cannot read is ignored, and said."""

    q = forms.CharField(max_length=200, required=False)
    source = forms.CharField(max_length=80, required=False)
    topic = forms.CharField(max_length=80, required=False)
    tag = forms.CharField(max_length=50, required=False)
    kind = forms.ChoiceField(choices=[("", "")] + Question.Kind.choices, required=False)
    language = forms.ChoiceField(choices=[("", "")] + Language.choices, required=False)
    difficulty = forms.TypedChoiceField(
        choices=[("", "")] + [(str(v), label) for v, label in Question.Difficulty.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def filters(self) -> dict[str, str]:
        """The filters as typed, for the form's inputs; those that could not be read are left out."""
        self.is_valid()
        return {
            name: "" if name in self.errors else str(self.data.get(self.add_prefix(name), "")) for name in self.fields
        }
