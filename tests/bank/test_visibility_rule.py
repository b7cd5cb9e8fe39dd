"""The one visibility rule, compiled once per kind of user: each user still gets exactly their own answer."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from quizzes.bank.models import visible_question, visible_questions
from quizzes.models import Classroom, Enrollment, Question
from tests import factory
from tests.assignments import assign


def test_the_compiled_rule_is_the_rule_for_every_kind_of_user(db, teacher, learner, admin_user):
    tess = factory.make_user("tess", factory.Role.TEACHER)
    shared = factory.make_question("shared-1")
    factory.make_question("tom-1", owner=teacher)
    factory.make_question("tess-1", owner=tess)
    factory.make_question("tom-draft", owner=teacher, status=Question.Status.DRAFT)
    private = factory.make_source("private", owner=tess, title="Tess's text")
    factory.make_question("shared-on-private", source=private, passage="Gene therapy consists")
    expected = {
        AnonymousUser(): {"shared-1"},
        learner: {"shared-1"},
        teacher: {"shared-1", "tom-1"},
        tess: {"shared-1", "tess-1", "shared-on-private"},
        admin_user: {"shared-1", "shared-on-private"},
    }
    for _twice in range(2):  # the second time from the compiled rule
        for user, ids in expected.items():
            rule = set(Question.objects.published().visible_to(user).values_list("external_id", flat=True))
            compiled = set(
                Question.objects.filter(pk__in=visible_questions(user)).values_list("external_id", flat=True)
            )
            assert rule == compiled == ids, user
    assert shared.pk in Question.objects.filter(pk__in=visible_questions(learner)).values_list("pk", flat=True)


def test_the_rule_on_one_question_is_the_rule_for_every_kind_of_user(db, teacher, learner, admin_user):
    """visible_question: the same rule checked on each question by its key (the queue and the review card)."""
    tess = factory.make_user("tess", factory.Role.TEACHER)
    factory.make_question("shared-1")
    tom = factory.make_question("tom-1", owner=teacher)
    factory.make_question("tom-2", owner=teacher)
    factory.make_question("tess-1", owner=tess)
    factory.make_question("tom-draft", owner=teacher, status=Question.Status.DRAFT)
    private = factory.make_source("private", owner=tess, title="Tess's text")
    factory.make_question("shared-on-private", source=private, passage="Gene therapy consists")
    classroom = Classroom.objects.create(teacher=teacher, name="Bio")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    assign(classroom, factory.make_quizset("tom-set", [tom], owner=teacher))
    expected = {
        AnonymousUser(): {"shared-1"},
        learner: {"shared-1", "tom-1"},
        teacher: {"shared-1", "tom-1", "tom-2"},
        tess: {"shared-1", "tess-1", "shared-on-private"},
        admin_user: {"shared-1", "shared-on-private"},
    }
    for user, ids in expected.items():
        rule = visible_question(user)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT o.external_id FROM quizzes_question o WHERE {rule.on('o.id')}", rule.params)
            one_by_one = {row[0] for row in cursor.fetchall()}
        listed = set(Question.objects.filter(pk__in=visible_questions(user)).values_list("external_id", flat=True))
        assert one_by_one == listed == ids, user
