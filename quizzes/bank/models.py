"""The bank's models: texts (sources) and their passages, topics, questions and their choices, quiz sets."""

import random
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ..accounts.jobs import BackgroundJob
from ..accounts.roles import is_admin

key_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]*\Z", _("Use lowercase letters, digits and hyphens."))
# The text page links a source's URL: only web addresses, never `javascript:` or `data:`.
web_url_validator = URLValidator(schemes=["http", "https"], message=_("Enter an http:// or https:// address."))
CLOZE_BLANK = re.compile(r"\[\[([^\[\]]+)\]\]")


def number_text(value: float, language: str) -> str:
    """A number as written in `language`, without trailing zeros: 3.5 -> "3,5" in French, 2.0 -> "2"."""
    text = f"{value:.10g}"
    if "e" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "fr" else text


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"


def _sources_visible(user, prefix: str = "") -> models.Q:
    """Which texts `user` may read, as a condition on `prefix` (a Source, or a relation to one): the published
    ones, and their own until an admin publishes them; admins read every text (they publish them)."""
    published = models.Q(**{f"{prefix}published": True})
    if not user.is_authenticated:
        return published
    if is_admin(user):
        return models.Q()
    return published | models.Q(**{f"{prefix}owner": user})


class SourceQuerySet(models.QuerySet):
    def published(self) -> "SourceQuerySet":
        return self.filter(published=True)

    def visible_to(self, user) -> "SourceQuerySet":
        return self.filter(_sources_visible(user))

    def not_own_cards(self) -> "SourceQuerySet":
        """Not a learner's "My cards" (an empty text holding their own cards); a source imported without
        text (GIFT, Anki…) stays: its questions are the bank's."""
        return self.exclude(text="", passages__questions__personal=True)


class Source(models.Model):
    key = models.CharField(max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    author = models.CharField(_("author"), max_length=300, blank=True)
    url = models.URLField(_("original URL"), max_length=500, blank=True, validators=[web_url_validator])
    licence = models.TextField(_("licence and attribution"), blank=True)
    text = models.TextField(_("full text"))
    paragraph_languages = models.JSONField(
        _("paragraph languages"),
        default=dict,
        blank=True,
        help_text=_("Languages corrected by hand, by the offset where the paragraph starts in the text."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_sources",
        help_text=_("Who added the text (teachers review the questions derived from their own texts)."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Everyone may read a published text; until an admin publishes it, only who added it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:source", args=[self.key])

    def is_readable_by(self, user) -> bool:
        """The rule of SourceQuerySet.visible_to for one text already loaded: published, or theirs, or an admin."""
        return self.published or (user.is_authenticated and (self.owner_id == user.pk or is_admin(user)))

    @property
    def web_url(self) -> str:
        """The URL if it is a web address: one saved before the check is never linked."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    def language_corrections(self) -> dict[int, str]:
        """The paragraph languages set by hand: paragraph start offset -> "en" | "fr"."""
        return {int(start): lang for start, lang in self.paragraph_languages.items() if lang in Language.values}

    def correct_languages(self, chosen: dict[int, str], detected: dict[int, str]) -> None:
        """Keep, for each paragraph, the language chosen by hand where it differs from the detected one; a paragraph
        not chosen keeps its earlier correction, if any."""
        languages = {**self.language_corrections(), **chosen}
        self.paragraph_languages = {
            str(start): lang for start, lang in sorted(languages.items()) if detected.get(start) not in (None, lang)
        }
        self.save(update_fields=["paragraph_languages", "updated_at"])

    def replace_text(self, text: str) -> int:
        """Change the full text. Passages still found verbatim follow their text; the questions citing
        one that is gone are marked stale for review. Returns how many questions became stale."""
        if text != self.text:
            self.paragraph_languages = {}  # the paragraphs moved: their languages are detected again
        self.text = text
        self.save()
        stale = 0
        for passage in self.passages.all():
            at = text.find(passage.text)
            if at >= 0:
                if (passage.start, passage.end) != (at, at + len(passage.text)):
                    clash = self.passages.filter(start=at, end=at + len(passage.text)).exclude(pk=passage.pk).first()
                    if clash is None:
                        passage.start, passage.end = at, at + len(passage.text)
                        passage.save(update_fields=["start", "end"])
                    else:  # another passage already quotes the same span: move its questions over
                        passage.questions.update(passage=clash)
                passage.questions.filter(stale=True).update(stale=False)
            else:
                stale += passage.questions.update(stale=True)
        return stale

    def quote(self, text: str) -> "Passage":
        """The passage quoting `text`: the stored one, or a new one not yet saved (validation writes
        nothing; `passage_for` stores it). `text` must be verbatim here."""
        start = self.text.find(text)
        if not text or start < 0:
            raise ValidationError(_("The passage does not occur verbatim in the source text."))
        span = {"source": self, "start": start, "end": start + len(text)}
        return Passage.objects.filter(**span).first() or Passage(text=text, **span)

    def passage_for(self, text: str) -> "Passage":
        """The passage quoting `text`, created on first use; `text` must be verbatim here."""
        passage = self.quote(text)
        if passage.pk is None:
            passage, _created = Passage.objects.get_or_create(
                source=self, start=passage.start, end=passage.end, defaults={"text": text}
            )
        return passage


class Passage(models.Model):
    """A verbatim span of a source: what a question cites and shows after answering."""

    source = models.ForeignKey(Source, models.CASCADE, related_name="passages")
    text = models.TextField()
    start = models.PositiveIntegerField(help_text=_("Offset of the first character in the source."))
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["source", "start"]
        constraints = [
            models.UniqueConstraint(fields=["source", "start", "end"], name="passage_unique_span"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.source.text[self.start : self.end] != self.text:
            raise ValidationError(_("The passage does not occur verbatim in the source text."))


class Tag(models.Model):
    """A free label on questions ("exam-1", "hard"): admins tag the bank, teachers their own questions,
    learners their own cards. Names are shared, never listed as such: a page lists the tags of the
    questions it shows."""

    name = models.CharField(_("name"), max_length=50, unique=True, validators=[key_validator])

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


def tag_names(text: str) -> list[str]:
    """The tag names written in `text`, lowercased, once each, in order."""
    return list(dict.fromkeys(name.lower() for name in re.split(r"[\s,]+", text or "") if name))


class Topic(models.Model):
    key = models.CharField(max_length=80, unique=True, validators=[key_validator])
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)

    class Meta:
        ordering = ["key"]
        verbose_name = _("topic")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


def _usable(user) -> models.Q:
    shared = models.Q(owner__isnull=True) & _sources_visible(user, "passage__source__")
    return shared | models.Q(owner=user) if user.is_authenticated else shared


def _assigned(user) -> models.QuerySet:
    """The ids of the questions of the sets assigned to the learner's classes. Subqueries, not a join: the
    many-valued relations would repeat rows for every class and set. They start from the learner's enrollments
    (a few set items), never from the bank, and without joins they are quick to plan where a statement repeats
    the rule (the queue's counts: eight times)."""
    enrollment = get_user_model().enrollments.field.model  # teaching's models sit above the bank
    assignment = QuizSet.assignments.field.model
    classes = enrollment.objects.filter(learner=user).values("classroom_id")
    sets = assignment.objects.filter(classroom_id__in=classes).values("quizset_id")
    return QuizSetItem.objects.filter(quizset_id__in=sets).values("question_id")


class QuestionQuerySet(models.QuerySet):
    def published(self) -> "QuestionQuerySet":
        return self.filter(status=Question.Status.PUBLISHED)

    def usable_by(self, user) -> "QuestionQuerySet":
        """What `user` may read and reuse (in their own sets): the shared bank on texts they may read,
        and their own questions."""
        return self.filter(_usable(user))

    def visible_to(self, user) -> "QuestionQuerySet":
        """What `user` may read: what they may use, plus what a teacher assigned them (only to answer and
        study: it is not theirs to reuse). The one rule for the library, studies, reviews and quizzes."""
        if not user.is_authenticated:
            return self.usable_by(user)
        return self.filter(_usable(user) | models.Q(pk__in=_assigned(user)))

    def shared(self) -> "QuestionQuerySet":
        """Not a learner's own card: what may go in a quiz set, an export, an analysis or the library."""
        return self.filter(personal=False)

    def tagged(self, *names: str) -> "QuestionQuerySet":
        """Questions carrying every one of these tags (empty names are ignored)."""
        for name in filter(None, names):
            self = self.filter(pk__in=Question.tags.through.objects.filter(tag__name=name).values("question_id"))
        return self

    def with_content(self) -> "QuestionQuerySet":
        """Everything a rendered question needs, in a fixed number of queries."""
        return self.select_related("passage__source").prefetch_related("choices", "topics")

    def withheld_from(self, user, now) -> "QuestionQuerySet":
        """The questions a class assignment keeps for its own attempts, away from this learner now.

        The rule, the same as `Assignment.holds_questions_from` for one assignment: a quiz assignment of a class
        the learner is in holds its set's questions while it withholds their answers from that learner
        (reveal "never", or "after_due" before the learner's due date) or limits their attempts (before that
        date). Held questions cannot be practised, studied, revealed in review or retaken: only the
        assignment's own attempts reach them. The learner's due date is their extension's if they have one.

        A visitor (an anonymous user) may be any class's learner logged out, and a shared set's try grades their
        answers: what any assignment holds from its learners now, it holds from every visitor, until the latest
        due date of its learners (extensions included). A logged-in learner outside the class is someone else,
        known by their account: they practise the shared bank as usual (docs/reliability.md).

        A subquery (`withheld_questions`), compiled once: the queries built on this one run no more queries for it.
        """
        return self.filter(pk__in=withheld_questions(user, now))

    def withheld_reason(self, user, now) -> str | None:
        """Why some of these questions are withheld from the learner, in the words of the assignment holding
        them ("This set is assigned to you: …"), or None when none is."""
        held = withheld_ids(user, now)
        if not held:
            return None
        mine = list(self.filter(pk__in=held).order_by().values_list("pk", flat=True))
        if not mine:
            return None
        if not user.is_authenticated:  # neither the class, nor its due date: they are the class's business
            return gettext(
                "Questions of this set are part of a class assignment that does not show its answers yet: "
                "they are left out of the try until it does."
            )
        # The set holding a question may hold it in another language (a version of the same item).
        versions = Question.objects.filter(_with_versions(mine)).values("pk")
        assignments = (
            QuizSet.assignments.field.model.objects.filter(
                quizset__items__question__in=versions, classroom__enrollments__learner=user
            )
            .distinct()
            .order_by("quizset__title", "quizset__pk", "due_at", "pk")
        )
        for assignment in assignments:
            if assignment.holds_questions_from(user, now):
                return assignment.hold_message(user)
        return None


def withheld_questions(user, now) -> RawSQL:
    """The ids of the questions class assignments keep away from `user` at `now` (QuerySet.withheld_from), as SQL
    to filter on (`question_id__in=`). Every quiz page and review needs it, where compiling the rule's subqueries
    would cost more than running them: it is compiled once, for a stand-in user and time that are then replaced."""
    sql, params = _withheld_sql() if user.is_authenticated else _withheld_from_visitors_sql()
    ops = connections[DEFAULT_DB_ALIAS].ops
    stand_in_now, now = ops.adapt_datetimefield_value(_STAND_IN_NOW), ops.adapt_datetimefield_value(now)
    return RawSQL(sql, tuple(user.pk if p == _STAND_IN_ID else now if p == stand_in_now else p for p in params))


def withheld_ids(user, now) -> list[int]:
    """The ids of `withheld_questions`, read in one query: most learners have none, and pages that only ask
    whether anything is held stop there."""
    held = withheld_questions(user, now)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(held.sql, held.params)
        return sorted(row[0] for row in cursor.fetchall())


_STAND_IN_NOW = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)  # never a real time: it marks where `now` goes


@lru_cache(maxsize=1)
def _withheld_sql() -> tuple[str, tuple]:
    user = get_user_model()(pk=_STAND_IN_ID)
    path = "quizset__assignments"
    # The learner's due date for the assignment on the same joined row: their extension's, else its own.
    extension = user.extensions.filter(assignment=models.OuterRef(f"{path}__pk")).values("due_at")[:1]
    due = Coalesce(models.Subquery(extension), models.F(f"{path}__due_at"))
    # The literals are teaching's Assignment.Mode.QUIZ and Assignment.Reveal values: teaching sits above the
    # bank, so the rule is written with lookups through the relations by name. It starts from the learner's
    # enrollments and their classes' set items (a few rows), never from the bank.
    held = QuizSetItem.objects.filter(
        models.Q(**{f"{path}__classroom__enrollments__learner": user, f"{path}__mode": "quiz"}),
        models.Q(**{f"{path}__reveal": "never"})
        | (
            (models.Q(**{f"{path}__reveal": "after_due"}) | models.Q(**{f"{path}__max_attempts__isnull": False}))
            & GreaterThan(due, _STAND_IN_NOW)
        ),
    ).values("question_id")
    return _with_their_versions(held)


@lru_cache(maxsize=1)
def _withheld_from_visitors_sql() -> tuple[str, tuple]:
    """`_withheld_sql` for a visitor: what any quiz assignment holds from any of its learners, until the latest
    due date among them (the assignment's own or an extension's); the same literals and stand-in time."""
    path = "quizset__assignments"
    extended = QuizSet.assignments.field.model.extensions.field.model.objects.filter(
        assignment=models.OuterRef(f"{path}__pk"), due_at__gt=_STAND_IN_NOW
    )
    held = QuizSetItem.objects.filter(
        models.Q(**{f"{path}__mode": "quiz"}),
        models.Q(**{f"{path}__reveal": "never"})
        | (
            (models.Q(**{f"{path}__reveal": "after_due"}) | models.Q(**{f"{path}__max_attempts__isnull": False}))
            & (models.Q(**{f"{path}__due_at__gt": _STAND_IN_NOW}) | models.Exists(extended))
        ),
    ).values("question_id")
    return _with_their_versions(held)


def _with_their_versions(held: models.QuerySet) -> tuple[str, tuple]:
    held_sql, held_params = held.order_by().query.sql_with_params()
    # Read once (a common table expression) for the four lookups of their versions: PostgreSQL plans the
    # rule's joins once, not four times, on every page that asks what is held.
    versions = _versions_of(RawSQL("SELECT h.id FROM held_ids h", ())).order_by().query
    sql, params = versions.sql_with_params()
    return f"WITH held_ids (id) AS ({held_sql}) {sql}", (*held_params, *params)


def _versions_of(ids) -> models.QuerySet:
    """The ids of `_with_versions(ids)` as a union of index lookups (an OR of these columns would read every
    question): the questions of `ids`, their originals, and the versions of both."""
    originals = Question.objects.filter(pk__in=ids, translation_of__isnull=False).values("translation_of")
    return (
        Question.objects.filter(pk__in=ids)
        .values("pk")
        .order_by()
        .union(
            originals.order_by(),
            Question.objects.filter(translation_of__in=ids).values("pk").order_by(),
            Question.objects.filter(translation_of__in=originals).values("pk").order_by(),
        )
    )


def _with_versions(ids) -> models.Q:
    """The questions of `ids` (a subquery of question ids) and every other version of their items: an item held
    in one language is held in the other too, or its answer would be one language away."""
    originals = Question.objects.filter(pk__in=ids, translation_of__isnull=False).values("translation_of")
    return (
        models.Q(pk__in=ids)
        | models.Q(pk__in=originals)
        | models.Q(translation_of__in=ids)
        | models.Q(translation_of__in=originals)
    )


def visible_questions(user) -> RawSQL:
    """The ids of the published questions `user` may see (Question.objects.published().visible_to(user)), as
    SQL to filter on (`question_id__in=`). Every review and library page needs it, where compiling the rule's
    subqueries would cost more than running them: it is compiled once per kind of user, for a stand-in whose
    id is then replaced."""
    admin = is_admin(user)
    sql, params = _visible_questions_sql(user.is_authenticated, admin)
    if user.is_authenticated:
        params = tuple(user.pk if p == _STAND_IN_ID else p for p in params)
    return RawSQL(sql, params)


_STAND_IN_ID = -7_000_001  # no row has it: it only marks where the user's id goes
_STAND_IN_QUESTION = -7_000_002  # the same, for where the question's id goes


class QuestionRule(NamedTuple):
    """A condition on one question, as SQL: `{question}` in `sql` marks where its id goes."""

    sql: str
    params: tuple

    def on(self, question: str) -> str:
        """The condition on the question whose id the SQL expression `question` gives (e.g. "c.question_id")."""
        return self.sql.replace("{question}", question)


def visible_question(user) -> QuestionRule:
    """visible_questions(user) for one question at a time: whether that question is among them, looked up by
    its primary key (its passage and source by theirs, the learner's assigned questions from their classes).
    Where a statement only asks about a few of the learner's cards (the queue's counts stop at the daily
    limits), this costs what those cards cost, where the list of every visible question costs the bank."""
    sql, params = _visible_question_sql(user.is_authenticated, is_admin(user))
    if user.is_authenticated:
        params = tuple(user.pk if p == _STAND_IN_ID else p for p in params)
    return QuestionRule(sql, params)


def _stand_in_user(authenticated: bool, admin: bool):
    """The user a rule is compiled for, once per kind of user: the stand-in id is replaced by the real one."""
    if not authenticated:
        return AnonymousUser()
    user = get_user_model()(pk=_STAND_IN_ID, is_staff=admin, is_superuser=admin)
    user._role_names = set()  # what accounts.roles caches: the flags above already decide is_admin
    return user


@lru_cache(maxsize=4)
def _visible_question_sql(authenticated: bool, admin: bool) -> tuple[str, tuple]:
    user = _stand_in_user(authenticated, admin)
    one = Question.objects.published().visible_to(user).filter(pk=_STAND_IN_QUESTION).values("pk").order_by()[:1]
    sql, params = one.query.sql_with_params()
    # The stand-in question's placeholder becomes the marker, its parameter leaves.
    at = params.index(_STAND_IN_QUESTION)
    parts = sql.split("%s")
    sql = "%s".join(parts[: at + 1]) + "{question}" + "%s".join(parts[at + 1 :])
    # A scalar subquery, not EXISTS: PostgreSQL would make an EXISTS a semi-join planned with the statement
    # around it (the queue repeats the rule eight times: 15 ms of planning, and a merge over every card's
    # question), where a scalar subquery is planned once, alone, and runs on each card the index gives.
    return f"({sql}) IS NOT NULL", tuple(params[:at]) + tuple(params[at + 1 :])


@lru_cache(maxsize=4)
def _visible_questions_sql(authenticated: bool, admin: bool) -> tuple[str, tuple]:
    user = _stand_in_user(authenticated, admin)
    sql, params = Question.objects.published().visible_to(user).values("pk").order_by().query.sql_with_params()
    return sql, tuple(params)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT = "short", _("Short answer")
        CLOZE = "cloze", _("Fill in the blanks")
        FLASHCARD = "flashcard", _("Flashcard")
        MATCHING = "matching", _("Matching")
        ORDERING = "ordering", _("Ordering")
        NUMERIC = "numeric", _("Numeric")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Easy")
        MEDIUM = 2, _("Medium")
        HARD = 3, _("Hard")

    class Cognitive(models.TextChoices):
        """What a question asks beyond recalling a fact (empty: recall)."""

        WHY = "why", _("Why (a reason)")
        HOW = "how", _("How (a mechanism)")
        APPLY = "apply", _("Apply (a new case)")

    class Tolerance(models.TextChoices):
        ABSOLUTE = "absolute", _("absolute (± value)")
        RELATIVE = "relative", _("relative (± percent)")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE)
    # Kinds whose answer is made of Choice rows: choices, matching pairs, items to put in order.
    ROW_KINDS = (*CHOICE_KINDS, Kind.MATCHING, Kind.ORDERING)

    external_id = models.CharField(
        _("external id"),
        max_length=80,
        unique=True,
        validators=[key_validator],
        help_text=_("Stable id used by YAML import and export."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    prompt = models.TextField(
        _("prompt"), help_text=_("For cloze questions, write blanks as [[answer]] or [[answer|alternative]].")
    )
    explanation = models.TextField(_("explanation"))
    back = models.TextField(_("back of the card"), blank=True, help_text=_("Flashcards only."))
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("Short answers only: one per line, the first is shown as the answer."),
    )
    numeric_value = models.FloatField(
        _("numeric answer"), null=True, blank=True, help_text=_("Numeric questions only.")
    )
    numeric_tolerance = models.FloatField(
        _("tolerance"),
        default=0,
        help_text=_("Numeric questions only: how far from the answer is still right (0: exactly)."),
    )
    tolerance_kind = models.CharField(
        _("tolerance kind"), max_length=8, choices=Tolerance.choices, default=Tolerance.ABSOLUTE
    )
    unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("Numeric questions only, optional: e.g. mg, %, years.")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    translation_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The same item in another language: its cards, schedule and item analysis are the original's."),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    cognitive = models.CharField(
        _("asks"), max_length=5, choices=Cognitive.choices, blank=True, help_text=_("Empty for recall of a fact.")
    )
    passage = models.ForeignKey(Passage, models.PROTECT, related_name="questions", verbose_name=_("passage"))
    highlight = models.TextField(_("highlight"), blank=True, help_text=_("Part of the passage that gives the answer."))
    topics = models.ManyToManyField(Topic, related_name="questions", blank=True)
    tags = models.ManyToManyField(Tag, related_name="questions", blank=True, verbose_name=_("tags"))
    personal = models.BooleanField(
        _("a learner's own card"),
        default=False,
        editable=False,
        help_text=_("Private to its owner: never in a quiz set, an export, an analysis or the library."),
    )
    stale = models.BooleanField(
        _("stale"), default=False, help_text=_("Its passage is no longer in the source text: review it.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="own_questions",
        help_text=_("A teacher's own question; empty once an admin publishes it to the shared bank."),
    )
    # A teacher's item analysis found it weak (it does not separate the class, or a wrong choice draws many):
    # the admin sees it in the list filter, rewrites it, and clears the flag.
    rewrite_requested = models.BooleanField(
        _("to rewrite"), default=False, help_text=_("A teacher's item analysis found it weak: see the note.")
    )
    rewrite_note = models.CharField(_("why rewrite it"), max_length=500, blank=True)
    # What the bank import last wrote here (yaml_bank.content_hash): tells an edit made in the app
    # from one made in the file, so that an import never overwrites an admin's work unasked.
    imported_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["external_id"]
        verbose_name = _("question")
        indexes = [
            models.Index(fields=["status", "language"], name="question_status_lang"),
            models.Index(fields=["kind"], name="question_kind"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["translation_of", "language"], name="question_one_translation_per_lang"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.prompt[:60]}"

    def save(self, *args, **kwargs) -> None:
        # A new quote (Source.quote, during validation) is stored only with its question: a form that
        # fails validation, or whose choices do, writes nothing.
        if self.passage_id is None and Question.passage.is_cached(self) and self.passage.pk is None:
            self.passage = self.passage.source.passage_for(self.passage.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quizzes:preview", args=[self.external_id])

    @property
    def source(self) -> Source:
        return self.passage.source

    def set_tags(self, text: str) -> None:
        """Tag the question with the names in `text` (spaces or commas between them; lowercased)."""
        self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tag_names(text)])

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def has_rows(self) -> bool:
        return self.kind in self.ROW_KINDS

    @property
    def answers(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    @property
    def blanks(self) -> list[list[str]]:
        """Accepted answers per cloze blank, in order."""
        return [
            [alt.strip() for alt in m.group(1).split("|") if alt.strip()] for m in CLOZE_BLANK.finditer(self.prompt)
        ]

    def cloze_parts(self) -> list[tuple[str, int | None]]:
        """The prompt cut into text and blank numbers: [("AAV is ", None), ("", 0), ...]."""
        parts: list[tuple[str, int | None]] = []
        pos = 0
        for index, m in enumerate(CLOZE_BLANK.finditer(self.prompt)):
            parts.append((self.prompt[pos : m.start()], None))
            parts.append(("", index))
            pos = m.end()
        parts.append((self.prompt[pos:], None))
        return parts

    def right_answer(self) -> list[str]:
        """The right answer in words, one item per choice or blank."""
        if self.is_choice_kind:
            return [c.text for c in self.choices.all() if c.is_correct]
        if self.kind == self.Kind.SHORT:
            return self.answers[:1]
        if self.kind == self.Kind.CLOZE:
            return [alternatives[0] for alternatives in self.blanks]
        if self.kind == self.Kind.MATCHING:
            return [f"{c.text} → {c.match}" for c in self.choices.all()]
        if self.kind == self.Kind.ORDERING:
            return [c.text for c in self.ordered_items()]
        if self.kind == self.Kind.NUMERIC:
            return [self.numeric_answer_text()]
        return [self.back]

    def ordered_items(self) -> list["Choice"]:
        """An ordering question's items in the right order (uses the prefetched choices)."""
        return sorted(self.choices.all(), key=lambda c: (c.position, c.pk or 0))

    def shuffled_item_ids(self, rng) -> list[int]:
        """The ids of its choices in a random order that is not the right one (for matching, the right column;
        for ordering, the items), so that the answer is never given away by the page (uses prefetched choices)."""
        ids = [c.pk for c in self.ordered_items()]
        shuffled = list(ids)
        for _attempt in range(10):
            rng.shuffle(shuffled)
            if shuffled != ids:
                break
        return shuffled

    def shown_items(self, seed) -> list["Choice"]:
        """Its choices in the order a page shows them: for matching (the right column) and ordering (the items),
        shuffled, the same for the same `seed` (a review shows the same order until the card is rated); else in
        their order."""
        choices = list(self.choices.all())
        if self.kind not in (self.Kind.MATCHING, self.Kind.ORDERING):
            return choices
        rank = {pk: i for i, pk in enumerate(self.shuffled_item_ids(random.Random(str(seed))))}
        return sorted(choices, key=lambda c: rank[c.pk])

    def numeric_answer_text(self) -> str:
        """The numeric answer as the learner reads it, in the question's language, with its tolerance and unit:
        "3,5 mg (± 0,1)" in French, "12% (± 5 %)" for a relative tolerance."""
        if self.numeric_value is None:
            return ""
        text = number_text(self.numeric_value, self.language) + (f" {self.unit}" if self.unit else "")
        if self.numeric_tolerance:
            tolerance = number_text(self.numeric_tolerance, self.language)
            if self.tolerance_kind == self.Tolerance.RELATIVE:
                tolerance += "\u00a0%" if self.language == "fr" else "%"
            elif self.unit:
                tolerance += f" {self.unit}"
            text += f" (± {tolerance})"
        return text

    def become_translation_of(self, original: "Question") -> int:
        """Link this question to `original` as its version in another language, and keep one schedule per item:
        a learner's card on this question moves to the original, or is suspended when they already have one there
        (its history stays in their log). Returns how many cards moved or were suspended.

        Cards belong to study, above the bank: they are reached through the relation by name."""
        self.translation_of = original
        self.save(update_fields=["translation_of", "updated_at"])
        both = original.cards.values("user")
        suspended = self.cards.filter(user__in=both).update(suspended=True)
        return suspended + self.cards.exclude(user__in=both).update(question=original)

    @property
    def item_id(self) -> int:
        """The item this question is a version of: its card, its line in item analysis."""
        return self.translation_of_id or self.pk

    def highlighted_passage(self) -> tuple[str, str, str]:
        """The passage split around the highlight: (before, highlighted, after)."""
        text = self.passage.text
        at = text.find(self.highlight) if self.highlight else -1
        if at < 0:
            return text, "", ""
        return text[:at], self.highlight, text[at + len(self.highlight) :]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # The passage may be a new quote, not saved until the question is (see Source.quote).
        passage = self.passage if self.passage_id or Question.passage.is_cached(self) else None
        if self.highlight and passage is not None and self.highlight not in passage.text:
            errors["highlight"] = _("The highlight must occur verbatim in the passage.")
        if self.kind == self.Kind.CLOZE and not self.blanks:
            errors["prompt"] = _("A cloze question needs at least one blank written [[answer]].")
        if self.kind == self.Kind.FLASHCARD and not self.back.strip():
            errors["back"] = _("A flashcard needs a back.")
        if self.kind == self.Kind.SHORT and not self.answers:
            errors["accepted_answers"] = _("A short-answer question needs at least one accepted answer.")
        if self.kind == self.Kind.NUMERIC:
            if self.numeric_value is None:
                errors["numeric_value"] = _("A numeric question needs its answer, a number.")
            if self.numeric_tolerance is None or self.numeric_tolerance < 0:
                errors["numeric_tolerance"] = _("The tolerance cannot be negative.")
            elif self.tolerance_kind == self.Tolerance.RELATIVE and self.numeric_tolerance >= 100:
                errors["numeric_tolerance"] = _("A relative tolerance is a percentage below 100.")
        if self.translation_of_id:
            primary = self.translation_of
            if primary.pk == self.pk or primary.translation_of_id:
                errors["translation_of"] = _("A translation links to an original that is not itself a translation.")
            elif primary.language == self.language:
                errors["translation_of"] = _("A translation is in another language than its original.")
        if errors:
            raise ValidationError(errors)

    def choice_errors(self, choices: list[tuple]) -> list[str]:
        """What is wrong with these (text, is_correct[, match]) choices for this kind of question: for matching,
        `text` is the left side and `match` the right side of a pair; for ordering, the items in the right order."""
        correct = sum(1 for c in choices if c[1])
        if self.kind == self.Kind.MATCHING:
            if any(not c[0].strip() or len(c) < 3 or not (c[2] or "").strip() for c in choices):
                return [_("Each pair needs both sides: an item and its match.")]
            if len(choices) < 2:
                return [_("A matching question needs at least two pairs.")]
            if len({c[0].strip().casefold() for c in choices}) < len(choices):
                return [_("Each item on the left appears once.")]
            return []
        if self.kind == self.Kind.ORDERING:
            if len(choices) < 2:
                return [_("An ordering question needs at least two items.")]
            return []
        if not self.is_choice_kind:
            return [_("Only choice questions have choices.")] if choices else []
        if self.kind == self.Kind.TRUE_FALSE:
            if len(choices) != 2 or correct != 1:
                return [_("A true/false question has exactly two choices and exactly one answer.")]
            return []
        if len(choices) < 2:
            return [_("A choice question needs at least two choices.")]
        if correct < 1:
            return [_("A choice question needs at least one correct choice.")]
        if self.kind == self.Kind.SINGLE and correct != 1:
            return [_("A single-choice question has exactly one correct choice.")]
        return []


class Choice(models.Model):
    """A choice of a choice question (`is_correct`); a pair of a matching question (`text` on the left, `match` on
    the right, shown shuffled); an item of an ordering question (`position` is its place in the right order)."""

    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    match = models.CharField(
        _("match"), max_length=500, blank=True, help_text=_("Matching questions only: the right side of the pair.")
    )
    feedback = models.TextField(_("feedback"), blank=True, help_text=_("Why this choice is right or wrong."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")

    def __str__(self) -> str:
        return self.text


class QuizSetQuerySet(models.QuerySet):
    def with_questions(self, user) -> "QuizSetQuerySet":
        """Sets with at least one published question `user` may see, annotated with how many (`published_count`)."""
        return self.annotate(
            published_count=models.Count("items", filter=models.Q(items__question_id__in=visible_questions(user)))
        ).filter(published_count__gt=0)

    def shared(self) -> "QuizSetQuerySet":
        """The shared bank: not a teacher's own set."""
        return self.filter(owner__isnull=True)

    def tagged(self, name: str) -> "QuizSetQuerySet":
        """Sets holding at least one shared question tagged `name` (the library's filter)."""
        if not name:
            return self
        tagged = Question.objects.shared().tagged(name).values("pk")
        return self.filter(pk__in=QuizSetItem.objects.filter(question_id__in=tagged).values("quizset_id"))

    def visible_to(self, user) -> "QuizSetQuerySet":
        """The shared bank, plus a teacher's own sets for that teacher and for the learners assigned them."""
        if not user.is_authenticated:
            return self.shared()
        # Through the relation, as a subquery: the bank imports nothing from teaching, and the join
        # cannot multiply the rows that with_questions() counts.
        assigned = self.model.objects.filter(assignments__classroom__enrollments__learner=user).values("pk")
        return self.filter(models.Q(owner__isnull=True) | models.Q(owner=user) | models.Q(pk__in=assigned))


class QuizSet(models.Model):
    key = models.CharField(max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty for a set that mixes languages."),
    )
    questions = models.ManyToManyField(Question, through="QuizSetItem", related_name="quizsets")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="own_quizsets",
        help_text=_("A teacher's own set; empty once an admin publishes it to the shared bank."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=False)
    question_count = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        help_text=_("Draw this many questions at random from the set; empty for all."),
    )
    time_limit = models.DurationField(
        _("time limit"), null=True, blank=True, help_text=_("For example 00:15:00 for 15 minutes; empty for none.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )

    objects = QuizSetQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz set")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quizset", args=[self.key])


class QuizSetItem(models.Model):
    quizset = models.ForeignKey(QuizSet, models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, models.CASCADE, related_name="quizset_items")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["quizset", "question"], name="quizset_item_unique"),
        ]
        indexes = [models.Index(fields=["quizset", "position"], name="quizset_item_order")]

    def __str__(self) -> str:
        return f"{self.position}. {self.question_id}"


class BankImportJob(BackgroundJob):
    """A large YAML import from the admin, run by a worker (bank.tasks): the files are kept here (base64)
    until it is done, so that a worker on any machine reads them. The import is one transaction: a worker
    killed midway wrote nothing, and the job runs again."""

    TASK = "quizzes.bank.tasks.import_bank_job"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    files = models.JSONField(default=list, blank=True)  # [{"name": ..., "data": base64}]
    overwrite = models.BooleanField(default=False)
    language = models.CharField(max_length=8, blank=True)  # the admin's, for the messages it writes
    outcome = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)  # the conflicts, one message each

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"bank import {self.pk} · {self.status}"
