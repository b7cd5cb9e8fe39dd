"""Questions from other tools' formats (GIFT, Moodle XML, Anki .apkg, CSV and pasted lists), and back.

Every reader turns a file into a neutral list of `Parsed` questions, each with the line it starts on,
and a list of errors (`BankError`, with file and line); `import_questions` checks every file, and
writes nothing unless all of them are valid, in one transaction. What a format cannot carry, or we
cannot keep, is said per question (`Parsed.dropped`) or per file (`FileNote`): the import reports it.

A question imported from one of these formats has no passage: it hangs on one Source per imported
file ("Imported from <file>", empty text, owned by who imported it, published only when an admin
imports into the shared bank) and on that source's one Passage, empty (start = end = 0). Pages show
no passage when its text is empty; the app never invents one.

The formats and their limits: docs/formats.md.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .. import version
from ..models import Choice, Language, Passage, Question, Source, Topic
from ..yaml_bank import BankError, BankInvalid

MAX_QUESTIONS = 10_000  # per import, all files together
MAX_FIELD = 20_000  # characters in a prompt, an answer, a feedback
MAX_CHOICE = 500  # Choice.text
MAX_ERRORS = 200  # listed; the rest are counted
EXTENSIONS = (".yaml", ".yml", ".gift", ".txt", ".xml", ".apkg", ".csv", ".tsv")
TRUE_FALSE_LABELS = {"en": ("True", "False"), "fr": ("Vrai", "Faux")}


def max_bytes(name: str) -> int:
    """The size cap of an uploaded file: the bank's for text formats, more for an Anki package."""
    if name.lower().endswith(".apkg"):
        return APKG_MAX_BYTES
    return settings.QUESTION_BANK_MAX_BYTES


APKG_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Parsed:
    """One question read from a file, in no format's terms. `numbers` are (value, tolerance) pairs."""

    file: str
    line: int
    kind: str
    prompt: str
    title: str = ""
    explanation: str = ""
    choices: list[tuple[str, bool, str]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    back: str = ""
    pairs: list[tuple[str, str]] = field(default_factory=list)
    numbers: list[tuple[float, float]] = field(default_factory=list)
    unit: str = ""
    items: list[str] = field(default_factory=list)  # an ordering question's, in the right order
    topics: list[str] = field(default_factory=list)  # names, as the file has them (categories, tags)
    language: str = ""
    dropped: list[str] = field(default_factory=list)
    external_id: str = ""  # a stable id from the file (an Anki note's guid), if any
    origin_id: int | None = None  # the id of the card in the file (Anki's), to find its review history

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class FileNote:
    """Something of a file that was not imported, and why (an essay question, the media)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class ReadResult:
    questions: list[Parsed] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    notes: list[FileNote] = field(default_factory=list)

    def error(self, name: str, line: int, message: str, path: str = "") -> None:
        self.errors.append(BankError(name, line, path, message))

    def too_many(self, name: str, line: int) -> bool:
        """Whether the file already holds more questions than an import takes (said once, as an error): a
        reader stops there, so 100,000 questions are refused in the time it takes to read 10,000."""
        if len(self.questions) <= MAX_QUESTIONS:
            return False
        self.error(name, line, f"more than {MAX_QUESTIONS} questions: at most {MAX_QUESTIONS} per import")
        return True

    def note(self, name: str, line: int, message: str) -> None:
        self.notes.append(FileNote(name, line, message))


@dataclass
class ImportReport:
    created: int = 0
    sources: list[Source] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # "file:line: title: what was dropped"
    notes: list[FileNote] = field(default_factory=list)
    written: list[tuple[Parsed, Question]] = field(default_factory=list)

    def __str__(self) -> str:
        files = len(self.sources)
        return f"{self.created} question(s) from {files} file(s)"


def decode_text(data: bytes, name: str, result: ReadResult) -> str | None:
    """A text file's content, or None with an error: size, UTF-8 and control characters are checked."""
    limit = settings.QUESTION_BANK_MAX_BYTES
    if len(data) > limit:
        result.error(name, 0, f"file larger than {limit // 2**20} MiB")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.error(name, data[: exc.start].count(b"\n") + 1, "the file is not UTF-8 text")
        return None
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]", text)
    if bad:
        result.error(name, text[: bad.start()].count("\n") + 1, f"control character {bad.group()!r} in the file")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_file(name: str, data: bytes) -> ReadResult:
    """The questions of one file, by its extension (YAML is the bank's own import: not here)."""
    from . import anki, csv_lists, gift, moodle_xml

    lower = name.lower()
    if lower.endswith((".gift", ".txt")):
        return gift.read(name, data)
    if lower.endswith(".xml"):
        return moodle_xml.read(name, data)
    if lower.endswith(".apkg"):
        return anki.read(name, data)
    if lower.endswith((".csv", ".tsv")):
        return csv_lists.read(name, data)
    result = ReadResult()
    result.error(name, 0, "unknown format: use .yaml, .gift, .txt, .xml, .apkg or .csv")
    return result


def check(parsed: Parsed, result: ReadResult) -> None:
    """The rules every question must meet whatever its format, as errors on its line."""

    def error(message: str) -> None:
        label = f"{parsed.title}: " if parsed.title else ""
        result.error(parsed.file, parsed.line, f"{label}{message}")

    if parsed.kind not in Question.Kind.values:
        error(f"{parsed.kind} questions are not supported here")
        return
    if not parsed.prompt.strip():
        error("the question has no text")
    texts = [parsed.prompt, parsed.explanation, parsed.back, *parsed.answers]
    texts += [t for c in parsed.choices for t in (c[0], c[2])] + [t for p in parsed.pairs for t in p]
    texts += parsed.items
    if any(len(t) > MAX_FIELD for t in texts):
        error(f"a text is longer than {MAX_FIELD} characters")
    if any(
        len(t) > MAX_CHOICE
        for t in [c[0] for c in parsed.choices] + parsed.items + [t for p in parsed.pairs for t in p]
    ):
        error(f"a choice is longer than {MAX_CHOICE} characters")
    correct = sum(1 for c in parsed.choices if c[1])
    if parsed.kind in ("single", "multiple"):
        if not 2 <= len(parsed.choices) <= 8:
            error(f"a choice question needs 2 to 8 choices, not {len(parsed.choices)}")
        elif correct < 1:
            error("no choice is right")
        elif parsed.kind == "single" and correct != 1:
            error(f"a single-choice question needs exactly one right choice, not {correct}")
        if len({c[0] for c in parsed.choices}) != len(parsed.choices):
            error("two choices have the same text")
    if parsed.kind == "short" and not parsed.answers:
        error("a short-answer question needs an accepted answer")
    if parsed.kind == "flashcard" and not parsed.back.strip():
        error("the card has no back")
    if parsed.kind == "cloze" and "[[" not in parsed.prompt:
        error("a cloze question needs a blank")
    if parsed.kind == "matching":
        if not 2 <= len(parsed.pairs) <= 8:
            error(f"a matching question needs 2 to 8 pairs, not {len(parsed.pairs)}")
        if any(not left.strip() or not right.strip() for left, right in parsed.pairs):
            error("each pair needs both sides")
        if len({left.strip().casefold() for left, _right in parsed.pairs}) < len(parsed.pairs):
            error("an item on the left appears twice")
    if parsed.kind == "ordering" and not 2 <= len(parsed.items) <= 8:
        error(f"an ordering question needs 2 to 8 items, not {len(parsed.items)}")
    if parsed.kind == "numeric":
        if not parsed.numbers:
            error("a numeric question needs its answer")
        elif parsed.numbers[0][1] < 0:
            error("the tolerance cannot be negative")
        if len(parsed.unit) > 20:
            error("the unit is longer than 20 characters")


def slug(text: str) -> str:
    """A key as the bank writes them (lowercase letters, digits, hyphens): slugify keeps underscores, not this."""
    return re.sub(r"[-_]+", "-", slugify(unicodedata.normalize("NFKD", text))).strip("-")


def _unique_key(base: str, taken: set[str], limit: int = 80) -> str:
    base = slug(base)[: limit - 8].strip("-") or "q"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


def _language(questions: list[Parsed], default: str) -> str:
    """The source's language: the one most of its questions are in (theirs, or the import's when they say none)."""
    seen = [q.language if q.language in Language.values else default for q in questions]
    return max(sorted(set(seen)), key=seen.count)


def read_files(
    files: Iterable[tuple[str, bytes]], read: Callable[[str, bytes], ReadResult] = read_file
) -> list[tuple[str, ReadResult]]:
    """Every file read (by `read`, by default by its extension) and every question checked: the questions
    to write, or BankInvalid with every error of every file. Nothing is written here."""
    done: list[tuple[str, ReadResult]] = []
    errors: list[BankError] = []
    total = 0
    for name, data in files:
        result = read(name, data)
        for parsed in result.questions:
            check(parsed, result)
        total += len(result.questions)
        errors += sorted(result.errors, key=lambda e: e.line)
        done.append((name, result))
    if total > MAX_QUESTIONS and not any("per import" in e.message for e in errors):
        names = ", ".join(n for n, _r in done)
        errors.append(BankError(names, 0, "", f"{total} questions: at most {MAX_QUESTIONS} per import"))
    if not errors and total == 0:
        errors.append(BankError(", ".join(n for n, _r in done), 0, "", "no question found"))
    if errors:
        if len(errors) > MAX_ERRORS:
            more = BankError(errors[MAX_ERRORS].file, 0, "", f"… and {len(errors) - MAX_ERRORS} more errors")
            errors = errors[:MAX_ERRORS] + [more]
        raise BankInvalid(errors)
    return done


def import_questions(
    files: Iterable[tuple[str, bytes]],
    owner,
    *,
    shared: bool = False,
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read every file, check every question, then write them all in one transaction, or nothing.

    `owner` imports: the sources are theirs. `shared` (an admin importing into the shared bank) makes
    the questions the bank's and the sources published; otherwise questions and sources stay `owner`'s.
    Raises BankInvalid with every error of every file."""
    read = read_files(files)
    total = sum(len(result.questions) for _name, result in read)
    report = ImportReport()
    with transaction.atomic():
        keys = set(Source.objects.filter(key__startswith="imported-").values_list("key", flat=True))
        ids = set()
        done = 0
        for name, result in read:
            questions = result.questions
            if not questions:
                report.notes += result.notes
                continue
            source_language = _language(questions, language)
            short = name.replace("\\", "/").rsplit("/", 1)[-1]
            source = Source.objects.create(
                key=_unique_key(f"imported-{short}", keys),
                title=f"Imported from {short}"[:300],
                language=source_language,
                text="",
                owner=owner,
                published=shared,
            )
            passage = Passage.objects.create(source=source, text="", start=0, end=0)
            taken = ids | set(
                Question.objects.filter(external_id__startswith=source.key).values_list("external_id", flat=True)
            )
            for parsed in questions:
                question = _write(parsed, source, passage, owner=None if shared else owner, taken=taken, lang=language)
                report.written.append((parsed, question))
                report.created += 1
                done += 1
                if parsed.dropped:
                    label = f"{parsed.title}: " if parsed.title else ""
                    report.dropped.append(f"{parsed.where}: {label}{'; '.join(parsed.dropped)}")
                if progress and (done % 50 == 0 or done == total):
                    progress(done, total)
            ids |= taken
            report.sources.append(source)
            report.notes += result.notes
    version.bump()
    return report


def _write(parsed: Parsed, source: Source, passage: Passage, *, owner, taken: set[str], lang: str) -> Question:
    language = parsed.language if parsed.language in Language.values else lang
    stem = parsed.external_id or parsed.title or str(parsed.line)
    question = Question.objects.create(
        external_id=_unique_key(f"{source.key[:40]}-{stem}", taken),
        kind=parsed.kind,
        prompt=parsed.prompt,
        explanation=parsed.explanation,
        back=parsed.back,
        accepted_answers="\n".join(parsed.answers),
        language=language,
        status=Question.Status.PUBLISHED,
        passage=passage,
        owner=owner,
        **kind_fields(parsed),
    )
    Choice.objects.bulk_create(choice_rows(parsed, question))
    topics = [_topic(name) for name in dict.fromkeys(parsed.topics) if name.strip()]
    if topics:
        question.topics.set(topics)
    return question


def choice_rows(parsed: Parsed, question: Question) -> list[Choice]:
    """The choices, pairs or items of a saved question, unsaved, in the file's order (true/false labelled in the
    question's language)."""
    choices = parsed.choices
    if parsed.kind == "true_false":
        labels = TRUE_FALSE_LABELS.get(question.language, TRUE_FALSE_LABELS["en"])
        choices = [(labels[i], c[1], c[2]) for i, c in enumerate(choices)]
    rows = [Choice(question=question, text=text, is_correct=ok, feedback=fb) for text, ok, fb in choices]
    rows += [Choice(question=question, text=left, match=right) for left, right in parsed.pairs]
    rows += [Choice(question=question, text=item) for item in parsed.items]
    for position, row in enumerate(rows):
        row.position = position
    return rows


def kind_fields(parsed: Parsed) -> dict:
    """A numeric question's answer: the first fully right one (the others were reported dropped)."""
    if parsed.kind != "numeric" or not parsed.numbers:
        return {}
    value, tolerance = parsed.numbers[0]
    return {"numeric_value": value, "numeric_tolerance": tolerance, "tolerance_kind": "absolute", "unit": parsed.unit}


def _topic(name: str) -> Topic:
    name = name.strip()[:120]
    key = slug(name)[:80].strip("-") or "topic"
    topic, _created = Topic.objects.get_or_create(key=key, defaults={"name_en": name, "name_fr": name})
    return topic


def topic_name(category: str) -> str:
    """A Moodle category path ("$course$/top/Gene therapy/Vectors") as a topic: its last part."""
    parts = [p.strip() for p in re.split(r"(?<!/)/(?!/)", category) if p.strip()]
    parts = [p.replace("//", "/") for p in parts if p not in ("$course$", "$system$", "$module$", "$cat1$", "top")]
    return parts[-1] if parts else ""


EXPORT_FORMATS = ("gift", "xml", "apkg", "csv", "yaml")


def export(questions, fmt: str, *, deck_name: str = "learnapp", deck_key: str = "learnapp") -> tuple[bytes, list[str]]:
    """`questions` (a Question queryset) written in `fmt`, and one line per question a format cannot hold.
    YAML is the whole bank (yaml_bank.export_bank): the one lossless format."""
    from . import anki, csv_lists, gift, moodle_xml

    if fmt == "yaml":
        from ..yaml_bank import export_bank

        return export_bank().encode(), []
    questions = questions.select_related("passage__source").prefetch_related("choices", "topics")
    if fmt == "apkg":
        return anki.write(questions, deck_name, deck_key)
    writer = {"gift": gift.write, "xml": moodle_xml.write, "csv": csv_lists.write}[fmt]
    text, skipped = writer(questions)
    return text.encode(), skipped
