"""Changing one's email: a link mailed to the new address confirms it."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from tests import factory


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/email/\S+/)", message.body).group(1)


@pytest.mark.django_db
class TestEmailChange:
    def test_the_new_address_confirms_it(self, alice, learner):
        r = alice.post("/accounts/email/", {"email": "alice@new.org", "password": "a-long-test-password"}, follow=True)
        assert "We sent a link to alice@new.org" in r.content.decode()
        (message,) = mail.outbox
        assert message.to == ["alice@new.org"]
        assert User.objects.get(pk=learner.pk).email == ""  # not before the link is opened
        assert "Use alice@new.org for your account" in alice.get(link_in(message)).content.decode()
        assert User.objects.get(pk=learner.pk).email == ""  # a GET (a mail scanner) changes nothing
        alice.post(link_in(message))
        assert User.objects.get(pk=learner.pk).email == "alice@new.org"

    def test_the_password_is_asked(self, alice):
        r = alice.post("/accounts/email/", {"email": "alice@new.org", "password": "nope"})
        assert "This is not your password." in r.content.decode() and mail.outbox == []

    def test_an_address_in_use_is_refused(self, alice):
        factory.make_user("zed", email="zed@example.org")
        r = alice.post("/accounts/email/", {"email": "ZED@example.org", "password": "a-long-test-password"})
        assert "Another account uses this email address." in r.content.decode()

    def test_someone_elses_link_does_nothing(self, alice, client, learner):
        alice.post("/accounts/email/", {"email": "alice@new.org", "password": "a-long-test-password"})
        other = factory.make_user("mallory")
        client.force_login(other)
        r = client.post(link_in(mail.outbox[0]))
        assert r.status_code == 410
        assert User.objects.get(pk=other.pk).email == ""
