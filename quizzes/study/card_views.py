"""A learner's own cards, decks and studies, and the card browser.

Everything is looked up through the learner: another learner's card, deck or study is a 404, for full
pages and htmx fragments alike (Card.objects.visible_to, Deck/Study filtered on user).
"""

from datetime import timedelta

from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from ..accounts.params import as_id, id_list_param
from ..bank.forms import ChoiceFormSet
from ..bank.yaml_bank import BankInvalid
from . import anki_import, browse, cards
from .forms import BrowseForm, BulkForm, DeckForm, DeckImportForm, NewDeckForm, OwnCardForm, PasteForm
from .models import Card, Deck, ReviewLog, Study, StudyJob, StudySettings
from .views import start_job

UNDO_KEY = "learnapp.removed"


def _own_card(request: HttpRequest, card_id: int) -> Card:
    """One of the learner's cards that they wrote themselves (anyone else's, or a bank card: 404)."""
    return get_object_or_404(
        Card.objects.visible_to(request.user).select_related("question__passage__source"),
        pk=card_id,
        question__personal=True,
        question__owner=request.user,
    )


# --- own cards -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_card(request: HttpRequest) -> HttpResponse:
    question = cards.personal_question(request.user)
    initial = {"kind": "flashcard", "deck": as_id(request.GET.get("deck", ""))}
    form = OwnCardForm(request.user, request.POST or None, instance=question, initial=initial)
    formset = ChoiceFormSet(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            _save_choices(formset, question)
            form.save_tags()
            card = cards.add_card(request.user, question, form.cleaned_data["deck"])
        messages.success(request, _("Card saved: it comes up in your reviews."))
        if "another" in request.POST:
            deck = f"?deck={card.deck_id}" if card.deck_id else ""
            return redirect(reverse("quizzes:new_card") + deck)
        return redirect("quizzes:card", card_id=card.pk)
    return render(request, "study/card_form.html", {"form": form, "formset": formset, "card": None})


def _save_choices(formset, question) -> None:
    formset.instance = question
    for position, choice in enumerate(formset.save(commit=False)):
        choice.position = position
        choice.save()
    if not question.is_choice_kind:
        question.choices.all().delete()


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_card(request: HttpRequest, card_id: int) -> HttpResponse:
    card = _own_card(request, card_id)
    question = card.question
    form = OwnCardForm(request.user, request.POST or None, instance=question, initial={"deck": card.deck_id})
    formset = ChoiceFormSet(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            _save_choices(formset, question)
            form.save_tags()
            Card.objects.filter(pk=card.pk).update(deck=form.cleaned_data["deck"])
        messages.success(request, _("Card saved."))
        return redirect("quizzes:card", card_id=card.pk)
    return render(request, "study/card_form.html", {"form": form, "formset": formset, "card": card})


@require_POST
@login_required
def delete_card(request: HttpRequest, card_id: int) -> HttpResponse:
    card = _own_card(request, card_id)
    card.question.delete()  # its card and history go with it
    messages.success(request, _("Card deleted."))
    return redirect("quizzes:cards")


@require_safe
@never_cache
@login_required
def card(request: HttpRequest, card_id: int) -> HttpResponse:
    """One card: its question, where it stands, and every review of it (rating, interval, predicted recall)."""
    card = get_object_or_404(
        Card.objects.visible_to(request.user)
        .select_related("question__passage__source", "deck")
        .prefetch_related("question__tags", "question__choices"),
        pk=card_id,
    )
    logs = ReviewLog.objects.filter(card=card, user=request.user).order_by("reviewed_at", "pk")
    own = card.question.personal and card.question.owner_id == request.user.pk
    context = {"card": card, "logs": logs, "own": own, "now": timezone.now()}
    return render(request, "study/card.html", context)


# --- decks and studies --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def decks(request: HttpRequest) -> HttpResponse:
    """The learner's decks (with what is due in each), their studies, a new deck (empty or from a pasted list)."""
    form = NewDeckForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            deck = form.save()
            made = cards.make_cards(
                request.user, [(line.front, line.back) for line in form.lines], deck, form.cleaned_data["tags_text"]
            )
        messages.success(
            request,
            ngettext("Deck %(name)s made with %(n)d card.", "Deck %(name)s made with %(n)d cards.", len(made))
            % {"name": deck.name, "n": len(made)},
        )
        return redirect("quizzes:deck", deck_id=deck.pk)
    return render(request, "study/decks.html", {"form": form, **_decks_context(request)})


def _decks_context(request: HttpRequest) -> dict:
    rows = []
    now = timezone.now()
    theirs = Card.objects.visible_to(request.user)
    counts = {deck_id: (total, due) for deck_id, total, due in _deck_counts(theirs, now)}
    for deck in Deck.objects.filter(user=request.user):
        total, due = counts.get(deck.pk, (0, 0))
        rows.append({"deck": deck, "total": total, "due": due})
    total, due = counts.get(None, (0, 0))
    studies = Study.objects.filter(user=request.user).select_related("quizset", "source", "deck")
    return {
        "rows": rows,
        "loose": {"total": total, "due": due},
        "studies": studies,
        "deck_choices": [r["deck"] for r in rows],
        "current_deck": request.session.get("deck"),
        "undo": bool(request.session.get(UNDO_KEY)),
    }


def _deck_counts(cards_, now) -> list[tuple]:
    from django.db.models import Count, Q

    return list(
        cards_.order_by()
        .values("deck")
        .annotate(
            total=Count("pk"), due=Count("pk", filter=Q(due__lte=now, suspended=False) & ~Q(state=Card.State.NEW))
        )
        .values_list("deck", "total", "due")
    )


def _get_deck(request: HttpRequest, deck_id: int) -> Deck:
    return get_object_or_404(Deck, pk=deck_id, user=request.user)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def deck(request: HttpRequest, deck_id: int) -> HttpResponse:
    """One deck: its limits, a pasted list or an imported file (Anki deck, CSV) to add, studying it, deleting it."""
    deck = _get_deck(request, deck_id)
    form = DeckForm(request.user, request.POST if "save" in request.POST else None, instance=deck)
    paste = PasteForm(request.POST if "paste" in request.POST else None)
    upload = DeckImportForm(*((request.POST, request.FILES) if "import" in request.POST else ()))
    if request.method == "POST":
        if "delete" in request.POST:
            deck.delete()  # its cards stay, in no deck
            messages.success(request, _("Deck deleted; its cards are kept, in no deck."))
            return redirect("quizzes:decks")
        if "save" in request.POST and form.is_valid():
            form.save()
            messages.success(request, _("Deck saved."))
            return redirect("quizzes:deck", deck_id=deck.pk)
        if "paste" in request.POST and paste.is_valid():
            made = cards.make_cards(
                request.user, [(line.front, line.back) for line in paste.lines], deck, paste.cleaned_data["tags_text"]
            )
            messages.success(request, ngettext("%(n)d card added.", "%(n)d cards added.", len(made)) % {"n": len(made)})
            return redirect("quizzes:deck", deck_id=deck.pk)
        if "import" in request.POST and upload.is_valid():
            file = upload.cleaned_data["file"]
            if file.name.lower().endswith(".apkg") and file.size > conf.LEARNAPP_BACKGROUND_IMPORT_BYTES:
                # A large deck takes seconds: a worker imports it while this page shows how it goes.
                start_job(
                    request,
                    StudyJob.Kind.IMPORT_DECK,
                    upload=anki_import.upload_bytes(file)[1],
                    upload_name=file.name[:200],
                    deck=deck,
                    history=upload.cleaned_data["history"],
                )
                return redirect("quizzes:deck", deck_id=deck.pk)
            try:
                done = anki_import.import_file(
                    upload.cleaned_data["file"], request.user, deck, history=upload.cleaned_data["history"]
                )
            except BankInvalid as exc:
                for error in exc.errors:
                    upload.add_error("file", str(error))
            else:
                _say_imported(request, deck, done)
                return redirect("quizzes:deck", deck_id=deck.pk)
    total = Card.objects.visible_to(request.user).filter(deck=deck).count()
    context = {
        "deck": deck,
        "form": form,
        "paste": paste,
        "upload": upload,
        "total": total,
        "exam": deck.exam_dates.first(),
        "job": _import_job(request, deck),
    }
    return render(request, "study/deck.html", context)


def _say_imported(request: HttpRequest, deck: Deck, done: anki_import.DeckImport) -> None:
    said, *lost = anki_import.summary(done, deck)
    messages.success(request, said)
    for line in lost:
        messages.info(request, line)


def _import_job(request: HttpRequest, deck: Deck) -> StudyJob | None:
    """The learner's latest job if it imports into this deck and is running, or finished within the hour."""
    job = StudyJob.objects.filter(user=request.user).first()
    if not job or job.kind != StudyJob.Kind.IMPORT_DECK or job.deck_id != deck.pk:
        return None
    if job.finished_at and timezone.now() - job.finished_at > timedelta(hours=1):
        return None  # an old outcome is no news
    return job


@require_POST
@login_required
def study_deck(request: HttpRequest, deck_id: int | None = None) -> HttpResponse:
    """Study one deck (or all of them, without an id): the review queue keeps to it until changed."""
    if deck_id is None:
        request.session.pop("deck", None)
    else:
        request.session["deck"] = _get_deck(request, deck_id).pk
    return redirect("quizzes:review")


@require_POST
@login_required
def study_to_deck(request: HttpRequest, study_id: int) -> HttpResponse:
    """Put a set or a text the learner studies into one of their decks, with its cards."""
    study = get_object_or_404(Study, pk=study_id, user=request.user)
    target = request.POST.get("deck", "")
    deck = None
    if target:
        deck = Deck.objects.filter(user=request.user, pk=as_id(target)).first() if as_id(target) else None
        if deck is None:
            messages.error(request, _("Choose one of your decks."))
            return redirect("quizzes:decks")
    with transaction.atomic():
        Study.objects.filter(pk=study.pk).update(deck=deck)
        Card.objects.filter(user=request.user, question__in=study.questions(), question__personal=False).update(
            deck=deck
        )
    messages.success(request, _("Moved to %(deck)s.") % {"deck": deck.name if deck else _("no deck")})
    return redirect("quizzes:decks")


@require_POST
@login_required
def remove_study(request: HttpRequest, study_id: int) -> HttpResponse:
    study = get_object_or_404(Study, pk=study_id, user=request.user)
    kept = {"quizset": study.quizset_id, "source": study.source_id, "deck": study.deck_id, "added": str(study.added_at)}
    ids = cards.remove_study(study)
    request.session[UNDO_KEY] = {"cards": ids, "study": kept}
    messages.success(
        request,
        ngettext(
            "Removed from your studies, with %(n)d card (its history is kept).",
            "Removed from your studies, with %(n)d cards (their history is kept).",
            len(ids),
        )
        % {"n": len(ids)},
        extra_tags="undo",
    )
    return redirect(request.POST.get("next") == "cards" and "quizzes:cards" or "quizzes:decks")


@require_POST
@login_required
def undo_remove(request: HttpRequest) -> HttpResponse:
    """Put back what the learner last removed from their studies (cards, and the set or text)."""
    removed = request.session.pop(UNDO_KEY, None)
    if not removed:
        messages.info(request, _("Nothing to undo."))
    else:
        with transaction.atomic():
            study = removed.get("study")
            if study:
                Study.objects.get_or_create(
                    user=request.user,
                    quizset_id=study["quizset"],
                    source_id=study["source"],
                    defaults={"deck": Deck.objects.filter(pk=study["deck"], user=request.user).first()},
                )
            n = cards.restore(request.user, removed.get("cards", []))
        messages.success(request, ngettext("%(n)d card is back.", "%(n)d cards are back.", n) % {"n": n})
    back = request.POST.get("next", "")
    return redirect("quizzes:decks" if back == "decks" else "quizzes:cards")


# --- the card browser ---------------------------------------------------------------------------------


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@login_required
def browser(request: HttpRequest) -> HttpResponse:
    return _browser_page(request)


def _browser_page(request: HttpRequest, bulk: BulkForm | None = None, status: int = 200) -> HttpResponse:
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    data = request.GET
    search = BrowseForm(data)
    filters = search.filters()
    if search.errors:
        messages.warning(request, _("Some filters could not be read and were left out."))
    found = browse.search(request.user, filters, settings, now)
    page = Paginator(browse.page_rows(found), browse.PAGE_SIZE).get_page(data.get("page"))
    context = {
        "search": search,
        "filters": filters,
        "query": search.query_string(),
        "page": page,
        "bulk": bulk or BulkForm(request.user),
        "now": now,
        "undo": bool(request.session.get(UNDO_KEY)),
        **browse.choices(request.user),
    }
    template = "study/cards.html#browser" if request.htmx else "study/cards.html"
    return render(request, template, context, status=status)


@require_POST
@vary_on_headers("HX-Request")
@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    """An action on the cards ticked in the browser; then the browser again, with the same search."""
    form = BulkForm(request.user, request.POST)
    id_list_param(request.POST, "card")  # a forged id is a 400, as everywhere
    if not form.is_valid():
        request.GET = request.GET.copy()
        request.GET.update(_search_of(request))
        return _browser_page(request, bulk=form, status=400 if request.htmx else 200)
    chosen = Card.objects.visible_to(request.user).filter(pk__in=form.cleaned_data["card"])
    settings = StudySettings.for_user(request.user)
    now = timezone.now()
    action = form.cleaned_data["action"]
    if action == "suspend":
        n = browse.suspend(chosen, True)
        messages.success(request, ngettext("%(n)d card suspended.", "%(n)d cards suspended.", n) % {"n": n})
    elif action == "unsuspend":
        n = browse.suspend(chosen, False)
        messages.success(request, ngettext("%(n)d card unsuspended.", "%(n)d cards unsuspended.", n) % {"n": n})
    elif action == "bury":
        n = browse.bury(chosen, settings, now)
        buried = ngettext("%(n)d card buried until tomorrow.", "%(n)d cards buried until tomorrow.", n)
        messages.success(request, buried % {"n": n})
    elif action == "forget":
        n = browse.forget(chosen, now)
        messages.success(request, ngettext("%(n)d card is new again.", "%(n)d cards are new again.", n) % {"n": n})
    elif action == "reschedule":
        moved, left = browse.reschedule(chosen, form.cleaned_data["date"], settings)
        messages.success(request, ngettext("%(n)d card rescheduled.", "%(n)d cards rescheduled.", moved) % {"n": moved})
        if left:
            messages.info(
                request,
                ngettext(
                    "%(n)d card is new or still being learned: it has no interval to move and was left as is.",
                    "%(n)d cards are new or still being learned: they have no interval to move and were left as is.",
                    left,
                )
                % {"n": left},
            )
    elif action == "move":
        deck = form.cleaned_data["deck"]
        n = browse.move(chosen, deck)
        messages.success(
            request,
            ngettext("%(n)d card moved to %(deck)s.", "%(n)d cards moved to %(deck)s.", n)
            % {"n": n, "deck": deck.name if deck else _("no deck")},
        )
    else:
        ids = cards.remove(request.user, chosen)
        request.session[UNDO_KEY] = {"cards": ids}
        messages.success(
            request,
            ngettext(
                "%(n)d card removed from your studies (its history is kept).",
                "%(n)d cards removed from your studies (their history is kept).",
                len(ids),
            )
            % {"n": len(ids)},
            extra_tags="undo",
        )
    if request.htmx:
        request.GET = request.GET.copy()
        request.GET.update(_search_of(request))
        return _browser_page(request)
    query = request.POST.get("query", "")
    return redirect(reverse("quizzes:cards") + (f"?{query}" if query else ""))


def _search_of(request: HttpRequest) -> dict:
    """The browser's search the action was made from (sent along as `query`)."""
    from django.http import QueryDict

    return QueryDict(request.POST.get("query", "")).dict()
