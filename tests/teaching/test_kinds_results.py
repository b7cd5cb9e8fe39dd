"""Item analysis, results and CSV for matching, ordering and numeric questions (partial credit counts in the score),
and one line per bilingual item."""

import csv
import io

import pytest

from quizzes.models import Enrollment
from quizzes.quizzing.flow import record_answer, start_attempt
from quizzes.teaching import results as teaching
from tests import factory
from tests.assignments import assign


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


def take(user, assignment, answers: dict) -> None:
    attempt = start_attempt(user, assignment.quizset, assignment=assignment)
    for position, pk in enumerate(attempt.question_ids, start=1):
        question = next(q for q in assignment.quizset.questions.all() if q.pk == pk)
        record_answer(attempt, position, question, answers[question.external_id])


@pytest.fixture
def graded(classroom, learner):
    """alice: all right; bob: matching 1/3, ordering shifted (2/3), numeric wrong."""
    matching, ordering, numeric = factory.make_matching(), factory.make_ordering(), factory.make_numeric()
    quizset = factory.make_quizset("kinds", [matching, ordering, numeric])
    assignment = assign(classroom, quizset)
    bob = factory.make_user("bob", factory.Role.LEARNER)
    Enrollment.objects.create(classroom=classroom, learner=bob)
    aav, car, atmp = matching.choices.all()
    steps = [c.pk for c in ordering.ordered_items()]
    take(
        learner,
        assignment,
        {
            "q-matching": {"matches": {str(c.pk): c.pk for c in (aav, car, atmp)}},
            "q-ordering": {"order": steps},
            "q-numeric": {"text": "3,5"},
        },
    )
    take(
        bob,
        assignment,
        {
            "q-matching": {"matches": {str(aav.pk): aav.pk, str(car.pk): atmp.pk, str(atmp.pk): car.pk}},
            "q-ordering": {"order": steps[1:] + steps[:1]},
            "q-numeric": {"text": "4"},
        },
    )
    return assignment


def test_partial_credit_counts_in_the_score_and_the_item_analysis(graded):
    rows, items = teaching.results(graded)
    scores = {r.learner.username: r.score for r in rows}
    assert scores["alice"] == 1.0
    assert scores["bob"] == pytest.approx((1 / 3 + 2 / 3 + 0) / 3)
    matching, ordering, numeric = items
    assert matching.facility == pytest.approx((1 + 1 / 3) / 2)
    assert ordering.facility == pytest.approx((1 + 2 / 3) / 2)
    assert numeric.facility == 0.5 and numeric.choices == []
    assert [(c.label, c.picked) for c in matching.choices] == [
        ("AAV → adeno-associated virus", 2),
        ("CAR → chimeric antigen receptor", 1),
        ("ATMP → advanced therapy", 1),
    ]
    assert [(c.label, c.picked) for c in ordering.choices] == [
        ("1. Collect the cells", 1),
        ("2. Modify them", 1),
        ("3. Grow them", 1),
        ("4. Infuse them", 1),
    ]


def test_pages_and_csv(tom, graded, learner):
    html = tom.get(f"/teach/assignments/{graded.pk}/").content.decode()
    assert "CAR → chimeric antigen receptor — 1 right (50%)" in html
    r = tom.get(f"/teach/assignments/{graded.pk}/results.csv")
    lines = {row[0]: row for row in csv.reader(io.StringIO(r.content.decode()))}
    assert lines["bob"][2] == "33.3"
    bob = graded.classroom.learners.get(username="bob")
    drill = tom.get(f"/teach/assignments/{graded.pk}/learners/{bob.pk}/").content.decode()
    assert "◐" in drill and "CAR → advanced therapy" in drill


def test_a_bilingual_item_is_one_line(classroom, learner):
    fr_source = factory.make_source("fr", language="fr", title="FR", text="La thérapie génique corrige un gène.")
    en = factory.make_question("item-en")
    fr = factory.make_question(
        "item-fr",
        source=fr_source,
        passage="La thérapie génique corrige un gène.",
        choices=[("Non intégratif", True), ("Intégratif", False)],
        translation_of=en,
    )
    assignment = assign(classroom, factory.make_quizset("mixed", [en, fr]))
    take(
        learner,
        assignment,
        {
            "item-en": {"choices": [en.choices.get(is_correct=True).pk]},
            "item-fr": {"choices": [fr.choices.get(is_correct=True).pk]},
        },
    )
    _rows, items = teaching.results(assignment)
    assert len(items) == 1 and items[0].question == en and items[0].answered == 1
    assert {c.choice.text for c in items[0].choices} == {
        "Non-integrative",
        "Integrative",
        "Non intégratif",
        "Intégratif",
    }
