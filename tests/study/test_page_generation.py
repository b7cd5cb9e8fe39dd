"""A learner's page generation (quizzes.study.models.PageGeneration), the key of their kept pages, moves with every
write to what those pages are made from, whichever path writes it: the database's triggers (migration 0024) bump
it for the learner concerned, and for every learner of a class when the class, its assignments or their sets
change; never for anyone else. On PostgreSQL they run once per statement (migration 0026): a statement moves each
learner it writes for by one, however many rows it writes."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection

from quizzes.bank.models import QuizSetItem
from quizzes.quizzing.models import Attempt
from quizzes.study import scheduling
from quizzes.study.models import Card, Deck, PageGeneration, ReviewDay, ReviewLog
from quizzes.teaching.models import Assignment, Classroom, Enrollment, Extension
from tests import factory
from tests.test_library_cache import NOW, page, studied, to_review  # noqa: F401 - fixture


def generation(user) -> int:
    return PageGeneration.objects.get(user=user).n


@pytest.fixture
def bob(db):
    return factory.make_user("bob-other", factory.Role.LEARNER)


@pytest.fixture
def watch(learner, bob):
    """Asserts that what the block does moves the learner's generation and not bob's."""

    class Watch:
        def __enter__(self):
            self.before = generation(learner), generation(bob)

        def __exit__(self, *exc):
            if exc[0] is None:
                assert generation(learner) > self.before[0], "the learner's generation did not move"
                assert generation(bob) == self.before[1], "another learner's generation moved"

    return Watch


def test_every_user_has_one_from_the_start(learner, bob):
    assert PageGeneration.objects.filter(user__in=[learner, bob]).count() == 2


def test_cards_moved_by_any_path(learner, watch, studied):  # noqa: F811
    card = studied[0]
    with watch():
        Card.objects.filter(pk=card.pk).update(due=NOW)  # no version bumped: the trigger sees it all the same
    with watch():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE quizzes_card SET suspended = %s WHERE id = %s", [True, card.pk])
    with watch():
        Card.objects.filter(pk=card.pk).delete()
    with watch():
        scheduling.add_study(learner, quizset=studied[1].question.quizsets.first())  # a study, its cards


def test_ratings_and_their_undo(learner, watch, studied):  # noqa: F811
    with watch():
        scheduling.rate(learner, studied[0].pk, 3, token=uuid.uuid4(), now=NOW)
    assert ReviewLog.objects.filter(user=learner).exists()
    with watch():
        scheduling.undo_last(learner)
    with watch():  # the days' counts rebuilt from the log (the progress page reads them)
        ReviewDay.objects.filter(user=learner).delete()


def test_own_questions_their_choices_and_decks(learner, watch):
    with watch():
        question = factory.make_question("mine", choices=[("Yes", True), ("No", False)], owner=learner, personal=True)
    with watch():
        question.choices.filter(text="No").update(text="Not at all")
    with watch():
        Deck.objects.create(user=learner, name="Mine")


def test_attempts_extensions_enrollments(learner, watch, teacher):
    classroom = Classroom.objects.create(teacher=teacher, name="Class")
    quizset = factory.make_quizset("set", [factory.make_question("q-a")])
    with watch():
        Enrollment.objects.create(classroom=classroom, learner=learner)
    with watch():
        assignment = Assignment.objects.create(classroom=classroom, quizset=quizset, due_at=NOW + timedelta(days=1))
    with watch():
        Extension.objects.create(assignment=assignment, learner=learner, due_at=NOW + timedelta(days=2))
    with watch():
        Attempt.objects.create(user=learner, quizset=quizset, assignment=assignment, question_ids=[])


def test_a_class_its_assignments_and_their_sets_move_each_learner_of_the_class(learner, watch, teacher):
    classroom = Classroom.objects.create(teacher=teacher, name="Class")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    quizset = factory.make_quizset("set", [factory.make_question("q-a")])
    assignment = Assignment.objects.create(classroom=classroom, quizset=quizset, due_at=NOW + timedelta(days=1))
    with watch():
        Assignment.objects.filter(pk=assignment.pk).update(due_at=NOW + timedelta(days=3))
    with watch():
        quizset.items.create(question=factory.make_question("q-b"), position=1)
    with watch():
        Classroom.objects.filter(pk=classroom.pk).update(archived=True)
    with watch():
        assignment.delete()


def test_a_card_changed_without_its_version_shows_on_the_kept_library(alice, learner, studied):  # noqa: F811
    assert to_review(page(alice)) == 3
    assert to_review(page(alice)) == 3  # kept
    Card.objects.filter(pk=studied[0].pk).update(due=NOW + timedelta(days=9))  # the version left as it was
    assert to_review(page(alice)) == 2


def test_a_user_made_without_one_gets_it_on_their_first_page(alice, learner, studied):  # noqa: F811
    PageGeneration.objects.filter(user=learner).delete()
    assert to_review(page(alice)) == 3  # rendered, not kept
    assert PageGeneration.objects.filter(user=learner).exists()
    assert to_review(page(alice)) == 3
    Card.objects.filter(pk=studied[0].pk).update(due=NOW + timedelta(days=9))
    assert to_review(page(alice)) == 2


def test_a_learner_can_still_be_deleted(learner, studied):  # noqa: F811
    learner.delete()
    assert not PageGeneration.objects.filter(user_id=learner.pk).exists()
    assert not Card.objects.filter(user_id=learner.pk).exists()


# Each table whose writes move a generation (migration 0024's BUMPS).
TABLES = {
    "quizzes_card",
    "quizzes_reviewlog",
    "quizzes_reviewday",
    "quizzes_study",
    "quizzes_deck",
    "quizzes_question",
    "quizzes_choice",
    "quizzes_attempt",
    "quizzes_extension",
    "quizzes_enrollment",
    "quizzes_classroom",
    "quizzes_assignment",
    "quizzes_quizsetitem",
}
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no statement-level triggers")


@postgresql
@pytest.mark.django_db
def test_postgresql_bumps_after_each_statement_not_each_row():
    """A row-level trigger bumping one learner's row once per row of a 100,000-row INSERT took minutes (each UPDATE
    of the same row walks the versions the earlier ones left in the transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE 'gen\\_%%'"
        )
        triggers = cursor.fetchall()
    row, before, instead, insert, delete, update = 1, 2, 64, 4, 8, 16
    assert {table for table, _ in triggers} == TABLES
    assert not [table for table, kind in triggers if kind & (row | before | instead)], "row-level, or not AFTER"
    for table in TABLES:
        events = 0
        for name, kind in triggers:
            events |= kind if name == table else 0
        assert events & (insert | delete | update) == insert | delete | update, table


@postgresql
def test_on_postgresql_one_statement_moves_each_learner_it_writes_for_once(learner, bob, teacher):
    carol = factory.make_user("carol", factory.Role.LEARNER)
    questions = [factory.make_question(f"q-{i}") for i in range(3)]
    quizset = factory.make_quizset("set", questions[:1])
    classes = [Classroom.objects.create(teacher=teacher, name=f"Class {i}") for i in range(2)]
    Enrollment.objects.bulk_create(
        [Enrollment(classroom=classes[0], learner=learner), Enrollment(classroom=classes[1], learner=carol)]
    )
    people = (learner, carol, bob)

    def moved(statement) -> tuple[int, ...]:
        before = [generation(user) for user in people]
        statement()
        return tuple(generation(user) - was for user, was in zip(people, before, strict=True))

    assert moved(
        lambda: Card.objects.bulk_create(
            [Card(user=learner, question=q) for q in questions] + [Card(user=carol, question=q) for q in questions[:2]]
        )
    ) == (1, 1, 0)
    assert moved(lambda: Card.objects.filter(user__in=[learner, carol]).update(suspended=True)) == (1, 1, 0)
    assert moved(lambda: Card.objects.filter(user=carol, suspended=False).update(suspended=True)) == (0, 0, 0)
    assert moved(lambda: Card.objects.filter(user=learner).delete()) == (1, 0, 0)
    Deck.objects.bulk_create([Deck(user=learner, name=f"Deck {i}") for i in range(3)])
    assert moved(lambda: Deck.objects.filter(user=learner).update(user=carol)) == (1, 1, 0), "old rows and new"
    upsert = [Deck(user=carol, name="Deck 0", new_per_day=5)]
    assert moved(
        lambda: Deck.objects.bulk_create(
            upsert, update_conflicts=True, unique_fields=["user", "name"], update_fields=["new_per_day"]
        )
    ) == (0, 1, 0), "an upsert that updates: its INSERT trigger's table is empty"
    assignments = Assignment.objects.bulk_create(
        [Assignment(classroom=c, quizset=quizset, due_at=NOW + timedelta(days=1)) for c in classes]
    )
    assert moved(
        lambda: Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(due_at=NOW + timedelta(days=2))
    ) == (1, 1, 0)
    assert moved(
        lambda: QuizSetItem.objects.bulk_create(
            [QuizSetItem(quizset=quizset, question=q, position=i) for i, q in enumerate(questions[1:], 1)]
        )
    ) == (1, 1, 0)
    assert moved(lambda: Classroom.objects.filter(teacher=teacher).update(archived=True)) == (1, 1, 0)
