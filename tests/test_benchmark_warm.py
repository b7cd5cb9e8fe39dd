"""scripts/benchmark.py warms every page it measures in the server's workers before the first round (not timed: the
figures are in docs/performance.md, session 12)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("benchmark", Path(__file__).parent.parent / "scripts" / "benchmark.py")
benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(benchmark)

INFO = {"attempt": 1, "finished": 2, "assignment": 3}
COOKIES = {name: f"sessionid={name}" for name in ("short", "long", "teacher", "rater")}


def test_every_page_measured_is_warmed_first_rate_and_next_with_its_script():
    todo = benchmark.pages(INFO, 2000, COOKIES)
    lua = Path("/tmp/rate.lua")
    runs, idle = [], []
    benchmark.warm(todo, "http://host", lua, run=lambda *args: runs.append(args), idle=lambda: idle.append(1))
    # Each page as its rounds drive it (the same URL, cookie and script), one after the other, the server idle between.
    measured = [(*benchmark.wrk_target(page, "http://host", lua), page["cookie"]) for page in todo]
    assert [(url, script, cookie) for url, _seconds, cookie, script in runs] == measured
    assert len(idle) == len(todo)
    rate = next(run for run in runs if run[3] is not None)
    assert rate == ("http://host/review/", 1, COOKIES["rater"], str(lua))


def test_only_rate_and_next_posts_ratings():
    todo = benchmark.pages(INFO, 2000, COOKIES)
    targets = {page["name"]: benchmark.wrk_target(page, "http://host", Path("/tmp/rate.lua")) for page in todo}
    assert targets.pop("rate-and-next (POST)") == ("http://host/review/", "/tmp/rate.lua")
    assert targets["library"] == ("http://host/", None)
    assert all(script is None for _url, script in targets.values())
