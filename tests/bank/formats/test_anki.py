"""Anki .apkg: import as Anki shows the cards, refuse bombs and damaged packages, export a set Anki opens."""

import io
import sqlite3
import zipfile

import pytest

from quizzes.bank.formats import export, import_questions
from quizzes.bank.models import Question, Source
from quizzes.bank.yaml_bank import BankInvalid
from tests.factory import Role, make_question, make_quizset, make_user

from .anki_packages import apkg, basic, cloze, reversed_

DECK = apkg(
    [
        basic("What is <b>AAV</b>?", "Adeno-associated virus [sound:aav.mp3]", tags=["gene_therapy", "bio::vectors"]),
        reversed_("CAR-T", "T cells with a chimeric antigen receptor"),
        cloze("{{c1::AAV}} vectors carry {{c2::DNA::a molecule}} into the nucleus.", "Non-integrative."),
    ],
    media={"aav.mp3": b"ID3 not really a sound"},
)


@pytest.fixture
def admin(db):
    return make_user("boss", Role.ADMIN)


def test_each_card_becomes_a_question_as_anki_shows_it(admin):
    report = import_questions([("deck.apkg", DECK)], admin, shared=True)
    questions = list(Question.objects.filter(passage__source=report.sources[0]).order_by("pk"))
    seen = [(q.kind, q.prompt, q.back, q.explanation) for q in questions]
    assert seen == [
        ("flashcard", "What is AAV?", "Adeno-associated virus", ""),
        ("flashcard", "CAR-T", "T cells with a chimeric antigen receptor", ""),
        ("flashcard", "T cells with a chimeric antigen receptor", "CAR-T", ""),
        ("cloze", "[[AAV]] vectors carry DNA into the nucleus.", "", "Non-integrative."),
        ("cloze", "AAV vectors carry [[DNA]] into the nucleus.", "", "Non-integrative."),
    ]
    assert sorted(t.name_en for t in questions[0].topics.all()) == ["gene therapy", "vectors"]
    assert "deck.apkg: 1 media file(s) ignored (images and sounds are not imported)" in [str(n) for n in report.notes]
    assert any("1 image(s) or sound(s) ignored" in line for line in report.dropped)


def test_a_zip_bomb_is_refused_before_it_is_decompressed(admin):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", b"\0" * 5_000_000)
    with pytest.raises(BankInvalid) as caught:
        import_questions([("bomb.apkg", bomb.getvalue())], admin)
    assert [str(e) for e in caught.value.errors] == [
        "bomb.apkg: the collection is compressed more than 200 times: refused as a zip bomb"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not an Anki package (.apkg is a zip file)"),
        ({"collection.anki21b": b"(zstd)"}, "export it again from Anki with “Support older Anki versions” ticked"),
        ({"collection.anki2": b"SQLite format 3\0" + b"\0" * 100}, "not an Anki collection"),
        ({"media": b"{}"}, "no collection.anki21 or collection.anki2 in the package"),
    ],
)
def test_a_damaged_package_is_refused_with_a_clear_message(admin, content, message):
    if isinstance(content, dict):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in content.items():
                archive.writestr(name, data)
        content = out.getvalue()
    with pytest.raises(BankInvalid) as caught:
        import_questions([("d.apkg", content)], admin)
    assert message in str(caught.value)
    assert not Source.objects.exists()


def test_a_quiz_set_exports_to_a_package_anki_opens(db):
    flash = make_question("card-1", kind="flashcard", prompt="AAV?", back="Adeno-associated virus")
    blank = make_question("cloze-1", kind="cloze", prompt="[[AAV|adeno-associated virus]] vectors & DNA")
    choice = make_question("mcq-1")
    quizset = make_quizset("vectors", [flash, blank, choice], title="Vectors")
    content, skipped = export(Question.objects.filter(quizset_items__quizset=quizset), "apkg", deck_name="Vectors")
    assert skipped == []
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert "collection.anki2" in archive.namelist()
    db_bytes = archive.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(db_bytes)
    notes = sorted(conn.execute("SELECT flds FROM notes"))
    assert notes == [
        ("AAV?\x1fAdeno-associated virus<br><br>Their DNA stays in the nucleus.",),
        (
            "Are AAV vectors integrative?<ol type=A><li>Non-integrative</li><li>Integrative</li></ol>"
            "\x1fNon-integrative<br><br>Their DNA stays in the nucleus.",
        ),
        ("{{c1::AAV}} vectors &amp; DNA\x1fTheir DNA stays in the nucleus.",),
    ]
    assert conn.execute("SELECT count(*) FROM cards").fetchone() == (3,)
    decks = conn.execute("SELECT decks FROM col").fetchone()[0]
    assert '"Vectors"' in decks
    # and it reads back as the same cards
    report = import_questions([("vectors.apkg", content)], make_user("boss", Role.ADMIN), shared=True)
    back = Question.objects.filter(passage__source=report.sources[0]).order_by("kind", "prompt")
    assert [(q.kind, q.prompt) for q in back] == [
        ("cloze", "[[AAV]] vectors & DNA"),
        ("flashcard", "AAV?"),
        ("flashcard", "Are AAV vectors integrative?\n\nNon-integrative\nIntegrative"),
    ]
