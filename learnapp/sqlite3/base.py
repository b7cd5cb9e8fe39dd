"""Django's SQLite backend, with its placeholders converted once per statement text instead of on every execute.

Django writes "%s" placeholders and SQLite reads "?": its cursor rewrites every statement with a regular expression
before running it. The hot pages run a few long statements of their own (the queue's is 6 kB with the visibility
rule, the card's 3.5 kB), where that rewrite alone cost about 0.15 ms of a rating's 4 (in-process, CPU time),
more than SQLite took to run some of them. The rewrite is a function of the text alone, so it is kept (an LRU of the
most recent texts; the ORM's statements repeat too, their values being parameters).
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base

# Statement texts kept: the app's distinct statements are a few hundred; a long one is a few kB.
KEPT = 512


@lru_cache(maxsize=KEPT)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)
