"""A forged login is a failed login, not a database error (found by the route sweep on PostgreSQL:
axes stored the attempted username in a 255-character column)."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_5000_character_username_is_a_failed_login(learner):
    r = Client().post("/accounts/login/", {"username": "9" * 5000, "password": "whatever-it-is"})
    assert r.status_code == 200
    assert r.context["form"].errors
