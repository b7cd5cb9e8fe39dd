"""The new kinds and bilingual items in Django admin: editing a matching pair and a numeric answer with field
errors, and the action that links an English and a French question as one item (one schedule)."""

import pytest

from quizzes.models import Card, Question
from tests import factory
from tests.bank.test_admin import CHANGE_URL, question_form


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def with_pairs(question, **overrides):
    data = question_form(question, **overrides)
    for i, choice in enumerate(question.choices.all()):
        data.setdefault(f"choices-{i}-match", choice.match)
    return data


@pytest.mark.django_db
class TestEditing:
    def test_a_matching_pair_is_edited(self, admin_client):
        q = factory.make_matching()
        r = admin_client.post(CHANGE_URL.format(q.pk), with_pairs(q, **{"choices-1-match": "CAR receptor"}))
        assert r.status_code == 302
        assert q.choices.get(text="CAR").match == "CAR receptor"

    def test_a_pair_with_an_empty_side_is_refused(self, admin_client):
        q = factory.make_matching()
        r = admin_client.post(CHANGE_URL.format(q.pk), with_pairs(q, **{"choices-1-match": ""}))
        assert r.status_code == 200 and "Each pair needs both sides" in r.content.decode()
        assert q.choices.get(text="CAR").match == "chimeric antigen receptor"

    def test_a_numeric_answer_with_a_negative_tolerance_is_refused(self, admin_client):
        q = factory.make_numeric()
        data = question_form(q, numeric_value="3.5", numeric_tolerance="-0.5", tolerance_kind="absolute", unit="µg")
        r = admin_client.post(CHANGE_URL.format(q.pk), data)
        assert r.status_code == 200 and "The tolerance cannot be negative." in r.content.decode()
        q.refresh_from_db()
        assert q.numeric_tolerance == 0.1


@pytest.mark.django_db
class TestLinkTranslations:
    def pair(self):
        fr_source = factory.make_source("fr", language="fr", title="FR", text="La thérapie génique corrige un gène.")
        en = factory.make_question("item-en")
        fr = factory.make_question("item-fr", source=fr_source, passage="La thérapie génique corrige un gène.")
        return en, fr

    def link(self, client, *questions):
        return client.post(
            "/admin/quizzes/question/",
            {"action": "link_translations", "_selected_action": [q.pk for q in questions]},
            follow=True,
        )

    def test_two_questions_in_english_and_french_become_one_item(self, admin_client, learner):
        en, fr = self.pair()
        other = factory.make_user("bob", factory.Role.LEARNER)
        Card.objects.create(user=learner, question=en, due="2026-01-01T00:00Z")
        Card.objects.create(user=learner, question=fr, due="2026-01-01T00:00Z")
        Card.objects.create(user=other, question=fr, due="2026-01-01T00:00Z")
        r = self.link(admin_client, en, fr)
        assert "item-fr is now the translation of item-en" in r.content.decode().lower()
        fr.refresh_from_db()
        assert fr.translation_of == en and fr.item_id == en.pk
        # bob's card moves to the original; alice keeps hers there, her second one is suspended (history kept)
        assert Card.objects.get(user=other).question == en
        assert Card.objects.get(user=learner, question=fr).suspended
        assert not Card.objects.get(user=learner, question=en).suspended

    @pytest.mark.parametrize("case", ["one", "same-language", "already-linked"])
    def test_refused_with_a_message(self, admin_client, case):
        en, fr = self.pair()
        if case == "one":
            selected, message = [en], "Select exactly two questions"
        elif case == "same-language":
            selected, message = [en, factory.make_question("other-en")], "must be in different languages"
        else:
            fr.become_translation_of(en)
            en2 = factory.make_question("en2")
            selected, message = [en2, fr], "already linked"
        r = self.link(admin_client, *selected)
        assert message in r.content.decode()
        assert Question.objects.filter(translation_of__isnull=False).count() == (1 if case == "already-linked" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "answer"),
    [
        (factory.make_matching, "CAR → chimeric antigen receptor"),
        (factory.make_ordering, "Collect the cells"),
        (factory.make_numeric, "3.5 µg (± 0.1 µg)"),
    ],
)
def test_the_preview_shows_the_answer_of_each_kind(admin_client, make, answer):
    q = make()
    html = admin_client.get(f"/questions/{q.external_id}/preview/").content.decode()
    assert answer in html
