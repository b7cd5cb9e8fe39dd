"""/healthz, for the proxy's health check on each node: 200 when the database and the cache answer, 503
when not, and nothing else said (it is public)."""

from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_a_node_that_reaches_its_database_is_healthy(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.content == b"ok\n"
    assert "no-cache" in r["Cache-Control"]  # a proxy must never answer for the node
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_node_that_cannot_reach_its_database_answers_503_and_logs_why(client, caplog):
    with mock.patch("quizzes.views.connection.cursor", side_effect=OperationalError("connection refused")):
        r = client.get("/healthz")
    assert r.status_code == 503 and r.content == b"unavailable\n"
    assert "connection refused" in caplog.text


@pytest.mark.django_db
def test_a_node_whose_cache_is_gone_answers_503(client):
    with mock.patch("quizzes.views.cache.get", side_effect=ConnectionError("redis down")):
        assert client.get("/healthz").status_code == 503
