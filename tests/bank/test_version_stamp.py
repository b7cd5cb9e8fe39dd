"""The bank's version as the processes of one machine share it: the stamp file, read through a memory map, sees
another process's change at once; an old stamp, a missing one and a disk where none can be made all work."""

import os
import subprocess
import sys

from django.core.cache import cache

from quizzes.bank import version
from tests.processes import ROOT

BUMP = "import django; django.setup(); from quizzes.bank import version; version._bump_stamp()"


def bump_in_another_process(stamp) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "learnapp.settings", "LEARNAPP_BANK_STAMP": str(stamp)}
    subprocess.run([sys.executable, "-c", BUMP], cwd=ROOT, env=env, check=True, timeout=60)


def test_another_process_bumping_the_stamp_changes_the_version_here_at_once(settings):
    before = version.current()
    assert version.current() == before  # nothing changed: the same
    bump_in_another_process(settings.LEARNAPP_BANK_STAMP)
    after = version.current()
    assert after != before
    assert after.split(".")[0] == before.split(".")[0]  # this process's cache is as it was: the stamp told
    bump_in_another_process(settings.LEARNAPP_BANK_STAMP)
    assert version.current() not in (before, after)


def test_a_bump_here_changes_the_stamp_other_processes_read(settings):
    before = version.current()
    version._bump_stamp()
    assert version.current() != before


def test_a_missing_stamp_is_made_and_an_old_one_is_rewritten_in_place(settings, tmp_path):
    stamp = tmp_path / "new" / "stamp"
    settings.LEARNAPP_BANK_STAMP = stamp
    first = version.current()
    assert stamp.read_bytes() == bytes(version.STAMP_BYTES)
    assert first.endswith("." + "00" * version.STAMP_BYTES)

    old = tmp_path / "old-stamp"
    old.write_text("0123456789abcdef0123456789abcdef")  # what the code before wrote: a uuid's hex
    settings.LEARNAPP_BANK_STAMP = old
    inode, size = old.stat().st_ino, old.stat().st_size
    assert version.current().endswith("." + b"01234567".hex())
    version._bump_stamp()
    assert (old.stat().st_ino, old.stat().st_size) == (inode, size)  # in place: readers' maps still see it
    assert not version.current().endswith("." + b"01234567".hex())


def test_the_map_follows_the_setting_and_keeps_one_file_open(settings, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    settings.LEARNAPP_BANK_STAMP = a
    version._bump_stamp()
    on_a = version.current()
    settings.LEARNAPP_BANK_STAMP = b
    on_b = version.current()
    assert on_b != on_a
    assert version._mapped[1] == str(b)
    settings.LEARNAPP_BANK_STAMP = a
    assert version.current() == on_a


def test_without_a_stamp_the_cache_alone_carries_the_version(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.LEARNAPP_BANK_STAMP = blocker / "stamp"  # its folder cannot be made
    before = version.current()
    assert before.endswith(".0")
    version._bump_all()  # no error: the cache's token changes
    assert version.current() != before
    cache.clear()


def test_the_shared_version_is_the_same_in_every_process_of_the_machine(settings, tmp_path):
    """What is kept in the database for every process (the kept review queue) is keyed by the version they all see:
    with a cache of each process's own memory, the stamp, which a bump rewrites for them all."""
    settings.LEARNAPP_BANK_STAMP = tmp_path / "stamp"
    version._bump_stamp()
    here = version.shared()
    version._bump_cache()  # as another process's token differs from this one's: a token of its own
    assert version.shared() == here
    bump_in_another_process(settings.LEARNAPP_BANK_STAMP)  # a change made anywhere on the machine
    assert version.shared() != here


def test_without_a_stamp_the_shared_version_is_this_processs_own(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.LEARNAPP_BANK_STAMP = blocker / "stamp"  # its folder cannot be made
    before = version.shared()
    assert before == version.current()
    version._bump_all()  # this process's own change still shows
    assert version.shared() != before
    cache.clear()


def test_with_a_shared_cache_the_version_is_read_from_it(settings):
    """With Redis (several machines), a change made on another machine reaches this one through the cache: its
    stamp file is not shared."""
    from tests.test_nodes import REDIS_URL, redis_is_there

    redis_is_there()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-version-{os.getpid()}",
        }
    }
    try:
        before = version.current()
        assert version.current() == before
        cache.set(version.VERSION_KEY, "another-machine-bumped-it", None)  # as another machine's bump does
        assert version.current() != before
        assert version.current().startswith("another-machine-bumped-it.")
        assert version.shared() == version.current()  # another machine's change: its stamp is not this one's
        version._bump_cache()
        assert not version.current().startswith("another-machine-bumped-it.")
    finally:
        cache.delete(version.VERSION_KEY)


def test_threads_reading_it_at_once_map_it_once_and_all_read_it(settings, tmp_path):
    """A threaded server's first requests all ask at once: none may read a map another thread closed."""
    import threading

    def read(start, seen, errors):
        start.wait()
        try:
            seen.append(version.current())
        except Exception as exc:  # noqa: BLE001 - the failure is what is checked
            errors.append(exc)

    for attempt in range(5):
        settings.LEARNAPP_BANK_STAMP = tmp_path / f"stamp-{attempt}"  # a new setting: every thread maps it anew
        start, seen, errors = threading.Barrier(16), [], []
        threads = [threading.Thread(target=read, args=(start, seen, errors)) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and len(seen) == 16
        assert len({value.split(".")[1] for value in seen}) == 1
