"""Nothing lost when adding a text or editing a candidate: the uploaded file's text and everything typed
come back with the error, and nothing is saved."""

import html as htmllib
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Candidate, DerivationJob, Question, Source
from tests import factory
from tests.markup import input_value, shown


def test_text_upload_keeps_the_uploaded_text_when_another_field_is_wrong(client, teacher):
    client.force_login(teacher)
    upload = SimpleUploadedFile("notes.md", b"# Vectors\n\nAAV-TEXT-FROM-FILE stays episomal.")
    data = {"title": "", "author": "AUTHOR-TYPED", "url": "https://example.org/a", "file": upload}
    r = client.post("/texts/new/", data)
    page = r.content.decode()
    assert r.status_code == 200 and not Source.objects.filter(title="").exists()
    assert "This field is required." in page and shown(page, "AUTHOR-TYPED")
    assert shown(page, "AAV-TEXT-FROM-FILE"), "the uploaded file's text is not lost"
    assert shown(page, "notes.md"), "the page says which file it kept"
    # Sent again with the title and without the file, the kept text is what is added, as Markdown.
    kept = {name: input_value(page, name) for name in ("kept_name", "kept_format")}
    m = re.search(r'<textarea[^>]*name="kept_text"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert m and kept["kept_format"] == "md", "the kept file travels with the form"
    again = dict(data, title="Kept text", file="", kept_text=htmllib.unescape(m.group(1)), **kept)
    client.post("/texts/new/", again)
    source = Source.objects.get(title="Kept text")
    assert "AAV-TEXT-FROM-FILE" in source.text and "#" not in source.text.split("AAV")[0]


def test_review_queue_edit_keeps_everything_typed(client, teacher):
    source = factory.make_source(owner=teacher)
    question = factory.make_question("draft", source=source, status=Question.Status.DRAFT)
    job = DerivationJob.objects.create(source=source)
    candidate = Candidate.objects.create(job=job, question=question, confidence=0.5, reason="test")
    client.force_login(teacher)
    data = {
        "source": source.pk,
        "passage_text": "NOT VERBATIM",
        "kind": "single",
        "prompt": "PROMPT-EDITED",
        "explanation": "EXPLANATION-EDITED",
        "difficulty": "2",
        "choices-TOTAL_FORMS": "4",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "8",
        "choices-0-text": "A-EDITED",
        "choices-0-is_correct": "on",
        "choices-1-text": "B-EDITED",
    }
    page = client.post(f"/review-queue/{candidate.pk}/edit/", data).content.decode()
    for typed in ("NOT VERBATIM", "PROMPT-EDITED", "EXPLANATION-EDITED", "A-EDITED", "B-EDITED"):
        assert shown(page, typed), typed
    assert shown(page, "The passage does not occur verbatim in the source text.")
    question.refresh_from_db()
    assert question.prompt != "PROMPT-EDITED"


def test_review_queue_reject_with_nothing_ticked_keeps_the_reason_and_says_so(client, teacher):
    source = factory.make_source(owner=teacher)
    question = factory.make_question("draft", source=source, status=Question.Status.DRAFT)
    job = DerivationJob.objects.create(source=source)
    candidate = Candidate.objects.create(job=job, question=question, confidence=0.5, reason="test")
    client.force_login(teacher)
    r = client.post("/review-queue/", {"reject": "", "reason": "REASON-TYPED: the answer is ambiguous"})
    page = r.content.decode()
    assert r.status_code == 200, "the page comes back, not a redirect that forgets the reason"
    assert input_value(page, "reason") == "REASON-TYPED: the answer is ambiguous"
    assert "Tick at least one candidate." in page
    assert "Rejected." not in page
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.PENDING
