import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

key_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]*\Z", _("Use lowercase letters, digits and hyphens."))
CLOZE_BLANK = re.compile(r"\[\[([^\[\]]+)\]\]")


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"


class Source(models.Model):
    key = models.CharField(max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    author = models.CharField(_("author"), max_length=300, blank=True)
    url = models.URLField(_("original URL"), max_length=500, blank=True)
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:source", args=[self.key])

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

    def passage_for(self, text: str) -> "Passage":
        """The passage quoting `text`, created on first use; `text` must be verbatim here."""
        start = self.text.find(text)
        if not text or start < 0:
            raise ValidationError(_("The passage does not occur verbatim in the source text."))
        passage, _created = Passage.objects.get_or_create(
            source=self, start=start, end=start + len(text), defaults={"text": text}
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


class QuestionQuerySet(models.QuerySet):
    def published(self) -> "QuestionQuerySet":
        return self.filter(status=Question.Status.PUBLISHED)

    def with_content(self) -> "QuestionQuerySet":
        """Everything a rendered question needs, in a fixed number of queries."""
        return self.select_related("passage__source").prefetch_related("choices", "topics")


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT = "short", _("Short answer")
        CLOZE = "cloze", _("Fill in the blanks")
        FLASHCARD = "flashcard", _("Flashcard")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Difficulty(models.IntegerChoices):
        EASY = 1, _("Easy")
        MEDIUM = 2, _("Medium")
        HARD = 3, _("Hard")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE)

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
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    passage = models.ForeignKey(Passage, models.PROTECT, related_name="questions", verbose_name=_("passage"))
    highlight = models.TextField(_("highlight"), blank=True, help_text=_("Part of the passage that gives the answer."))
    topics = models.ManyToManyField(Topic, related_name="questions", blank=True)
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

    def __str__(self) -> str:
        return f"{self.external_id}: {self.prompt[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:preview", args=[self.external_id])

    @property
    def source(self) -> Source:
        return self.passage.source

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in self.CHOICE_KINDS

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
        return [self.back]

    def highlighted_passage(self) -> tuple[str, str, str]:
        """The passage split around the highlight: (before, highlighted, after)."""
        text = self.passage.text
        at = text.find(self.highlight) if self.highlight else -1
        if at < 0:
            return text, "", ""
        return text[:at], self.highlight, text[at + len(self.highlight) :]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.highlight and self.passage_id and self.highlight not in self.passage.text:
            errors["highlight"] = _("The highlight must occur verbatim in the passage.")
        if self.kind == self.Kind.CLOZE and not self.blanks:
            errors["prompt"] = _("A cloze question needs at least one blank written [[answer]].")
        if self.kind == self.Kind.FLASHCARD and not self.back.strip():
            errors["back"] = _("A flashcard needs a back.")
        if self.kind == self.Kind.SHORT and not self.answers:
            errors["accepted_answers"] = _("A short-answer question needs at least one accepted answer.")
        if errors:
            raise ValidationError(errors)

    def choice_errors(self, choices: list[tuple[str, bool]]) -> list[str]:
        """What is wrong with these (text, is_correct) choices for this kind of question."""
        correct = sum(1 for _text, is_correct in choices if is_correct)
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
    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True, help_text=_("Why this choice is right or wrong."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")

    def __str__(self) -> str:
        return self.text


class QuizSetQuerySet(models.QuerySet):
    def with_questions(self) -> "QuizSetQuerySet":
        """Sets with at least one published question, annotated with how many (`published_count`)."""
        return self.annotate(
            published_count=models.Count("items", filter=models.Q(items__question__status=Question.Status.PUBLISHED))
        ).filter(published_count__gt=0)

    def shared(self) -> "QuizSetQuerySet":
        """The shared bank: not a teacher's own set."""
        return self.filter(owner__isnull=True)

    def visible_to(self, user) -> "QuizSetQuerySet":
        """The shared bank, plus a teacher's own sets for that teacher and for the learners assigned them."""
        if not user.is_authenticated:
            return self.shared()
        assigned = Assignment.objects.filter(classroom__enrollments__learner=user).values("quizset")
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


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user) -> "AttemptQuerySet":
        return self.filter(user=user)

    def unfinished(self) -> "AttemptQuerySet":
        return self.filter(finished_at__isnull=True)

    def counted(self) -> "AttemptQuerySet":
        """Attempts that count against a set's maximum (retakes of missed questions are practice)."""
        return self.filter(retake_of__isnull=True)


class Attempt(models.Model):
    """One learner taking one quiz set: the questions drawn (in order), their answers, the score."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="attempts")
    quizset = models.ForeignKey(QuizSet, models.CASCADE, related_name="attempts")
    assignment = models.ForeignKey(
        "Assignment",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
        help_text=_("Set when the attempt is for a class assignment (its options apply)."),
    )
    late = models.BooleanField(default=False, help_text=_("Started after the learner's due date."))
    retake_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="retakes",
        help_text=_("Set when this attempt retakes only the questions missed in another one."),
    )
    question_ids = models.JSONField(default=list)  # in the order they are asked
    choice_order = models.JSONField(default=dict)  # question id -> choice ids, when choices are shuffled
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text=_("Share of questions right, 0 to 1."))

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "quizset", "-started_at"], name="attempt_user_set")]

    def __str__(self) -> str:
        return f"{self.user} · {self.quizset} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def total(self) -> int:
        return len(self.question_ids)

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    def is_late(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) > self.deadline

    def seconds_left(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    def time_left_text(self) -> str:
        left = self.seconds_left() or 0
        return f"{left // 60}:{left % 60:02d}"

    def finish(self, now=None) -> None:
        """Close the attempt; questions not answered count as wrong."""
        if self.finished_at is not None:
            return
        total = sum(self.responses.values_list("score", flat=True))
        self.finished_at = now or timezone.now()
        self.score = total / self.total if self.total else 0.0
        self.save(update_fields=["finished_at", "score"])

    def missed_question_ids(self) -> list[int]:
        """Questions answered wrongly or not at all, in the order they were asked."""
        right = set(self.responses.filter(is_correct=True).values_list("question_id", flat=True))
        return [pk for pk in self.question_ids if pk not in right]

    @property
    def duration_text(self) -> str:
        seconds = int(self.duration.total_seconds())
        minutes, seconds = divmod(seconds, 60)
        if minutes:
            return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
        return _("%(seconds)d s") % {"seconds": seconds}

    @property
    def duration(self):
        end = self.finished_at or timezone.now()
        if self.deadline and end > self.deadline:
            end = self.deadline
        return end - self.started_at


class Response(models.Model):
    """A learner's answer to one question of an attempt. Answered once: (attempt, question) is unique."""

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField()
    answer = models.JSONField(default=dict)
    is_correct = models.BooleanField()
    score = models.FloatField()
    notes = models.JSONField(default=list, blank=True)  # why a typed answer was accepted
    answered_at = models.DateTimeField(default=timezone.now)
    time_spent = models.DurationField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_once_per_question"),
        ]
        indexes = [models.Index(fields=["question", "is_correct"], name="response_question")]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}: {'right' if self.is_correct else 'wrong'}"

    def given_answer(self) -> list[str]:
        """What the learner answered, in words (uses the question's prefetched choices)."""
        if "choices" in self.answer:
            chosen = set(self.answer["choices"])
            return [c.text for c in self.question.choices.all() if c.pk in chosen]
        if "text" in self.answer:
            return [self.answer["text"]]
        if "blanks" in self.answer:
            return list(self.answer["blanks"])
        return [str(_("I knew it")) if self.answer.get("knew") else str(_("I didn't know"))]


# --- spaced repetition --------------------------------------------------------------------------


class StudySettings(models.Model):
    """A learner's scheduling preferences and their fitted FSRS parameters."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="study_settings")
    desired_retention = models.FloatField(
        _("desired retention"), default=0.9, validators=[MinValueValidator(0.70), MaxValueValidator(0.97)]
    )
    new_per_day = models.PositiveSmallIntegerField(
        _("new cards per day"), default=20, validators=[MaxValueValidator(500)]
    )
    reviews_per_day = models.PositiveSmallIntegerField(
        _("reviews per day"), default=200, validators=[MaxValueValidator(5000)]
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    rollover_hour = models.PositiveSmallIntegerField(
        _("next day starts at"), default=4, validators=[MaxValueValidator(23)]
    )
    parameters = models.JSONField(null=True, blank=True, help_text=_("Fitted FSRS parameters; empty for the defaults."))
    params_version = models.PositiveIntegerField(default=0, help_text=_("0 for the default parameters."))
    optimized_at = models.DateTimeField(null=True, blank=True)
    reviews_at_optimization = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"settings of {self.user}"

    @classmethod
    def for_user(cls, user) -> "StudySettings":
        """The learner's settings, usually already loaded with the user (see quizzes.auth)."""
        try:
            return user.study_settings
        except cls.DoesNotExist:
            settings_, _created = cls.objects.get_or_create(user=user)
            user.study_settings = settings_
            return settings_


class Study(models.Model):
    """A quiz set or a whole source a learner added to their spaced-repetition studies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="studies")
    quizset = models.ForeignKey(QuizSet, models.CASCADE, null=True, blank=True, related_name="studies")
    source = models.ForeignKey(Source, models.CASCADE, null=True, blank=True, related_name="studies")
    added_at = models.DateTimeField(default=timezone.now)
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "quizset"], name="study_once_per_set"),
            models.UniqueConstraint(fields=["user", "source"], name="study_once_per_source"),
            models.CheckConstraint(
                condition=models.Q(quizset__isnull=True) ^ models.Q(source__isnull=True), name="study_set_or_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.quizset or self.source}"

    def questions(self) -> QuestionQuerySet:
        if self.quizset_id:
            return Question.objects.published().filter(quizset_items__quizset_id=self.quizset_id)
        return Question.objects.published().filter(passage__source_id=self.source_id)


class CardQuerySet(models.QuerySet):
    def for_user(self, user) -> "CardQuerySet":
        return self.filter(user=user)

    def active(self, now) -> "CardQuerySet":
        """Neither suspended nor buried."""
        return self.filter(suspended=False).filter(
            models.Q(buried_until__isnull=True) | models.Q(buried_until__lte=now)
        )

    def new(self) -> "CardQuerySet":
        return self.filter(state=Card.State.NEW)

    def learning(self) -> "CardQuerySet":
        return self.filter(state__in=[Card.State.LEARNING, Card.State.RELEARNING])

    def in_review(self) -> "CardQuerySet":
        return self.filter(state=Card.State.REVIEW)


class Card(models.Model):
    """One question in one learner's studies, with its FSRS memory state."""

    class State(models.IntegerChoices):  # the FSRS optimizer's review_state numbers
        NEW = 0, _("New")
        LEARNING = 1, _("Learning")
        REVIEW = 2, _("Review")
        RELEARNING = 3, _("Relearning")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="cards")
    question = models.ForeignKey(Question, models.CASCADE, related_name="cards")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(default=timezone.now)
    last_review = models.DateTimeField(null=True, blank=True)
    scheduled_days = models.PositiveIntegerField(default=0)
    mastered_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Until then, the probability of recall is at least 0.9.")
    )
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    is_leech = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CardQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="card_once_per_question")]
        indexes = [
            models.Index(fields=["user", "state", "due"], name="card_queue"),
            models.Index(fields=["user", "mastered_until"], name="card_mastery"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question.external_id}"


class ReviewLog(models.Model):
    """Append-only history of ratings (undo removes the last one, as in Anki)."""

    class Kind(models.TextChoices):
        NORMAL = "normal", _("normal")
        MANUAL = "manual", _("manual")
        RESCHEDULED = "rescheduled", _("rescheduled")
        IMPORTED = "imported", _("imported")

    class Origin(models.TextChoices):
        REVIEW = "review", _("review")
        QUIZ = "quiz", _("quiz")
        IMPORT = "import", _("import")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_logs")
    card = models.ForeignKey(Card, models.CASCADE, null=True, blank=True, related_name="logs")
    external_card_id = models.BigIntegerField(null=True, blank=True, help_text=_("Card id in an imported log."))
    reviewed_at = models.DateTimeField(db_index=False)
    rating = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.PositiveSmallIntegerField(choices=Card.State.choices)
    elapsed_days = models.PositiveIntegerField(default=0)
    scheduled_days = models.PositiveIntegerField(default=0)
    retrievability = models.FloatField(null=True, blank=True)
    stability_after = models.FloatField(null=True, blank=True)
    difficulty_after = models.FloatField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NORMAL)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.REVIEW)
    params_version = models.PositiveIntegerField(default=0)
    desired_retention = models.FloatField(null=True, blank=True)
    token = models.UUIDField(null=True, blank=True, unique=True)
    card_before = models.JSONField(null=True, blank=True)
    answer = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["reviewed_at"]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="reviewlog_user_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "external_card_id", "reviewed_at"],
                name="reviewlog_import_once",
                condition=models.Q(external_card_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.rating} · {self.reviewed_at:%Y-%m-%d %H:%M}"


class ReviewDay(models.Model):
    """Reviews per learner and local day, kept up to date at each rating, so that the progress page
    reads at most a year of rows however long the history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_days")
    day = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    new_cards = models.PositiveIntegerField(default=0)
    review_cards = models.PositiveIntegerField(default=0, help_text=_("Reviews of cards in the review state."))
    review_passed = models.PositiveIntegerField(default=0, help_text=_("Of those, the ones remembered."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="review_day_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}: {self.reviews}"


# --- teaching -----------------------------------------------------------------------------------


def new_join_code() -> str:
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
    return "".join(secrets.choice(alphabet) for _ in range(8))


class ClassroomQuerySet(models.QuerySet):
    def for_teacher(self, user) -> "ClassroomQuerySet":
        return self.filter(teacher=user)

    def active(self) -> "ClassroomQuerySet":
        return self.filter(archived=False)


class Classroom(models.Model):
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="classrooms")
    name = models.CharField(_("name"), max_length=120)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    join_enabled = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Enrollment", related_name="enrolled_in")

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["archived", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quizzes:classroom", args=[self.pk])

    def regenerate_code(self) -> None:
        self.join_code = new_join_code()
        self.join_enabled = True
        self.save(update_fields=["join_code", "join_enabled"])


class Enrollment(models.Model):
    classroom = models.ForeignKey(Classroom, models.CASCADE, related_name="enrollments")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="enrollments")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "learner"], name="enrollment_once")]

    def __str__(self) -> str:
        return f"{self.learner} in {self.classroom}"


class Assignment(models.Model):
    class Mode(models.TextChoices):
        QUIZ = "quiz", _("Quiz")
        STUDY = "study", _("Study (spaced repetition)")

    class Reveal(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        AFTER_DUE = "after_due", _("After the due date")
        NEVER = "never", _("Never")

    class Grading(models.TextChoices):
        BEST = "best", _("Best attempt")
        LAST = "last", _("Last attempt")
        FIRST = "first", _("First attempt")

    classroom = models.ForeignKey(Classroom, models.CASCADE, related_name="assignments")
    quizset = models.ForeignKey(QuizSet, models.PROTECT, related_name="assignments")
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.QUIZ)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)
    time_limit = models.DurationField(_("time limit"), null=True, blank=True)
    shuffle = models.BooleanField(_("shuffle questions and choices"), default=False)
    reveal = models.CharField(
        _("show right answers"), max_length=12, choices=Reveal.choices, default=Reveal.IMMEDIATELY
    )
    accept_late = models.BooleanField(_("accept late submissions (marked late)"), default=True)
    grading = models.CharField(_("score kept"), max_length=6, choices=Grading.choices, default=Grading.BEST)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["classroom", "due_at"], name="assignment_class_due")]

    def __str__(self) -> str:
        return f"{self.quizset} → {self.classroom}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:assignment", args=[self.pk])


class Extension(models.Model):
    """A later due date for one learner."""

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="extensions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="extensions")
    due_at = models.DateTimeField(_("new due date"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "learner"], name="extension_once")]

    def __str__(self) -> str:
        return f"{self.learner}: {self.due_at:%Y-%m-%d}"


# --- questions derived from texts ---------------------------------------------------------------


class DerivationJob(models.Model):
    """One run of the deriver on a source: it runs in the background, the page polls its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(Source, models.CASCADE, related_name="derivation_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} · {self.status}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    # A derivation takes seconds; one still "running" after this was cut short (a worker restarted).
    GIVE_UP_AFTER = timedelta(minutes=10)

    @property
    def is_running(self) -> bool:
        active = self.status in (self.Status.PENDING, self.Status.RUNNING)
        return active and timezone.now() - self.created_at < self.GIVE_UP_AFTER


class CandidateQuerySet(models.QuerySet):
    def pending(self) -> "CandidateQuerySet":
        return self.filter(state=Candidate.State.PENDING)

    def for_reviewer(self, user) -> "CandidateQuerySet":
        """Admins review every source's candidates, teachers those of the texts they added."""
        from .roles import Role, has_role

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
        from .candidates import localized_reason

        return localized_reason(self.reason)

    def localized_flags(self) -> list[str]:
        from .candidates import FLAGS

        return [str(FLAGS.get(flag, flag)) for flag in self.flags]
