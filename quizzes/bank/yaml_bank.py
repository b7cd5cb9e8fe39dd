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
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

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
    choices: list[tuple[str, bool, str]]
    accepted_answers: list[str]
    back: str
    where: tuple[str, object, str]  # file name, the YAML mapping (for lines), path


@dataclass
class _Plan:
    sources: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)
    questions: dict[str, _Question] = field(default_factory=dict)
    quizsets: dict[str, dict] = field(default_factory=dict)


SOURCE_FIELDS = {"key", "title", "language"}, {"author", "url", "licence", "text", "text_file"}
TOPIC_FIELDS = {"key", "name_en", "name_fr"}, set()
QUESTION_FIELDS = (
    {"id", "source", "kind", "prompt", "passage", "explanation"},
    {"difficulty", "status", "language", "topics", "highlight", "choices", "answer", "answers", "back", "feedback"}
    | {"cognitive"},
)
QUIZSET_FIELDS = {"key", "title", "questions"}, {"description", "language"}


def _read_file(bank_file: BankFile, plan: _Plan, errors: list[BankError]) -> None:
    check = _Checker(bank_file.name, errors)
    try:
        data = safeyaml.load(bank_file.data)
    except safeyaml.YamlRefused as exc:
        errors.append(
            BankError(bank_file.name, exc.line or 0, "", str(exc).split(": ", 1)[-1] if exc.line else str(exc))
        )
        return
    if not isinstance(data, dict):
        check.error(1, "", "the file must be a mapping with version: 1")
        return
    check.fields(data, "", data.line, {"version"}, {"sources", "topics", "questions", "quizsets"})
    if data.get("version") != 1:
        check.error(data.line_of("version"), "version", "must be 1")

    for line, path, item in check.items(data, "sources"):
        if check.fields(item, path, line, *SOURCE_FIELDS) is None:
            continue
        record = {
            "key": check.key(item, "key", path),
            "title": check.text(item, "title", path, max_length=300),
            "language": check.choice(item, "language", path, LANGUAGES),
            "author": check.text(item, "author", path, required=False, max_length=300),
            "url": check.url(item, "url", path),
            "licence": check.text(item, "licence", path, required=False),
        }
        if ("text" in item) == ("text_file" in item):
            check.error(item.line, path, "give either text or text_file")
        elif "text" in item:
            record["text"] = check.text(item, "text", path)
        else:
            record["text"] = _read_text_file(check, item, path, bank_file.folder)
        if record["key"] in plan.sources:
            check.error(item.line_of("key"), f"{path}.key", f"source {echo(record['key'])} is defined twice")
        plan.sources[record["key"]] = record

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

    for line, path, item in check.items(data, "questions"):
        if check.fields(item, path, line, *QUESTION_FIELDS) is None:
            continue
        question = _read_question(check, item, path)
        if question.external_id in plan.questions:
            check.error(item.line_of("id"), f"{path}.id", f"id {echo(question.external_id)} is used twice")
        plan.questions[question.external_id] = question

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
        }
        if record["key"] in plan.quizsets:
            check.error(item.line_of("key"), f"{path}.key", f"quiz set {echo(record['key'])} is defined twice")
        plan.quizsets[record["key"]] = record


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
        explanation=check.text(item, "explanation", path),
        passage=check.text(item, "passage", path),
        highlight=check.text(item, "highlight", path, required=False),
        language=check.choice(item, "language", path, LANGUAGES) if "language" in item else None,
        difficulty=check.choice(item, "difficulty", path, {1, 2, 3}, default=2),
        status=check.choice(item, "status", path, STATUSES, default="published"),
        cognitive=check.choice(item, "cognitive", path, COGNITIVE) if "cognitive" in item else "",
        topics=[],
        choices=[],
        accepted_answers=[],
        back="",
        where=(check.name, item, path),
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
    }.get(kind, set())
    for key in ("choices", "answer", "answers", "back", "feedback"):
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
    return question


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
    """Check references against the batch and the database; returns source texts by key."""
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
            errors.append(BankError(name, item.line_of("source"), f"{path}.source", f"unknown source {echo(q.source)}"))
            continue
        if q.passage and q.passage not in texts[q.source]:
            errors.append(
                BankError(
                    name, item.line_of("passage"), f"{path}.passage", "does not occur verbatim in the source text"
                )
            )
        for topic in q.topics:
            if topic not in known_topics:
                errors.append(BankError(name, item.line_of("topics"), f"{path}.topics", f"unknown topic {echo(topic)}"))
        if q.language is None:
            q.language = languages.get(q.source, "en")
            if q.kind == "true_false" and q.language != "en":
                labels = TRUE_FALSE_LABELS[q.language]
                q.choices = [(labels[i], c[1], c[2]) for i, c in enumerate(q.choices)]
    wanted = {i for s in plan.quizsets.values() for i in s["questions"]} - set(plan.questions)
    existing = set(Question.objects.filter(external_id__in=wanted).values_list("external_id", flat=True))
    for record in plan.quizsets.values():
        name, line, path = record["where"]
        for missing in [i for i in record["questions"] if i not in plan.questions and i not in existing]:
            errors.append(BankError(name, line, path, f"unknown question {echo(missing)}"))
    return texts


def _question_sources(plan: _Plan) -> set[str]:
    return {q.source for q in plan.questions.values()}


def validate(files: Iterable[BankFile]) -> _Plan:
    """Parse and check every file; raise BankInvalid with every error found."""
    errors: list[BankError] = []
    plan = _Plan()
    for bank_file in files:
        _read_file(bank_file, plan, errors)
    if not errors:
        _resolve(plan, errors)
    if errors:
        raise BankInvalid(errors)
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
        # A bank file is the shared bank: the texts it brings are published.
        sources = _upsert(Source, [{**r, "published": True} for r in plan.sources.values()], result, "sources")
        topics = _upsert(Topic, plan.topics.values(), result, "topics")
        sources |= {s.key: s for s in Source.objects.filter(key__in=_question_sources(plan) - set(sources))}
        topics |= {
            t.key: t
            for t in Topic.objects.filter(key__in={k for q in plan.questions.values() for k in q.topics} - set(topics))
        }
        _write_questions(plan, sources, topics, result, progress, overwrite)
        _write_quizsets(plan, result)
    return result


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
    read once (with_content), and only the changed ones are written (_update_question)."""
    existing = {q.external_id: q for q in Question.objects.filter(external_id__in=list(plan.questions)).with_content()}
    passages = _passages(plan, sources)
    total = len(plan.questions)
    new: list[tuple[Question, _Question]] = []
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
        }
        in_file = content_hash(q.source, q.passage, values, q.choices, q.topics)
        obj = existing.get(q.external_id)
        if obj is None:
            new.append((Question(external_id=q.external_id, imported_hash=in_file, **values), q))
            result.count("created", "questions")
        else:
            _update_question(obj, q, values, in_file, topics, result, overwrite)
        if progress and (done % 50 == 0 or done == total):
            progress(done, total)
    if not new:
        return
    Question.objects.bulk_create([obj for obj, _q in new], batch_size=BATCH)
    Choice.objects.bulk_create(
        (
            Choice(question=obj, text=t, is_correct=ok, feedback=fb, position=i)
            for obj, q in new
            for i, (t, ok, fb) in enumerate(q.choices)
        ),
        batch_size=BATCH,
    )
    through = Question.topics.through
    through.objects.bulk_create(
        (through(question_id=obj.pk, topic_id=topics[k].pk) for obj, q in new for k in dict.fromkeys(q.topics)),
        batch_size=BATCH,
    )
    version.bump()  # bulk writes send no signal: the cached pages made from the bank go


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
            if not text or start < 0:
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


def _update_question(obj: Question, q: _Question, values: dict, in_file: str, topics, result, overwrite) -> None:
    """Three versions meet: the last import (obj.imported_hash), the app's (obj) and the file's (q)."""
    in_app = question_hash(obj)
    last = obj.imported_hash  # empty for a question never imported (or imported before hashes were kept)
    if in_app == in_file:
        if last != in_file:  # the same edit on both sides: remember it, without touching updated_at
            Question.objects.filter(pk=obj.pk).update(imported_hash=in_file)
        result.count("unchanged", "questions")
        return
    if in_file == last:  # only the app changed it since the last import
        result.count("kept", "questions")
        return
    if in_app != last and not overwrite:  # both changed: the admin's work is not thrown away
        name, item, path = q.where
        result.conflicts.append(BankConflict(name, item.line, path, q.external_id))
        return
    for k, v in values.items():
        setattr(obj, k, v)
    obj.imported_hash = in_file
    obj.save()
    if [(c.text, c.is_correct, c.feedback) for c in obj.choices.all()] != q.choices:
        obj.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=obj, text=t, is_correct=ok, feedback=fb, position=i)
            for i, (t, ok, fb) in enumerate(q.choices)
        )
    if {t.key for t in obj.topics.all()} != set(q.topics):
        obj.topics.set([topics[k] for k in q.topics])
    result.count("updated", "questions")


def content_hash(source: str, passage: str, values: dict, choices, topic_keys) -> str:
    """A digest of everything an import writes into a question, the same whichever side it is read from."""
    content = {k: v for k, v in values.items() if k != "passage"}
    content.update(
        source=source,
        passage=passage,
        choices=[[t, bool(ok), fb] for t, ok, fb in choices],
        topics=sorted(topic_keys),
    )
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def question_hash(obj: Question) -> str:
    """content_hash of a question as it is in the database (choices and topics prefetched, ideally)."""
    values = {
        "kind": obj.kind,
        "prompt": obj.prompt,
        "explanation": obj.explanation,
        "back": obj.back,
        "accepted_answers": obj.accepted_answers,
        "language": obj.language,
        "difficulty": obj.difficulty,
        "status": obj.status,
        "cognitive": obj.cognitive,
        "highlight": obj.highlight,
    }
    return content_hash(
        obj.passage.source.key,
        obj.passage.text,
        values,
        [(c.text, c.is_correct, c.feedback) for c in obj.choices.all()],
        [t.key for t in obj.topics.all()],
    )


def _write_quizsets(plan: _Plan, result: ImportResult) -> None:
    ids = {i for s in plan.quizsets.values() for i in s["questions"]}
    questions = dict(Question.objects.filter(external_id__in=ids).values_list("external_id", "pk"))
    for record in plan.quizsets.values():
        fields = {k: record[k] for k in ("title", "description", "language")}
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
                "text": s.text,
            }
            for s in Source.objects.exclude(text="").order_by("key")  # not a learner's "My cards"
        ],
        "topics": [{"key": t.key, "name_en": t.name_en, "name_fr": t.name_fr} for t in Topic.objects.order_by("key")],
        "questions": [_export_question(q) for q in Question.objects.shared().with_content().order_by("external_id")],
        "quizsets": [
            {
                "key": s.key,
                "title": s.title,
                "description": s.description,
                "language": s.language,
                "questions": [item.question.external_id for item in s.items.all()],
            }
            for s in QuizSet.objects.order_by("key").prefetch_related("items__question")
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
    return item
