"""The bank's version: a token that changes, at once, whenever something the bank shows is saved or
deleted, for caches of pages made from the bank (the library, quizzes/library.py).

Signals on Source, Passage, Topic, Question, its topics and choices, QuizSet and QuizSetItem bump it; code that
changes the bank without signals (queryset.update(), as in the admin's actions) calls `bump()` itself.
It is kept in two places, both read in a few microseconds:

- a token in the cache, so that every process sharing it (Redis, with REDIS_URL) sees a new version (with a
  cache of each process's own memory, in a variable of the process);
- in a stamp file (settings.LEARNAPP_BANK_STAMP), so that processes with their own local-memory cache on one
  machine (gunicorn's workers, without Redis) see it too. Its first 8 bytes are rewritten in place at each change,
  and each process reads them through a shared memory map of the file, which sees another process's write at once
  without a system call: a stat of the file cost each kept page 10-25 µs (docs/performance.md, session 8). So the
  file is never replaced nor deleted while the app runs (a process would keep reading the old one).
"""

import mmap
import os
import threading
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


STAMP_BYTES = 8
# This process's map of the stamp file: (the setting, its path, the map). One at a time: the path is a setting
# (each test has its own), and a map holds a file descriptor.
_mapped: tuple[object, str, mmap.mmap] | None = None
_mapping = threading.Lock()


def _map() -> mmap.mmap | None:
    """The stamp file mapped in memory, made (8 zero bytes) if it is not there; None if it cannot be (a read-only
    disk without it)."""
    global _mapped
    setting = settings.LEARNAPP_BANK_STAMP
    mapped = _mapped
    if mapped is not None and mapped[0] is setting:  # the setting's own object: no path to build
        return mapped[2]
    with _mapping:  # threads (runserver, gthread workers) map it once
        return _map_anew(setting)


def _map_anew(setting) -> mmap.mmap | None:
    global _mapped
    path = str(setting)
    if _mapped is not None and _mapped[1] == path:
        _mapped = (setting, path, _mapped[2])
        return _mapped[2]
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        if os.fstat(fd).st_size < STAMP_BYTES:
            os.pwrite(fd, bytes(STAMP_BYTES), 0)
        mapped = mmap.mmap(fd, STAMP_BYTES, mmap.MAP_SHARED, mmap.PROT_READ)
    except OSError:
        return None
    finally:
        os.close(fd)  # the map keeps its own
    if _mapped is not None:
        _mapped[2].close()  # another path's: a thread still reading it reads again (_stamp_text)
    _mapped = (setting, path, mapped)
    return mapped


def _stamp_text() -> str:
    """The stamp's bytes as text; "0" without a stamp."""
    for _attempt in range(3):
        stamp = _map()
        if stamp is None:
            return "0"
        try:
            return stamp[:STAMP_BYTES].hex()
        except ValueError:  # closed by a thread that mapped the stamp of a new setting (tests change it)
            continue
    return "0"


# With a cache of this process's own memory (no REDIS_URL), the token is this process's alone: kept in a variable,
# as reading it from that cache cost each kept page ~30 µs. The stamp carries changes between processes.
_own_token: str | None = None


def cache_is_shared() -> bool:
    """Whether the default cache is shared between processes (Redis), not each process's own memory."""
    return not settings.CACHES["default"]["BACKEND"].endswith(".LocMemCache")


def current() -> str:
    """The bank's current version: the cache's token and the stamp file's bytes."""
    global _own_token
    if not cache_is_shared():
        _own_token = token = _own_token or uuid.uuid4().hex
    elif (token := cache.get(VERSION_KEY)) is None:
        token = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY, token)
    return f"{token}.{_stamp_text()}"


def shared() -> str:
    """The bank's version as every process of this machine sees it, for what is kept where they all read it (the
    database: quizzes/study/kept_queue.py): the cache's token and the stamp with a shared cache (Redis), else the
    stamp alone, which every bump rewrites after its commit; this process's own version (current()) without a stamp
    (a read-only disk), which changes with its own bumps only, as its pages do."""
    if cache_is_shared():
        return current()
    stamp = _stamp_text()
    return stamp if stamp != "0" else current()


def _bump_cache() -> None:
    global _own_token
    if cache_is_shared():
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    else:
        _own_token = uuid.uuid4().hex


def _bump_stamp() -> None:
    """New random bytes in place (random, not a counter: two processes bumping at once never write one value). A
    reader meeting a write half done reads bytes it never saw before: a miss, never a stale page."""
    try:
        fd = os.open(_stamp(), os.O_WRONLY | os.O_CREAT, 0o644)
    except FileNotFoundError:
        try:
            _stamp().parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(_stamp(), os.O_WRONLY | os.O_CREAT, 0o644)
        except OSError:
            return
    except OSError:  # a read-only disk: the cache's version still changes
        return
    try:
        os.pwrite(fd, os.urandom(STAMP_BYTES), 0)
    finally:
        os.close(fd)


def _bump_all() -> None:
    _bump_cache()
    _bump_stamp()


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
