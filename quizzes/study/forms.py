"""A learner's study settings and review-log upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..bank.formats import APKG_MAX_BYTES
from .models import StudySettings


class StudySettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = StudySettings
        fields = [
            "desired_retention",
            "new_per_day",
            "reviews_per_day",
            "timezone",
            "rollover_hour",
            "reminders",
            "reminder_hour",
        ]
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
        self.fields["reminder_hour"].widget = forms.Select(choices=[(h, f"{h:02d}:00") for h in range(24)])
        self.fields["reminder_hour"].required = False  # kept as it was when the form leaves it out

    def clean_reminder_hour(self):
        hour = self.cleaned_data.get("reminder_hour")
        return self.instance.reminder_hour if hour is None else hour

    def clean(self):
        data = super().clean()
        if data.get("reminders") and not self.instance.user.email:
            self.add_error("reminders", _("Reminders need an email address: add one to your account first."))
        return data


class RevlogUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Review log (CSV or Anki package)"),
        help_text=_(
            "Columns card_id, review_time (epoch ms, or ISO 8601 with its offset), review_rating, review_duration, "
            "review_state, as exported here or by the FSRS optimizer tools; or an Anki package (.apkg, .colpkg): "
            "its review history."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,.apkg,.colpkg"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        anki = f.name.lower().endswith((".apkg", ".colpkg"))
        limit = APKG_MAX_BYTES if anki else 20 * 1024 * 1024
        if f.size > limit:
            raise forms.ValidationError(
                _("%(name)s: file larger than %(mib)d MiB.") % {"name": f.name, "mib": limit // 2**20}
            )
        return f
