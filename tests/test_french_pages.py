"""The learner's and the teacher's pages read as French: no English left, French typography, and dates,
durations and counts as French writes them (issue 17, "French and formats")."""

import re
from datetime import date, timedelta

from django.template import Context, Template
from django.utils import timezone, translation

from quizzes.study import scheduling, stats
from quizzes.study.models import Card
from quizzes.teaching import results as teaching
from quizzes.teaching.models import Assignment
from tests import factory
from tests.markup import shown

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
NBSP = "\u00a0"


def duration(value, language: str) -> str:
    with translation.override(language):
        return Template("{% load numbers %}{{ value|duration }}").render(Context({"value": value}))


def test_durations_are_said_as_people_say_them():
    assert duration(timedelta(seconds=20), "en") == "20 seconds"
    assert duration(timedelta(seconds=1), "en") == "1 second"
    assert duration(timedelta(minutes=45), "en") == "45 minutes"
    assert duration(timedelta(minutes=1, seconds=30), "en") == "1 min 30 s"
    assert duration(timedelta(hours=1, minutes=30), "en") == "1 h 30 min"
    assert duration(timedelta(hours=2), "en") == "2 hours"
    assert duration(754.4, "en") == "12 min 34 s"
    assert duration(timedelta(seconds=20), "fr") == "20 secondes"
    assert duration(timedelta(hours=1), "fr") == "1 heure"
    assert duration(None, "fr") == ""


def test_month_labels_are_distinct_lower_case_french_abbreviations():
    with translation.override("fr"):
        labels = [str(m) for m in stats.MONTH_LABELS]
        svg = stats._heatmap({date(2026, 7, 14): 3}, date(2026, 11, 29))["svg"]
    assert labels == ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    assert re.findall(r'class="axis">([^<]+)<', svg)[:3] == ["déc.", "janv.", "févr."]
    assert f"<title>14 juil. 2026{NBSP}: 3</title>" in svg


def test_a_quiz_sets_rules_in_french(client, learner):
    quizset = factory.make_quizset(
        "timed", [factory.make_question()], time_limit=timedelta(seconds=20), max_attempts=1, question_count=1
    )
    client.force_login(learner)
    page = client.get(quizset.get_absolute_url(), **FR).content.decode()
    assert shown(page, f"Durée limite{NBSP}: 20 secondes")
    assert shown(page, "1 tentative au maximum · il en reste 1")
    assert shown(page, "1 question tirée au hasard")
    assert "0:00:20" not in page and "attempts" not in page


def test_a_quiz_sets_rules_in_english_count_right(client, learner):
    quizset = factory.make_quizset("timed", [factory.make_question()], time_limit=timedelta(minutes=90), max_attempts=1)
    client.force_login(learner)
    page = client.get(quizset.get_absolute_url()).content.decode()
    assert shown(page, "Time limit: 1 h 30 min") and shown(page, "At most 1 attempt ·")


def test_the_fitting_refusal_is_french_information_not_a_success(client, learner):
    client.force_login(learner)
    page = client.post("/study/optimize/", follow=True, **FR).content.decode()
    message = re.search(r'<li class="message ([a-z]+)">([^<]*)</li>', page)
    assert message, page
    assert message.group(1) == "info"
    assert shown(message.group(2), "Pas encore assez de révisions") and "400" in message.group(2)
    assert "fitting needs" not in page


def test_review_buttons_use_ankis_french_words(client, learner):
    question = factory.make_question("card", kind="flashcard", choices=[], back="BACK")
    scheduling.add_study(learner, quizset=factory.make_quizset("set", [question]))
    card = Card.objects.get(user=learner)
    client.force_login(learner)
    page = client.get(f"/review/{card.pk}/reveal/", **FR).content.decode()
    labels = re.findall(r'<span class="label">([^<]+)</span>', page)
    assert labels == ["À revoir", "Difficile", "Correct", "Facile"]
    assert '<span class="key">Entrée</span>' in page


def test_the_teachers_pages_in_french(client, teacher, learner, classroom):
    quizset = factory.make_quizset("set", [factory.make_question()])
    assignment = teaching.assign(
        Assignment(classroom=classroom, quizset=quizset, due_at=timezone.now() + timedelta(days=7))
    )
    client.force_login(teacher)
    results = client.get(f"/teach/assignments/{assignment.pk}/", **FR).content.decode()
    assert f"Facilité{NBSP}: —" in results and f"Discrimination{NBSP}: —" in results
    assert shown(results, "à rendre le ")
    one_learner = client.get(f"/teach/assignments/{assignment.pk}/learners/{learner.pk}/", **FR).content.decode()
    assert re.search(r'<p class="lede">À rendre le \d{1,2} \w+ \d{4}, \d\d:\d\d', one_learner)
    form = client.get(f"/teach/classes/{classroom.pk}/assign/", **FR).content.decode()
    assert re.search(r'<label for="id_quizset">Série de questions\s*:', form), "not the field's name, Quizset"
    question_form = client.get("/teach/questions/new/", **FR).content.decode()
    assert re.search(r"<label[^>]*>Thèmes\s*:", question_form) and "Topics" not in question_form


def test_an_assignment_on_the_learners_home_page_says_its_due_date(client, learner, classroom):
    quizset = factory.make_quizset("set", [factory.make_question()])
    teaching.assign(Assignment(classroom=classroom, quizset=quizset, due_at=timezone.now() + timedelta(days=7)))
    client.force_login(learner)
    page = client.get("/", **FR).content.decode()
    assert re.search(r"à faire</span>\s*· à rendre le \d{1,2} \w+ \d{4}, \d\d:\d\d", page)


def test_a_bad_review_log_is_explained_in_french(client, learner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = b"card_id,review_time,review_rating\n1,1700000000000,3\n2,soon,3\n3,1700000000000,9\n"
    client.force_login(learner)
    r = client.post("/study/log/import/", {"file": SimpleUploadedFile("bad.csv", bad)}, follow=True, **FR)
    page = r.content.decode()
    assert shown(page, f"bad.csv:3{NBSP}: review_time{NBSP}: 'soon' n’est ni un nombre de millisecondes depuis 1970")
    assert shown(page, f"bad.csv:4{NBSP}: review_rating{NBSP}: 9 est hors limites (de 1 à 4)")
    assert "is neither" not in page and "out of range" not in page
