"""{% id_url name id %} (quizzes/templatetags/memo.py): the URL of a view taking one integer id, reversed once per
name and the id written in, is what {% url %} gives for every id, under any script prefix and URLconf."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse, set_script_prefix

NAMES = ["quizzes:reveal", "quizzes:review_answer", "quizzes:rate", "quizzes:bury", "quizzes:suspend", "quizzes:card"]


def render(source: str, **context) -> str:
    return Template("{% load memo %}" + source).render(Context(context))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 987_654_321_012, 2**63 - 1])
def test_is_what_url_gives(name, pk):
    assert render("{% id_url name pk %}", name=name, pk=pk) == reverse(name, args=[pk])


def test_can_be_kept_in_a_variable():
    assert render("{% id_url 'quizzes:bury' 5 as bury %}<{{ bury }}>") == "</review/5/bury/>"


def test_follows_the_script_prefix_and_the_urlconf():
    assert render("{% id_url 'quizzes:rate' 3 %}") == "/review/3/rate/"
    set_script_prefix("/learn/")
    try:
        assert render("{% id_url 'quizzes:rate' 3 %}") == "/learn/review/3/rate/"
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert render("{% id_url 'quizzes:rate' 3 %}") == reverse("quizzes:rate", args=[3])
    assert render("{% id_url 'quizzes:rate' 3 %}") == "/review/3/rate/"


def test_takes_only_an_integer_id():
    with pytest.raises(ValueError):
        render("{% id_url 'quizzes:rate' pk %}", pk="3/../../admin")


def test_refuses_a_url_without_one_id():
    with pytest.raises(TemplateSyntaxError, match="id_url"):
        render("{% id_url 'quizzes:review' 3 %}")
