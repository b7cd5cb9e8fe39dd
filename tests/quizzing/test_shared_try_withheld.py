"""Trust: a shared set that a class assignment holds is not a way round its reveal policy for a visitor.

The rule (Question.objects.withheld_from for an anonymous user): whatever a quiz assignment holds from its
learners now (reveal "never", or "after the due date" / an attempt limit before the latest due date of the
assignment, extensions included), it holds from every visitor too: a visitor may be one of the class's learners
logged out, and grading alone tells which option is right. Those questions are left out of the try (its pages,
htmx partials and summary) with a message; a set all held offers no try. After the due date, the try is as before.

A logged-in learner who is not in the class practises as usual: they are someone else, known by their account,
and the shared bank stays usable by every other class (teaching/test_integrity_policy.py says the same).
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Extension, Question
from tests import factory
from tests.assignments import assign

HX = {"HX-Request": "true"}
HELD = "part of a class assignment that does not show its answers yet"
SECRETS = ("EXPLAIN-ONE", "EXPLAIN-TWO", "RIGHT-CHOICE", "Right answer", "Correct", "Not quite", 'class="passage"')


def secrets_in(html: str) -> list[str]:
    return [s for s in SECRETS if s in html]


def move_due_date_into_the_past(assignment: Assignment) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def visitor(db):
    return Client()


@pytest.fixture
def held(classroom, bank):
    """The shared set "basics" assigned to the class, its answers shown after the due date (in a week)."""
    return assign(classroom, bank, reveal="after_due")


class TestAllHeld:
    def test_the_set_page_says_why_and_offers_no_try(self, visitor, held):
        html = visitor.get("/sets/basics/").content.decode()
        assert HELD in html
        assert 'href="/sets/basics/try/"' not in html
        assert not secrets_in(html)

    @pytest.mark.parametrize("path", ["/sets/basics/try/", "/sets/basics/try/1/", "/sets/basics/try/2/"])
    def test_each_question_page_goes_back_to_the_set(self, visitor, held, path):
        r = visitor.get(path)
        assert r.status_code == 302 and r.url == "/sets/basics/"
        assert "Are AAV vectors integrative?" not in visitor.get(path, follow=True).content.decode()

    def test_an_answer_is_not_graded_on_the_page_nor_in_the_htmx_partial(self, visitor, held, bank):
        right = Question.objects.get(external_id="q-1").choices.get(is_correct=True)
        r = visitor.post("/sets/basics/try/1/", {"choice": right.pk})
        assert r.status_code == 302 and r.url == "/sets/basics/"
        r = visitor.post("/sets/basics/try/1/", {"choice": right.pk}, headers=HX)
        assert r.status_code == 200 and r["HX-Redirect"] == "/sets/basics/"
        assert not secrets_in(r.content.decode())
        r = visitor.post("/sets/basics/try/2/", {"answer": "AAV"}, headers=HX)
        assert r["HX-Redirect"] == "/sets/basics/" and not secrets_in(r.content.decode())
        assert "try" not in visitor.session, "nothing graded, nothing kept"

    def test_the_summary_goes_back_to_the_set(self, visitor, held):
        r = visitor.get("/sets/basics/try/3/")
        assert r.status_code == 302 and r.url == "/sets/basics/"

    def test_the_library_shows_no_answer(self, visitor, held):
        html = visitor.get("/").content.decode()
        assert "Basics" in html and not secrets_in(html)

    def test_no_export_or_print_of_a_set_reaches_a_visitor(self, visitor, held):
        """The only page with a question's answer outside a quiz is the staff preview; the exports are a
        learner's own data and a teacher's gradebook: all behind a login."""
        for path in ("/questions/q-1/preview/", "/accounts/export/", "/study/log.csv"):
            r = visitor.get(path)
            assert r.status_code == 302 and r.url.startswith("/accounts/login/"), path
        assert visitor.get(f"/assignments/{held.pk}/").status_code == 404

    @pytest.mark.parametrize(
        ("reveal", "max_attempts"), [("never", None), ("immediately", 1)], ids=["never", "attempt-limit"]
    )
    def test_the_same_rule_as_for_the_classs_learners(self, visitor, classroom, bank, reveal, max_attempts):
        assign(classroom, bank, reveal=reveal, max_attempts=max_attempts)
        assert visitor.get("/sets/basics/try/").status_code == 302
        assert HELD in visitor.get("/sets/basics/").content.decode()

    def test_a_learners_extension_keeps_it_held_after_the_class_due_date(self, visitor, held, learner):
        move_due_date_into_the_past(held)
        Extension.objects.create(assignment=held, learner=learner, due_at=timezone.now() + timedelta(days=1))
        assert visitor.get("/sets/basics/try/").status_code == 302, "the learner with more time would read them"

    def test_the_rule_lives_in_the_bank(self, held, bank):
        from django.contrib.auth.models import AnonymousUser

        now = timezone.now()
        visitor = AnonymousUser()
        questions = Question.objects.filter(quizset_items__quizset=bank)
        assert set(Question.objects.withheld_from(visitor, now)) == set(questions)
        assert HELD in questions.withheld_reason(visitor, now)
        assert Question.objects.withheld_from(visitor, held.due_at + timedelta(minutes=1)).count() == 0


class TestPartlyHeld:
    @pytest.fixture
    def mixed(self, classroom, bank):
        """Another shared set holding q-1 of "basics" and a question of its own; only "basics" is assigned."""
        q1 = Question.objects.get(external_id="q-1")
        free = factory.make_question("q-free", prompt="FREE PROMPT", explanation="FREE-EXPLAIN")
        factory.make_quizset("mixed", [q1, free], title="Mixed")
        assign(classroom, bank, reveal="after_due")
        return free

    def test_the_held_question_is_left_out_with_a_message(self, visitor, mixed):
        html = visitor.get("/sets/mixed/").content.decode()
        assert HELD in html and 'href="/sets/mixed/try/"' in html
        page = visitor.get("/sets/mixed/try/").content.decode()
        assert "FREE PROMPT" in page and "Question 1 of 1" in page and HELD in page
        assert "Are AAV vectors integrative?" not in page
        page = visitor.post("/sets/mixed/try/1/", {"choice": mixed.choices.get(is_correct=True).pk}, headers=HX)
        page = page.content.decode()
        assert "FREE-EXPLAIN" in page and HELD in page and "EXPLAIN-ONE" not in page
        assert visitor.get("/sets/mixed/try/3/").status_code == 404
        results = visitor.get("/sets/mixed/try/2/").content.decode()
        assert "1 right answer out of 1." in results and HELD in results

    def test_a_version_in_another_language_is_held_too(self, visitor, classroom, bank):
        fr = factory.make_source("intro-fr", language="fr", title="Introduction", text="Un texte.")
        q1 = Question.objects.get(external_id="q-1")
        factory.make_question("q-1-fr", source=fr, passage="Un texte.", prompt="PROMPT FR", translation_of=q1)
        factory.make_quizset("basics-fr", [Question.objects.get(external_id="q-1-fr")], title="Bases")
        assign(classroom, bank, reveal="after_due")
        assert visitor.get("/sets/basics-fr/try/").status_code == 302


class TestNotHeld:
    def test_after_the_due_date_the_try_is_as_before(self, visitor, held):
        move_due_date_into_the_past(held)
        html = visitor.get("/sets/basics/").content.decode()
        assert HELD not in html and 'href="/sets/basics/try/"' in html
        page = visitor.get("/sets/basics/try/").content.decode()
        assert "Question 1 of 2" in page
        right = Question.objects.get(external_id="q-1").choices.get(is_correct=True)
        page = visitor.post("/sets/basics/try/1/", {"choice": right.pk}, headers=HX).content.decode()
        assert "Correct" in page and "EXPLAIN-ONE" in page

    @pytest.mark.parametrize(
        ("mode", "reveal"), [("study", "never"), ("quiz", "immediately")], ids=["study-mode", "reveal-now"]
    )
    def test_an_assignment_that_shows_its_answers_holds_nothing(self, visitor, classroom, bank, mode, reveal):
        assign(classroom, bank, mode=mode, reveal=reveal)
        assert "Question 1 of 2" in visitor.get("/sets/basics/try/").content.decode()


class TestLoggedIn:
    def test_a_learner_not_in_the_class_practises_as_usual(self, held):
        bob = Client()
        bob.force_login(factory.make_user("bob", factory.Role.LEARNER))
        html = bob.get("/sets/basics/").content.decode()
        assert HELD not in html
        bob.post("/sets/basics/start/")
        attempt = Attempt.objects.get()
        assert attempt.assignment is None and attempt.user.username == "bob"

    def test_the_classs_learner_is_held_by_the_assignments_own_words(self, alice, held):
        html = alice.get("/sets/basics/").content.decode()
        assert "This set is assigned to you: its answers are shown after" in html and HELD not in html
        alice.post("/sets/basics/start/")
        assert not Attempt.objects.exists()
        r = alice.get("/sets/basics/try/")
        assert r.status_code == 302 and r.url == "/sets/basics/", "learners take the real quiz, held"

    def test_the_message_is_in_french(self, visitor, held):
        html = visitor.get("/sets/basics/", headers={"Accept-Language": "fr"}).content.decode()
        assert "devoir de classe" in html
