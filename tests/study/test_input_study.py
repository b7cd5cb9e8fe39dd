"""HEAD works wherever GET does (uptime checks); the learner's log is never cached by a shared
proxy; a review-log error that echoes the file is cut short; a question page reads `?page` safely."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Card
from tests import factory


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/review/", "/progress/", "/study/settings/", "/study/log.csv", "/join/"])
def test_head_answers_like_get(alice, path):
    get = alice.get(path)
    head = alice.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""


@pytest.mark.django_db
def test_head_on_public_pages_for_anonymous_uptime_checks(client):
    factory.make_quizset("set-1", [factory.make_question()])
    for path in ("/", "/sets/set-1/", "/sources/intro/", "/accounts/login/", "/favicon.ico"):
        assert client.head(path).status_code == client.get(path).status_code, path


@pytest.mark.django_db
def test_the_review_log_is_private_and_not_stored(alice, learner):
    Card.objects.create(user=learner, question=factory.make_question())
    r = alice.get("/study/log.csv")
    cache = {part.strip() for part in r["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache


@pytest.mark.django_db
def test_a_review_log_with_a_huge_header_gives_a_short_message(alice):
    header = ",".join(f"column-{i}-" + "x" * 200 for i in range(200))
    upload = SimpleUploadedFile("log.csv", (header + "\n1,2,3\n").encode(), "text/csv")
    r = alice.post("/study/log/import/", {"file": upload}, follow=True)
    messages = [str(m) for m in r.context["messages"]]
    assert any("missing column" in m for m in messages), messages
    assert all(len(m) < 600 for m in messages), [len(m) for m in messages]


@pytest.mark.django_db
def test_a_review_log_with_a_huge_number_gives_a_short_message(alice):
    text = "card_id,review_time,review_rating\n" + "9" * 4000 + ",1735732800000,3\n"
    upload = SimpleUploadedFile("log.csv", text.encode(), "text/csv")
    r = alice.post("/study/log/import/", {"file": upload}, follow=True)
    messages = [str(m) for m in r.context["messages"]]
    assert any("card_id" in m for m in messages), messages
    assert all(len(m) < 600 for m in messages), [len(m) for m in messages]
