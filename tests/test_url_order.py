"""The order of the domains' URLs in quizzes/urls.py is free: no two of the app's routes match one path, so whichever
comes first, every path reaches the same view. The order is chosen for speed (the quizzes' and the study's routes
before the bank's: docs/performance.md, session 10); this says when a new route makes it matter."""

import re
from itertools import combinations

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse


def routes() -> list[tuple[str, list[str], dict, str]]:
    """(include, segments, converters, name) of every route under quizzes/urls.py."""
    quizzes = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "quizzes")
    out = []
    for entry in quizzes.url_patterns:
        patterns = entry.url_patterns if isinstance(entry, URLResolver) else [entry]
        source = entry.urlconf_name if isinstance(entry, URLResolver) else "quizzes.urls"
        for pattern in patterns:
            assert isinstance(pattern, URLPattern), pattern
            route = str(pattern.pattern)
            out.append((str(source), route.split("/"), pattern.pattern.converters, pattern.name))
    return out


def _segment(text: str, converters: dict) -> re.Pattern | str:
    if "<" not in text:
        return text
    regex = re.sub(
        r"<(?:\w+:)?(\w+)>",
        lambda m: f"(?:{converters[m[1]].regex})",
        re.escape(text).replace(r"\<", "<").replace(r"\>", ">"),
    )
    return re.compile(regex)


def may_overlap(a, b) -> bool:
    """Whether one path may match both routes: segment by segment, a literal is matched by the other's converter,
    and two converters are taken to overlap."""
    (_sa, segs_a, conv_a, _na), (_sb, segs_b, conv_b, _nb) = a, b
    if len(segs_a) != len(segs_b):
        return False
    for x, y in zip(segs_a, segs_b, strict=True):
        x, y = _segment(x, conv_a), _segment(y, conv_b)
        if isinstance(x, str) and isinstance(y, str):
            if x != y:
                return False
        elif isinstance(x, str):
            if not y.fullmatch(x):
                return False
        elif isinstance(y, str):
            if not x.fullmatch(y):
                return False
    return True


def test_no_two_routes_of_different_domains_match_one_path():
    found = routes()
    assert len(found) > 60
    assert all("path" not in str(type(c)).lower() for _s, _seg, conv, _n in found for c in conv.values())
    clashes = [(a[3], b[3]) for a, b in combinations(found, 2) if a[0] != b[0] and may_overlap(a, b)]
    assert clashes == []


def test_the_overlap_check_sees_a_clash():
    found = {r[3]: r for r in routes()}
    card = found["card"]  # cards/<int:card_id>/
    assert may_overlap(card, ("x", ["cards", "<int:n>", ""], {"n": card[2]["card_id"]}, "other"))
    assert may_overlap(card, ("x", ["cards", "7", ""], {}, "other"))
    assert not may_overlap(card, ("x", ["cards", "new", ""], {}, "other"))


def test_the_hot_paths_reach_their_views():
    for name, args in [("home", []), ("review", []), ("rate", [1]), ("progress", []), ("question", [1, 1])]:
        assert resolve(reverse(f"quizzes:{name}", args=args)).url_name == name
