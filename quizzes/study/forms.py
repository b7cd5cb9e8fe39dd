"""A learner's study settings and review-log upload; own cards, decks, pasted lists, the card browser."""

from urllib.parse import urlencode

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ..accounts.params import as_id
from ..bank.formats import APKG_MAX_BYTES, max_bytes
from ..bank.forms import QuotedPassageForm, TagsMixin
from ..bank.models import Question, Source
from . import anki_import, cards
from .models import Deck, ExamDate, Study, StudySettings
from .planning import HORIZONS, RETENTIONS


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


# --- own cards, decks, the card browser ---------------------------------------------------------------


class DeckChoiceField(forms.ModelChoiceField):
    """A deck of the learner's; an id past the database's range is a form error, not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and as_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def _decks_field(user, label):
    return DeckChoiceField(Deck.objects.filter(user=user), label=label, required=False, empty_label=_("No deck"))


class OwnCardForm(TagsMixin, QuotedPassageForm):
    """A learner writes a card: the question editor's rules, a passage only if they cite a text they may read."""

    class Meta:
        model = Question
        fields = ["kind", "prompt", "back", "accepted_answers", "explanation"]
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "back": forms.Textarea(attrs={"rows": 2}),
            "accepted_answers": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"prompt": _("Front (the question)"), "explanation": _("Note (optional)")}

    field_order = ["kind", "prompt", "back", "accepted_answers", "explanation", "deck", "tags_text"]

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.fields["explanation"].required = False
        self.fields["source"].required = False
        self.fields["source"].queryset = Source.objects.visible_to(user).exclude(text="")
        self.fields["source"].label = _("Cite a text (optional)")
        self.fields["passage_text"].required = False
        self.fields["passage_text"].help_text = _("Copy the sentence from the text, verbatim.")
        self.fields["deck"] = _decks_field(user, _("Deck"))
        if self.instance.passage_id and not self.instance.passage.text:  # the blank passage: no text cited
            self.initial["source"] = None
            self.initial["passage_text"] = ""

    def clean(self):
        data = super().clean()
        source, text = data.get("source"), data.get("passage_text")
        if source and not text:
            self.add_error("passage_text", _("Copy the sentence you cite, or choose no text."))
        elif text and not source:
            self.add_error("source", _("Choose the text this sentence comes from."))
        elif not source:
            self.instance.passage = cards.blank_passage(self.user)
        if source:
            self.instance.language = source.language
        self.instance.explanation = data.get("explanation") or ""
        return data


class DeckForm(forms.ModelForm):
    class Meta:
        model = Deck
        fields = ["name", "new_per_day", "reviews_per_day"]
        help_texts = {
            "new_per_day": _("Empty: your daily limit. Applies when you study this deck."),
            "reviews_per_day": _("Empty: your daily limit. Applies when you study this deck."),
        }

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Deck.objects.filter(user=self.user, name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("You already have a deck with that name."))
        return name


class PasteForm(forms.Form):
    """A pasted list, one card per line: all of it is made, or nothing (with every line refused)."""

    text = forms.CharField(
        label=_("One card per line"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "AAV – adeno-associated virus"}),
        help_text=_("A term, a dash (or a tab, a semicolon, a comma), its definition."),
        max_length=500_000,
    )
    tags_text = forms.CharField(label=_("Tags for these cards"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if "text" in data:
            try:
                self.lines = cards.parse_pasted(data["text"])
            except cards.PasteInvalid as exc:
                for error in exc.errors:
                    self.add_error("text", error)
        return data


class DeckImportForm(forms.Form):
    """An Anki deck or a list file to import into a deck (anki_import.import_file): its kind and size are
    checked here, its content by the import (every error with its line, nothing written)."""

    file = forms.FileField(
        label=_("Anki deck or list file"),
        help_text=_(
            "An Anki package (.apkg, up to 50 MiB), or a list: one card per line, the term and its definition "
            "separated by a tab, a semicolon or a comma (.csv, .tsv, or Quizlet's .txt export, up to 2 MiB)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(anki_import.EXTENSIONS)}),
    )
    history = forms.BooleanField(
        label=_("Bring my Anki review history"),
        required=False,
        initial=True,
        help_text=_("Your reviews in Anki carry on here: each card is due when FSRS says."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(anki_import.EXTENSIONS):
            raise forms.ValidationError(
                _("%(name)s: use an Anki package (.apkg) or a list (.csv, .tsv, .txt).") % {"name": f.name}
            )
        limit = max_bytes(f.name)
        if f.size > limit:
            raise forms.ValidationError(
                _("%(name)s: file larger than %(mib)d MiB.") % {"name": f.name, "mib": limit // 2**20}
            )
        return f


class NewDeckForm(DeckForm):
    """A deck, made with a pasted list of cards or empty."""

    text = PasteForm.base_fields["text"]
    tags_text = PasteForm.base_fields["tags_text"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].label = _("Cards to add (optional): one per line")
        self.lines = []

    def clean_text(self):
        text = self.cleaned_data["text"]
        if text.strip():
            try:
                self.lines = cards.parse_pasted(text)
            except cards.PasteInvalid as exc:
                raise forms.ValidationError(exc.errors) from None
        return text


class BrowseForm(forms.Form):
    """The card browser's search (a GET form): a value it cannot read is left out, and said."""

    STATES = [
        ("new", _("New")),
        ("learning", _("Learning")),
        ("review", _("Review")),
        ("suspended", _("Suspended")),
        ("buried", _("Buried")),
        ("leech", _("Leech")),
    ]
    SORTS = [
        ("due", _("Due first")),
        ("-due", _("Due last")),
        ("-created", _("Newest")),
        ("created", _("Oldest")),
        ("-lapses", _("Most lapses")),
        ("prompt", _("Question A–Z")),
    ]
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    deck = forms.CharField(label=_("Deck"), max_length=20, required=False)
    source = forms.CharField(label=_("Text"), max_length=80, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=80, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("Any"))] + STATES, required=False)
    due_after = forms.DateField(label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_before = forms.DateField(label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    lapses = forms.IntegerField(label=_("Lapses at least"), min_value=0, max_value=10_000, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def filters(self) -> dict:
        """The search as read; what could not be read is left out."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}

    def query_string(self) -> str:
        """The search as typed (valid parts only), for links to other pages and back after an action."""
        self.is_valid()
        keep = {k: v for k, v in self.data.items() if k in self.fields and k not in self.errors and v}
        return urlencode(keep)


class BulkForm(forms.Form):
    ACTIONS = [
        ("suspend", _("Suspend")),
        ("unsuspend", _("Unsuspend")),
        ("bury", _("Bury until tomorrow")),
        ("forget", _("Forget (back to new)")),
        ("reschedule", _("Reschedule to…")),
        ("move", _("Move to deck…")),
        ("remove", _("Remove from studies")),
    ]
    action = forms.ChoiceField(label=_("With the selected cards"), choices=ACTIONS)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.CharField(label=_("Deck"), required=False, max_length=20)
    card = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.decks = list(Deck.objects.filter(user=user))
        self.fields["card"].choices = [(str(v), str(v)) for v in self.data.getlist("card") if str(v).isdigit()][:500]

    def clean(self):
        data = super().clean()
        if not data.get("card"):
            raise forms.ValidationError(_("Select at least one card."))
        if data.get("action") == "reschedule" and not data.get("date"):
            self.add_error("date", _("Choose the date to reschedule to."))
        if data.get("action") == "move":
            target = data.get("target") or ""
            if target == "none":
                data["deck"] = None
            elif target.isdigit() and int(target) in {d.pk for d in self.decks}:
                data["deck"] = next(d for d in self.decks if d.pk == int(target))
            else:
                self.add_error("target", _("Choose a deck."))
        return data


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
    """What the exam covers is one choice among the learner's studies and decks ("study-<id>" or
    "deck-<id>"): anything else, another learner's included, is refused as an invalid choice."""

    covers = forms.ChoiceField(label=_("Quiz set, text or deck"))

    class Meta:
        model = ExamDate
        fields = ["on", "target"]
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
        self.studies = {
            f"study-{study.pk}": study
            for study in Study.objects.filter(user=user).select_related("quizset", "source").order_by("pk")
        }
        self.decks = {f"deck-{deck.pk}": deck for deck in Deck.objects.filter(user=user)}
        choices = []
        if self.studies:
            studies = [(key, str(study.quizset or study.source)) for key, study in self.studies.items()]
            choices.append((_("Your studies"), studies))
        if self.decks:
            choices.append((_("Your decks"), [(key, deck.name) for key, deck in self.decks.items()]))
        self.fields["covers"].choices = choices
        self.order_fields(["covers", "on", "target"])
        if self.instance.pk and "covers" not in self.initial:
            self.initial["covers"] = self.covers_key(self.instance)

    @staticmethod
    def covers_key(exam_or_study) -> str:
        if isinstance(exam_or_study, Study):
            return f"study-{exam_or_study.pk}"
        if isinstance(exam_or_study, Deck):
            return f"deck-{exam_or_study.pk}"
        return f"deck-{exam_or_study.deck_id}" if exam_or_study.deck_id else f"study-{exam_or_study.study_id}"

    @property
    def has_choices(self) -> bool:
        return bool(self.studies or self.decks)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if self.today and on <= self.today:
            raise forms.ValidationError(_("Choose a day after today."))
        return on

    def clean_covers(self):
        key = self.cleaned_data["covers"]
        study, deck = self.studies.get(key), self.decks.get(key)
        taken = ExamDate.objects.filter(user=self.user, study=study, deck=deck).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This one already has an exam date: change it on its page."))
        self.instance.study, self.instance.deck = study, deck
        return key

    def save(self, commit: bool = True) -> ExamDate:
        self.instance.user = self.user
        return super().save(commit)
