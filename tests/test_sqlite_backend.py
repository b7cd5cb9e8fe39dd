"""The SQLite backend (learnapp/sqlite3): Django's, its placeholders converted once per statement text."""

import pytest
from django.db import connection

from learnapp.sqlite3 import base

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend")


def test_is_the_one_in_use(db):
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, base.CursorWrapper)


def test_converts_as_django_does(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s || '%%s' || %s, %s", ["a", "b", 3])
        assert cursor.fetchone() == ("a%sb", 3)
        # The same text with other values: the kept conversion, the new values.
        cursor.execute("SELECT %s || '%%s' || %s, %s", ["x", "y", 4])
        assert cursor.fetchone() == ("x%sy", 4)
        cursor.execute("SELECT %(a)s || %(b)s", {"a": "named ", "b": "parameters"})
        assert cursor.fetchone() == ("named parameters",)
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_keeps_a_bounded_number_of_statements():
    base._qmark.cache_clear()
    for i in range(base.KEPT + 10):
        assert base._qmark(f"SELECT %s, {i}") == f"SELECT ?, {i}"
    assert base._qmark.cache_info().currsize == base.KEPT
