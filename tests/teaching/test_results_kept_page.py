"""A teacher's results page of a quiz assignment is kept whole (quizzes/teaching/results_cache.py `page`): whatever
it shows changes on the next request (an answer, the assignment, its class, the viewer's name and roles, the
language), its CSRF token and nonce are each request's own, and no other teacher sees it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.accounts.roles import Role, grant_role
from quizzes.teaching.models import Classroom, Enrollment
from tests import factory
from tests.markup import assert_own_tokens_and_nonces
from tests.teaching.test_teaching import make_assignment, take


def basics_assigned(teacher, learner) -> tuple[Client, object, Classroom]:
    """Two questions assigned to the learner's class; the teacher's client, the assignment, the class."""
    q1 = factory.make_question("q-1", choices=[("Right", True), ("Wrong", False)])
    q2 = factory.make_question("q-2", choices=[("Yes", True), ("No", False)], prompt="Second?")
    classroom = Classroom.objects.create(teacher=teacher, name="Biology 1")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    assignment = make_assignment(classroom, factory.make_quizset("basics", [q1, q2], title="Basics"))
    client = Client()
    client.force_login(teacher)
    return client, assignment, classroom


@pytest.fixture
def setup(db, teacher, learner):
    client, assignment, _classroom = basics_assigned(teacher, learner)
    return client, assignment


def get(client, assignment, **kwargs):
    response = client.get(f"/teach/assignments/{assignment.pk}/", **kwargs)
    assert response.status_code == 200
    return response


def page(client, assignment, **kwargs) -> str:
    return get(client, assignment, **kwargs).content.decode()


def test_the_second_visit_renders_no_template(setup, django_assert_max_num_queries):
    client, assignment = setup
    first = get(client, assignment)
    assert first.templates  # rendered
    with django_assert_max_num_queries(5):  # session, user, roles, the assignment, the fingerprint
        second = get(client, assignment)
    assert not second.templates
    assert "Biology 1" in second.content.decode() and "not started" in second.content.decode()


def test_tokens_and_nonces_are_each_requests_own(setup):
    client, assignment = setup
    assert_own_tokens_and_nonces(get(client, assignment), get(client, assignment))
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    # The token written in is this session's: an extension posted with it is accepted.
    client = Client(enforce_csrf_checks=True)
    client.force_login(assignment.classroom.teacher)
    html = page(client, assignment)
    page(client, assignment)
    kept_token = token.findall(page(client, assignment))[0]
    learner = assignment.classroom.enrollments.get().learner
    due = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/teach/assignments/{assignment.pk}/",
        {"learner": learner.pk, "due_at": due, "csrfmiddlewaretoken": kept_token},
    )
    assert response.status_code == 302 and "Biology 1" in html


def test_an_answer_shows_at_once(setup, learner):
    client, assignment = setup
    assert "not started" in page(client, assignment)
    take(learner, assignment, {"q-1": "Right", "q-2": "No"})
    html = page(client, assignment)
    assert "50%" in html and "not started" not in html


def test_the_assignment_and_its_class_show_at_once(setup):
    client, assignment = setup
    page(client, assignment)
    assignment.classroom.name = "Biology 2"
    assignment.classroom.save()
    assert "Biology 2" in page(client, assignment)
    assignment.due_at = assignment.due_at + timedelta(days=3)
    assignment.save()
    assert timezone.localtime(assignment.due_at).strftime("%-d %b %Y") in page(client, assignment)
    quizset = assignment.quizset
    quizset.title = "Basics, renamed"
    quizset.save()
    assert "Basics, renamed" in page(client, assignment)


def test_the_viewers_name_roles_and_language_show_at_once(setup, teacher):
    client, assignment = setup
    teacher.username = "tom-renamed"
    teacher.is_staff = True  # staff without the admin role: no admin link yet
    teacher.save()
    html = page(client, assignment)
    assert "tom-renamed" in html and "/admin/" not in html
    assert "/admin/" not in page(client, assignment)
    grant_role(teacher, Role.ADMIN)
    session = client.session
    session["roles"] = sorted([Role.TEACHER.value, Role.ADMIN.value])  # as a new login keeps them
    session.save()
    assert "/admin/" in page(client, assignment)
    french = page(client, assignment, headers={"Accept-Language": "fr"})
    assert "Télécharger" in french and "Download the results" not in french


def test_another_teacher_gets_a_404_when_the_page_is_kept(setup):
    client, assignment = setup
    page(client, assignment)
    page(client, assignment)
    other = Client()
    other.force_login(factory.make_user("tess", factory.Role.TEACHER))
    assert other.get(f"/teach/assignments/{assignment.pk}/").status_code == 404


def test_a_message_is_shown_once(setup, learner):
    client, assignment = setup
    page(client, assignment)
    due = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/teach/assignments/{assignment.pk}/", {"learner": learner.pk, "due_at": due})
    assert response.status_code == 302
    assert "Due date extended" in page(client, assignment)
    assert "Due date extended" not in page(client, assignment)
