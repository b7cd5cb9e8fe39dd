"""Import and export of the question bank as YAML (format: docs/bank-format.md).

An import happens in three steps: every file is parsed by the hardened loader and checked
against the schema (all errors of all files are collected, with file and line); the records are
resolved against each other and against the database (sources, topics, passages verbatim in
their source); only then, in one short transaction, rows are written. Nothing is written unless
everything is valid, and re-importing the same bank changes nothing.

A question remembers a hash of what was last imported into it (Question.imported_hash), so an
import tells a file edit from an edit made in the app: it updates a question only the file changed,
keeps one only the app changed, and reports a question changed on both sides as a conflict, keeping
the app's version unless asked to overwrite.
"""

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_duration
from django.utils.duration import duration_string

from . import safeyaml, version
from .models import (
    CLOZE_BLANK,
    Choice,
    Language,
    Passage,
    Question,
    QuizSet,
    QuizSetItem,
    Source,
    Topic,
    web_url_validator,
)
from .safeyaml import echo, shorten

BATCH = 1000  # rows per INSERT of the bulk writes

KEY = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LANGUAGES = {code for code, _label in Language.choices}
KINDS = {code for code, _label in Question.Kind.choices}
TOLERANCE_KINDS = {code for code, _label in Question.Tolerance.choices}
STATUSES = {code for code, _label in Question.Status.choices}
TRUE_FALSE_LABELS = {"en": ("True", "False"), "fr": ("Vrai", "Faux")}
# What a question asks beyond recall (docs/bank-format.md): checked here, read by the bank's tests, not stored.
COGNITIVE = {"why", "how", "apply"}


@dataclass(frozen=True)
class BankError:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class BankInvalid(Exception):
    def __init__(self, errors: list[BankError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class BankFile:
    """One file to import: its name (for messages), its bytes, and the folder `text_file` may
    read from (None for uploads, which must carry texts inline)."""

    name: str
    data: bytes
    folder: Path | None = None

    @classmethod
    def from_path(cls, path: Path) -> "BankFile":
        size = path.stat().st_size
        if size > safeyaml.MAX_BYTES:
            return cls(str(path), b"x" * (safeyaml.MAX_BYTES + 1), path.parent)
        return cls(str(path), path.read_bytes(), path.parent)


@dataclass(frozen=True)
class BankConflict:
    """A question changed in the file and in the app since it was last imported."""

    file: str
    line: int
    path: str
    external_id: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.path}: {self.external_id}: conflict, changed in the file and in the app since "
            "the last import: the app's version was kept"
        )


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)  # edited in the app, unchanged in the file
    conflicts: list[BankConflict] = field(default_factory=list)

    def count(self, bucket: str, kind: str) -> None:
        counts = getattr(self, bucket)
        counts[kind] = counts.get(kind, 0) + 1

    def __str__(self) -> str:
        def fmt(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing"

        text = f"created {fmt(self.created)}; updated {fmt(self.updated)}; unchanged {fmt(self.unchanged)}"
        if self.kept:
            text += f"; kept as edited in the app {fmt(self.kept)}"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflict(s), the app's version kept"
        return text


def _join(path: str, key: str) -> str:
    key = shorten(key)
    return f"{path}.{key}" if path else key


# --- schema -----------------------------------------------------------------------------------


class _Checker:
    """Collects schema errors for one file while reading its records."""

    def __init__(self, name: str, errors: list[BankError]) -> None:
        self.name = name
        self.errors = errors

    def error(self, line: int, path: str, message: str) -> None:
        self.errors.append(BankError(self.name, line, path, message))

    def fields(self, item: object, path: str, line: int, required: set[str], optional: set[str]):
        if not isinstance(item, dict):
            self.error(line, path, "must be a mapping")
            return None
        for key in item:
            if key not in required | optional:
                self.error(item.line_of(key), _join(path, key), "unknown field")
        for key in sorted(required - set(item)):
            self.error(item.line, _join(path, key), "required")
        return item

    def text(self, item, key, path, *, required=True, max_length=None) -> str:
        value = item.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(item.line_of(key), f"{path}.{key}", "must be text (quote it)")
            return ""
        if required and not value.strip():
            self.error(item.line_of(key), f"{path}.{key}", "must not be empty" if key in item else "required")
        if max_length and len(value) > max_length:
            self.error(item.line_of(key), f"{path}.{key}", f"longer than {max_length} characters")
        return value

    def url(self, item, key, path) -> str:
        """A web link (http or https): the text page links it, so `javascript:` must never pass."""
        value = self.text(item, key, path, required=False, max_length=500)
        if value:
            try:
                web_url_validator(value)
            except ValidationError:
                self.error(item.line_of(key), f"{path}.{key}", "must be an http:// or https:// address")
                return ""
        return value

    def key(self, item, key, path) -> str:
        value = self.text(item, key, path, max_length=80)
        if value and not KEY.match(value):
            self.error(item.line_of(key), f"{path}.{key}", "use lowercase letters, digits and hyphens")
        return value

    def choice(self, item, key, path, allowed, *, default=None):
        value = item.get(key, default)
        if value not in allowed:
            self.error(
                item.line_of(key),
                f"{path}.{key}",
                f"{echo(value)} is not one of {', '.join(sorted(map(str, allowed)))}",
            )
        return value

    def items(self, data, key) -> list[tuple[int, str, object]]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(data.line_of(key), key, "must be a list")
            return []
        return [(value.lines[i], f"{key}[{i}]", item) for i, item in enumerate(value)]


# A quiz set's options, written only when not the default: (field, kind of value)
QUIZSET_OPTIONS = {
    "shuffle_questions": bool,
    "shuffle_choices": bool,
    "question_count": int,
    "time_limit": str,
    "max_attempts": int,
}


@dataclass
class _Question:
    external_id: str
    source: str
    kind: str
    prompt: str
    explanation: str
    passage: str
    highlight: str
    language: str | None
    difficulty: int
    status: str
    cognitive: str
    topics: list[str]
    choices: list[tuple]  # (text, correct, feedback) or, for matching, (left, False, "", right)
    accepted_answers: list[str]
    back: str
    numeric: dict  # numeric questions: numeric_value, numeric_tolerance, tolerance_kind, unit
    translation_of: str  # the original's id, for a translation
    where: tuple[str, object, str]  # file name, the YAML mapping (for lines), path
    owner: str = ""  # a username: a teacher's (or learner's) own question
    stale: bool = False
    derivation: dict | None = None  # the deriver's candidate: confidence, reason, state…


@dataclass
class _Plan:
    sources: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)
    questions: dict[str, _Question] = field(default_factory=dict)
    quizsets: dict[str, dict] = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # username -> user, of the owners named
    # What could not be read in full: references to these are not called unknown (the error is elsewhere).
    unread: set[str] = field(default_factory=set)  # "sources", "topics", "questions"
    doubtful_texts: set[str] = field(default_factory=set)  # keys of sources whose record has an error


SOURCE_FIELDS = (
    {"key", "title", "language"},
    {"author", "url", "licence", "text", "text_file"}
    | {
        "owner",
        "published",
        "paragraph_languages",
    },
)
TOPIC_FIELDS = {"key", "name_en", "name_fr"}, set()
QUESTION_FIELDS = (
    {"id", "source", "kind", "prompt", "passage", "explanation"},
    {"difficulty", "status", "language", "topics", "highlight", "choices", "answer", "answers", "back", "feedback"}
    | {"cognitive", "pairs", "items", "tolerance", "tolerance_kind", "unit", "translation_of"}
    | {"owner", "stale", "derivation"},
)
QUIZSET_FIELDS = {"key", "title", "questions"}, {"description", "language", "owner"} | set(QUIZSET_OPTIONS)
DERIVATION_FIELDS = {"confidence", "reason"}, {"state", "answer_type", "answer", "flags", "rejection_reason"}
DERIVATION_STATES = {"pending", "accepted", "rejected"}


def _read_file(bank_file: BankFile, plan: _Plan, errors: list[BankError]) -> None:
    check = _Checker(bank_file.name, errors)
    try:
        data = safeyaml.load(bank_file.data)
    except safeyaml.YamlRefused as exc:
        errors.append(
            BankError(bank_file.name, exc.line or 0, "", str(exc).split(": ", 1)[-1] if exc.line else str(exc))
        )
        plan.unread |= {"sources", "topics", "questions"}
        return
    if not isinstance(data, dict):
        check.error(1, "", "the file must be a mapping with version: 1")
        plan.unread |= {"sources", "topics", "questions"}
        return
    check.fields(data, "", data.line, {"version"}, {"sources", "topics", "questions", "quizsets"})
    if data.get("version") != 1:
        check.error(data.line_of("version"), "version", "must be 1")

    before = len(errors)
    for line, path, item in check.items(data, "sources"):
        if check.fields(item, path, line, *SOURCE_FIELDS) is None:
            plan.unread.add("sources")
            continue

        record = {
            "key": check.key(item, "key", path),
            "title": check.text(item, "title", path, max_length=300),
            "language": check.choice(item, "language", path, LANGUAGES),
            "author": check.text(item, "author", path, required=False, max_length=300),
            "url": check.url(item, "url", path),
            "licence": check.text(item, "licence", path, required=False),
        }
        record.update(_owner(check, item, path))
        if "published" in item:
            record["published"] = _flag(check, item, "published", path)
        if "paragraph_languages" in item:
            record["paragraph_languages"] = _paragraph_languages(check, item, path)
        text_errors = len(errors)
        if ("text" in item) == ("text_file" in item):
            check.error(item.line, path, "give either text or text_file")
        elif "text" in item:
            # An empty text is a source of imported questions (docs/formats.md): they have no passage.
            record["text"] = check.text(item, "text", path, required=False)
        else:
            record["text"] = _read_text_file(check, item, path, bank_file.folder)
        if record["key"] in plan.sources:
            check.error(item.line_of("key"), f"{path}.key", f"source {echo(record['key'])} is defined twice")
        plan.sources[record["key"]] = record
        if len(errors) > text_errors:
            plan.doubtful_texts.add(record["key"])
    if len(errors) > before:
        plan.unread.add("sources")

    before = len(errors)
    for line, path, item in check.items(data, "topics"):
        if check.fields(item, path, line, *TOPIC_FIELDS) is None:
            continue
        record = {
            "key": check.key(item, "key", path),
            "name_en": check.text(item, "name_en", path, max_length=120),
            "name_fr": check.text(item, "name_fr", path, max_length=120),
        }
        if record["key"] in plan.topics:
            check.error(item.line_of("key"), f"{path}.key", f"topic {echo(record['key'])} is defined twice")
        plan.topics[record["key"]] = record
    if len(errors) > before:
        plan.unread.add("topics")

    before = len(errors)
    for line, path, item in check.items(data, "questions"):
        if check.fields(item, path, line, *QUESTION_FIELDS) is None:
            continue
        question = _read_question(check, item, path)
        if question.external_id in plan.questions:
            check.error(item.line_of("id"), f"{path}.id", f"id {echo(question.external_id)} is used twice")
        plan.questions[question.external_id] = question
    if len(errors) > before:
        plan.unread.add("questions")

    for line, path, item in check.items(data, "quizsets"):
        if check.fields(item, path, line, *QUIZSET_FIELDS) is None:
            continue
        ids = item.get("questions")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            check.error(item.line_of("questions"), f"{path}.questions", "must be a list of question ids")
            ids = []
        elif len(set(ids)) != len(ids):
            check.error(item.line_of("questions"), f"{path}.questions", "lists a question twice")
        record = {
            "key": check.key(item, "key", path),
            "title": check.text(item, "title", path, max_length=200),
            "description": check.text(item, "description", path, required=False),
            "language": check.choice(item, "language", path, LANGUAGES | {""}, default=""),
            "questions": list(ids),
            "where": (bank_file.name, item.line_of("questions"), f"{path}.questions"),
            **_owner(check, item, path),
            **_quizset_options(check, item, path),
        }
        if record["key"] in plan.quizsets:
            check.error(item.line_of("key"), f"{path}.key", f"quiz set {echo(record['key'])} is defined twice")
        plan.quizsets[record["key"]] = record


def _flag(check: _Checker, item, key: str, path: str) -> bool:
    value = item.get(key)
    if not isinstance(value, bool):
        check.error(item.line_of(key), f"{path}.{key}", "must be true or false")
        return False
    return value


def _owner(check: _Checker, item, path: str) -> dict:
    """{"owner": username} when the record names one (checked against the users when resolving)."""
    if "owner" not in item:
        return {}
    value = item.get("owner")
    if not isinstance(value, str) or not value.strip() or len(value) > 150:
        check.error(item.line_of("owner"), f"{path}.owner", "must be a username")
        return {}
    return {"owner": value, "owner_line": item.line_of("owner"), "owner_where": (check.name, f"{path}.owner")}


def _paragraph_languages(check: _Checker, item, path: str) -> dict:
    """Languages set by hand per paragraph: {"<offset where it starts>": en | fr} (keys quoted: YAML keys are text)."""
    value = item.get("paragraph_languages")
    if not isinstance(value, dict) or not all(k.isdigit() and v in LANGUAGES for k, v in value.items()):
        check.error(item.line_of("paragraph_languages"), f"{path}.paragraph_languages", "must map offsets to en or fr")
        return {}
    return {str(int(k)): v for k, v in sorted(value.items(), key=lambda kv: int(kv[0]))}


def _quizset_options(check: _Checker, item, path: str) -> dict:
    options = {}
    for key, kind in QUIZSET_OPTIONS.items():
        if key not in item:
            continue
        value = item.get(key)
        if kind is bool and not isinstance(value, bool):
            check.error(item.line_of(key), f"{path}.{key}", "must be true or false")
        elif kind is int and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 32767):
            check.error(item.line_of(key), f"{path}.{key}", "must be a whole number from 1")
        elif kind is str and (not isinstance(value, str) or parse_duration(value) is None):
            check.error(item.line_of(key), f"{path}.{key}", "must be a duration such as 00:15:00")
        else:
            options[key] = parse_duration(value) if kind is str else value
    return options


def _derivation(check: _Checker, item, path: str) -> dict | None:
    value = item.get("derivation")
    where = f"{path}.derivation"
    if check.fields(value, where, item.line_of("derivation"), *DERIVATION_FIELDS) is None:
        return None
    confidence = value.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        check.error(value.line_of("confidence"), f"{where}.confidence", "must be a number from 0 to 1")
    flags = value.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        check.error(value.line_of("flags"), f"{where}.flags", "must be a list of words")
        flags = []
    return {
        "confidence": float(confidence) if isinstance(confidence, (int, float)) else 0.0,
        "reason": check.text(value, "reason", where, max_length=300),
        "state": check.choice(value, "state", where, DERIVATION_STATES, default="pending"),
        "answer_type": check.text(value, "answer_type", where, required=False, max_length=20),
        "answer": check.text(value, "answer", where, required=False, max_length=300),
        "flags": flags,
        "rejection_reason": check.text(value, "rejection_reason", where, required=False, max_length=300),
    }


def _read_text_file(check: _Checker, item, path: str, folder: Path | None) -> str:
    name = check.text(item, "text_file", path)
    line = item.line_of("text_file")
    if folder is None:
        check.error(line, f"{path}.text_file", "only files imported from disk may use text_file; use text")
        return ""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()) or not target.is_file():
        check.error(line, f"{path}.text_file", f"{echo(name)} is not a file inside {folder}")
        return ""
    try:
        return target.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        check.error(line, f"{path}.text_file", f"{echo(name)} is not UTF-8")
        return ""


def _read_question(check: _Checker, item, path: str) -> _Question:
    kind = check.choice(item, "kind", path, KINDS)
    question = _Question(
        external_id=check.key(item, "id", path),
        source=check.key(item, "source", path),
        kind=kind,
        prompt=check.text(item, "prompt", path),
        # An imported question (no passage) may have no explanation: its format had none to give.
        explanation=check.text(item, "explanation", path, required=bool(item.get("passage"))),
        passage=check.text(item, "passage", path, required=False),  # empty only on a source without text
        highlight=check.text(item, "highlight", path, required=False),
        language=check.choice(item, "language", path, LANGUAGES) if "language" in item else None,
        difficulty=check.choice(item, "difficulty", path, {1, 2, 3}, default=2),
        status=check.choice(item, "status", path, STATUSES, default="published"),
        cognitive=check.choice(item, "cognitive", path, COGNITIVE) if "cognitive" in item else "",
        topics=[],
        choices=[],
        accepted_answers=[],
        back="",
        numeric={},
        translation_of=check.key(item, "translation_of", path) if "translation_of" in item else "",
        where=(check.name, item, path),
        owner=_owner(check, item, path).get("owner", ""),
        stale=_flag(check, item, "stale", path) if "stale" in item else False,
        derivation=_derivation(check, item, path) if "derivation" in item else None,
    )
    if question.highlight and question.highlight not in question.passage:
        check.error(item.line_of("highlight"), f"{path}.highlight", "must occur verbatim in the passage")

    topics = item.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        check.error(item.line_of("topics"), f"{path}.topics", "must be a list of topic keys")
    else:
        question.topics = list(dict.fromkeys(topics))

    allowed = {
        "single": {"choices"},
        "multiple": {"choices"},
        "true_false": {"answer", "feedback"},
        "short": {"answers"},
        "cloze": set(),
        "flashcard": {"back"},
        "matching": {"pairs"},
        "ordering": {"items"},
        "numeric": {"answer", "tolerance", "tolerance_kind", "unit"},
    }.get(kind, set())
    for key in ("choices", "answer", "answers", "back", "feedback", "pairs", "items", "tolerance", "tolerance_kind"):
        if key in item and key not in allowed:
            check.error(item.line_of(key), f"{path}.{key}", f"not used by {shorten(str(kind))} questions")

    if kind in ("single", "multiple"):
        question.choices = _read_choices(check, item, path, kind)
    elif kind == "true_false":
        answer = item.get("answer")
        if not isinstance(answer, bool):
            check.error(item.line_of("answer"), f"{path}.answer", "must be true or false")
        else:
            feedback = check.text(item, "feedback", path, required=False)
            language = question.language or "en"
            true_label, false_label = TRUE_FALSE_LABELS.get(language, TRUE_FALSE_LABELS["en"])
            question.choices = [
                (true_label, answer, "" if answer else feedback),
                (false_label, not answer, feedback if answer else ""),
            ]
    elif kind == "short":
        answers = item.get("answers")
        if (
            not isinstance(answers, list)
            or not answers
            or not all(isinstance(a, str) and a.strip() and "\n" not in a for a in answers)
        ):
            check.error(item.line_of("answers"), f"{path}.answers", "must be a list of one-line answers")
        else:
            question.accepted_answers = [a.strip() for a in answers]
    elif kind == "cloze":
        if not CLOZE_BLANK.search(question.prompt):
            check.error(item.line_of("prompt"), f"{path}.prompt", "a cloze prompt needs a blank: [[answer]]")
    elif kind == "flashcard":
        question.back = check.text(item, "back", path)
    elif kind == "matching":
        question.choices = _read_pairs(check, item, path)
    elif kind == "ordering":
        question.choices = _read_items(check, item, path)
    elif kind == "numeric":
        question.numeric = _read_numeric(check, item, path)
    if "unit" in item and kind != "numeric":
        check.error(item.line_of("unit"), f"{path}.unit", f"not used by {shorten(str(kind))} questions")
    return question


def _number(check: _Checker, item, key: str, path: str, *, required: bool) -> float | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        check.error(item.line_of(key), f"{path}.{key}", "must be a number (write 3.5, not 3,5)")
        return None
    return float(value)


def _read_numeric(check: _Checker, item, path: str) -> dict:
    numeric = {
        "numeric_value": _number(check, item, "answer", path, required=True),
        "numeric_tolerance": _number(check, item, "tolerance", path, required=False) or 0.0,
        "tolerance_kind": check.choice(item, "tolerance_kind", path, TOLERANCE_KINDS, default="absolute"),
        "unit": check.text(item, "unit", path, required=False, max_length=20).strip(),
    }
    if numeric["numeric_tolerance"] < 0:
        check.error(item.line_of("tolerance"), f"{path}.tolerance", "must not be negative")
    elif numeric["tolerance_kind"] == "relative" and numeric["numeric_tolerance"] >= 100:
        check.error(item.line_of("tolerance"), f"{path}.tolerance", "a relative tolerance is a percentage below 100")
    return numeric


def _read_pairs(check: _Checker, item, path: str) -> list[tuple]:
    pairs = []
    for line, ppath, pair in check.items(item, "pairs"):
        ppath = f"{path}.{ppath}"
        if check.fields(pair, ppath, line, {"left", "right"}, set()) is None:
            continue
        left = check.text(pair, "left", ppath, max_length=500)
        right = check.text(pair, "right", ppath, max_length=500)
        pairs.append((left, False, "", right))
    line = item.line_of("pairs")
    if not 2 <= len(pairs) <= 8:
        check.error(line, f"{path}.pairs", "need 2 to 8 pairs")
    if len({p[0].strip().casefold() for p in pairs}) != len(pairs):
        check.error(line, f"{path}.pairs", "two pairs have the same left side")
    return pairs


def _read_items(check: _Checker, item, path: str) -> list[tuple]:
    items = item.get("items")
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() and len(i) <= 500 for i in items):
        check.error(item.line_of("items"), f"{path}.items", "must be a list of items (text), in the right order")
        return []
    if not 2 <= len(items) <= 8:
        check.error(item.line_of("items"), f"{path}.items", "need 2 to 8 items")
    return [(text, False, "") for text in items]


def _read_choices(check: _Checker, item, path: str, kind: str) -> list[tuple[str, bool, str]]:
    choices = []
    for line, cpath, choice in check.items(item, "choices"):
        cpath = f"{path}.{cpath}"
        if check.fields(choice, cpath, line, {"text"}, {"correct", "feedback"}) is None:
            continue
        correct = choice.get("correct", False)
        if not isinstance(correct, bool):
            check.error(choice.line_of("correct"), f"{cpath}.correct", "must be true or false")
        choices.append(
            (
                check.text(choice, "text", cpath, max_length=500),
                correct is True,
                check.text(choice, "feedback", cpath, required=False),
            )
        )
    line = item.line_of("choices")
    correct = sum(1 for c in choices if c[1])
    if not 2 <= len(choices) <= 8:
        check.error(line, f"{path}.choices", "need 2 to 8 choices")
    elif kind == "single" and correct != 1:
        message = f"a single-choice question needs exactly one correct choice, not {correct}"
        check.error(line, f"{path}.choices", message)
    elif kind == "multiple" and correct < 1:
        check.error(line, f"{path}.choices", "a multiple-choice question needs at least one correct choice")
    if len({c[0] for c in choices}) != len(choices):
        check.error(line, f"{path}.choices", "two choices have the same text")
    return choices


def _resolve(plan: _Plan, errors: list[BankError]) -> dict[str, str]:
    """Check references against the batch and the database; returns source texts by key. Runs even when the
    files have errors of their own, so that an import lists them all at once; a reference to what could not be
    read is left alone (its error is already listed)."""
    texts = dict(Source.objects.filter(key__in=_question_sources(plan)).values_list("key", "text"))
    languages = dict(Source.objects.values_list("key", "language"))
    for key, record in plan.sources.items():
        texts[key] = record["text"]
        languages[key] = record["language"]
    known_topics = set(plan.topics) | set(
        Topic.objects.filter(key__in={t for q in plan.questions.values() for t in q.topics}).values_list(
            "key", flat=True
        )
    )
    for q in plan.questions.values():
        name, item, path = q.where
        if q.source not in texts:
            if q.source and "sources" not in plan.unread:
                errors.append(
                    BankError(name, item.line_of("source"), f"{path}.source", f"unknown source {echo(q.source)}")
                )
            continue
        if not q.passage and texts[q.source]:
            errors.append(
                BankError(
                    name, item.line_of("passage"), f"{path}.passage", "required (only a source without text has none)"
                )
            )
        if q.passage and q.source not in plan.doubtful_texts and q.passage not in (texts[q.source] or ""):
            errors.append(
                BankError(
                    name, item.line_of("passage"), f"{path}.passage", "does not occur verbatim in the source text"
                )
            )
        for topic in q.topics:
            if topic not in known_topics and "topics" not in plan.unread:
                errors.append(BankError(name, item.line_of("topics"), f"{path}.topics", f"unknown topic {echo(topic)}"))
        if q.language is None:
            q.language = languages.get(q.source, "en")
            if q.kind == "true_false" and q.language != "en":
                labels = TRUE_FALSE_LABELS.get(q.language, TRUE_FALSE_LABELS["en"])  # a bad one is an error already
                q.choices = [(labels[i], c[1], c[2]) for i, c in enumerate(q.choices)]
    _resolve_translations(plan, errors)
    _resolve_users(plan, errors)
    wanted = {i for s in plan.quizsets.values() for i in s["questions"]} - set(plan.questions)
    existing = set(Question.objects.filter(external_id__in=wanted).values_list("external_id", flat=True))
    for record in plan.quizsets.values():
        name, line, path = record["where"]
        if "questions" in plan.unread:
            continue
        for missing in [i for i in record["questions"] if i not in plan.questions and i not in existing]:
            errors.append(BankError(name, line, path, f"unknown question {echo(missing)}"))
    return texts


def _resolve_users(plan: _Plan, errors: list[BankError]) -> None:
    """Every owner named must be a user: the file never creates accounts."""
    named = [r for r in [*plan.sources.values(), *plan.quizsets.values()] if r.get("owner")]
    wanted = {r["owner"] for r in named} | {q.owner for q in plan.questions.values() if q.owner}
    plan.users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    for record in named:
        if record["owner"] not in plan.users:
            name, path = record["owner_where"]
            errors.append(BankError(name, record["owner_line"], path, f"unknown user {echo(record['owner'])}"))
    for q in plan.questions.values():
        if q.owner and q.owner not in plan.users:
            name, item, path = q.where
            errors.append(BankError(name, item.line_of("owner"), f"{path}.owner", f"unknown user {echo(q.owner)}"))


def _resolve_translations(plan: _Plan, errors: list[BankError]) -> None:
    """A translation names its original, in the batch or the bank: in another language, not itself a
    translation, with one translation per language."""
    wanted = {q.translation_of for q in plan.questions.values() if q.translation_of} - set(plan.questions)
    stored = {
        q.external_id: (q.language, q.translation_of_id is not None)
        for q in Question.objects.filter(external_id__in=wanted).only("external_id", "language", "translation_of")
    }
    taken: set[tuple[str, str]] = set()
    for q in plan.questions.values():
        if not q.translation_of:
            continue
        name, item, path = q.where
        line, where = item.line_of("translation_of"), f"{path}.translation_of"
        original = plan.questions.get(q.translation_of)
        if original is not None:
            language, is_translation = original.language, bool(original.translation_of)
        elif q.translation_of in stored:
            language, is_translation = stored[q.translation_of]
        else:
            errors.append(BankError(name, line, where, f"unknown question {echo(q.translation_of)}"))
            continue
        if q.translation_of == q.external_id or is_translation:
            errors.append(BankError(name, line, where, "must name an original, not a translation"))
        elif language == q.language:
            errors.append(BankError(name, line, where, f"the original is in the same language ({q.language})"))
        elif (q.translation_of, q.language) in taken:
            errors.append(BankError(name, line, where, f"{echo(q.translation_of)} has two {q.language} translations"))
        taken.add((q.translation_of, q.language))


def _question_sources(plan: _Plan) -> set[str]:
    return {q.source for q in plan.questions.values()}


def validate(files: Iterable[BankFile]) -> _Plan:
    """Parse and check every file; raise BankInvalid with every error found."""
    errors: list[BankError] = []
    plan = _Plan()
    files = list(files)
    for bank_file in files:
        _read_file(bank_file, plan, errors)
    _resolve(plan, errors)
    if errors:
        order = {f.name: i for i, f in enumerate(files)}
        raise BankInvalid(sorted(errors, key=lambda e: (order.get(e.file, len(order)), e.line)))
    return plan


# --- writing ----------------------------------------------------------------------------------


def import_bank(
    files: Iterable[BankFile], progress: Callable[[int, int], None] | None = None, *, overwrite: bool = False
) -> ImportResult:
    """Validate `files` together, then write them in one transaction (all or nothing).

    A question edited in the app since its last import keeps the app's version; where the file
    changed it too, the result lists a conflict, unless `overwrite` takes the file's version."""
    plan = validate(list(files))
    result = ImportResult()
    with transaction.atomic():
        # A bank file is the shared bank: the texts it brings are published, unless it says otherwise.
        records = [
            {
                **_row(r, plan),
                "published": r.get("published", True),
                "paragraph_languages": r.get("paragraph_languages", {}),
            }
            for r in plan.sources.values()
        ]
        sources = _upsert(Source, records, result, "sources")
        topics = _upsert(Topic, plan.topics.values(), result, "topics")
        sources |= {s.key: s for s in Source.objects.filter(key__in=_question_sources(plan) - set(sources))}
        topics |= {
            t.key: t
            for t in Topic.objects.filter(key__in={k for q in plan.questions.values() for k in q.topics} - set(topics))
        }
        _write_questions(plan, sources, topics, result, progress, overwrite)
        _write_derivations(plan)
        _write_quizsets(plan, result)
    return result


def _row(record: dict, plan: _Plan) -> dict:
    """A source's or a quiz set's fields as the model has them: the owner a user id, the bookkeeping left out."""
    row = {k: v for k, v in record.items() if k not in ("owner", "owner_line", "owner_where", "where", "questions")}
    owner = plan.users.get(record.get("owner", ""))
    row["owner_id"] = owner.pk if owner else None
    return row


def _write_derivations(plan: _Plan) -> None:
    """The deriver's candidates the file carries, on their questions. Deriving sits above the bank: its models are
    reached through the relation by name (Question.candidate), never imported."""
    carried = {q.external_id: q.derivation for q in plan.questions.values() if q.derivation is not None}
    if not carried:
        return
    candidate_model = Question._meta.get_field("candidate").related_model
    job_model = candidate_model._meta.get_field("job").related_model
    existing = {
        c.question.external_id: c
        for c in candidate_model.objects.filter(question__external_id__in=list(carried)).select_related("question")
    }
    jobs = {}
    for question in Question.objects.filter(external_id__in=list(carried)).select_related("passage__source"):
        values = carried[question.external_id]
        candidate = existing.get(question.external_id)
        if candidate is None:
            source = question.passage.source
            if source.pk not in jobs:
                jobs[source.pk] = job_model.objects.create(source=source, status="done")
            candidate_model.objects.create(question=question, job=jobs[source.pk], **values)
        elif any(getattr(candidate, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(candidate, k, v)
            candidate.save()


def _upsert(model, records, result: ImportResult, label: str) -> dict:
    records = list(records)
    existing = {o.key: o for o in model.objects.filter(key__in=[r["key"] for r in records])}
    for record in records:
        obj = existing.get(record["key"])
        if obj is None:
            existing[record["key"]] = model.objects.create(**record)
            result.count("created", label)
        elif any(getattr(obj, k) != v for k, v in record.items()):
            for k, v in record.items():
                setattr(obj, k, v)
            obj.save()
            result.count("updated", label)
        else:
            result.count("unchanged", label)
    return existing


def _write_questions(plan: _Plan, sources, topics, result: ImportResult, progress, overwrite: bool) -> None:
    """New questions are written in bulk (their passages, choices and topics too): a few queries per
    thousand questions instead of ten per question. Existing ones are compared with what they have,
    read once as plain rows (_stored), and only the changed ones are written (_update_question)."""
    existing = _stored(list(plan.questions))
    written: set[str] = set()
    passages = _passages(plan, sources)
    total = len(plan.questions)
    new: list[tuple[dict, _Question]] = []
    for done, q in enumerate(plan.questions.values(), start=1):
        values = {
            "kind": q.kind,
            "prompt": q.prompt,
            "explanation": q.explanation,
            "back": q.back,
            "accepted_answers": "\n".join(q.accepted_answers),
            "language": q.language,
            "difficulty": q.difficulty,
            "status": q.status,
            "cognitive": q.cognitive,
            "passage": passages[(q.source, q.passage)],
            "highlight": q.highlight,
            **q.numeric,
        }
        owner = plan.users.get(q.owner)
        values.update(owner_id=owner.pk if owner else None, stale=q.stale)
        extra = {**({"owner": q.owner} if q.owner else {}), **({"stale": True} if q.stale else {})}
        in_file = content_hash(q.source, q.passage, values, q.choices, q.topics, q.translation_of, extra)
        obj = existing.get(q.external_id)
        if obj is None:
            new.append(({"external_id": q.external_id, "imported_hash": in_file, **values}, q))
            result.count("created", "questions")
            written.add(q.external_id)
        elif _update_question(obj, q, values, in_file, topics, result, overwrite):
            written.add(q.external_id)
        if progress and (done % 50 == 0 or done == total):
            progress(done, total)
    if new:
        _create_questions(new, topics)
    _link_translations(plan, written)


def _choice(question: Question, position: int, choice: tuple) -> Choice:
    text, correct, feedback, *match = choice
    return Choice(
        question=question,
        text=text,
        is_correct=correct,
        feedback=feedback,
        match=match[0] if match else "",
        position=position,
    )


def _link_translations(plan: _Plan, written: set[str]) -> None:
    """Set the original of each question written (after every question of the batch exists), where it changed;
    a question kept as edited in the app keeps its link too."""
    named = {q.external_id: q.translation_of for q in plan.questions.values() if q.external_id in written}
    originals = dict(
        Question.objects.filter(external_id__in={o for o in named.values() if o}).values_list("external_id", "pk")
    )
    rows = Question.objects.filter(external_id__in=list(named)).values_list("pk", "external_id", "translation_of")
    for pk, external_id, original in rows:
        wanted = originals.get(named[external_id])
        if original != wanted:
            Question.objects.filter(pk=pk).update(translation_of=wanted)


def _create_questions(new: list[tuple[dict, _Question]], topics) -> None:
    """The new questions' rows (every column: the fields' defaults, then the file's values), their choices and
    topic links, in plain INSERTs (_insert)."""
    fields = [f for f in Question._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.attname: f.get_default() for f in fields} | {"created_at": now, "updated_at": now}
    defaults = {f.attname: f.get_db_prep_save(defaults[f.attname], connection) for f in fields}
    _insert(
        Question,
        [f.name for f in fields],
        (
            tuple(row.get(f.attname, defaults[f.attname]) for f in fields)
            for row in ({**values, "passage_id": values["passage"].pk} for values, _q in new)
        ),
    )
    pks = dict(
        Question.objects.filter(external_id__in=[values["external_id"] for values, _q in new]).values_list(
            "external_id", "pk"
        )
    )
    _insert(
        Choice,
        ("question", "text", "is_correct", "feedback", "match", "position"),
        (
            (pks[q.external_id], text, correct, feedback, match[0] if match else "", i)
            for _values, q in new
            for i, (text, correct, feedback, *match) in enumerate(q.choices)
        ),
    )
    _insert(
        Question.topics.through,
        ("question", "topic"),
        ((pks[q.external_id], topics[k].pk) for _values, q in new for k in dict.fromkeys(q.topics)),
    )
    version.bump()  # bulk writes send no signal: the cached pages made from the bank go


def _insert(model, fields: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Plain INSERTs of rows whose every column is given: bulk_create would build a model instance and
    prepare each value of each row, which cost more than the writes (the 26,000 choices of 10,000
    questions: ~1 s of CPU)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, 10 * BATCH):
            cursor.executemany(sql, batch)


def _passages(plan: _Plan, sources) -> dict[tuple[str, str], Passage]:
    """The passage of each (source key, quoted text) of the plan, as Source.passage_for finds or makes
    it, in two queries per source."""
    wanted: dict[str, set[str]] = {}
    for q in plan.questions.values():
        wanted.setdefault(q.source, set()).add(q.passage)
    found = {}
    for key, texts in wanted.items():
        source = sources[key]
        spans = {}
        for text in texts:
            start = source.text.find(text)
            if (not text and source.text) or start < 0:
                source.passage_for(text)  # raises the model's own error
            spans[text] = (start, start + len(text))
        have = {(p.start, p.end): p for p in Passage.objects.filter(source=source)}
        missing = {span: text for text, span in spans.items() if span not in have}
        for passage in Passage.objects.bulk_create(
            Passage(source=source, start=s, end=e, text=text) for (s, e), text in missing.items()
        ):
            have[(passage.start, passage.end)] = passage
        for text, span in spans.items():
            found[(key, text)] = have[span]
    return found


def _update_question(stored: dict, q: _Question, values: dict, in_file: str, topics, result, overwrite) -> bool:
    """Three versions meet: the last import (imported_hash), the app's (stored, from _stored) and the file's (q).
    Returns whether the file's version was written."""
    in_app = stored["hash"]
    last = stored["imported_hash"]  # empty for a question never imported (or imported before hashes were kept)
    if in_app == in_file:
        if last != in_file:  # the same edit on both sides: remember it, without touching updated_at
            Question.objects.filter(pk=stored["pk"]).update(imported_hash=in_file)
        result.count("unchanged", "questions")
        return False
    if in_file == last:  # only the app changed it since the last import
        result.count("kept", "questions")
        return False
    if in_app != last and not overwrite:  # both changed: the admin's work is not thrown away
        name, item, path = q.where
        result.conflicts.append(BankConflict(name, item.line, path, q.external_id))
        return False
    obj = Question.objects.get(pk=stored["pk"])
    for k, v in values.items():
        setattr(obj, k, v)
    obj.imported_hash = in_file
    obj.save()
    if stored["choices"] != q.choices:
        obj.choices.all().delete()
        Choice.objects.bulk_create(_choice(obj, i, choice) for i, choice in enumerate(q.choices))
    if set(stored["topics"]) != set(q.topics):
        obj.topics.set([topics[k] for k in q.topics])
    result.count("updated", "questions")
    return True


def _choice_tuple(text: str, is_correct: bool, feedback: str, match: str) -> tuple:
    """A stored choice as the import reads it: (text, correct, feedback), and the right side of a pair."""
    return (text, is_correct, feedback, match) if match else (text, is_correct, feedback)


def content_hash(
    source: str, passage: str, values: dict, choices, topic_keys, translation_of: str = "", extra: dict | None = None
) -> str:
    """A digest of everything an import writes into a question, the same whichever side it is read from.
    (What the new kinds and translations add is hashed only where present: the older questions keep their hash.)"""
    content = {k: v for k, v in values.items() if k not in ("passage", "owner_id", "stale")}
    content.update(extra or {})  # the owner and staleness, only where set: older hashes stay valid
    content.update(
        source=source,
        passage=passage,
        choices=[[t, bool(ok), fb, *match] for t, ok, fb, *match in choices],
        topics=sorted(topic_keys),
    )
    if translation_of:
        content["translation_of"] = translation_of
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# The columns content_hash reads, as the file gives them; a numeric question's numbers besides.
HASHED = ("kind", "prompt", "explanation", "back", "accepted_answers", "language", "difficulty", "status")
HASHED += ("cognitive", "highlight")
NUMERIC = ("numeric_value", "numeric_tolerance", "tolerance_kind", "unit")


def _stored(external_ids: list[str]) -> dict[str, dict]:
    """The questions already in the bank, by external id, as plain rows in three queries (no model instances:
    a re-import of 10,000 questions spent seconds building them): their pk, imported_hash, choices (as
    the import reads them), topic keys, and content_hash of what the app has now ("hash")."""
    rows = {
        row["pk"]: row
        for row in Question.objects.filter(external_id__in=external_ids)
        .order_by()
        .values(
            "pk",
            "external_id",
            "imported_hash",
            "stale",
            *HASHED,
            *NUMERIC,
            source_key=F("passage__source__key"),
            passage_text=F("passage__text"),
            original=F("translation_of__external_id"),
            owner_name=F("owner__username"),
        )
    }
    for row in rows.values():
        row["choices"], row["topics"] = [], []
    choices = Choice.objects.filter(question_id__in=rows).order_by("question_id", "position", "pk")
    for question_id, *choice in choices.values_list("question_id", "text", "is_correct", "feedback", "match"):
        rows[question_id]["choices"].append(_choice_tuple(*choice))
    through = Question.topics.through.objects.filter(question_id__in=rows)
    for question_id, key in through.values_list("question_id", "topic__key"):
        rows[question_id]["topics"].append(key)
    for row in rows.values():
        values = {k: row[k] for k in HASHED}
        if row["kind"] == Question.Kind.NUMERIC:
            values.update({k: row[k] for k in NUMERIC})
        extra = {
            **({"owner": row["owner_name"]} if row["owner_name"] else {}),
            **({"stale": True} if row["stale"] else {}),
        }
        row["hash"] = content_hash(
            row["source_key"], row["passage_text"], values, row["choices"], row["topics"], row["original"] or "", extra
        )
    return {row["external_id"]: row for row in rows.values()}


def _write_quizsets(plan: _Plan, result: ImportResult) -> None:
    ids = {i for s in plan.quizsets.values() for i in s["questions"]}
    questions = dict(Question.objects.filter(external_id__in=ids).values_list("external_id", "pk"))
    for record in plan.quizsets.values():
        fields = {k: record[k] for k in ("title", "description", "language")}
        fields["owner_id"] = _row(record, plan)["owner_id"]
        fields.update({k: record[k] for k in QUIZSET_OPTIONS if k in record})
        quizset, created = QuizSet.objects.get_or_create(key=record["key"], defaults=fields)
        changed = not created and any(getattr(quizset, k) != v for k, v in fields.items())
        if changed:
            for k, v in fields.items():
                setattr(quizset, k, v)
            quizset.save()
        wanted = [questions[i] for i in record["questions"]]
        if list(quizset.items.values_list("question_id", flat=True)) != wanted:
            quizset.items.all().delete()
            QuizSetItem.objects.bulk_create(
                QuizSetItem(quizset=quizset, question_id=pk, position=i) for i, pk in enumerate(wanted)
            )
            changed = True
        result.count("created" if created else "updated" if changed else "unchanged", "quiz sets")


# --- export -----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def export_bank() -> str:
    """The whole bank as one YAML document that import_bank reads back to the same rows."""
    data = {
        "version": 1,
        "sources": [
            {
                "key": s.key,
                "title": s.title,
                "language": s.language,
                "author": s.author,
                "url": s.url,
                "licence": s.licence,
                **({"owner": s.owner.username} if s.owner_id else {}),
                **({} if s.published else {"published": False}),
                **({"paragraph_languages": _offsets(s.paragraph_languages)} if s.paragraph_languages else {}),
                "text": s.text,
            }
            for s in Source.objects.not_own_cards().select_related("owner").order_by("key")
        ],
        "topics": [{"key": t.key, "name_en": t.name_en, "name_fr": t.name_fr} for t in Topic.objects.order_by("key")],
        "questions": [
            _export_question(q)
            for q in Question.objects.shared()
            .with_content()
            .select_related("translation_of", "owner", "candidate")
            .order_by("external_id")
        ],
        "quizsets": [
            {
                "key": s.key,
                "title": s.title,
                "description": s.description,
                "language": s.language,
                **({"owner": s.owner.username} if s.owner_id else {}),
                **_options(s),
                "questions": [item.question.external_id for item in s.items.all()],
            }
            for s in QuizSet.objects.select_related("owner").order_by("key").prefetch_related("items__question")
        ],
    }
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _export_question(q: Question) -> dict:
    item = {
        "id": q.external_id,
        "source": q.passage.source.key,
        "kind": q.kind,
        "difficulty": q.difficulty,
        "status": q.status,
        "language": q.language,
        "topics": sorted(t.key for t in q.topics.all()),
        **({"cognitive": q.cognitive} if q.cognitive else {}),
        **({"translation_of": q.translation_of.external_id} if q.translation_of_id else {}),
        **({"owner": q.owner.username} if q.owner_id else {}),
        **({"stale": True} if q.stale else {}),
        **_derivation_of(q),
        "prompt": q.prompt,
        "passage": q.passage.text,
    }
    if q.highlight:
        item["highlight"] = q.highlight
    item["explanation"] = q.explanation
    choices = list(q.choices.all())
    if q.kind == Question.Kind.TRUE_FALSE:
        item["answer"] = choices[0].is_correct if choices else True
        feedback = next((c.feedback for c in choices if c.feedback), "")
        if feedback:
            item["feedback"] = feedback
    elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        item["choices"] = []
        for c in choices:
            choice = {"text": c.text}
            if c.is_correct:
                choice["correct"] = True
            if c.feedback:
                choice["feedback"] = c.feedback
            item["choices"].append(choice)
    elif q.kind == Question.Kind.SHORT:
        item["answers"] = q.answers
    elif q.kind == Question.Kind.FLASHCARD:
        item["back"] = q.back
    elif q.kind == Question.Kind.MATCHING:
        item["pairs"] = [{"left": c.text, "right": c.match} for c in choices]
    elif q.kind == Question.Kind.ORDERING:
        item["items"] = [c.text for c in q.ordered_items()]
    elif q.kind == Question.Kind.NUMERIC:
        item["answer"] = _plain_number(q.numeric_value)
        if q.numeric_tolerance:
            item["tolerance"] = _plain_number(q.numeric_tolerance)
        if q.tolerance_kind != Question.Tolerance.ABSOLUTE:
            item["tolerance_kind"] = q.tolerance_kind
        if q.unit:
            item["unit"] = q.unit
    return item


def _offsets(languages: dict) -> dict:
    return {str(k): v for k, v in sorted(languages.items(), key=lambda kv: int(kv[0]))}


def _options(quizset: QuizSet) -> dict:
    """The set's options that are not the default, as the file writes them."""
    options = {}
    for key in QUIZSET_OPTIONS:
        value = getattr(quizset, key)
        if value not in (None, False):
            options[key] = duration_string(value) if key == "time_limit" else value
    return options


def _derivation_of(q: Question) -> dict:
    """The deriver's candidate, reached by the relation's name (deriving sits above the bank)."""
    candidate = getattr(q, "candidate", None)
    if candidate is None:
        return {}
    derivation = {"confidence": candidate.confidence, "reason": candidate.reason}
    if candidate.state != "pending":
        derivation["state"] = candidate.state
    for key in ("answer_type", "answer", "flags", "rejection_reason"):
        if getattr(candidate, key):
            derivation[key] = getattr(candidate, key)
    return {"derivation": derivation}


def _plain_number(value: float | None) -> float | int | None:
    """3.0 written 3, 3.5 as 3.5: the file reads as a person would write it."""
    return int(value) if value is not None and value.is_integer() and abs(value) < 1e15 else value
