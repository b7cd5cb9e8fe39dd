"""A learner's study settings and review-log upload."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import ExamDate, Study, StudySettings
from .planning import HORIZONS, RETENTIONS


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


class SimulatorForm(forms.Form):
    """The workload simulator's inputs (planning.simulate): read from the query string, so a result has a URL."""

    days = forms.TypedChoiceField(
        label=_("Days to simulate"), choices=[(h, str(h)) for h in HORIZONS], coerce=int, widget=forms.RadioSelect
    )
    new_per_day = forms.IntegerField(label=_("New cards per day"), min_value=0, max_value=200, initial=20)
    retention = forms.TypedChoiceField(
        label=_("Desired retention to chart"), coerce=float, initial=0.9, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["retention"].choices = [(str(r), number_format(r, 2)) for r in RETENTIONS]


class ExamDateForm(forms.ModelForm):
    class Meta:
        model = ExamDate
        fields = ["study", "on", "target"]
        labels = {"study": _("Quiz set or text in your studies")}
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.97"}),
        }
        help_texts = {
            "target": _("The chance of recalling each card on the exam day that you aim for, e.g. 0.90."),
        }

    def __init__(self, user, *args, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.today = user, today
        self.fields["study"].required = True
        self.fields["study"].queryset = Study.objects.filter(user=user).select_related("quizset", "source")
        self.fields["study"].empty_label = None
        self.fields["study"].label_from_instance = lambda study: str(study.quizset or study.source)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if self.today and on <= self.today:
            raise forms.ValidationError(_("Choose a day after today."))
        return on

    def clean_study(self):
        study = self.cleaned_data["study"]
        taken = ExamDate.objects.filter(user=self.user, study=study).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This one already has an exam date: change it on its page."))
        return study

    def save(self, commit: bool = True) -> ExamDate:
        self.instance.user = self.user
        return super().save(commit)
