"""A learner's own cards: written, edited, deleted, reviewed; private to them on every path."""

import re
from datetime import timedelta

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Passage, Question, Source
from quizzes.bank.yaml_bank import export_bank
from quizzes.study import cards, scheduling
from quizzes.study.models import Card, Deck
from tests import factory

HX = {"HX-Request": "true"}
FORMSET = {"choices-TOTAL_FORMS": "4", "choices-INITIAL_FORMS": "0"}


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def write(client, **fields):
    data = {"kind": "flashcard", "prompt": "", "back": "", "accepted_answers": "", "explanation": "", **FORMSET}
    data.update(fields)
    return client.post("/cards/new/", data)


class TestWriting:
    def test_a_flashcard_citing_no_text_hangs_on_the_learners_private_source(self, alice, learner):
        r = write(alice, prompt="What is AAV?", back="Adeno-associated virus", tags_text="Exam-1 vectors")
        card = Card.objects.get(user=learner)
        assert r.status_code == 302 and r.url == f"/cards/{card.pk}/"
        q = card.question
        assert q.personal and q.owner == learner and q.status == Question.Status.PUBLISHED
        assert q.passage.text == "" and (q.passage.start, q.passage.end) == (0, 0)
        source = q.passage.source
        assert source.owner == learner and not source.published and source.text == ""
        assert sorted(t.name for t in q.tags.all()) == ["exam-1", "vectors"]
        page = alice.get(f"/cards/{card.pk}/").content.decode()
        assert "What is AAV?" in page and "Adeno-associated virus" in page and "exam-1" in page

    def test_it_comes_up_in_review_without_a_passage(self, alice, learner):
        write(alice, prompt="FRONT-OWN", back="BACK-OWN")
        card = Card.objects.get(user=learner)
        assert "FRONT-OWN" in alice.get("/review/").content.decode()
        back = alice.get(f"/review/{card.pk}/reveal/", headers=HX).content.decode()
        assert "BACK-OWN" in back and "blockquote" not in back and "My cards" in back

    def test_a_card_may_cite_a_passage_of_a_text_the_learner_can_read(self, alice, learner):
        source = factory.make_source()
        r = write(
            alice,
            kind="short",
            prompt="Which vectors stay in the nucleus?",
            accepted_answers="AAV",
            source=source.pk,
            passage_text="their DNA stays in the nucleus",
        )
        assert r.status_code == 302
        q = Question.objects.get(personal=True)
        assert q.passage.source == source and q.passage.text == "their DNA stays in the nucleus"
        assert q.language == "en"

    def test_a_passage_not_in_the_text_or_an_unreadable_text_is_refused_and_nothing_written(self, alice, teacher):
        source = factory.make_source()
        private = factory.make_source("toms", owner=teacher)
        r = write(alice, prompt="P", back="B", source=source.pk, passage_text="not in the text at all")
        assert "does not occur verbatim" in r.content.decode()
        r = write(alice, prompt="P", back="B", source=private.pk, passage_text="Gene therapy")
        assert "Select a valid choice" in r.content.decode()
        assert not Question.objects.filter(personal=True).exists()
        assert not Passage.objects.filter(text="not in the text at all").exists()

    def test_cloze_and_choice_cards_follow_the_editors_rules(self, alice, learner):
        r = write(alice, kind="cloze", prompt="no blank here")
        assert "at least one blank" in r.content.decode()
        assert write(alice, kind="cloze", prompt="[[AAV]] vectors are non-integrative").status_code == 302
        data = {
            "choices-0-text": "Yes",
            "choices-1-text": "No",
            "choices-1-is_correct": "on",
        }
        assert write(alice, kind="single", prompt="Are AAV integrative?", **data).status_code == 302
        single = Question.objects.get(kind="single")
        assert [(c.text, c.is_correct) for c in single.choices.all()] == [("Yes", False), ("No", True)]
        assert Card.objects.filter(user=learner).count() == 2

    def test_the_owner_edits_and_deletes_their_card(self, alice, learner):
        deck = Deck.objects.create(user=learner, name="Bio")
        write(alice, prompt="Old", back="B")
        card = Card.objects.get(user=learner)
        data = {"kind": "flashcard", "prompt": "New", "back": "B2", "deck": deck.pk, "tags_text": "x", **FORMSET}
        assert alice.post(f"/cards/{card.pk}/edit/", data).status_code == 302
        card.refresh_from_db()
        assert card.question.prompt == "New" and card.deck == deck and card.question.tags.get().name == "x"
        assert alice.post(f"/cards/{card.pk}/delete/").status_code == 302
        assert not Card.objects.filter(pk=card.pk).exists() and not Question.objects.filter(personal=True).exists()

    def test_a_bank_card_is_not_the_learners_to_edit(self, alice, learner):
        question = factory.make_question()
        card = Card.objects.create(user=learner, question=question)
        assert alice.get(f"/cards/{card.pk}/edit/").status_code == 404
        assert alice.post(f"/cards/{card.pk}/delete/").status_code == 404
        assert alice.get(f"/cards/{card.pk}/").status_code == 200  # its history, though, is theirs


@pytest.fixture
def own_card(learner):
    deck = Deck.objects.create(user=learner, name="Mine")
    made = cards.make_cards(learner, [("SECRET-FRONT", "SECRET-BACK")], deck, tags="secret-tag")
    return made[0]


class TestPrivacy:
    """Nobody else reaches an own card: not another learner, not a teacher, not an admin."""

    def test_every_card_route_is_a_404_for_everyone_else(self, own_card, teacher, admin_user):
        bob = factory.make_user("bob", factory.Role.LEARNER)
        pk = own_card.pk
        for user in (bob, teacher, admin_user):
            c = client_for(user)
            for headers in ({}, HX):
                assert c.get(f"/cards/{pk}/", headers=headers).status_code == 404
                assert c.get(f"/cards/{pk}/edit/", headers=headers).status_code == 404
                assert c.post(f"/cards/{pk}/delete/", headers=headers).status_code == 404
                assert c.get(f"/review/{pk}/reveal/", headers=headers).status_code == 404
                assert c.post(f"/review/{pk}/answer/", {"knew": "yes"}, headers=headers).status_code == 404
                assert c.post(f"/review/{pk}/bury/", headers=headers).status_code == 404
                assert c.post(f"/review/{pk}/suspend/", headers=headers).status_code == 404
            r = c.post("/cards/bulk/", {"action": "suspend", "card": pk})
            assert r.status_code in (200, 302)
            assert "SECRET" not in c.get("/cards/").content.decode()
            assert c.get(f"/questions/{own_card.question.external_id}/preview/").status_code in (403, 404)
            assert c.get(f"/sources/my-cards-{own_card.user_id}/").status_code == 404
        own_card.refresh_from_db()
        assert not own_card.suspended, "someone else's bulk action changed nothing"
        assert Question.objects.visible_to(bob).filter(personal=True).count() == 0
        assert Question.objects.usable_by(teacher).filter(personal=True).count() == 0
        assert Question.objects.visible_to(admin_user).filter(personal=True).count() == 0

    def test_never_in_the_library_the_export_or_the_admin(self, own_card, admin_user, learner):
        factory.make_source()
        for user in (None, learner, admin_user):
            c = client_for(user) if user else Client()
            page = c.get("/").content.decode()
            assert "SECRET" not in page and "My cards" not in page
            assert "SECRET" not in c.get("/?tag=secret-tag").content.decode()
        dumped = export_bank()
        assert "SECRET" not in dumped and f"my-cards-{learner.pk}" not in dumped
        assert [q["id"] for q in yaml.safe_load(dumped)["questions"]] == []
        admin = client_for(admin_user)
        listing = admin.get("/admin/quizzes/question/").content.decode()
        assert "SECRET" not in listing
        assert admin.get(f"/admin/quizzes/question/{own_card.question_id}/change/").status_code in (302, 404)
        source = own_card.question.passage.source
        assert f"my-cards-{learner.pk}" not in admin.get("/admin/quizzes/source/").content.decode()
        assert admin.get(f"/admin/quizzes/source/{source.pk}/change/").status_code in (302, 404)

    def test_a_teacher_cannot_put_their_own_cards_in_a_quiz_set(self, teacher):
        made = cards.make_cards(teacher, [("TEACHER-CARD", "back")], None)
        c = client_for(teacher)
        assert "TEACHER-CARD" not in c.get("/teach/sets/new/?q=TEACHER").content.decode()
        r = c.post("/teach/sets/new/", {"title": "S", "language": "", "pick": made[0].question_id})
        assert "Pick at least one question" in r.content.decode()
        assert "TEACHER-CARD" not in c.get("/").content.decode(), "nor in the library a teacher sees"

    def test_the_item_analysis_and_the_csv_only_see_the_sets_questions(self, teacher, learner, own_card):
        from quizzes.teaching.models import Assignment, Classroom, Enrollment

        question = factory.make_question()
        quizset = factory.make_quizset("s", [question], owner=teacher)
        classroom = Classroom.objects.create(teacher=teacher, name="C")
        Enrollment.objects.create(classroom=classroom, learner=learner)
        assignment = Assignment.objects.create(
            classroom=classroom, quizset=quizset, due_at=timezone.now() + timedelta(days=7)
        )
        c = client_for(teacher)
        assert "SECRET" not in c.get(f"/teach/assignments/{assignment.pk}/").content.decode()
        assert "SECRET" not in c.get(f"/teach/assignments/{assignment.pk}/results.csv").content.decode()
        assert "SECRET" not in c.get(f"/teach/classes/{classroom.pk}/gradebook.csv").content.decode()


def test_the_learners_log_export_has_their_own_cards_reviews_only(alice, learner, own_card):
    bob = factory.make_user("bob", factory.Role.LEARNER)
    scheduling.rate(learner, own_card.pk, 3, token=None)
    assert len(client_for(bob).get("/study/log.csv").content.decode().strip().splitlines()) == 1
    assert len(alice.get("/study/log.csv").content.decode().strip().splitlines()) == 2


def test_the_private_source_is_made_once_per_learner(learner):
    assert cards.own_cards_source(learner) == cards.own_cards_source(learner)
    assert cards.blank_passage(learner) == cards.blank_passage(learner)
    assert Source.objects.filter(owner=learner).count() == 1
    assert re.fullmatch(r"card-[0-9a-f]{20}", cards.new_external_id())


def test_writing_own_cards_keeps_the_cached_library(alice, learner):
    from quizzes.bank import version

    before = version.current()
    write(alice, prompt="What is AAV?", back="Adeno-associated virus")
    card = Card.objects.get(user=learner)
    alice.post(f"/cards/{card.pk}/edit/", {"kind": "flashcard", "prompt": "P2", "back": "B2", **FORMSET})
    assert version.current() == before
    factory.make_question("shared")
    assert version.current() != before, "a bank question still changes the library"
