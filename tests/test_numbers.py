"""Percentages as the reader's language writes them."""

from django.template import Context, Template
from django.utils import translation


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
