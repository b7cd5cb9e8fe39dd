"""Adding a new text to derive questions from, and rejecting a candidate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.bank.models import web_url_validator

from . import engine

TEXT_MAX_BYTES = 1024 * 1024
TEXT_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


class HiddenTextarea(forms.Textarea):
    """A textarea kept out of sight (and out of the form's visible rows): it carries a long text as typed."""

    input_type = "hidden"

    def __init__(self, attrs=None) -> None:
        super().__init__({"hidden": True, **(attrs or {})})


class SourceForm(forms.Form):
    """A new text: pasted or uploaded (.txt, .md, .html; UTF-8; at most 1 MiB)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    url = forms.URLField(
        label=_("Original URL"), max_length=500, required=False, assume_scheme="https", validators=[web_url_validator]
    )
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

    # A file read once is kept in the form: a browser never fills a file input again, so after an error
    # elsewhere (no title...) the text would otherwise be lost.
    kept_text = forms.CharField(required=False, strip=False, widget=HiddenTextarea)
    kept_format = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(f, f) for f in sorted(set(TEXT_FORMATS.values()))],
        widget=forms.HiddenInput,
    )
    kept_name = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("file"), (data.get("text") or "").strip()
        if not upload and not pasted and data.get("kept_text") and data.get("kept_format"):
            if len(data["kept_text"].encode()) > TEXT_MAX_BYTES:
                raise forms.ValidationError(_("The text is larger than 1 MiB."))
            data["raw"], data["fmt"] = data["kept_text"], data["kept_format"]
        elif upload and pasted:
            raise forms.ValidationError(_("Paste a text or upload a file, not both."))
        elif upload:
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
            self.data = self.data.copy()
            for name, value in (("kept_text", data["raw"]), ("kept_format", data["fmt"]), ("kept_name", upload.name)):
                self.data[name] = value
        elif pasted:
            if len(pasted.encode()) > TEXT_MAX_BYTES:
                raise forms.ValidationError(_("The text is larger than 1 MiB."))
            data["raw"], data["fmt"] = pasted, "txt"
        else:
            raise forms.ValidationError(_("Paste a text or upload a file."))
        # Cleaned here, not once stored: a text with nothing left is refused before anything is written.
        data["document"] = engine.prepare(data["raw"], data["fmt"])
        if not data["document"].text.strip():
            raise forms.ValidationError(_("Nothing is left of this text once navigation and credits are removed."))
        return data


class RejectForm(forms.Form):
    """A rejection says why: the reason is kept, and the deriver ranks the answer lower next time."""

    reason = forms.CharField(label=_("Why?"), max_length=300)
