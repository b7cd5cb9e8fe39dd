"""The kept pages' next moments (learner_pages.MOMENTS_SQL) and the kept queue's first buried card come back
(kept_queue.QUEUE_LISTS_SQL) are read from a few index rows, whatever the size of the learner's collection: the
buried cards from their own index (card_buried), the next learning card from card_queue, one state at a time
(docs/performance.md, session 12)."""

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from quizzes.bank.models import Question
from quizzes.study import kept_queue, learner_pages, scheduling
from quizzes.study.models import Card, StudySettings
from tests import factory


def collection(sizes: list[tuple], now, learning_due=None) -> dict[int, list[Card]]:
    """For each (user, n): n cards, reviews due over the next months, a few new, learning and relearning (due at
    `learning_due` if given), none buried; the users share one bank's questions."""
    passage = factory.make_question("seed").passage
    questions = Question.objects.bulk_create(
        Question(external_id=f"m-{i}", kind=Question.Kind.SINGLE, passage=passage, prompt=f"Q{i}?", status="published")
        for i in range(max(n for _user, n in sizes))
    )
    states = [Card.State.REVIEW] * 16 + [Card.State.NEW] * 3 + [Card.State.LEARNING, Card.State.RELEARNING]
    cards = []
    for user, n in sizes:
        for i, question in enumerate(questions[:n]):
            state = states[i % len(states)]
            learning = state in (Card.State.LEARNING, Card.State.RELEARNING)
            due = (learning_due if learning and learning_due else now) + timedelta(minutes=37 * i + 1)
            memory = None if state == Card.State.NEW else 5.0
            cards.append(
                Card(
                    user=user,
                    question=question,
                    state=state,
                    step=0 if learning else None,
                    due=due,
                    stability=memory,
                    difficulty=memory,
                )
            )
    made = Card.objects.bulk_create(cards, batch_size=2000)
    return {user.pk: [c for c in made if c.user_id == user.pk] for user, _n in sizes}


def statements(learner, now) -> dict[str, tuple[str, list]]:
    """The statements (SQL, parameters) of the kept pages' moments and of the kept queue, as the app runs them."""
    seen = {}

    def keep(execute, sql, params, many, context):
        if "buried_until >" in sql:
            seen["queue" if "UNION ALL SELECT 4" in sql else "moments"] = (sql, list(params))
        return execute(sql, params, many, context)

    study_settings = StudySettings.for_user(learner)
    request = RequestFactory().get("/review/")
    request.user = learner
    with connection.execute_wrapper(keep):
        learner_pages.moments(request, study_settings, now)
        kept_queue.read(learner, study_settings, now, (), "", None)
    assert set(seen) == {"moments", "queue"}, seen.keys()
    return seen


@pytest.mark.parametrize("states", [(), (1,), (3,), (1, 3)], ids=["none", "learning", "relearning", "both"])
def test_the_pages_hold_until_the_first_moment_of_the_cards_there_are(learner, states):
    """The next learning card of a state with none is NULL: the moment is the other state's, or none."""
    now = timezone.now()
    cards = collection([(learner, 40)], now)[learner.pk]
    Card.objects.filter(pk__in=[c.pk for c in cards if c.state in (1, 3) and c.state not in states]).update(state=2)
    request = RequestFactory().get("/review/")
    request.user = learner
    until, _assigned = learner_pages.moments(request, StudySettings.for_user(learner), now)
    learning = Card.objects.filter(user=learner, state__in=states, due__gt=now).order_by("due").first()
    expected = learning.due - scheduling.LEARN_AHEAD if learning else None
    if expected is not None and expected <= now:  # within the look-ahead already: the moment it comes due
        expected = learning.due
    assert until == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_on_sqlite_the_buried_cards_are_read_from_their_index(learner):
    now = timezone.now()
    cards = collection([(learner, 60)], now)[learner.pk]
    Card.objects.filter(pk__in=[cards[0].pk, cards[17].pk]).update(buried_until=now + timedelta(hours=5))
    for name, (sql, params) in statements(learner, now).items():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[-1] for row in cursor.fetchall()]
        assert any("card_buried" in line for line in plan), (name, plan)


POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
PREPARED = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1").lower() not in ("0", "false", "no", "off")
BURIED = 3


@pytest.fixture
def generic_plans(learner) -> dict[str, list[tuple]]:
    """Planned once for every learner (a generic plan, what plan_cache_mode auto keeps at scale), each statement's
    reads of the cards, as EXPLAIN ANALYZE EXECUTE reports them: (index, condition, filter, rows read). A learner
    with 3,000 cards (BURIED of them buried) among 200 with 10."""
    import psycopg
    from django.contrib.auth import get_user_model

    now = timezone.now()
    others = get_user_model().objects.bulk_create(get_user_model()(username=f"other-{i}") for i in range(200))
    # The learner's learning cards come late: an index read in due order, the state a filter, reads every card first.
    cards = collection([(learner, 3000), *((other, 10) for other in others)], now, now + timedelta(days=200))
    buried = [c.pk for c in cards[learner.pk][: 20 * BURIED : 20]]  # a new card and reviews
    Card.objects.filter(pk__in=buried).update(buried_until=now + timedelta(hours=5))
    Card.objects.filter(pk=cards[learner.pk][1].pk).update(due=now - timedelta(days=1))  # a review due today
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE quizzes_card")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    for _ in range(8):  # psycopg prepares a statement at its 6th run on a connection
        seen = statements(learner, now)

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    reads = {}
    for name, (_sql, params) in seen.items():
        mark = "UNION ALL SELECT 4" if name == "queue" else "SELECT 1 AS one"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_prepared_statements WHERE statement LIKE %s AND statement LIKE %s"
                " ORDER BY prepare_time DESC LIMIT 1",
                ["%buried_until >%", f"%{mark}%"],
            )
            (prepared,) = cursor.fetchone()
            literals = ", ".join(psycopg.sql.Literal(p).as_string(connection.connection) for p in params)
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE {prepared}({literals})")
            plan = cursor.fetchone()[0]
        reads[name] = [
            (
                n.get("Index Name"),
                n.get("Index Cond", ""),
                n.get("Filter", ""),
                n["Actual Rows"] * n["Actual Loops"]
                + n.get("Rows Removed by Filter", 0)
                + n.get("Rows Removed by Index Recheck", 0),
            )
            for n in nodes(plan[0]["Plan"])
            if n.get("Relation Name") == "quizzes_card"
        ]
    return reads


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's prepared statements")
@pytest.mark.skipif(not PREPARED, reason="turned off")
def test_on_postgresql_a_generic_plan_reads_only_the_buried_cards(generic_plans):
    """The buried cards were read from every card of the learner (the new ones, and all those due before the day
    ends) by the user's index, in the generic plan and the custom one alike (50,000 cards: 7-12 ms, in both
    statements, docs/performance.md, session 12)."""
    for name, reads in generic_plans.items():
        buried = [read for read in reads if "buried_until >" in read[1] + read[2]]
        assert buried, name
        assert all(rows <= BURIED for *_how, rows in buried), (name, buried)


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's prepared statements")
@pytest.mark.skipif(not PREPARED, reason="turned off")
def test_on_postgresql_a_generic_plan_reads_one_card_for_each_next_learning_card(generic_plans):
    """The next learning card of either state was read from every card due after now, in due order, the state a
    filter, and the next of one state from every learning card of that state (50,000 cards: 46,000 index rows,
    3 ms, docs/performance.md, session 12)."""
    nexts = [read for read in generic_plans["moments"] if "buried_until" not in read[1] + read[2]]
    assert nexts, generic_plans["moments"]
    assert all(rows <= 1 for *_how, rows in nexts), nexts
