"""A visitor tries a shared quiz without an account: graded, with the passage, nothing stored but right or wrong
in their session; never a teacher's set; signing up (or logging in) brings them back to the set."""

import pytest
from django.test import Client

from quizzes.quizzing.models import Attempt, Response
from tests import factory

HX = {"HX-Request": "true"}


@pytest.fixture
def shared(db):
    q1 = factory.make_question("q-1", prompt="Are AAV vectors integrative?")
    q2 = factory.make_question("q-2", kind="short", choices=[], prompt="Name the vector", accepted_answers="AAV")
    draft = factory.make_question("q-draft", status="draft", prompt="SECRET DRAFT")
    return factory.make_quizset("basics", [q1, draft, q2], title="Basics"), q1, q2


def test_the_set_page_offers_a_try_and_an_account_that_comes_back(client, shared):
    html = client.get("/sets/basics/").content.decode()
    assert 'href="/sets/basics/try/"' in html
    assert 'href="/accounts/signup/?next=/sets/basics/"' in html


def test_a_visitor_answers_sees_the_passage_and_nothing_is_stored(client, shared):
    _quizset, q1, q2 = shared
    page = client.get("/sets/basics/try/").content.decode()
    assert "Are AAV vectors integrative?" in page and "Question 1 of 2" in page
    right = q1.choices.get(is_correct=True)
    page = client.post("/sets/basics/try/1/", {"choice": right.pk}).content.decode()
    assert "Correct" in page and 'class="passage"' in page and "/sets/basics/try/2/" in page
    page = client.post("/sets/basics/try/2/", {"answer": "lentivirus"}, headers=HX).content.decode()
    assert "<html" not in page and "Not quite" in page and "AAV" in page
    assert "SECRET DRAFT" not in client.get("/sets/basics/try/2/").content.decode()
    results = client.get("/sets/basics/try/3/").content.decode()
    assert "1 right answer out of 2." in results
    assert 'href="/accounts/signup/?next=/sets/basics/"' in results
    assert not Attempt.objects.exists() and not Response.objects.exists()
    assert client.session["try"] == {"key": "basics", "results": {str(q1.pk): True, str(q2.pk): False}}


def test_a_wrong_form_says_so(client, shared):
    page = client.post("/sets/basics/try/1/", {}).content.decode()
    assert 'class="errorlist"' in page


def test_never_a_teachers_set_nor_a_position_past_the_end(client, shared):
    teacher = factory.make_user("tess", factory.Role.TEACHER)
    own = factory.make_question("q-own", owner=teacher, prompt="TEACHER QUESTION")
    factory.make_quizset("tess-set", [own], owner=teacher)
    assert client.get("/sets/tess-set/try/").status_code == 404
    assert client.get("/sets/basics/try/4/").status_code == 404
    assert client.get("/sets/basics/try/0/").status_code == 404


def test_a_learner_takes_the_real_quiz(client, shared, learner):
    client.force_login(learner)
    r = client.get("/sets/basics/try/")
    assert r.status_code == 302 and r.url == "/sets/basics/"


def test_signing_up_returns_to_the_set(shared):
    client = Client()
    page = client.get("/accounts/signup/?next=/sets/basics/").content.decode()
    assert 'name="next" value="/sets/basics/"' in page
    data = {"username": "newbie", "password1": "a-long-test-password-9", "password2": "a-long-test-password-9"}
    r = client.post("/accounts/signup/", {**data, "next": "/sets/basics/"})
    assert r.status_code == 302 and r.url == "/sets/basics/"


def test_a_next_to_another_site_is_ignored(shared):
    client = Client()
    data = {"username": "newbie", "password1": "a-long-test-password-9", "password2": "a-long-test-password-9"}
    r = client.post("/accounts/signup/", {**data, "next": "https://evil.example/"})
    assert r.status_code == 302 and r.url == "/"


def test_the_results_asked_by_htmx_come_as_the_quiz_they_replace(client, shared):
    """The results, asked by "See your results", take the quiz's place (hx-target #quiz): a whole page there would
    nest a second page, header, navigation and <main>, inside the first."""
    client.post("/sets/basics/try/1/", {"choice": shared[1].choices.get(is_correct=True).pk})
    partial = client.get("/sets/basics/try/3/", headers=HX).content.decode()
    assert "<html" not in partial and "<main" not in partial and "<nav" not in partial
    assert partial.lstrip().startswith('<div id="quiz"')
    assert "1 right answer out of 2." in partial and 'href="/accounts/signup/?next=/sets/basics/"' in partial
    whole = client.get("/sets/basics/try/3/").content.decode()
    assert "<html" in whole and partial.strip() in whole
