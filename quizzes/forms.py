from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


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
