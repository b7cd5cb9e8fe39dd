"""The library page of a learner with assignments is kept whole too (quizzes/library_cache.py): each change to what
their part is made from shows on the next request, exactly as a page rendered anew (their attempts, retakes, the
teacher's edits, new assignments, extensions, enrolments, archiving, the teacher's own questions, the clock), and
never on another learner's page."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.bank.models import QuizSetItem
from quizzes.quizzing.models import Attempt
from quizzes.study.models import Card
from quizzes.teaching.models import Assignment, Classroom, Enrollment, Extension
from tests import factory
from tests.test_library_cache import NOW, badges, content, page, studied, to_review  # noqa: F401 - fixture

__all__ = ["studied"]


def fresh(client, now=NOW) -> str:
    """The page rendered anew, the cache left aside: what the kept page must show."""
    with mock.patch("quizzes.library_cache.keeps", return_value=False):
        return page(client, now)


def same(client, now=NOW) -> str:
    """The page, twice (the second from the cache), checked against one rendered anew."""
    first = page(client, now)
    kept = page(client, now)
    assert content(kept) == content(first) == content(fresh(client, now))
    return kept


@pytest.fixture
def quiz(teacher, learner, studied):  # noqa: F811 - the fixture, imported
    """A quiz assignment of the learner's class on the set holding their first card, its answers shown after the
    due date (in three days): that card is held back from their reviews until then."""
    classroom = Classroom.objects.create(teacher=teacher, name="Class of Ada")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    held = factory.make_quizset("held", [studied[0].question], title="Held set")
    return Assignment.objects.create(
        classroom=classroom,
        quizset=held,
        opens_at=NOW - timedelta(days=1),
        due_at=NOW + timedelta(days=3),
        reveal=Assignment.Reveal.AFTER_DUE,
    )


@pytest.fixture
def seen(alice, quiz):
    html = same(alice)
    assert "Class of Ada" in html and "to do" in html and ">Start<" in html
    assert to_review(html) == 2 and badges(html) == [1]
    return html


def attempt(user, assignment, finished=None, score=None, **kwargs) -> Attempt:
    return Attempt.objects.create(
        user=user,
        quizset=assignment.quizset,
        assignment=assignment,
        question_ids=[i.question_id for i in assignment.quizset.items.all()],
        started_at=NOW - timedelta(minutes=10),
        finished_at=finished,
        score=score,
        **kwargs,
    )


def test_an_assigned_learners_page_is_kept_and_cheap(alice, seen, django_assert_max_num_queries):
    # session, user with settings and page generation
    with django_assert_max_num_queries(2):
        html = page(alice)
    assert content(html) == content(seen)


def test_an_attempt_started_finished_and_retaken_shows_at_once(alice, learner, seen, quiz):
    started = attempt(learner, quiz)
    assert ">Continue<" in same(alice)
    started.finished_at, started.score = NOW - timedelta(minutes=1), 0.5
    started.save()
    html = same(alice)
    assert ">Try again<" in html and "50" in html
    attempt(learner, quiz, finished=NOW, score=1.0)  # best kept
    assert "100" in same(alice)
    Attempt.objects.create(user=learner, quizset=quiz.quizset, question_ids=[], retake_of=started)
    same(alice)


def test_the_teachers_edits_show_at_once(alice, seen, quiz):
    quiz.due_at = NOW + timedelta(hours=5)
    quiz.save()
    assert "due soon" in same(alice)
    quiz.reveal = Assignment.Reveal.IMMEDIATELY
    quiz.save()
    html = same(alice)
    assert to_review(html) == 3 and badges(html) == [1, 2]  # no longer held
    quiz.mode = Assignment.Mode.STUDY
    quiz.save()
    html = same(alice)
    assert ">Start<" not in html and "Your predicted recall" in html
    quiz.classroom.name = "Class of Grace"
    quiz.classroom.save()
    assert "Class of Grace" in same(alice)


def test_a_new_assignment_shows_at_once(alice, seen, quiz, teacher):
    other = factory.make_quizset("other", [factory.make_question("q-other")], title="Other set")
    same(alice)  # the set made before the page is seen: no new bank version below
    Assignment.objects.create(classroom=quiz.classroom, quizset=other, due_at=NOW + timedelta(days=9))
    html = same(alice)
    assert "Other set" in html and html.count("assignment-list") == 1


def test_an_extension_shows_at_once(alice, learner, seen, quiz):
    quiz.due_at = NOW - timedelta(hours=1)
    quiz.save()
    html = same(alice)
    assert "overdue" in html and to_review(html) == 3
    Extension.objects.create(assignment=quiz, learner=learner, due_at=NOW + timedelta(days=1))
    html = same(alice)
    assert "due soon" in html and to_review(html) == 2  # held again until the new date


def test_the_clock_shows_at_once(alice, seen, quiz):
    html = same(alice, NOW + timedelta(days=1, hours=1))
    assert "due soon" in html and to_review(html) == 2
    later = same(alice, NOW + timedelta(days=3, seconds=1))  # past the due date: answers shown, no longer held
    assert "overdue" in later and to_review(later) == 3 and badges(later) == [1, 2]


def test_an_assignment_opening_shows_at_once(alice, seen, quiz):
    quiz.opens_at = NOW + timedelta(hours=1)
    quiz.save()
    assert "opens later" in same(alice)
    assert "opens later" not in same(alice, NOW + timedelta(hours=1, seconds=1))


def test_unenrolment_and_archiving_show_at_once(alice, learner, seen, quiz):
    quiz.classroom.archived = True
    quiz.classroom.save()
    html = same(alice)
    assert "Class of Ada" not in html and to_review(html) == 2  # still held: the rule reads every class of theirs
    Enrollment.objects.filter(learner=learner).delete()
    html = same(alice)
    assert to_review(html) == 3


def test_a_teachers_own_question_added_to_the_set_shows_at_once(alice, learner, seen, quiz, teacher):
    study = Assignment.objects.create(
        classroom=quiz.classroom,
        quizset=factory.make_quizset("studied-set", [], title="Studied set", owner=teacher),
        mode=Assignment.Mode.STUDY,
        due_at=NOW + timedelta(days=9),
    )
    own = factory.make_question("t-own", owner=teacher)
    Card.objects.create(user=learner, question=own, state=Card.State.REVIEW, due=NOW - timedelta(hours=1))
    html = same(alice)
    assert to_review(html) == 2  # not theirs to see: not counted
    # written without signals (no new bank version): the fingerprint sees it on its own
    QuizSetItem.objects.bulk_create([QuizSetItem(quizset=study.quizset, question=own, position=0)])
    assert to_review(same(alice)) == 3


def test_two_learners_of_one_class_never_see_each_others_page(alice, learner, seen, quiz):
    bob = factory.make_user("bob-other", factory.Role.LEARNER)
    Enrollment.objects.create(classroom=quiz.classroom, learner=bob)
    other = Client()
    other.force_login(bob)
    attempt(bob, quiz, finished=NOW, score=0.25)
    html = same(other)
    assert "25" in html and ">Try again<" in html and learner.username not in html
    mine = same(alice)
    assert ">Start<" in mine and "bob-other" not in mine and not re.search(r">\s*25\s*%", mine)


def test_limited_attempts_late_work_and_the_score_kept_show_at_once(alice, learner, seen, quiz):
    quiz.reveal = Assignment.Reveal.IMMEDIATELY
    quiz.save()
    assert to_review(same(alice)) == 3
    quiz.max_attempts = 2  # held until the due date: its attempts are counted
    quiz.save()
    assert to_review(same(alice)) == 2
    attempt(learner, quiz, finished=NOW - timedelta(minutes=5), score=0.25)
    attempt(learner, quiz, finished=NOW - timedelta(minutes=1), score=0.75)
    assert "75" in same(alice)
    quiz.grading = Assignment.Grading.FIRST
    quiz.save()
    assert "25" in same(alice)
    quiz.due_at, quiz.max_attempts = NOW - timedelta(hours=1), None
    quiz.save()
    Attempt.objects.filter(user=learner).delete()
    assert ">Start<" in same(alice)
    quiz.accept_late = False
    quiz.save()
    assert "The due date has passed." in same(alice)


def test_an_older_attempt_finished_after_a_newer_one_shows_at_once(alice, learner, seen, quiz):
    older = attempt(learner, quiz)
    attempt(learner, quiz, finished=NOW - timedelta(minutes=1), score=0.25)
    assert "25" in same(alice)
    older.finished_at, older.score = NOW - timedelta(minutes=2), 0.75  # its time limit ended before
    older.save()
    assert "75" in same(alice)


def test_the_recall_of_a_study_assignment_shows_at_once(alice, learner, seen, quiz, studied):  # noqa: F811
    quiz.mode = Assignment.Mode.STUDY
    quiz.save()
    card = Card.objects.filter(pk=studied[0].pk)
    card.update(due=NOW + timedelta(days=7), last_review=NOW - timedelta(days=1), version=studied[0].version + 1)
    before = same(alice)  # reviewed, due next week: not counted by the page, only in their recall
    card.update(stability=60, version=studied[0].version + 2)
    after = same(alice)
    assert re.findall(r"<strong>(\d+)", after) != re.findall(r"<strong>(\d+)", before)


def test_an_assignment_replaced_or_given_another_set_shows_at_once(alice, seen, quiz):
    first = factory.make_quizset("empty-a", [], title="Empty A")
    second = factory.make_quizset("empty-b", [], title="Empty B")
    quiz.quizset = first
    quiz.save()
    assert "Empty A" in same(alice)
    quiz.quizset = second  # no new bank version, the same items (none)
    quiz.save()
    html = same(alice)
    assert "Empty B" in html and "Empty A" not in html
    fields = {f.attname: getattr(quiz, f.attname) for f in Assignment._meta.concrete_fields if not f.primary_key}
    quiz.delete()
    again = Assignment.objects.create(**fields)  # the same in all but its id, which its Start form posts to
    assert reverse("quizzes:start_assignment", args=[again.pk]) in same(alice)


def test_the_teachers_own_questions_removed_or_swapped_show_at_once(alice, learner, seen, quiz, teacher):
    study = Assignment.objects.create(
        classroom=quiz.classroom,
        quizset=factory.make_quizset("studied-set", [], title="Studied set", owner=teacher),
        mode=Assignment.Mode.STUDY,
        due_at=NOW + timedelta(days=9),
    )
    own = [factory.make_question(f"t-own-{i}", owner=teacher) for i in range(4)]
    for question in own[:2]:
        Card.objects.create(user=learner, question=question, state=Card.State.REVIEW, due=NOW - timedelta(hours=1))
    # written without signals (no new bank version): the fingerprint sees it on its own
    QuizSetItem.objects.bulk_create([QuizSetItem(quizset=study.quizset, question=q, position=0) for q in own[:3]])
    assert to_review(same(alice)) == 4
    QuizSetItem.objects.filter(quizset=study.quizset, question=own[0]).delete()  # not the last item
    assert to_review(same(alice)) == 3
    QuizSetItem.objects.filter(quizset=study.quizset, question=own[1]).delete()
    QuizSetItem.objects.bulk_create([QuizSetItem(quizset=study.quizset, question=own[3], position=0)])  # as many
    assert to_review(same(alice)) == 2


def test_a_finished_attempt_gone_as_another_finishes_shows_at_once(alice, learner, seen, quiz):
    gone = attempt(learner, quiz, finished=NOW - timedelta(minutes=5), score=0.25)
    middle = attempt(learner, quiz)
    attempt(learner, quiz)  # the last one, open
    assert "25" in same(alice)
    gone.delete()
    middle.finished_at, middle.score = NOW - timedelta(minutes=1), 0.75
    middle.save()
    assert "75" in same(alice)  # as many attempts finished, the same last one


@pytest.mark.parametrize("extended", [False, True])
def test_the_due_date_passing_within_the_day_shows_at_once(alice, learner, seen, quiz, extended):
    # NOW is 20:30 and the learner's day ends at 04:00: every moment below falls within it
    if extended:
        Extension.objects.create(assignment=quiz, learner=learner, due_at=NOW + timedelta(hours=1))
    else:
        quiz.due_at = NOW + timedelta(hours=1)
        quiz.save()
    html = same(alice)
    assert "due soon" in html and to_review(html) == 2
    later = same(alice, NOW + timedelta(hours=1, seconds=1))
    assert "overdue" in later and to_review(later) == 3


def test_the_due_date_coming_near_within_the_day_shows_at_once(alice, seen, quiz):
    quiz.due_at = NOW + timedelta(days=2, hours=1)
    quiz.save()
    assert "due soon" not in same(alice)
    assert "due soon" in same(alice, NOW + timedelta(hours=2))


def test_a_question_left_out_of_a_study_set_moves_the_recall_at_once(alice, learner, seen, quiz, teacher):
    quiz.mode = Assignment.Mode.STUDY
    quiz.save()
    own = [factory.make_question(f"t-own-{i}", owner=teacher) for i in range(2)]
    with mock.patch("quizzes.bank.version.bump"):  # a write the bank's version does not see
        QuizSetItem.objects.bulk_create([QuizSetItem(quizset=quiz.quizset, question=q, position=1) for q in own])
    Card.objects.filter(user=learner).update(last_review=NOW - timedelta(days=1), stability=30, version=9)
    before = same(alice)  # their recall on the due date: the average over the set's questions, with a card or not
    with mock.patch("quizzes.bank.version.bump"):
        QuizSetItem.objects.filter(quizset=quiz.quizset, question=own[0]).delete()  # no card of theirs, not last
    after = same(alice)
    assert re.findall(r"<strong>(\d+)", after) != re.findall(r"<strong>(\d+)", before)
