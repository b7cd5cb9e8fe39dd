"""The learner's library: home (sets by source and topic), quiz set, source and question preview pages."""

import pytest

from quizzes.bank.models import Question, Topic
from tests import factory


@pytest.fixture
def library(db):
    vectors = Topic.objects.create(key="vectors", name_en="Vectors", name_fr="Vecteurs")
    basics = Topic.objects.create(key="basics", name_en="Basics", name_fr="Bases")
    q1 = factory.make_question("q-1", topics=[vectors])
    q2 = factory.make_question(
        "q-2",
        kind="flashcard",
        choices=[],
        back="Back",
        topics=[basics],
        passage="Gene therapy consists of introducing genetic material into cells",
    )
    draft = factory.make_question("q-draft", status="draft", prompt="Secret draft prompt", topics=[vectors])
    q3 = factory.make_question("q-3", topics=[vectors])
    factory.make_quizset("vectors-set", [q1, draft, q3], title="All about vectors")
    factory.make_quizset("basics-set", [q2], title="Basics first")
    factory.make_quizset("drafts-only", [draft], title="Only drafts")
    return q1, q2, draft


class TestHome:
    def test_it_lists_each_set_once_with_its_topics_and_the_texts(self, client, library):
        html = client.get("/").content.decode()
        assert "Introduction to gene therapy" in html
        # Once, however many topics and texts it has, with its topics as chips.
        assert html.count('href="/sets/vectors-set/"') == 1
        assert html.count('href="/sets/basics-set/"') == 1
        assert '<a class="chip" href="?topic=vectors#h-sets">Vectors</a>' in html
        assert "Only drafts" not in html, "a set with no published question is not listed"
        assert "3 questions" in html  # published questions of the source

    def test_it_runs_a_fixed_number_of_queries(self, client, library, django_assert_max_num_queries):
        for i in range(20):
            q = factory.make_question(f"extra-{i}")
            factory.make_quizset(f"extra-set-{i}", [q])
        with django_assert_max_num_queries(6):
            client.get("/")

    def test_it_is_in_french_for_a_french_browser(self, client, library):
        html = client.get("/", headers={"accept-language": "fr"}).content.decode()
        assert '<html lang="fr">' in html
        assert "Bibliothèque" in html and "Vecteurs" in html

    def test_the_language_switch_works_without_javascript(self, client, library):
        r = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
        assert r.status_code == 302
        assert "Bibliothèque" in client.get("/").content.decode()

    def test_navigation_follows_the_role(self, client, library, learner, admin_user):
        client.force_login(learner)
        assert "/admin/quizzes/question/" not in client.get("/").content.decode()
        client.force_login(admin_user)
        assert 'href="/admin/quizzes/question/"' in client.get("/").content.decode()

    def test_it_escapes_content(self, client, library):
        factory.make_source("xss", title="<script>alert(1)</script>")
        html = client.get("/").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestQuizSetPage:
    def test_it_shows_what_the_set_contains_without_answers(self, client, library, learner):
        client.force_login(learner)
        r = client.get("/sets/vectors-set/")
        html = r.content.decode()
        assert "All about vectors" in html and "Single choice (2)" in html
        assert "Secret draft prompt" not in html
        assert "Are AAV vectors integrative?" not in html, "learners don't see the questions in advance"

    def test_staff_see_the_question_list(self, client, library, admin_user):
        client.force_login(admin_user)
        html = client.get("/sets/vectors-set/").content.decode()
        assert 'href="/questions/q-1/preview/"' in html and "q-draft" not in html

    def test_unknown_or_draft_only_sets_are_404(self, client, library):
        assert client.get("/sets/nope/").status_code == 404
        assert client.get("/sets/drafts-only/").status_code == 404


class TestSourcePage:
    def test_it_shows_the_full_text_and_attribution(self, client, library):
        source = library[0].passage.source
        source.licence = "CC BY 4.0, by Someone"
        source.save()
        html = client.get("/sources/intro/").content.decode()
        assert "CC BY 4.0, by Someone" in html
        assert "La thérapie génique vise à corriger" in html
        assert client.get("/sources/nope/").status_code == 404


class TestPreview:
    URL = "/questions/{}/preview/"

    def test_it_is_for_staff_only(self, client, library, learner):
        assert client.get(self.URL.format("q-1")).status_code == 302
        client.force_login(learner)
        assert client.get(self.URL.format("q-1")).status_code == 403

    @pytest.mark.parametrize(
        "kind, extra, expected",
        [
            ("single", {}, ['type="radio"', "Non-integrative"]),
            (
                "multiple",
                {"choices": [("A", True), ("B", True), ("C", False)]},
                ['type="checkbox"', "Select all that apply."],
            ),
            ("true_false", {"choices": [("True", False), ("False", True)]}, ['type="radio"', "False"]),
            (
                "short",
                {"accepted_answers": "AAV\nadeno-associated virus", "choices": []},
                ['name="answer"', "also accepted: adeno-associated virus"],
            ),
            (
                "cloze",
                {"prompt": "[[AAV]] vectors are [[non-integrative|not integrative]].", "choices": []},
                ['name="blank-0"', 'name="blank-1"', "also accepted: not integrative"],
            ),
            ("flashcard", {"back": "The back of the card", "choices": []}, ["The back of the card"]),
        ],
    )
    def test_it_renders_every_kind(self, client, admin_user, kind, extra, expected):
        question = factory.make_question(f"k-{kind}", kind=kind, highlight="non-integrative", **extra)
        client.force_login(admin_user)
        html = client.get(self.URL.format(question.external_id)).content.decode()
        for text in expected:
            assert text in html
        assert "<mark>non-integrative</mark>" in html
        assert question.explanation in html
        assert "[[" not in html.split("answer-panel")[0], "cloze markup is not shown to the learner"

    def test_it_shows_drafts_to_staff(self, client, library, admin_user):
        client.force_login(admin_user)
        assert client.get(self.URL.format("q-draft")).status_code == 200
        assert client.get(self.URL.format("nope")).status_code == 404

    def test_it_runs_a_fixed_number_of_queries(self, client, admin_user, django_assert_max_num_queries):
        question = factory.make_question(choices=[(f"choice {i}", i == 0) for i in range(8)])
        client.force_login(admin_user)
        with django_assert_max_num_queries(8):
            client.get(self.URL.format(question.external_id))
        assert Question.objects.count() == 1
