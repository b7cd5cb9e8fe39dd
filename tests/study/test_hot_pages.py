"""The study pages read each learner's day in a fixed number of queries, whatever the size of their history
(issue 11), and the card the review reads by plain SQL (quizzes.study.reading) is the ORM's card."""

import os
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from quizzes.bank.models import Question, visible_question, withheld_questions
from quizzes.study import reading, scheduling
from quizzes.study.models import Card, Deck, ReviewLog
from tests import factory

HX = {"HX-Request": "true"}
TOKEN = "4b0d8f2e-1c1a-4c3e-9b1e-0a9a3c1e2f10"


def history(user, cards: int, reviews: int) -> list[int]:
    """`cards` studied questions, all due for review, and `reviews` log rows before today (with their days)."""
    source = factory.make_source()
    questions = [factory.make_question(f"h-{i}", source=source) for i in range(cards)]
    scheduling.add_study(user, quizset=factory.make_quizset("history", questions))
    now = timezone.now()
    Card.objects.filter(user=user).update(
        state=Card.State.REVIEW, stability=10, difficulty=5, due=now - timedelta(days=1), last_review=now
    )
    ids = list(Card.objects.filter(user=user).order_by("pk").values_list("pk", flat=True))
    ReviewLog.objects.bulk_create(
        ReviewLog(
            user=user,
            card_id=ids[i % len(ids)],
            rating=3 if i % 4 else 1,
            state_before=Card.State.REVIEW,
            reviewed_at=now - timedelta(days=1, minutes=7 * i + 1),  # before today: no daily limit is reached
            retrievability=0.9,
            elapsed_days=1,
        )
        for i in range(reviews)
    )
    scheduling.rebuild_review_days(user)
    return ids


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


# session, user, the questions an assignment holds, the queue's counts with its next card, the card with its deck
# (and the id of its version in the learner's language), its question with passage, source and choices (none when
# this process has shown that question since the bank last changed: reading.shown_question).
REVIEW_QUERIES = 6
# + the rating: a transaction (SQLite's BEGIN and COMMIT are counted), the card locked, a replayed token, the
# card, the log row and the day's counts written; the held questions are read once for the rating and the queue;
# the kept queue's snapshot written (quizzes/study/kept_queue.py).
RATE_QUERIES = 13
# Not yet kept (quizzes.study.progress_cache): session, user, the fingerprint (with the held
# questions), the queue's counts, the days, totals, forecast, topics and sources, at risk and leeches, calibration.
PROGRESS_QUERIES = 10


@pytest.mark.parametrize("cards,reviews", [(3, 10), (40, 2000)], ids=["short", "long"])
class TestQueriesStayFlat:
    def test_review_page(self, alice, learner, cards, reviews, django_assert_max_num_queries):
        history(learner, cards, reviews)
        with django_assert_max_num_queries(REVIEW_QUERIES):
            response = alice.get("/review/")
        assert response.status_code == 200 and 'id="prompt"' in response.content.decode()

    def test_rate_and_next(self, alice, learner, cards, reviews, django_assert_max_num_queries):
        ids = history(learner, cards, reviews)
        # The day's first rating also makes its row of daily counts (ReviewDay): three queries more, once a day.
        alice.post(f"/review/{ids[1]}/rate/", {"rating": 3, "token": "0b0d8f2e-1c1a-4c3e-9b1e-0a9a3c1e2f10"})
        with django_assert_max_num_queries(RATE_QUERIES):
            response = alice.post(f"/review/{ids[0]}/rate/", {"rating": 3, "token": TOKEN}, headers=HX)
        assert response.status_code == 200 and 'id="prompt"' in response.content.decode()
        assert ReviewLog.objects.filter(card_id=ids[0], token=TOKEN).count() == 1
        logs = ReviewLog.objects.filter(card_id=ids[0]).count()
        with django_assert_max_num_queries(RATE_QUERIES):  # a double submission: counted once
            assert alice.post(f"/review/{ids[0]}/rate/", {"rating": 3, "token": TOKEN}, headers=HX).status_code == 200
        assert ReviewLog.objects.filter(card_id=ids[0]).count() == logs

    def test_progress(self, alice, learner, cards, reviews, django_assert_max_num_queries):
        history(learner, cards, reviews)
        with django_assert_max_num_queries(PROGRESS_QUERIES):
            assert alice.get("/progress/").status_code == 200


def test_a_version_in_the_learners_language_costs_no_query_more(alice, learner, django_assert_max_num_queries):
    en = factory.make_question("item-en", prompt="ENGLISH PROMPT")
    fr_source = factory.make_source("intro-fr", language="fr", title="Introduction", text="Un texte.")
    factory.make_question("item-fr", source=fr_source, passage="Un texte.", prompt="PROMPT FR", translation_of=en)
    scheduling.add_study(learner, quizset=factory.make_quizset("en", [en]))
    alice.get("/review/", headers={"Accept-Language": "fr"})  # the first visit writes the learner's settings
    with django_assert_max_num_queries(REVIEW_QUERIES):
        html = alice.get("/review/", headers={"Accept-Language": "fr"}).content.decode()
    assert "PROMPT FR" in html and "ENGLISH PROMPT" not in html


class TestTheCardReadByPlainSql:
    @pytest.fixture
    def card(self, learner):
        question = factory.make_question("q-1", choices=[("B", False), ("A", True)])
        scheduling.add_study(learner, quizset=factory.make_quizset("set", [question]))
        card = Card.objects.get(user=learner)
        card.deck = Deck.objects.create(user=learner, name="Genes")
        card.stability, card.last_review = 3.5, timezone.now()
        card.save()
        return card

    def test_is_the_orms_card_with_what_the_page_renders(self, learner, card, django_assert_num_queries):
        with django_assert_num_queries(2):  # the card, then its question with the choices
            read = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        orm = Card.objects.select_related("question__passage__source", "deck").get(pk=card.pk)
        with django_assert_num_queries(0):
            for field in Card._meta.concrete_fields:
                assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
            assert read.question.prompt == orm.question.prompt and read.question.kind == orm.question.kind
            assert read.question.passage.text == orm.question.passage.text
            assert read.question.passage.source.title == orm.question.passage.source.title
            assert read.deck.name == "Genes"
            assert [c.text for c in read.question.choices.all()] == ["B", "A"]
            assert read.question.choices.all()[1].is_correct is True
        assert "text" in read.question.passage.source.get_deferred_fields(), "the source's text is never read"

    def test_a_question_without_choices_has_none(self, learner, django_assert_num_queries):
        question = factory.make_question("f-1", kind=Question.Kind.FLASHCARD, back="The back.", choices=[])
        scheduling.add_study(learner, quizset=factory.make_quizset("cards", [question]))
        card = Card.objects.get(user=learner)
        with django_assert_num_queries(2):
            read = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
            assert read.question.back == "The back." and read.deck is None
        with django_assert_num_queries(0):
            assert list(read.question.choices.all()) == []

    def test_the_choices_come_in_their_order_once_each(self, learner):
        question = factory.make_question("q-2", choices=[("C", False), ("A", True), ("B", False)])
        question.choices.filter(text="C").update(position=9)
        scheduling.add_study(learner, quizset=factory.make_quizset("set-2", [question]))
        card = Card.objects.get(user=learner, question=question)
        read = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        assert [c.text for c in read.question.choices.all()] == [c.text for c in question.choices.order_by("position")]
        assert [c.text for c in read.question.choices.all()][-1] == "C"
        assert all(c.question is read.question for c in read.question.choices.all())

    def test_a_version_in_the_learners_language_comes_with_its_own_choices(self, learner, django_assert_num_queries):
        en = factory.make_question("item-en", prompt="English?", choices=[("Yes", True), ("No", False)])
        fr_source = factory.make_source("intro-fr", language="fr", title="Introduction", text="Un texte.")
        fr = factory.make_question(
            "item-fr",
            source=fr_source,
            passage="Un texte.",
            prompt="Français ?",
            translation_of=en,
            choices=[("Oui", True), ("Non", False)],
        )
        scheduling.add_study(learner, quizset=factory.make_quizset("en", [en]))
        card = Card.objects.get(user=learner)
        with django_assert_num_queries(2):  # the card, then the version with its choices
            read = reading.card_to_show(learner, card.pk, "fr", visible_question(learner))
        with django_assert_num_queries(0):
            assert read.question.pk == fr.pk and read.question.passage.source.title == "Introduction"
            assert [c.text for c in read.question.choices.all()] == ["Oui", "Non"]
        assert read.pk == card.pk and read.version == card.version

    def test_is_none_for_another_learner_a_removed_card_or_a_hidden_question(self, learner, card):
        other = factory.make_user("bob", factory.Role.LEARNER)
        assert reading.card_to_show(other, card.pk, "en", visible_question(other)) is None
        assert reading.card_to_rate(other, card.pk, visible_question(other)) is None
        Question.objects.filter(pk=card.question_id).update(status=Question.Status.DRAFT)
        assert reading.card_to_show(learner, card.pk, "en", visible_question(learner)) is None
        Question.objects.filter(pk=card.question_id).update(status=Question.Status.PUBLISHED)
        Card.objects.filter(pk=card.pk).update(removed_at=timezone.now())
        assert reading.card_to_rate(learner, card.pk, visible_question(learner)) is None

    @pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="PostgreSQL's prepared statements"
    )
    @pytest.mark.skipif(
        os.environ.get("DATABASE_PREPARED_STATEMENTS", "1").lower() in ("0", "false", "no", "off"), reason="turned off"
    )
    def test_on_postgresql_the_cards_statements_are_prepared_and_planned_once(self, learner, card):
        """learnapp/settings.py turns on psycopg's prepared statements: planning these two statements was most of
        PostgreSQL's time per rating (docs/performance.md, session 11). Past psycopg's threshold (5 runs) and
        PostgreSQL's (5 custom plans), both run on one generic plan, their parameters bound by the server, and
        still read the card, or nothing for another learner."""
        other = factory.make_user("bob", factory.Role.LEARNER)
        now = timezone.now()
        for i in range(20):
            shown = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
            held = withheld_questions(learner, now)
            rated = reading.card_to_rate(learner, card.pk, visible_question(learner), held, token=uuid.uuid4())
            assert shown.pk == rated.card.pk == card.pk and shown.deck.name == "Genes" and not rated.held, i
            assert reading.card_to_show(other, card.pk, "en", visible_question(other)) is None, i
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
            prepared = cursor.fetchall()
        # (Earlier tests on this connection may have prepared the same SQL with other parameter types: a token of None.)
        generic = [sql for sql, plans in prepared if "FROM quizzes_card c" in sql and plans >= 5]
        assert any("FOR UPDATE OF c" in sql for sql in generic), prepared  # the card to rate
        assert any("LEFT JOIN quizzes_deck d" in sql for sql in generic), prepared  # the card to show


class TestTheQuestionKeptByTheProcess:
    """reading.shown_question: a question shown once is not read again while the bank's version holds; every change
    to the bank shows at once, and a learner's own card (which changes no bank version) is never kept."""

    @pytest.fixture
    def card(self, learner):
        question = factory.make_question("kept-1", prompt="FIRST PROMPT", choices=[("B", False), ("A", True)])
        scheduling.add_study(learner, quizset=factory.make_quizset("kept", [question]))
        return Card.objects.get(user=learner)

    def test_a_question_shown_again_costs_only_the_cards_statement(self, learner, card, django_assert_num_queries):
        reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        with django_assert_num_queries(1):
            read = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        with django_assert_num_queries(0):
            assert read.question.prompt == "FIRST PROMPT" and [c.text for c in read.question.choices.all()] == [
                "B",
                "A",
            ]
            assert read.question.passage.source.title

    def test_an_edit_of_the_question_or_its_choices_shows_at_once(self, learner, card):
        reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        question = Question.objects.get(pk=card.question_id)
        question.prompt = "EDITED PROMPT"
        question.save()
        assert (
            reading.card_to_show(learner, card.pk, "en", visible_question(learner)).question.prompt == "EDITED PROMPT"
        )
        choice = question.choices.get(text="B")
        choice.text = "B2"
        choice.save()
        read = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        assert [c.text for c in read.question.choices.all()] == ["B2", "A"]

    def test_a_question_kept_still_goes_through_the_visibility_rule(self, learner, card):
        reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        Question.objects.filter(pk=card.question_id).update(status=Question.Status.DRAFT)  # no signal, no new version
        assert reading.card_to_show(learner, card.pk, "en", visible_question(learner)) is None
        other = factory.make_user("bob", factory.Role.LEARNER)
        assert reading.card_to_show(other, card.pk, "en", visible_question(other)) is None

    def test_a_learners_own_card_is_read_each_time(self, alice, learner, django_assert_num_queries):
        alice.post(
            "/cards/new/",
            {
                "kind": "flashcard",
                "prompt": "OWN FRONT",
                "back": "OWN BACK",
                "accepted_answers": "",
                "explanation": "",
                "choices-TOTAL_FORMS": "4",
                "choices-INITIAL_FORMS": "0",
            },
        )
        card = Card.objects.get(user=learner)
        assert reading.card_to_show(learner, card.pk, "en", visible_question(learner)).question.prompt == "OWN FRONT"
        # Saving a learner's own card changes no bank version (quizzes/bank/version.py): kept, it would stay old.
        Question.objects.filter(pk=card.question_id).update(prompt="OWN FRONT EDITED")
        with django_assert_num_queries(2):
            read = reading.card_to_show(learner, card.pk, "en", visible_question(learner))
        assert read.question.prompt == "OWN FRONT EDITED"
        assert "OWN FRONT EDITED" in alice.get("/review/").content.decode()


def test_a_ratings_log_row_is_written_as_the_orm_writes_it(learner):
    """scheduling._insert_log writes the row's columns itself: each one as ReviewLog.save() would."""
    import uuid

    from django.db import connection

    question = factory.make_question("log-1")
    scheduling.add_study(learner, quizset=factory.make_quizset("log", [question]))
    card = Card.objects.get(user=learner)
    now = timezone.now()

    def log(token):
        return ReviewLog(
            user_id=learner.pk,
            card=card,
            reviewed_at=now,
            rating=3,
            duration_ms=1234,
            state_before=Card.State.REVIEW,
            elapsed_days=4,
            scheduled_days=9,
            retrievability=0.87,
            stability_after=12.5,
            difficulty_after=4.25,
            origin=ReviewLog.Origin.REVIEW,
            params_version=2,
            desired_retention=0.9,
            token=token,
            card_before={"state": 2, "due": now.isoformat(), "stability": 3.5, "step": None},
            answer={"given": {"choices": [7]}, "correct": True},
        )

    by_orm, by_sql = log(uuid.uuid4()), log(uuid.uuid4())
    by_orm.save()
    scheduling._insert_log(by_sql)
    columns = [f.column for f in ReviewLog._meta.concrete_fields if f.name not in ("id", "token")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM quizzes_reviewlog WHERE id IN (%s, %s) ORDER BY id",
            [by_orm.pk, by_sql.pk],
        )
        orm_row, sql_row = cursor.fetchall()
    assert sql_row == orm_row
    read = ReviewLog.objects.get(pk=by_sql.pk)
    assert read.token == by_sql.token and read.card_before == by_sql.card_before and read.reviewed_at == now


def test_a_question_deleted_between_the_cards_statement_and_its_own_is_a_card_not_found(alice, learner):
    question = factory.make_question("gone-1")
    scheduling.add_study(learner, quizset=factory.make_quizset("gone", [question]))
    card = Card.objects.get(user=learner)
    assert reading.shown_question(10**9) is None
    with mock.patch.object(reading, "shown_question", return_value=None):  # another request deleted it meanwhile
        assert reading.card_to_show(learner, card.pk, "en", visible_question(learner)) is None
        assert alice.get(f"/review/{card.pk}/reveal/").status_code == 404


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="PostgreSQL's prepared statements"
)
@pytest.mark.skipif(
    os.environ.get("DATABASE_PREPARED_STATEMENTS", "1").lower() in ("0", "false", "no", "off"), reason="turned off"
)
@pytest.mark.parametrize("statement", ["counts", "kept queue"])
def test_on_postgresql_a_generic_plan_reads_only_todays_ratings(learner, statement):
    """With prepared statements, PostgreSQL plans the queue's statements once for every learner and day (a generic
    plan: plan_cache_mode auto keeps it once its estimate is below the custom plans'). Planned so, today's ratings
    were read through the index on the log's user alone, filtered on the day: every rating of the learner's history,
    ~34 ms for 200,000 rows (docs/performance.md, session 12). Read between the day's two bounds, they come from
    reviewlog_user_time: the plan reads today's ratings and nothing else, whoever the learner."""
    import psycopg
    from django.contrib.auth import get_user_model

    from quizzes.study import kept_queue
    from quizzes.study.models import StudySettings

    now = timezone.now()
    User = get_user_model()
    # A long history before today (4,000 ratings) and 3 of today, among 300 learners with 20 ratings each.
    others = User.objects.bulk_create(User(username=f"other-{i}") for i in range(300))
    old = now - timedelta(days=3)
    ReviewLog.objects.bulk_create(
        ReviewLog(user=user, rating=3, state_before=Card.State.REVIEW, reviewed_at=old - timedelta(minutes=i))
        for user, n in [(learner, 4000), *((other, 20) for other in others)]
        for i in range(n)
    )
    ReviewLog.objects.bulk_create(
        ReviewLog(user=learner, rating=3, state_before=Card.State.REVIEW, reviewed_at=now - timedelta(seconds=i))
        for i in range(3)
    )
    settings_ = StudySettings.for_user(learner)
    start, end = scheduling.day_bounds(now, settings_.timezone, settings_.rollover_hour)
    seen = []

    def keep(execute, sql, params, many, context):
        if "FROM quizzes_reviewlog l WHERE" in sql:  # the statement's parameters, for EXPLAIN … EXECUTE
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE quizzes_reviewlog")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")  # what `auto` chose at scale
    with connection.execute_wrapper(keep):
        for _ in range(8):  # psycopg prepares a statement at its 6th run on a connection
            if statement == "counts":
                counts = scheduling._queue_counts(learner.pk, visible_question(learner), now, start, end)
                assert counts["done_reviews"] == 3
            else:
                snapshot, _keep = kept_queue.read(learner, settings_, now, (), "", None)
                assert snapshot.done_reviews == 3
    mark = "COUNT(*) FROM queue_learning" if statement == "counts" else "UNION ALL SELECT 4"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pg_prepared_statements WHERE statement LIKE %s ORDER BY prepare_time DESC LIMIT 1",
            [f"%{mark}%"],
        )
        (name,) = cursor.fetchone()
        literals = ", ".join(psycopg.sql.Literal(p).as_string(connection.connection) for p in seen[-1][1])
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE {name}({literals})")
        plan = cursor.fetchone()[0]

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    logs = [n for n in nodes(plan[0]["Plan"]) if n.get("Relation Name") == "quizzes_reviewlog"]
    assert logs, plan
    for node in logs:
        read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        assert read == 3, (node.get("Index Name"), node.get("Index Cond"), node.get("Filter"), read)
