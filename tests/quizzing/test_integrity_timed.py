"""Trust: when a timed quiz's time is up, the attempt is closed with what was answered and the page says
so (no form left open that then refuses the answer); "Finish now" asks once for confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Question, Response
from tests import factory

HX = {"HX-Request": "true"}
TIME_UP = "Time is up"


@pytest.fixture
def timed(db):
    q1 = factory.make_question("q-1", explanation="EXPLAIN-ONE")
    q2 = factory.make_question("q-2", kind="short", choices=[], accepted_answers="AAV", prompt="Name the vector")
    return factory.make_quizset("timed", [q1, q2], title="Timed", time_limit=timedelta(minutes=5))


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def start(client) -> Attempt:
    client.post("/sets/timed/start/")
    return Attempt.objects.get()


def right_choice() -> int:
    return Question.objects.get(external_id="q-1").choices.get(is_correct=True).pk


def time_runs_out(attempt: Attempt, ago: timedelta) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=5) - ago, deadline=timezone.now() - ago
    )


class TestTimeUp:
    @pytest.mark.parametrize("url", ["/attempts/{pk}/", "/attempts/{pk}/1/", "/attempts/{pk}/2/"])
    def test_the_next_page_after_the_deadline_closes_the_attempt_and_says_so(self, alice, timed, url):
        attempt = start(alice)
        alice.post(f"/attempts/{attempt.pk}/1/", {"choice": right_choice()})
        time_runs_out(attempt, timedelta(minutes=1))
        r = alice.get(url.format(pk=attempt.pk), follow=True)
        html = r.content.decode()
        assert r.redirect_chain[-1][0] == f"/attempts/{attempt.pk}/results/"
        assert TIME_UP in html and 'name="answer"' not in html
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == 0.5
        assert attempt.finished_at == attempt.deadline

    def test_an_htmx_request_after_the_deadline_sends_the_whole_page_to_the_results(self, alice, timed):
        attempt = start(alice)
        time_runs_out(attempt, timedelta(minutes=1))
        r = alice.get(f"/attempts/{attempt.pk}/1/", headers=HX)
        assert r["HX-Redirect"] == f"/attempts/{attempt.pk}/results/"
        attempt.refresh_from_db()
        assert attempt.is_finished

    def test_the_answer_the_page_submits_when_time_is_up_is_recorded(self, alice, timed):
        """The page's countdown submits the answer in hand at zero (flagged `timeup`): it arrives a
        moment after the deadline and still counts."""
        attempt = start(alice)
        time_runs_out(attempt, timedelta(seconds=2))
        r = alice.post(f"/attempts/{attempt.pk}/1/", {"choice": right_choice(), "timeup": "1"}, follow=True)
        assert Response.objects.filter(attempt=attempt).count() == 1
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == 0.5
        assert r.redirect_chain[-1][0] == f"/attempts/{attempt.pk}/results/"
        assert "Time is up: your answers were submitted." in r.content.decode()

    def test_a_late_answer_long_after_the_deadline_is_still_refused(self, alice, timed):
        attempt = start(alice)
        time_runs_out(attempt, timedelta(minutes=1))
        alice.post(f"/attempts/{attempt.pk}/1/", {"choice": right_choice(), "timeup": "1"})
        assert not Response.objects.exists()

    def test_the_page_tells_when_time_runs_out_and_what_happens(self, alice, timed):
        attempt = start(alice)
        html = alice.get(f"/attempts/{attempt.pk}/1/").content.decode()
        assert "data-seconds-left" in html
        assert "When time is up, your answers are submitted." in html


class TestFinishNow:
    def test_finish_now_asks_for_confirmation_without_javascript(self, alice, timed):
        attempt = start(alice)
        alice.post(f"/attempts/{attempt.pk}/1/", {"choice": right_choice()})
        page = alice.get(f"/attempts/{attempt.pk}/2/").content.decode()
        assert f'href="/attempts/{attempt.pk}/finish/"' in page, "a link to the confirmation step"
        assert "hx-confirm=" in page, "with JavaScript, one confirmation dialog"
        confirm = alice.get(f"/attempts/{attempt.pk}/finish/")
        html = confirm.content.decode()
        assert confirm.status_code == 200 and "1 question is not answered" in html
        assert f'action="/attempts/{attempt.pk}/finish/"' in html and 'method="post"' in html
        attempt.refresh_from_db()
        assert not attempt.is_finished, "asking is not finishing"
        r = alice.post(f"/attempts/{attempt.pk}/finish/")
        assert r.url == f"/attempts/{attempt.pk}/results/"
        attempt.refresh_from_db()
        assert attempt.is_finished

    def test_the_confirmation_of_a_finished_attempt_goes_to_its_results(self, alice, timed):
        attempt = start(alice)
        alice.post(f"/attempts/{attempt.pk}/finish/")
        assert alice.get(f"/attempts/{attempt.pk}/finish/").url == f"/attempts/{attempt.pk}/results/"
