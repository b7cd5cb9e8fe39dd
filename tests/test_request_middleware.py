"""What the app does to every request, whatever the page: a refused page is logged (never its query string), a
missing slash is redirected, the host is checked, a body past the limits goes back with a message, the response
says its length and may not be framed."""

import logging

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "quizzes.refused"]


def test_a_page_not_found_is_logged_with_the_user_the_method_and_the_path_but_not_the_query(learner_client, caplog):
    caplog.set_level(logging.INFO, logger="quizzes.refused")
    response = learner_client.get("/no-such-page/?token=secret-value")
    assert response.status_code == 404
    assert refusals(caplog) == ["404 GET /no-such-page/ user=alice ip=127.0.0.1"]


def test_an_anonymous_refusal_is_logged_as_anonymous(client, db, caplog):
    caplog.set_level(logging.INFO, logger="quizzes.refused")
    client.get("/no-such-page/")
    assert refusals(caplog) == ["404 GET /no-such-page/ user=anonymous ip=127.0.0.1"]


def test_a_post_refused_by_the_csrf_check_is_logged(learner, caplog):
    caplog.set_level(logging.INFO, logger="quizzes.refused")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(reverse("quizzes:undo"))
    assert response.status_code == 403
    assert refusals(caplog) == [f"403 POST {reverse('quizzes:undo')} user=alice ip=127.0.0.1"]


def test_an_ordinary_page_is_not_logged(learner_client, caplog):
    caplog.set_level(logging.INFO, logger="quizzes.refused")
    assert learner_client.get(reverse("quizzes:review")).status_code == 200
    assert refusals(caplog) == []


def test_a_missing_slash_is_redirected_with_the_query_kept(learner_client, caplog):
    caplog.set_level(logging.INFO, logger="quizzes.refused")
    response = learner_client.get("/review?deck=1")
    assert response.status_code == 301
    assert response["Location"] == "/review/?deck=1"
    assert refusals(caplog) == []


def test_a_missing_slash_on_an_unknown_path_is_a_logged_404(learner_client, caplog):
    caplog.set_level(logging.INFO, logger="quizzes.refused")
    assert learner_client.get("/no-such-page").status_code == 404
    assert refusals(caplog) == ["404 GET /no-such-page user=alice ip=127.0.0.1"]


def test_an_unknown_host_is_refused(client, db, settings):
    settings.ALLOWED_HOSTS = ["learnapp.example"]
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/", HTTP_HOST="learnapp.example").status_code in (200, 302)


def test_a_page_says_its_length_and_may_not_be_framed(learner_client):
    response = learner_client.get(reverse("quizzes:review"))
    assert response["Content-Length"] == str(len(response.content))
    assert response["X-Frame-Options"] == "DENY"


def test_a_post_past_the_size_limit_goes_back_with_a_message_and_no_view_runs(learner_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    back = reverse("quizzes:review")
    response = learner_client.post(
        reverse("quizzes:undo"), {"text": "x" * 2_000}, HTTP_REFERER=f"http://testserver{back}"
    )
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{back}"
    page = learner_client.get(back)
    assert "larger than" in page.content.decode()
    assert "Nothing to undo" not in page.content.decode()


def test_a_post_with_too_many_fields_goes_back_with_a_message(learner_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = learner_client.post(reverse("quizzes:undo"), {f"f{i}": "x" for i in range(10)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("quizzes:undo")
    assert "too many fields" in learner_client.get(reverse("quizzes:review")).content.decode()


def test_a_refused_user_agent_is_a_logged_403(client, db, settings, caplog):
    import re

    caplog.set_level(logging.INFO, logger="quizzes.refused")
    settings.DISALLOWED_USER_AGENTS = [re.compile("BadBot")]
    assert client.get("/", HTTP_USER_AGENT="BadBot/1.0").status_code == 403
    assert refusals(caplog) == ["403 GET / user=anonymous ip=127.0.0.1"]
