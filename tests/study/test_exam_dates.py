"""Exam dates: the predicted recall of a study's (or a deck's) cards on the day, the cards below the target, and the
rule that brings them forward (quizzes.study.planning: due = min(due, max(today, exam − lead)))."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizzes.study import cards as own_cards
from quizzes.study import planning, scheduling
from quizzes.study.models import Card, Deck, ExamDate, Study, StudySettings
from tests import factory

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)  # 12:00 UTC: the learner's day (UTC, 4 am) is 2 March
EXAM = date(2026, 3, 20)


@pytest.fixture
def study(learner):
    questions = [factory.make_question(f"q-{i}") for i in range(5)]
    scheduling.add_study(learner, quizset=factory.make_quizset("set", questions))
    return Study.objects.get(user=learner)


def cards(learner) -> list[Card]:
    return list(Card.objects.filter(user=learner).order_by("pk"))


def learnt(card: Card, stability: float, last: datetime, due: datetime) -> None:
    Card.objects.filter(pk=card.pk).update(
        state=Card.State.REVIEW, stability=stability, difficulty=5.0, last_review=last, due=due
    )


def test_the_rule_reviews_a_card_as_late_as_its_stability_allows():
    model = planning.Model(DEFAULT_PARAMETERS, 0.9)
    exam = ExamDate(on=EXAM, target=0.9)
    today = date(2026, 3, 2)
    # At target 0.9 a card stays at or above 0.9 for S days (R(S, S) = 0.9 by definition of S).
    assert planning.review_day_for(Card(stability=10.0), model, exam, today) == EXAM - timedelta(days=10)
    # At least one day before the exam, however weak the card.
    assert planning.review_day_for(Card(stability=0.3), model, exam, today) == EXAM - timedelta(days=1)
    # Never before today: a strong card whose day is past is reviewed today.
    assert planning.review_day_for(Card(stability=100.0), model, exam, today) == today
    # A lower target lets a review come earlier.
    low = ExamDate(on=EXAM, target=0.8)
    assert planning.review_day_for(Card(stability=10.0), model, low, today) < EXAM - timedelta(days=10)


def test_forecast_and_schedule(learner, study):
    settings = StudySettings.for_user(learner)
    exam = ExamDate.objects.create(user=learner, study=study, on=EXAM, target=0.9)
    weak, strong, early, never, fresh = cards(learner)
    learnt(weak, 5.0, NOW - timedelta(days=2), NOW + timedelta(days=30))  # due after the exam, low on the day
    learnt(strong, 400.0, NOW - timedelta(days=2), NOW + timedelta(days=300))  # fine on the day
    learnt(early, 5.0, NOW - timedelta(days=2), NOW + timedelta(days=3))  # low, but due in time already
    Card.objects.filter(pk=fresh.pk).update(suspended=True)  # set aside: not part of the exam
    forecast = planning.forecast(exam, settings, NOW)
    assert forecast.total == 4 and forecast.new == 1  # `never` is new
    assert forecast.below_count == 2 and {r.card.pk for r in forecast.below} == {weak.pk, early.pk}
    assert forecast.to_move == 1
    model = planning.Model(DEFAULT_PARAMETERS, 0.9)
    # 28 Feb 12:00 to the start of the exam day (20 March, 4 am): 19 whole days, as py-fsrs counts them.
    expected = (model.recall(19, 5.0) + model.recall(19, 400.0) + model.recall(19, 5.0) + 0) / 4  # new: 0
    assert forecast.mean_recall == pytest.approx(expected)

    version = Card.objects.get(pk=weak.pk).version
    assert planning.schedule_for_exam(exam, settings, NOW) == 1
    weak_after = Card.objects.get(pk=weak.pk)
    assert weak_after.due == datetime(2026, 3, 15, 4, tzinfo=UTC), "exam − 5 days, at the start of the day"
    assert weak_after.version == version + 1 and weak_after.stability == 5.0, "only the due date moves"
    assert Card.objects.get(pk=early.pk).due == NOW + timedelta(days=3)
    assert Card.objects.get(pk=strong.pk).due == NOW + timedelta(days=300)
    assert planning.schedule_for_exam(exam, settings, NOW) == 0, "run twice, nothing more moves"


def test_the_pages(alice, learner, study):
    r = alice.get("/study/exams/")
    assert r.status_code == 200 and "No exam date yet." in r.content.decode()
    settings = StudySettings.for_user(learner)
    today = datetime.now(ZoneInfo(settings.timezone)).date()  # the learner's calendar day, as the form's
    tomorrow = today + timedelta(days=1)
    r = alice.post("/study/exams/", {"covers": f"study-{study.pk}", "on": today.isoformat(), "target": "0.9"})
    assert r.status_code == 400 and "Choose a day after today." in r.content.decode()
    r = alice.post(
        "/study/exams/",
        {"covers": f"study-{study.pk}", "on": (tomorrow + timedelta(days=20)).isoformat(), "target": "0.9"},
    )
    exam = ExamDate.objects.get()
    assert r.status_code == 302 and r.url == f"/study/exams/{exam.pk}/"
    r = alice.post("/study/exams/", {"covers": f"study-{study.pk}", "on": tomorrow.isoformat(), "target": "0.9"})
    assert r.status_code == 400 and ExamDate.objects.count() == 1, "one exam date per study"

    now = datetime.now(UTC)
    weak = cards(learner)[0]
    learnt(weak, 3.0, now - timedelta(days=1), now + timedelta(days=60))
    r = alice.get(f"/study/exams/{exam.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "Review them before the exam" in html and "Are AAV vectors integrative?" in html
    r = alice.post(f"/study/exams/{exam.pk}/", {"action": "schedule"}, follow=True)
    assert "1 card will come back for review before the exam." in r.content.decode()
    assert Card.objects.get(pk=weak.pk).due < now + timedelta(days=60)

    r = alice.post(
        f"/study/exams/{exam.pk}/", {"action": "save", "covers": f"study-{study.pk}", "on": "", "target": "2"}
    )
    assert r.status_code == 400 and ExamDate.objects.get().target == 0.9
    r = alice.post(f"/study/exams/{exam.pk}/", {"action": "delete"})
    assert r.status_code == 302 and not ExamDate.objects.exists()


def test_another_learners_exam_and_study_are_out_of_reach(client, learner, study):
    exam = ExamDate.objects.create(user=learner, study=study, on=EXAM)
    bob = factory.make_user("bob", factory.Role.LEARNER)
    client.force_login(bob)
    assert client.get(f"/study/exams/{exam.pk}/").status_code == 404
    assert client.post(f"/study/exams/{exam.pk}/", {"action": "delete"}).status_code == 404
    assert client.post(f"/study/exams/{exam.pk}/", {"action": "schedule"}).status_code == 404
    r = client.post("/study/exams/", {"covers": f"study-{study.pk}", "on": "2099-01-01", "target": "0.9"})
    assert r.status_code == 400 and ExamDate.objects.count() == 1
    assert ExamDate.objects.get().study == study


def test_a_study_assignment_due_date_is_the_exam_date_unless_the_learner_set_one(alice, learner):
    due = date.today() + timedelta(days=10)
    q = factory.make_question("q-1")
    homework = factory.make_quizset("hw", [q], title="Homework")
    study, _ = scheduling.add_study(learner, quizset=homework, target_date=due)
    exam = ExamDate.objects.get(user=learner, study=study)
    assert exam.on == due
    r = alice.get("/study/exams/")
    assert "Homework" in r.content.decode() and exam.get_absolute_url() in r.content.decode()
    exam.on = due + timedelta(days=5)
    exam.save()
    scheduling.add_study(learner, quizset=homework, target_date=due + timedelta(days=1))  # assigned again
    assert ExamDate.objects.get().on == due + timedelta(days=5), "the learner's own date stays"
    scheduling.add_study(
        learner, quizset=factory.make_quizset("old", [q]), target_date=date.today() - timedelta(days=3)
    )
    assert ExamDate.objects.count() == 1, "a due date already past is no exam to plan for"


def test_a_due_date_without_an_exam_date_is_offered(alice, learner):
    due = date.today() + timedelta(days=10)
    study, _ = scheduling.add_study(learner, quizset=factory.make_quizset("hw", [factory.make_question("q-1")]))
    Study.objects.filter(pk=study.pk).update(target_date=due)  # e.g. the learner removed the exam date
    r = alice.get("/study/exams/")
    html = r.content.decode()
    assert "Due dates of your assignments" in html and f'href="?study={study.pk}#h-new"' in html
    r = alice.get("/study/exams/", {"study": study.pk})
    assert f'value="{due.isoformat()}"' in r.content.decode()


def test_in_french(alice, learner, study):
    exam = ExamDate.objects.create(user=learner, study=study, on=date.today() + timedelta(days=30))
    r = alice.get(f"/study/exams/{exam.pk}/", headers={"Accept-Language": "fr"})
    html = r.content.decode()
    assert "rappel prévu le jour de l’examen" in html
    assert "0,9" in html  # the target, in the form, as French writes it


# --- an exam date for a deck ------------------------------------------------------------------------------


@pytest.fixture
def deck(learner, study):
    """A deck holding two own cards and the cards of the quiz set put in it; one more own card stays out."""
    deck = Deck.objects.create(user=learner, name="Vectors")
    own_cards.make_cards(learner, [("OWN-WEAK", "a"), ("OWN-NEW", "b")], deck)
    own_cards.make_cards(learner, [("ELSEWHERE", "c")], None)
    return deck


def put_in_deck(client, study, deck):
    assert client.post(f"/studies/{study.pk}/deck/", {"deck": deck.pk}).status_code == 302


def test_a_deck_covers_its_own_cards_and_its_quiz_sets_cards(alice, learner, study, deck):
    put_in_deck(alice, study, deck)
    exam = ExamDate.objects.create(user=learner, deck=deck, on=EXAM)
    covered = {c.question.prompt for c in exam.cards().select_related("question")}
    from_sets = Card.objects.filter(question__in=study.questions())
    assert set(exam.cards()) == set(Card.objects.filter(question__prompt__startswith="OWN-")) | set(from_sets)
    assert "ELSEWHERE" not in covered
    assert exam.title == "Vectors" and str(exam).endswith("Vectors on 2026-03-20")

    settings = StudySettings.for_user(learner)
    weak = Card.objects.get(question__prompt="OWN-WEAK")
    from_set = Card.objects.filter(question__in=study.questions()).order_by("pk").first()
    learnt(weak, 5.0, NOW - timedelta(days=2), NOW + timedelta(days=30))
    learnt(from_set, 5.0, NOW - timedelta(days=2), NOW + timedelta(days=40))
    outside = Card.objects.get(question__prompt="ELSEWHERE")
    learnt(outside, 5.0, NOW - timedelta(days=2), NOW + timedelta(days=30))
    forecast = planning.forecast(exam, settings, NOW)
    assert forecast.total == 2 + from_sets.count() and forecast.new == forecast.total - 2
    assert {r.card.pk for r in forecast.below} == {weak.pk, from_set.pk} and forecast.to_move == 2
    assert planning.schedule_for_exam(exam, settings, NOW) == 2
    assert Card.objects.get(pk=weak.pk).due == datetime(2026, 3, 15, 4, tzinfo=UTC), "the documented rule"
    assert Card.objects.get(pk=outside.pk).due == NOW + timedelta(days=30), "a card of no deck stays"


def test_the_deck_pages(alice, learner, study, deck):
    html = alice.get(f"/decks/{deck.pk}/").content.decode()
    assert f'href="/study/exams/?deck={deck.pk}#h-new"' in html and "Set an exam date for this deck" in html
    html = alice.get("/study/exams/", {"deck": deck.pk}).content.decode()
    assert f'<option value="deck-{deck.pk}" selected>Vectors</option>' in html
    assert '<optgroup label="Your decks">' in html and '<optgroup label="Your studies">' in html

    on = date.today() + timedelta(days=30)
    r = alice.post("/study/exams/", {"covers": f"deck-{deck.pk}", "on": on.isoformat(), "target": "0.9"})
    exam = ExamDate.objects.get(deck=deck)
    assert r.status_code == 302 and r.url == exam.get_absolute_url() and exam.study is None
    r = alice.post("/study/exams/", {"covers": f"deck-{deck.pk}", "on": on.isoformat(), "target": "0.9"})
    assert r.status_code == 400 and "already has an exam date" in r.content.decode(), "one exam date per deck"

    now = datetime.now(UTC)
    weak = Card.objects.get(question__prompt="OWN-WEAK")
    learnt(weak, 3.0, now - timedelta(days=1), now + timedelta(days=60))
    html = alice.get(exam.get_absolute_url()).content.decode()
    assert "<h1>Vectors — " in html and f'href="/decks/{deck.pk}/"' in html
    assert "OWN-WEAK" in html and "Review them before the exam" in html
    r = alice.post(exam.get_absolute_url(), {"action": "schedule"}, follow=True)
    assert "1 card will come back for review before the exam." in r.content.decode()
    html = alice.get(f"/decks/{deck.pk}/").content.decode()
    assert f'href="{exam.get_absolute_url()}"' in html and "Exam on " in html

    # A deck's exam date moves to a study, and the refused changes keep what was saved.
    r = alice.post(
        exam.get_absolute_url(), {"action": "save", "covers": "deck-x", "on": on.isoformat(), "target": "0.9"}
    )
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    assert "<h1>Vectors — " in r.content.decode()
    r = alice.post(exam.get_absolute_url(), {"action": "save", "covers": "", "on": on.isoformat(), "target": "0.9"})
    assert r.status_code == 400 and ExamDate.objects.get().deck == deck
    r = alice.post(
        exam.get_absolute_url(),
        {"action": "save", "covers": f"study-{study.pk}", "on": on.isoformat(), "target": "0.8"},
    )
    exam.refresh_from_db()
    assert r.status_code == 302 and (exam.study, exam.deck, exam.target) == (study, None, 0.8)


def test_another_learners_deck_and_its_exam_are_out_of_reach(client, learner, deck):
    exam = ExamDate.objects.create(user=learner, deck=deck, on=EXAM)
    bob = factory.make_user("bob", factory.Role.LEARNER)
    mine = Deck.objects.create(user=bob, name="Mine")
    client.force_login(bob)
    assert client.get(exam.get_absolute_url()).status_code == 404
    assert client.post(exam.get_absolute_url(), {"action": "schedule"}).status_code == 404
    assert client.get(f"/decks/{deck.pk}/").status_code == 404
    html = client.get("/study/exams/", {"deck": deck.pk}).content.decode()
    assert "Vectors" not in html and f"deck-{mine.pk}" in html
    r = client.post("/study/exams/", {"covers": f"deck-{deck.pk}", "on": "2099-01-01", "target": "0.9"})
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    assert list(ExamDate.objects.all()) == [exam]


def test_an_exam_date_names_a_study_or_a_deck_never_both_nor_neither(learner, study, deck):
    for fields in ({"study": study, "deck": deck}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExamDate.objects.create(user=learner, on=EXAM, **fields)


def test_a_deck_exam_in_french(alice, learner, deck):
    alice.get("/study/exams/", headers={"Accept-Language": "fr"})
    html = alice.get("/study/exams/", {"deck": deck.pk}, headers={"Accept-Language": "fr"}).content.decode()
    assert '<optgroup label="Vos paquets">' in html and "Série, texte ou paquet" in html
    exam = ExamDate.objects.create(user=learner, deck=deck, on=date.today() + timedelta(days=30))
    html = alice.get(f"/decks/{deck.pk}/", headers={"Accept-Language": "fr"}).content.decode()
    assert "Examen le " in html and exam.get_absolute_url() in html
