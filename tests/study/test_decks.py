"""Decks: made empty or from a pasted list (all or nothing), studied one at a time within their limits; sets and
texts moved into a deck, or removed from one's studies (and put back)."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.study import cards, scheduling
from quizzes.study.models import Card, Deck, ReviewLog, Study, StudySettings
from tests import factory

HX = {"HX-Request": "true"}


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


class TestPasting:
    def test_the_separators(self):
        lines = cards.parse_pasted(
            "AAV – adeno-associated virus\nCAR-T\tchimeric antigen receptor T cells\n\n"
            "ATMP; advanced therapy, medicinal product\nEMA, European Medicines Agency, in Amsterdam\n"
            "gene-therapy - a treatment - with genes"
        )
        assert [(line.number, line.front, line.back) for line in lines] == [
            (1, "AAV", "adeno-associated virus"),
            (2, "CAR-T", "chimeric antigen receptor T cells"),
            (4, "ATMP", "advanced therapy, medicinal product"),
            (5, "EMA", "European Medicines Agency, in Amsterdam"),
            (6, "gene-therapy", "a treatment - with genes"),
        ]

    def test_every_bad_line_is_reported_with_its_number(self):
        with pytest.raises(cards.PasteInvalid) as caught:
            cards.parse_pasted("good – line\nno separator here\n – empty term\nfine\tline")
        assert caught.value.errors == [
            "Line 2: no separator between the term and its definition (use – or a tab).",
            "Line 3: the term or the definition is empty.",
        ]

    def test_a_deck_made_by_paste_has_its_cards(self, alice, learner):
        r = alice.post(
            "/decks/",
            {"name": "Vectors", "text": "AAV – adeno-associated virus\nLV – lentivirus", "tags_text": "vec"},
        )
        deck = Deck.objects.get(user=learner)
        assert r.status_code == 302 and r.url == f"/decks/{deck.pk}/"
        made = Card.objects.filter(user=learner, deck=deck).select_related("question")
        assert sorted(c.question.prompt for c in made) == ["AAV", "LV"]
        assert all(c.question.personal and c.question.kind == "flashcard" for c in made)
        assert Question.objects.tagged("vec").count() == 2
        assert "2 cards" in alice.get(r.url).content.decode()

    def test_a_bad_list_makes_no_deck_and_no_card_and_keeps_what_was_typed(self, alice, learner):
        r = alice.post("/decks/", {"name": "Vectors", "text": "AAV – virus\nbroken line"})
        html = r.content.decode()
        assert r.status_code == 200 and "Line 2: no separator" in html and "AAV – virus" in html
        assert not Deck.objects.exists() and not Card.objects.exists() and not Question.objects.exists()

    def test_pasting_into_a_deck_adds_all_or_nothing(self, alice, learner):
        deck = Deck.objects.create(user=learner, name="D")
        r = alice.post(f"/decks/{deck.pk}/", {"paste": "1", "text": "a – b\nc"})
        assert "Line 2" in r.content.decode() and not Card.objects.exists()
        alice.post(f"/decks/{deck.pk}/", {"paste": "1", "text": "a – b\nc – d"})
        assert Card.objects.filter(deck=deck).count() == 2

    def test_two_decks_of_the_same_name_are_refused(self, alice, learner):
        Deck.objects.create(user=learner, name="Bio")
        r = alice.post("/decks/", {"name": "bio"})
        assert "already have a deck" in r.content.decode() and Deck.objects.count() == 1

    def test_deck_limits_are_saved_and_validated(self, alice, learner):
        deck = Deck.objects.create(user=learner, name="D")
        r = alice.post(f"/decks/{deck.pk}/", {"save": "1", "name": "D", "new_per_day": "-1", "reviews_per_day": ""})
        assert r.status_code == 200 and Deck.objects.get().new_per_day is None
        alice.post(f"/decks/{deck.pk}/", {"save": "1", "name": "D2", "new_per_day": "3", "reviews_per_day": "50"})
        deck.refresh_from_db()
        assert (deck.name, deck.new_per_day, deck.reviews_per_day) == ("D2", 3, 50)


class TestStudyingADeck:
    def test_the_queue_keeps_to_the_deck_chosen_until_all_are_chosen_again(self, alice, learner):
        bio = Deck.objects.create(user=learner, name="Bio")
        chem = Deck.objects.create(user=learner, name="Chem")
        cards.make_cards(learner, [("BIO-FRONT", "b")], bio)
        cards.make_cards(learner, [("CHEM-FRONT", "c")], chem)
        alice.post(f"/decks/{chem.pk}/study/")
        html = alice.get("/review/").content.decode()
        assert "CHEM-FRONT" in html and "1 new" in html and "Studying the deck Chem" in html
        card = Card.objects.get(deck=chem)
        scheduling.rate(learner, card.pk, 4, token=None)
        html = alice.get("/review/").content.decode()
        assert "BIO-FRONT" not in html and "You are done for now" in html
        alice.post("/decks/all/study/")
        assert "BIO-FRONT" in alice.get("/review/").content.decode()

    def test_the_deck_line_is_markup_a_browser_reads_as_written(self, alice, learner):
        """Its "study all my cards" form sat in a <p>: a browser ends the paragraph at the form, which left the line's
        separators outside it and a stray dot on a phone."""
        deck = Deck.objects.create(user=learner, name="Bio")
        cards.make_cards(learner, [("BIO-FRONT", "b")], deck)
        alice.post(f"/decks/{deck.pk}/study/")
        for response in (alice.get("/review/"), alice.get("/review/", headers=HX)):
            assert "Studying the deck Bio" in response.content.decode()
            assert forms_in_paragraphs(response.content.decode()) == []

    def test_someone_elses_deck_cannot_be_studied(self, alice, learner):
        bob = factory.make_user("bob", factory.Role.LEARNER)
        deck = Deck.objects.create(user=bob, name="Bob's")
        assert alice.post(f"/decks/{deck.pk}/study/").status_code == 404
        assert alice.get(f"/decks/{deck.pk}/").status_code == 404

    def test_a_decks_new_card_limit_counts_its_own_ratings_of_today(self, learner):
        deck = Deck.objects.create(user=learner, name="D", new_per_day=2)
        other = Deck.objects.create(user=learner, name="Other")
        made = cards.make_cards(learner, [(f"f{i}", "b") for i in range(5)], deck)
        extra = cards.make_cards(learner, [(f"o{i}", "b") for i in range(5)], other)
        settings = StudySettings.for_user(learner)
        now = timezone.now()
        assert scheduling.queue(learner, settings, now, deck=deck).new_left == 2
        scheduling.rate(learner, made[0].pk, 3, token=None, now=now)
        scheduling.rate(learner, extra[0].pk, 3, token=None, now=now)
        assert scheduling.queue(learner, settings, now, deck=deck).new_left == 1, "the other deck's rating is not its"
        assert scheduling.queue(learner, settings, now).new_left == 8, "all cards: the learner's limit of 20"

    def test_the_learners_limit_still_holds_within_a_deck(self, learner):
        settings = StudySettings.for_user(learner)
        settings.new_per_day = 3
        settings.save()
        deck = Deck.objects.create(user=learner, name="D", new_per_day=10)
        other = cards.make_cards(learner, [("o1", "b"), ("o2", "b")], None)
        cards.make_cards(learner, [(f"f{i}", "b") for i in range(5)], deck)
        now = timezone.now()
        for card in other:
            scheduling.rate(learner, card.pk, 3, token=None, now=now)
        assert scheduling.queue(learner, settings, now, deck=deck).new_left == 1

    def test_a_decks_review_limit(self, learner):
        deck = Deck.objects.create(user=learner, name="D", reviews_per_day=2)
        made = cards.make_cards(learner, [(f"f{i}", "b") for i in range(4)], deck)
        past = timezone.now() - timedelta(days=30)
        for card in made:
            scheduling.rate(learner, card.pk, 4, token=None, now=past)
        settings = StudySettings.for_user(learner)
        assert scheduling.queue(learner, settings, timezone.now(), deck=deck).review_left == 2
        assert scheduling.queue(learner, settings, timezone.now()).review_left == 4


class TestStudies:
    @pytest.fixture
    def studied(self, learner):
        a, b = factory.make_question("a"), factory.make_question("b", prompt="B?")
        shared = factory.make_question("shared", prompt="S?")
        one = factory.make_quizset("one", [a, shared])
        two = factory.make_quizset("two", [b, shared])
        scheduling.add_study(learner, quizset=one)
        scheduling.add_study(learner, quizset=two)
        return Study.objects.get(quizset=one), Study.objects.get(quizset=two)

    def test_a_set_goes_into_a_deck_with_its_cards(self, alice, learner, studied):
        one, _two = studied
        deck = Deck.objects.create(user=learner, name="D")
        alice.post(f"/studies/{one.pk}/deck/", {"deck": deck.pk})
        assert set(Card.objects.filter(deck=deck).values_list("question__external_id", flat=True)) == {"a", "shared"}
        one.refresh_from_db()
        assert one.deck == deck

    def test_removing_a_set_keeps_the_cards_another_set_holds_and_undo_puts_it_back(self, alice, learner, studied):
        one, _two = studied
        card = Card.objects.get(question__external_id="a")
        scheduling.rate(learner, card.pk, 3, token=None)
        r = alice.post(f"/studies/{one.pk}/remove/")
        assert r.status_code == 302
        assert not Study.objects.filter(pk=one.pk).exists()
        visible = set(Card.objects.visible_to(learner).values_list("question__external_id", flat=True))
        assert visible == {"b", "shared"}
        assert ReviewLog.objects.filter(card=card).exists(), "the history is kept"
        page = alice.get("/decks/").content.decode()
        assert "Undo the removal" in page
        alice.post("/cards/undo/", {"next": "decks"})
        assert Study.objects.filter(user=learner, quizset__key="one").exists()
        assert Card.objects.visible_to(learner).count() == 3

    def test_adding_a_removed_set_again_brings_its_cards_back_with_their_history(self, learner, studied):
        one, _two = studied
        cards.remove_study(one)
        _study, added = scheduling.add_study(learner, quizset=one.quizset)
        assert added == 0 and Card.objects.visible_to(learner).count() == 3

    def test_someone_elses_study_is_a_404(self, studied):
        bob = factory.make_user("bob", factory.Role.LEARNER)
        c = Client()
        c.force_login(bob)
        one, _two = studied
        assert c.post(f"/studies/{one.pk}/remove/").status_code == 404
        assert c.post(f"/studies/{one.pk}/deck/", {"deck": ""}).status_code == 404
        assert Study.objects.filter(pk=one.pk).exists()


def forms_in_paragraphs(page: str) -> list[int]:
    """The lines of the forms that start inside an open <p> (HTML closes the paragraph there)."""

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open_p, self.found = 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "form" and self.open_p:
                self.found.append(self.getpos()[0])
            self.open_p += tag == "p"

        def handle_endtag(self, tag):
            if tag == "p" and self.open_p:
                self.open_p -= 1

    reader = Reader()
    reader.feed(page)
    return reader.found
