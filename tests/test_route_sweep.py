"""Every view either is public on purpose or turns anonymous visitors and learners away
(RELIABILITY.md case 2): a new view that forgot its decorator fails here.

Then every route, filled with another user's object, a missing id, a huge number or garbage, asked
by anonymous visitors, learners and teachers who do not own it, by GET, HEAD and POST, with and
without HX-Request: never a 500, never a 200 on someone else's private object, HEAD wherever GET
works; and, as the owner, garbage in every parameter a view reads: never a 500."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from quizzes.models import (
    Assignment,
    Attempt,
    Candidate,
    Card,
    Classroom,
    Deck,
    DerivationJob,
    Enrollment,
    Question,
    Study,
)
from tests import factory

PUBLIC = {
    "quizzes:home",
    "quizzes:quizset",
    "quizzes:source",
    "quizzes:signup",
    "login",
    "logout",
    "password_reset",
    "quizzes:password_reset",
    "quizzes:accept_invitation",  # the signed one-time token is the key
    "quizzes:unsubscribe",  # the signed token is the key (RFC 8058: no login)
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "favicon",
    "healthz",
}
TEACHER_ONLY = re.compile(r"^(teach|texts|review-queue)/")


def routes(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            path = prefix + str(p.pattern)
            path = re.sub(r"<int:\w+>", "999999", path)
            path = re.sub(r"<(slug|str):\w+>", "nothing-here", path)
            name = f"{namespace}{p.name}" if p.name else (p.callback.__name__ if p.callback else path)
            yield name, "/" + path.lstrip("^").rstrip("$")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(learner):
    checked = 0
    pupil = Client()
    pupil.force_login(learner)
    for name, path in routes():
        if name in PUBLIC or name.split(":")[-1] in PUBLIC:
            continue
        for method in ("get", "post"):
            r = getattr(Client(), method)(path)
            assert r.status_code in (302, 403, 404, 405), (name, method, path, r.status_code)
            if r.status_code == 302:
                assert "/accounts/login/" in r.url, (name, method, r.url)
            if TEACHER_ONLY.match(path.lstrip("/")):
                assert getattr(pupil, method)(path).status_code in (403, 404, 405), (name, method, path)
        checked += 1
    assert checked > 30


HUGE = "99999999999999999999"  # past 64 bits
INT4 = "2147483648"  # past PostgreSQL's integer
INT8 = "9223372036854775808"  # past SQLite's and PostgreSQL's bigint
GARBAGE_INTS = [HUGE, INT4]
GARBAGE_STRINGS = ["x" * 300, "%00"]

# Pages that show the same thing to everyone, whoever asks.
SHOWN_TO_ALL = {
    "quizzes:home",
    "quizzes:signup",
    "quizzes:join",
    "quizzes:join_code",  # the join form, with the code filled in
    "login",
    "logout",
    "password_reset",
    "quizzes:password_reset",
    "quizzes:accept_invitation",  # the signed one-time token is the key
    "quizzes:unsubscribe",  # the signed token is the key (RFC 8058: no login)
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "password_change",
    "password_change_done",
    "set_language",
    "favicon",
    "healthz",
}


def all_routes(patterns=None, prefix="", namespace="", admin=False):
    """(name, pattern) for every route outside the admin (or only the admin's)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if not prefix and str(p.pattern).startswith("admin/") != admin:
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from all_routes(p.url_patterns, prefix + str(p.pattern), ns, admin)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            name = f"{namespace}{p.name}" if p.name else p.callback.__name__
            yield name, pattern


def fill(pattern: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], pattern).lstrip("^").rstrip("$")


@pytest.fixture
def world(db, learner, teacher):
    """Alice (learner) and Tom (teacher) own things; Bob (learner) and Tina (teacher) own nothing."""
    bob = factory.make_user("bob", factory.Role.LEARNER)
    tina = factory.make_user("tina", factory.Role.TEACHER)
    shared = factory.make_question("q-shared")
    toms_text = factory.make_source("toms-text", owner=teacher, title="Tom's text")
    toms_question = factory.make_question("q-toms", source=toms_text, owner=teacher)
    draft = factory.make_question("q-draft", source=toms_text, status=Question.Status.DRAFT)
    factory.make_quizset("shared-set", [shared])
    toms_set = factory.make_quizset("toms-set", [toms_question], owner=teacher)
    classroom = Classroom.objects.create(teacher=teacher, name="Tom's class")
    Enrollment.objects.create(classroom=classroom, learner=learner)
    assignment = Assignment.objects.create(
        classroom=classroom, quizset=toms_set, due_at=timezone.now() + timedelta(days=7)
    )
    attempt = Attempt.objects.create(
        user=learner, quizset=toms_set, assignment=assignment, question_ids=[toms_question.pk]
    )
    card = Card.objects.create(user=learner, question=shared)
    deck = Deck.objects.create(user=learner, name="Alice's deck")
    study = Study.objects.create(user=learner, quizset=toms_set)
    # A derivation "running": a POST to the text's page then starts no other (a thread per POST otherwise).
    job = DerivationJob.objects.create(source=toms_text, requested_by=teacher, status="running")
    candidate = Candidate.objects.create(job=job, question=draft, confidence=0.5, reason="r")
    owned = {
        "key": "toms-set",
        "pk": str(attempt.pk),
        "position": "1",
        "card_id": str(card.pk),
        "deck_id": str(deck.pk),
        "study_id": str(study.pk),
        "external_id": "q-toms",
        "code": classroom.join_code,
        "learner_id": str(learner.pk),
        "question_id": str(toms_question.pk),
        "uidb64": "MQ",
        "token": "set-password",
    }
    # What each route's ids point to when they point to Alice's or Tom's things.
    by_route = {
        "quizzes:source": {"key": "toms-text"},
        "quizzes:study_source": {"key": "toms-text"},
        "quizzes:derive": {"key": "toms-text"},
        "quizzes:preview": {"external_id": "q-toms"},
        "quizzes:start_assignment": {"pk": str(assignment.pk)},
        "quizzes:classroom": {"pk": str(classroom.pk)},
        "quizzes:new_assignment": {"pk": str(classroom.pk)},
        "quizzes:gradebook_csv": {"pk": str(classroom.pk)},
        "quizzes:assignment": {"pk": str(assignment.pk)},
        "quizzes:assignment_csv": {"pk": str(assignment.pk)},
        "quizzes:learner_results": {"pk": str(assignment.pk)},
        "quizzes:edit_assignment": {"pk": str(assignment.pk)},
        "quizzes:weak_item": {"pk": str(assignment.pk)},
        "quizzes:teach_edit_question": {"pk": str(toms_question.pk)},
        "quizzes:review_candidate": {"pk": str(candidate.pk)},
        "quizzes:edit_candidate": {"pk": str(candidate.pk)},
    }
    users = {"alice": learner, "bob": bob, "tom": teacher, "tina": tina}
    # Who may see each route's owned object (the others must not get a 200).
    owners = {
        "quizzes:start_assignment": {"alice"},
        "quizzes:quizset": {"alice", "tom"},
        "quizzes:source": {"tom"},  # a teacher's text is theirs until an admin publishes it
        "quizzes:study_source": {"tom"},
    }
    return {"owned": owned, "by_route": by_route, "users": users, "owners": owners}


def owners_of(name: str, path: str, world) -> set[str]:
    if name in world["owners"]:
        return world["owners"][name]
    if re.match(r"/(teach|texts|review-queue|questions)/", path):
        return {"tom"}
    return {"alice"}


def clients(world) -> dict[str, Client]:
    made = {"anonymous": Client(raise_request_exception=False)}
    for username, user in world["users"].items():
        made[username] = Client(raise_request_exception=False)
        made[username].force_login(user)
    return made


def ask(client: Client, method: str, path: str, htmx: bool, data=None):
    headers = {"HX-Request": "true"} if htmx else {}
    # Each request in a savepoint: a request that breaks the transaction must not break the next ones.
    with transaction.atomic():
        response = getattr(client, method)(path, data or {}, headers=headers)
        transaction.set_rollback(True)
    return response


def variants(pattern: str, world, name: str):
    """(label, values) for: the owned object, a missing one, then huge numbers and garbage."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
    if not params:
        yield "plain", {}
        return
    owned = {**world["owned"], **world["by_route"].get(name, {})}
    yield "owned", owned
    missing = {p: ("999999" if conv == "int" else "nothing-here") for conv, p in params}
    yield "missing", {**owned, **missing}
    for conv, p in params:
        for bad in GARBAGE_INTS if conv == "int" else GARBAGE_STRINGS:
            yield f"{p}={bad[:12]}", {**owned, p: bad}


@pytest.mark.django_db
def test_no_route_fails_or_leaks_for_strangers(world):
    """Strangers on owned objects (full page and htmx); then everyone on missing ids and garbage."""
    people = clients(world)
    failures = []
    checked = 0
    for name, pattern in all_routes():
        for label, values in variants(pattern, world, name):
            path = fill(pattern, values)
            owners = owners_of(name, path, world)
            askers = people if label in ("owned", "plain") else {w: people[w] for w in ("anonymous", *sorted(owners))}
            for who, client in askers.items():
                stranger = who not in owners
                for htmx in (False, True) if label in ("owned", "plain") else (False,):
                    statuses = {}
                    for method in ("get", "head", "post"):
                        if method == "post" and (htmx or (label == "owned" and not stranger)):
                            continue  # owners' writes on their own things are other tests' business
                        r = ask(client, method, path, htmx)
                        statuses[method] = r.status_code
                        checked += 1
                        if r.status_code >= 500:
                            failures.append((name, label, who, method, htmx, path, r.status_code))
                        private = name not in SHOWN_TO_ALL
                        if label == "owned" and stranger and private and r.status_code == 200:
                            failures.append((name, label, who, method, htmx, path, "200 for a stranger"))
                    if statuses.get("get") not in (None, 405) and statuses["head"] != statuses["get"]:
                        failures.append((name, label, who, "head", htmx, path, f"HEAD {statuses['head']}"))
    assert not failures, "\n".join(map(str, failures))
    assert checked > 1000


BAD_VALUES = ["abc", HUGE, "\x00"]
WORST = "9" * 5000  # past Python's int() digit limit


@pytest.fixture
def keys_read(monkeypatch):
    """Records every key a view reads from request.GET or request.POST (the views' parameters)."""
    seen: set[str] = set()
    for name in ("__getitem__", "__contains__", "get", "getlist"):
        original = getattr(QueryDict, name)

        def reading(self, key, *args, _original=original, **kwargs):
            seen.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(QueryDict, name, reading)
    return seen


@pytest.mark.django_db
def test_garbage_in_any_parameter_a_view_reads_is_never_a_500(world, keys_read):
    """As the owner, each parameter the view reads gets garbage alone, then all of them at once;
    the keys a view reads only in some branch are found on the way and get their turn."""
    people = clients(world)
    failures = []
    fuzzed = 0
    for name, pattern in all_routes():
        if name in ("logout", "set_language"):
            continue
        path = fill(pattern, {**world["owned"], **world["by_route"].get(name, {})})
        for who in sorted(owners_of(name, path, world)):
            for method in ("get", "post"):
                done: set[str] = set()
                keys_read.clear()
                ask(people[who], method, path, htmx=False, data={"_": "1"})  # bound forms read their fields
                for _round in range(2):
                    keys = sorted(keys_read - done - {"csrfmiddlewaretoken", "_"})
                    if not keys:
                        break
                    done |= set(keys)
                    attempts = [{key: bad} for key in keys for bad in BAD_VALUES]
                    attempts += [dict.fromkeys(sorted(done), bad) for bad in (*BAD_VALUES, WORST)]
                    for data in attempts:
                        r = ask(people[who], method, path, htmx=False, data=data)
                        fuzzed += 1
                        if r.status_code >= 500:
                            bad = next(iter(data.values()))[:20]
                            failures.append((name, who, method, path, sorted(data)[:4], bad, r.status_code))
    assert not failures, "\n".join(map(str, failures))
    assert fuzzed > 300


@pytest.mark.django_db
def test_a_path_id_past_the_database_range_is_a_404(client, learner):
    client.force_login(learner)
    for path in (f"/attempts/{HUGE}/", f"/attempts/{INT8}/results/", f"/review/{HUGE}/reveal/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_the_admin_takes_garbage_ids_and_filters(world, admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    failures = []
    filters = [
        "difficulty__exact",
        "status__exact",
        "kind__exact",
        "passage__source__id__exact",
        "topics__id__exact",
        "owner__isempty",
        "stale__exact",
        "language__exact",
        "quizset__id__exact",
        "p",
        "o",
        "q",
        "e",
        "_to_field",
        "_popup",
        "_changelist_filters",
    ]
    for name, pattern in all_routes(admin=True):
        for bad in ["1", "999999", *GARBAGE_INTS, "abc", "%00", "x" * 300]:
            path = fill(
                pattern,
                {
                    "object_id": bad,
                    "app_label": "quizzes",
                    "content_type_id": bad,
                    "model_name": "question",
                    "url": bad,
                    "user_id": bad,
                    "id": bad,
                },
            )
            for method in ("get", "head", "post"):
                r = ask(client, method, path, htmx=False)
                if r.status_code >= 500:
                    failures.append((name, method, path, r.status_code))
            if re.search(r"/(question|quizset|source|attempt|passage|topic)/$", path):
                for key in filters:
                    r = ask(client, "get", f"{path}?{key}={bad}", htmx=False)
                    if r.status_code >= 500:
                        failures.append((name, "get", f"{path}?{key}={bad[:20]}", r.status_code))
    assert not failures, "\n".join(map(str, failures))
