"""Importing an Anki deck or a list file into one of the learner's decks (the deck page's form): their own cards,
private to them, in that deck, tagged with Anki's tags, with Anki's review history replayed; a bad file writes
nothing and lists every error with its line."""

import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quizzes.bank.models import Question, Tag, Topic
from quizzes.bank.yaml_bank import export_bank
from quizzes.study.models import Card, Deck, ReviewLog, StudyJob
from tests import factory
from tests.bank.formats.anki_packages import apkg, basic, cloze

DAY = 86_400_000
START = int(datetime(2026, 9, 1, 9, tzinfo=UTC).timestamp() * 1000)
REVLOG = [(START, 0, 3, 6000, 0), (START + 600_000, 0, 3, 4000, 0), (START + 3 * DAY, 0, 3, 3000, 1)]
DECK = apkg(
    [basic("What is <b>AAV</b>?", "Adeno-associated virus", tags=["bio::vectors"]), cloze("{{c1::CAR}}-T cells")],
    revlog=REVLOG,
)


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def deck(learner):
    return Deck.objects.create(user=learner, name="Anki")


def upload(client, deck, name: str, data: bytes, history: bool = True, follow: bool = True):
    fields = {"import": "1", "file": SimpleUploadedFile(name, data)}
    if history:
        fields["history"] = "on"
    return client.post(f"/decks/{deck.pk}/", fields, follow=follow)


def test_the_page_offers_the_import_with_the_history_ticked(alice, deck):
    page = alice.get(f"/decks/{deck.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept=".apkg,.csv,.tsv,.txt"' in page
    assert re.search(r'<input type="checkbox" name="history"[^>]* checked>', page)


def test_an_anki_deck_becomes_own_cards_in_the_deck_with_its_history(alice, learner, deck):
    r = upload(alice, deck, "gene.apkg", DECK, follow=False)
    assert r.status_code == 302 and r.url == f"/decks/{deck.pk}/"
    page = alice.get(r.url).content.decode()
    assert "2 cards imported into Anki. 3 reviews from Anki replayed: FSRS carries on from them." in page
    cards = Card.objects.filter(user=learner).select_related("question")
    assert {c.deck_id for c in cards} == {deck.pk}
    assert all(c.question.personal and c.question.owner_id == learner.pk for c in cards)
    assert {c.question.kind for c in cards} == {"flashcard", "cloze"}
    aav = cards.get(question__prompt="What is AAV?")
    assert (aav.state, aav.reps) == (Card.State.REVIEW, 3) and aav.due > aav.last_review
    assert ReviewLog.objects.filter(user=learner, card=aav, kind="imported").count() == 3
    assert list(aav.question.tags.values_list("name", flat=True)) == ["vectors"]  # the learner's tag, not a topic
    assert not Topic.objects.exists()


def test_without_the_history_the_cards_are_new(alice, learner, deck):
    page = upload(alice, deck, "gene.apkg", DECK, history=False).content.decode()
    assert "2 cards imported into Anki." in page and "replayed" not in page
    assert not ReviewLog.objects.exists()
    assert set(Card.objects.filter(user=learner).values_list("state", flat=True)) == {Card.State.NEW}


def test_a_quizlet_list_and_a_csv_of_every_kind(alice, learner, deck):
    page = upload(alice, deck, "quizlet.txt", b"AAV\tadeno-associated virus\nEMA\tEuropean Medicines Agency\n")
    assert "2 cards imported into Anki." in page.content.decode()
    csv = (
        "id,kind,prompt,answer,wrong,topics\n"
        "v,single,Which vector is non-integrative?,AAV,Lentivirus|Retrovirus,Gene therapy\n"
        "c,short,What does CAR stand for?,chimeric antigen receptor,,\n"
    )
    upload(alice, deck, "kinds.csv", csv.encode())
    questions = Question.objects.filter(owner=learner, personal=True)
    assert questions.count() == 4 and Card.objects.filter(user=learner, deck=deck).count() == 4
    assert questions.get(prompt="AAV").back == "adeno-associated virus"
    choice = questions.get(kind="single")
    assert [(c.text, c.is_correct) for c in choice.choices.order_by("position")] == [
        ("AAV", True),
        ("Lentivirus", False),
        ("Retrovirus", False),
    ]
    assert list(choice.tags.values_list("name", flat=True)) == ["gene-therapy"]
    assert questions.get(kind="short").answers == ["chimeric antigen receptor"]


def test_a_file_with_errors_writes_nothing_and_lists_every_error(alice, learner, deck):
    r = upload(alice, deck, "list.csv", b"AAV,adeno-associated virus\nno separator here\nEMA,EMA agency\n;\n")
    page = r.content.decode()
    assert r.status_code == 200 and "Nothing was imported" in page
    assert "list.csv:2: expected a term" in page and "list.csv:4: expected a term" in page
    assert not Question.objects.exists() and not Card.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize(
    "name, data, said",
    [
        ("bad.apkg", b"not a zip", "bad.apkg: not an Anki package"),
        ("notes.pdf", b"%PDF", "notes.pdf: use an Anki package (.apkg) or a list"),
        ("empty.csv", b"\n\n", "empty.csv: no question found"),
        ("latin.csv", "thérapie,gène".encode("latin-1"), "latin.csv:1: the file is not UTF-8 text"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(alice, deck, name, data, said):
    page = upload(alice, deck, name, data).content.decode()
    assert said in page
    assert not Question.objects.exists() and not Card.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_decompressed(alice, deck):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("collection.anki2", b"\0" * (20 * 2**20))
    page = upload(alice, deck, "bomb.apkg", out.getvalue()).content.decode()
    assert "compressed more than 200 times: refused as a zip bomb" in page
    assert not Card.objects.exists()


def test_a_list_over_the_cap_is_refused_by_its_size(alice, deck, settings):
    settings.QUESTION_BANK_MAX_BYTES = 100
    page = upload(alice, deck, "big.csv", b"a,b\n" * 50).content.decode()
    assert "big.csv: file larger than 0 MiB." in page
    assert not Card.objects.exists()


def test_what_the_file_held_that_could_not_come_is_said(alice, deck):
    with_media = apkg([basic('AAV <img src="aav.png">', "a vector")], media={"aav.png": b"\x89PNG"})
    page = upload(alice, deck, "media.apkg", with_media).content.decode()
    assert "1 card imported into Anki." in page
    assert "Left out: media.apkg: 1 media file(s) ignored" in page
    assert "Left out: media.apkg:1: card" in page and "1 image(s) or sound(s) ignored" in page
    assert "has no passage" not in page, "an own card has none by nature"


class TestPrivacy:
    def test_another_learner_reaches_neither_the_deck_nor_the_cards(self, alice, learner, deck):
        upload(alice, deck, "gene.apkg", DECK)
        bob = factory.make_user("bob", factory.Role.LEARNER)
        c = Client()
        c.force_login(bob)
        assert c.get(f"/decks/{deck.pk}/").status_code == 404
        assert upload(c, deck, "gene.apkg", DECK, follow=False).status_code == 404
        for card in Card.objects.filter(user=learner):
            assert c.get(f"/cards/{card.pk}/").status_code == 404
            assert c.get(f"/cards/{card.pk}/edit/").status_code == 404
            assert c.get(f"/review/{card.pk}/reveal/").status_code == 404
        assert Card.objects.filter(user=learner).count() == 2 and not Card.objects.filter(user=bob).exists()
        assert "AAV" not in c.get("/cards/").content.decode()

    def test_never_shared_in_the_library_or_an_export(self, alice, learner, deck, admin_user):
        upload(alice, deck, "gene.apkg", DECK)
        assert not Question.objects.shared().filter(owner=learner).exists()
        assert Question.objects.filter(owner=learner).count() == 2
        assert [q["id"] for q in yaml.safe_load(export_bank())["questions"]] == []
        for user in (None, learner, admin_user):
            c = Client()
            if user:
                c.force_login(user)
            page = c.get("/").content.decode()
            assert "AAV" not in page and "Imported from" not in page
        admin = Client()
        admin.force_login(admin_user)
        assert "What is AAV" not in admin.get("/admin/quizzes/question/").content.decode()

    def test_the_learner_finds_them_in_their_card_browser(self, alice, deck):
        upload(alice, deck, "gene.apkg", DECK)
        page = alice.get(f"/cards/?deck={deck.pk}").content.decode()
        assert "What is AAV?" in page and "____-T cells" in page


class TestLargeDecks:
    """An .apkg over LEARNAPP_BACKGROUND_IMPORT_BYTES is imported by a worker (a StudyJob, as a large review
    log is); the deck page says it is waiting, then how it went. The tests run jobs as they are enqueued."""

    def test_a_large_deck_is_imported_by_a_worker_and_the_deck_page_says_how_it_went(
        self, alice, learner, deck, settings
    ):
        settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 1_000
        page = upload(alice, deck, "gene.apkg", DECK).content.decode()
        job = StudyJob.objects.get()
        assert (job.kind, job.status, job.deck, job.history) == ("deck", "done", deck, True)
        assert bytes(job.upload) == b"", "the file is dropped once imported"
        assert "2 cards imported into Anki. 3 reviews from Anki replayed" in page
        assert Card.objects.filter(user=learner, deck=deck, question__personal=True).count() == 2
        assert ReviewLog.objects.filter(user=learner, kind="imported").count() == 3

    def test_a_small_list_is_still_imported_in_the_request(self, alice, deck, settings):
        settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 10
        upload(alice, deck, "list.csv", b"AAV,adeno-associated virus\n")
        assert not StudyJob.objects.exists() and Card.objects.count() == 1

    def test_a_bad_large_deck_fails_plainly_and_imports_nothing(self, alice, deck, settings):
        settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 10
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            package.writestr("collection.anki2", b"not SQLite at all")
        page = upload(alice, deck, "broken.apkg", out.getvalue()).content.decode()
        assert StudyJob.objects.get().status == "failed"
        assert "This failed: importing cards into a deck." in page and "Nothing was imported." in page
        assert "broken.apkg: not an Anki collection" in page
        assert not Card.objects.exists() and not Question.objects.exists()

    def test_a_waiting_import_is_polled_with_htmx_or_refreshed_without(self, alice, deck, settings):
        settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 1_000
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        page = upload(alice, deck, "gene.apkg", DECK).content.decode()
        assert "Waiting for a worker: importing cards into a deck" in page
        assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page
        assert not Card.objects.exists()
        again = upload(alice, deck, "gene.apkg", DECK).content.decode()
        assert "Your previous job is not finished yet" in again and StudyJob.objects.count() == 1
