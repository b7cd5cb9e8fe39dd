"""A learner's studies: settings, cards with their FSRS memory state, the review log and its daily counts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..accounts.jobs import BackgroundJob
from ..bank.models import Question, QuestionQuerySet, QuizSet, Source, visible_questions


def default_time_zone() -> str:
    return settings.TIME_ZONE


class StudySettings(models.Model):
    """A user's settings: scheduling preferences and fitted FSRS parameters, their time zone (every page
    shows dates in it, quizzes.study.middleware), their language (for mails) and their daily reminder."""

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
    timezone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    rollover_hour = models.PositiveSmallIntegerField(
        _("next day starts at"), default=4, validators=[MaxValueValidator(23)]
    )
    parameters = models.JSONField(null=True, blank=True, help_text=_("Fitted FSRS parameters; empty for the defaults."))
    params_version = models.PositiveIntegerField(default=0, help_text=_("0 for the default parameters."))
    optimized_at = models.DateTimeField(null=True, blank=True)
    reviews_at_optimization = models.PositiveIntegerField(default=0)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    reminders = models.BooleanField(
        _("email me a daily reminder"),
        default=False,
        help_text=_("Once a day, only when reviews are due or an assignment is due within a day."),
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("at"), default=18, validators=[MaxValueValidator(23)], help_text=_("The hour, in your time zone.")
    )

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

    @classmethod
    def read_for(cls, user) -> "StudySettings":
        """The learner's settings to read only: the defaults, unsaved, when they have none (a page that
        only reads writes nothing)."""
        try:
            return user.study_settings
        except cls.DoesNotExist:
            return cls(user=user)


class PageGeneration(models.Model):
    """How many times what a learner's study pages are made from has changed: a key of their kept pages
    (quizzes/study/learner_pages.py), loaded with the user (quizzes.accounts.auth), so a kept page costs no query
    of its own.

    Only database triggers write it (migration 0024): every insert, update and delete of the learner's cards,
    review log and its days, studies, decks, own questions and their choices, attempts, extensions and
    enrollments, and of the classes, assignments and assigned sets' items of the classes they are in. No path to
    that data can forget it: a queryset update, a raw statement, the admin, a cascade. Each user gets their row when
    they are made (quizzes/apps.py); one made without it (a bulk insert) gets no kept page until their first page
    makes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True, related_name="page_generation"
    )
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.n}"

    @classmethod
    def of(cls, user) -> int | None:
        """The learner's generation as loaded with them; None (and a row made for the next request) without one."""
        try:
            return user.page_generation.n
        except cls.DoesNotExist:
            cls.objects.bulk_create([cls(user=user)], ignore_conflicts=True)
            return None


class KeptQueue(models.Model):
    """A learner's review queue as rate-and-next keeps it (quizzes/study/kept_queue.py), at their page generation
    `generation`: in the database, so that every worker process moves the one snapshot whichever of them served the
    learner's last rating. A rating writes it in its own transaction (the generation it leaves and the snapshot it
    moved are committed together); a queue read again writes it after. `data` is kept_queue.encode's: never code
    (no pickle), only numbers and the snapshot's context digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True, related_name="+")
    generation = models.BigIntegerField()
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.user_id}: {self.generation}"


class Deck(models.Model):
    """A learner's group of cards (their own, and those of the sets and texts they study), studied on its
    own or with all the others. Its limits apply when it is studied on its own; empty: the learner's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="decks")
    name = models.CharField(_("name"), max_length=100)
    new_per_day = models.PositiveSmallIntegerField(
        _("new cards per day"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    reviews_per_day = models.PositiveSmallIntegerField(
        _("reviews per day"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("deck")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="deck_name_once_per_user")]

    def __str__(self) -> str:
        return self.name


class Study(models.Model):
    """A quiz set or a whole source a learner added to their spaced-repetition studies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="studies")
    quizset = models.ForeignKey(QuizSet, models.CASCADE, null=True, blank=True, related_name="studies")
    source = models.ForeignKey(Source, models.CASCADE, null=True, blank=True, related_name="studies")
    added_at = models.DateTimeField(default=timezone.now)
    target_date = models.DateField(null=True, blank=True)
    deck = models.ForeignKey(Deck, models.SET_NULL, null=True, blank=True, related_name="studies")

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
        """The published questions of the set or text that its learner may see (the library's rule)."""
        visible = Question.objects.published().visible_to(self.user)
        if self.quizset_id:
            return visible.filter(quizset_items__quizset_id=self.quizset_id)
        return visible.filter(passage__source_id=self.source_id)


class CardQuerySet(models.QuerySet):
    def for_user(self, user) -> "CardQuerySet":
        return self.filter(user=user)

    def visible_to(self, user, questions: RawSQL | None = None) -> "CardQuerySet":
        """The learner's cards whose question they may still see: a card outlives a class left or a
        question unpublished, but then it shows nothing (and is not counted); a card removed from their
        studies neither (until it is restored). `questions`: the same rule from visible_questions(user),
        when the caller needs it too."""
        return self.filter(user=user, question_id__in=questions or visible_questions(user), removed_at__isnull=True)

    def in_deck(self, deck) -> "CardQuerySet":
        """The cards of one deck (a Deck or its id); None: all of them."""
        return self if deck is None else self.filter(deck=deck)

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
    deck = models.ForeignKey(Deck, models.SET_NULL, null=True, blank=True, related_name="cards")
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Removed from the learner's studies (kept with its history, to undo).")
    )

    objects = CardQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="card_once_per_question")]
        indexes = [
            models.Index(fields=["user", "state", "due"], name="card_queue"),
            models.Index(fields=["user", "mastered_until"], name="card_mastery"),
            # The queue's next new card is the oldest (created_at, then pk): read in this order, not sorted
            # from every new card of the learner (tens of thousands after adding a big set).
            models.Index(fields=["user", "state", "created_at"], name="card_new_order"),
            # When the first buried card comes back (the kept pages' and kept queue's moments) is read from the
            # buried cards alone, a few: by state, a long collection's every new card and card due today. The user
            # alone: with buried_until too, the query's `buried_until > %s` implies the condition, and PostgreSQL's
            # generic plan then costs the index as if a third of the learner's cards were buried, and reads them
            # all by the user's index instead (docs/performance.md, session 12).
            models.Index(fields=["user"], name="card_buried", condition=models.Q(buried_until__isnull=False)),
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
        indexes = [
            models.Index(fields=["user", "reviewed_at"], name="reviewlog_user_time"),
            # The calibration chart reads a learner's latest reviews with a predicted recall: without this, a
            # long log of imported or same-day reviews is scanned whole on every progress page.
            models.Index(
                fields=["user", "reviewed_at"],
                name="reviewlog_calibration",
                condition=models.Q(retrievability__isnull=False, elapsed_days__gt=0, kind="normal"),
            ),
        ]
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


class StudyJob(BackgroundJob):
    """A learner's long job, run by a worker (study.tasks): fitting their parameters, importing a large
    review log, or a large Anki deck into one of their decks (the file's bytes are kept here, so that a
    worker on any machine can read them)."""

    TASK = "quizzes.study.tasks.run_study_job"

    class Kind(models.TextChoices):
        FIT = "fit", _("fitting your parameters")
        IMPORT_LOG = "import", _("importing a review log")
        IMPORT_DECK = "deck", _("importing cards into a deck")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="study_jobs")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    upload = models.BinaryField(blank=True, default=b"")
    upload_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)  # the learner's, for the messages the job writes
    # An imported deck's: where its cards go, whether its Anki history comes too, and what the import said.
    deck = models.ForeignKey(Deck, models.SET_NULL, null=True, blank=True, related_name="jobs")
    history = models.BooleanField(default=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.status}"


class ExamDate(models.Model):
    """A day by which a learner wants some of their cards recalled (planning.forecast, schedule_for_exam).

    It names one study (a quiz set or a text in their studies) or one of their decks, never both (a
    check); `cards()` is the only place that reads which cards an exam covers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="exam_dates")
    study = models.ForeignKey(Study, models.CASCADE, null=True, blank=True, related_name="exam_dates")
    deck = models.ForeignKey(Deck, models.CASCADE, null=True, blank=True, related_name="exam_dates")
    on = models.DateField(_("exam date"))
    target = models.FloatField(
        _("target recall"), default=0.9, validators=[MinValueValidator(0.70), MaxValueValidator(0.97)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "study"], name="exam_date_once_per_study"),
            models.UniqueConstraint(fields=["user", "deck"], name="exam_date_once_per_deck"),
            models.CheckConstraint(
                condition=models.Q(study__isnull=True) ^ models.Q(deck__isnull=True), name="exam_date_study_or_deck"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title} on {self.on}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("quizzes:exam_date", args=[self.pk])

    @property
    def title(self) -> str:
        if self.deck_id:
            return self.deck.name
        return str(self.study.quizset or self.study.source) if self.study_id else ""

    def cards(self) -> CardQuerySet:
        """The learner's active cards that the exam covers (suspended ones are set aside, as in the queue)."""
        cards = Card.objects.visible_to(self.user).filter(suspended=False)
        if self.deck_id:  # its own cards and those of the sets put in it (Card.deck holds both)
            return cards.filter(deck_id=self.deck_id)
        if self.study_id:
            return cards.filter(question_id__in=self.study.questions().values("pk"))
        return cards.none()


class WorkloadSimulation(models.Model):
    """One run of the workload simulator (planning.request_simulation): its inputs' key and, once
    computed inline or by the background task, its result, which the page reads (and polls for)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="workload_simulations")
    key = models.CharField(max_length=64)
    days = models.PositiveSmallIntegerField()
    new_per_day = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="workload_simulation_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.days} d · {self.new_per_day}/d"
