"""A teacher's pages read their ids and filters through forms: a value that is not a number, or a
number past the database's range, is a 400 or a form error, never a 500, and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Assignment, Classroom, Enrollment, QuizSet
from tests import factory

HUGE = "99999999999999999999"


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def classroom(teacher, learner):
    classroom = Classroom.objects.create(teacher=teacher, name="5B")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    return classroom


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "1.5", HUGE, "-1"])
def test_a_bad_difficulty_filter_is_a_form_error(tom, value):
    factory.make_question()
    r = tom.get(f"/teach/sets/new/?difficulty={value}")
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        assert "q-1" in r.content.decode()  # the filter is dropped, the bank still listed


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", HUGE])
def test_a_bad_page_number_is_not_a_500(tom, value):
    factory.make_question()
    assert tom.get(f"/teach/sets/new/?page={value}").status_code in (200, 400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "9223372036854775808"])
def test_a_picked_id_past_the_range_is_refused_and_nothing_is_saved(tom, value):
    factory.make_question()
    r = tom.post("/teach/sets/new/", {"title": "Mine", "language": "en", "pick": value})
    assert r.status_code in (200, 400)
    assert not QuizSet.objects.filter(title="Mine").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "1.5", HUGE, "\x00"])
def test_removing_a_learner_by_a_bad_id_is_a_400_and_removes_nobody(tom, classroom, value):
    r = tom.post(f"/teach/classes/{classroom.pk}/", {"remove": value})
    assert r.status_code == 400
    assert classroom.enrollments.count() == 1


@pytest.mark.django_db
def test_removing_a_learner_still_works(tom, classroom, learner):
    r = tom.post(f"/teach/classes/{classroom.pk}/", {"remove": str(learner.pk)})
    assert r.status_code == 302
    assert classroom.enrollments.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "2147483648"])
def test_a_learner_id_past_the_range_is_a_404(tom, classroom, value):
    quizset = factory.make_quizset(questions=[factory.make_question()])
    assignment = Assignment.objects.create(
        classroom=classroom, quizset=quizset, due_at=timezone.now() + timedelta(days=7)
    )
    assert tom.get(f"/teach/assignments/{assignment.pk}/learners/{value}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "9223372036854775808"])
def test_a_topic_id_past_the_range_is_a_form_error(tom, value):
    factory.make_source()
    r = tom.post("/teach/questions/new/", {"kind": "flashcard", "prompt": "p", "topics": value})
    assert r.status_code == 200
    assert "topics" in r.context["form"].errors
