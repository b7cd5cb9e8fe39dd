"""A hostile or careless bank file gets a line-numbered error, never a traceback, from both the
command and the admin import page; a source's URL can only be a web link (RELIABILITY.md §A7, 21-28)."""

import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from quizzes.models import Question, Source
from tests import factory

GOOD = textwrap.dedent("""\
    version: 1
    sources:
      - key: intro
        title: "Introduction"
        language: en
        url: "https://example.org/intro"
        text: "AAV vectors are non-integrative."
    questions:
      - id: q-card
        source: intro
        kind: flashcard
        prompt: "AAV vectors"
        back: "Non-integrative."
        passage: "AAV vectors are non-integrative."
        explanation: "See the text."
    """)

HUGE_INT = GOOD.replace("kind: flashcard\n", "kind: flashcard\n    difficulty: " + "9" * 5000 + "\n")
BAD_DATE = GOOD.replace('title: "Introduction"', "title: 2026-13-45")
BAD_DATE_VALUE = GOOD.replace("kind: flashcard\n", "kind: flashcard\n    difficulty: 2026-13-45\n")
JAVASCRIPT_URL = GOOD.replace("https://example.org/intro", "javascript:alert(document.cookie)")
DATA_URL = GOOD.replace("https://example.org/intro", "data:text/html,<script>alert(1)</script>")
LONG_KEY = GOOD.replace("kind: flashcard\n", "kind: flashcard\n    ? " + "k" * 20_000 + "\n    : 1\n")
LONG_KIND = GOOD.replace("kind: flashcard\n", "kind: " + "x" * 20_000 + "\n")

# The line of the offending value in each file above.
CASES = [
    pytest.param(HUGE_INT, "bank.yaml:12", id="5000-digit-integer"),
    pytest.param(BAD_DATE, "bank.yaml:4", id="impossible-date-as-text"),
    pytest.param(BAD_DATE_VALUE, "bank.yaml:12", id="impossible-date-as-value"),
    pytest.param(JAVASCRIPT_URL, "bank.yaml:6", id="javascript-url"),
    pytest.param(DATA_URL, "bank.yaml:6", id="data-url"),
]


def run_command(tmp_path, text: str) -> str:
    path = tmp_path / "bank.yaml"
    path.write_text(text)
    with pytest.raises(CommandError) as exc:
        call_command("import_bank", str(path))
    # The command names the file by its path: keep its name only.
    return str(exc.value).replace(str(tmp_path) + "/", "")


@pytest.mark.django_db
@pytest.mark.parametrize("text, where", CASES)
def test_the_command_reports_a_line_and_imports_nothing(tmp_path, text, where):
    message = run_command(tmp_path, text)
    assert where in message, message
    assert "Traceback" not in message
    assert Question.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("text, where", CASES)
def test_the_admin_page_reports_a_line_and_imports_nothing(admin_client, text, where):
    upload = SimpleUploadedFile("bank.yaml", text.encode(), "application/yaml")
    r = admin_client.post("/admin/quizzes/question/import/", {"files": upload})
    assert r.status_code == 400
    html = r.content.decode()
    assert where in html
    assert "nothing was imported" in html
    assert Question.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.django_db
def test_the_messages_name_what_is_wrong(tmp_path):
    assert "too long" in run_command(tmp_path, HUGE_INT) or "too large" in run_command(tmp_path, HUGE_INT)
    assert "date" in run_command(tmp_path, BAD_DATE_VALUE)
    assert "http" in run_command(tmp_path, JAVASCRIPT_URL)


@pytest.mark.django_db
def test_a_web_link_still_imports(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(GOOD.replace("https://", "http://"))
    call_command("import_bank", str(path))
    assert Source.objects.get().url == "http://example.org/intro"


@pytest.mark.django_db
@pytest.mark.parametrize("text, where", [(LONG_KEY, "bank.yaml:12"), (LONG_KIND, "bank.yaml:11")], ids=["key", "value"])
def test_an_error_echoing_the_file_is_cut_short(tmp_path, text, where):
    message = run_command(tmp_path, text)
    assert where in message
    assert len(message) < 600, len(message)


@pytest.mark.django_db
def test_the_text_page_never_links_a_script_url(client):
    """A URL saved before the check (or written to the database directly) is not a live link."""
    factory.make_source(key="old", url="javascript:alert(document.cookie)")
    html = client.get("/sources/old/").content.decode()
    assert "javascript:" not in html


@pytest.mark.django_db
def test_the_admin_refuses_a_script_url_for_a_source(admin_client):
    source = factory.make_source(key="old")
    r = admin_client.post(
        f"/admin/quizzes/source/{source.pk}/change/",
        {
            "key": "old",
            "title": source.title,
            "language": "en",
            "text": source.text,
            "url": "ftp://example.org/intro",
            "paragraph_languages": "{}",
        },
    )
    assert r.status_code == 200  # the form again, with an error
    source.refresh_from_db()
    assert source.url == ""
