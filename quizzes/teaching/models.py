"""Classes, their learners, and the quiz sets assigned to them with due dates and extensions."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..accounts.dates import local_datetime
from ..bank.models import QuizSet


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

    def due_for(self, learner) -> datetime:
        """The learner's due date: their extension's, if they have one."""
        extension = self.extensions.filter(learner=learner).first()
        return extension.due_at if extension else self.due_at

    def reveals_answers_to(self, learner, now: datetime | None = None) -> bool:
        """Whether right answers and explanations may be shown to this learner now (Moodle's review options)."""
        if self.reveal == self.Reveal.IMMEDIATELY:
            return True
        if self.reveal == self.Reveal.NEVER:
            return False
        return (now or timezone.now()) >= self.due_for(learner)

    def holds_questions_from(self, learner, now: datetime | None = None) -> bool:
        """Whether this assignment keeps its set's questions for its own attempts, away from the learner's practice,
        studies, reviews and retakes: while it withholds their answers from that learner, or limits their attempts
        (until their due date). For many questions at once: `Question.objects.withheld_from(learner, now)`."""
        if self.mode != self.Mode.QUIZ:
            return False
        if self.reveal == self.Reveal.NEVER:
            return True
        if self.reveal == self.Reveal.AFTER_DUE or self.max_attempts is not None:
            return (now or timezone.now()) < self.due_for(learner)
        return False

    def hold_message(self, learner) -> str:
        """The rule, as the learner reads it wherever the assignment holds its questions."""
        if self.reveal == self.Reveal.NEVER:
            return gettext("This set is assigned to you: its answers are not shown.")
        due = local_datetime(self.due_for(learner))
        if self.reveal == self.Reveal.AFTER_DUE:
            return gettext("This set is assigned to you: its answers are shown after %(due)s.") % {"due": due}
        return gettext("This set is assigned to you: you can practise it after %(due)s.") % {"due": due}


class Extension(models.Model):
    """A later due date for one learner."""

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="extensions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="extensions")
    due_at = models.DateTimeField(_("new due date"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "learner"], name="extension_once")]

    def __str__(self) -> str:
        return f"{self.learner}: {self.due_at:%Y-%m-%d}"


class Reminder(models.Model):
    """A daily reminder sent (or being sent) to a learner for one day of theirs (their time zone).

    The row is written before the mail goes out, under a unique constraint: two workers that pick the
    same learner at once both try to insert it, one wins and sends, the other sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminders_sent")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
