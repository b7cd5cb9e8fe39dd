"""scripts/benchmark.py warms every page it measures in the server's workers before the first round (not timed: the
figures are in docs/performance.md, session 12)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("benchmark", Path(__file__).parent.parent / "scripts" / "benchmark.py")
benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(benchmark)

INFO = {"attempt": 1, "finished": 2, "assignment": 3}
COOKIES = {name: f"sessionid={name}" for name in ("short", "long", "teacher")}
SCRIPTS = {"rate-and-next (POST)": Path("/tmp/rate-0.lua"), "rating floor (reference)": Path("/tmp/rate-1.lua")}


def test_every_page_measured_is_warmed_first_the_ratings_with_their_scripts():
    todo = benchmark.pages(INFO, 2000, COOKIES)
    runs, idle = [], []
    benchmark.warm(todo, "http://host", SCRIPTS, run=lambda *args: runs.append(args), idle=lambda: idle.append(1))
    # Each page as its rounds drive it (the same URL, cookie and script), one after the other, the server idle between.
    measured = [(*benchmark.wrk_target(page, "http://host", SCRIPTS), page["cookie"]) for page in todo]
    assert [(url, script, cookie) for url, _seconds, cookie, script in runs] == measured
    assert len(idle) == len(todo)
    rates = [run for run in runs if run[3] is not None]
    assert rates == [
        ("http://host/review/", 1, "", "/tmp/rate-0.lua"),
        ("http://host/review/", 1, "", "/tmp/rate-1.lua"),
    ]


def test_only_the_ratings_post():
    todo = benchmark.pages(INFO, 2000, COOKIES)
    targets = {page["name"]: benchmark.wrk_target(page, "http://host", SCRIPTS) for page in todo}
    assert targets.pop("rate-and-next (POST)") == ("http://host/review/", "/tmp/rate-0.lua")
    assert targets.pop("rating floor (reference)") == ("http://host/review/", "/tmp/rate-1.lua")
    assert targets["library"] == ("http://host/", None)
    assert all(script is None for _url, script in targets.values())
