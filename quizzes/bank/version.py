"""The bank's version: a token that changes, at once, whenever something the bank shows is saved or
deleted, for caches of pages made from the bank (the library, quizzes/library.py).

Signals on Source, Passage, Topic, Question, its topics and choices, QuizSet and QuizSetItem bump it; code that
changes the bank without signals (queryset.update(), as in the admin's actions) calls `bump()` itself.
It is kept in two places, both read in a few microseconds:

- in the cache, so that every process sharing it (Redis, with REDIS_URL) sees a new version;
- as the modification time of a stamp file (settings.LEARNAPP_BANK_STAMP), so that processes with
  their own local-memory cache on one machine (gunicorn's workers, without Redis) see it too.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Choice, Passage, Question, QuizSet, QuizSetItem, Source, Topic

VERSION_KEY = "learnapp:bank-version"


def _stamp() -> Path:
    return Path(settings.LEARNAPP_BANK_STAMP)


def current() -> str:
    """The bank's current version: the cache's token and the stamp file's modification time."""
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY, token)
    try:
        mtime = os.stat(_stamp()).st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    return f"{token}.{mtime}"


def _bump_cache() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _bump_all() -> None:
    _bump_cache()
    stamp = _stamp()
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(uuid.uuid4().hex)  # a new modification time
    except OSError:  # a read-only disk: the cache's version still changes
        pass


def bump() -> None:
    """The bank changed: every cached library goes.

    Outside a transaction, at once. Inside one, this process's cache at once (its own later reads
    see the change) and everything again after the commit, once per transaction, so that a page that
    another process rendered meanwhile from the data before the commit is not kept under the new
    version. An import that saves 10,000 questions costs 10,000 cache writes and one file write."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _bump_all()
        return
    _bump_cache()
    if not any(func is _bump_all for _sids, func, _robust in conn.run_on_commit):
        transaction.on_commit(_bump_all)


def _on_change(sender, instance=None, **kwargs) -> None:
    # A learner's own card, and the empty text and passage it hangs on, are never in the library.
    if getattr(instance, "personal", False) or (sender in (Source, Passage) and instance.text == ""):
        return
    bump()


def _on_topics(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def connect() -> None:
    for model in (Source, Passage, Topic, Question, Choice, QuizSet, QuizSetItem):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"library-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"library-delete-{model.__name__}")
    m2m_changed.connect(_on_topics, sender=Question.topics.through, dispatch_uid="library-topics")
