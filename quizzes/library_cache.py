"""The library page of a learner, kept whole while nothing it is made from changes (as study/progress_cache.py).

Rendered, the page costs four queries (the due counts per set, the held questions, the queue's counts, the
assignments) and its templates: several times what a logged-in request costs. Kept, it costs one query: a
fingerprint of what the learner's part is made from (the cards it counts, new or due before the day ends: their
count, versions, states, removals, last id; every write to a card bumps its version; their own questions; today's
ratings), read with what else it depends on without a query (the settings, the local day, the bank's version,
the language, the time zone, the name). Only learners' pages are kept: no navigation of a role that sees more.

A learner with assignments: the same query reads, per assignment of their classes, what their part is made
from (the assignment's columns that the page and the withheld rule read, its class's name and archiving, their
extension, their attempts on it, its set's items, their cards of that set: FINGERPRINT_SQL).

What moves with time alone: a learning card comes within the queue's look-ahead, a buried card comes back, an
assignment opens, comes within two days of the learner's due date, or reaches it (its status moves, its answers
are revealed, its questions are no longer held); the page is kept only until the first of these moments, which
the same query reads; and a new day (in the key).

Not kept: a teacher or an admin (their library is their own), a filtered or htmx request, and a page with a
message to show. The CSRF token and the CSP nonce are cut out of the kept page and written in at
each request."""

from datetime import datetime

from django.contrib.messages import get_messages

from . import kept, library
from .study.learner_pages import fingerprint
from .study.models import StudySettings


def keeps(request) -> bool:
    """Whether this request's page may come from the cache: a learner's library, unfiltered, in full, with
    no message waiting (showing it uses it up)."""
    return (
        request.user.is_authenticated
        and not request.GET
        and not request.htmx
        and library.sees_the_published_bank(request)
        and not len(get_messages(request))
    )


def page(request, now: datetime, render) -> str:
    """The page's HTML: from the cache while nothing it is made from changed, else `render(token, nonce,
    assigned)`, which renders it with the CSRF token and the CSP nonce given (`assigned`: whether the learner has
    an assignment; when not, the render need not look for them)."""
    settings = StudySettings.read_for(request.user)
    key, until, assigned = fingerprint(request, settings, now)
    key = f"learnapp:library-page:{request.user.pk}:{key}"
    return kept.html(request, key, until, now, lambda marks: render(marks["csrf"], marks["nonce"], assigned))
