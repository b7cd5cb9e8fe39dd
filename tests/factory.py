"""A few dependency-free builders for test data (in the style of djangoproject.com's checklists)."""

from django.contrib.auth import get_user_model

from quizzes.accounts.roles import Role, grant_role
from quizzes.bank.models import Choice, Question, QuizSet, QuizSetItem, Source, Topic

__all__ = [
    "Role",
    "make_user",
    "make_source",
    "make_question",
    "make_quizset",
    "make_matching",
    "make_ordering",
    "make_numeric",
]

SOURCE_TEXT = (
    "Gene therapy consists of introducing genetic material into cells in order to treat a disease.\n\n"
    "Adeno-associated virus (AAV) vectors are non-integrative: their DNA stays in the nucleus.\n\n"
    "La thérapie génique vise à corriger un gène défectueux à l’origine de la maladie."
)


def make_user(username: str, role: Role | None = None, password: str = "a-long-test-password", **kwargs):
    kwargs.setdefault("is_staff", role == Role.ADMIN)
    user = get_user_model().objects.create_user(username=username, password=password, **kwargs)
    if role:
        grant_role(user, role)
    return user


def make_source(key: str = "intro", **kwargs) -> Source:
    kwargs.setdefault("title", "Introduction to gene therapy")
    kwargs.setdefault("language", "en")
    kwargs.setdefault("text", SOURCE_TEXT)
    kwargs.setdefault("published", kwargs.get("owner") is None)  # a bank text; a teacher's is theirs
    return Source.objects.create(key=key, **kwargs)


def make_question(
    external_id: str = "q-1",
    kind: str = Question.Kind.SINGLE,
    source: Source | None = None,
    passage: str = "Adeno-associated virus (AAV) vectors are non-integrative",
    choices: list[tuple[str, bool]] | None = None,
    topics: list[Topic] = (),
    pairs: list[tuple[str, str]] = (),
    items: list[str] = (),
    **kwargs,
) -> Question:
    """`pairs` (left, right) make a matching question's choices, `items` (in the right order) an ordering one's."""
    source = source or Source.objects.filter(key="intro").first() or make_source()
    kwargs.setdefault("prompt", "Are AAV vectors integrative?")
    kwargs.setdefault("explanation", "Their DNA stays in the nucleus.")
    kwargs.setdefault("language", source.language)
    kwargs.setdefault("status", Question.Status.PUBLISHED)
    question = Question.objects.create(
        external_id=external_id, kind=kind, passage=source.passage_for(passage), **kwargs
    )
    if choices is None and kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        choices = [("Non-integrative", True), ("Integrative", False)]
    for position, (text, correct) in enumerate(choices or []):
        Choice.objects.create(question=question, text=text, is_correct=correct, position=position)
    for position, (left, right) in enumerate(pairs):
        Choice.objects.create(question=question, text=left, match=right, position=position)
    for position, text in enumerate(items):
        Choice.objects.create(question=question, text=text, position=position)
    question.topics.set(topics)
    return question


PAIRS = [("AAV", "adeno-associated virus"), ("CAR", "chimeric antigen receptor"), ("ATMP", "advanced therapy")]
STEPS = ["Collect the cells", "Modify them", "Grow them", "Infuse them"]


def make_matching(external_id: str = "q-matching", **kwargs) -> Question:
    kwargs.setdefault("prompt", "Match each acronym with what it stands for.")
    return make_question(external_id, kind=Question.Kind.MATCHING, choices=[], pairs=PAIRS, **kwargs)


def make_ordering(external_id: str = "q-ordering", **kwargs) -> Question:
    kwargs.setdefault("prompt", "Put the steps of an ex vivo gene therapy in order.")
    return make_question(external_id, kind=Question.Kind.ORDERING, choices=[], items=STEPS, **kwargs)


def make_numeric(external_id: str = "q-numeric", **kwargs) -> Question:
    kwargs.setdefault("prompt", "How many micrograms per kilogram?")
    kwargs.setdefault("numeric_value", 3.5)
    kwargs.setdefault("numeric_tolerance", 0.1)
    kwargs.setdefault("unit", "µg")
    return make_question(external_id, kind=Question.Kind.NUMERIC, choices=[], **kwargs)


def make_quizset(key: str = "set-1", questions: list[Question] = (), **kwargs) -> QuizSet:
    kwargs.setdefault("title", key.replace("-", " ").title())
    quizset = QuizSet.objects.create(key=key, **kwargs)
    QuizSetItem.objects.bulk_create(
        QuizSetItem(quizset=quizset, question=q, position=i) for i, q in enumerate(questions)
    )
    return quizset
