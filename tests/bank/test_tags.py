"""Tags on questions: admins tag the bank, teachers their own questions, learners their own cards; the builder,
the card browser and the library filter by tag."""

import pytest
from django.test import Client

from quizzes.bank.models import Question, QuizSet, Tag
from quizzes.study import cards
from tests import factory


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_tag_names_are_words_lowercased_once_each():
    from quizzes.bank.models import tag_names

    assert tag_names("Exam-1, hard  exam-1\tvectors") == ["exam-1", "hard", "vectors"]


def test_tagged_keeps_questions_with_every_tag(db):
    a, b = factory.make_question("a"), factory.make_question("b")
    a.set_tags("x y")
    b.set_tags("x")
    assert set(Question.objects.tagged("x").values_list("external_id", flat=True)) == {"a", "b"}
    assert list(Question.objects.tagged("x", "y").values_list("external_id", flat=True)) == ["a"]
    assert Question.objects.tagged("").count() == 2


def test_a_teacher_tags_their_own_question(teacher):
    source = factory.make_source()
    data = {
        "kind": "flashcard",
        "prompt": "P?",
        "back": "B",
        "explanation": "E",
        "difficulty": 2,
        "source": source.pk,
        "passage_text": "Gene therapy",
        "tags_text": "Unit-3 recap",
        "choices-TOTAL_FORMS": 4,
        "choices-INITIAL_FORMS": 0,
    }
    c = client_for(teacher)
    r = c.post("/teach/questions/new/", {**data, "tags_text": "not a/valid"})
    assert "tags use lowercase letters" in r.content.decode() and not Question.objects.exists()
    assert c.post("/teach/questions/new/", data).status_code == 302
    assert sorted(teacher.own_questions.get().tags.values_list("name", flat=True)) == ["recap", "unit-3"]


def test_the_builder_filters_by_tag(teacher):
    tagged = factory.make_question("tagged", prompt="TAGGED-Q")
    factory.make_question("plain", prompt="PLAIN-Q")
    tagged.set_tags("unit-3")
    html = client_for(teacher).get("/teach/sets/new/?tag=unit-3").content.decode()
    assert "TAGGED-Q" in html and "PLAIN-Q" not in html and "<option selected>unit-3</option>" in html


def test_the_builder_lists_no_tag_of_someone_elses_own_cards(teacher, learner):
    factory.make_question("q")
    cards.make_cards(learner, [("f", "b")], None, tags="alices-secret")
    assert "alices-secret" not in client_for(teacher).get("/teach/sets/new/").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "learner", "teacher"])
def test_the_library_filters_sets_by_tag(who, learner, teacher):
    a, b = factory.make_question("a"), factory.make_question("b")
    factory.make_quizset("set-with-tag", [a], title="SET-WITH-TAG")
    factory.make_quizset("set-without", [b], title="SET-WITHOUT")
    a.set_tags("unit-3")
    # A learner's own card tagged the same does not bring a set, or anything, into the library.
    cards.make_cards(learner, [("OWN-CARD", "b")], None, tags="unit-3")
    c = {"anonymous": Client(), "learner": client_for(learner), "teacher": client_for(teacher)}[who]
    html = c.get("/?tag=unit-3").content.decode()
    assert "SET-WITH-TAG" in html and "SET-WITHOUT" not in html and "OWN-CARD" not in html
    html = c.get("/").content.decode()
    assert "SET-WITH-TAG" in html and "SET-WITHOUT" in html
    assert list(QuizSet.objects.tagged("unit-3").values_list("key", flat=True)) == ["set-with-tag"]
    assert Tag.objects.filter(name="unit-3").count() == 1
