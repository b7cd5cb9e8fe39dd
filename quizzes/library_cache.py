"""The library page of a learner, kept whole while nothing it is made from changes (as study/progress_cache.py).

Rendered, the page costs four queries (the due counts per set, the held questions, the queue's counts, the
assignments) and its templates: several times what a logged-in request costs. Kept, it costs no query of its own:
its key is the learner's page generation, loaded with the user, which the database bumps on every write to what
their part is made from (their cards, log, own questions, studies, decks, attempts, extensions, enrollments, and
the classes, assignments and assigned sets of their classes: quizzes.study.models.PageGeneration), with what else
it depends on (the settings, the local day, the bank's version, the language, the time zone, the name:
quizzes/study/learner_pages.py `key`). Only learners' pages are kept: no navigation of a role that sees more.

What moves with time alone: a learning card comes within the queue's look-ahead or comes due, a buried card comes
back, an assignment opens, comes within two days of the learner's due date, or reaches it (its status moves, its
answers are revealed, its questions are no longer held); the page is kept only until the first of these moments,
read (with whether the learner has an assignment) in one query when the page is rendered (learner_pages
`moments`); and a new day (in the key).

Not kept: a teacher or an admin (their library is their own), a filtered or htmx request, and a page with a
message to show. The CSRF token and the CSP nonce are cut out of the kept page and written in at
each request."""

from datetime import datetime

from django.contrib.messages import get_messages

from . import kept, library
from .study import learner_pages
from .study.models import StudySettings


def keeps(request) -> bool:
    """Whether this request's page may come from the cache: a learner's library, unfiltered, in full, with
    no message waiting (showing it uses it up)."""
    return (
        request.user.is_authenticated
        and not request.META.get("QUERY_STRING")  # not request.GET: parsing an empty query costs a request ~5 µs
        and not kept.htmx(request)
        and library.sees_the_published_bank(request)
        and not len(get_messages(request))
    )


def page(request, now: datetime, render) -> bytes | None:
    """The page's HTML: from the cache while nothing it is made from changed, else `render(token, nonce,
    assigned)`, which renders it with the CSRF token and the CSP nonce given (`assigned`: whether the learner has
    an assignment; when not, the render need not look for them). None when the learner's page cannot be kept."""
    settings = StudySettings.read_for(request.user)
    key = learner_pages.key(request, settings, now)
    if key is None:
        return None
    found = {}

    def until():
        # Read only when the page is rendered: when it changes with time alone, and whether they are assigned.
        found["until"], found["assigned"] = learner_pages.moments(request, settings, now)
        return found["until"]

    return kept.html(
        request,
        f"learnapp:library-page:{request.user.pk}:{key}",
        until,
        now,
        lambda marks: render(marks["csrf"], marks["nonce"], found["assigned"]),
        encoded=True,
    )
