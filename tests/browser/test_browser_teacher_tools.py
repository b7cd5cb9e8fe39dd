"""Real Chromium, in French on a phone, with and without JavaScript: the teacher's pages of issue 17 (the quiz-set
builder keeps picks and title, true/false is a choice, own questions are edited, the results scroll inside the
page, weak items go back to review or to the admin, an assignment is edited, study progress is real), with
screenshots in /tmp/ux-teacher-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Assignment, Card, Classroom, Enrollment, Question
from quizzes.quizzing.models import Attempt, Response
from tests import factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844, "locale": "fr"}


@pytest.fixture
def school():
    source = factory.make_source()
    questions = [
        factory.make_question(f"q-{i:03d}", source=source, prompt=f"Question numéro {i:03d} ?") for i in range(55)
    ]
    quizset = factory.make_quizset("vecteurs", questions[:2], title="Les vecteurs")
    study_set = factory.make_quizset("etude", questions[2:4], title="Étude des vecteurs")
    teacher = factory.make_user("prof", factory.Role.TEACHER, password="teacher-demo-2026")
    classroom = Classroom.objects.create(teacher=teacher, name="Biologie 1")
    learners = [factory.make_user(f"eleve-{i}", factory.Role.LEARNER) for i in range(3)]
    for learner in learners:
        Enrollment.objects.create(classroom=classroom, learner=learner)
    due = timezone.now() + timedelta(days=7)
    quiz = Assignment.objects.create(classroom=classroom, quizset=quizset, due_at=due)
    study = Assignment.objects.create(classroom=classroom, quizset=study_set, due_at=due, mode="study")
    q1, q2 = questions[:2]
    right, wrong = q1.choices.get(is_correct=True), q1.choices.get(is_correct=False)
    now = timezone.now()
    # the best learner misses q-000 with the popular wrong choice: a weak item
    for learner, q1_right, q2_right in (
        (learners[0], False, True),
        (learners[1], True, False),
        (learners[2], False, True),
    ):
        attempt = Attempt.objects.create(
            user=learner,
            quizset=quizset,
            assignment=quiz,
            question_ids=[q1.pk, q2.pk],
            finished_at=now,
            score=(q1_right + q2_right) / 2,
        )
        picks = ((q1, q1_right, right if q1_right else wrong), (q2, q2_right, q2.choices.get(is_correct=q2_right)))
        for position, (question, ok, choice) in enumerate(picks, start=1):
            Response.objects.create(
                attempt=attempt,
                question=question,
                position=position,
                answer={"choices": [choice.pk]},
                is_correct=ok,
                score=float(ok),
                time_spent=timedelta(seconds=9),
            )
    Card.objects.create(
        user=learners[0],
        question=questions[2],
        state=Card.State.REVIEW,
        stability=12,
        difficulty=5,
        last_review=now - timedelta(days=1),
        due=now + timedelta(days=10),
    )
    return {"quiz": quiz, "study": study, "weak": q1, "questions": questions, "learners": learners}


def no_page_scroll(page) -> bool:
    """The page itself does not scroll sideways (wide tables scroll inside their box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_teachers_pages_in_french_on_a_phone(make_page, school, javascript):
    name = "js" if javascript else "nojs"
    page = make_page(javascript=javascript, **PHONE)
    page.login("prof", "teacher-demo-2026")

    # The builder: a pick and the title survive paging and filtering; only "Save" saves.
    page.goto("/teach/sets/new/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("input[name=title]", "Mon ensemble")
    first = school["questions"][0]
    page.check(f"input[name=pick][value='{first.pk}']")
    page.click("button[name=page][value='2']")
    page.wait_for_selector("text=Page 2 sur 2")
    assert page.input_value("input[name=title]") == "Mon ensemble"
    assert page.is_checked(f"input[name=pick][value='{first.pk}']")
    later = school["questions"][54]
    page.check(f"input[name=pick][value='{later.pk}']")
    page.fill("input[name=f-q]", "numéro 01")
    page.click("button[name=browse]")
    page.wait_for_selector("text=Question numéro 010 ?")
    assert page.input_value("input[name=title]") == "Mon ensemble"
    assert page.is_checked(f"input[name=pick][value='{first.pk}']") and page.is_checked(
        f"input[name=pick][value='{later.pk}']"
    )
    assert no_page_scroll(page)
    page.screenshot(path=f"/tmp/ux-teacher-builder-fr-phone-{name}.png", full_page=True)
    page.click("button[name=save]")
    page.wait_for_selector("text=Série de questions enregistrée avec 2 questions.")

    # True/false is a choice; the question is edited after saving.
    page.goto("/teach/questions/new/")
    page.select_option("select[name=kind]", "true_false")
    page.select_option("select[name=source]", label="Introduction to gene therapy")
    page.fill("textarea[name=passage_text]", "Adeno-associated virus (AAV) vectors are non-integrative")
    page.fill("textarea[name=prompt]", "Les vecteurs AAV s’intègrent au génome.")
    page.fill("textarea[name=explanation]", "Ils restent dans le noyau.")
    page.click("main form button:not([name])")
    page.wait_for_selector("text=Dites si l’affirmation est vraie ou fausse.")
    page.check("input[name=statement_is][value=false]")
    page.screenshot(path=f"/tmp/ux-teacher-true-false-fr-phone-{name}.png", full_page=True)
    page.click("main form button:not([name])")
    page.wait_for_selector("text=Question enregistrée : ajoutez-la à l’une de vos séries de questions.")
    page.click(".own-questions a:has-text('Modifier')")
    page.wait_for_selector("h1:has-text('Modifier la question')")
    assert page.is_checked("input[name=statement_is][value=false]")
    page.fill("textarea[name=prompt]", "Les vecteurs AAV restent dans le noyau.")
    page.check("input[name=statement_is][value=true]")
    page.click("main form button:not([name])")
    page.wait_for_selector("text=Question enregistrée.")
    own = Question.objects.get(owner__username="prof")
    assert [(c.text, c.is_correct) for c in own.choices.all()] == [("True", True), ("False", False)]

    # The results: the table scrolls inside its box; the weak item says why and goes back to review.
    quiz = school["quiz"]
    page.goto(f"/teach/assignments/{quiz.pk}/")
    weak = page.locator(f"#item-{school['weak'].pk}")
    assert "Une mauvaise réponse attire beaucoup" in weak.inner_text()
    assert no_page_scroll(page)
    box = page.locator(".table-scroll").first
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    page.screenshot(path=f"/tmp/ux-teacher-results-fr-phone-{name}.png", full_page=True)
    weak.locator("button[value=review]").click()
    page.wait_for_selector("text=La question est de retour dans les révisions de 3 apprenants, avec son passage.")
    page.locator(f"#item-{school['weak'].pk} button[value=flag]").click()
    page.wait_for_selector("text=La question est signalée pour réécriture")
    assert page.locator(f"#item-{school['weak'].pk}").inner_text().count("signalée pour réécriture") >= 1
    assert Card.objects.filter(question=school["weak"]).count() == 3

    # The assignment is edited after its creation.
    page.click("text=Modifier le devoir")
    page.select_option("select[name=reveal]", "never")
    page.fill("input[name=max_attempts]", "2")
    page.screenshot(path=f"/tmp/ux-teacher-edit-assignment-fr-phone-{name}.png", full_page=True)
    page.click("main form button")
    page.wait_for_selector("text=Devoir enregistré : ses nouvelles règles s’appliquent dès maintenant.")
    quiz.refresh_from_db()
    assert (quiz.reveal, quiz.max_attempts) == ("never", 2)

    # A study assignment: real progress, not "pas commencé" beside cards started.
    page.goto(f"/teach/assignments/{school['study'].pk}/")
    started = page.locator("table.results tr", has_text="eleve-0").inner_text()
    assert "pas commencé" not in started and "1 sur 2" in started
    assert "pas commencé" in page.locator("table.results tr", has_text="eleve-1").inner_text()
    page.screenshot(path=f"/tmp/ux-teacher-study-fr-phone-{name}.png", full_page=True)
    assert not [e for e in page.console_errors if "favicon" not in e]
