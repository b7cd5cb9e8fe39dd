"""Answer spans of a sentence, each with a type and a score: drugs, genes and symbols, acronyms, years, percentages,
counts, diseases, people, places and noun-phrase terms.

Typed spans come from token shape and cue words (an INN stem, a capitalised word that no dictionary knows next to
"drug" or "indicated", letters mixed with digits, a four-digit year); noun-phrase terms from runs of content words
(no part-of-speech tagger: function words and common verbs end a run). Word rarity comes from wordfreq's Zipf scale.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import reasons
from .lexicon import (
    DISEASE_SUFFIXES,
    DISEASE_WORDS,
    DRUG_CUES,
    GENERIC_MODIFIERS,
    GENERIC_NOUNS,
    ING_NOUNS,
    MODALS,
    NAMING_NOUNS,
    PLACES,
    QUANTITY_WORDS,
    STOPWORDS,
    VERB_AFTER_TO,
    VERBS,
)
from .sentences import Sentence, Token

TYPE_PRIOR = {
    "drug": 1.05,
    "gene": 0.95,
    "symbol": 0.8,
    "acronym": 0.8,
    "year": 0.8,
    "percent": 0.8,
    "number": 0.55,
    "disease": 0.55,
    "person": 0.6,
    "place": 0.35,
    "term": 0.3,
}
_INN = re.compile(r"(?:rsen|ersen|vec|cel|leucel|mab|nib|strocel|parvovec|gene|gène|cogene)$")
_SYMBOL = re.compile(r"(?=[^/]*\d)(?=[^/]*[A-Z])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\+?|[a-z]\d{2,}")
_CODE_NAME = re.compile(r"[A-Z]{1,4}-\d{2,5}")
_ACRONYM = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z]{2,8}(?:-[A-Z][A-Za-z]{1,7})*")
_ROMAN = re.compile(r"[IVXLC]+")
# A year of the kind texts cite (1500–2099): the one pattern the deriver reads years with.
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NOT_DISEASE = {
    "diagnosis",
    "prognosis",
    "mitosis",
    "meiosis",
    "apoptosis",
    "symbiosis",
    "osmosis",
    "empathy",
    "sympathy",
    "trophy",
    "glycémie",
    "académie",
    "genome",
    "chromosome",
    "dose",
    "chose",
    "cause",
}
# French words in -ite that are participles or common nouns, never an inflammation (-ite: hépatite, arthrite,
# appendicite): "introduite", "construite", "décrite", "réussite", "explicite".
_NOT_DISEASE_ITE = ("uite", "crite", "ssite", "licite")
_GENE_CUES = {
    "gene",
    "genes",
    "gène",
    "gènes",
    "mutation",
    "mutations",
    "coding",
    "codant",
    "expresses",
    "exprime",
    "molecule",
    "molécule",
    "antigen",
    "antigène",
    "receptor",
    "récepteur",
}
_TITLES = {"dr", "pr", "prof", "professor", "professeur", "docteur", "mr", "mrs", "m", "mme"}


@dataclass
class Span:
    start: int  # offsets into the source text
    end: int
    text: str
    type: str
    score: float
    reason: str
    sentence: int
    first: int  # token indices in the sentence, [first, last)
    last: int


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def zipf(word: str, language: str) -> float:
    """Zipf frequency (0 = unknown, 7 = 'the') of a word, its hyphenated parts averaged."""
    from wordfreq import zipf_frequency  # noqa: PLC0415 - lazy: the word lists load on first use

    word = word.casefold().replace("’", "'")
    if "-" in word:
        parts = [p for p in word.split("-") if p]
        return min((zipf(p, language) for p in parts), default=0.0) if parts else 0.0
    return zipf_frequency(word, language)


def rarity(word: str, language: str) -> float:
    """0 for very common words, 1 for words no dictionary knows."""
    return max(0.0, min(1.0, (6.0 - zipf(word, language)) / 5.0))


def unknown_word(word: str) -> bool:
    """A word that neither English nor French uses: a brand name, a new drug."""
    return zipf(word, "en") < 1.6 and zipf(word, "fr") < 1.6


def is_verb(lower: str, language: str) -> bool:
    return lower in VERBS[language] or lower in VERBS["en" if language == "fr" else "fr"] and len(lower) > 3


def is_function(tok: Token, language: str, prev: Token | None = None) -> bool:
    lower = tok.lower
    if lower in STOPWORDS[language] or tok.kind in ("elision", "possessive"):
        return True
    if language == "en" and len(lower) > 4 and lower.endswith("ly") and lower not in {"family", "italy", "anomaly"}:
        return True
    if language == "fr" and len(lower) > 7 and lower.endswith("ment"):
        determiners = {"le", "un", "du", "des", "les", "ce", "son", "leur", "l'", "au", "aux", "d'", "de"}
        return not (prev is not None and prev.lower in determiners)
    return False


def is_disease_word(word: str) -> bool:
    lower = word.casefold()
    if lower in _NOT_DISEASE:
        return False
    if lower.endswith(_NOT_DISEASE_ITE):
        return lower in DISEASE_WORDS
    return lower in DISEASE_WORDS or (len(lower) >= 7 and lower.endswith(DISEASE_SUFFIXES))


_ORGANISATION_CUES = {
    "centre",
    "center",
    "institute",
    "institut",
    "company",
    "laboratoire",
    "laboratory",
    "association",
    "société",
    "university",
    "université",
    "hospital",
    "hôpital",
    "pharmaceuticals",
    "inc",
    "ltd",
    "sa",
    "group",
    "groupe",
    "foundation",
    "fondation",
    "unit",
    "unité",
}


def _drug_cue_near(sentence: Sentence, i: int) -> bool:
    toks = sentence.tokens
    window = {t.lower for t in toks[max(0, i - 8) : i + 9]}
    close = {t.lower for t in toks[max(0, i - 3) : i + 4]}
    if close & _ORGANISATION_CUES:
        return False
    heading = set(sentence.heading.casefold().split())
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    return bool(window & DRUG_CUES) or nxt == "®" or (i == 0 and bool(heading & DRUG_CUES))


def typed_spans(sentence: Sentence, document_text: str) -> list[Span]:
    """Spans whose type is known from their shape and their sentence."""
    toks = sentence.tokens
    out: list[Span] = []
    lang = sentence.language
    i = 0
    while i < len(toks):
        tok = toks[i]
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        text = tok.text
        span: tuple[int, int, str, str] | None = None  # first, last, type, reason
        if tok.kind == "number":
            digits = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
            if "%" in text:
                span = (i, i + 1, "percent", reasons.PERCENTAGE)
            elif YEAR.fullmatch(digits) and not (prev and prev.lower in {"n°", "article", "phase", "type"}):
                span = (i, i + 1, "year", reasons.YEAR)
            elif "/" not in digits and nxt is not None and nxt.kind == "word" and nxt.lower not in STOPWORDS[lang]:
                if not (prev and prev.lower in {"type", "phase", "article", "annexe", "figure", "fig"}):
                    span = (i, i + 1, "number", reasons.COUNT.format(noun=nxt.text))
        elif tok.kind == "word":
            bare = text.rstrip("+")
            if _CODE_NAME.fullmatch(text):
                span = (i, i + 1, "drug", reasons.CODE_NAME)
            elif (
                _SYMBOL.fullmatch(text)
                and len(text) >= 3
                and not YEAR.fullmatch(text)
                and not re.match(r"(?i)fig", text)
            ):
                near = {t.lower for t in toks[max(0, i - 3) : i + 4]}
                kind = "gene" if near & _GENE_CUES else "symbol"
                span = (i, i + 1, kind, reasons.GENE_NEXT_TO_GENE if kind == "gene" else reasons.SYMBOL)
            elif _acronym(bare):
                if bare.isupper() and (
                    (nxt is not None and nxt.lower in {"gene", "gène"}) or (prev is not None and prev.lower == "gène")
                ):
                    span = (i, i + 1, "gene", reasons.GENE_NEXT_TO_GENE)
                elif bare.upper() != bare or len(bare) >= 2:
                    span = (i, i + 1, "acronym", reasons.ACRONYM)
            elif text.casefold() in PLACES and text[:1].isupper():
                span = (i, i + 1, "place", reasons.PLACE)
            elif (
                (drug_cue := _drug_cue_near(sentence, i)) is not None
                and text[:1].isupper()
                and len(text) >= 5
                and unknown_word(text)
                and not (nxt is not None and (is_disease_word(nxt.text) or nxt.kind == "possessive"))
            ):
                first_name = prev is not None and prev.kind == "word" and prev.text[:1].isupper() and i > 1
                titled = prev is not None and prev.lower.rstrip(".") in _TITLES
                surname = nxt is not None and nxt.kind == "word" and nxt.text[:1].isupper()
                if titled or (first_name and not drug_cue):
                    span = (i - (0 if titled else 1), i + 1, "person", reasons.PERSON)
                elif drug_cue and not surname and not first_name:
                    span = (i, i + 1, "drug", reasons.UNKNOWN_CAPITALISED)
            elif text[:1].islower() and len(text) >= 7 and _INN.search(text.casefold()) and unknown_word(text):
                j = i + 1
                if nxt is not None and nxt.kind == "word" and _INN.search(nxt.lower) and unknown_word(nxt.text):
                    j = i + 2
                span = (i, j, "drug", reasons.INN)
            elif text[:1].isupper() and prev is not None and prev.lower.rstrip(".") in _TITLES and i > 0:
                span = (i - 1, i + 1, "person", reasons.PERSON)
        if span is not None:
            first, last, kind, reason = span
            if kind == "drug" and last < len(toks) and toks[last - 1].kind == "word":
                # two-word drug names: "voretigène néparvovec", "axicabtagene ciloleucel"
                after = toks[last] if last < len(toks) else None
                if after is not None and after.kind == "word" and _INN.search(after.lower) and unknown_word(after.text):
                    last += 1
            start, end = toks[first].start, toks[last - 1].end
            out.append(
                Span(start, end, document_text[start:end], kind, TYPE_PRIOR[kind], reason, sentence.index, first, last)
            )
            i = last
            continue
        i += 1
    return out


def _acronym(word: str) -> bool:
    """CRISPR, siRNA, ARNi, ADA-SCID: mostly capitals, not a Roman numeral nor a place."""
    if not _ACRONYM.fullmatch(word) or _ROMAN.fullmatch(word) or word.casefold() in PLACES:
        return False
    head = word.split("-")[0]
    upper = sum(c.isupper() for c in head)
    return upper >= 2 and upper * 2 >= len(head)


_LATIN = {("in", "vivo"), ("ex", "vivo"), ("in", "vitro"), ("in", "situ"), ("ex", "situ")}


def latin_spans(sentence: Sentence, document_text: str) -> list[Span]:
    toks = sentence.tokens
    out = []
    for i in range(len(toks) - 1):
        if (toks[i].lower, toks[i + 1].lower) in _LATIN:
            start, end = toks[i].start, toks[i + 1].end
            out.append(
                Span(
                    start,
                    end,
                    document_text[start:end],
                    "term",
                    1.0,
                    reasons.LATIN,
                    sentence.index,
                    i,
                    i + 2,
                )
            )
    return out


def known_drug_spans(sentence: Sentence, document_text: str, drugs: set[str], taken: list[Span]) -> list[Span]:
    """A drug name found elsewhere in the text is a drug here too, cue or no cue."""
    out = []
    for i, tok in enumerate(sentence.tokens):
        if tok.kind == "word" and tok.text in drugs and not any(s.start <= tok.start < s.end for s in taken):
            out.append(
                Span(
                    tok.start,
                    tok.end,
                    tok.text,
                    "drug",
                    TYPE_PRIOR["drug"] - 0.1,
                    reasons.KNOWN_DRUG,
                    sentence.index,
                    i,
                    i + 1,
                )
            )
    return out


def _content(tok: Token, language: str, prev: Token | None) -> bool:
    if tok.kind != "word":
        return False
    if is_function(tok, language, prev) or re.match(r"(?i)fig\d", tok.text):
        return False
    if is_verb(tok.lower, language):
        return False
    return not tok.text.isdigit()


# Determiners that open a noun phrase: a word just before one is a verb ("encodes an isomerase", "code la protéine"),
# never the end of a noun phrase.
_OPENERS = {
    "en": {"the", "a", "an", "its", "their", "his", "her", "this", "these", "those", "our", "each", "every"},
    "fr": {"le", "la", "les", "l'", "un", "une", "son", "sa", "ses", "leur", "leurs", "ce", "cet", "cette", "ces"},
}
# Subjects after which a word is a verb: "it encodes", "qui expriment", "ne reconnaissent", "se fixent".
_BEFORE_VERB = {
    "en": {"it", "they", "he", "she", "which", "who", "we"},
    "fr": {"il", "elle", "ils", "elles", "on", "qui", "ne", "n'", "se", "s'", "nous", "vous"},
}
# Plural-looking English words that are no verb ("species", "diabetes", "news").
_NOT_VERBS_EN = set(
    """news series species means lens diabetes mumps measles rabies herpes ethics arms sales goods savings
    headquarters crossroads surroundings aids genetics physics mathematics economics statistics politics
    biologics therapeutics""".split()
)
# French endings of the future, conditional and imperfect: no noun ends so.
_FR_FINITE = ("eront", "iront", "dront", "rront", "eraient", "iraient", "erait", "irait", "aient", "erons", "iriez")


def _infinitives(lower: str, ending: str) -> list[str]:
    """The infinitives a French finite form may come from (ciblent -> cibler, transduisent -> transduire)."""
    stem = lower[: -len(ending)]
    out = [stem + "er", stem + "ir", stem + "re"]
    if stem.endswith("iss"):
        out.append(stem[:-3] + "ir")  # agissent
    if stem.endswith("aiss"):
        out.append(stem[:-4] + "aître")  # reconnaissent
    if stem.endswith("uis"):
        out.append(stem[:-1] + "re")  # produisent, transduisent
    if stem.endswith("enn"):
        out.append(stem[:-3] + "endre")  # comprennent
    if stem.endswith("ienn"):
        out.append(stem[:-4] + "enir")  # contiennent
    if stem.endswith("oiv"):
        out.append(stem[:-3] + "evoir")  # reçoivent
    if stem.endswith("iv"):
        out.append(stem + "re")  # suivent
    if stem.endswith("r"):
        out.append(stem[:-1] + "er")  # activera -> "activ" + "er" via "era"
    return out


def finite_verb(toks: list[Token], k: int, language: str) -> bool:
    """Is the k-th token a conjugated verb, though no word list knows it? From its ending (French future,
    conditional, imperfect; a present plural whose infinitive is the commoner word: ciblent, activent), or from
    what stands around it (a subject pronoun or "qui" before it; a determiner after it: "encodes an isomerase")."""
    tok = toks[k]
    lower = tok.lower
    if tok.kind != "word" or not lower.isalpha() and "-" not in lower or tok.text[:1].isupper() and k == 0:
        return False
    prev = toks[k - 1] if k else None
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if prev is not None and prev.lower in _BEFORE_VERB[language] and len(lower) > 2 and not tok.text[:1].isupper():
        if lower not in STOPWORDS[language] and not (
            language == "fr" and prev.lower in ("qui", "ne", "n'") and lower.endswith(("é", "ée", "és", "ées"))
        ):
            return True
    if language == "fr":
        if len(lower) > 6 and lower.endswith(_FR_FINITE):
            return True
        if len(lower) >= 6 and lower.endswith("ient") and zipf(lower[:-4] + "enir", "fr") >= 2.5:
            return True  # survient, contient, provient
        for ending in ("ent", "ait", "era", "ira"):
            if lower.endswith(ending) and len(lower) >= 6 and not lower.endswith("ment" if ending == "ent" else "\0"):
                stem_ending = "a" if ending in ("era", "ira") else ending
                best = max(zipf(inf, "fr") for inf in _infinitives(lower, stem_ending))
                if best >= 2.5 and best > zipf(lower, "fr"):
                    return True
    if nxt is None or prev is None or tok.text[:1].isupper():
        return False
    after_next = toks[k + 2].lower if k + 2 < len(toks) else ""
    opens = nxt.lower in _OPENERS[language] and after_next not in ("plus", "moins", "mieux", "most", "least")
    if language == "en":
        if lower in _NOT_VERBS_EN or lower.endswith(("ss", "us", "is", "ics")):
            return False
        if lower.endswith(("s", "ed")) and opens and prev.kind == "word":
            return True
        return False
    participle = lower.endswith(("é", "ée", "és", "ées"))
    return opens and prev.kind == "word" and _content(prev, language, None) and not participle


def _verb_after_modal(toks: list[Token], k: int, language: str) -> bool:
    """ "to plot", "can install": a word that is a noun as often as a verb, used as a verb."""
    return language == "en" and k > 0 and toks[k - 1].lower in MODALS and toks[k].lower in VERB_AFTER_TO


def noun_phrases(sentence: Sentence, document_text: str) -> list[tuple[int, int]]:
    """Token ranges of candidate noun phrases: runs of content words, joined once by of/de (FR: noun first)."""
    toks = sentence.tokens
    lang = sentence.language
    links = {"of"} if lang == "en" else {"de", "d'", "du", "des"}
    content = [
        _content(t, lang, toks[k - 1] if k else None)
        and not finite_verb(toks, k, lang)
        and not _verb_after_modal(toks, k, lang)
        for k, t in enumerate(toks)
    ]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not content[i]:
            i += 1
            continue
        j = i
        while j < len(toks) and content[j]:
            j += 1
        # "Leber's amaurosis", "Parkinson's disease": an eponym's possessive stays in the term
        if (
            j + 1 < len(toks)
            and toks[j].kind == "possessive"
            and toks[j - 1].text[:1].isupper()
            and content[j + 1]
            and j - i == 1
        ):
            j += 1
            while j < len(toks) and (content[j] or toks[j].kind == "possessive"):
                j += 1
        runs.append((i, j))
        i = j
    # a run joined to the next ones by of/de/des/du ("syndrome de relargage des cytokines"), twice at most
    phrases: list[tuple[int, int]] = []
    for n, (i, j) in enumerate(runs):
        phrases.append((i, j))
        end, m = j, n
        while m + 1 < len(runs) and m - n < 2:
            nxt = runs[m + 1]
            if not (nxt[0] == end + 1 and toks[end].lower in links and nxt[1] - nxt[0] <= 3 and end - i <= 4):
                break
            end, m = nxt[1], m + 1
            phrases.append((i, end))
    out = []
    for i, j in phrases:
        i, j = _trim(toks, i, j, lang)
        if j > i:
            out.append((i, j))
    return out


def cut_short(sentence: Sentence, span: "Span") -> bool:
    """Would a blank on this noun-phrase span leave part of its noun phrase outside ("[[leucémie aiguë]]
    lymphoblastique", "[[syndrome de relargage]] des cytokines", "gene [[therapy]]")? A blank is a whole noun phrase."""
    if span.reason == reasons.LATIN:
        return False  # "[[in vivo]] therapy": the Latin phrase is the term
    toks = sentence.tokens
    language = sentence.language
    first = next((k for k, t in enumerate(toks) if t.start == span.start), None)
    last = next((k for k, t in enumerate(toks) if t.end == span.end), None)
    if first is None or last is None:
        return False

    def content(k: int) -> bool:
        return (
            0 <= k < len(toks)
            and _content(toks[k], language, toks[k - 1] if k else None)
            and not finite_verb(toks, k, language)
            and not _verb_after_modal(toks, k, language)
        )

    nxt = last + 1
    modifier = toks[nxt].lower in GENERIC_MODIFIERS[language] if nxt < len(toks) else False
    if content(nxt) and not _participle(toks[nxt].lower, language) and not modifier:
        return True  # an adjective after a French noun, a noun after an English modifier
    links = {"of"} if language == "en" else {"de", "d'", "du", "des"}
    if nxt < len(toks) and toks[nxt].lower in links and content(nxt + 1) and not toks[nxt + 1].text[:1].isupper():
        return True  # a complement without its own determiner: part of the term
    before = first - 1
    if before >= 0 and toks[before].lower in NAMING_NOUNS and first == last and _name(toks[first].text):
        return False  # "a function [[hist]]": a name after the noun that introduces it
    if content(before) and toks[before].lower not in GENERIC_MODIFIERS[language]:
        return not _participle(toks[before].lower, language) and not toks[before].text[:1].isupper()
    return False


def _complement(toks: list[Token], i: int, j: int, document_text: str) -> bool:
    """Is this one lowercase French word the complement of a term the text repeats ("chargeur de [[démarrage]]",
    "système d'[[exploitation]]": the blank would leave the head of the term outside it)?"""
    if j - i != 1 or i < 2 or toks[i - 1].lower not in ("de", "d'") or not toks[i].text[:1].islower():
        return False
    head = toks[i - 2]
    if head.kind != "word" or not head.text[:1].islower() or head.lower in GENERIC_NOUNS["fr"] | STOPWORDS["fr"]:
        return False
    joint = "" if toks[i - 1].lower == "d'" else " "
    phrase = f"{head.text} {toks[i - 1].text}{joint}{toks[i].text}"
    return _folded(document_text).count(phrase.casefold()) >= 2


@lru_cache(maxsize=4)
def _folded(text: str) -> str:
    return text.casefold()


# French past participles in -u: "reconnue", "obtenus", "perdues", "reçus" (not "-ique", "-gue", "tissus", "virus").
_FR_U_PARTICIPLE = re.compile(r"(?:n|d|v|ç|c|l)ue?s?$")
_NOT_PARTICIPLES_FR = {
    "sinus",
    "bonus",
    "anus",
    "tonus",
    "minus",
    "onus",
    "locus",
    "focus",
    "stimulus",
    "bolus",
    "cumulus",
    "avenue",
    "revue",
    "statue",
    "value",
    "recrue",
    "étendue",
}


EN_PARTICIPLES = set(
    """made taken given known shown grown written bound led lost seen left done born drawn held built found brought
    caught kept sent spent thought told won worn torn chosen frozen hidden stolen""".split()
)


# French past participles in -it: "construits", "écrite", "introduit" (not "produit", a noun as often).
_FR_IT_PARTICIPLE = re.compile(r"(?:truit|crit|troduit|traduit|réduit)e?s?$")


def _participle(lower: str, language: str) -> bool:
    if language == "en":
        if lower in ING_NOUNS:
            return False
        return lower.endswith(("ed", "ing")) and len(lower) > 5 or lower in EN_PARTICIPLES
    if len(lower) <= 3 or lower in _NOT_PARTICIPLES_FR:
        return False
    return (
        lower.endswith(("é", "ée", "és", "ées", "ant", "ants"))
        or bool(_FR_U_PARTICIPLE.search(lower))
        or bool(_FR_IT_PARTICIPLE.search(lower))
    )


def _symbol_of(symbol: str, words: list[str]) -> bool:
    """ "ncp" of "non-centrality parameter", "bw" of "bandwidth": a short lowercase symbol the text puts after the
    term it stands for; the blank is the term, the symbol its label."""
    if not (2 <= len(symbol) <= 4 and symbol.isalpha() and symbol.islower()) or not words:
        return False
    if zipf(symbol, "en") >= 4.0 or zipf(symbol, "fr") >= 4.0:
        return False  # a word ("ton", "and"), not a symbol
    long = " ".join(words).casefold()
    if symbol[0] != long[0] or len(long) <= len(symbol) + 2:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in symbol[1:])


def _name(word: str) -> bool:
    """A program's, function's or package's name rather than a word: "hist", "dpkg-deb", "apparmor_parser"."""
    return bool(re.search(r"[\d_.-]", word)) or word.islower() and zipf(word, "en") < 3.5 and zipf(word, "fr") < 3.5


def _trim(toks: list[Token], i: int, j: int, language: str) -> tuple[int, int]:
    generic = GENERIC_MODIFIERS[language]
    while j > i and (toks[i].lower in generic or toks[i].kind != "word"):
        i += 1
    links = {"of"} if language == "en" else {"de", "d'"}
    while j - i > 2 and toks[i].lower in QUANTITY_WORDS[language] and toks[i + 1].lower in links:
        i += 2  # "thousands of [[prepackaged applications]]": the count is no part of the term
    if j - i > 1 and _symbol_of(toks[j - 1].text, [t.lower for t in toks[i : j - 1]]):
        j -= 1  # "the [[non-centrality parameter]] ncp"
    if j - i == 2 and toks[i].lower in NAMING_NOUNS and _name(toks[i + 1].text):
        i += 1  # "a function [[hist]]": the name, not the noun that introduces it
    while j > i and (toks[j - 1].kind != "word" or toks[j - 1].lower in {"of", "de", "du", "d'"}):
        j -= 1
    while j - i > 1 and _participle(toks[j - 1].lower, language):
        j -= 1
    if language == "fr":
        while j - i > 1 and _participle(toks[i].lower, language):
            i += 1
    if language == "en":
        while j - i > 1 and toks[i].lower.endswith("ing") and len(toks[i].lower) > 5:
            i += 1
    if j - i > 6:
        return i, i  # too long to be one term; truncated, it would be a term cut short
    return i, j


def phrase_spans(sentence: Sentence, document_text: str, stats: "TermStats") -> list[Span]:
    out = []
    toks = sentence.tokens
    lang = sentence.language
    for i, j in noun_phrases(sentence, document_text):
        words = [t for t in toks[i:j] if t.kind == "word"]
        if j < len(toks) and toks[j].kind == "number" and toks[j - 1].lower in {"type", "phase", "stade", "stage"}:
            j += 1  # "diabète de type 1"
        start, end = toks[i].start, toks[j - 1].end
        text = document_text[start:end]
        if len(text) < 3 or text.isupper() and len(words) == 1:
            continue
        if lang == "fr" and _complement(toks, i, j, document_text):
            continue
        if re.search(r"/(?:l|d|L|D)['’]", text):
            continue  # "le BIOS/l'UEFI": two things joined by a slash, not one term
        if all(w.lower in QUANTITY_WORDS[lang] for w in words):
            continue  # "thousands", "milliers": a count, not a term
        lowers = [w.lower for w in words]
        link = next((k for k, w in enumerate(lowers) if w in {"of", "de", "du", "d'", "des"}), None)
        left = lowers[:link] if link is not None else []
        if link is not None and (
            all(w in GENERIC_NOUNS[lang] or w in GENERIC_MODIFIERS[lang] or _participle(w, lang) for w in left)
            or left
            and left[-1 if lang == "en" else 0] in GENERIC_NOUNS[lang]
        ):
            continue  # "treatment of melanoma", "preclinical models of X": the right-hand side is a phrase of its own
        if len(words) == 1 and words[0].lower.endswith(("ed",)) and lang == "en":
            continue
        if listed_chord(text, document_text[sentence.start : start], document_text[end : sentence.end]):
            continue
        kind = "disease" if any(is_disease_word(w.text) for w in words) else "term"
        score = TYPE_PRIOR[kind] + term_score(text, lowers, lang, stats)
        reason = reasons.DISEASE_NAMED if kind == "disease" else reasons.RARE_PHRASE
        out.append(Span(start, end, text, kind, score, reason, sentence.index, i, j))
    return out


@dataclass
class TermStats:
    counts: dict[str, int]  # normalised term -> occurrences in the text
    sentence_share: dict[str, float]  # content word -> share of sentences containing it
    families: frozenset[str] = frozenset()  # prefixes of a family of coined names (aa- of aa-enforce, aa-complain)


@lru_cache(maxsize=65536)
def normal(text: str) -> str:
    """Case-, accent- and plural-insensitive form of a term, for counting and comparing."""
    words = re.findall(r"\w+", strip_accents(text.casefold().replace("’", "'")))
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" and w[-2:] not in ("ss", "us", "is") else w for w in words)


_ADJECTIVE_ENDINGS = {
    "en": ("al", "ic", "ous", "ive", "able", "ible", "ary", "ful", "less", "ed", "ing"),
    "fr": (
        "ique",
        "iques",
        "aire",
        "aires",
        "ale",
        "ales",
        "aux",
        "elle",
        "elles",
        "euse",
        "euses",
        "ive",
        "ives",
        "ée",
        "ées",
        "és",
        "ible",
        "ibles",
        "able",
        "ables",
        "ant",
        "ants",
        "ente",
        "entes",
    ),
}


def term_score(text: str, words: list[str], language: str, stats: TermStats) -> float:
    content = [w for w in words if w not in STOPWORDS[language]]
    if not content:
        return -2.0
    rare = max(1.0 if family_name(w, stats.families) else rarity(w, language) for w in content)
    chord = any(KEY_CHORD.fullmatch(w) for w in text.split())
    if chord:
        rare = 1.0  # "C-v", "M-<": a command's keys, as rare as a name though "c" and "v" are common
    count = stats.counts.get(normal(text), 1)
    score = 0.75 * rare + 0.15 * min(count - 1, 3)
    head = content[-1] if language == "en" else content[0]
    if head in GENERIC_NOUNS[language]:
        score -= 0.45
    if all(w in GENERIC_NOUNS[language] or w in GENERIC_MODIFIERS[language] for w in content):
        score -= 1.0
    topic = max(stats.sentence_share.get(w, 0.0) for w in content)
    if topic > 0.2 and len(content) <= 2 and all(stats.sentence_share.get(w, 0) > 0.12 for w in content):
        score -= 0.6  # the subject of the whole text ("gene therapy"): a poor blank
    if len(content) > 4:
        score -= 0.3
    if len(content) == 1 and zipf(content[0], language) > 4.3 and not chord:
        score -= 0.4
    if len(content) == 1 and content[0].endswith(_ADJECTIVE_ENDINGS[language]):
        score -= 0.3  # an adjective alone
    if len(content) == 1 and language == "fr" and content[0].endswith(("er", "ir")) and zipf(content[0], "fr") > 3:
        score -= 0.6  # an infinitive
    return score


def term_stats(sentences: list[Sentence]) -> TermStats:
    counts: dict[str, int] = {}
    share: dict[str, float] = {}
    for s in sentences:
        seen = set()
        for t in s.tokens:
            if t.kind == "word":
                seen.add(t.lower)
        for w in seen:
            share[w] = share.get(w, 0) + 1
    n = max(1, len(sentences))
    share = {w: c / n for w, c in share.items()}
    return TermStats(counts, share, families("\n".join(s.text for s in sentences)))


# A key chord of a tutorial or a manual: Control, Meta or Shift and a key ("C-v", "M-<", "C-x").
KEY_CHORD = re.compile(r"[CMS]-[^\s\w]|[CMS]-\w{1,3}")

_CHORD = r"(?:[CMS]-[^\s\w,.;]|[CMS]-\w{1,3}|<[A-Z]{2,}>|M-<[A-Z]{2,}>)"
_CHORD_BEFORE = re.compile(rf"{_CHORD}\s*(?:,\s*(?:(?:et|and|ou|or)\s+)?|\s(?:et|and|ou|or)\s+)$")
_CHORD_AFTER = re.compile(rf"^\s*(?:,\s*(?:(?:et|and|ou|or)\s+)?|\s(?:et|and|ou|or)\s+){_CHORD}(?![\w-])")


def listed_chord(text: str, before: str, after: str) -> bool:
    """A key chord named in a bare enumeration of keys ("les commandes C-p, C-b, C-f, et C-n", "C-f et C-b d'un
    côté et M-f et M-b de l'autre"): nothing in the sentence tells the members apart, so a blank on one is
    guesswork. A key the sentence says something of ("[[M-f]] avance d'un mot et [[M-b]] recule d'un mot") stays."""
    return bool(KEY_CHORD.fullmatch(text)) and bool(_CHORD_BEFORE.search(before) or _CHORD_AFTER.match(after))


# A family of coined names: three hyphenated names or more sharing their first part (aa-enforce, aa-complain,
# aa-logprof; dpkg-deb, dpkg-source) are the commands or modules of one tool, each as rare as an unknown word
# though its parts are common ("aa", "enforce"). A word-forming prefix is no family (anti-, non-, sous-).
FAMILY_SIZE = 3
WORD_PREFIXES = set(
    """anti auto co contre demi ex extra hyper inter intra micro mini multi néo neo non off on over post pre pré
    pro re ré self semi semi sous sub super sur trans ultra under vice well long short high low full half""".split()
)


@lru_cache(maxsize=64)
def families(text: str) -> frozenset[str]:
    """The first parts shared by FAMILY_SIZE hyphenated lowercase names or more ("aa" of aa-enforce, aa-complain)."""
    names: dict[str, set[str]] = {}
    for name in re.findall(r"(?<![\w-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w-])", text):
        prefix = name.partition("-")[0]
        if len(prefix) >= 2 and not any(prefix in STOPWORDS[lang] for lang in ("en", "fr")):
            names.setdefault(prefix, set()).add(name)
    return frozenset(p for p, found in names.items() if len(found) >= FAMILY_SIZE and p not in WORD_PREFIXES)


def family_name(word: str, known: frozenset[str]) -> bool:
    """A name of one of the text's families (aa-enforce when aa- starts three names)."""
    prefix, dash, rest = word.casefold().partition("-")
    return bool(dash and rest) and prefix in known


def count_terms(spans: list[Span], sentences: list[Sentence], stats: TermStats) -> None:
    """How often each candidate term occurs in the whole text (a repeated term is a key term)."""
    texts = [" " + normal(s.text) + " " for s in sentences]
    for span in spans:
        key = normal(span.text)
        if key and key not in stats.counts:
            needle = " " + key + " "
            stats.counts[key] = sum(t.count(needle) for t in texts) or 1


# ------------------------------------------------------------------------------------------- French agreement

_DETERMINERS = {
    "le": ("m", "s"),
    "un": ("m", "s"),
    "du": ("m", "s"),
    "au": ("m", "s"),
    "ce": ("m", "s"),
    "cet": ("m", "s"),
    "son": ("", "s"),
    "la": ("f", "s"),
    "une": ("f", "s"),
    "cette": ("f", "s"),
    "sa": ("f", "s"),
    "l'": ("", "s"),
    "d'": ("", ""),
    "les": ("", "p"),
    "des": ("", "p"),
    "aux": ("", "p"),
    "ces": ("", "p"),
    "ses": ("", "p"),
    "leurs": ("", "p"),
    "the": ("", ""),
    "a": ("", "s"),
    "an": ("", "s"),
}
_FEMININE_ENDINGS = (
    "ée",
    "ées",
    "ique",
    "iques",
    "euse",
    "euses",
    "ive",
    "ives",
    "elle",
    "elles",
    "enne",
    "ennes",
    "ale",
    "ales",
    "ine",
    "ines",
    "ière",
    "ières",
    "trice",
    "trices",
    "tion",
    "tions",
    "sion",
    "sions",
    "ité",
    "ités",
    "ie",
    "ies",
    "ure",
    "ures",
    "ence",
    "ences",
    "ance",
    "ances",
    "ose",
)
_MASCULINE_ENDINGS = (
    "ment",
    "ments",
    "eur",
    "eurs",
    "isme",
    "ismes",
    "age",
    "ages",
    "eau",
    "eaux",
    "al",
    "aux",
    "ier",
    "iers",
    "on",
    "ons",
    "at",
    "ats",
    "is",
    "if",
    "ifs",
    "ain",
    "ains",
    "ome",
    "omes",
)


def plural(text: str, language: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", text) if w.casefold() not in STOPWORDS[language]]
    if not words:
        return False
    head = words[0] if language == "fr" else words[-1]
    lower = head.casefold()
    if head.isupper() or head[:1].isupper() and language == "en":
        return False
    if language == "en":
        return lower.endswith("s") and not lower.endswith(("ss", "us", "is", "sis"))
    return lower.endswith(("s", "x")) and not lower.endswith(("ss", "us", "is", "ès", "os"))


def slot_features(tokens: list[Token], first: int, language: str) -> tuple[str, str, bool]:
    """Gender, number and elision required by what precedes a blank ("", "" when unknown)."""
    if first == 0:
        return "", "", False
    prev = tokens[first - 1]
    gender, number = _DETERMINERS.get(prev.lower, ("", ""))
    elided = prev.kind == "elision" or prev.text.endswith(("'", "’"))
    if language == "en" and prev.lower in {"a", "an"}:
        return "", "s", prev.lower == "an"
    return gender, number, elided


def gender_of(term: str, document_sentences: list[Sentence]) -> str:
    """'m' or 'f' for a French term, from the determiners it follows in the text, else from its ending."""
    key = term.casefold()
    votes = {"m": 0, "f": 0}
    for s in document_sentences:
        lowered = s.text.casefold().replace("’", "'")
        pos = lowered.find(key)
        while pos >= 0:
            before = lowered[:pos].rstrip().split()
            if before:
                g = _DETERMINERS.get(before[-1], ("", ""))[0]
                if g:
                    votes[g] += 1
            pos = lowered.find(key, pos + 1)
    if votes["m"] != votes["f"]:
        return "m" if votes["m"] > votes["f"] else "f"
    words = term.casefold().split()
    head = words[0] if words else ""
    if head.endswith(_FEMININE_ENDINGS):
        return "f"
    if head.endswith(_MASCULINE_ENDINGS):
        return "m"
    return ""


def starts_with_vowel(text: str) -> bool:
    first = strip_accents(text[:1].casefold())
    return first in "aeiouyh"
