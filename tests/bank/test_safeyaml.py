"""The hardened loader refuses everything beyond plain data (RELIABILITY.md cases 21-25)."""

from datetime import date

import pytest

from quizzes.bank import safeyaml


def refused(data: bytes) -> str:
    with pytest.raises(safeyaml.YamlRefused) as exc:
        safeyaml.load(data)
    return str(exc.value)


def test_it_loads_plain_data_and_remembers_lines():
    data = safeyaml.load(b"version: 1\nquestions:\n  - id: a\n    kind: single\n")
    assert data == {"version": 1, "questions": [{"id": "a", "kind": "single"}]}
    assert data.line_of("questions") == 2
    assert data["questions"][0].line_of("kind") == 4


def test_it_refuses_an_alias_bomb():
    bomb = b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n" % ((i, i) + (i - 1,) * 10)
        for i in range(1, 9)
    )
    assert refused(bomb) == "line 1: anchors (&a0) are not allowed"


def test_it_refuses_a_merge_key_bomb_without_expanding_it():
    bomb = b"m0: {a: 1}\n" + b"".join(
        b"m%d: {<<: [*m%d, *m%d, *m%d]}\n" % (i, i - 1, i - 1, i - 1) for i in range(1, 8)
    )
    assert "merge keys (<<) are not allowed" in refused(bomb)


def test_it_refuses_a_plain_merge_key():
    assert refused(b"a:\n  <<: {b: 1}\n") == "line 2: merge keys (<<) are not allowed"


def test_it_refuses_deep_nesting_without_crashing():
    assert refused(b"[" * 100_000) == "line 1: nesting deeper than 32"


def test_it_refuses_python_tags(tmp_path):
    marker = tmp_path / "pwned"
    message = refused(f"q: !!python/object/apply:os.system ['touch {marker}']\n".encode())
    assert message.startswith("line 1: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed")
    assert not marker.exists()


def test_it_refuses_any_explicit_tag():
    assert "tag" in refused(b"a: !!str 1\n")
    assert "tag" in refused(b"a: !custom x\n")


def test_it_refuses_a_big_file_before_parsing():
    assert refused(b"a: '" + b"x" * (3 * 1024 * 1024) + b"'\n") == "file larger than 2 MiB"


def test_it_refuses_bytes_that_are_not_utf8():
    assert refused(b"a: 1\nb: caf\xe9\n") == "line 2: file is not UTF-8"


def test_it_refuses_several_documents():
    assert refused(b"a: 1\n---\nb: 2\n") == "line 2: only one YAML document per file"


def test_it_reports_syntax_errors_with_their_line():
    assert refused(b"a: [1, 2\nb: 3\n").startswith("line 2: YAML syntax error")


def test_it_refuses_duplicate_and_non_text_keys():
    assert refused(b"a: 1\na: 2\n") == "line 2: duplicate key 'a'"
    assert refused(b"1: x\n") == "line 1: mapping keys must be text, not 1"


def test_an_empty_file_is_none():
    assert safeyaml.load(b"") is None
    assert safeyaml.load("\ufeffa: 1".encode()) == {"a": 1}


def test_a_collection_key_is_refused_and_quoted_whole():
    assert refused(b"[a, b]: 1\n") == "line 1: mapping keys must be text, not ['a', 'b']"
    assert refused(b"x: {? {a: [1]}: 2}\n") == "line 1: mapping keys must be text, not {'a': [1]}"


def test_a_plain_value_the_safe_constructor_cannot_build_is_text():
    # `=` resolves to YAML 1.1's "value" tag, which the safe constructor has no function for.
    assert safeyaml.load(b"a: =\nb: <<\n") == {"a": "=", "b": "<<"}


def test_plain_scalars_are_typed_and_quoted_ones_are_text():
    data = safeyaml.load(b"a: 1\nb: '1'\nc: true\nd: ~\ne:\nf: 2.5\ng: 2026-01-02\n")
    assert data == {
        "a": 1,
        "b": "1",
        "c": True,
        "d": None,
        "e": None,
        "f": 2.5,
        "g": date(2026, 1, 2),
    }
