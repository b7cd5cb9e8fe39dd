"""Spaced-repetition views: the review queue, ratings, undo, studies, settings, the learner's log."""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from .. import kept
from ..bank.forms import AnswerForm
from ..bank.grading import GradedAnswer, grade
from ..bank.models import Question, QuizSet, Source, visible_question, withheld_questions
from . import kept_front, kept_queue, learner_pages, optimizing, progress_cache, reading, scheduling, stats
from .forms import RevlogUploadForm, StudySettingsForm
from .models import Card, Deck, ReviewLog, StudyJob, StudySettings
from .revlog import write_revlog

ANSWER_SALT = "learnapp.review-answer"
logger = logging.getLogger(__name__)


def _get_card_for_user(request: HttpRequest, card_id: int) -> Card:
    """The learner's own card, if they may still see its question (else a 404, as for anyone else's id),
    with everything its question renders, in the learner's language when the item has a version in it."""
    card = reading.card_to_show(request.user, card_id, get_language(), visible_question(request.user))
    if card is None:
        raise Http404
    return card


def _choices(card: Card) -> list:
    """The card's choices in the order shown: pairs and items shuffled, the same until the card is rated."""
    return card.question.shown_items(f"{card.pk}-{card.version}")


def _review_page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "study/review.html"
    if request.htmx:
        template += "#review"
    return render(request, template, context, status=status)


def _current_deck(request: HttpRequest) -> Deck | None:
    """The deck the learner chose to study (kept in their session), or None for all their cards."""
    deck_id = request.session.get("deck")
    return reading.deck_of(request.user, deck_id) if isinstance(deck_id, int) else None


def _front_context(request: HttpRequest, settings: StudySettings, now, held=None, deck=False, counts=None) -> dict:
    deck = _current_deck(request) if deck is False else deck
    q = scheduling.queue(request.user, settings, now, deck=deck, language=get_language(), held=held, counts=counts)
    card = q.card
    choices = _choices(card) if card else []
    return {
        "deck": deck,
        "queue": q,
        "card": card,
        "choices": choices,
        "stage": "front" if card else "done",
        **(_unanswered(card, choices) if card else {"form": None}),
        "shown_at": int(now.timestamp() * 1000),
        "can_undo": q.can_undo,
    }


def _unanswered(card: Card, choices: list) -> dict:
    """The front's form, made only if its inputs are rendered: they come from their kept markup (fields_key) once
    this process has shown the question in this order."""
    question = card.question
    return {
        "form": SimpleLazyObject(lambda: AnswerForm(question, choices)),
        "fields_key": AnswerForm.unanswered_key(question, [c.pk for c in choices]),
    }


def _ratings_context(
    request: HttpRequest, card: Card, settings: StudySettings, now, only: int | None = None, **extra
) -> dict:
    if only:
        outcomes = {only: scheduling.outcome(card, settings, now, only)}
    else:
        outcomes = scheduling.outcomes(card, settings, now)
    return {
        "card": card,
        "choices": _choices(card),
        "stage": "rate",
        "token": scheduling.review_token(card),
        "buttons": [
            {"rating": r, "label": scheduling.RATING_LABELS[r], "interval": scheduling.interval_text(o.interval)}
            for r, o in outcomes.items()
        ],
        "shown_at": request.POST.get("shown_at") or request.GET.get("shown_at") or int(now.timestamp() * 1000),
        **extra,
    }


@require_safe
@kept.never_cache
@vary_on_headers("HX-Request")
@login_required
def review(request: HttpRequest) -> HttpResponse:
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    html = _kept_review_page(request, settings, now) if _keeps(request) else None
    if html is not None:
        return HttpResponse(html)
    return _review_page(request, _front_context(request, settings, now))


def _keeps(request: HttpRequest) -> bool:
    """Whether the review page may come from the cache: a learner's, in full, with no message waiting (showing it
    uses it up)."""
    return (
        not request.GET
        and not kept.htmx(request)
        and learner_pages.is_learner(request)
        and not len(messages.get_messages(request))
    )


def _kept_review_page(request: HttpRequest, settings: StudySettings, now) -> bytes | None:
    """The review page, kept whole while nothing it is made from changes: the learner's page generation (their
    cards, today's ratings, the assignments and what they hold), the settings, the day, the bank, the language
    (quizzes/study/learner_pages.py), and the deck studied; until a learning card comes due, a buried card comes
    back or an assignment's moment comes. The time the card was shown is written in at each request, as the CSRF
    token and the CSP nonce are. None when the learner's page cannot be kept."""
    key = learner_pages.key(request, settings, now)
    if key is None:
        return None
    deck = _current_deck(request)
    studied = (deck.pk, deck.name, deck.new_per_day, deck.reviews_per_day) if deck else None
    key = f"learnapp:review-page:{request.user.pk}:{key}:{hashlib.blake2b(repr(studied).encode()).hexdigest()}"

    def render(marks: dict[str, str]) -> str:
        context = _front_context(request, settings, now, deck=deck)
        context.update(shown_at=marks["shown_at"], csrf_token=marks["csrf"], csp_nonce=marks["nonce"])
        return render_to_string("study/review.html", context, request)

    def until():
        return learner_pages.moments(request, settings, now)[0]

    shown_at = str(int(now.timestamp() * 1000))
    return kept.html(request, key, until, now, render, fresh={"shown_at": shown_at}, encoded=True)


def _held_back(request: HttpRequest, card: Card, settings: StudySettings, now) -> HttpResponse | None:
    """A card whose question an assignment keeps for its own attempts shows nothing of its answer while it does:
    the queue comes back (it leaves such cards out), with the assignment's rule."""
    reason = Question.objects.filter(pk=card.question_id).withheld_reason(request.user, now)
    if reason is None:
        return None
    messages.warning(request, reason)
    return _review_page(request, _front_context(request, settings, now), status=409)


def _graded_in_this_showing(request: HttpRequest, card: Card) -> GradedAnswer | None:
    """The answer given to this card since it was shown (signed by `answer`, tied to the card's version, which
    every rating changes), or None."""
    try:
        data = signing.loads(request.GET.get("answer", ""), salt=ANSWER_SALT, max_age=timedelta(days=1))
    except signing.BadSignature:
        return None
    if data.get("card") != card.pk or data.get("version") != card.version:
        return None
    result = grade(card.question, data["answer"])
    return GradedAnswer(
        question=card.question,
        answer=data["answer"],
        is_correct=result.is_correct,
        score=result.score,
        notes=[str(n) for n in result.notes],
    )


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@login_required
def reveal(request: HttpRequest, card_id: int) -> HttpResponse:
    """The back of a flashcard, with the four rating buttons. An objective question's answer is shown only
    after an answer was given in this showing: asked without one, its question comes back to be answered."""
    card = _get_card_for_user(request, card_id)
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    if held := _held_back(request, card, settings, now):
        return held
    if card.question.kind == Question.Kind.FLASHCARD:
        return _review_page(request, _ratings_context(request, card, settings, now))
    response = _graded_in_this_showing(request, card)
    if response is None:
        choices = _choices(card)
        context = {
            "card": card,
            "choices": choices,
            "stage": "front",
            **_unanswered(card, choices),
            "shown_at": request.GET.get("shown_at") or int(now.timestamp() * 1000),
            "queue": scheduling.queue(request.user, settings, now, fetch_card=False, deck=_current_deck(request)),
        }
        return _review_page(request, context)
    return _review_page(
        request,
        _ratings_context(
            request,
            card,
            settings,
            now,
            response=response,
            suggested=3 if response.is_correct else 1,
            answer_blob=request.GET["answer"],
            only=1 if response.answer.get("dont_know") else None,
        ),
    )


@require_POST
@vary_on_headers("HX-Request")
@login_required
def answer(request: HttpRequest, card_id: int) -> HttpResponse:
    """An objective question answered during review: graded as in quizzes, then a rating is suggested."""
    card = _get_card_for_user(request, card_id)
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    if held := _held_back(request, card, settings, now):
        return held
    form = AnswerForm(card.question, _choices(card), request.POST)
    if not form.is_valid():
        context = {
            "card": card,
            "choices": _choices(card),
            "stage": "front",
            "form": form,
            "shown_at": request.POST.get("shown_at"),
            "queue": scheduling.queue(request.user, settings, now, deck=_current_deck(request)),
        }
        return _review_page(request, context)
    given = form.cleaned_answer()
    result = grade(card.question, given)
    blob = signing.dumps(
        {"card": card.pk, "version": card.version, "answer": given, "correct": result.is_correct}, salt=ANSWER_SALT
    )
    # "I don't know" is a lapse: only Again is offered, and rate() holds to it.
    only = 1 if form.dont_know else None
    response = GradedAnswer(
        question=card.question,
        answer=given,
        is_correct=result.is_correct,
        score=result.score,
        notes=[str(n) for n in result.notes],
    )
    suggested = 3 if result.is_correct else 1
    return _review_page(
        request,
        _ratings_context(
            request,
            card,
            settings,
            now,
            response=response,
            suggested=suggested,
            answer_blob=blob,
            only=only,
        ),
    )


@require_POST
@vary_on_headers("HX-Request")
@login_required
def rate(request: HttpRequest, card_id: int) -> HttpResponse:
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    try:
        rating = int(request.POST["rating"])
        token = uuid.UUID(request.POST["token"])
        # The form sends the version it showed; a client that sends only the token is held to the
        # version the token was issued for (scheduling.review_token), so both are applied once.
        version = int(request.POST["version"]) if request.POST.get("version") else None
        if rating not in (1, 2, 3, 4):
            raise ValueError
    except (KeyError, ValueError):
        messages.error(request, _("That rating could not be read: please rate the card again."))
        return _back_to_queue(request, settings, now, status=400)
    answer = None
    if request.POST.get("answer"):
        try:
            data = signing.loads(request.POST["answer"], salt=ANSWER_SALT, max_age=timedelta(days=1))
        except signing.BadSignature:
            data = None
        if data and data.get("card") == card_id:
            answer = {"given": data["answer"], "correct": data["correct"]}
            if data["answer"].get("dont_know"):
                rating = 1  # the learner said they did not know: that is Again, whatever button was sent
    # The assignments' rule, read in the card's statement for this rating and in the queue's after it.
    held = withheld_questions(request.user, now)
    duration = _duration_ms(request.POST.get("shown_at"), now)
    # The next card after an htmx rating comes from the learner's queue moved by this rating, when it is kept.
    deck, move = False, None
    if request.htmx:
        deck = _current_deck(request)
        kept_context = kept_queue.context(request, settings, now, deck)
        move = kept_queue.Move(request.user, kept_context, now) if kept_context is not None else None
    try:
        rated = scheduling.rate(
            request.user,
            card_id,
            rating,
            token=token,
            version=version,
            now=now,
            duration_ms=duration,
            answer=answer,
            settings=settings,
            held=held,
            then=move,
        )
    except Card.DoesNotExist:
        raise Http404 from None
    except (
        scheduling.Held
    ):  # never shown, so never rated: the queue leaves such cards out while the assignment holds them
        reason = Question.objects.filter(cards__pk=card_id).withheld_reason(request.user, now)
        if reason:
            messages.warning(request, reason)
        return _back_to_queue(request, settings, now, status=409, held=held)
    except scheduling.ReviewError as exc:  # a stale tab, or a token already used on another card
        messages.warning(request, str(exc))
        return _back_to_queue(request, settings, now, status=409, held=held)
    if not rated.duplicate:
        when = scheduling.interval_text(rated.card.due - now)
        messages.success(request, _("Next review of that card in %(when)s.") % {"when": when})
    if rated.card.is_leech and rated.card.suspended and not rated.duplicate and rated.log.rating == 1:
        messages.warning(
            request,
            _(
                "This card was forgotten many times: it is now a leech, suspended and listed on "
                "your progress page so you can study it differently."
            ),
        )
    counts = None
    if move is not None:
        counts = kept_queue.after_rating(request.user, settings, now, held, rated, move, deck)
    return _back_to_queue(request, settings, now, held=held, counts=counts, deck=deck)


def _duration_ms(shown_at: str | None, now) -> int | None:
    try:
        shown = int(shown_at or "")
    except ValueError:
        return None
    return max(0, min(int(now.timestamp() * 1000) - shown, 10 * 60 * 1000))


def _back_to_queue(
    request: HttpRequest, settings: StudySettings, now, status: int = 200, held=None, counts=None, deck=False
) -> HttpResponse:
    if not request.htmx:
        response = redirect("quizzes:review")
        if status == 409:  # a stale tab: show the message on a page that says so
            return _review_page(request, _front_context(request, settings, now, held), status=409)
        return response
    context = _front_context(request, settings, now, held, deck=deck, counts=counts)
    html = kept_front.partial(request, context)
    if html is not None:
        return HttpResponse(html, status=status)
    return _review_page(request, context, status=status)


@require_POST
@login_required
def undo(request: HttpRequest) -> HttpResponse:
    card = scheduling.undo_last(request.user)
    if card is None:
        messages.info(request, _("Nothing to undo."))
    else:
        messages.info(request, _("The last rating was undone."))
    settings = StudySettings.for_user(request.user)
    return _back_to_queue(request, settings, timezone.now())


@require_POST
@login_required
def bury(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_object_or_404(Card, pk=card_id, user=request.user)
    settings = StudySettings.for_user(request.user)
    scheduling.bury(card, settings, timezone.now())
    messages.info(request, _("Card buried until tomorrow."))
    return _back_to_queue(request, settings, timezone.now())


@require_POST
@login_required
def suspend(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_object_or_404(Card, pk=card_id, user=request.user)
    suspended = request.POST.get("suspended", "1") == "1"
    scheduling.set_suspended(card, suspended)
    if suspended:
        messages.info(request, _("Card suspended: it will not come back until you unsuspend it."))
    else:
        messages.info(request, _("Card unsuspended: it is back in your reviews."))
    if request.POST.get("next") == "progress":
        return redirect("quizzes:progress")
    return _back_to_queue(request, StudySettings.for_user(request.user), timezone.now())


@require_POST
@login_required
def study_quizset(request: HttpRequest, key: str) -> HttpResponse:
    quizset = get_object_or_404(QuizSet.objects.visible_to(request.user), key=key)
    study, added = scheduling.add_study(request.user, quizset=quizset)
    messages.success(request, _("Added to your studies: %(n)d new cards.") % {"n": added})
    _say_what_is_held(request, study)
    return redirect(quizset)


@require_POST
@login_required
def study_source(request: HttpRequest, key: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user), key=key)
    study, added = scheduling.add_study(request.user, source=source)
    messages.success(request, _("Added to your studies: %(n)d new cards.") % {"n": added})
    _say_what_is_held(request, study)
    return redirect(source)


def _say_what_is_held(request: HttpRequest, study) -> None:
    """The cards of questions an assignment keeps for its own attempts wait out of the reviews (the queue leaves
    them out): say so, with the assignment's rule."""
    reason = study.questions().withheld_reason(request.user, timezone.now())
    if reason:
        messages.warning(request, " ".join([reason, _("Its questions stay out of your reviews until then.")]))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@login_required
def study_settings(request: HttpRequest) -> HttpResponse:
    settings = StudySettings.for_user(request.user)
    job = StudyJob.objects.filter(user=request.user).first()
    if job and job.finished_at and timezone.now() - job.finished_at > timedelta(hours=1):
        job = None  # an old outcome is no news
    if request.htmx:
        response = render(request, "study/study_settings.html#job", {"job": job, "settings": settings})
        if not (job and job.is_running):
            response.status_code = 286  # htmx: stop polling
        return response
    # Read before the form is bound: a refused POST leaves its values on the instance (ModelForm).
    reviews_needed = optimizing.reviews_still_needed(request.user)
    form = StudySettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("quizzes:study_settings")
    reviews = (
        ReviewLog.objects.filter(user=request.user)
        .exclude(kind__in=[ReviewLog.Kind.MANUAL, ReviewLog.Kind.RESCHEDULED])
        .count()
    )
    return render(
        request,
        "study/study_settings.html",
        {
            "form": form,
            "settings": settings,
            "review_count": reviews,
            "reviews_needed": reviews_needed,
            "upload_form": RevlogUploadForm(),
            "job": job,
        },
    )


def start_job(request: HttpRequest, kind: str, **fields) -> bool:
    """Hand a learner's job to a worker, one at a time per learner; False if one is still running."""
    with transaction.atomic():
        latest = StudyJob.objects.select_for_update().filter(user=request.user).first()
        if latest and latest.is_running:
            messages.warning(request, _("Your previous job is not finished yet: wait for it, then try again."))
            return False
        job = StudyJob.objects.create(user=request.user, kind=kind, language=translation.get_language(), **fields)
    job.enqueue()  # after the commit: a backend that runs it at once must not run it inside this transaction
    return True


@require_safe
@cache_control(private=True, no_store=True)  # one learner's whole history: never kept by a proxy or the browser
@login_required
def export_log(request: HttpRequest) -> HttpResponse:
    # Reviews only: a forget or a moved due date (rating 0) is no review to fit on, and no revlog row.
    logs = (
        ReviewLog.objects.filter(user=request.user)
        .exclude(kind__in=[ReviewLog.Kind.MANUAL, ReviewLog.Kind.RESCHEDULED])
        .order_by("reviewed_at", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="learnapp-revlog.csv"'
    write_revlog([optimizing.as_review(log) for log in logs.iterator()], response)
    return response


@require_POST
@login_required
def import_log(request: HttpRequest) -> HttpResponse:
    """Import a review log (e.g. from Anki) to fit parameters on: a bad file imports nothing, re-importing
    adds nothing, and other learners keep rating while it is written (optimizing.import_reviews)."""
    form = RevlogUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > conf.LEARNAPP_BACKGROUND_IMPORT_BYTES:
            # A large log takes seconds to minutes: a worker imports it while the page shows its progress.
            start_job(request, StudyJob.Kind.IMPORT_LOG, upload=upload.read(), upload_name=upload.name[:200])
            return redirect("quizzes:study_settings")
        try:
            added, total = optimizing.import_reviews(request.user, upload.read(), upload.name)
        except optimizing.RevlogInvalid as exc:
            for error in exc.errors:
                messages.error(request, error)
            messages.error(request, _("Nothing was imported."))
        except optimizing.ImportInterrupted as exc:
            messages.error(
                request,
                _(
                    "The import stopped after %(saved)d of %(total)d reviews (a database error). Import the "
                    "same file again: it adds the rest, never a review twice."
                )
                % {"saved": exc.saved, "total": exc.total},
            )
        else:
            messages.success(
                request,
                _("Imported %(added)d of %(total)d reviews (the others were already there).")
                % {"added": added, "total": total},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("quizzes:study_settings")


@require_POST
@login_required
def optimize(request: HttpRequest) -> HttpResponse:
    """Fitting takes seconds on a long log: a worker does it, the settings page shows how it went. A log
    that is too short is answered at once: the learner only has to keep reviewing."""
    if missing := optimizing.reviews_still_needed(request.user):
        messages.info(request, optimizing.not_enough_message(optimizing.MIN_REVIEWS_TO_FIT - missing))
    else:
        start_job(request, StudyJob.Kind.FIT)
    return redirect("quizzes:study_settings")


@require_safe
@never_cache
@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """The learner's progress; a plain GET is kept whole while nothing it is made from changes
    (progress_cache), with the CSRF token, the nonce and the "due … ago" of the cards at risk written in."""
    settings = StudySettings.for_user(request.user)
    now = timezone.now()

    def context(held: list[int] | None, since) -> dict:
        context = {"settings": settings} | stats.progress(request.user, settings, now, held)
        for i, card in enumerate(context["at_risk"]):
            card.since = since(i, card)
        return context

    if not progress_cache.keeps(request):
        return render(request, "study/progress.html", context(None, lambda _i, card: timesince(card.due, now)))

    def render_page(marks: dict[str, str], held: list[int]) -> tuple[str, list]:
        page = context(held, lambda i, _card: marks[f"since-{i}"])
        # Given values win over the context processors': the marks are what the kept page is cut at.
        page |= {"csrf_token": marks["csrf"], "csp_nonce": marks["nonce"]}
        return render_to_string("study/progress.html", page, request), [card.due for card in page["at_risk"]]

    return HttpResponse(progress_cache.page(request, settings, now, render_page))
