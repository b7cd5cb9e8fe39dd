"""Attempts at a quiz set and the responses given in them."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..bank.grading import answer_in_words, item_feedback
from ..bank.models import Question, QuizSet, withheld_ids


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
        return seconds_until(self.deadline, now or timezone.now())

    def time_left_text(self, now=None) -> str:
        return clock_text(self.seconds_left(now) or 0)

    def finish(self, now=None) -> None:
        """Close the attempt; questions not answered count as wrong."""
        if self.finished_at is not None:
            return
        total = sum(self.responses.values_list("score", flat=True))
        self.finished_at = now or timezone.now()
        self.score = total / self.total if self.total else 0.0
        self.save(update_fields=["finished_at", "score"])

    def answers_visible(self, now=None, held=None) -> bool:
        """Whether right answers and explanations may be shown for this attempt: as the assignment's reveal policy
        says for class work (a verb of the assignment, reached through the relation); for practice and retakes,
        unless an assignment withholds one of its questions from the learner (Question.objects.withheld_from)."""
        return self.withheld_message(now, held) is None

    def withheld_message(self, now=None, held=None) -> str | None:
        """Why the answers are not shown (the rule, in the assignment's words), or None when they are. `held`: the
        ids withheld_ids(learner, now) gives, when the page has read them already (quizzing.reading.attempt_of)."""
        now = now or timezone.now()
        if self.assignment_id is not None:
            if self.assignment.reveals_answers_to(self.user, now):
                return None
            return self.assignment.hold_message(self.user)
        # Most learners have nothing held, or nothing of this attempt: the rule's ids say so in one query.
        held = set(withheld_ids(self.user, now) if held is None else held).intersection(self.question_ids)
        return Question.objects.filter(pk__in=held).withheld_reason(self.user, now) if held else None

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


def seconds_until(deadline, now) -> int:
    """Whole seconds from `now` to a timed attempt's deadline, none once it passed."""
    return max(0, int((deadline - now).total_seconds()))


def clock_text(seconds: int) -> str:
    """The time left as the countdown shows it: "4:05"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


RESPONSE_REVIEWS = uuid.UUID("6f0b3f7e-2f55-4c0e-9a57-6a1d3c1f5e21")  # namespace of Response.review_token


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

    @property
    def review_token(self) -> uuid.UUID:
        """The idempotency key of the review this answer gives the learner's card: one per response."""
        return uuid.uuid5(RESPONSE_REVIEWS, str(self.pk))

    def given_answer(self) -> list[str]:
        """What the learner answered, in words (uses the question's prefetched choices)."""
        return answer_in_words(self.question, self.answer)

    def item_feedback(self) -> list[dict]:
        """The feedback lines of a matching or ordering answer (see grading.item_feedback)."""
        return item_feedback(self.question, self.answer)
