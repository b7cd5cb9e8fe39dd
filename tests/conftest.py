import os
import shutil

import pytest

from tests import factory


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def learner(db):
    return factory.make_user("alice", factory.Role.LEARNER)


@pytest.fixture
def teacher(db):
    return factory.make_user("tom", factory.Role.TEACHER)


@pytest.fixture
def admin_user(db):
    return factory.make_user("ada", factory.Role.ADMIN)


@pytest.fixture
def chromium_path() -> str:
    """Debian's Chromium. In CI its absence is a failure, elsewhere a skip that says what to install."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: CI must install it (apt-get install chromium)")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    return path
