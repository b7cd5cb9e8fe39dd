"""New texts and the review queue: derive in the background, accept / edit / reject, stale questions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quizzes.bank.models import Question, QuizSet, Source
from quizzes.deriving.models import Candidate, DerivationJob
from tests import factory

HX = {"HX-Request": "true"}
TEXT = """Gene therapy: a short introduction

Luxturna is indicated for the treatment of retinal dystrophy caused by mutations in the RPE65 gene.
It was authorized in the USA at the end of 2017.

Adeno-associated virus (AAV) vectors are non-integrative: their DNA stays in the nucleus of the cell.
Lentiviral vectors are integrative and insert their DNA into the genome of the host cell.

Strimvelis treats severe combined immunodeficiency due to adenosine deaminase deficiency (ADA-SCID).
It was approved in Europe in 2016 and costs over 600,000 euros per treatment.
"""


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def derived(tom):
    """Tom's text, with the questions derived from it waiting for review."""
    source = add_text(tom)
    tom.post(f"/texts/{source.key}/derive/")
    return source


def add_text(client, **extra) -> Source:
    data = {"title": "Short introduction", "text": TEXT, "language": "", **extra}
    r = client.post("/texts/new/", data)
    source = Source.objects.get(title=data["title"])
    assert r.url == f"/texts/{source.key}/derive/"
    return source


MIXED = """Thérapie génique

La thérapie génique consiste à introduire un gène fonctionnel dans les cellules du patient.

Luxturna is indicated for the treatment of retinal dystrophy caused by mutations in the RPE65 gene.

Le Kymriah et le Yescarta sont remboursés en France dans le traitement des lymphomes depuis 2018.
"""


class TestParagraphLanguages:
    """The language is detected per paragraph and a reviewer can correct it, paragraph by paragraph."""

    def paragraphs(self, client, source) -> dict[int, str]:
        page = client.get(f"/texts/{source.key}/derive/").content.decode()
        found = re.findall(r'name="lang-(\d+)"><option value="en"( selected)?>', page)
        return {int(start): "en" if en else "fr" for start, en in found}

    def test_each_paragraph_shows_its_detected_language(self, tom):
        source = add_text(tom, text=MIXED, title="Mixte")
        assert list(self.paragraphs(tom, source).values()) == ["fr", "en", "fr"]

    def test_a_corrected_paragraph_keeps_its_language_and_the_deriver_follows_it(self, tom):
        source = add_text(tom, text=MIXED, title="Mixte")
        detected = self.paragraphs(tom, source)
        english = next(start for start, lang in detected.items() if lang == "en")
        form = {f"lang-{start}": lang for start, lang in detected.items()} | {f"lang-{english}": "fr"}
        r = tom.post(f"/texts/{source.key}/derive/", {**form, "paragraph_languages": ""}, follow=True)
        assert "Languages of the paragraphs saved." in r.content.decode()
        source.refresh_from_db()
        assert source.paragraph_languages == {str(english): "fr"}  # only what differs from detection
        assert list(self.paragraphs(tom, source).values()) == ["fr", "fr", "fr"]
        page = tom.get(f"/texts/{source.key}/derive/").content.decode()
        assert "Paragraphs: 0 in English, 3 in French, after 1 correction." in page
        tom.post(f"/texts/{source.key}/derive/")
        luxturna = Question.objects.filter(candidate__isnull=False, passage__text__startswith="Luxturna")
        assert luxturna and {q.language for q in luxturna} == {"fr"}

    def test_a_paragraph_left_off_the_form_keeps_its_correction(self, tom):
        source = add_text(tom, text=MIXED, title="Mixte")
        first, english, last = self.paragraphs(tom, source)
        tom.post(f"/texts/{source.key}/derive/", {f"lang-{english}": "fr", "paragraph_languages": ""})
        tom.post(f"/texts/{source.key}/derive/", {f"lang-{last}": "en", "paragraph_languages": ""})
        source.refresh_from_db()
        assert source.paragraph_languages == {str(english): "fr", str(last): "en"}

    def test_a_bad_language_is_refused_and_nothing_changes(self, tom):
        source = add_text(tom, text=MIXED, title="Mixte")
        start = next(iter(self.paragraphs(tom, source)))
        r = tom.post(f"/texts/{source.key}/derive/", {f"lang-{start}": "de", "paragraph_languages": ""}, follow=True)
        assert "Choose English or French for every paragraph." in r.content.decode()
        source.refresh_from_db()
        assert source.paragraph_languages == {}

    def test_another_teacher_cannot_correct_the_languages(self, tom):
        source = add_text(tom, text=MIXED, title="Mixte")
        start = next(iter(self.paragraphs(tom, source)))
        client = Client()
        client.force_login(factory.make_user("other", factory.Role.TEACHER))
        r = client.post(f"/texts/{source.key}/derive/", {f"lang-{start}": "en", "paragraph_languages": ""})
        assert r.status_code == 404
        source.refresh_from_db()
        assert source.paragraph_languages == {}

    def test_a_new_text_forgets_the_corrections(self, tom):
        source = add_text(tom, text=MIXED, title="Mixte")
        source.paragraph_languages = {"0": "en"}
        source.save()
        source.replace_text(MIXED.replace("Luxturna", "Zolgensma"))
        assert source.paragraph_languages == {}


class TestAddText:
    def test_a_teacher_pastes_a_text_and_derives_questions(self, tom, teacher):
        source = add_text(tom)
        assert source.owner == teacher and source.language == "en"
        assert "Paragraphs detected:" in tom.get(f"/texts/{source.key}/derive/").content.decode()
        r = tom.post(f"/texts/{source.key}/derive/", follow=True)
        job = DerivationJob.objects.get()
        assert job.status == "done" and job.created > 0
        assert "candidates found" in r.content.decode() or "candidate found" in r.content.decode()
        progress = tom.get(f"/texts/{source.key}/derive/", headers=HX)
        assert progress.status_code == 286, "htmx stops polling once the job is done"
        assert Candidate.objects.count() == job.created
        assert set(Question.objects.filter(candidate__isnull=False).values_list("status", flat=True)) == {"draft"}

    @pytest.mark.parametrize(
        "name, content, message",
        [
            ("notes.pdf", b"%PDF-1.4", "notes.pdf: only .txt, .md or .html files."),
            ("latin1.txt", "th\xe9rapie".encode("latin-1"), "latin1.txt: the file is not UTF-8 text."),
            ("big.txt", b"x" * (1024 * 1024 + 1), "big.txt: file larger than 1 MiB."),
        ],
    )
    def test_bad_uploads_are_refused_and_nothing_is_stored(self, tom, name, content, message):
        r = tom.post("/texts/new/", {"title": "T", "file": SimpleUploadedFile(name, content)})
        assert r.status_code == 200 and message in r.content.decode()
        assert not Source.objects.exists()

    def test_an_html_upload_loses_its_scripts_and_navigation(self, tom):
        html = (
            b"<html><head><script>alert(1)</script><style>p{}</style></head><body><nav>Home | Menu</nav>"
            b"<h1>Vectors</h1><p>Adeno-associated virus (AAV) vectors are non-integrative.</p></body></html>"
        )
        tom.post("/texts/new/", {"title": "Page", "file": SimpleUploadedFile("page.html", html)})
        source = Source.objects.get()
        assert "alert" not in source.text and "p{}" not in source.text
        assert "Adeno-associated virus (AAV) vectors are non-integrative." in source.text

    def test_learners_cannot_add_texts_or_see_the_queue(self, client, learner):
        client.force_login(learner)
        for url in ("/texts/new/", "/review-queue/"):
            assert client.get(url).status_code == 403
        assert Client().get("/review-queue/").status_code == 302


class TestQueue:
    def test_best_candidates_first_with_passage_reason_and_confidence(self, tom, derived):
        html = tom.get("/review-queue/").content.decode()
        best = Candidate.objects.order_by("-confidence").first()
        assert best.reason in html and 'class="passage"' in html
        assert html.index(f'id="candidate-{best.pk}"') < min(
            html.index(f'id="candidate-{c.pk}"') for c in Candidate.objects.exclude(pk=best.pk)
        )

    def test_accept_publishes_into_the_texts_quiz_set_and_a_learner_can_take_it(self, tom, derived, learner):
        candidate = Candidate.objects.order_by("-confidence").first()
        r = tom.post(f"/review-queue/{candidate.pk}/", {"accept": "1"}, headers=HX)
        assert "Accepted and published." in r.content.decode()
        candidate.refresh_from_db()
        assert candidate.state == "accepted" and candidate.question.status == "published"
        quizset = QuizSet.objects.get(key=f"derived-{derived.key}")
        assert list(quizset.questions.all()) == [candidate.question]

    def test_reject_with_a_reason_is_kept_and_not_proposed_again(self, tom, derived):
        candidate = Candidate.objects.order_by("-confidence").first()
        prompt = candidate.question.prompt
        tom.post(f"/review-queue/{candidate.pk}/", {"reject_one": "1", "reason": "too easy"})
        candidate.refresh_from_db()
        assert (candidate.state, candidate.rejection_reason) == ("rejected", "too easy")
        tom.post(f"/texts/{derived.key}/derive/")
        assert Candidate.objects.filter(question__prompt=prompt).count() == 1, "the rejection counts next time"
        assert Candidate.objects.filter(state="rejected").count() == 1

    def test_a_rejected_answer_ranks_its_other_questions_lower(self, tom, derived, teacher):
        from quizzes.deriving import engine as deriving
        from quizzes.deriving import review_queue as candidates

        rejected = Candidate.objects.order_by("-confidence").first()
        candidates.reject(rejected, teacher, "not this term")
        passage = rejected.question.passage.text

        def draft(kind, prompt, answer, confidence):
            return deriving.Candidate(
                kind=kind,
                prompt=prompt,
                answer=answer,
                passage=passage,
                language="en",
                confidence=confidence,
                reason="test",
                answer_type="term",
                back="back",
            )

        found = [
            draft("flashcard", "Same answer, asked another way", rejected.answer, 0.8),
            draft("flashcard", "Another answer", "something else", 0.8),
            draft(rejected.question.kind, rejected.question.prompt, rejected.answer, 0.9),
        ]
        job = DerivationJob.objects.create(source=derived)
        assert candidates._store(job, derived, found) == 2, "the rejected question itself is not proposed again"
        confidence = dict(job.candidates.values_list("question__prompt", "confidence"))
        assert confidence == {
            "Same answer, asked another way": pytest.approx(0.4),
            "Another answer": pytest.approx(0.8),
        }

    def test_bulk_accept(self, tom, derived):
        ids = list(Candidate.objects.values_list("pk", flat=True)[:2])
        tom.post("/review-queue/", {"candidate": ids, "accept": "1"})
        assert Candidate.objects.filter(state="accepted").count() == 2

    def test_edit_then_accept_with_the_editor_rules(self, tom, derived):
        candidate = Candidate.objects.filter(question__kind="cloze").first() or Candidate.objects.first()
        question = candidate.question
        data = {
            "kind": question.kind,
            "prompt": question.prompt,
            "explanation": "Edited explanation.",
            "back": question.back,
            "accepted_answers": question.accepted_answers,
            "highlight": "",
            "difficulty": 2,
            "source": derived.pk,
            "passage_text": "not in the text",
            "choices-TOTAL_FORMS": 0,
            "choices-INITIAL_FORMS": 0,
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 8,
        }
        choices = list(question.choices.all())
        data["choices-TOTAL_FORMS"] = data["choices-INITIAL_FORMS"] = len(choices)
        for i, c in enumerate(choices):
            data.update({f"choices-{i}-id": c.pk, f"choices-{i}-text": c.text, f"choices-{i}-feedback": ""})
            if c.is_correct:
                data[f"choices-{i}-is_correct"] = "on"
        r = tom.post(f"/review-queue/{candidate.pk}/edit/", data)
        assert "does not occur verbatim" in r.content.decode()
        data["passage_text"] = question.passage.text
        r = tom.post(f"/review-queue/{candidate.pk}/edit/", data)
        assert r.status_code == 302
        question.refresh_from_db()
        assert question.explanation == "Edited explanation." and question.status == "published"

    def test_teachers_only_see_their_own_texts(self, tom, derived):
        other = Client()
        other.force_login(factory.make_user("tess", factory.Role.TEACHER))
        candidate = Candidate.objects.first()
        assert "Nothing to review." in other.get("/review-queue/").content.decode()
        assert other.get(f"/texts/{derived.key}/derive/").status_code == 404
        assert other.post(f"/review-queue/{candidate.pk}/", {"accept": "1"}).status_code == 404
        assert other.get(f"/questions/{candidate.question.external_id}/preview/").status_code == 404
        candidate.refresh_from_db()
        assert candidate.state == "pending"

    def test_learners_never_see_drafts(self, client, learner, derived):
        candidate = Candidate.objects.first()
        client.force_login(learner)
        assert client.get(f"/questions/{candidate.question.external_id}/preview/").status_code == 403
        assert f"derived-{derived.key}" not in client.get("/").content.decode()


class TestStale:
    def test_editing_a_text_marks_the_questions_whose_passage_is_gone(self, client, admin_user):
        keep = factory.make_question("keep", passage="Gene therapy consists of introducing genetic material")
        lose = factory.make_question("lose", passage="Adeno-associated virus (AAV) vectors are non-integrative")
        source = keep.passage.source
        new_text = "Preface.\n\n" + source.text.replace("Adeno-associated virus (AAV) vectors", "AAV vectors")
        assert source.replace_text(new_text) == 1
        keep.refresh_from_db()
        lose.refresh_from_db()
        assert not keep.stale and lose.stale
        assert keep.passage.source.text[keep.passage.start : keep.passage.end] == keep.passage.text
        client.force_login(admin_user)
        html = client.get("/review-queue/").content.decode()
        assert "Stale questions" in html and "lose" in html
        assert client.get("/admin/quizzes/question/?stale__exact=1").status_code == 200


def test_a_derivation_cut_short_does_not_block_the_next_one(tom, teacher):
    from datetime import timedelta

    from django.utils import timezone

    source = add_text(tom)
    stuck = DerivationJob.objects.create(source=source, status="running", heartbeat_at=timezone.now())
    tom.post(f"/texts/{source.key}/derive/")
    assert DerivationJob.objects.count() == 1, "a running derivation is not started twice"
    # Its worker stopped reporting: it was killed.
    DerivationJob.objects.filter(pk=stuck.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    tom.post(f"/texts/{source.key}/derive/")
    assert DerivationJob.objects.filter(status="done").count() == 1


def test_the_reasons_and_flags_read_in_the_reviewers_language(tom):
    """The deriver stores its reasons in English; the queue shows them, and the flags, in French to a French
    reviewer."""
    from django.utils import translation  # noqa: PLC0415

    from quizzes.deriving.models import localized_reason  # noqa: PLC0415

    source = add_text(tom)
    tom.post(f"/texts/{source.key}/derive/")
    reasons = set(Candidate.objects.values_list("reason", flat=True))
    assert "drug name in a sentence with an indication cue ('indicated', 'treatment of', …)" in reasons
    with translation.override("fr"):
        assert localized_reason("drug name in a sentence with an indication cue ('indicated', 'treatment of', …)") == (
            "nom de médicament dans une phrase d’indication ('indicated', 'treatment of', …)"
        )
        assert localized_reason("3 key terms of one sentence blanked (key term, drug name)") == (
            "3 termes clés d’une même phrase en trous (terme clé, nom de médicament)"
        )
        assert (
            localized_reason("number blanked (a count of euros)")
            == "Trou\u00a0: nombre (un nombre suivi de «\u00a0euros\u00a0»)"
        )
        assert localized_reason("a statement with a year, swapped for another value") == (
            "une affirmation avec\u00a0: année, remplacé par une autre valeur"
        )
        assert localized_reason("written by hand") == "written by hand"  # not the deriver's: shown as is
        for reason in reasons:
            shown = localized_reason(reason)
            assert shown != reason and "{" not in shown, reason
    tom.cookies["django_language"] = "fr"
    page = tom.get("/review-queue/", headers={"Accept-Language": "fr"}).content.decode()
    assert "nom de médicament dans une phrase d’indication" in page
    assert "drug name in a sentence" not in page


# --- deciding: a rejection says why; deriving again flags what was already accepted ---


class TestRejectionNeedsAReason:
    @pytest.mark.parametrize("reason", ["", "   "])
    def test_one_candidate_without_a_reason_stays_pending_and_the_page_says_why(self, tom, derived, reason):
        candidate = Candidate.objects.first()
        r = tom.post(f"/review-queue/{candidate.pk}/", {"reject_one": "1", "reason": reason}, follow=True)
        assert "Say why you reject it." in r.content.decode()
        candidate.refresh_from_db()
        assert candidate.state == "pending"

    def test_with_htmx_the_buttons_stay_with_the_error(self, tom, derived):
        candidate = Candidate.objects.first()
        r = tom.post(f"/review-queue/{candidate.pk}/", {"reject_one": "1", "reason": ""}, headers=HX)
        html = r.content.decode()
        assert r.status_code == 200 and "Say why you reject it." in html and 'name="reject_one"' in html
        candidate.refresh_from_db()
        assert candidate.state == "pending"

    def test_bulk_rejection_without_a_reason_is_a_form_error(self, tom, derived):
        ids = list(Candidate.objects.values_list("pk", flat=True)[:2])
        r = tom.post("/review-queue/", {"candidate": ids, "reject": "1", "reason": ""})
        assert r.status_code == 200 and "Say why you reject them." in r.content.decode()
        assert not Candidate.objects.filter(state="rejected").exists()

    def test_with_a_reason_it_is_rejected(self, tom, derived):
        ids = list(Candidate.objects.values_list("pk", flat=True)[:2])
        tom.post("/review-queue/", {"candidate": ids, "reject": "1", "reason": "off topic"})
        assert Candidate.objects.filter(state="rejected", rejection_reason="off topic").count() == 2


def test_deriving_again_flags_what_was_accepted_instead_of_proposing_it_silently(tom, derived):
    accepted = list(Candidate.objects.order_by("-confidence")[:3])
    tom.post("/review-queue/", {"candidate": [c.pk for c in accepted], "accept": "1"})
    tom.post(f"/texts/{derived.key}/derive/")
    again = Candidate.objects.filter(state="pending")
    prompts = {c.question.prompt: c for c in again.select_related("question", "duplicate_of")}
    for c in accepted:
        repeat = prompts.get(c.question.prompt)
        if repeat is not None:  # proposed again: then it says which accepted question it repeats
            assert repeat.duplicate_of_id == c.question_id and "duplicate" in repeat.flags, c.question.prompt
    html = tom.get("/review-queue/").content.decode()
    flagged = [c for c in again if c.duplicate_of_id in {a.question_id for a in accepted}]
    assert flagged, "the accepted questions come back flagged"
    assert html.count("Looks like a bank question:") >= len(flagged)
