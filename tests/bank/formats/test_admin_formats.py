"""The admin's import page for every format (and a pasted list), its export actions, and imported questions
shown without a passage."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.bank.models import Question, Source
from tests.factory import make_question, make_quizset

HERE = Path(__file__).parent
URL = "/admin/quizzes/question/import/"


@pytest.mark.django_db
class TestImportPage:
    def test_a_gift_file_into_the_shared_bank(self, admin_client, admin_user):
        upload = SimpleUploadedFile("sample.gift", (HERE / "sample.gift").read_bytes())
        r = admin_client.post(URL, {"files": upload, "shared": "on", "language": "en"}, follow=True)
        html = r.content.decode().lower()  # the admin capitalises its messages
        assert "import done: 10 questions from 1 file(s)." in html
        assert "sample.gift:34: essay: an essay question: not imported (nothing to grade)" in html
        assert "sample.gift:4: vector-kind: gift has no passage" in html
        source = Source.objects.get()
        assert (source.title, source.published, source.owner) == ("Imported from sample.gift", True, admin_user)

    def test_a_pasted_list_becomes_the_admins_own_flashcards(self, admin_client, admin_user):
        r = admin_client.post(URL, {"paste": "AAV\tadeno-associated virus\nCAR\tchimeric antigen receptor\n"})
        assert r.status_code == 302
        cards = Question.objects.order_by("pk")
        assert [(q.kind, q.prompt, q.back, q.owner) for q in cards] == [
            ("flashcard", "AAV", "adeno-associated virus", admin_user),
            ("flashcard", "CAR", "chimeric antigen receptor", admin_user),
        ]
        assert Source.objects.get().published is False

    def test_errors_of_every_file_are_listed_and_nothing_is_written(self, admin_client):
        files = [SimpleUploadedFile("a.gift", b"Q {=a\n"), SimpleUploadedFile("b.xml", b"<quiz><question></quiz>")]
        r = admin_client.post(URL, {"files": files})
        assert r.status_code == 400
        html = r.content.decode()
        assert "2 problems found, nothing was imported" in html
        assert "a.gift:1: the answers open with { but never close with }" in html
        assert "b.xml:1: not well-formed XML: mismatched tag" in html
        assert not Source.objects.exists()

    def test_nothing_to_import_and_mixed_yaml_are_form_errors(self, admin_client):
        assert "Choose a file or paste a list." in admin_client.post(URL, {"language": "en"}).content.decode()
        files = [SimpleUploadedFile("bank.yaml", b"version: 1\n"), SimpleUploadedFile("a.gift", b"Q{T}\n")]
        assert "Import bank YAML files on their own" in admin_client.post(URL, {"files": files}).content.decode()


@pytest.mark.django_db
def test_export_actions_give_a_file(admin_client):
    question = make_question("aav-1")
    r = admin_client.post("/admin/quizzes/question/", {"action": "export_gift", "_selected_action": [question.pk]})
    assert r["Content-Disposition"] == 'attachment; filename="learnapp-questions.gift"'
    assert r.content.decode().startswith("$CATEGORY: $course$/top\n\n::aav-1:: Are AAV vectors integrative?{")
    quizset = make_quizset("vectors", [question], title="Vectors")
    r = admin_client.post("/admin/quizzes/quizset/", {"action": "export_apkg", "_selected_action": [quizset.pk]})
    assert r["Content-Disposition"] == 'attachment; filename="vectors.apkg"'
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()


@pytest.mark.django_db
def test_an_imported_question_shows_no_passage(admin_client, admin_user):
    admin_client.post(URL, {"files": SimpleUploadedFile("q.gift", b"::q1:: Is AAV a virus?{T####It is.}\n")})
    question = Question.objects.get()
    html = admin_client.get(question.get_absolute_url()).content.decode()
    assert "Is AAV a virus?" in html and "It is." in html
    assert "blockquote" not in html
