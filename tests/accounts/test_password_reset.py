"""Password reset by email: Django's views, our templates, the mail in the user's language."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from quizzes.study.models import StudySettings
from tests import factory


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


@pytest.mark.django_db
class TestPasswordReset:
    def test_the_login_page_offers_it(self, client):
        assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()

    def test_a_learner_resets_their_password_from_the_mail(self, client):
        factory.make_user("bea", factory.Role.LEARNER, email="bea@example.org")
        r = client.post("/accounts/password_reset/", {"email": "BEA@example.org"}, follow=True)
        assert "Check your mail" in r.content.decode()
        (message,) = mail.outbox
        assert message.to == ["bea@example.org"]
        assert message.subject == "Reset your learnapp password"
        assert message.alternatives[0][1] == "text/html"
        r = client.get(link_in(message), follow=True)
        assert "Choose a new password" in r.content.decode()
        r = client.post(
            r.redirect_chain[-1][0],
            {"new_password1": "a brand new secret", "new_password2": "a brand new secret"},
            follow=True,
        )
        assert "Your new password is set." in r.content.decode()
        assert User.objects.get(username="bea").check_password("a brand new secret")
        # The link works once.
        assert "This link does not work any more" in client.get(link_in(message), follow=True).content.decode()

    def test_the_mail_is_in_the_users_language_whatever_the_page(self, client):
        user = factory.make_user("ines", factory.Role.LEARNER, email="ines@example.org")
        StudySettings.objects.create(user=user, language="fr")
        client.post("/accounts/password_reset/", {"email": "ines@example.org"})
        (message,) = mail.outbox
        assert message.subject == "Réinitialisez votre mot de passe learnapp"
        assert "Bonjour ines," in message.body

    def test_the_pages_are_translated(self, client):
        r = client.get("/accounts/password_reset/", HTTP_ACCEPT_LANGUAGE="fr")
        assert "Mot de passe oublié" in r.content.decode()

    def test_an_unknown_address_says_the_same_and_sends_nothing(self, client):
        r = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)
        assert "Check your mail" in r.content.decode()
        assert mail.outbox == []
