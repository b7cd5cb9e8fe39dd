"""Every model of the app, re-exported from the domain that owns it (one Django app, label `quizzes`)."""

from .bank.models import (
    CLOZE_BLANK,
    Choice,
    Language,
    Passage,
    Question,
    QuestionQuerySet,
    QuizSet,
    QuizSetItem,
    QuizSetQuerySet,
    Source,
    Topic,
    key_validator,
)
from .deriving.models import Candidate, CandidateQuerySet, DerivationJob
from .quizzing.models import Attempt, AttemptQuerySet, Response
from .study.models import (
    Card,
    CardQuerySet,
    ExamDate,
    ReviewDay,
    ReviewLog,
    Study,
    StudySettings,
    WorkloadSimulation,
)
from .teaching.models import Assignment, Classroom, ClassroomQuerySet, Enrollment, Extension, new_join_code

__all__ = [
    "CLOZE_BLANK",
    "Assignment",
    "Attempt",
    "AttemptQuerySet",
    "Candidate",
    "CandidateQuerySet",
    "Card",
    "CardQuerySet",
    "Choice",
    "Classroom",
    "ClassroomQuerySet",
    "DerivationJob",
    "Enrollment",
    "ExamDate",
    "Extension",
    "Language",
    "Passage",
    "Question",
    "QuestionQuerySet",
    "QuizSet",
    "QuizSetItem",
    "QuizSetQuerySet",
    "Response",
    "ReviewDay",
    "ReviewLog",
    "Source",
    "Study",
    "StudySettings",
    "Topic",
    "WorkloadSimulation",
    "key_validator",
    "new_join_code",
]
