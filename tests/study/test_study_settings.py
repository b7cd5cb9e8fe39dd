"""Study settings, the learner's review log (CSV export and import) and fitting their parameters."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from quizzes.study import optimizing, scheduling
from quizzes.study.models import Card, ReviewLog, StudySettings
from quizzes.study.revlog import read_revlog, write_revlog
from tests import factory
from tests.study.test_evaluation import generated_log


@pytest.fixture
def alice(client, learner):
    client.force_login(learner)
    return client


def csv_bytes(reviews) -> bytes:
    out = io.StringIO()
    write_revlog(reviews, out)
    return out.getvalue().encode()


class TestSettings:
    def test_it_saves_valid_settings(self, alice, learner):
        r = alice.post(
            "/study/settings/",
            {
                "desired_retention": "0.85",
                "new_per_day": "10",
                "reviews_per_day": "100",
                "timezone": "Europe/Paris",
                "rollover_hour": "5",
            },
        )
        assert r.status_code == 302
        s = StudySettings.objects.get(user=learner)
        assert (s.desired_retention, s.new_per_day, s.reviews_per_day, s.timezone, s.rollover_hour) == (
            0.85,
            10,
            100,
            "Europe/Paris",
            5,
        )

    def test_it_explains_what_retention_costs_and_refuses_bad_values(self, alice, learner):
        html = alice.get("/study/settings/").content.decode()
        assert "1.6 times as many reviews" in html
        r = alice.post(
            "/study/settings/",
            {
                "desired_retention": "0.99",
                "new_per_day": "-1",
                "reviews_per_day": "100",
                "timezone": "Mars/Olympus",
                "rollover_hour": "24",
                "params_version": "99",
            },
        )
        errors = r.context["form"].errors
        assert set(errors) == {"desired_retention", "new_per_day", "timezone", "rollover_hour"}
        s = StudySettings.for_user(learner)
        assert (s.desired_retention, s.params_version) == (0.9, 0)


class TestLog:
    def test_export_is_the_optimizer_schema(self, alice, learner):
        question = factory.make_question()
        scheduling.add_study(learner, quizset=factory.make_quizset("s", [question]))
        card = Card.objects.get()
        scheduling.rate(learner, card.pk, 3, token=uuid.uuid4(), duration_ms=4200)
        r = alice.get("/study/log.csv")
        assert r["Content-Disposition"] == 'attachment; filename="learnapp-revlog.csv"'
        assert r.content.decode().splitlines()[0] == "card_id,review_time,review_rating,review_duration,review_state"
        [review] = read_revlog(r.content, "export.csv")
        assert (review.card_id, review.rating, review.duration_ms, review.state) == (card.pk, 3, 4200, 0)

    def test_import_is_all_or_nothing_and_idempotent(self, alice, learner):
        reviews = generated_log(seed=3, cards=20, days=30)
        data = csv_bytes(reviews)
        r = alice.post("/study/log/import/", {"file": SimpleUploadedFile("anki.csv", data)}, follow=True)
        assert f"Imported {len(reviews)} of {len(reviews)} reviews" in r.content.decode()
        r = alice.post("/study/log/import/", {"file": SimpleUploadedFile("anki.csv", data)}, follow=True)
        assert f"Imported 0 of {len(reviews)} reviews" in r.content.decode()
        assert ReviewLog.objects.filter(user=learner, kind="imported").count() == len(reviews)

    def test_a_bad_file_names_its_lines_and_imports_nothing(self, alice, learner):
        bad = b"card_id,review_time,review_rating\n1,1700000000000,3\n2,soon,3\n3,1700000000000,9\n"
        r = alice.post("/study/log/import/", {"file": SimpleUploadedFile("bad.csv", bad)}, follow=True)
        html = r.content.decode()
        assert "bad.csv:3: review_time" in html and "bad.csv:4: review_rating" in html
        assert "Nothing was imported." in html
        assert not ReviewLog.objects.exists()


class TestFitting:
    def test_too_few_reviews_is_said_plainly(self, alice):
        r = alice.post("/study/optimize/", follow=True)
        assert "400" in r.content.decode()
        assert StudySettings.objects.get().params_version == 0

    def test_the_button_fits_parameters_on_the_learners_log(self, alice, learner):
        alice.post("/study/log/import/", {"file": SimpleUploadedFile("anki.csv", csv_bytes(generated_log(seed=4)))})
        r = alice.post("/study/optimize/", follow=True)
        assert "Your scheduling parameters were fitted on your reviews (version 1)." in r.content.decode()
        settings = StudySettings.objects.get(user=learner)
        assert len(settings.parameters) == 21
        assert settings.parameters != list(scheduling.DEFAULT_PARAMETERS)
        # New reviews record the parameter version they were scheduled with.
        question = factory.make_question()
        scheduling.add_study(learner, quizset=factory.make_quizset("s", [question]))
        log = scheduling.rate(learner, Card.objects.get().pk, 3, token=uuid.uuid4()).log
        assert log.params_version == 1

    def test_the_command(self, learner):
        with pytest.raises(CommandError, match="alice: .*400"):
            call_command("optimize_parameters", "--user", "alice")
        optimizing.import_reviews(learner, csv_bytes(generated_log(seed=5)), "x.csv")
        out = io.StringIO()
        call_command("optimize_parameters", "--all", stdout=out)
        assert "alice: parameters version 1" in out.getvalue()
