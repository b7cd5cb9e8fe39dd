"""Pages kept whole (quizzes/kept.py): rendered once per key, the per-request values written in at each request:
the CSRF token, the nonce, a page's own fresh values, and values worked out from data kept with the page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from quizzes import kept

NOW = datetime(2026, 6, 15, 20, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _nothing_kept_in_this_process():
    kept._recent.clear()
    yield
    kept._recent.clear()


def request(nonce: str):
    made = RequestFactory().get("/")
    made._csp_nonce = nonce
    return made


def test_a_page_is_rendered_once_and_its_per_request_values_written_in():
    renders = []

    def render(marks):
        renders.append(marks)
        return f"<p nonce='{marks['nonce']}'>{marks['csrf']}|{marks['name']}</p>"

    first = kept.html(request("n0nce1"), "k1", None, NOW, render, {"name": "Ada"})
    second_request = request("n0nce2")
    second = kept.html(second_request, "k1", None, NOW, render, {"name": "Bob &amp; co"})
    assert len(renders) == 1
    assert first.startswith("<p nonce='n0nce1'>") and first.endswith("|Ada</p>")
    token = second[second.index(">") + 1 : second.index("|")]
    assert second == f"<p nonce='n0nce2'>{token}|Bob &amp; co</p>" and token not in first


def test_values_worked_out_from_data_kept_with_the_page():
    renders = []

    def render(marks):
        renders.append(marks)
        # The render names values as it meets them; their data is kept with the page.
        items = [3, 5]
        html = "".join(f"<li>{marks[f'item-{i}']}</li>" for i in range(len(items)))
        return f"<ul>{html}</ul>", items

    def at(now):
        return lambda items: {f"item-{i}": str(n * now.hour) for i, n in enumerate(items)}

    assert kept.html(request("n"), "k2", None, NOW, render, fill=at(NOW)) == "<ul><li>60</li><li>100</li></ul>"
    later = NOW + timedelta(hours=1)
    assert kept.html(request("n"), "k2", None, later, render, fill=at(later)) == "<ul><li>63</li><li>105</li></ul>"
    assert len(renders) == 1


def test_a_page_is_rendered_again_from_its_until():
    renders = []

    def render(marks):
        renders.append(marks)
        return f"<p>{len(renders)}</p>"

    until = NOW + timedelta(minutes=5)
    assert kept.html(request("n"), "k3", until, NOW, render) == "<p>1</p>"
    assert kept.html(request("n"), "k3", until, until - timedelta(microseconds=1), render) == "<p>1</p>"
    assert kept.html(request("n"), "k3", until, until, render) == "<p>2</p>"


def test_a_page_as_bytes_is_the_page_encoded():
    def render(marks):
        return f"<p nonce='{marks['nonce']}'>≥ {marks['name']} <i>{marks['csrf']}</i></p>"

    token = re.compile(r"<i>\w+</i>")
    text = kept.html(request("n0nce"), "k4", None, NOW, render, {"name": "Zoé"})
    for _ in range(2):  # the first encodes the kept text, the second uses this process's encoded copy
        page = kept.html(request("n0nce"), "k4", None, NOW, render, {"name": "Zoé"}, encoded=True)
        assert isinstance(page, bytes)
        assert token.sub("", page.decode()) == token.sub("", text) == "<p nonce='n0nce'>≥ Zoé </p>"
        assert token.search(page.decode()).group() != token.search(text).group()


def test_a_mark_met_several_times_and_marks_side_by_side_are_all_written_in():
    def render(marks):
        return f"{marks['a']}{marks['b']}-{marks['a']}{marks['csrf']}{marks['a']}"

    html = kept.html(request("n"), "k-side", None, NOW, render, {"a": "1", "b": "2"})
    assert html.startswith("12-1") and html.endswith("1") and len(html) == len("12-1") + 64 + 1
    assert kept._cut("x", {"a": "y"}) == ["x"]
    assert kept._cut("ayb", {"n": "y"}) == ["a", "n", "b"]


def test_pages_kept_by_other_code_are_not_served(monkeypatch, tmp_path, settings):
    renders = []

    def render(marks):
        renders.append(1)
        return "<p>page</p>"

    kept.html(request("n"), "k-release", None, NOW, render)
    kept.html(request("n"), "k-release", None, NOW, render)
    assert len(renders) == 1
    monkeypatch.setattr(kept, "release", lambda: "another-deploy")  # a shared cache, another version of the code
    kept.html(request("n"), "k-release", None, NOW, render)
    assert len(renders) == 2


def test_the_release_follows_the_code_and_the_templates(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    try:
        kept.release.cache_clear()
        first = kept.release()
        page.write_text("<p>two</p>")
        kept.release.cache_clear()
        assert kept.release() != first
    finally:
        kept.release.cache_clear()


class TestNeverCache:
    """The kept pages' never_cache sets Django's headers, the same bytes, at less cost."""

    @staticmethod
    def headers(response) -> dict:
        return {k: v for k, v in response.items() if k in ("Expires", "Cache-Control")}

    def test_the_headers_are_djangos(self, monkeypatch):
        from django.http import HttpResponse
        from django.utils.cache import add_never_cache_headers

        for moment in (1_790_000_000.2, 1_790_000_000.9, 1_790_000_001.0, 1_790_086_400.5):
            monkeypatch.setattr("time.time", lambda moment=moment: moment)
            ours = kept.never_cache(lambda request: HttpResponse("page"))(RequestFactory().get("/"))
            theirs = HttpResponse("page")
            add_never_cache_headers(theirs)
            assert self.headers(ours) == self.headers(theirs)
            assert set(self.headers(ours)) == {"Expires", "Cache-Control"}

    def test_a_response_with_its_own_cache_headers_goes_through_djangos(self, monkeypatch):
        from django.http import HttpResponse
        from django.utils.cache import add_never_cache_headers

        def view(request):
            response = HttpResponse("page")
            response["Cache-Control"] = "public, max-age=600"
            return response

        ours = kept.never_cache(view)(RequestFactory().get("/"))
        theirs = view(None)
        add_never_cache_headers(theirs)
        assert self.headers(ours) == self.headers(theirs)
        assert "no-store" in ours["Cache-Control"] and "max-age=0" in ours["Cache-Control"]
