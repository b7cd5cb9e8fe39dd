"""PostgreSQL's page-generation triggers (migration 0024) run once per statement instead of once per row.

A row-level trigger bumped a learner's one PageGeneration row once per row written: a 100,000-row INSERT of their
cards updated that row 100,000 times in one transaction, each UPDATE walking the row versions the earlier ones left,
for minutes (docs/performance.md, session 12). A statement-level trigger reads the statement's rows from its
transition tables and bumps each learner concerned once. The learners bumped are 0024's, table by table; each
learner's generation still moves before the commit of any write to what their pages are made from, by one per
statement instead of one per row: kept pages compare generations for equality, and a rating's writes are three
one-row statements either way (kept_queue.BUMPS). SQLite has no statement-level triggers: its row-level ones stay.

The SQL is written out here, not imported from the app or from 0024: a migration keeps the schema it made."""

from django.db import migrations

# Each table, and whose generation the rows of one statement move ({rows}: new_rows or old_rows, the statement's
# transition tables). The same learners as 0024's BUMPS.
BUMPS = {
    "quizzes_card": "SELECT user_id FROM {rows}",
    "quizzes_reviewlog": "SELECT user_id FROM {rows}",
    "quizzes_reviewday": "SELECT user_id FROM {rows}",
    "quizzes_study": "SELECT user_id FROM {rows}",
    "quizzes_deck": "SELECT user_id FROM {rows}",
    "quizzes_question": "SELECT owner_id FROM {rows}",
    "quizzes_choice": "SELECT q.owner_id FROM quizzes_question q JOIN {rows} r ON q.id = r.question_id",
    "quizzes_attempt": "SELECT user_id FROM {rows}",
    "quizzes_extension": "SELECT learner_id FROM {rows}",
    "quizzes_enrollment": "SELECT learner_id FROM {rows}",
    "quizzes_classroom": "SELECT e.learner_id FROM quizzes_enrollment e JOIN {rows} r ON e.classroom_id = r.id",
    "quizzes_assignment": (
        "SELECT e.learner_id FROM quizzes_enrollment e JOIN {rows} r ON e.classroom_id = r.classroom_id"
    ),
    "quizzes_quizsetitem": (
        "SELECT e.learner_id FROM quizzes_enrollment e JOIN quizzes_assignment a ON a.classroom_id = e.classroom_id"
        " JOIN {rows} r ON a.quizset_id = r.quizset_id"
    ),
}
# 0024's, for going back: {row} is NEW or OLD.
ROW_BUMPS = {
    "quizzes_card": "SELECT {row}.user_id",
    "quizzes_reviewlog": "SELECT {row}.user_id",
    "quizzes_reviewday": "SELECT {row}.user_id",
    "quizzes_study": "SELECT {row}.user_id",
    "quizzes_deck": "SELECT {row}.user_id",
    "quizzes_question": "SELECT {row}.owner_id",
    "quizzes_choice": "SELECT owner_id FROM quizzes_question WHERE id = {row}.question_id",
    "quizzes_attempt": "SELECT {row}.user_id",
    "quizzes_extension": "SELECT {row}.learner_id",
    "quizzes_enrollment": "SELECT {row}.learner_id",
    "quizzes_classroom": "SELECT learner_id FROM quizzes_enrollment WHERE classroom_id = {row}.id",
    "quizzes_assignment": "SELECT learner_id FROM quizzes_enrollment WHERE classroom_id = {row}.classroom_id",
    "quizzes_quizsetitem": (
        "SELECT e.learner_id FROM quizzes_enrollment e JOIN quizzes_assignment a ON a.classroom_id = e.classroom_id"
        " WHERE a.quizset_id = {row}.quizset_id"
    ),
}
BUMP = "UPDATE quizzes_pagegeneration SET n = n + 1 WHERE user_id IN ({users})"
# A trigger with transition tables fires for one event only; INSERT … ON CONFLICT DO UPDATE fires both the INSERT
# and the UPDATE ones, each with only the rows it inserted or updated (empty tables bump no one).
EVENTS = {
    "ins": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "upd": ("UPDATE", "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    "del": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
}


def _bump(table: str, *rows: str) -> str:
    return BUMP.format(users=" UNION ".join(BUMPS[table].format(rows=r) for r in rows))


def _row_bump(table: str, *rows: str) -> str:
    return BUMP.format(users=" UNION ".join(ROW_BUMPS[table].format(row=row) for row in rows))


def _function(table: str, bump, inserted: str, updated: tuple[str, str], deleted: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION gen_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {bump(table, inserted)};
  ELSIF TG_OP = 'UPDATE' THEN {bump(table, *updated)};
  ELSE {bump(table, deleted)};
  END IF;
  RETURN NULL;
END $$"""


def statement_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER gen_{table} ON {table}",
        _function(table, _bump, "new_rows", ("new_rows", "old_rows"), "old_rows"),
        *(
            f"CREATE TRIGGER gen_{table}_{op} AFTER {event} ON {table} {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION gen_{table}()"
            for op, (event, transition) in EVENTS.items()
        ),
    ]


def row_sql(table: str) -> list[str]:
    return [
        *(f"DROP TRIGGER gen_{table}_{op} ON {table}" for op in EVENTS),
        _function(table, _row_bump, "NEW", ("NEW", "OLD"), "OLD"),
        f"CREATE TRIGGER gen_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION gen_{table}()",
    ]


def _run(make):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in BUMPS:
            for statement in make(table):
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0025_kept_queue")]

    operations = [migrations.RunPython(_run(statement_sql), _run(row_sql))]
