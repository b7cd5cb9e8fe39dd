"""Percentages as the reader's language writes them."""

import re
import uuid
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from quizzes.models import Assignment
from quizzes.study import scheduling
from quizzes.study.models import Card, ReviewLog
from quizzes.teaching import results as teaching
from tests import factory


def render(value) -> str:
    return Template("{% load numbers %}{{ value|percent }}").render(Context({"value": value}))


def test_a_share_is_a_whole_percentage_in_english():
    with translation.override("en"):
        assert render(0.8) == "80%"
        assert render(0.666) == "67%"
        assert render(1) == "100%"
        assert render(None) == ""


def test_french_puts_a_narrow_no_break_space_before_the_sign():
    with translation.override("fr"):
        assert render(0.8) == "80\u202f%"
        assert render(0) == "0\u202f%"


# --- numbers a machine reads (attributes, SVG) stay machine-formatted whatever the reader's language ---

MACHINE_ATTRIBUTE = re.compile(
    r'\s(value|low|high|optimum|min|max|width|height|x|y|viewBox|data-[\w-]+|aria-value\w+)="([^"]*)"'
)
# A decimal comma or a thousands separator between two digits: "0,846", "1 764 000" (no-break spaces).
LOCALIZED = re.compile(r"\d[,\u00a0\u202f]\d")


def localized_machine_values(page: str) -> list[str]:
    return [f'{name}="{value}"' for name, value in MACHINE_ATTRIBUTE.findall(page) if LOCALIZED.search(value)]


@pytest.fixture
def french_pages(client, learner, teacher, classroom, settings):
    """Every page with numbers in its attributes, rendered in French with thousands separators on (they would
    show in the large numbers: ids, timestamps in milliseconds)."""
    settings.USE_THOUSAND_SEPARATOR = True
    now = timezone.now()
    card_question = factory.make_question("card", kind="flashcard", choices=[], back="BACK")
    questions = [factory.make_question(f"q-{i}") for i in range(6)]
    timed = factory.make_quizset("timed", questions, time_limit=timedelta(minutes=5))
    studied = factory.make_quizset("studied", [card_question, *questions])
    assignment = teaching.assign(
        Assignment(classroom=classroom, quizset=studied, mode="study", due_at=now + timedelta(days=9))
    )
    cards = list(Card.objects.filter(user=learner).order_by("pk"))
    for card in cards[:4]:
        scheduling.rate(learner, card.pk, 3, token=uuid.uuid4(), now=now - timedelta(days=3))
    # Review-state reviews in the last week, one forgotten: a true retention that is not a whole number.
    for i, rating in enumerate([3, 3, 1, 3, 4, 3, 3]):
        ReviewLog.objects.create(
            user=learner, card=cards[i % 4], reviewed_at=now - timedelta(days=i % 5), rating=rating, state_before=2
        )
    scheduling.rebuild_review_days(learner)

    pages = {}
    client.force_login(learner)
    fr = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    pages["progress"] = client.get("/progress/", **fr)
    card = Card.objects.get(user=learner, question=card_question)
    pages["review answer"] = client.get(f"/review/{card.pk}/reveal/", **fr)
    attempt_page = client.post(f"/sets/{timed.key}/start/", follow=True, **fr)
    pages["timed quiz"] = attempt_page
    client.force_login(teacher)
    pages["study results"] = client.get(f"/teach/assignments/{assignment.pk}/", **fr)
    return {name: r.content.decode() for name, r in pages.items() if r.status_code == 200 or pytest.fail(name)}


def test_machine_numbers_use_a_dot_in_french(french_pages):
    assert 'lang="fr"' in french_pages["progress"]
    assert re.search(r'<meter [^>]*value="0\.\d+"', french_pages["progress"]), "the true-retention bars have a value"
    assert re.search(r'<meter [^>]*value="0\.\d+"', french_pages["study results"]), "predicted recall is drawn"
    assert re.search(r'data-seconds-left="\d+"', french_pages["timed quiz"])
    assert re.search(r'name="shown_at" value="\d{13}"', french_pages["review answer"])
    assert {name: localized_machine_values(page) for name, page in french_pages.items()} == {
        name: [] for name in french_pages
    }


def test_the_words_around_them_are_french(french_pages):
    assert "\u00a0%" in french_pages["progress"] or "\u202f%" in french_pages["progress"]
    assert re.search(r"rétention souhaitée de 0,\d\d", french_pages["progress"]), "prose keeps the decimal comma"
