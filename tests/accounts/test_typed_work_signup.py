"""Nothing lost on signup: a refused password keeps the username."""

import html

from tests.markup import input_value


def test_signup_keeps_the_username(client, db):
    data = {"username": "newbie", "password1": "a-long-test-password", "password2": "another-one"}
    page = client.post("/accounts/signup/", data).content.decode()
    assert input_value(page, "username") == "newbie"
    assert "The two password fields didn" in html.unescape(page)
