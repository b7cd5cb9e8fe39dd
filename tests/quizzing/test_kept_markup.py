"""The question page keeps the markup that is the same for everyone at the same point of the same set ({% memo %}:
the set's name, the question's number, the progress, fixed texts): each learner still sees their own attempt's
links, progress, time left and messages, in their language, and a renamed set at once."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.quizzing.flow import record_answer, start_attempt
from quizzes.quizzing.models import Attempt
from tests import factory

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def page(client, attempt: Attempt, position: int, **headers) -> str:
    response = client.get(f"/attempts/{attempt.pk}/{position}/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def progress(html: str) -> str:
    return re.search(r'<progress id="progress" max="(\d+)" value="(\d+)"', html).groups()


def answer_first(attempt: Attempt) -> None:
    question = Question.objects.get(pk=attempt.question_ids[0])
    choice = question.choices.filter(is_correct=True).first()
    record_answer(attempt, 1, question, {"choices": [choice.pk]} if choice else {"text": "AAV"})


def test_each_learner_sees_their_own_attempt_and_progress(client, learner, bank):
    bob = factory.make_user("bob", factory.Role.LEARNER)
    mine, his = start_attempt(learner, bank), start_attempt(bob, bank)
    client.force_login(learner)
    other = Client()
    other.force_login(bob)
    answer_first(his)

    html = page(client, mine, 1)
    assert progress(html) == ("2", "0") and "Question 1 of 2" in html
    assert f'action="/attempts/{mine.pk}/1/"' in html and f'href="/attempts/{mine.pk}/finish/"' in html

    html = page(other, his, 2)
    assert progress(html) == ("2", "1") and "Question 2 of 2" in html and "<title>Question 2 of 2 · Basics" in html
    assert f'action="/attempts/{his.pk}/2/"' in html and f'href="/attempts/{his.pk}/finish/"' in html
    assert f"/attempts/{mine.pk}/" not in html

    html = page(client, mine, 1)  # again, after bob's page: nothing of his
    assert progress(html) == ("2", "0") and f"/attempts/{his.pk}/" not in html


def test_the_language_a_renamed_set_and_a_retake_show_at_once(client, learner, bank):
    attempt = start_attempt(learner, bank)
    client.force_login(learner)
    assert "Question 1 of 2" in page(client, attempt, 1)
    html = page(client, attempt, 1, **FR)
    assert "Question 1 sur 2" in html and "Touches" in html and "Question 1 of 2" not in html
    bank.title = "Basics, renamed"
    bank.save()
    html = page(client, attempt, 1)
    assert ">Basics, renamed</a>" in html and "Question 1 of 2 · Basics, renamed" in html
    assert "missed questions" not in html
    retake = Attempt.objects.create(user=learner, quizset=bank, retake_of=attempt, question_ids=attempt.question_ids)
    assert "missed questions" in page(client, retake, 1)
    assert "missed questions" not in page(client, attempt, 1)


def test_the_time_left_is_the_request_s_own(client, learner, bank):
    attempt = start_attempt(learner, bank)
    client.force_login(learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=100))
    left = re.search(r'data-seconds-left="(\d+)"', page(client, attempt, 1)).group(1)
    assert 95 <= int(left) <= 100
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=500))
    left = re.search(r'data-seconds-left="(\d+)"', page(client, attempt, 1)).group(1)
    assert 495 <= int(left) <= 500
