"""Derivation jobs and the candidates they propose, waiting for review."""

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..accounts.jobs import BackgroundJob
from ..accounts.roles import Role, has_role
from ..bank.models import Question, Source
from .engine import reasons


class DerivationJob(BackgroundJob):
    """One run of the deriver on a source: a worker runs it (deriving.tasks), the page polls its progress."""

    TASK = "quizzes.deriving.tasks.derive"

    source = models.ForeignKey(Source, models.CASCADE, related_name="derivation_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} · {self.status}"


class CandidateQuerySet(models.QuerySet):
    def pending(self) -> "CandidateQuerySet":
        return self.filter(state=Candidate.State.PENDING)

    def for_reviewer(self, user) -> "CandidateQuerySet":
        """Admins review every source's candidates, teachers those of the texts they added."""
        if user.is_superuser or (user.is_staff and has_role(user, Role.ADMIN)):
            return self
        return self.filter(question__passage__source__owner=user)


class Candidate(models.Model):
    """A derived question waiting for review: a draft Question plus why and how sure the deriver was."""

    class State(models.TextChoices):
        PENDING = "pending", _("to review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    job = models.ForeignKey(DerivationJob, models.CASCADE, related_name="candidates")
    question = models.OneToOneField(Question, models.CASCADE, related_name="candidate")
    confidence = models.FloatField()
    reason = models.CharField(max_length=300)
    answer_type = models.CharField(max_length=20, blank=True)
    answer = models.CharField(max_length=300, blank=True)
    flags = models.JSONField(default=list, blank=True)
    # Why it ranks where it does, as the deriver scored it (importance, type, rarity, what lowered it); shown in the
    # reviewer's language by localized_ranking.
    ranking = models.JSONField(default=dict, blank=True)
    duplicate_of = models.ForeignKey(
        Question,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A bank question this one repeats."),
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    rejection_reason = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-confidence", "pk"]
        indexes = [models.Index(fields=["state", "-confidence"], name="candidate_queue")]

    def __str__(self) -> str:
        return f"{self.question.external_id} ({self.confidence:.2f})"

    def localized_reason(self) -> str:
        return localized_reason(self.reason)

    def localized_flags(self) -> list[str]:
        return [str(FLAGS.get(flag, flag)) for flag in self.flags]

    def localized_ranking(self) -> str:
        return localized_ranking(self.ranking)


# --- why the deriver made a candidate, in the reviewer's language ------------------------------------------------

FLAGS = {
    "duplicate": _("duplicate"),
    "needs-context": _("needs its context"),
    "lowercase-start": _("starts in lower case"),
    "long": _("long"),
    "no-final-period": _("no final full stop"),
    "refers-to-figure": _("refers to a figure"),
    "short": _("short"),
    "no-verb": _("no verb"),
}


def localized_reason(reason: str) -> str:
    """The deriver's reason (stored in English) in the active language; a reason it cannot read is shown as is."""
    parsed = reasons.parse(reason)
    if parsed is None:
        return reason
    template, parts = parsed
    shown = {}
    for name, value in parts.items():
        if name == "label":
            shown[name] = gettext(value)
        elif name == "labels":
            shown[name] = ", ".join(gettext(label) for label in value.split(", "))
        elif name == "why":
            why = reasons.parse(value, reasons.WHY)
            shown[name] = gettext(why[0]).format(**why[1]) if why else value
        else:
            shown[name] = value
    return gettext(template).format(**shown)


# --- why a candidate ranks where it does, in the reviewer's language ----------------------------------------------

# What lowered a candidate: importance's demotions, the deriver's penalties, the review's.
LOWERED = {
    "identifier": _("an identifier"),
    "one-off name": _("a name given once"),
    "obsolete name": _("a former name"),
    "common word": _("a common word"),
    "minor date": _("the date of a minor event"),
    "minor statement": _("a statement off the text's subject"),
    "common acronym": _("an acronym everyone knows"),
    "generic word": _("one common word"),
    "one-off acronym": _("an acronym named once"),
    "acronym blank": _("a blank on an acronym (its expansion asks it better)"),
    "same term": _("its term is asked higher up"),
    "same fact": _("the same fact is asked the other way higher up"),
    "rejected answer": _("an answer rejected before"),
    **FLAGS,
}


# The features of the learned score (engine.learned.FEATURES), as the reviewer reads them.
FEATURE_LABELS = {
    "kind_short": _("a short-answer question"),
    "kind_flashcard": _("a flashcard"),
    "kind_true_false": _("a true/false statement"),
    "kind_single": _("a multiple choice"),
    "type_acronym": _("an acronym"),
    "type_number": _("a number or date"),
    "type_name": _("a person or place"),
    "answer_words": _("the answer's length in words"),
    "answer_long": _("a long answer"),
    "answer_code": _("an answer shaped like code"),
    "answer_capital": _("a capitalised answer"),
    "answer_common": _("one common word"),
    "blanks": _("several blanks"),
    "mentions": _("how often the text names it"),
    "in_title": _("in the title"),
    "in_heading": _("in a heading"),
    "defined": _("defined in the text"),
    "importance": _("importance"),
    "central": _("a central sentence"),
    "rarity": _("a rare term"),
    "definition_cue": _("a sentence that defines or names"),
    "leaning_start": _("a sentence opening on a connective or pronoun"),
    "first_person": _("a sentence in the first person"),
    "symbols": _("symbols in the passage"),
    "digits": _("digits in the passage"),
    "passage_words": _("the passage's length"),
    "position": _("its place in the text"),
    "rule_score": _("the rules' score"),
    "gate_factor": _("the checks' penalties"),
    "lowered": _("what lowered it"),
    "flags": _("its flags"),
    "french": _("a French passage"),
}


def _learned(ranking: dict) -> str:
    """The learned score and the features that raised and lowered it most."""
    shown = number_format(ranking["learned"], decimal_pos=2)
    why = []
    for key, template in (("for", gettext("raised by %(what)s")), ("against", gettext("lowered by %(what)s"))):
        names = [str(FEATURE_LABELS.get(name, name)) for name, _share in ranking.get(key, [])]
        if names:
            why.append(template % {"what": ", ".join(names)})
    score = gettext("learned score %(score)s") % {"score": shown}
    return f"{score} ({'; '.join(why)})" if why else score


def localized_ranking(ranking: dict) -> str:
    """The deriver's score breakdown (see engine.Candidate.ranking) as one line: the learned score and what moved it
    most (when the learned ranker is on), how important the item is to the text and why, its type and rarity, and
    what lowered it. Empty for a candidate stored before it was kept."""
    if not ranking or "importance" not in ranking:
        return ""
    level = ranking["importance"]
    if level >= 0.6:
        importance = gettext("importance: high")
    elif level >= 0.35:
        importance = gettext("importance: medium")
    else:
        importance = gettext("importance: low")
    why = []
    mentions = ranking.get("mentions", 0)
    if mentions > 1:
        why.append(ngettext("named %(n)d time", "named %(n)d times", mentions) % {"n": mentions})
    elif mentions == 1:
        why.append(gettext("named once"))
    for key, text in (
        ("title", gettext("in the title")),
        ("heading", gettext("in a heading")),
        ("defined", gettext("defined in the text")),
        ("lead", gettext("in the opening")),
    ):
        if ranking.get(key):
            why.append(text)
    central = ranking.get("central", 0.0)
    if central >= 0.6:
        why.append(gettext("central sentence"))
    elif central < 0.3:
        why.append(gettext("sentence off the subject"))
    parts = [_learned(ranking)] if "learned" in ranking else []
    parts.append(f"{importance} ({', '.join(why)})" if why else importance)
    label = reasons.label(ranking.get("type") or "term")
    kind = gettext("type: %(label)s") % {"label": gettext(label) if label else ""}
    if ranking.get("rarity", 0.0) >= 0.7 and ranking.get("type") not in ("year", "percent", "number"):
        kind += ", " + gettext("rare term")
    parts.append(kind)
    lowered = [
        f"{LOWERED.get(name, name)} ×{number_format(factor, decimal_pos=2)}"
        for name, factor in ranking.get("lowered", [])
    ]
    if lowered:
        parts.append(gettext("lowered: %(why)s") % {"why": ", ".join(str(x) for x in lowered)})
    return gettext("Rank: %(why)s") % {"why": " · ".join(parts)}
