"""A YAML loader for untrusted files: plain data only, bounded in size, depth and work.

`yaml.safe_load` alone is not enough (RELIABILITY.md §A7): alias bombs load as shared references
that explode when walked, merge-key bombs explode inside `safe_load` itself, and deep nesting
crashes the C parser. So the event stream is scanned first and anything beyond plain data is
refused before a single object is built; then the nodes are converted by hand, keeping the line of
every mapping key so that schema errors can name it.
"""

from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_EVENTS = 200_000

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalars = yaml.constructor.SafeConstructor()


ECHO_LIMIT = 60


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """A piece of the file quoted in a message, cut short: the message must not be as long as the file."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def echo(value: object) -> str:
    return shorten(repr(value))


class YamlRefused(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class Map(dict):
    """A mapping that remembers the line of the mapping and of each key."""

    line: int = 0
    lines: dict

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class Seq(list):
    line: int = 0
    lines: list


@dataclass
class _Frame:
    is_mapping: bool
    expecting_key: bool = True


def _line(mark) -> int:
    return mark.line + 1 if mark is not None else 0


def _scan(text: str) -> None:
    """Refuse anchors, aliases, tags, merge keys, several documents, deep or huge streams."""
    stack: list[_Frame] = []
    documents = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=Loader)):
            line = _line(event.start_mark)
            if count > MAX_EVENTS:
                raise YamlRefused(f"more than {MAX_EVENTS} YAML events", line)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlRefused("only one YAML document per file", line)
            if isinstance(event, yaml.AliasEvent):
                raise YamlRefused(f"aliases (*{shorten(event.anchor)}) are not allowed", line)
            if isinstance(event, yaml.NodeEvent):
                if event.anchor is not None:
                    raise YamlRefused(f"anchors (&{shorten(event.anchor)}) are not allowed", line)
                tag = getattr(event, "tag", None)
                if tag is not None:
                    raise YamlRefused(f"tag {shorten(tag)} is not allowed", line)
                is_key = bool(stack) and stack[-1].is_mapping and stack[-1].expecting_key
                if stack and stack[-1].is_mapping:
                    stack[-1].expecting_key = not stack[-1].expecting_key
                if isinstance(event, yaml.ScalarEvent) and is_key and event.value == "<<" and event.implicit[0]:
                    raise YamlRefused("merge keys (<<) are not allowed", line)
                if isinstance(event, yaml.CollectionStartEvent):
                    stack.append(_Frame(is_mapping=isinstance(event, yaml.MappingStartEvent)))
                    if len(stack) > MAX_DEPTH:
                        raise YamlRefused(f"nesting deeper than {MAX_DEPTH}", line)
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlRefused(f"YAML syntax error: {exc.problem or exc.context}", _line(mark)) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        raise YamlRefused(f"YAML error: {exc}") from None


def _convert(node):
    if isinstance(node, MappingNode):
        result = Map()
        result.line, result.lines = _line(node.start_mark), {}
        for key_node, value_node in node.value:
            key = _convert(key_node)
            line = _line(key_node.start_mark)
            if not isinstance(key, str):
                raise YamlRefused(f"mapping keys must be text, not {echo(key)}", line)
            if key in result:
                raise YamlRefused(f"duplicate key {echo(key)}", line)
            result[key] = _convert(value_node)
            result.lines[key] = line
        return result
    if isinstance(node, SequenceNode):
        result = Seq(_convert(item) for item in node.value)
        result.line = _line(node.start_mark)
        result.lines = [_line(item.start_mark) for item in node.value]
        return result
    assert isinstance(node, ScalarNode)
    return _scalar(node)


def _scalar(node: ScalarNode):
    """A plain value; one the resolver types but Python cannot build is an error on its line
    (an integer past `sys.get_int_max_str_digits()`, a date like 2026-13-45)."""
    try:
        return _scalars.construct_object(node)
    except (ValueError, OverflowError):
        line = _line(node.start_mark)
        kind = node.tag.rsplit(":", 1)[-1]
        if kind == "int":
            raise YamlRefused(f"number too long ({len(node.value)} characters)", line) from None
        if kind == "timestamp":
            raise YamlRefused(f"{echo(node.value)} is not a valid date (quote it to keep it as text)", line) from None
        raise YamlRefused(f"{echo(node.value)} is not a valid {kind}", line) from None


def load(data: bytes) -> object:
    """Parse one untrusted YAML file into plain dicts, lists and scalars, or raise YamlRefused."""
    if len(data) > MAX_BYTES:
        raise YamlRefused(f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlRefused("file is not UTF-8", line) from None
    text = text.removeprefix("\ufeff")
    _scan(text)
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:  # pragma: no cover - the scan has already parsed it
        raise YamlRefused(f"YAML error: {exc}") from None
    return None if node is None else _convert(node)
