"""Taking a quiz: starting (or resuming) an attempt and recording answers, once each."""

import random
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bank.grading import Grade, grade
from ..bank.models import Question, QuizSet, withheld_ids
from ..study import scheduling
from .models import Attempt, Response


class QuizError(Exception):
    """A refused action, with a message for the learner."""


class AlreadyAnswered(QuizError):
    pass


class TimeUp(QuizError):
    pass


class NoAttemptsLeft(QuizError):
    pass


class Withheld(QuizError):
    """The questions are kept for an assignment's own attempts: the message says the assignment's rule."""


class NotVisible(QuizError):
    pass


def _scope(user, quizset: QuizSet, assignment):
    """Attempts that belong together: the learner's own practice on a set, or one class assignment."""
    attempts = Attempt.objects.for_user(user).filter(quizset=quizset, assignment=assignment)
    return attempts


def attempts_left(user, quizset: QuizSet, assignment=None) -> int | None:
    limit = assignment.max_attempts if assignment else quizset.max_attempts
    if limit is None:
        return None
    used = _scope(user, quizset, assignment).counted().count()
    return max(0, limit - used)


def start_attempt(user, quizset: QuizSet, *, retake_of: Attempt | None = None, assignment=None) -> Attempt:
    """Resume the learner's open attempt on this set, or start a new one (drawing and shuffling now).

    For a class assignment, the assignment's options apply (attempts, time limit, shuffling), it
    cannot start before it opens, and after the learner's due date it is marked late, or refused.

    Practice and retakes of missed questions never reach a question that an assignment keeps for its own
    attempts (Question.objects.withheld_from): they leave it out, or are refused with the assignment's rule
    when nothing else is left. A retake is practice: it never carries the assignment, so it never counts.
    """
    now = timezone.now()
    late = False
    held: set[int] = set()
    if assignment is not None:
        if now < assignment.opens_at:
            raise QuizError(_("This assignment is not open yet."))
        late = now > assignment.due_for(user)
        if late and not assignment.accept_late:
            raise QuizError(_("The due date has passed: this assignment no longer accepts answers."))
        quizset = assignment.quizset
    else:
        held = set(withheld_ids(user, now))
    if not QuizSet.objects.visible_to(user).filter(pk=quizset.pk).exists():
        # e.g. a retake after leaving the class that was assigned a teacher's own set
        raise NotVisible(_("This quiz is no longer available to you."))
    visible = Question.objects.published().visible_to(user)
    time_limit = assignment.time_limit if assignment else quizset.time_limit
    shuffle_questions = assignment.shuffle if assignment else quizset.shuffle_questions
    shuffle_choices = assignment.shuffle if assignment else quizset.shuffle_choices
    if retake_of is None:
        drawable = list(quizset.items.filter(question__in=visible.values("pk")).values_list("question_id", flat=True))
    else:
        still_visible = set(visible.filter(pk__in=retake_of.question_ids).values_list("pk", flat=True))
        drawable = [pk for pk in retake_of.missed_question_ids() if pk in still_visible]
    ids = [pk for pk in drawable if pk not in held]
    if drawable and not ids:
        raise Withheld(
            Question.objects.filter(pk__in=drawable).withheld_reason(user, now)
            or _("These questions are kept for an assignment of yours.")
        )
    with transaction.atomic():
        open_attempt = _scope(user, quizset, assignment).unfinished().select_for_update().first()
        if open_attempt is not None and retake_of is None:
            if not open_attempt.is_late(now):
                return open_attempt
            open_attempt.finish(now=open_attempt.deadline)
        rng = random.Random()
        if retake_of is None:
            left = attempts_left(user, quizset, assignment)
            if left == 0:
                raise NoAttemptsLeft(_("You have used all the attempts allowed for this quiz."))
            if quizset.question_count and quizset.question_count < len(ids):
                ids = rng.sample(ids, quizset.question_count)
                if not shuffle_questions:
                    order = {pk: i for i, pk in enumerate(drawable)}
                    ids.sort(key=order.__getitem__)
            elif shuffle_questions:
                rng.shuffle(ids)
        if not ids:
            raise QuizError(_("There is no question to answer in this quiz."))
        choice_order = {}
        # Matching (its right column) and ordering (its items) are always shuffled: in order, they are the answer.
        kinds = [Question.Kind.MATCHING, Question.Kind.ORDERING]
        if shuffle_choices:
            kinds += [Question.Kind.SINGLE, Question.Kind.MULTIPLE]
        for question in Question.objects.filter(pk__in=ids, kind__in=kinds).prefetch_related("choices"):
            choice_order[str(question.pk)] = question.shuffled_item_ids(rng)
        return Attempt.objects.create(
            user=user,
            quizset=quizset,
            retake_of=retake_of,
            question_ids=ids,
            choice_order=choice_order,
            started_at=now,
            deadline=now + time_limit if time_limit and retake_of is None else None,
            assignment=assignment,
            late=late,
        )


# The countdown submits the answer in hand when it reaches zero: it reaches the server a moment after the
# deadline (the page's clock started after the server's, then the request travels), and still counts.
TIME_UP_GRACE = timedelta(seconds=10)


def record_answer(
    attempt: Attempt, position: int, question: Question, answer: dict, *, time_up: bool = False
) -> tuple[Response, Grade]:
    """Grade and store the answer to question number `position` (1-based), and review the learner's card
    for that question if they study it. Applied once only.

    `time_up` marks the answer the page submitted itself when time ran out: it is accepted up to
    TIME_UP_GRACE after the deadline, and closes the attempt."""
    now = timezone.now()
    if attempt.is_finished:
        raise AlreadyAnswered(_("This attempt is finished: answers can no longer change."))
    if attempt.is_late(now - TIME_UP_GRACE if time_up else now):
        attempt.finish(now=attempt.deadline)
        raise TimeUp(_("Time is up: this answer arrived after the time limit and was not recorded."))
    result = grade(question, answer)
    try:
        with transaction.atomic():
            so_far = attempt.responses.aggregate(count=Count("pk"), last=Max("answered_at"))
            response = Response.objects.create(
                attempt=attempt,
                question=question,
                position=position,
                answer=answer,
                is_correct=result.is_correct,
                score=result.score,
                notes=[str(n) for n in result.notes],
                answered_at=now,
                time_spent=max(now - (so_far["last"] or attempt.started_at), timedelta(0)),
            )
            # The answer reviews the learner's card in the same transaction: never stored without its
            # review (a retry would be refused as already answered), never reviewed twice (the token).
            scheduling.record_quiz_answer(attempt.user, question, result.is_correct, now, token=response.review_token)
            if so_far["count"] + 1 >= attempt.total or time_up:
                attempt.finish(now=min(now, attempt.deadline) if attempt.deadline else now)
    except IntegrityError:
        raise AlreadyAnswered(
            _("You already answered this question (perhaps in another tab): your first answer counts.")
        ) from None
    return response, result
