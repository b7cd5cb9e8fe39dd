"""Draft questions derived from a text (English or French), for a teacher to review.

    prepare(raw, fmt)  -> Document: the clean text to store, and its headings and paragraphs with their language
    derive(text, ...)  -> list[Candidate], best first; every candidate quotes its passage verbatim from `text`

Why rules and templates, and no spaCy: the feasibility study (DERIVATION.md) found that the good questions are the
*typed* ones (drug names, gene symbols, years and percentages, acronyms and their expansions, "which drug is
indicated for X", definitions), which are found by token shape and cue words, not by a parser. spaCy would add
about 330 MB (spaCy, numpy, blis, thinc and two models), 8-9 s to load the French model in every process, and an
English model that is not on PyPI from its authors; its NER labels drug names as people or places anyway. What a
tagger gives the rest (noun-phrase terms, French gender) is approximated here with function-word lists, the
determiners a term follows in the text, and word rarity. Two small packages are used: wordfreq (word rarity in
English and French, to recognise brand names no dictionary knows and to rank terms) and rapidfuzz (fast fuzzy
matching, for near-duplicates and distractor exclusion). Nothing is downloaded at run time.

Everything is deterministic: the same text gives the same candidates in the same order.
"""

import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from . import importance
from . import learned as learned_rank
from . import questions as q
from .answers import Respeller, clean_answer
from .answers import alternatives as answer_alternatives
from .context import is_furniture, points_at_example, without_connective
from .documents import Block, Document, prepare, segment
from .duplicates import Fingerprint, find_duplicates, fingerprint, near_duplicate, similar_prompts
from .gate import gate
from .lexicon import STOPWORDS
from .sentences import clause_of, under_heading, with_context
from .sentences import sentences as split_into_sentences
from .terms import (
    KEY_CHORD,
    TYPE_PRIOR,
    Span,
    count_terms,
    cut_short,
    known_drug_spans,
    latin_spans,
    normal,
    phrase_spans,
    rarity,
    term_stats,
    typed_spans,
    zipf,
)

__all__ = ["Block", "Candidate", "Document", "ExistingQuestion", "derive", "load_models", "prepare"]

KINDS = ("cloze", "single", "true_false", "short", "flashcard")
# A noun-phrase term must score at least this to become a blank (typed spans always qualify).
TERM_THRESHOLD = 0.95
# A sentence that would give no item at all may blank a multi-word term scoring at least this, or a count, a
# person or a place (which otherwise need 0.9), when it carries no flag worse than a missing final period.
FALLBACK_THRESHOLD = 0.65
FALLBACK_FLAGS = {"no-final-period"}
WEAK_TYPES = ("place", "number", "person")
WEAK_FALLBACK_PENALTY = 0.8


def _fallback_span(span: Span) -> bool:
    return span.type not in ("term", "disease") or len(span.text.split()) >= 2


@dataclass
class Candidate:
    kind: str  # cloze | single | true_false | short | flashcard
    prompt: str  # cloze prompts carry [[answer]] blanks; single prompts a _____ blank or a question
    answer: str  # canonical answer (single: the right choice; true_false: True/False or Vrai/Faux)
    passage: str  # verbatim from the text
    language: str  # en | fr
    confidence: float  # 0..1
    reason: str  # why it was made
    answer_type: str  # drug, gene, symbol, acronym, year, percent, number, disease, person, place, term
    alternatives: list[str] = field(default_factory=list)
    choices: list[tuple[str, bool]] = field(default_factory=list)  # single and true_false
    back: str = ""  # flashcard
    explanation: str = ""
    highlight: str = ""  # a substring of passage
    duplicate_of: str | int | None = None  # an existing question's external id, or another candidate's index
    flags: list[str] = field(default_factory=list)
    term: str = ""  # the key term the item tests (the acronym of an expansion card, the year of a statement)
    start: int = 0  # offsets of the passage in the text
    end: int = 0
    # why it ranks where it does: importance (mentions, title, heading, definition, centrality), type prior,
    # rarity, the factors that lowered it; shown to the reviewer (quizzes.deriving.models.localized_ranking)
    ranking: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExistingQuestion:
    external_id: str
    prompt: str
    answer: str
    language: str = "en"


def load_models() -> None:
    """Load the word lists now rather than on the first text (call it once per worker)."""
    zipf("gene", "en")
    zipf("gène", "fr")


def derive(
    text: str,
    *,
    language: str | None = None,
    existing: Sequence[ExistingQuestion] = (),
    progress: Callable[[int, int], None] | None = None,
    corrections: Mapping[int, str] | None = None,
    learned: bool = True,
) -> list[Candidate]:
    """Draft questions from a source's full text, best first.

    `language` is the source's language, used where a paragraph's own language cannot be told; `existing` are
    questions already in the bank: a candidate that near-duplicates one gets its external id in `duplicate_of`
    and the flag "duplicate". Near-duplicates among the candidates themselves are merged (the better one kept).
    `progress(done, total)` is called as sentences are processed. `corrections` are paragraph languages set by
    hand (paragraph start offset -> "en" | "fr"); they win over detection. `learned=False` ranks by the rules
    alone, as the ranker's training does (the learned score is on when its weights file enables it: see learned.py).
    """
    segments = segment(text, language, corrections)
    sents = split_into_sentences(text, segments)
    profile = importance.Profile(text, segments, sents)
    stats = term_stats(sents)

    spans: dict[int, list[Span]] = {}
    for s in sents:
        spans[s.index] = typed_spans(s, text) + latin_spans(s, text)
    drugs = {sp.text for found in spans.values() for sp in found if sp.type == "drug" and sp.text[:1].isupper()}
    for s in sents:
        spans[s.index] += known_drug_spans(s, text, drugs, spans[s.index])
    phrases = [p for s in sents for p in phrase_spans(s, text, stats)]
    count_terms(phrases, sents, stats)
    for s in sents:
        typed_keys = {normal(sp.text) for sp in spans[s.index]}
        covered = [(sp.start, sp.end) for sp in spans[s.index]]
        for p in phrase_spans(s, text, stats):
            if normal(p.text) in typed_keys or any(a < p.end and p.start < b for a, b in covered):
                continue
            spans[s.index].append(p)

    inventory = q.Inventory(sents, spans, _existing_terms(existing))
    memo = _Memo()
    args = (text, sents, spans, segments, inventory, profile, memo)
    drafts, marked, blocked = _drafts(*args, progress=progress)
    survivors: set[int] = set()
    merged = _finish(text, drafts, existing, profile, survivors)
    # a term taken by an item that was then merged into another one is asked by nothing: the sentences it kept
    # from asking it may ask it now (a second pass; what does not depend on the asked terms is not worked out again)
    free = _lost_terms(marked, survivors, merged, blocked)
    if free:
        drafts, _, _ = _drafts(*args, free=free)
        candidates = _finish(text, drafts, existing, profile)
    else:
        candidates = gate(merged, text)
    if progress is not None:
        progress(len(sents), len(sents))
    return learned_rank.rerank(candidates, text) if learned else candidates


def _drafts(
    text: str,
    sents: list,
    spans: dict[int, list[Span]],
    segments: list,
    inventory: q.Inventory,
    profile: importance.Profile,
    memo: "_Memo",
    progress: Callable[[int, int], None] | None = None,
    free: frozenset[tuple[int, str]] = frozenset(),
) -> tuple[list[q.Draft], list[tuple[int, str, q.Draft]], set[str]]:
    """Every sentence's item, and the terms marked as asked (sentence, term, item): a term an item asks is not
    blanked again in a later sentence, unless the pair is in `free` (its item did not reach the queue); and the
    terms that kept a sentence from a blank so."""
    total = len(sents)
    marked: list[tuple[int, str, q.Draft]] = []
    blocked: set[str] = set()
    drafts: list[q.Draft] = []
    used: set[str] = set()
    pairs = memo.value("pairs", q.indications, sents, spans, text)
    asked = {(p.sentence.index, normal(p.drug.text)) for p in pairs}
    leads = memo.value("leads", _list_leads, sents, text)
    listed: set[int] = set()  # items asked together with the rest of their list
    for n, s in enumerate(sents):
        if progress is not None:
            progress(n, total)
        if is_furniture(s):
            continue  # a caption, a source line, an aside in the author's voice: nothing to learn
        flags = memo.value(("flags", n), q.sentence_flags, s)
        acronyms = memo.drafts(("acronyms", n), q.acronym_questions, s)
        definitions = memo.drafts(("definitions", n), q.definition_questions, s, inventory)
        drafts.extend(acronyms + definitions)
        asked |= {(s.index, normal(d.term)) for d in acronyms + definitions}
        # an expansion (and its French) is asked by its card: a blank on it would ask it twice, or next to its
        # translation
        asked |= {(s.index, normal(a)) for d in acronyms for a in (d.answer, *d.alternatives)}
        lead = leads[n]
        if lead is not None:
            if n in listed:
                continue
            group = [m for m in range(n, len(sents)) if leads[m] is not None and leads[m].start == lead.start]
            whole = memo.draft(("list", n), q.list_question, lead, [sents[m] for m in group], text)
            if whole is not None:
                listed.update(group)
                drafts.append(whole)
                continue
            item = memo.draft(("list item", n), q.list_item_question, lead, s)
            if item is not None and normal(item.answer) in used:
                blocked.add(normal(item.answer))
            if item is not None and normal(item.answer) not in used and (s.index, normal(item.answer)) not in asked:
                marked.append((s.index, normal(item.answer), item))
                if (s.index, normal(item.answer)) not in free:
                    used.add(normal(item.answer))
                drafts.append(item)
                continue
        if {"no-verb", "short"} & set(flags) or "no-final-period" in flags and "lowercase-start" in flags:
            continue
        stem = memo.value(("stem", n), _stem, sents, n, flags, text, segments)
        if stem is None:
            continue  # it leans on a sentence it cannot be asked with
        taken = used | {key for i, key in asked if i == s.index}
        ranked = memo.value(("ranked", n), _candidate_spans, s, spans[s.index], acronyms, profile)
        # the item depends on the asked terms only through the sentence's own spans
        relevant = frozenset(taken & {normal(sp.text) for sp in ranked})
        blocked |= relevant & used
        draft = memo.draft(("item", n, relevant), _sentence_item, s, stem, ranked, taken, inventory, text, profile)
        if draft is not None and definitions and draft.kind != "true_false":
            # one item per sentence (each would give the other away): the definition card, unless the cloze
            # tests several key terms of the sentence
            if draft.prompt.count("[[") < 2:
                continue
            for d in definitions:
                drafts.remove(d)
            draft = _with_defined_term(stem, draft, definitions[0], spans[s.index])
        if draft is not None:
            marked.append((s.index, normal(draft.term), draft))
            if (s.index, normal(draft.term)) not in free:
                used.add(normal(draft.term))
            drafts.append(draft)
    drafts.extend(q.indication_questions(pairs, inventory, text))
    drafts.extend(q.heading_list_questions(text, segments, drafts))  # table rows, bare list lines: headings above
    return drafts, marked, blocked


class _Memo:
    """What a second pass over the sentences would work out again (their flags, stems, ranked spans, items): the
    drafts are handed out as copies, since finishing them changes them."""

    def __init__(self) -> None:
        self.values: dict = {}

    def value(self, key, make: Callable, *args):
        if key not in self.values:
            self.values[key] = make(*args)
        return self.values[key]

    def draft(self, key, make: Callable, *args) -> q.Draft | None:
        if key not in self.values:
            self.values[key] = _copy(make(*args))
        return _copy(self.values[key])

    def drafts(self, key, make: Callable, *args) -> list[q.Draft]:
        if key not in self.values:
            self.values[key] = [_copy(d) for d in make(*args)]
        return [_copy(d) for d in self.values[key]]


def _copy(d: q.Draft | None) -> q.Draft | None:
    if d is None:
        return None
    return replace(
        d, alternatives=list(d.alternatives), choices=list(d.choices), flags=list(d.flags), ranking=dict(d.ranking)
    )


def _lost_terms(
    marked: list[tuple[int, str, q.Draft]], survivors: set[int], candidates: list[Candidate], blocked: set[str]
) -> frozenset[tuple[int, str]]:
    """The (sentence, term) pairs whose item was merged away, whose term no candidate asks, and that kept another
    sentence from blanking it (freeing the others would change nothing)."""
    asked: set[str] = set()
    for c in candidates:
        if isinstance(c.duplicate_of, int):
            continue
        blanks = re.findall(r"\[\[(.*?)\]\]", c.prompt) if c.kind == "cloze" else []
        asked |= {normal(t) for t in (c.term, c.answer, *c.alternatives, *blanks) if t}
    return frozenset((i, key) for i, key, d in marked if id(d) not in survivors and key not in asked and key in blocked)


# A sentence asked with the sentences before it stays at most this long, and takes at most CONTEXT_SENTENCES.
CONTEXT_WORDS = 60
CONTEXT_SENTENCES = 3


def _stem(sents: list, n: int, flags: list[str], text: str, segments: list | None = None):
    """The sentence to ask from: as it is, or made to stand on its own when it leans on what comes before it
    ("Puis, …", "These antibodies…", "Ce dernier…"): with the sentence (or two) before it in its paragraph, or under
    the heading just above it when it opens its paragraph ("Exon skipping: These splicing modulation approaches…"),
    or without its connective ("Pour cette raison, la leucémie…" -> "La leucémie…"). None when none of these
    reads: a prompt that misses its context is rejected anyway."""
    s = sents[n]
    if "needs-context" not in flags:
        return s
    if points_at_example(s):
        return None
    for stem in (_with_context(sents, n, text), _under_heading(s, segments or [], text, sents, n)):
        if stem is None:
            continue
        if "needs-context" not in q.sentence_flags(stem):
            return stem
        stripped = without_connective(stem, text)  # "Consequently, …" opening the context
        if stripped is not None and stripped.start < s.start:
            return stripped
    return without_connective(s, text)


def _with_context(sents: list, n: int, text: str):
    """The sentence with the one or two before it, in its paragraph or at the end of the paragraph just above (no
    heading between, no other list item), within CONTEXT_WORDS."""
    s = stem = sents[n]
    k = n
    while k > 0 and n - k < CONTEXT_SENTENCES:
        current, previous = sents[k], sents[k - 1]
        if previous.block != current.block and not (current.first_in_block and previous.block == current.block - 1):
            return None
        if is_furniture(previous) or previous.language != s.language or points_at_example(previous):
            return None
        if previous.block != current.block and (previous.bullet or current.bullet):
            return None  # another item of a list
        stem = with_context(previous, stem, text)
        if len(stem.text.split()) > CONTEXT_WORDS:
            return None
        if "needs-context" not in q.sentence_flags(stem) or k - 1 == 0:
            return stem
        if without_connective(stem, text) is not None:
            return stem
        k -= 1
    return stem


def _under_heading(s, segments: list, text: str, sents: list | None = None, n: int = 0):
    """A sentence opening its paragraph, with the heading just above it as its context; or the sentences of a
    paragraph up to this one under their heading ("Use genetically-modified viruses to kill cancer cells: These are
    called oncolytic viruses. They are genetically modified…"), within CONTEXT_WORDS."""
    stem = s
    k = n
    while sents is not None and not stem.first_in_block and k > 0 and n - k < CONTEXT_SENTENCES - 1:
        if sents[k - 1].block != s.block or is_furniture(sents[k - 1]):
            return None
        stem = with_context(sents[k - 1], stem, text)
        k -= 1
    if not stem.first_in_block or s.block == 0 or s.block > len(segments) or segments[s.block - 1].kind != "heading":
        return None
    stem = under_heading(segments[s.block - 1], stem, text)
    return stem if stem is not None and len(stem.text.split()) <= CONTEXT_WORDS else None


def _with_defined_term(stem, draft: q.Draft, card: q.Draft, found: list[Span]) -> q.Draft:
    """The cloze chosen over a definition card of its sentence, with the defined term blanked too when it can be
    (so that the one item left also asks what the card asked)."""
    blanks = re.findall(r"\[\[(.*?)\]\]", draft.prompt)
    if len(blanks) >= q.MAX_BLANKS or normal(card.term) in {normal(b) for b in blanks}:
        return draft
    where = q.occurrences(stem.text, card.term)
    if len(where) != 1:
        return draft
    by_text = {sp.text: sp for sp in found}
    if draft.term not in by_text:
        return draft
    term = stem.text[where[0][0] : where[0][1]]
    others = [by_text.get(b) or Span(0, 0, b, "term", 0.0, "", stem.index, 0, 0) for b in blanks if b != draft.term]
    extra = Span(0, 0, term, card.answer_type, 0.0, "", stem.index, 0, 0)
    return q.multi_blank_question(stem, [by_text[draft.term], *others, extra]) or draft


# A noun-phrase term central to the text (importance ≥ 0.6: repeated, in the title, defined) clears the bar with this
# much less rarity.
CENTRAL_TERM_BONUS = 0.15
# A true/false is made only on a statement at least this central to the text (see importance.Profile.centrality):
# swapping the year of a film or of a minor event tests trivia.
STATEMENT_CENTRALITY = 0.35
NUMERIC = ("year", "percent", "number")


def _candidate_spans(s, found: list[Span], acronyms: list[q.Draft], profile: importance.Profile) -> list[Span]:
    """The sentence's spans, best first: none inside an acronym's
    expansion (its card asks it), no identifier (NCT02435849), no number that another number of the sentence
    fixes ("61 of 75 patients (81%)");
    years and percentages first in one sentence of two (chosen by a CRC of the sentence), for a true/false."""
    ranked = sorted(found, key=lambda sp: (-sp.score, sp.start))
    expanded = [
        (s.start + at, s.start + at + len(d.highlight)) for d in acronyms if (at := s.text.find(d.highlight)) >= 0
    ]
    ranked = [sp for sp in ranked if not any(a < sp.end and sp.start < b for a, b in expanded)]
    ranked = [sp for sp in ranked if not (sp.type in NUMERIC and importance.fixed_by_other_number(s.text, sp.text))]
    ranked = [sp for sp in ranked if not importance.IDENTIFIER.fullmatch(sp.text)]  # a trial's id is trivia
    # what the sentence names ("sous le vocable d'[[espace utilisateur]]", "called [[dpkg]]") before the rest;
    # a single common word ("by the [[kernel]]", "for [[equality]]") after the sentence's particular terms
    ranked.sort(key=lambda sp: (-_named_here(s.text, s.start, sp), _plain_span(sp, s.language, profile)))
    for k, sp in enumerate(ranked):
        if sp.type == "term" and _named_here(s.text, s.start, sp) and len(sp.text.split()) > 1:
            # the name the sentence gives is what it teaches: it clears the bar
            ranked[k] = replace(sp, score=max(sp.score, TERM_THRESHOLD))
    numeric = [sp for sp in ranked if sp.type in ("year", "percent")]
    if numeric and zlib.crc32(s.text.encode()) % 2 == 0 and profile.centrality(s.index) >= STATEMENT_CENTRALITY:
        ranked = numeric + [sp for sp in ranked if sp not in numeric]
    return ranked


def _plain_span(span: Span, language: str, profile: importance.Profile, common: float = 0.0) -> bool:
    """A noun-phrase term that is one common lowercase word: what the sentence happens to contain rather than
    what it teaches ("The profile applied by the [[kernel]] depends on the installation path…"); not a theme
    the text names in its title or a heading, or defines ("le [[noyau]]" of a text on the layers of a computer)."""
    if span.type != "term" or " " in span.text or "-" in span.text or not span.text.isalpha():
        return False
    language = language if language in ("en", "fr") else "en"
    if not span.text.islower() or zipf(span.text, language) < (common or GENERIC_ZIPF):
        return False
    theme = profile.term(span.text, language)
    return not (theme.title or theme.heading or theme.defined)


def _named_here(sentence: str, start: int, span: Span) -> bool:
    """Does the sentence introduce the term by name ("called X", "sous le vocable d'X", "known as X")?"""
    before = sentence[: max(0, span.start - start)]
    return importance.NAMING_CUE.search(before[-40:]) is not None


def _sentence_item(
    s, stem, ranked: list[Span], taken: set[str], inventory, text: str, profile: importance.Profile
) -> q.Draft | None:
    """The sentence's one item: a true/false on a number, or a blank on its best span (with its other key terms
    as further blanks). One item per sentence, as two items on one sentence give each other away; a sentence left
    without an item gets a second pass with a lower bar (see FALLBACK_THRESHOLD). A true/false only on a statement
    central to the text."""
    statement = zlib.crc32(s.text.encode()) % 2 == 0 and profile.centrality(s.index) >= STATEMENT_CENTRALITY
    fallback = set(q.sentence_flags(stem)) <= FALLBACK_FLAGS
    # a sentence whose best blank would be one common word ("by the [[kernel]]") asks its particular noun phrase
    # instead when it has one a little below the bar ("depends on the [[installation path]] of the program")
    plain = any(_plain_span(sp, s.language, profile) and _bar(sp, profile) >= TERM_THRESHOLD for sp in ranked)
    for threshold in (TERM_THRESHOLD, FALLBACK_THRESHOLD) if fallback else (TERM_THRESHOLD,):
        for span in ranked:
            bar = threshold
            if plain and span.type == "term" and len(span.text.split()) > 1 and threshold == TERM_THRESHOLD:
                bar = PHRASE_OVER_PLAIN
            if normal(span.text) in taken or (span.type in ("term", "disease") and _bar(span, profile) < bar):
                continue
            if _plain_span(span, s.language, profile, POINTED_ZIPF) and POINTING.search(text[stem.start : span.start]):
                continue  # "Cette [[fonctionnalité]]": the word a demonstrative takes up, not what is taught
            if threshold < TERM_THRESHOLD and not _fallback_span(span):
                continue
            if span.type in ("term", "disease") and cut_short(stem, span):
                continue
            if stem.start == s.start and _pointed_back(stem, span, text):
                continue  # "dans cette [[barre de défilement]]": the thing shown before, which the prompt lacks
            if span.type in WEAK_TYPES and span.score < 0.9 and threshold == TERM_THRESHOLD:
                continue
            draft = None
            asked = stem
            if len(q.occurrences(stem.text, span.text)) > 1:
                # named twice: asked in the clause that names it once ("…from [[stem cells]] located in the bone
                # marrow." of "…: a marrow transplant … from the modified stem cells."), or not at all
                asked = clause_of(stem, span, text) or stem
            if span.type in ("year", "percent") and statement:
                draft = q.true_false(asked, span, inventory)
            draft = draft or q.blank_question(asked, span, inventory, text)
            if draft is None:
                continue
            # a name the sentence gives is asked alone: a second blank beside it tests what the sentence only
            # mentions ("sous le vocable d'[[espace utilisateur]], on peut encore différencier des couches…")
            named = _named_here(s.text, s.start, span)
            if draft.kind != "true_false" and not named and (extra := _more_blanks(span, ranked, taken, asked)):
                draft = q.multi_blank_question(asked, [span, *extra]) or draft
            if threshold < TERM_THRESHOLD and span.type in WEAK_TYPES:
                draft.confidence *= WEAK_FALLBACK_PENALTY
            return draft
    return None


# A word at least this common (Zipf) after a demonstrative is the noun that takes up what came before.
POINTED_ZIPF = 3.0
# A multi-word noun phrase clears this bar in a sentence whose best blank would be a single common word.
PHRASE_OVER_PLAIN = 0.55
# A demonstrative determiner: "this [[scroll bar]]" names what the text showed before (or what the reader sees).
POINTING = re.compile(r"(?<![\w-])(?:this|these|those|ce|cet|cette|ces)\s+$", re.IGNORECASE)


def _pointed_back(stem, span: Span, text: str) -> bool:
    """The span follows a demonstrative, and the prompt names it nowhere else (a sentence opening on one, "Dans ce
    cas", comes with its context already: see context.leans_on_previous)."""
    before = text[stem.start : span.start]
    m = POINTING.search(before)
    if m is None or normal(span.text) in normal(before):
        return False
    opening = re.split(r"[.!?:]\s", before[: m.start()])[-1].split()
    return len(opening) > 1  # not a sentence's own opening ("C-g. Dans ce didacticiel, …")


def _bar(span: Span, profile: importance.Profile) -> float:
    """A noun-phrase term's score against the bar: its rarity and repetition, and a bonus when it is central."""
    if not CENTRAL_TERM_BONUS or span.score < FALLBACK_THRESHOLD - CENTRAL_TERM_BONUS:
        return span.score
    central = profile.term(span.text).score >= 0.6
    return span.score + CENTRAL_TERM_BONUS * central


# Further blanks of a multi-blank cloze: typed terms at their usual bar, noun-phrase terms a little below it.
EXTRA_BLANK_THRESHOLD = {"term": 0.8, "disease": 0.75, "number": 0.9, "person": 0.9, "place": 0.9}
EXTRA_BLANK_DEFAULT = 0.8


def _more_blanks(main: Span, ranked: list[Span], taken: set[str], stem) -> list[Span]:
    """Other key terms of the sentence that can be blanked beside `main`: not overlapping it or one another, not
    already asked, none the other's part, an acronym not next to its expansion."""
    chosen = [main]
    tokens = None
    for span in ranked:
        if len(chosen) >= q.MAX_BLANKS:
            break
        key = normal(span.text)
        if not key or key in taken or span.score < EXTRA_BLANK_THRESHOLD.get(span.type, EXTRA_BLANK_DEFAULT):
            continue
        if any(span.start < c.end and c.start < span.end for c in chosen):
            continue
        if any(key in normal(c.text) or normal(c.text) in key for c in chosen):
            continue
        if span.type in ("term", "disease") and (not _strong_term(span, stem.language) or cut_short(stem, span)):
            continue
        if len(q.occurrences(stem.text, span.text)) != 1:
            continue
        if span.type == "acronym" and (len(span.text) < 3 or q.next_to_expansion(stem.text, span.text)):
            continue  # "CE", "UE" are marks and unions, not the text's subject
        tokens = tokens or [importance.list_tokens(stem.text)]
        if importance.list_size(span.text, tokens) >= EXTRA_BLANK_LIST:
            # one member of a list the sentence gives ("Intel i386, Motorola 68000, Alpha, SUN Sparc, PowerPC"):
            # which one was left out is guesswork beside the blank the sentence teaches
            continue
        chosen.append(span)
    return chosen[1:]


EXTRA_BLANK_LIST = 4  # a further blank is no member of a list of five or more

# A one-word term as a further blank must be rarer than this (Zipf): "resistant", "euros", "tissu" are not.
EXTRA_BLANK_ZIPF = 3.0


def _strong_term(span: Span, language: str) -> bool:
    """A noun-phrase or disease term specific enough to be blanked beside another: not one common word, not made
    only of category words ("rare diseases", "pathologies")."""
    language = language if language in ("en", "fr") else "en"
    words = span.text.casefold().split()
    if len(words) == 1 and "-" in span.text and span.score >= TERM_THRESHOLD:
        return True  # a command of a family (aa-complain beside aa-enforce): common parts, a rare name
    if any(KEY_CHORD.fullmatch(w) for w in span.text.split()):
        return True  # "M-v" beside "C-v": a command's keys
    if _category_or_common(words, language):
        return False
    return len(words) > 1 or zipf(span.text, language) < EXTRA_BLANK_ZIPF


def _list_leads(sents: list, text: str) -> list:
    return [_list_lead(sents, n, text) for n in range(len(sents))]


def _list_lead(sents: list, n: int, text: str):
    """The sentence that introduces the list the n-th sentence is an item of, if any: it ends with a colon and is
    followed by list items (bulleted, or one-sentence paragraphs once `prepare` has dropped the bullets), the
    earlier items of a list without bullets not ending with a full stop."""

    def alone(k: int) -> bool:
        return sents[k].first_in_block and (k + 1 == len(sents) or sents[k + 1].first_in_block)

    if not sents[n].first_in_block or not (sents[n].bullet or alone(n)):
        return None
    k = n - 1
    while k >= 0 and n - k <= 12:
        previous = q.clean(sents[k].text)
        if previous.endswith(":"):
            break
        if not (sents[k].bullet and sents[k].first_in_block) and not (alone(k) and not previous.endswith(".")):
            return None
        k -= 1
    else:
        return None
    if k < 0:
        return None
    lead = sents[k]
    if "needs-context" in q.sentence_flags(lead) and k > 0 and sents[k - 1].block == lead.block:
        merged = with_context(sents[k - 1], lead, text)
        if len(merged.text.split()) <= 30:
            lead = merged
    return lead


def _existing_terms(existing: Sequence[ExistingQuestion]) -> list[tuple[str, str, str]]:
    """Short bank answers of a recognisable type join the distractor pool (after the text's own terms)."""
    from .terms import _CODE_NAME, _INN, _SYMBOL, YEAR, is_disease_word, unknown_word  # noqa: PLC0415

    out = []
    for e in existing:
        answer = e.answer.strip()
        if not answer or len(answer.split()) > 2:
            continue
        if YEAR.fullmatch(answer):
            out.append((answer, "year", e.language))
        elif _CODE_NAME.fullmatch(answer):
            out.append((answer, "drug", e.language))
        elif _SYMBOL.fullmatch(answer):  # AAV9, SMN1: genes and symbols, not drugs
            out.append((answer, "gene", e.language))
        elif answer.isupper() or is_disease_word(answer.split()[-1]):
            continue  # an acronym (ATMP) or a disease (Adrenoleukodystrophy) is no drug
        elif answer[:1].isupper() and unknown_word(answer) and " " not in answer:
            out.append((answer, "drug", e.language))
        elif _INN.search(answer.casefold()) and unknown_word(answer.split()[0]):
            out.append((answer, "drug", e.language))
    return out


_FLAG_PENALTY = {
    "needs-context": 0.75,
    "lowercase-start": 0.8,
    "long": 0.85,
    "no-final-period": 0.8,
    "refers-to-figure": 0.7,
    "short": 0.8,
    "no-verb": 0.7,
}


def _answer_keys(text: str, drafts: list[q.Draft]) -> list[q.Draft]:
    """Answer keys without the source's typos or junk, and no item that shows its answer (a hard rule: the answer
    or an accepted alternative readable in the prompt, or among the wrong choices)."""
    respell = Respeller(text)
    kept = []
    for d in drafts:
        if d.kind in ("cloze", "single", "short"):
            d.answer = respell(clean_answer(d.answer))
            d.term = respell(d.term) if d.answer_type != "acronym" else d.term
            d.prompt = re.sub(r"\[\[(.*?)\]\]", lambda m: f"[[{respell(clean_answer(m.group(1)))}]]", d.prompt)
            d.choices = [(respell(clean_answer(t)), ok) for t, ok in d.choices]
            short = d.term if d.answer_type == "acronym" else ""
            d.alternatives = [respell(a) for a in answer_alternatives(d.answer, d.alternatives, short)]
            if any(q.leaks(d.prompt, a) for a in (d.answer, *d.alternatives)):
                continue
            wrong = {normal(t) for t, ok in d.choices if not ok}
            if normal(d.answer) in wrong or len(wrong) < sum(not ok for _, ok in d.choices):
                continue
        kept.append(d)
    return kept


def _finish(
    text: str,
    drafts: list[q.Draft],
    existing: Sequence[ExistingQuestion],
    profile: importance.Profile,
    survivors: set[int] | None = None,
) -> list[Candidate]:
    """The drafts as candidates: answer keys cleaned, ranked, near-duplicates merged, gated. With `survivors`,
    the gate is left for the caller, and the set receives the ids of the drafts that survived the merge."""
    drafts = _answer_keys(text, drafts)
    for d in drafts:
        _rank(d, profile)
    for d in drafts:
        for flag in d.flags:
            if flag in _FLAG_PENALTY:
                _lower(d, flag, _FLAG_PENALTY[flag])
        d.confidence = round(max(0.0, min(1.0, d.confidence)), 3)
    for d in drafts:
        if d.answer_type == "acronym" and d.kind in ("cloze", "single") and _common_acronym(d.term or d.answer):
            _lower(d, "common acronym", COMMON_ACRONYM_PENALTY)
        elif _generic_word(d):
            _lower(d, "generic word", GENERIC_WORD_PENALTY)
        elif _one_off(d, text):
            _lower(d, "one-off acronym", ONE_OFF_PENALTY)
        if d.kind == "cloze" and d.answer_type == "acronym" and not _word_in_capitals(d.term or d.answer, d.language):
            _lower(d, "acronym blank", ACRONYM_BLANK_PENALTY)
    drafts = _diversify(drafts)
    # merge near-duplicates among the drafts: the first (best) one stays
    kept: list[q.Draft] = []
    prints: list[Fingerprint] = []
    for d in drafts:
        fp = fingerprint(d.prompt, d.term or d.answer)
        same_passage = any(
            k.passage_start == d.passage_start and normal(k.term) == normal(d.term) for k in kept if d.term
        )
        if same_passage or any(near_duplicate(fp, other) or similar_prompts(fp, other) for other in prints):
            continue
        kept.append(d)
        prints.append(fp)
    candidates = [_candidate(text, d) for d in kept]
    draft_of = {id(c): d for c, d in zip(candidates, kept, strict=True)}
    if existing:
        bank = [fingerprint(e.prompt, e.answer) for e in existing]
        by_answer = find_duplicates(
            [fingerprint(d.prompt, d.answer if d.kind != "true_false" else d.term) for d in kept], bank
        )
        by_term = find_duplicates(prints, bank)
        hits = [a if a is not None else t for a, t in zip(by_answer, by_term, strict=True)]
        for c, hit in zip(candidates, hits, strict=True):
            if hit is not None:
                c.duplicate_of = existing[hit].external_id
                c.flags.append("duplicate")
                c.confidence = round(c.confidence * DUPLICATE_PENALTY, 3)
                c.ranking.setdefault("lowered", []).append(["duplicate", DUPLICATE_PENALTY])
        order = sorted(range(len(candidates)), key=lambda i: (-candidates[i].confidence, i))
        candidates = [candidates[i] for i in order]
    if survivors is not None:
        survivors.update(id(draft_of[id(c)]) for c in candidates)
        return candidates
    return gate(candidates, text)


DUPLICATE_PENALTY = 0.5
# Importance (0..1, see importance.py) scales the confidence the item's kind, type and rarity gave it between
# these two factors (× 1 at 0.5): an item on the text's subject rises, one on a term named in passing sinks. The
# kind's own confidence stays the main signal (an indication or an expansion card is a good item on any drug the
# text names, even once); what importance marks as minor is lowered further (DEMOTED).
IMPORTANCE_LOW = 0.7
IMPORTANCE_HIGH = 1.0
IMPORTANCE_FULL = 0.5  # the importance at which the factor reaches IMPORTANCE_HIGH
TYPED_IMPORTANCE = 0.5
# A number (year, percentage, count) or a statement is as important as its sentence is central; below this it is
# a minor one.
MINOR_SENTENCE = 0.3
# What importance marks as minor is lowered once more, so that it falls behind the text's own terms.
ONE_OFF_NAME_TYPES = ("term", "person", "place", "acronym")
DEMOTED = {
    "obsolete name": 0.6,
    "one-off name": 0.7,
    "common word": 0.8,
    "minor date": 0.6,
    "minor statement": 0.75,
    "identifier": 0.5,
}


def _rank(d: q.Draft, profile: importance.Profile) -> None:
    """Scale the draft's confidence by its importance to the text, and keep the breakdown for the reviewer."""
    language = d.language if d.language in ("en", "fr") else "en"
    first = profile.sentence_at(d.passage_start)
    last = profile.sentence_at(max(d.passage_start, d.passage_end - 1))
    central = max(profile.centrality(i) for i in range(first, last + 1))
    term = d.term or d.answer
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", term) if w.casefold() not in STOPWORDS[language]]
    ranking = {
        "base": round(d.confidence, 3),
        "type": d.answer_type,
        "prior": TYPE_PRIOR.get(d.answer_type, 0.0),
        "rarity": round(max((rarity(w, language) for w in words), default=0.0), 2),
        "central": round(central, 2),
        "mentions": 0,
        "title": False,
        "heading": False,
        "defined": False,
        "lead": False,
        "demoted": [],
        "lowered": [],
    }
    if d.answer_type in NUMERIC or d.kind == "true_false":
        # a count ("75 children") tells less than a year or a percentage in the same sentence
        score = 0.1 + (0.4 if d.answer_type == "number" else 0.6) * central
        if central < MINOR_SENTENCE:
            ranking["demoted"] = ["minor date" if d.answer_type == "year" else "minor statement"]
    else:
        found = max(
            (profile.term(t, language) for t in {term, d.answer} if t),
            key=lambda t: (t.score, -len(t.demoted)),
        )
        ranking.update({k: v for k, v in found.as_dict().items() if k not in ("score", "plain")})
        # a drug, a gene, a symbol or a disease named once is still one (a capital says nothing of a passing name
        # there: "Stargardt disease"); a one-word term common enough gets the generic-word penalty already
        ranking["demoted"] = [why for why in found.demoted if _demotes(why, d.answer_type)]
        score = 0.75 * found.without(ranking["demoted"]) + 0.25 * central
    if d.answer_type in ("drug", "gene") and not ranking["demoted"]:
        score = max(score, TYPED_IMPORTANCE)  # named once, a drug is still what a text on drugs is about
    score = round(max(0.0, min(1.0, score)), 3)
    factor = round(IMPORTANCE_LOW + (IMPORTANCE_HIGH - IMPORTANCE_LOW) * min(1.0, score / IMPORTANCE_FULL), 3)
    ranking.update(importance=score, factor=factor)
    d.confidence *= factor
    d.ranking = ranking
    for why in ranking["demoted"]:
        _lower(d, why, DEMOTED.get(why, 1.0))


def _demotes(why: str, answer_type: str) -> bool:
    if why == "one-off name":
        return answer_type in ONE_OFF_NAME_TYPES
    if why == "common word":
        return answer_type != "term"
    return True


def _lower(d: q.Draft, why: str, factor: float) -> None:
    d.confidence *= factor
    d.ranking.setdefault("lowered", []).append([why, factor])


# A blank whose answer is one common word ("genes", "greffe") tests vocabulary more than the text's content.
GENERIC_WORD_PENALTY = 0.7
GENERIC_ZIPF = 3.5
# Ranking for variety: a draft on a term already shown waits behind drafts on new terms.
SAME_TERM_PENALTY = 0.8
# The same fact asked the other way round (which disease is X indicated for?) is a sibling, as Anki calls a
# reversed card: it waits well behind the first way.
SAME_FACT_PENALTY = 0.6
# A typed blank on an acronym ("périphériques [[PCI]]", "[[LED]]") was usable in 3 of the 16 judged top-20 items
# at the start of session 9 (9 rejected): 3 of 7 on the tuning texts, 0 of 9 on the held-out ones, against 0.61 and
# 0.24 of all items; the expansion cards ("What does MAC stand for?") were the best kind on both. It waits behind
# other blanks (a word of the language in capitals, "la touche CONTROLE", is no acronym here).
ACRONYM_BLANK_PENALTY = 0.75
# An acronym the text names only once is seldom a key term ("l'ANSM", "les CHU").
ONE_OFF_PENALTY = 0.7


# Words that name the category, not a disease: "pathologies", "genetic diseases", "maladies rares".
DISEASE_CATEGORY = set(
    """disease diseases disorder disorders illness illnesses condition conditions maladie maladies pathologie
    pathologies affection affections trouble troubles""".split()
)
COMMON_ZIPF = 4.0
# A blank on an acronym everyone knows (DNA, ARN, FDA) tests general knowledge rather than the text.
COMMON_ACRONYM_ZIPF = 3.6
COMMON_ACRONYM_PENALTY = 0.5


def _category_or_common(words: list[str], language: str) -> bool:
    """Made only of category words ("maladies", "disorders") and common words: no particular thing."""
    return all(w in DISEASE_CATEGORY or zipf(w, language) >= COMMON_ZIPF for w in words)


def _generic_word(d: q.Draft) -> bool:
    answer = d.term or d.answer
    if d.answer_type == "disease" and d.kind in ("cloze", "single"):
        language = d.language if d.language in ("en", "fr") else "en"
        words = answer.casefold().split()
        return any(w in DISEASE_CATEGORY for w in words) and _category_or_common(words, language)
    if d.answer_type != "term" or d.kind not in ("cloze", "single") or " " in answer.strip() or "-" in answer:
        return False
    language = d.language if d.language in ("en", "fr") else "en"
    return zipf(answer, language) >= GENERIC_ZIPF


def _word_in_capitals(answer: str, language: str) -> bool:
    """A word of the language written in capitals ("la touche CONTROLE"), a key's or a label's name rather than an
    acronym: five letters or more, and a common word once lowercased."""
    language = language if language in ("en", "fr") else "en"
    return len(answer) >= 5 and answer.isalpha() and zipf(answer.casefold(), language) >= 3.0


def _common_acronym(acronym: str) -> bool:
    """An acronym everyone reads as a word (DNA, ADN, FDA, HIV) is general knowledge, not the text's content; one
    whose lower case is a function word (CAR, car) is not judged by its frequency."""
    lower = acronym.casefold()
    if any(lower in STOPWORDS[language] for language in ("en", "fr")):
        return False
    singular = lower[:-1] if lower.endswith("s") and len(lower) > 2 else lower  # RNAs
    return len(singular) <= 4 and max(zipf(singular, "en"), zipf(singular, "fr")) >= COMMON_ACRONYM_ZIPF


def _one_off(d: q.Draft, text: str) -> bool:
    """An acronym (or an all-capitals name taken for a drug) that the text names only once is rarely one of its key
    terms: an organisation in passing ("l'ANSM", "les CHU"). Its expansion card, if any, is a "short" and is kept."""
    if d.kind not in ("cloze", "single", "flashcard") or d.answer_type not in ("acronym", "drug"):
        return False
    answer = d.term or d.answer
    if d.answer_type == "drug" and not answer.isupper():
        return False
    return len(re.findall(r"(?<![\w-])" + re.escape(answer) + r"(?![\w-])", text)) <= 1


def _order(d: q.Draft) -> tuple:
    return (-d.confidence, d.passage_start, d.kind, d.prompt)


def _diversify(drafts: list[q.Draft]) -> list[q.Draft]:
    """Best first, but a draft on a term already shown waits behind drafts on new terms (chosen greedily, so a
    penalised draft is compared with the others at its new confidence)."""
    base = {id(d): d.confidence for d in drafts}
    pending = sorted(drafts, key=_order)
    out: list[q.Draft] = []
    seen_terms: set[str] = set()
    seen_facts: set[str] = set()
    while pending:
        best = min(pending, key=_order)
        pending.remove(best)
        out.append(best)
        if best.fact and best.fact not in seen_facts:
            seen_facts.add(best.fact)
            for d in pending:
                if d.fact == best.fact and d.confidence > base[id(d)] * SAME_FACT_PENALTY:
                    d.confidence = round(base[id(d)] * SAME_FACT_PENALTY, 3)
                    d.ranking.setdefault("lowered", []).append(["same fact", SAME_FACT_PENALTY])
        key = normal(best.term)
        if key not in seen_terms:
            seen_terms.add(key)
            for d in pending:
                if normal(d.term) == key and d.confidence > base[id(d)] * SAME_TERM_PENALTY:
                    d.confidence = round(base[id(d)] * SAME_TERM_PENALTY, 3)
                    d.ranking.setdefault("lowered", []).append(["same term", SAME_TERM_PENALTY])
    return out


def _candidate(text: str, d: q.Draft) -> Candidate:
    passage = text[d.passage_start : d.passage_end]
    highlight = d.highlight if d.highlight and d.highlight in passage else ""
    return Candidate(
        kind=d.kind,
        prompt=d.prompt,
        answer=d.answer,
        passage=passage,
        language=d.language,
        confidence=d.confidence,
        reason=d.reason,
        answer_type=d.answer_type,
        alternatives=list(d.alternatives),
        choices=list(d.choices),
        back=d.back,
        explanation=d.explanation or q.clean(passage),
        highlight=highlight,
        flags=list(d.flags),
        term=d.term,
        start=d.passage_start,
        end=d.passage_end,
        ranking={**d.ranking, "confidence": d.confidence},
    )


def fingerprints(candidates: Sequence[Candidate]) -> list[Fingerprint]:
    return [fingerprint(c.prompt, c.term or c.answer) for c in candidates]
