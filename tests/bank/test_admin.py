"""The question bank in Django admin: editing every part of a question, filters, bulk actions, import/export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quizzes.bank.models import BankImportJob, Question, Source, Topic
from quizzes.bank.yaml_bank import BankFile, validate
from tests import factory
from tests.bank.test_import_bank import BANK

CHANGE_URL = "/admin/quizzes/question/{}/change/"


def question_form(question: Question, **overrides) -> dict:
    data = {
        "external_id": question.external_id,
        "kind": question.kind,
        "status": question.status,
        "language": question.language,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "back": question.back,
        "accepted_answers": question.accepted_answers,
        "highlight": question.highlight,
        "source": question.passage.source_id,
        "passage_text": question.passage.text,
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    choices = list(question.choices.all())
    data["choices-TOTAL_FORMS"] = data["choices-INITIAL_FORMS"] = str(len(choices))
    for i, choice in enumerate(choices):
        data.update(
            {
                f"choices-{i}-id": choice.pk,
                f"choices-{i}-question": question.pk,
                f"choices-{i}-position": i,
                f"choices-{i}-text": choice.text,
                f"choices-{i}-feedback": choice.feedback,
            }
        )
        if choice.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
class TestQuestionEditing:
    def test_an_admin_edits_prompt_choices_feedback_and_passage(self, admin_client):
        question = factory.make_question()
        data = question_form(
            question,
            prompt="Do AAV vectors integrate?",
            **{
                "choices-1-text": "They integrate",
                "choices-1-feedback": "No: they stay in the nucleus.",
                "passage_text": "their DNA stays in the nucleus",
                "highlight": "stays in the nucleus",
            },
        )
        r = admin_client.post(CHANGE_URL.format(question.pk), data)
        assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
        question.refresh_from_db()
        assert question.prompt == "Do AAV vectors integrate?"
        assert question.passage.text == "their DNA stays in the nucleus"
        assert [(c.text, c.feedback) for c in question.choices.all()][1] == (
            "They integrate",
            "No: they stay in the nucleus.",
        )

    def test_a_single_choice_question_needs_exactly_one_correct_choice(self, admin_client):
        question = factory.make_question()
        r = admin_client.post(CHANGE_URL.format(question.pk), question_form(question, **{"choices-1-is_correct": "on"}))
        assert r.status_code == 200
        assert "A single-choice question has exactly one correct choice." in r.content.decode()
        assert question.choices.filter(is_correct=True).count() == 1

    def test_a_true_false_question_has_exactly_one_answer(self, admin_client):
        question = factory.make_question(kind="true_false", choices=[("True", True), ("False", False)])
        r = admin_client.post(CHANGE_URL.format(question.pk), question_form(question, **{"choices-1-is_correct": "on"}))
        assert "A true/false question has exactly two choices and exactly one answer." in r.content.decode()

    def test_the_passage_must_be_verbatim(self, admin_client):
        question = factory.make_question()
        r = admin_client.post(CHANGE_URL.format(question.pk), question_form(question, passage_text="AAV cures all"))
        assert r.status_code == 200
        assert "The passage does not occur verbatim in the source text." in r.content.decode()
        question.refresh_from_db()
        assert question.passage.text == "Adeno-associated virus (AAV) vectors are non-integrative"

    def test_kind_specific_fields_are_checked(self, admin_client):
        question = factory.make_question("card", kind="flashcard", choices=[], back="Back")
        r = admin_client.post(CHANGE_URL.format(question.pk), question_form(question, back=""))
        assert "A flashcard needs a back." in r.content.decode()
        cloze = factory.make_question("cloze", kind="cloze", choices=[], prompt="[[AAV]] vectors")
        r = admin_client.post(CHANGE_URL.format(cloze.pk), question_form(cloze, prompt="AAV vectors"))
        assert "A cloze question needs at least one blank" in r.content.decode()

    def test_a_teacher_cannot_edit_questions(self, client, teacher):
        question = factory.make_question()
        client.force_login(teacher)
        r = client.post(CHANGE_URL.format(question.pk), question_form(question, prompt="Hacked"))
        assert r.status_code == 302 and "/admin/login/" in r.url
        question.refresh_from_db()
        assert question.prompt != "Hacked"


@pytest.mark.django_db
class TestQuestionList:
    def test_filters_search_and_preview_links(self, admin_client):
        topic = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
        question = factory.make_question(topics=[topic])
        factory.make_question("q-draft", status="draft", prompt="A draft about lentivirus")
        source = Source.objects.get()
        for query in [
            "",
            "?status__exact=draft",
            "?kind__exact=single",
            "?language__exact=en",
            f"?passage__source__id__exact={source.pk}",
            "?q=lentivirus",
            "?difficulty__exact=2",
            f"?topics__id__exact={topic.pk}",
        ]:
            r = admin_client.get("/admin/quizzes/question/" + query)
            assert r.status_code == 200, query
        r = admin_client.get("/admin/quizzes/question/?q=lentivirus")
        assert (
            "q-draft" in r.content.decode() and f"/questions/{question.external_id}/preview/" not in r.content.decode()
        )
        r = admin_client.get("/admin/quizzes/question/?status__exact=published")
        assert f'href="/questions/{question.external_id}/preview/"' in r.content.decode()

    def test_bulk_publish_and_unpublish(self, admin_client):
        a = factory.make_question("a", status="draft")
        b = factory.make_question("b", status="draft")
        r = admin_client.post("/admin/quizzes/question/", {"action": "publish", "_selected_action": [a.pk, b.pk]})
        assert r.status_code == 302
        assert set(Question.objects.values_list("status", flat=True)) == {"published"}
        admin_client.post("/admin/quizzes/question/", {"action": "unpublish", "_selected_action": [a.pk]})
        a.refresh_from_db()
        b.refresh_from_db()
        assert (a.status, b.status) == ("draft", "published")

    def test_admin_pages_escape_question_text(self, admin_client):
        factory.make_question(
            prompt="<script>alert(1)</script>", choices=[('"><svg onload=alert(1)>', True), ("b", False)]
        )
        html = admin_client.get("/admin/quizzes/question/").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


@pytest.mark.django_db
class TestImportPage:
    URL = "/admin/quizzes/question/import/"

    def upload(self, client, content: bytes, name: str = "bank.yaml"):
        return client.post(self.URL, {"files": SimpleUploadedFile(name, content, "application/yaml")})

    def test_an_admin_imports_a_bank(self, admin_client):
        assert admin_client.get(self.URL).status_code == 200
        r = self.upload(admin_client, BANK.encode())
        assert r.status_code == 302
        assert Question.objects.count() == 5
        page = admin_client.get(r.url).content.decode()
        assert "Import done: created 5 questions, 1 quiz sets, 1 sources, 1 topics" in page

    def test_several_files_are_imported_together(self, admin_client):
        library, questions = BANK.split("questions:\n", 1)
        r = admin_client.post(
            self.URL,
            {
                "files": [
                    SimpleUploadedFile("library.yaml", library.encode()),
                    SimpleUploadedFile("questions.yaml", ("version: 1\nquestions:\n" + questions).encode()),
                ]
            },
        )
        assert r.status_code == 302
        assert Question.objects.count() == 5

    def test_a_bad_bank_lists_every_error_and_changes_nothing(self, admin_client):
        broken = BANK.replace("answer: true", "answer: maybe").replace(
            "kind: flashcard", "kind: flashcard\n    owner: 1"
        )
        r = self.upload(admin_client, broken.encode())
        assert r.status_code == 400
        html = r.content.decode()
        assert "2 problems found, nothing was imported" in html
        assert "bank.yaml:29: questions[1].answer: must be true or false" in html
        assert "bank.yaml:47: questions[4].owner: must be a username" in html
        assert Question.objects.count() == 0 and Source.objects.count() == 0

    @pytest.mark.parametrize(
        "content, message",
        [
            (b"a: &x 1\nb: *x\n", "bank.yaml:1: anchors (&amp;x) are not allowed"),
            (b"version: 1\nquestions: caf\xe9\n", "bank.yaml:2: file is not UTF-8"),
            (b"version: 1\n---\nversion: 1\n", "bank.yaml:2: only one YAML document per file"),
            (b"[" * 5000, "bank.yaml:1: nesting deeper than 32"),
        ],
    )
    def test_hostile_files_are_refused(self, admin_client, content, message):
        r = self.upload(admin_client, content)
        assert r.status_code == 400
        assert message in r.content.decode()

    def test_a_file_over_2_mib_is_refused_before_parsing(self, admin_client):
        r = self.upload(admin_client, b"#" * (2 * 1024 * 1024 + 1))
        assert r.status_code == 400
        assert "bank.yaml: file larger than 2 MiB." in r.content.decode()

    def test_only_yaml_files(self, admin_client):
        r = self.upload(admin_client, BANK.encode(), "bank.exe")
        assert "bank.exe: use .yaml, .yml, .gift, .txt, .xml, .apkg, .csv, .tsv files." in r.content.decode()

    def test_learners_and_teachers_cannot_import(self, client, learner, teacher):
        for user in (learner, teacher):
            client.force_login(user)
            r = self.upload(client, BANK.encode())
            assert r.status_code == 302 and r.url.startswith("/admin/login/")
        assert Question.objects.count() == 0

    def test_staff_without_the_permission_gets_403(self, client):
        client.force_login(factory.make_user("viewer", is_staff=True))
        assert self.upload(client, BANK.encode()).status_code == 403
        assert Question.objects.count() == 0

    def test_import_needs_a_csrf_token(self, admin_user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin_user)
        assert self.upload(client, BANK.encode()).status_code == 403


@pytest.mark.django_db
def test_export_downloads_a_bank_that_imports_again(admin_client):
    factory.make_question()
    r = admin_client.get("/admin/quizzes/question/export/")
    assert r["Content-Disposition"] == 'attachment; filename="learnapp-bank.yaml"'
    plan = validate([BankFile("export.yaml", r.content)])
    assert list(plan.questions) == ["q-1"]


@pytest.mark.django_db
def test_an_admin_publishes_a_teachers_set_to_the_shared_bank(admin_client, teacher):
    own = factory.make_question("own", owner=teacher)
    quizset = factory.make_quizset("mine", [own], owner=teacher)
    r = admin_client.post("/admin/quizzes/quizset/", {"action": "publish_to_bank", "_selected_action": [quizset.pk]})
    assert r.status_code == 302
    quizset.refresh_from_db()
    own.refresh_from_db()
    assert quizset.owner is None and own.owner is None
    assert 'href="/sets/mine/"' in admin_client.get("/").content.decode()


@pytest.mark.django_db
def test_editing_a_source_text_in_the_admin_marks_lost_passages_stale(admin_client):
    question = factory.make_question()
    source = question.passage.source
    r = admin_client.post(
        f"/admin/quizzes/source/{source.pk}/change/",
        {
            "key": source.key,
            "title": source.title,
            "language": source.language,
            "author": "",
            "url": "",
            "licence": "",
            "text": "A completely new text.",
        },
        follow=True,
    )
    assert "1 question cites a passage that is no longer in the text" in r.content.decode()
    question.refresh_from_db()
    assert question.stale


@pytest.mark.django_db
class TestLargeImportsRunOnAWorker:
    """Files over LEARNAPP_BACKGROUND_IMPORT_BYTES are imported by a worker (bank.tasks, one transaction);
    the import page shows the job until it is done, then what it did or every error."""

    URL = TestImportPage.URL

    @pytest.fixture(autouse=True)
    def small_threshold(self, settings):
        settings.LEARNAPP_BACKGROUND_IMPORT_BYTES = 100

    def test_a_large_bank_is_imported_by_a_worker(self, admin_client):
        r = TestImportPage().upload(admin_client, BANK.encode())
        job = BankImportJob.objects.get()
        assert r.url == f"{self.URL}?job={job.pk}"
        assert job.status == "done" and job.files == [], "the files are dropped once imported"
        assert Question.objects.count() == 5
        page = admin_client.get(r.url).content.decode()
        assert "Import done: created 5 questions, 1 quiz sets, 1 sources, 1 topics" in page
        assert 'http-equiv="refresh"' not in page

    def test_a_large_bad_bank_fails_with_every_error_and_changes_nothing(self, admin_client):
        broken = BANK.replace("answer: true", "answer: maybe")
        r = TestImportPage().upload(admin_client, broken.encode())
        assert BankImportJob.objects.get().status == "failed"
        page = admin_client.get(r.url).content.decode()
        assert "1 problem found, nothing was imported" in page
        assert "bank.yaml:29: questions[1].answer: must be true or false" in page
        assert Question.objects.count() == 0

    def test_a_waiting_import_refreshes_its_page(self, admin_client, settings):
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        r = TestImportPage().upload(admin_client, BANK.encode())
        page = admin_client.get(r.url).content.decode()
        assert "waiting for a worker" in page and 'http-equiv="refresh"' in page
        assert Question.objects.count() == 0
        assert admin_client.get(f"{self.URL}?job=99999999999").status_code == 200  # no such job: the form
