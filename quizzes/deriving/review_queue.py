"""From a new text to published questions: add the source, derive candidates in the background,
review them (accept, edit then accept, reject with a reason), publish the accepted ones.

The deriver itself is `quizzes.deriving.engine` (pure functions, no database); this module stores what it
finds as draft questions, one Candidate each, and keeps rejections so they count next time.
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..accounts.roles import Role, has_role
from ..bank.models import Choice, Language, Question, QuizSet, QuizSetItem, Source
from . import engine as deriving
from .models import Candidate, DerivationJob


def add_source(
    user,
    *,
    title: str,
    document: deriving.Document,
    author: str = "",
    url: str = "",
    licence: str = "",
    language: str = "",
) -> Source:
    """Store a text cleaned by `deriving.prepare` (boilerplate out, headings kept, languages detected; see
    SourceForm, which refuses a text with nothing left before anything is written) as a new source."""
    base = _slug(title) or "text"
    key, n = base, 1
    while Source.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    source = Source.objects.create(
        key=key,
        title=title,
        author=author,
        url=url,
        licence=licence,
        text=document.text,
        language=language or document.language,
        owner=user,
        # Staff share theirs at once, as the questions derived from a staff member's text go to the
        # shared bank (see _store); anyone else's text is theirs until an admin publishes it.
        published=user.is_staff,
    )
    return source


def _slug(text: str) -> str:
    return slugify(text)[:60].strip("-")


def may_review(user, source: Source) -> bool:
    return user.is_superuser or (user.is_staff and has_role(user, Role.ADMIN)) or source.owner_id == user.pk


# --- deriving, in the background -----------------------------------------------------------------


def start(source: Source, user) -> DerivationJob:
    """Queue a derivation for a worker (run_worker)."""
    job = DerivationJob.objects.create(source=source, requested_by=user)
    job.enqueue()
    return job


def run(job_id: int, progress: Callable[[int, int], None] | None = None) -> DerivationJob:
    job = DerivationJob.objects.select_related("source").get(pk=job_id)
    if not job.begin():
        return job  # already finished: a task enqueued twice does nothing
    source = job.source

    def report(done: int, total: int) -> None:
        if progress:
            progress(done, total)
        job.report(done, total)

    try:
        # The bank as the text's reviewers see it: a candidate's "repeats a bank question" shows that question,
        # so another teacher's own question must not be one.
        readers_bank = Question.objects.published().visible_to(source.owner or AnonymousUser())
        existing = [
            deriving.ExistingQuestion(q.external_id, q.prompt, (q.right_answer() or [""])[0], q.language)
            for q in readers_bank.prefetch_related("choices")
        ]
        found = deriving.derive(
            source.text,
            language=source.language,
            existing=existing,
            progress=report,
            corrections=source.language_corrections(),
        )
        created = _store(job, source, found)
    except Exception as exc:  # noqa: BLE001 - the page shows the failure; nothing half-stored
        job.fail(str(exc))
        raise
    job.finish(created=created)
    job.refresh_from_db()
    return job


REJECTED_ANSWER_PENALTY = 0.5


def _rejected(source: Source) -> tuple[set[tuple[str, str]], set[str]]:
    """What reviewers rejected for this source: the exact (answer, prompt) pairs, which are not
    proposed again, and the answers, whose other questions rank lower."""
    pairs = set(
        Candidate.objects.filter(question__passage__source=source, state=Candidate.State.REJECTED).values_list(
            "answer", "question__prompt"
        )
    )
    return pairs, {answer.casefold() for answer, _prompt in pairs if answer}


def _store(job: DerivationJob, source: Source, found: list[deriving.Candidate]) -> int:
    rejected, rejected_answers = _rejected(source)
    bank = dict(
        Question.objects.filter(
            external_id__in=[c.duplicate_of for c in found if isinstance(c.duplicate_of, str)]
        ).values_list("external_id", "pk")
    )
    created = 0
    with transaction.atomic():
        # Re-deriving replaces the candidates still waiting for review; reviewed ones stay.
        Question.objects.filter(candidate__state=Candidate.State.PENDING, passage__source=source).delete()
        for i, c in enumerate(found):
            if (c.answer, c.prompt) in rejected or isinstance(c.duplicate_of, int):
                continue
            question = Question.objects.create(
                external_id=f"d-{source.key}-{job.pk}-{i}"[:80],
                kind=c.kind,
                prompt=c.prompt,
                explanation=c.explanation or c.passage,
                back=c.back,
                accepted_answers="\n".join([c.answer, *c.alternatives]) if c.kind == "short" else "",
                language=c.language if c.language in Language.values else source.language,
                status=Question.Status.DRAFT,
                passage=source.passage_for(c.passage),
                highlight=c.highlight if c.highlight in c.passage else "",
                owner=source.owner if source.owner and not source.owner.is_staff else None,
            )
            Choice.objects.bulk_create(
                Choice(question=question, text=text[:500], is_correct=correct, position=p)
                for p, (text, correct) in enumerate(c.choices)
            )
            penalty = REJECTED_ANSWER_PENALTY if c.answer.casefold() in rejected_answers else 1.0
            ranking = dict(c.ranking)
            if penalty != 1.0:
                ranking["lowered"] = [*ranking.get("lowered", []), ["rejected answer", penalty]]
            Candidate.objects.create(
                job=job,
                question=question,
                confidence=c.confidence * penalty,
                reason=c.reason[:300],
                answer_type=c.answer_type,
                answer=c.answer[:300],
                flags=c.flags,
                ranking=ranking,
                duplicate_of_id=bank.get(c.duplicate_of) if isinstance(c.duplicate_of, str) else None,
            )
            created += 1
    return created


# --- review --------------------------------------------------------------------------------------


def derived_quizset(source: Source) -> QuizSet:
    """The quiz set that collects a source's accepted questions."""
    quizset, _created = QuizSet.objects.get_or_create(
        key=f"derived-{source.key}"[:80],
        defaults={
            "title": source.title[:200],
            "description": source.title,
            "language": source.language,
            "owner": source.owner if source.owner and not source.owner.is_staff else None,
        },
    )
    return quizset


def accept(candidate: Candidate, user) -> None:
    with transaction.atomic():
        question = candidate.question
        question.status = Question.Status.PUBLISHED
        question.save(update_fields=["status", "updated_at"])
        quizset = derived_quizset(question.passage.source)
        position = quizset.items.count()
        QuizSetItem.objects.get_or_create(quizset=quizset, question=question, defaults={"position": position})
        Candidate.objects.filter(pk=candidate.pk).update(
            state=Candidate.State.ACCEPTED, reviewed_by=user, reviewed_at=timezone.now(), rejection_reason=""
        )


def reject(candidate: Candidate, user, reason: str) -> None:
    with transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(
            state=Candidate.State.REJECTED, reviewed_by=user, reviewed_at=timezone.now(), rejection_reason=reason[:300]
        )
        Question.objects.filter(pk=candidate.question_id).update(status=Question.Status.DRAFT)
        QuizSetItem.objects.filter(question_id=candidate.question_id).delete()
