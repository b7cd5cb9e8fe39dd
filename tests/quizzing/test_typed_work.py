"""Nothing lost while taking a quiz: a refused answer keeps what was typed and names what is missing;
"I don't know" is offered on every question and counts as a wrong answer (grade and scheduler)."""

import re

import pytest

from quizzes.models import Attempt, Card, Question, ReviewLog
from tests import factory
from tests.markup import input_tag

HX = {"HX-Request": "true"}
CLOZE = "Gene therapy introduces [[genetic material]] into [[cells]] to treat a disease."


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def quiz_of(*questions) -> None:
    factory.make_quizset("trust", list(questions), title="Trust")


def start(client) -> Attempt:
    client.post("/sets/trust/start/")
    return Attempt.objects.latest("started_at")


def cloze_question():
    return factory.make_question(
        "cloze",
        kind="cloze",
        choices=[],
        prompt=CLOZE,
        explanation="EXPLAIN-CLOZE",
        passage="Gene therapy consists of introducing genetic material into cells",
    )


def make_kind(kind: str) -> Question:
    if kind == "cloze":
        return cloze_question()
    extra = {}
    if kind == "short":
        extra = {"choices": [], "accepted_answers": "AAV"}
    elif kind == "flashcard":
        extra = {"choices": [], "back": "BACK-SIDE"}
    elif kind == "true_false":
        extra = {"choices": [("True", False), ("False", True)]}
    elif kind == "multiple":
        extra = {"choices": [("Non-integrative", True), ("Episomal", True), ("Integrative", False)]}
    return factory.make_question(f"q-{kind}", kind=kind, explanation=f"EXPLAIN-{kind.upper()}", **extra)


KINDS = ["single", "multiple", "true_false", "short", "cloze", "flashcard"]


class TestARefusedAnswerKeepsTypedWork:
    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_a_cloze_with_one_empty_blank_keeps_the_other_and_names_the_missing_one(self, alice, headers):
        quiz_of(cloze_question())
        attempt = start(alice)
        r = alice.post(f"/attempts/{attempt.pk}/1/", {"blank-0": "genetic material", "blank-1": ""}, headers=headers)
        html = r.content.decode()
        assert r.status_code == 200
        assert 'value="genetic material"' in input_tag(html, "blank-0"), "the typed blank is kept"
        assert 'value=""' in input_tag(html, "blank-1") or "value=" not in input_tag(html, "blank-1")
        alert = re.search(r'<p class="errorlist" role="alert"[^>]*>(.*?)</p>', html, re.S).group(1)
        assert "blank 2" in alert.lower(), f"the error names the missing blank: {alert!r}"
        assert "blank 1" not in alert.lower()
        assert 'aria-invalid="true"' in input_tag(html, "blank-1")
        assert '<span class="sr-only">Blank 2</span>' in html, "the error uses the blank's own name"
        assert not attempt.responses.exists()

    def test_a_too_long_short_answer_is_kept_with_its_error(self, alice):
        quiz_of(make_kind("short"))
        attempt = start(alice)
        typed = "adeno-associated " * 13  # 221 characters: more than the field takes
        r = alice.post(f"/attempts/{attempt.pk}/1/", {"answer": typed}, headers=HX)
        html = r.content.decode()
        assert f'value="{typed}"' in input_tag(html, "answer")
        assert "at most 200 characters" in html
        assert not attempt.responses.exists()

    @pytest.mark.parametrize("kind", ["single", "multiple", "true_false"])
    def test_a_choice_stays_picked_when_the_answer_is_refused(self, alice, kind):
        question = make_kind(kind)
        quiz_of(question)
        attempt = start(alice)
        good = question.choices.filter(is_correct=True).first().pk
        # A stale page: one of the posted choices no longer exists.
        r = alice.post(f"/attempts/{attempt.pk}/1/", {"choice": [good, 999999]})
        html = r.content.decode()
        assert r.status_code == 200 and not attempt.responses.exists()
        tag = re.search(rf'<input[^>]*value="{good}"[^>]*>', html).group(0)
        assert "checked" in tag, "the choice the learner picked is still picked"
        assert re.search(r'<p class="errorlist" role="alert"[^>]*>\s*\S', html)

    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    def test_a_flashcard_rated_without_saying_keeps_the_back_shown_and_says_why(self, alice, headers):
        quiz_of(make_kind("flashcard"))
        attempt = start(alice)
        r = alice.post(f"/attempts/{attempt.pk}/1/", {}, headers=headers)
        html = r.content.decode()
        assert "BACK-SIDE" in html, "the back stays shown"
        assert "Say whether you knew it." in html
        assert not attempt.responses.exists()

    @pytest.mark.parametrize("kind", ["single", "multiple", "true_false", "short", "cloze"])
    def test_an_empty_answer_says_what_is_missing(self, alice, kind):
        quiz_of(make_kind(kind))
        attempt = start(alice)
        r = alice.post(f"/attempts/{attempt.pk}/1/", {}, headers=HX)
        html = r.content.decode()
        assert re.search(r'<p class="errorlist" role="alert"[^>]*>\s*\S', html)
        assert "I don&#x27;t know" in html or "I don't know" in html, "the way out is offered with the error"
        assert not attempt.responses.exists()


class TestIDontKnow:
    @pytest.mark.parametrize("kind", KINDS)
    def test_every_answerable_question_offers_it(self, alice, kind):
        quiz_of(make_kind(kind))
        attempt = start(alice)
        html = alice.get(f"/attempts/{attempt.pk}/1/").content.decode()
        assert re.search(r'<button[^>]*name="dont_know"[^>]*>\s*I don(&#x27;|\')t know', html), html

    @pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
    @pytest.mark.parametrize("kind", KINDS)
    def test_it_counts_as_wrong_and_shows_the_feedback_and_passage(self, alice, kind, headers):
        quiz_of(make_kind(kind))
        attempt = start(alice)
        typed = {"blank-0": "genetic material"} if kind == "cloze" else {}
        r = alice.post(f"/attempts/{attempt.pk}/1/", {"dont_know": "1", **typed}, headers=headers, follow=True)
        html = r.content.decode()
        response = attempt.responses.get()
        assert response.score == 0 and response.is_correct is False
        assert response.answer.get("dont_know") is True
        assert f"EXPLAIN-{kind.upper()}" in html, "the explanation is shown, as for a wrong answer"
        assert "Not quite" in html
        assert '<blockquote class="passage"' in html, "the passage is shown"
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == 0

    def test_it_rates_the_card_again_when_the_question_is_studied(self, alice, learner):
        quiz_of(cloze_question())
        alice.post("/sets/trust/study/")
        attempt = start(alice)
        alice.post(f"/attempts/{attempt.pk}/1/", {"dont_know": "1"}, headers=HX)
        log = ReviewLog.objects.get(user=learner)
        assert log.rating == 1 and log.origin == ReviewLog.Origin.QUIZ
        assert Card.objects.get(user=learner).reps == 1
