"""A learner's page generation (quizzes.study.models.PageGeneration) and the triggers that bump it.

The SQL is written out here, not imported from the app: a migration keeps the schema it made."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Each table, and whose generation a row of it moves ({row}: NEW or OLD). A class's, an assignment's or an
# assigned set's change moves every learner of the classes concerned.
BUMPS = {
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


def _bump(table: str, *rows: str) -> str:
    return BUMP.format(users=" UNION ".join(BUMPS[table].format(row=row) for row in rows))


def sqlite_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER gen_{table}_ins AFTER INSERT ON {table} BEGIN {_bump(table, 'NEW')}; END",
        f"CREATE TRIGGER gen_{table}_upd AFTER UPDATE ON {table} BEGIN {_bump(table, 'NEW', 'OLD')}; END",
        f"CREATE TRIGGER gen_{table}_del AFTER DELETE ON {table} BEGIN {_bump(table, 'OLD')}; END",
    ]


def postgresql_sql(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION gen_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {_bump(table, "NEW")};
  ELSIF TG_OP = 'UPDATE' THEN {_bump(table, "NEW", "OLD")};
  ELSE {_bump(table, "OLD")};
  END IF;
  RETURN NULL;
END $$""",
        f"CREATE TRIGGER gen_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION gen_{table}()",
    ]


def drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS gen_{table} ON {table}", f"DROP FUNCTION IF EXISTS gen_{table}()"]
    return [f"DROP TRIGGER IF EXISTS gen_{table}_{op}" for op in ("ins", "upd", "del")]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    make = {"sqlite": sqlite_sql, "postgresql": postgresql_sql}[vendor]
    for table in BUMPS:
        for statement in make(table):
            schema_editor.execute(statement)
    # Every user has a row from now on (new users: quizzes/apps.py); made here for those who exist.
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    PageGeneration = apps.get_model("quizzes", "PageGeneration")
    PageGeneration.objects.bulk_create(
        [PageGeneration(user_id=pk) for pk in User.objects.values_list("pk", flat=True)], batch_size=1000
    )


def drop_triggers(apps, schema_editor):
    for table in BUMPS:
        for statement in drop_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("quizzes", "0023_scale_card_new_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageGeneration",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="page_generation",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
