"""The card browser: search, sort, paging, bulk actions (with and without htmx), each card's history, and a
bounded number of queries at 100,000 cards."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from quizzes.bank.models import Passage, Tag, Topic
from quizzes.study import cards, scheduling
from quizzes.study.models import Card, Deck, ReviewLog, StudySettings
from tests import factory

HX = {"HX-Request": "true"}


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def collection(learner):
    """Alice's cards: two own ones in a deck (one tagged), a bank one on a topic, in several states."""
    deck = Deck.objects.create(user=learner, name="Vectors")
    aav, lenti = cards.make_cards(learner, [("AAV-FRONT", "adeno"), ("LENTI-FRONT", "lentivirus")], deck)
    aav.question.set_tags("exam-1")
    topic = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    bank = factory.make_question("bank-q", prompt="BANK-FRONT", topics=[topic])
    bank_card = Card.objects.create(user=learner, question=bank)
    past = timezone.now() - timedelta(days=20)
    scheduling.rate(learner, lenti.pk, 4, token=None, now=past)  # a review card, due some days ago
    Card.objects.filter(pk=bank_card.pk).update(suspended=True, lapses=9, is_leech=True)
    return {"aav": aav, "lenti": lenti, "bank": bank_card, "deck": deck}


def fronts(html: str) -> set[str]:
    return {name for name in ("AAV-FRONT", "LENTI-FRONT", "BANK-FRONT") if name in html}


class TestSearch:
    def test_every_filter(self, alice, collection):
        deck = collection["deck"]
        today = timezone.localdate()
        cases = {
            "": {"AAV-FRONT", "LENTI-FRONT", "BANK-FRONT"},
            "q=lentivirus": {"LENTI-FRONT"},
            f"deck={deck.pk}": {"AAV-FRONT", "LENTI-FRONT"},
            "deck=none": {"BANK-FRONT"},
            "source=intro": {"BANK-FRONT"},
            "topic=vectors": {"BANK-FRONT"},
            "tag=exam-1": {"AAV-FRONT"},
            "state=new": {"AAV-FRONT", "BANK-FRONT"},
            "state=review": {"LENTI-FRONT"},
            "state=suspended": {"BANK-FRONT"},
            "state=leech": {"BANK-FRONT"},
            "state=learning": set(),
            "lapses=5": {"BANK-FRONT"},
            f"due_before={today - timedelta(days=2)}": {"LENTI-FRONT"},
            f"due_after={today + timedelta(days=1)}": set(),
        }
        for query, expected in cases.items():
            html = alice.get(f"/cards/?{query}").content.decode()
            assert fronts(html.split('id="browser"')[1]) == expected, query

    def test_sort_and_garbage_filters(self, alice, collection):
        html = alice.get("/cards/?sort=-lapses").content.decode()
        assert html.index("BANK-FRONT") < html.index("AAV-FRONT")
        r = alice.get("/cards/?lapses=abc&due_before=never&state=nonsense&deck=99999999999999999999999")
        assert r.status_code == 200 and "could not be read" in r.content.decode()

    def test_paging_keeps_the_search(self, alice, learner):
        cards.make_cards(learner, [(f"front-{i:03}", "b") for i in range(60)], None)
        html = alice.get("/cards/?q=front&sort=prompt").content.decode()
        assert "front-049" in html and "front-050" not in html and "Page 1 of 2" in html
        assert "q=front&amp;sort=prompt&amp;page=2" in html
        assert "front-050" in alice.get("/cards/?q=front&sort=prompt&page=2").content.decode()

    def test_htmx_gets_the_list_only(self, alice, collection):
        html = alice.get("/cards/?q=AAV", headers=HX).content.decode()
        assert "<html" not in html and html.lstrip().startswith('<div id="browser"') and fronts(html) == {"AAV-FRONT"}


class TestBulk:
    def post(self, client, action, ids, htmx=False, **extra):
        data = {"action": action, "card": [c.pk for c in ids], "query": "q=FRONT", **extra}
        return client.post("/cards/bulk/", data, headers=HX if htmx else {})

    def test_suspend_then_unsuspend_without_and_with_htmx(self, alice, collection):
        aav = collection["aav"]
        r = self.post(alice, "suspend", [aav])
        assert r.status_code == 302 and r.url == "/cards/?q=FRONT"
        aav.refresh_from_db()
        assert aav.suspended and aav.version == 1
        r = self.post(alice, "unsuspend", [aav, collection["bank"]], htmx=True)
        html = r.content.decode()
        assert "<html" not in html and "2 cards unsuspended." in html
        assert not Card.objects.filter(suspended=True).exists()
        assert not Card.objects.get(pk=collection["bank"].pk).is_leech

    def test_bury_forget_reschedule_move(self, alice, learner, collection):
        lenti, aav = collection["lenti"], collection["aav"]
        self.post(alice, "bury", [aav])
        aav.refresh_from_db()
        assert aav.buried_until > timezone.now()
        self.post(alice, "forget", [lenti])
        lenti.refresh_from_db()
        assert (lenti.state, lenti.reps, lenti.stability, lenti.last_review) == (Card.State.NEW, 0, None, None)
        assert ReviewLog.objects.filter(card=lenti, kind=ReviewLog.Kind.NORMAL).count() == 1, "its history stays"
        assert ReviewLog.objects.filter(card=lenti, kind=ReviewLog.Kind.MANUAL).count() == 1, "with the forget"
        scheduling.rate(learner, lenti.pk, 4, token=None)
        day = timezone.localdate() + timedelta(days=40)
        r = self.post(alice, "reschedule", [lenti, aav], htmx=True, date=day.isoformat())
        html = r.content.decode()
        assert "1 card rescheduled." in html and "1 card is new or still being learned" in html
        lenti.refresh_from_db()
        assert lenti.due.date() == day
        self.post(alice, "move", [lenti, aav], target="none")
        assert Card.objects.filter(deck__isnull=True).count() == 3

    def test_refused_actions_say_why(self, alice, collection):
        html = self.post(alice, "reschedule", [collection["aav"]], htmx=True).content.decode()
        assert "Choose the date" in html
        html = self.post(alice, "move", [collection["aav"]], htmx=True, target="12345").content.decode()
        assert "Choose a deck" in html
        html = self.post(alice, "suspend", [], htmx=True).content.decode()
        assert "Select at least one card" in html
        assert alice.post("/cards/bulk/", {"action": "suspend", "card": "x"}).status_code == 400

    def test_remove_then_undo(self, alice, learner, collection):
        aav = collection["aav"]
        html = self.post(alice, "remove", [aav], htmx=True).content.decode()
        assert "1 card removed from your studies" in html and "Undo" in html
        assert "AAV-FRONT" not in html
        assert not Card.objects.visible_to(learner).filter(pk=aav.pk).exists()
        alice.post("/cards/undo/")
        assert Card.objects.visible_to(learner).filter(pk=aav.pk).exists()
        assert "Nothing to undo" in alice.post("/cards/undo/", follow=True).content.decode()

    def test_another_learners_cards_are_untouched(self, collection):
        bob = factory.make_user("bob", factory.Role.LEARNER)
        c = Client()
        c.force_login(bob)
        for action in ("suspend", "forget", "remove"):
            self.post(c, action, [collection["aav"], collection["lenti"]])
        lenti = Card.objects.get(pk=collection["lenti"].pk)
        assert lenti.state == Card.State.REVIEW and not lenti.suspended and lenti.removed_at is None


def test_a_cards_history_shows_each_review_with_the_recall_predicted_then(alice, learner, collection):
    lenti = collection["lenti"]
    scheduling.rate(learner, lenti.pk, 1, token=None)
    html = alice.get(f"/cards/{lenti.pk}/").content.decode()
    assert "Easy" in html and "Again" in html
    log = ReviewLog.objects.filter(card=lenti).order_by("reviewed_at").last()
    assert log.retrievability is not None and f"{round(log.retrievability * 100)}%" in html


def test_progress_links_cards_at_risk_and_leeches_to_the_browser(alice, collection):
    html = alice.get("/progress/").content.decode()
    assert f'href="/cards/{collection["bank"].pk}/"' in html, "the leech"
    assert f'href="/cards/{collection["lenti"].pk}/"' in html, "the card at risk"
    assert 'href="/cards/?state=leech"' in html


@pytest.mark.django_db
def test_the_browser_reads_a_bounded_number_of_queries_at_100k_cards(client, learner, django_assert_max_num_queries):
    """100,000 own cards, some tagged, in decks, in every state: every search is a few queries. The rows are
    written by INSERT … SELECT (seconds; the ORM's bulk_create takes minutes here)."""
    source = cards.own_cards_source(learner)
    passage = Passage.objects.create(source=source, start=0, end=0, text="")
    decks = Deck.objects.bulk_create([Deck(user=learner, name=f"Deck {i}") for i in range(5)])
    tag = Tag.objects.create(name="big")
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
            "INSERT INTO quizzes_question (external_id, kind, prompt, explanation, back, accepted_answers, language,"
            " difficulty, status, cognitive, passage_id, highlight, stale, owner_id, imported_hash, created_at,"
            " updated_at, personal, numeric_tolerance, tolerance_kind, unit, rewrite_requested, rewrite_note) "
            "SELECT 'c-' || i, 'flashcard', 'front ' || i, '', 'back ' || i, '', 'en', 2, 'published', '', %s, '',"
            " %s, %s, '', %s, %s, %s, 0, 'absolute', '', %s, '' FROM n",
            [passage.pk, False, learner.pk, at(now), at(now), True, False],
        )
        cursor.execute(
            "INSERT INTO quizzes_question_tags (question_id, tag_id) "
            "SELECT id, %s FROM quizzes_question WHERE owner_id = %s AND id %% 10 = 0",
            [tag.pk, learner.pk],
        )
        deck_of = " ".join(f"WHEN {i} THEN {d.pk}" for i, d in enumerate(decks))
        cursor.execute(
            "INSERT INTO quizzes_card (user_id, question_id, state, due, scheduled_days, reps, lapses, suspended,"
            " is_leech, version, created_at, deck_id) "
            "SELECT %s, id, id %% 3, CASE WHEN id %% 2 = 0 THEN %s ELSE %s END, 0, 0, id %% 7,"
            f" id %% 50 = 0, %s, 0, %s, CASE id %% 5 {deck_of} END FROM quizzes_question WHERE owner_id = %s",
            [learner.pk, at(now + timedelta(days=3)), at(now - timedelta(days=3)), False, at(now), learner.pk],
        )
        if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum would have them
            cursor.execute("ANALYZE quizzes_question, quizzes_card, quizzes_question_tags")
    assert Card.objects.filter(user=learner).count() == 100_000
    StudySettings.for_user(learner)
    client.force_login(learner)
    searches = [
        "",
        "q=front 99",
        f"deck={decks[2].pk}&state=review&sort=-lapses",
        "tag=big&lapses=5&page=20",
        f"due_after={now.date()}&due_before={(now + timedelta(days=10)).date()}&state=suspended",
        "source=" + source.key + "&sort=prompt&page=last",
    ]
    for query in searches:
        with django_assert_max_num_queries(14):
            r = client.get(f"/cards/?{query}")
        assert r.status_code == 200
    some = list(Card.objects.filter(user=learner).values_list("pk", flat=True)[:50])
    with django_assert_max_num_queries(20):
        r = client.post("/cards/bulk/", {"action": "suspend", "card": some}, headers=HX)
    assert r.status_code == 200 and Card.objects.filter(pk__in=some, suspended=True).count() == 50
    with django_assert_max_num_queries(12):
        assert client.get(f"/cards/{some[0]}/").status_code == 200
