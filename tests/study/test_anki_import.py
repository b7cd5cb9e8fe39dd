"""A learner's Anki deck: their own cards, in their studies, with FSRS carrying on from Anki's reviews."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.bank.models import Question
from quizzes.bank.yaml_bank import BankInvalid
from quizzes.study.anki_import import import_apkg
from quizzes.study.models import Card, ReviewLog
from tests.bank.formats.anki_packages import apkg, basic, cloze
from tests.factory import make_user

DAY = 86_400_000
START = int(datetime(2026, 9, 1, 9, tzinfo=UTC).timestamp() * 1000)
# (time ms, card, ease, duration ms, type): card 0 learnt then reviewed twice; card 1 never reviewed;
# a manual rescheduling (ease 0, type 4) that is not a review.
REVLOG = [
    (START, 0, 3, 6000, 0),
    (START + 600_000, 0, 3, 4000, 0),
    (START + 3 * DAY, 0, 3, 3000, 1),
    (START + 10 * DAY, 0, 1, 8000, 1),
    (START + 11 * DAY, 0, 0, 0, 4),
]
DECK = apkg([basic("AAV?", "Adeno-associated virus"), cloze("{{c1::CAR}}-T cells")], revlog=REVLOG)


def test_a_learners_deck_becomes_their_own_cards_in_their_studies(learner):
    result = import_apkg(("mine.apkg", DECK), learner, history=False)
    questions = Question.objects.filter(owner=learner)
    assert questions.count() == 2 and all(q.personal for q in questions)
    assert not questions.exclude(passage__text="").exists(), "no passage is invented"
    assert Card.objects.filter(user=learner, question__in=questions).count() == 2 == result.cards
    other = make_user("someone")
    assert not Question.objects.visible_to(other).filter(owner=learner).exists()
    assert not Question.objects.shared().filter(owner=learner).exists()


def test_the_review_history_carries_on_in_fsrs(learner):
    result = import_apkg(("mine.apkg", DECK), learner)
    assert result.reviews == 4
    card = Card.objects.get(user=learner, question__prompt="AAV?")
    assert (card.reps, card.lapses) == (4, 1)
    assert card.last_review == datetime.fromtimestamp((START + 10 * DAY) / 1000, UTC)
    assert card.state == Card.State.RELEARNING and card.due > card.last_review
    logs = ReviewLog.objects.filter(user=learner).order_by("reviewed_at")
    assert [(log.rating, log.state_before, log.kind) for log in logs] == [
        (3, Card.State.NEW, "imported"),
        (3, Card.State.LEARNING, "imported"),
        (3, Card.State.REVIEW, "imported"),
        (1, Card.State.REVIEW, "imported"),
    ]
    untouched = Card.objects.get(user=learner, question__kind="cloze")
    assert (untouched.state, untouched.reps) == (Card.State.NEW, 0)
    assert card.due - card.last_review < timedelta(days=1)


def test_a_refused_package_writes_nothing(learner):
    with pytest.raises(BankInvalid):
        import_apkg(("bad.apkg", b"nope"), learner)
    assert not Card.objects.exists() and not Question.objects.exists()


def test_the_learners_log_import_takes_an_anki_package(alice, learner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("collection.apkg", DECK, "application/octet-stream")
    r = alice.post("/study/log/import/", {"file": upload}, follow=True)
    assert "Imported 4 of 4 reviews" in r.content.decode()
    assert ReviewLog.objects.filter(user=learner, kind="imported").count() == 4
