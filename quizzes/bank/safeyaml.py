"""A YAML loader for untrusted files: plain data only, bounded in size, depth and work.

`yaml.safe_load` alone is not enough (RELIABILITY.md §A7): alias bombs load as shared references
that explode when walked, merge-key bombs explode inside `safe_load` itself, and deep nesting
crashes the C parser. So the data is built from the event stream by hand, and anything beyond
plain data is refused when its event arrives, before anything is made of it; the line of every
mapping key is kept so that schema errors can name it.
"""

import yaml
from yaml.nodes import ScalarNode

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


def _line(mark) -> int:
    return mark.line + 1 if mark is not None else 0


_resolver = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_NO_KEY = object()
_COLLECTION_KEY = object()


def _build(text: str):
    """Check the event stream and build the data from it in the same pass: anything beyond plain data
    (anchors, aliases, tags, merge keys, several documents, deep or huge streams) is refused when its
    event arrives, before anything is made of it. (Composing nodes first and converting them after
    walked the file three times; the import of 10,000 questions spent most of its validation there.)"""
    root = None
    # One frame per open collection: [container, is_mapping, pending key (or _NO_KEY), the key's line]
    stack: list[list] = []
    documents = 0
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    first_chars = _resolver.yaml_implicit_resolvers
    try:
        for count, event in enumerate(yaml.parse(text, Loader=Loader)):
            kind = type(event)
            if count > MAX_EVENTS:
                raise YamlRefused(f"more than {MAX_EVENTS} YAML events", _line(event.start_mark))
            if kind is scalar_event or kind is mapping_start or kind is sequence_start:
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    raise YamlRefused(f"anchors (&{shorten(event.anchor)}) are not allowed", line)
                if event.tag is not None:
                    raise YamlRefused(f"tag {shorten(event.tag)} is not allowed", line)
                frame = stack[-1] if stack else None
                is_key = frame is not None and frame[1] and frame[2] is _NO_KEY
                if kind is scalar_event:
                    value = event.value
                    if event.implicit[0]:  # plain: text, or what the resolver makes of it (a number, null…)
                        if is_key and value == "<<":
                            raise YamlRefused("merge keys (<<) are not allowed", line)
                        if (value[:1]) in first_chars:
                            tag = _resolver.resolve(ScalarNode, value, (True, False))
                            if tag != _STR:
                                value = _scalar(ScalarNode(tag, value, event.start_mark, event.end_mark))
                else:
                    value = Map() if kind is mapping_start else Seq()
                    value.line, value.lines = line, {} if kind is mapping_start else []
                if frame is None:
                    root = value
                elif not frame[1]:
                    frame[0].append(value)
                    frame[0].lines.append(line)
                elif is_key and kind is not scalar_event:
                    frame[2], frame[3] = _COLLECTION_KEY, line  # refused at its end, quoted whole
                elif is_key:
                    if not isinstance(value, str):
                        raise YamlRefused(f"mapping keys must be text, not {echo(value)}", line)
                    if value in frame[0]:
                        raise YamlRefused(f"duplicate key {echo(value)}", line)
                    frame[2], frame[3] = value, line
                else:
                    frame[0][frame[2]] = value
                    frame[0].lines[frame[2]] = frame[3]
                    frame[2] = _NO_KEY
                if kind is not scalar_event:
                    stack.append([value, kind is mapping_start, _NO_KEY, 0])
                    if len(stack) > MAX_DEPTH:
                        raise YamlRefused(f"nesting deeper than {MAX_DEPTH}", line)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
                if stack and stack[-1][2] is _COLLECTION_KEY:
                    raise YamlRefused(f"mapping keys must be text, not {echo(value)}", stack[-1][3])
            elif kind is yaml.AliasEvent:
                raise YamlRefused(f"aliases (*{shorten(event.anchor)}) are not allowed", _line(event.start_mark))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlRefused("only one YAML document per file", _line(event.start_mark))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlRefused(f"YAML syntax error: {exc.problem or exc.context}", _line(mark)) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        raise YamlRefused(f"YAML error: {exc}") from None
    return root


def _scalar(node: ScalarNode):
    """A plain value the resolver types (a number, a boolean, a date, null); one Python cannot build is an
    error on its line (an integer past `sys.get_int_max_str_digits()`, a date like 2026-13-45)."""
    try:
        # The constructor's own function for the tag, not construct_object: that one keeps every node it
        # has built in a dict that lives as long as the constructor (here, the process). A tag it has no
        # function for (`=`, YAML 1.1's "value") is text.
        construct = _scalars.yaml_constructors.get(node.tag)
        return node.value if construct is None else construct(_scalars, node)  # `=` (a "value" tag) is text
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
    return _build(text.removeprefix("\ufeff"))
