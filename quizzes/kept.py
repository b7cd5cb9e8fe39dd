"""Pages kept whole: the HTML of a page is rendered once per key and served again while the key holds, with the
values that differ on every request (the CSRF token, the CSP nonce, a page's own) written in at each request.

The caller's key names everything the page is made from (a learner's page generation, which the database bumps on
every write to what their pages are made from: quizzes/study/learner_pages.py; or a fingerprint read in one query:
quizzes/quizzing/kept_pages.py), and this module adds a digest of the code that renders it (`release`), so a kept
page is never stale but for `until`, the first moment its content changes with time alone, checked here. A page is
cut where its per-request values are and stored as parts: text, then (odd items) the name of the value that goes
there.

A value may also be worked out at each request from data kept with the page (`fill`): the "due … ago" of the
progress page's cards, from their due dates (quizzes/study/progress_cache.py). The render then names those values
as it meets them: asked for a name it was not given, `marks` makes a new mark.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from functools import cache as cache_result
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

TIMEOUT = 60 * 60
# This process's copy of the pages it last read from the cache, by key: no unpickling, nor a trip to Redis, on
# each request. A key names what its page is made from, so a copy is never stale but for its `until`, checked.
RECENT = 64
_recent: dict[str, dict] = {}


def htmx(request) -> bool:
    """Whether the request came from htmx, read as django-htmx's `request.htmx` reads it but from the environ: that
    builds the request's headers, ~30 µs, which a kept page's request reads nothing else of."""
    return request.META.get("HTTP_HX_REQUEST") == "true"


NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
_expires: tuple[int, str] = (0, "")


def never_cache(view):
    """Django's `never_cache`, its headers written at once: Django's parses and joins the Cache-Control header
    twice and formats the date, ~30 µs of a kept page's ~300. The same headers (tests/test_kept.py compares them);
    a response that already has either goes through Django's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        global _expires
        response = view(request, *args, **kwargs)
        if "Cache-Control" in response or "Expires" in response:
            add_never_cache_headers(response)
            return response
        second = int(time.time())
        if _expires[0] != second:
            _expires = (second, http_date(second))
        response.headers["Expires"] = _expires[1]
        response.headers["Cache-Control"] = NEVER_CACHE
        return response

    return wrapper


def _word() -> str:
    return f"kept{secrets.token_hex(12)}"


class Marks(dict):
    """The marks of a render: a name not yet marked gets a new random word."""

    def __missing__(self, name: str) -> str:
        mark = self[name] = _word()
        return mark


def _cut(page: str, marks: dict[str, str]) -> list[str]:
    """The page cut at its marks: text, then (odd items) the name of the mark that was there. Plain splits, one
    mark after the other: a regular expression of every mark costs ten times as much on a page of tens of kB."""
    parts = [page]
    for name, mark in marks.items():
        cut = []
        for i, part in enumerate(parts):
            if i % 2:
                cut.append(part)
                continue
            for j, piece in enumerate(part.split(mark)):
                if j:
                    cut.append(name)
                cut.append(piece)
        parts = cut
    return parts


@cache_result
def release() -> str:
    """What this process renders pages with: a digest of the app's code, templates and translations. In the keys,
    so a page kept in a shared cache (Redis) by the code before a deploy is not served by the code after it."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for path in sorted(
        [
            *root.glob("quizzes/**/*.py"),
            *root.glob("templates/**/*.html"),
            *root.glob("quizzes/**/templates/**/*.html"),
            *root.glob("locale/**/*.mo"),
        ]
    ):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def html(
    request,
    key: str,
    until: datetime | None | Callable[[], datetime | None],
    now: datetime,
    render: Callable[[dict[str, str]], Any],
    fresh: dict[str, str] | None = None,
    *,
    fill: Callable[[Any], dict[str, str]] | None = None,
    encoded: bool = False,
) -> str | bytes:
    """The page's HTML: from the cache while `key` holds and `now` is before the kept page's `until`, else
    `render(marks)`. `marks` maps "csrf", "nonce" and the names of `fresh` to the text the render must put where
    each per-request value goes (the token and the nonce are their own marks: random, no text holds them by
    chance; the others are random words), and `fresh` gives this request's values of its names. `until` may be a
    function, called (before the render) only when the page is rendered.

    With `fill`, `render(marks)` returns the page and data to keep with it, may ask `marks` for names of its own,
    and `fill(data)` gives this request's values of those (their text as it goes in the HTML: escaped).

    With `encoded`, the page as UTF-8 bytes, its text encoded once per process: encoding a page of tens of kB
    that holds non-ASCII text costs more at each request than the rest of the writing-in."""
    token, nonce = get_token(request), str(get_nonce(request))
    key = f"{key}:{release()}"
    found = _recent.get(key) or cache.get(key)
    if found is None or (found["until"] is not None and now >= found["until"]):
        if callable(until):
            until = until()
        marks = Marks({"csrf": token, "nonce": nonce} | {name: _word() for name in fresh or {}})
        page, data = render(marks) if fill else (render(marks), None)
        parts = _cut(page, marks)
        found = {"parts": parts, "until": until, "data": data}
        if until is None or now < until:
            cache.set(key, found, TIMEOUT)
    if _recent.get(key) is not found:
        if len(_recent) >= RECENT:
            _recent.clear()
        _recent[key] = found
    values = {"csrf": token, "nonce": nonce} | (fresh or {})
    if fill:
        values |= fill(found["data"])
    parts = found["parts"]
    if encoded:
        if "encoded" not in found:  # this process's copy only: the cache's is pickled when set
            found["encoded"] = [part.encode() for part in parts]
        out = found["encoded"][:]
        for i in range(1, len(parts), 2):
            out[i] = values[parts[i]].encode()
        return b"".join(out)
    out = parts[:]
    for i in range(1, len(parts), 2):
        out[i] = values[parts[i]]
    return "".join(out)
