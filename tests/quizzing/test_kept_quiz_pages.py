"""The quiz question and results pages are kept whole per learner and attempt (quizzes/quizzing/kept_pages.py):
whatever they are made from shows on the next request exactly as a page rendered anew (an answer, finishing, the
clock of a timed attempt, the assignment's reveal rule, its due date and the learner's extension, what an
assignment withholds from practice, the attempts left, a bank edit, the language, the time zone, the name), and
no learner ever gets another's page."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.test import Client

from quizzes.bank.models import Question
from quizzes.quizzing import kept_pages
from quizzes.quizzing.flow import record_answer, start_attempt
from quizzes.quizzing.models import Attempt
from quizzes.study.models import StudySettings
from quizzes.teaching.models import Assignment, Classroom, Enrollment, Extension
from tests import factory
from tests.markup import assert_own_tokens_and_nonces
from tests.test_library_cache import content

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}
HIDDEN = "Your teacher will show the right answers later."


def get(client, url: str, now=NOW, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=now):
        return client.get(url, **kwargs)


def page(client, url: str, now=NOW, **kwargs) -> str:
    response = get(client, url, now, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def fresh(client, url: str, now=NOW, **kwargs) -> str:
    """The page rendered anew, the cache left aside: what the kept page must show."""
    with mock.patch("quizzes.quizzing.kept_pages.keeps", return_value=False):
        return page(client, url, now, **kwargs)


def same(client, url: str, now=NOW, **kwargs) -> str:
    """The page, twice (the second from the cache), checked against one rendered anew."""
    first = page(client, url, now, **kwargs)
    kept = page(client, url, now, **kwargs)
    assert content(kept) == content(first) == content(fresh(client, url, now, **kwargs))
    return kept


def start(learner, quizset, now=NOW, **kwargs) -> Attempt:
    with mock.patch("django.utils.timezone.now", return_value=now):
        return start_attempt(learner, quizset, **kwargs)


def answer(attempt: Attempt, position: int, right: bool = True, now=NOW) -> None:
    question = Question.objects.get(pk=attempt.question_ids[position - 1])
    choice = question.choices.get(is_correct=right)
    with mock.patch("django.utils.timezone.now", return_value=now):
        record_answer(attempt, position, question, {"choices": [choice.pk]})


def question_url(attempt: Attempt, position: int) -> str:
    return f"/attempts/{attempt.pk}/{position}/"


def results_url(attempt: Attempt) -> str:
    return f"/attempts/{attempt.pk}/results/"


def progress(html: str) -> tuple[str, str]:
    return re.search(r'<progress id="progress" max="(\d+)" value="(\d+)"', html).groups()


@pytest.fixture
def quizset(db):
    questions = [
        factory.make_question(
            f"kq-{i}",
            prompt=f"PROMPT-{i}?",
            explanation=f"EXPLAIN-{i}",
            choices=[(f"RIGHT-{i}", True), (f"WRONG-{i}", False)],
        )
        for i in range(1, 4)
    ]
    return factory.make_quizset("kept-set", questions, title="Kept set")


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def classroom(teacher, learner):
    classroom = Classroom.objects.create(teacher=teacher, name="Class of Ada")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    return classroom


def assign(classroom, quizset, **kwargs) -> Assignment:
    kwargs.setdefault("opens_at", NOW - timedelta(days=1))
    kwargs.setdefault("due_at", NOW + timedelta(hours=1))
    return Assignment.objects.create(classroom=classroom, quizset=quizset, **kwargs)


# --- kept, and cheap ----------------------------------------------------------------------------


def test_the_question_page_is_kept_and_cheap(alice, learner, quizset, django_assert_max_num_queries):
    attempt = start(learner, quizset)
    html = same(alice, question_url(attempt, 1))
    assert "PROMPT-1?" in html and progress(html) == ("3", "0")
    # session, user with settings, the fingerprint (which is also the ownership check)
    with django_assert_max_num_queries(3):
        assert content(page(alice, question_url(attempt, 1))) == content(html)


def test_the_results_page_is_kept_and_cheap(alice, learner, quizset, django_assert_max_num_queries):
    attempt = start(learner, quizset)
    for position in (1, 2, 3):
        answer(attempt, position, right=position != 2)
    html = same(alice, results_url(attempt))
    assert "2 of 3 right" in html and "EXPLAIN-2" in html and "Retake the 1 missed question" in html
    with django_assert_max_num_queries(3):
        assert content(page(alice, results_url(attempt))) == content(html)


def test_tokens_and_nonces_are_each_requests_own(alice, learner, quizset):
    attempt = start(learner, quizset)
    same(alice, question_url(attempt, 1))
    assert_own_tokens_and_nonces(get(alice, question_url(attempt, 1)), get(alice, question_url(attempt, 1)))


def test_another_learner_gets_a_404_even_when_kept(alice, learner, quizset):
    attempt = start(learner, quizset)
    same(alice, question_url(attempt, 1))
    bob = Client()
    bob.force_login(factory.make_user("bob-other", factory.Role.LEARNER))
    page(bob, "/")  # his session has its roles: his pages may be kept too
    for url in (question_url(attempt, 1), results_url(attempt)):
        assert get(bob, url).status_code == 404
    for position in (1, 2, 3):
        answer(attempt, position)
    same(alice, results_url(attempt))
    assert get(bob, results_url(attempt)).status_code == 404
    assert get(bob, question_url(attempt, 1)).status_code == 404
    assert "bob-other" not in page(alice, results_url(attempt))


def test_each_learner_gets_their_own_page_of_the_same_set(alice, learner, quizset):
    mine = start(learner, quizset)
    bob = factory.make_user("bob-other", factory.Role.LEARNER)
    his = start(bob, quizset)
    answer(his, 1)
    other = Client()
    other.force_login(bob)
    html = same(alice, question_url(mine, 1))
    theirs = same(other, question_url(his, 2))
    assert "bob-other" in theirs and "alice" not in theirs and progress(theirs) == ("3", "1")
    assert "alice" in html and progress(html) == ("3", "0")


# --- the attempt ------------------------------------------------------------------------------


def test_an_answer_shows_at_once(alice, learner, quizset):
    attempt = start(learner, quizset)
    assert "PROMPT-1?" in same(alice, question_url(attempt, 1))
    assert get(alice, question_url(attempt, 2)).status_code == 302  # not the next one yet
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        choice = Question.objects.get(pk=attempt.question_ids[0]).choices.get(is_correct=False)
        assert alice.post(question_url(attempt, 1), {"choice": choice.pk}).status_code == 302
    html = same(alice, question_url(attempt, 1))
    assert "Not quite" in html and "EXPLAIN-1" in html and 'name="choice"' not in html
    html = same(alice, question_url(attempt, 2))
    assert "PROMPT-2?" in html and progress(html) == ("3", "1")


def test_finishing_shows_at_once(alice, learner, quizset):
    attempt = start(learner, quizset)
    answer(attempt, 1)
    html = same(alice, question_url(attempt, 1))
    assert "Next question" in html and "Finish now" in html
    assert get(alice, results_url(attempt)).status_code == 302  # not finished: back to the quiz
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        alice.post(f"/attempts/{attempt.pk}/finish/")
    html = same(alice, question_url(attempt, 1))
    assert "See your results" in html and "Finish now" not in html
    assert get(alice, question_url(attempt, 2)).status_code == 302  # no longer to answer
    html = same(alice, results_url(attempt))
    assert "1 of 3 right" in html


def test_the_attempts_left_show_at_once(alice, learner, quizset):
    quizset.max_attempts = 2
    quizset.save()
    first = start(learner, quizset)
    for position in (1, 2, 3):
        answer(first, position)
    html = same(alice, results_url(first))
    assert "Retake the whole set" in html and "You have used all the attempts" not in html
    second = start(learner, quizset)  # the last one allowed
    html = same(alice, results_url(first))
    assert "Retake the whole set" not in html and "You have used all the attempts" in html
    for position in (1, 2, 3):
        answer(second, position)
    assert "You have used all the attempts" in same(alice, results_url(second))


# --- the clock --------------------------------------------------------------------------------


@pytest.fixture
def timed(quizset):
    quizset.time_limit = timedelta(minutes=5)
    quizset.save()
    return quizset


def test_the_time_left_is_each_requests_own(alice, learner, timed):
    attempt = start(learner, timed)
    url = question_url(attempt, 1)
    one = same(alice, url, now=NOW + timedelta(minutes=1))
    assert 'data-seconds-left="240"' in one and "<span data-timer>4:00</span>" in one
    two = same(alice, url, now=NOW + timedelta(minutes=2, seconds=30))
    assert 'data-seconds-left="150"' in two and "<span data-timer>2:30</span>" in two
    assert "The quiz closes at 10:05" in two


def test_the_time_limit_ends_the_kept_page(alice, learner, timed):
    attempt = start(learner, timed)
    same(alice, question_url(attempt, 1), now=NOW + timedelta(minutes=4, seconds=59))
    response = get(alice, question_url(attempt, 1), now=NOW + timedelta(minutes=5, seconds=1))
    assert response.status_code == 302 and response.url == results_url(attempt)
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline
    html = page(alice, results_url(attempt), now=NOW + timedelta(minutes=5, seconds=1))
    assert "Time is up: your answers were submitted." in html  # the message, once
    assert "Time is up" not in same(alice, results_url(attempt), now=NOW + timedelta(minutes=6))


def test_the_time_zone_shows_at_once(alice, learner, timed):
    attempt = start(learner, timed)
    assert "The quiz closes at 10:05" in same(alice, question_url(attempt, 1))
    StudySettings.objects.update_or_create(user=learner, defaults={"timezone": "Europe/Paris"})
    assert "The quiz closes at 12:05" in same(alice, question_url(attempt, 1))


# --- what an assignment shows, and when ---------------------------------------------------------


def test_answers_stay_hidden_until_the_due_date_and_appear_at_that_moment(alice, learner, quizset, classroom):
    assignment = assign(classroom, quizset, reveal=Assignment.Reveal.AFTER_DUE)
    attempt = start(learner, quizset, assignment=assignment)
    answer(attempt, 1)
    due = assignment.due_at
    before = same(alice, question_url(attempt, 1), now=due - timedelta(microseconds=1))
    assert HIDDEN in before and "EXPLAIN-1" not in before and "RIGHT-1" not in before
    at = same(alice, question_url(attempt, 1), now=due)
    assert HIDDEN not in at and "EXPLAIN-1" in at
    for position in (2, 3):
        answer(attempt, position)
    before = same(alice, results_url(attempt), now=due - timedelta(microseconds=1))
    assert (
        "its answers are shown after" in before and "EXPLAIN-2" not in before and "Question by question" not in before
    )
    at = same(alice, results_url(attempt), now=due)
    assert "EXPLAIN-2" in at and "its answers are shown after" not in at


def test_an_extension_moves_the_moment_at_once(alice, learner, quizset, classroom):
    assignment = assign(classroom, quizset, reveal=Assignment.Reveal.AFTER_DUE)
    attempt = start(learner, quizset, assignment=assignment)
    for position in (1, 2, 3):
        answer(attempt, position)
    due = assignment.due_at
    assert "EXPLAIN-1" not in same(alice, question_url(attempt, 1))
    assert "EXPLAIN-1" not in same(alice, results_url(attempt))
    extension = Extension.objects.create(assignment=assignment, learner=learner, due_at=due + timedelta(hours=2))
    html = same(alice, results_url(attempt), now=due + timedelta(minutes=1))
    assert "EXPLAIN-1" not in html and "15 Jun 2026, 13:00" in html  # the extended due date, in the rule's words
    assert HIDDEN in same(alice, question_url(attempt, 1), now=due + timedelta(minutes=1))
    assert "EXPLAIN-1" in same(alice, results_url(attempt), now=extension.due_at)  # the extension's moment
    assert "EXPLAIN-1" in same(alice, question_url(attempt, 1), now=extension.due_at)
    extension.due_at = due + timedelta(minutes=1)
    extension.save()
    assert "EXPLAIN-1" in same(alice, results_url(attempt), now=due + timedelta(minutes=1))
    assert "EXPLAIN-1" in same(alice, question_url(attempt, 1), now=due + timedelta(minutes=1))
    extension.delete()
    assert "EXPLAIN-1" in same(alice, results_url(attempt), now=due)


def test_the_teachers_reveal_rule_shows_at_once(alice, learner, quizset, classroom):
    assignment = assign(classroom, quizset, reveal=Assignment.Reveal.NEVER)
    attempt = start(learner, quizset, assignment=assignment)
    for position in (1, 2, 3):
        answer(attempt, position)
    later = NOW + timedelta(days=3)  # past the due date: "never" still hides them
    assert "its answers are not shown" in same(alice, results_url(attempt), now=later)
    assert HIDDEN in same(alice, question_url(attempt, 2), now=later)
    assignment.reveal = Assignment.Reveal.IMMEDIATELY
    assignment.save()
    assert "EXPLAIN-2" in same(alice, results_url(attempt), now=later)
    assert "EXPLAIN-2" in same(alice, question_url(attempt, 2), now=later)
    assignment.reveal = Assignment.Reveal.AFTER_DUE
    assignment.due_at = later + timedelta(days=1)
    assignment.save()
    assert "EXPLAIN-2" not in same(alice, results_url(attempt), now=later)


def test_what_an_assignment_withholds_from_practice_shows_at_once(alice, learner, quizset, classroom, teacher):
    attempt = start(learner, quizset)  # practice, before the set is assigned
    answer(attempt, 1)
    assert "EXPLAIN-1" in same(alice, question_url(attempt, 1))
    assert 'name="choice"' in same(alice, question_url(attempt, 2))
    assignment = assign(classroom, quizset, reveal=Assignment.Reveal.AFTER_DUE, due_at=NOW + timedelta(hours=1))
    html = same(alice, question_url(attempt, 1))
    assert HIDDEN in html and "EXPLAIN-1" not in html
    assert 'name="choice"' in same(alice, question_url(attempt, 2))  # a question not answered shows nothing held
    for position in (2, 3):
        answer(attempt, position, right=False)
    html = same(alice, results_url(attempt))
    assert "its answers are shown after" in html and "EXPLAIN-2" not in html and "Retake the 2 missed" not in html
    at = NOW + timedelta(hours=1)  # the due date: no longer held
    assert "EXPLAIN-1" in same(alice, question_url(attempt, 1), now=at)
    assert "Retake the 2 missed questions" in same(alice, results_url(attempt), now=at)
    assignment.due_at = NOW + timedelta(hours=3)
    assignment.save()
    assert "EXPLAIN-2" not in same(alice, results_url(attempt), now=at)
    assert HIDDEN in same(alice, question_url(attempt, 3), now=at)
    Enrollment.objects.filter(learner=learner).delete()  # they leave the class: nothing held from them
    assert "EXPLAIN-2" in same(alice, results_url(attempt), now=at)
    assert "EXPLAIN-3" in same(alice, question_url(attempt, 3), now=at)


# --- the bank, the language, the learner ---------------------------------------------------------


def test_an_edit_of_the_bank_shows_at_once(alice, learner, quizset):
    attempt = start(learner, quizset)
    answer(attempt, 1)
    same(alice, question_url(attempt, 2))
    question = Question.objects.get(pk=attempt.question_ids[1])
    question.prompt = "A REWORDED PROMPT?"
    question.save()
    assert "A REWORDED PROMPT?" in same(alice, question_url(attempt, 2))
    choice = question.choices.get(is_correct=False)
    choice.text = "A RENAMED CHOICE"
    choice.save()
    assert "A RENAMED CHOICE" in same(alice, question_url(attempt, 2))
    quizset.title = "A RENAMED SET"
    quizset.save()
    assert "A RENAMED SET" in same(alice, question_url(attempt, 1))
    for position in (2, 3):
        answer(attempt, position)
    assert "A REWORDED PROMPT?" in same(alice, results_url(attempt))
    first = Question.objects.get(pk=attempt.question_ids[0])
    first.explanation = "A NEW EXPLANATION"
    first.save()
    assert "A NEW EXPLANATION" in same(alice, results_url(attempt))


def test_an_edit_of_a_teachers_own_question_shows_at_once(alice, learner, classroom, teacher):
    own = factory.make_question("kq-own", owner=teacher, prompt="OWN PROMPT?", explanation="OWN-EXPLAIN")
    mine = factory.make_quizset("own-set", [own], title="Own set", owner=teacher)
    assignment = assign(classroom, mine, reveal=Assignment.Reveal.IMMEDIATELY)
    attempt = start(learner, mine, assignment=assignment)
    assert "OWN PROMPT?" in same(alice, question_url(attempt, 1))
    own.prompt = "OWN PROMPT, REWORDED?"
    own.save()
    assert "OWN PROMPT, REWORDED?" in same(alice, question_url(attempt, 1))
    answer(attempt, 1)
    assert "OWN-EXPLAIN" in same(alice, results_url(attempt))
    choice = own.choices.get(is_correct=True)
    choice.text = "A TEACHERS RENAMED CHOICE"
    choice.save()
    assert "A TEACHERS RENAMED CHOICE" in same(alice, results_url(attempt))
    assert "A TEACHERS RENAMED CHOICE" in same(alice, question_url(attempt, 1))


def test_the_language_shows_at_once(alice, learner, quizset):
    attempt = start(learner, quizset)
    french = same(alice, question_url(attempt, 1), headers={"Accept-Language": "fr"})
    assert "Question 1 sur 3" in french
    assert "Question 1 of 3" in same(alice, question_url(attempt, 1))
    for position in (1, 2, 3):
        answer(attempt, position)
    assert "Résultats" in same(alice, results_url(attempt), headers={"Accept-Language": "fr"})
    assert "Résultats" not in same(alice, results_url(attempt))


def test_a_new_username_shows_at_once(alice, learner, quizset):
    attempt = start(learner, quizset)
    same(alice, question_url(attempt, 1))
    learner.username = "alice-renamed"
    learner.save()
    assert "alice-renamed" in same(alice, question_url(attempt, 1))


# --- what is not kept -------------------------------------------------------------------------


def test_an_htmx_question_is_rendered_not_kept(alice, learner, quizset):
    """htmx asks for the next question once, then posts its answer: kept, it would only cost the cut and the store."""
    attempt = start(learner, quizset)
    answer(attempt, 1)
    whole = same(alice, question_url(attempt, 2))
    assert "<html" in whole
    partial = same(alice, question_url(attempt, 2), headers=HX)
    assert "<html" not in partial and 'id="quiz"' in partial and "<title>" in partial
    with mock.patch.object(kept_pages, "question_page", wraps=kept_pages.question_page) as kept:
        page(alice, question_url(attempt, 2), headers=HX)
        assert not kept.called
        assert content(page(alice, question_url(attempt, 2))) == content(whole)
        assert kept.called


def test_a_message_is_shown_once(alice, learner, quizset):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    attempt = start(learner, quizset)
    same(alice, question_url(attempt, 1))
    storage = CookieStorage(mock.Mock(COOKIES={}))
    alice.cookies["messages"] = storage._encode([Message(constants.WARNING, "A FRESH MESSAGE")])
    assert "A FRESH MESSAGE" in page(alice, question_url(attempt, 1))
    assert "A FRESH MESSAGE" not in same(alice, question_url(attempt, 1))


def test_a_revealed_flashcard_is_not_kept_as_the_page(alice, learner):
    card = factory.make_question("kq-card", kind="flashcard", choices=[], prompt="FRONT", back="BACK-OF-CARD")
    attempt = start(learner, factory.make_quizset("cards", [card]))
    assert "BACK-OF-CARD" not in same(alice, question_url(attempt, 1))
    assert "BACK-OF-CARD" in page(alice, question_url(attempt, 1) + "?reveal=1")
    assert "BACK-OF-CARD" not in page(alice, question_url(attempt, 1))


def test_the_pages_are_never_stored_rendered_or_kept(alice, learner, quizset):
    attempt = start(learner, quizset)
    finished = start(learner, quizset)
    for position in (1, 2, 3):
        answer(finished, position)
    for url in (question_url(attempt, 1), results_url(finished)):
        for response in (get(alice, url), get(alice, url)):  # rendered, then kept
            cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
            assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control, url
            assert response["Expires"]
