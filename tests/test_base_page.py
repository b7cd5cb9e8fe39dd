"""The frame of every page (templates/base.html): its navigation is rendered once per process for each language,
page and role ({% memo %}), and what is the request's own is rendered for it: the user's name, the CSRF token,
the CSP nonce, the page to come back to after a change of language."""

import re

import pytest
from django.template import Context, Template
from django.test import Client, override_settings


def render(source: str, **context) -> str:
    return Template("{% load memo %}" + source).render(Context(context))


def test_memo_renders_once_for_each_combination_of_its_values():
    template = Template("{% load memo %}{% memo kind %}{{ kind }}-{{ other }}{% endmemo %}")
    assert template.render(Context({"kind": "a", "other": 1})) == "a-1"
    assert template.render(Context({"kind": "a", "other": 2})) == "a-1", "kept: `other` is not one of its values"
    assert template.render(Context({"kind": "b", "other": 3})) == "b-3"


def test_memo_is_emptied_when_a_setting_changes():
    template = Template("{% load memo %}{% memo %}{% url 'quizzes:home' %}{% endmemo %}")
    assert template.render(Context()) == "/"
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert template.render(Context()) == "/elsewhere/"
    assert template.render(Context()) == "/"


def test_memo_needs_values_it_can_tell_apart():
    with pytest.raises(Exception, match="memo"):
        render("{% memo kind %}{{ kind }}{% endmemo %}", kind=["a list"])


@pytest.fixture
def pages(db, learner, teacher, admin_user):
    clients = {}
    for user in (learner, teacher, admin_user):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    clients["visitor"] = Client()
    return clients


def nav(html: str) -> str:
    return html.split('<ul class="nav-links">')[1].split("</ul>")[0]


def test_each_request_gets_its_own_name_token_nonce_and_return_page(pages):
    seen = {}
    for name in ("alice", "tom", "alice", "visitor", "ada"):
        response = pages[name].get("/?q=vectors")
        html = response.content.decode()
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert html.count("<script") == html.count(f'nonce="{nonce}"')
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        tokens |= set(re.findall(r'"x-csrftoken": "([^"]+)"', html))
        assert len(tokens) == 1
        assert (nonce, *tokens) not in seen.values(), "a nonce or token is never served twice"
        seen[len(seen)] = (nonce, *tokens)
        assert '<input type="hidden" name="next" value="/?q=vectors">' in html
        if name == "visitor":
            assert 'class="who"' not in html and 'href="/accounts/login/"' in html
        else:
            assert f'<span class="who">{name}' in html
            assert html.count('name="csrfmiddlewaretoken"') == 2  # log out, language


def test_the_navigation_follows_the_role_the_page_and_the_language(pages):
    learner, teacher, admin = (nav(pages[n].get("/").content.decode()) for n in ("alice", "tom", "ada"))
    assert "/teach/" not in learner and "/teach/" in teacher and "/teach/" in admin
    assert "/admin/quizzes/question/" not in teacher and "/admin/quizzes/question/" in admin
    assert 'href="/" aria-current="page"' in learner
    review = nav(pages["alice"].get("/review/").content.decode())
    assert 'href="/" aria-current="page"' not in review and 'href="/review/" aria-current="page"' in review
    french = pages["alice"].get("/", headers={"accept-language": "fr"}).content.decode()
    assert ">Bibliothèque</a>" in nav(french) and ">English</button>" in french
    assert "/review/" not in nav(pages["visitor"].get("/").content.decode())


def test_memo_refuses_a_block_a_page_could_fill_in():
    with pytest.raises(Exception, match="block"):
        render("{% memo %}{% block title %}{% endblock %}{% endmemo %}")
