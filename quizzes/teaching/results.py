"""Classes, assignments and results: what a teacher sets, what each learner has to do, how the class did.

Results are computed from a fixed number of queries whatever the size of the class: the attempts
and responses of an assignment are read once, in bulk, and aggregated here.
"""

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bank.models import Choice, Question, QuizSetItem
from ..quizzing.models import Attempt, Response
from ..study import scheduling
from ..study.models import Card, StudySettings
from .models import Assignment, Classroom, Enrollment, Extension


class JoinError(Exception):
    pass


def join(user, code: str) -> Classroom:
    """A learner joins a class with its code; the class's study assignments join their studies."""
    classroom = Classroom.objects.filter(join_code=code.strip().upper(), archived=False).first()
    if classroom is None or not classroom.join_enabled:
        raise JoinError(_("This code does not open any class. Check it with your teacher."))
    if classroom.teacher_id == user.pk:
        raise JoinError(_("This is your own class."))
    with transaction.atomic():
        _enrollment, created = Enrollment.objects.get_or_create(classroom=classroom, learner=user)
    if created:
        for assignment in classroom.assignments.filter(mode=Assignment.Mode.STUDY):
            scheduling.add_study(user, quizset=assignment.quizset, target_date=assignment.due_at.date())
    return classroom


def assign(assignment: Assignment) -> Assignment:
    """Save a new assignment, or an edited one; in study mode, its set joins every learner's studies with the due
    date as target (an edited due date moves the target). What an assignment holds back from its learners
    (`holds_questions_from`, `reveals_answers_to`) is read from it on every request, so an edit applies at once."""
    assignment.save()
    if assignment.mode == Assignment.Mode.STUDY:
        for learner in assignment.classroom.learners.all():
            scheduling.add_study(learner, quizset=assignment.quizset, target_date=assignment.due_at.date())
    return assignment


def send_back_to_review(assignment: Assignment, question: Question, now: datetime | None = None) -> int:
    """Put a question of the assignment back in each learner's reviews, due now (a new card for those who do not
    study it; the passage comes with it, as with every card). Not for a learner from whom an assignment withholds
    it: that would show its answer. Returns how many learners got it."""
    now = now or timezone.now()
    sent = 0
    for learner in assignment.classroom.learners.all():
        if Question.objects.withheld_from(learner, now).filter(pk=question.pk).exists():
            continue
        card, created = Card.objects.get_or_create(
            user=learner, question=question, defaults={"due": now, "created_at": now}
        )
        if not created:
            # the version tells a review page open on the old due date that the card changed
            Card.objects.filter(pk=card.pk, due__gt=now).update(due=now, version=F("version") + 1)
            Card.objects.filter(pk=card.pk).update(suspended=False, buried_until=None)
        sent += 1
    return sent


# --- the learner's side ---------------------------------------------------------------------------


@dataclass
class LearnerAssignment:
    assignment: Assignment
    due_at: datetime
    status: str  # "todo", "due_soon", "overdue", "done", "upcoming"
    score: float | None = None
    late: bool = False
    attempts: int = 0
    recall_on_due: float | None = None  # study mode: the learner's predicted recall of the set on the due date


# The assignments of the learner's classes still open. Plain SQL: it runs on every library page, for most
# learners to find none, where building it with the ORM cost ten times more than running it.
ASSIGNMENT_IDS_SQL = (
    "SELECT a.id FROM quizzes_assignment a JOIN quizzes_classroom c ON c.id = a.classroom_id"
    " JOIN quizzes_enrollment e ON e.classroom_id = c.id WHERE e.learner_id = %s AND c.archived = %s"
)


def for_learner(user, now: datetime | None = None) -> list[LearnerAssignment]:
    """The learner's assignments with their status and score: one query when they have none, four when they do."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(ASSIGNMENT_IDS_SQL, [user.pk, False])
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    assignments = list(Assignment.objects.filter(pk__in=ids).select_related("quizset", "classroom").order_by("due_at"))
    extensions = dict(
        Extension.objects.filter(learner=user, assignment__in=assignments).values_list("assignment_id", "due_at")
    )
    attempts = defaultdict(list)
    for attempt in Attempt.objects.filter(user=user, assignment__in=assignments).counted().order_by("started_at"):
        attempts[attempt.assignment_id].append(attempt)
    result = []
    for a in assignments:
        due = extensions.get(a.pk, a.due_at)
        finished = [t for t in attempts[a.pk] if t.is_finished]
        item = LearnerAssignment(a, due, "todo", attempts=len(attempts[a.pk]))
        if a.mode == Assignment.Mode.QUIZ and finished:
            kept = kept_attempt(a, finished)
            item.status, item.score, item.late = "done", kept.score, kept.late
        elif now < a.opens_at:
            item.status = "upcoming"
        elif now > due:
            item.status = "overdue"
        elif (due - now).days < 2:
            item.status = "due_soon"
        result.append(item)
    study = [item for item in result if item.assignment.mode == Assignment.Mode.STUDY]
    if study:
        _learner_recall(user, study)
    return result


def _learner_recall(user, items: list[LearnerAssignment]) -> None:
    """The learner's own predicted recall of each study assignment's set on its due date (two queries)."""
    question_ids = defaultdict(list)
    for set_id, question_id in QuizSetItem.objects.filter(
        quizset__in=[i.assignment.quizset_id for i in items]
    ).values_list("quizset_id", "question_id"):
        question_ids[set_id].append(question_id)
    cards = {
        card.question_id: card
        for card in Card.objects.filter(user=user, question_id__in=[q for ids in question_ids.values() for q in ids])
    }
    scheduler = scheduling.scheduler_for(StudySettings.objects.filter(user=user).first() or StudySettings())
    for item in items:
        ids = question_ids.get(item.assignment.quizset_id, [])
        values = [_recall(scheduler, cards.get(pk), item.due_at) for pk in ids]
        item.recall_on_due = sum(values) / len(ids) if ids else None


def _recall(scheduler, card: Card | None, when: datetime) -> float:
    """A card's predicted recall at `when` (0 for a card never reviewed, or none)."""
    if card is None or card.last_review is None:
        return 0.0
    return scheduler.get_card_retrievability(scheduling._to_fsrs(card), max(when, card.last_review))


def kept_attempt(assignment: Assignment, finished: list[Attempt]) -> Attempt:
    """The attempt whose score counts: best, last or first, per the assignment."""
    if assignment.grading == Assignment.Grading.FIRST:
        return finished[0]
    if assignment.grading == Assignment.Grading.LAST:
        return finished[-1]
    return max(finished, key=lambda t: (t.score or 0, -t.started_at.timestamp()))


# --- results ----------------------------------------------------------------------------------------


@dataclass
class LearnerRow:
    learner: object
    due_at: datetime
    attempts: int = 0
    finished: int = 0
    score: float | None = None
    late: bool = False
    time_spent: float = 0.0  # seconds, over all attempts
    kept: Attempt | None = None
    recall_on_due: float | None = None  # study mode
    cards_started: int = 0
    cards_total: int = 0  # study mode: the set's questions

    @property
    def status(self) -> str:
        if self.cards_total:  # study mode: the cards reviewed at least once, not the quiz attempts
            if not self.cards_started:
                return "not_started"
            return "studied" if self.cards_started >= self.cards_total else "in_progress"
        if self.finished:
            return "late" if self.late else "done"
        if self.attempts:
            return "in_progress"
        return "not_started"


@dataclass
class ChoiceStat:
    """A choice and how often it was picked; for a matching pair, how often it was matched right; for an item to
    order, how often it was put in its place."""

    choice: Choice
    picked: int
    share: float

    @property
    def label(self) -> str:
        question = self.choice.question
        if question.kind == Question.Kind.MATCHING:
            return f"{self.choice.text} → {self.choice.match}"
        if question.kind == Question.Kind.ORDERING:
            return f"{self.choice.position + 1}. {self.choice.text}"
        return self.choice.text


@dataclass
class ItemStat:
    question: Question
    answered: int
    facility: float | None  # mean score, 0..1 (Moodle: facility index)
    discrimination: float | None  # correlation of this item with the rest of the test (Moodle)
    choices: list[ChoiceStat] = field(default_factory=list)

    # Below this, an item hardly separates the learners who did well from the others (Moodle suggests a look).
    LOW_DISCRIMINATION = 0.2
    # A wrong choice drawing this share of the answers is a misconception to address, or an ambiguous item.
    POPULAR_WRONG = 0.3

    @property
    def low_discrimination(self) -> bool:
        return self.discrimination is not None and self.discrimination < self.LOW_DISCRIMINATION

    @property
    def popular_wrong(self) -> list[ChoiceStat]:
        return [c for c in self.choices if not c.choice.is_correct and c.picked and c.share >= self.POPULAR_WRONG]

    @property
    def weak(self) -> bool:
        return self.low_discrimination or bool(self.popular_wrong)


def results(assignment: Assignment, now: datetime | None = None) -> tuple[list[LearnerRow], list[ItemStat]]:
    now = now or timezone.now()
    learners = list(assignment.classroom.learners.order_by("username"))
    extensions = dict(assignment.extensions.values_list("learner_id", "due_at"))
    rows = {u.pk: LearnerRow(u, extensions.get(u.pk, assignment.due_at)) for u in learners}
    if assignment.mode == Assignment.Mode.STUDY:
        _study_progress(assignment, rows)
        return list(rows.values()), []
    attempts = defaultdict(list)
    for attempt in (
        assignment.attempts.counted()
        .filter(user_id__in=rows)
        .annotate(spent=Sum("responses__time_spent"))
        .order_by("started_at")
    ):
        attempts[attempt.user_id].append(attempt)
    for user_id, row in rows.items():
        mine = attempts.get(user_id, [])
        finished = [t for t in mine if t.is_finished]
        row.attempts, row.finished = len(mine), len(finished)
        row.time_spent = sum(t.spent.total_seconds() for t in mine if t.spent)
        if finished:
            row.kept = kept_attempt(assignment, finished)
            row.score, row.late = row.kept.score, row.kept.late
    return list(rows.values()), item_analysis(assignment, [r.kept for r in rows.values() if r.kept])


def item_analysis(assignment: Assignment, kept: list[Attempt]) -> list[ItemStat]:
    """Facility and discrimination per item over the counted attempts (Moodle's definitions), and how often each
    choice was picked (each pair matched right, each item put in its place).

    An item is a question with its translations (Question.item_id): a set holding both versions shows one line,
    over the answers to either, with the choices of both."""
    kept_ids = [a.pk for a in kept]
    question_ids = list(assignment.quizset.items.values_list("question_id", flat=True))
    questions = (
        Question.objects.filter(pk__in=question_ids).select_related("passage__source").prefetch_related("choices")
    )
    order = {pk: i for i, pk in enumerate(question_ids)}
    by_pk = {q.pk: q for q in questions}
    scores: dict[int, dict[int, float]] = defaultdict(dict)  # attempt -> item -> score
    picks: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # question -> choice -> count
    for attempt_id, question_id, score, answer in Response.objects.filter(attempt_id__in=kept_ids).values_list(
        "attempt_id", "question_id", "score", "answer"
    ):
        question = by_pk.get(question_id)
        if question is None:  # no longer in the set
            continue
        scores[attempt_id][question.item_id] = score
        for choice_id in _picked(question, answer):
            picks[question_id][choice_id] += 1
    totals = {a: sum(per.values()) for a, per in scores.items()}
    items: dict[int, list[Question]] = {}
    for question in sorted(questions, key=lambda q: order[q.pk]):
        items.setdefault(question.item_id, []).append(question)
    stats = []
    for item_id, versions in items.items():
        item = [per.get(item_id, 0.0) for per in scores.values()]
        rest = [totals[a] - per.get(item_id, 0.0) for a, per in scores.items()]
        answered = sum(1 for per in scores.values() if item_id in per)
        stat = ItemStat(
            question=versions[0],
            answered=answered,
            facility=sum(item) / len(item) if item else None,
            discrimination=_correlation(item, rest),
        )
        for question in versions:
            for choice in question.choices.all():
                n = picks[question.pk].get(choice.pk, 0)
                stat.choices.append(ChoiceStat(choice, n, n / answered if answered else 0.0))
        stats.append(stat)
    return stats


def _picked(question: Question, answer: dict) -> list[int]:
    """The choices an answer counts for: those picked; the pairs matched right; the items put in their place."""
    if question.kind == Question.Kind.MATCHING:
        match = {c.pk: c.match.strip().casefold() for c in question.choices.all()}
        return [
            int(left)
            for left, right in answer.get("matches", {}).items()
            if left.isdigit() and int(left) in match and match.get(right) == match[int(left)]
        ]
    if question.kind == Question.Kind.ORDERING:
        right = [c.pk for c in question.ordered_items()]
        return [pk for i, pk in enumerate(answer.get("order", [])) if i < len(right) and right[i] == pk]
    return answer.get("choices", [])


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _study_progress(assignment: Assignment, rows: dict) -> None:
    """Each learner's predicted recall of the set on their due date, from their FSRS memory state."""
    question_ids = list(assignment.quizset.items.values_list("question_id", flat=True))
    settings = {s.user_id: s for s in StudySettings.objects.filter(user_id__in=rows)}
    recall = defaultdict(list)
    for card in Card.objects.filter(user_id__in=rows, question_id__in=question_ids).only(
        "user_id", "state", "stability", "difficulty", "due", "last_review", "step"
    ):
        row = rows[card.user_id]
        if card.last_review is not None:
            row.cards_started += 1
        scheduler = scheduling.scheduler_for(settings.get(card.user_id) or StudySettings())
        recall[card.user_id].append(_recall(scheduler, card, row.due_at))
    for user_id, row in rows.items():
        row.cards_total = len(question_ids)
        values = recall.get(user_id, [])
        total = len(question_ids)
        row.recall_on_due = sum(values) / total if total else None


# --- exports -------------------------------------------------------------------------------------


def safe_cell(value) -> str:
    """Text for a spreadsheet cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_assignment_csv(assignment: Assignment, out) -> None:
    rows, _items = results(assignment)
    writer = csv.writer(out)
    writer.writerow(["learner", "status", "score_percent", "attempts", "time_spent_minutes", "late", "due"])
    for row in rows:
        writer.writerow(
            [
                safe_cell(row.learner.username),
                row.status,
                "" if row.score is None else round(100 * row.score, 1),
                row.attempts,
                round(row.time_spent / 60, 1),
                "yes" if row.late else "no",
                timezone.localtime(row.due_at).date().isoformat(),  # the teacher's day
            ]
        )


def write_gradebook_csv(classroom: Classroom, out) -> None:
    """One row per learner, one column per quiz assignment (the kept score, in %)."""
    assignments = list(classroom.assignments.filter(mode=Assignment.Mode.QUIZ).select_related("quizset"))
    learners = list(classroom.learners.order_by("username"))
    kept: dict[tuple[int, int], float | None] = {}
    finished = defaultdict(list)
    for attempt in (
        Attempt.objects.filter(assignment__in=assignments, finished_at__isnull=False).counted().order_by("started_at")
    ):
        finished[(attempt.assignment_id, attempt.user_id)].append(attempt)
    by_pk = {a.pk: a for a in assignments}
    for (assignment_id, user_id), attempts in finished.items():
        kept[(assignment_id, user_id)] = kept_attempt(by_pk[assignment_id], attempts).score
    writer = csv.writer(out)
    writer.writerow(["learner", *[safe_cell(f"{a.quizset.title} ({a.due_at.date()})") for a in assignments]])
    for learner in learners:
        cells = []
        for a in assignments:
            score = kept.get((a.pk, learner.pk))
            cells.append("" if score is None else round(100 * score, 1))
        writer.writerow([safe_cell(learner.username), *cells])


def class_counts(classrooms) -> dict[int, dict[str, int]]:
    counts = defaultdict(lambda: {"learners": 0, "assignments": 0})
    for pk, n in Enrollment.objects.filter(classroom__in=classrooms).values_list("classroom").annotate(n=Count("pk")):
        counts[pk]["learners"] = n
    for pk, n in Assignment.objects.filter(classroom__in=classrooms).values_list("classroom").annotate(n=Count("pk")):
        counts[pk]["assignments"] = n
    return counts
