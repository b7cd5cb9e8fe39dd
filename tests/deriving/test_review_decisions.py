"""Deciding on candidates: a rejection says why; deriving again flags what was already accepted."""

import pytest

from quizzes.deriving.models import Candidate
from tests.deriving.test_derive_views import HX, add_text


@pytest.fixture(autouse=True)
def inline(settings):
    settings.LEARNAPP_DERIVE_INLINE = True


@pytest.fixture
def tom(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def derived(tom):
    source = add_text(tom)
    tom.post(f"/texts/{source.key}/derive/")
    return source


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
