"""Every model of the app, re-exported from the domain that owns it (one Django app, label `quizzes`)."""

from .accounts.models import Invitation
from .bank.models import (
    CLOZE_BLANK,
    BankImportJob,
    Choice,
    Language,
    Passage,
    Question,
    QuestionQuerySet,
    QuizSet,
    QuizSetItem,
    QuizSetQuerySet,
    Source,
    Tag,
    Topic,
    key_validator,
)
from .deriving.models import Candidate, CandidateQuerySet, DerivationJob
from .periodic import PeriodicRun
from .quizzing.models import Attempt, AttemptQuerySet, Response
from .study.models import Card, CardQuerySet, Deck, ReviewDay, ReviewLog, Study, StudyJob, StudySettings
from .teaching.models import (
    Assignment,
    Classroom,
    ClassroomQuerySet,
    Enrollment,
    Extension,
    Reminder,
    new_join_code,
)

__all__ = [
    "BankImportJob",
    "CLOZE_BLANK",
    "Assignment",
    "Attempt",
    "AttemptQuerySet",
    "Candidate",
    "CandidateQuerySet",
    "Card",
    "CardQuerySet",
    "Deck",
    "Choice",
    "Classroom",
    "ClassroomQuerySet",
    "DerivationJob",
    "Enrollment",
    "Extension",
    "Invitation",
    "Language",
    "Passage",
    "PeriodicRun",
    "Question",
    "QuestionQuerySet",
    "QuizSet",
    "QuizSetItem",
    "QuizSetQuerySet",
    "Reminder",
    "Response",
    "ReviewDay",
    "ReviewLog",
    "Source",
    "Tag",
    "Study",
    "StudyJob",
    "StudySettings",
    "Topic",
    "key_validator",
    "new_join_code",
]
