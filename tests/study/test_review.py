"""The review page: front, answer or reveal, rate with previews, undo, bury, suspend; with and without htmx."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog, Study, StudySettings
from tests import factory

HX = {"HX-Request": "true"}


@pytest.fixture
def studies(learner):
    flash = factory.make_question(
        "flash", kind="flashcard", choices=[], prompt="FRONT", back="BACK-SIDE", explanation="EXPLAIN-FLASH"
    )
    choice = factory.make_question("choice", explanation="EXPLAIN-CHOICE")
    quizset = factory.make_quizset("set", [flash, choice])
    scheduling.add_study(learner, quizset=quizset)
    return flash, choice


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def rating_form(html: str) -> dict:
    return {
        "token": re.search(r'name="token" value="([^"]+)"', html).group(1),
        "version": re.search(r'name="version" value="([^"]+)"', html).group(1),
        "shown_at": re.search(r'name="shown_at" value="([^"]+)"', html).group(1),
    }


class TestReviewFlow:
    def test_a_flashcard_front_then_back_then_rating_with_previews(self, alice, studies):
        html = alice.get("/review/").content.decode()
        assert "FRONT" in html and "2 new" in html
        assert "BACK-SIDE" not in html and "EXPLAIN-FLASH" not in html
        card = Card.objects.get(question__external_id="flash")
        back = alice.get(f"/review/{card.pk}/reveal/", headers=HX).content.decode()
        assert "<html" not in back and "BACK-SIDE" in back and "EXPLAIN-FLASH" in back
        intervals = re.findall(r'<span class="interval">([^<]+)</span>', back)
        # fsrs's defaults for a new card: the learning steps, and Easy graduates at S = w3 = 8.3 days (fuzzed ±2).
        assert intervals[:3] == ["1 min", "6 min", "10 min"]
        assert intervals[3] in {"6 d", "7 d", "8 d", "9 d", "10 d"}
        r = alice.post(f"/review/{card.pk}/rate/", {"rating": 4, **rating_form(back)}, headers=HX)
        html = r.content.decode()
        assert f"Next review of that card in {intervals[3]}." in html, "the preview is what the rating did"
        assert "Are AAV vectors integrative?" in html, "the next card is swapped in"
        card.refresh_from_db()
        assert card.reps == 1 and card.state == Card.State.REVIEW

    def test_an_objective_question_is_answered_graded_then_a_rating_suggested(self, alice, studies):
        flash = Card.objects.get(question__external_id="flash")
        scheduling.bury(flash, StudySettings.for_user(flash.user), timezone.now())
        html = alice.get("/review/").content.decode()
        assert "Are AAV vectors integrative?" in html and "EXPLAIN-CHOICE" not in html
        card = Card.objects.get(question__external_id="choice")
        wrong = card.question.choices.get(is_correct=False)
        r = alice.post(f"/review/{card.pk}/answer/", {"choice": wrong.pk, "shown_at": "0"}, headers=HX)
        html = r.content.decode()
        assert "Not quite" in html and "EXPLAIN-CHOICE" in html and "blockquote" in html
        assert re.search(r'class="rating rating-1 suggested"', html), "wrong → Again is suggested"
        r = alice.post(
            f"/review/{card.pk}/rate/",
            {"rating": 3, "answer": re.search(r'name="answer" value="([^"]+)"', html).group(1), **rating_form(html)},
        )
        assert r.status_code == 302 and r.url == "/review/"
        log = ReviewLog.objects.get()
        assert log.rating == 3, "the learner may change the suggested rating"
        assert log.answer == {"given": {"choices": [wrong.pk]}, "correct": False}
        assert log.duration_ms is not None

    def test_without_javascript_the_rating_redirects_to_the_next_card(self, alice, studies):
        card = Card.objects.get(question__external_id="flash")
        back = alice.get(f"/review/{card.pk}/reveal/").content.decode()
        assert "<html" in back
        r = alice.post(f"/review/{card.pk}/rate/", {"rating": 3, **rating_form(back)}, follow=True)
        assert r.redirect_chain == [("/review/", 302)]
        assert r.content.decode().count("Next review of that card in 10 min.") == 1, "shown once, not twice"

    def test_a_double_submission_counts_once(self, alice, studies):
        card = Card.objects.get(question__external_id="flash")
        form = {"rating": 3, **rating_form(alice.get(f"/review/{card.pk}/reveal/").content.decode())}
        first = alice.post(f"/review/{card.pk}/rate/", form, headers=HX)
        second = alice.post(f"/review/{card.pk}/rate/", form, headers=HX)
        assert first.status_code == second.status_code == 200
        assert ReviewLog.objects.count() == 1 and Card.objects.get(pk=card.pk).reps == 1

    def test_a_stale_tab_gets_409_and_a_message(self, alice, studies):
        card = Card.objects.get(question__external_id="flash")
        tab1 = rating_form(alice.get(f"/review/{card.pk}/reveal/").content.decode())
        tab2 = rating_form(alice.get(f"/review/{card.pk}/reveal/").content.decode())
        alice.post(f"/review/{card.pk}/rate/", {"rating": 3, **tab1}, headers=HX)
        r = alice.post(f"/review/{card.pk}/rate/", {"rating": 1, **tab2}, headers=HX)
        assert r.status_code == 409
        assert "This card was already reviewed, perhaps in another tab." in r.content.decode()
        assert ReviewLog.objects.count() == 1

    def test_a_bad_rating_is_refused_clearly(self, alice, studies):
        card = Card.objects.get(question__external_id="flash")
        r = alice.post(f"/review/{card.pk}/rate/", {"rating": 9, "token": "x", "version": "0"}, headers=HX)
        assert r.status_code == 400 and "That rating could not be read" in r.content.decode()
        assert not ReviewLog.objects.exists()

    def test_undo_puts_the_card_back(self, alice, studies):
        card = Card.objects.get(question__external_id="flash")
        form = rating_form(alice.get(f"/review/{card.pk}/reveal/").content.decode())
        alice.post(f"/review/{card.pk}/rate/", {"rating": 3, **form})
        assert "Undo last rating" in alice.get("/review/").content.decode()
        r = alice.post("/review/undo/", follow=True)
        assert "The last rating was undone." in r.content.decode()
        assert Card.objects.get(pk=card.pk).reps == 0 and not ReviewLog.objects.exists()

    def test_the_kept_counts_title_and_forms_follow_the_numbers_the_language_and_the_card(self, alice, studies):
        # The counts, the title and the fixed forms are kept per language and number (templates/study/review.html):
        # each page still shows its own numbers, in its own language, with its own card and CSRF token.
        flash, choice = studies
        html = alice.get("/review/", headers=HX).content.decode()
        assert "<title>2 cards left · Review · learnapp</title>" in html
        assert ">2 new</span>" in html and ">0 learning</span>" in html and ">0 to review</span>" in html
        card = Card.objects.get(question=flash)
        back = alice.get(f"/review/{card.pk}/reveal/", headers=HX).content.decode()
        html = alice.post(f"/review/{card.pk}/rate/", {"rating": 1, **rating_form(back)}, headers=HX).content.decode()
        assert "<title>2 cards left · Review · learnapp</title>" in html
        assert ">1 new</span>" in html and ">1 learning</span>" in html
        other = Card.objects.get(question=choice)
        assert f'action="/review/{other.pk}/bury/"' in html and f'action="/review/{other.pk}/suspend/"' in html
        assert 'action="/review/undo/"' in html and "Undo last rating" in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert html.count(f'name="csrfmiddlewaretoken" value="{token}"') == 4, "every form has this response's token"
        fr = alice.get("/review/", headers={**HX, "Accept-Language": "fr"}).content.decode()
        assert ">1 à découvrir</span>" in fr and ">0 à réviser</span>" in fr and "1 new" not in fr
        assert "Undo last rating" not in fr and 'action="/review/undo/"' in fr

    def test_suspend_and_bury_take_a_card_out_of_today(self, alice, studies):
        flash, choice = (Card.objects.get(question__external_id=k) for k in ("flash", "choice"))
        alice.post(f"/review/{flash.pk}/suspend/")
        alice.post(f"/review/{choice.pk}/bury/")
        html = alice.get("/review/").content.decode()
        assert "You are done for now." in html
        alice.post(f"/review/{flash.pk}/suspend/", {"suspended": "0"})
        assert "FRONT" in alice.get("/review/").content.decode()

    def test_adding_a_set_or_a_source_to_studies(self, alice, learner, studies):
        other = factory.make_quizset("other", [factory.make_question("q-new")])
        r = alice.post("/sets/other/study/", follow=True)
        assert "Added to your studies: 1 new cards." in r.content.decode()
        assert "In your studies" in r.content.decode()
        alice.post("/sources/intro/study/")
        assert Study.objects.filter(user=learner).count() == 3
        assert Card.objects.filter(user=learner).count() == 3
        assert other.pk


class TestPrivacy:
    def test_another_learners_card_is_404_everywhere(self, learner, studies):
        bob = Client()
        bob.force_login(factory.make_user("bob", factory.Role.LEARNER))
        card = Card.objects.get(question__external_id="flash")
        for method, url in [
            ("get", f"/review/{card.pk}/reveal/"),
            ("post", f"/review/{card.pk}/answer/"),
            ("post", f"/review/{card.pk}/rate/"),
            ("post", f"/review/{card.pk}/bury/"),
            ("post", f"/review/{card.pk}/suspend/"),
        ]:
            for headers in ({}, HX):
                data = {"rating": 3, "token": "00000000-0000-0000-0000-000000000000", "version": 0}
                assert getattr(bob, method)(url, data, headers=headers).status_code == 404, (url, headers)
        card.refresh_from_db()
        assert card.reps == 0 and not card.suspended and card.buried_until is None

    def test_ratings_need_login_and_csrf(self, learner, studies):
        card = Card.objects.get(question__external_id="flash")
        assert Client().get("/review/").status_code == 302
        client = Client(enforce_csrf_checks=True)
        client.force_login(learner)
        back = client.get(f"/review/{card.pk}/reveal/").content.decode()
        r = client.post(f"/review/{card.pk}/rate/", {"rating": 3, **rating_form(back)}, headers=HX)
        assert r.status_code == 403 and not ReviewLog.objects.exists()
        assert client.get(f"/review/{card.pk}/rate/").status_code == 405

    def test_a_valid_token_from_another_origin_is_refused(self, learner, studies):
        """RELIABILITY B13: the header token taken from the page passes, the same request sent from another site's
        page (its Origin header) does not."""
        card = Card.objects.get(question__external_id="flash")
        client = Client(enforce_csrf_checks=True)
        client.force_login(learner)
        page = client.get("/review/").content.decode()
        token = page.split('hx-headers=\'{"x-csrftoken": "', 1)[1].split('"', 1)[0]
        back = client.get(f"/review/{card.pk}/reveal/").content.decode()
        data = {"rating": 3, **rating_form(back)}
        evil = client.post(
            f"/review/{card.pk}/rate/", data, headers={**HX, "X-CSRFToken": token, "Origin": "https://evil.example"}
        )
        assert evil.status_code == 403 and not ReviewLog.objects.exists()
        ok = client.post(f"/review/{card.pk}/rate/", data, headers={**HX, "X-CSRFToken": token})
        assert ok.status_code == 200 and ReviewLog.objects.count() == 1
