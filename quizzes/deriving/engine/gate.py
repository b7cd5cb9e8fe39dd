"""The last check before the review queue: what a strict teacher would not publish is dropped, repaired or moved
down, by the item's shape and its passage's, never by the words of a particular text.

    gate(candidates, text) -> list[Candidate], highest confidence first

Why a gate at the end rather than rules in each generator: the failures it catches (a blank cut inside a path, a
URL or a version; an interactive transcript or an exercise line asked as prose; a blank inside a cross-reference;
a verb blanked with its noun; a definition card without its article) show in the finished item, whichever
generator made it, and one place keeps them out of every kind alike.

It drops: items from text furniture (transcripts, menu options, flattened key tables, ">>" exercise lines, shell
prompts), blanks touching a path, URL or version, blanks inside a cross-reference's title, acronym cards whose
"expansion" starts with the acronym, definition cards on a term that needs its context ("first event detected").
It repairs: a blank trimmed to its code token ("function [[ecdf]]", "tapez [[C-g]]") or rid of a verb at its edge,
a blank on a verb or a cited year taken out of a cloze that keeps others, "What is Debian Project?" given its article.
It moves down: fill-in-the-blank choices (their distractors are often of another kind), sentences that refer
elsewhere ("see Section 4", "voir la section"), that start mid-thought ("And it…", "Au moment de sa sortie…", a
quotation's "..."), or that depend on an example, and the third item and later from one paragraph.
"""

import re
from collections.abc import Sequence

from . import reasons
from .furniture import URL as _URL
from .furniture import furniture
from .importance import list_size, list_tokens, listed_with
from .lexicon import STOPWORDS
from .questions import BLANK, leaks
from .terms import YEAR, families, family_name, is_verb, zipf

# --- text furniture ----------------------------------------------------------------------------------------------

# key chords: C-v, M-<, C-x C-c, <Maj>
_CHORD = re.compile(r"(?<!\w)[CMS]-(?:\S)")


def cut_short(passage: str, language: str) -> bool:
    """A sentence that stops on a function word ("…against the generating distribution by"): the code listing
    or the formula that ended it was left out of the text."""
    words = passage.rstrip().split()
    return bool(words) and words[-1].casefold() in STOPWORDS.get(language, STOPWORDS["en"])


# --- blanks -------------------------------------------------------------------------------------------------------

_BLANK = re.compile(r"\[\[(.+?)\]\]")
_CROSS_REFERENCE = re.compile(
    r"\b(?:see|voir|cf\.|discussed in|décrit(?:e|es)? (?:dans|en)|comme en|as in|in)?\s*"
    r"\b(?:section|chapter|chapitre|appendix|annexe|part|partie)\s+[\dIVX]+(?:\.\d+)*",
    re.IGNORECASE,
)
_QUOTED_TITLE = re.compile(r",?\s*[«“\"]\s*([^»”\"]+?)\s*[»”\"]")


def _touches_code(prompt: str, start: int, end: int) -> bool:
    """A blank glued to a path, URL, version or menu option: "/[[etc/apparmor]].d", "0.[[99r8]]", "(A)[[llow]]"."""
    before = prompt[start - 1] if start > 0 else " "
    after = prompt[end : end + 2]
    if before.isalnum() or before in "/\\_.:@<" or before == ")" and start > 2 and prompt[start - 3] == "(":
        return True
    if after[:1].isalnum() or after[:1] in "/\\_@>":
        return True
    if re.match(r"\(\w\)\w", prompt[end : end + 4]):
        return True  # "[[Save Selec]](t)ed"; a manual section "dpkg(1)" is a name's part, not a cut
    return after[:1] in ".:" and after[1:2].isalnum()


def _in_cross_reference(prompt: str, start: int) -> bool:
    for m in _CROSS_REFERENCE.finditer(prompt):
        title = _QUOTED_TITLE.match(prompt, m.end())
        if m.start() <= start < (title.end() if title else m.end()):
            return True
    return False


# a sentence that sends the reader to another document: "See the on-line help on …", "For more information …, see",
# "Pour davantage d'informations …, consultez …"
_POINTER = re.compile(
    r"^\s*(?:see|voir|consultez|reportez-vous|référez-vous)\b"
    r"|\b(?:for (?:more|further) (?:information|details)|pour (?:plus|davantage) d'informations?)\b",
    re.IGNORECASE,
)


def cross_reference(passage: str) -> bool:
    if _POINTER.search(passage):
        return True
    return bool(re.search(r"\b(?:section|chapter|chapitre|appendix|annexe)\s+[\dIVX]+\b", passage, re.IGNORECASE))


# Words that name what a code token is, blanked with it by mistake: "function [[ecdf]]", "[[qxxx]] functions".
_NAMING_WORDS = set(
    """function functions command commands file files package packages option options program programs variable
    argument arguments parameter tool key character named called fonction fonctions commande commandes fichier
    fichiers paquet paquets option programme programmes variable argument paramètre outil touche touches
    caractère caractères nommé nommée appelé appelée""".split()
)
# French verb endings no noun of these texts has: 2nd person plural, future, imperfect, simple past
_FR_VERB_END = re.compile(r"(?:[^n]ez|erons|eront|irons|iront|erez|irez|eriez|aient|[^r]ait|èrent|irent|èrera|era)$")
_FR_NOT_VERB = {
    "chez",
    "assez",
    "nez",
    "rez",
    "ère",
    "caméra",
    "opéra",
    "véra",
    "ultra",
    "touche",
    "porte",
    "garde",
    "marche",
    "montre",
    "ferme",
    "place",
    "forme",
    "copie",
    "sauvegarde",
    "commande",
}


def verb_like(word: str, language: str) -> bool:
    """A finite verb, an imperative or a participle that introduces a name ("named", "tapez", "utilisent")."""
    lower = word.casefold().strip(".,;:!?«»\"'()")
    if not lower.isalpha() and "'" not in lower or word[:1].isupper():
        return False  # a capitalised word is a name or a field ("Depends", "Provides"), not the sentence's verb
    if is_verb(lower, language) or lower in ("named", "called", "termed", "nommé", "nommée", "appelé", "appelée"):
        return True
    if language == "fr":
        if lower in _FR_NOT_VERB or len(lower) < 5:
            return False
        if _FR_VERB_END.search(lower):
            return True
        # a 3rd person plural present ("utilisent", "entraîne" is caught by its singular below)
        if lower.endswith("ent") and zipf(lower[:-3] + "er", "fr") >= 2.5:
            return True
        # a simple past: "arriva", "coïncida"
        if lower.endswith("a") and zipf(lower[:-1] + "er", "fr") >= max(2.5, zipf(lower, "fr")):
            return True
        # an infinitive, told from "fichier" or "clavier" by its conjugated forms: "annuler" (annulez)
        if lower.endswith(("er", "ir")) and zipf(lower[:-2] + ("ez" if lower.endswith("er") else "issez"), "fr") >= 1.5:
            return True
        # a 3rd person singular whose infinitive is at least as common: "entraîne", "réinsère"
        if not lower.endswith("e"):
            return False
        infinitive = zipf(lower[:-1] + "er", "fr") or zipf(lower[:-3] + "érer", "fr")
        return infinitive >= 2.5 and infinitive >= zipf(lower, "fr") - 0.3
    if lower.endswith("ed") and len(lower) > 4 and not word[:1].isupper():
        return zipf(lower[:-2], "en") >= 3.5 or zipf(lower[:-1], "en") >= 3.5
    return False


def code_like(word: str, language: str) -> bool:
    """A token of code or notation: "ecdf", "dpkg", "C-g", "LD_PRELOAD", "Newline", "qxxx"."""
    if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
        return True
    if "_" in word or re.fullmatch(r"[CMS]-\S+", word):
        return True
    if "-" in word.strip("-") and word.replace("-", "").isalpha():
        # a joined name ("dpkg-deb", "aa-logprof") is code when one of its parts is: "well-organized" is not
        return any(code_like(part, language) for part in word.split("-") if part)
    if not word.isalpha():
        return False
    lower = word.casefold()
    inner_capital = any(ch.isupper() for ch in word[1:]) and not word.isupper()
    return inner_capital or zipf(lower, language) < 2.0 and zipf(lower, "en") < 2.5


# Words that may sit beside a code token in a blank without being part of its name: "[[dselect first]]",
# "[[two ecdf]]".
_FILLERS = set("first also only then itself two three both deux trois aussi seulement puis lui-même".split())


def _trimmed(answer: str, language: str) -> str | None:
    """The blank's better span when it took a naming word, a verb or a filler with a code token ("[[function
    ecdf]]" -> "ecdf", "[[tapez C-g]]" -> "C-g"), or a verb at its edge ("[[énergie dissipée entraîne]]")."""
    words = answer.split()
    if len(words) < 2 or all(w[:1].isupper() for w in words):
        return None  # a name: "Bruce Perens", "Debian Project"
    codes = [k for k, w in enumerate(words) if code_like(w, language)]

    def loose(w: str) -> bool:
        return w.casefold() in _NAMING_WORDS or w.casefold() in _FILLERS or verb_like(w, language)

    if len(codes) == 1 and all(k == codes[0] or loose(w) for k, w in enumerate(words)):
        return words[codes[0]]
    last = words[-1]
    notation = any(ch.isdigit() or ch in "-_" for ch in last)  # not merely a rare word ("tumour invasiveness")
    if codes == [len(words) - 1] and notation and all(w.isalpha() and w.islower() for w in words[:-1]):
        return last  # common words naming the code token after them: "formats de compression [[bzip2]]"
    while words and verb_like(words[0], language):
        words = words[1:]
    while words and verb_like(words[-1], language):
        words = words[:-1]
    if words and len(words) < len(answer.split()):
        return " ".join(words)
    return None


def _visible(prompt: str, answer: str) -> bool:
    outside = _BLANK.sub(" ", prompt)
    found = re.search(r"(?<!\w)" + re.escape(answer) + r"(?!\w)", outside, re.IGNORECASE) is not None
    return found or leaks(prompt, answer)


# a parenthesis that sends the reader elsewhere: "(discussed in Section 14.5, “Introduction to SELinux”)"
_CROSS_REFERENCE_ASIDE = re.compile(
    r"\s*\((?:[^()]*?)\b(?:section|chapter|chapitre|appendix|annexe)\s+[\dIVX][^()]*\)", re.IGNORECASE
)


def without_cross_references(prompt: str) -> str:
    """The prompt without its parenthesised cross-references, which say nothing a learner can answer from."""
    return _CROSS_REFERENCE_ASIDE.sub("", prompt)


# A one-word blank this common (Zipf) says little the learner must know: "[[claviers]]", "[[plots]]".
COMMON_BLANK_ZIPF = 4.0


THEME_COUNT = 3  # a common word the text says this often is one of its themes ("noyau", "capability")


def _common_word(blank: str, language: str, text: str) -> bool:
    if len(blank.split()) != 1 or not blank.islower() or zipf(blank, language) < COMMON_BLANK_ZIPF:
        return False
    if not text:
        return True  # no text to dwell on it
    if family_name(blank, families(text)):
        return False  # a tool's command made of common words (aa-complain): a name, not a common word
    stem = re.escape(blank[:-1] if blank.endswith(("s", "x")) and len(blank) > 4 else blank)
    return len(re.findall(r"(?<!\w)" + stem + r"[sx]?(?!\w)", text, re.IGNORECASE)) < THEME_COUNT


def common_blank(prompt: str, language: str) -> bool:
    """A cloze whose every blank is one common lowercase word. The text dwelling on the word does not save it
    here: a theme word alone in its blank ("source-only [[packages]]") tests the text's subject, not what the
    sentence teaches (it only keeps the word's blank beside better ones, in repair_cloze)."""
    blanks = _BLANK.findall(prompt)
    return bool(blanks) and all(_common_word(b, language, "") for b in blanks)


TOPIC_COUNT = 5


def topic_words(text: str) -> frozenset[str]:
    """The names in the text's title that the text keeps using ("AppArmor", "Emacs", "Debian"): every reader
    knows them from the title, so a blank on them asks nothing."""
    title = next((line for line in text.splitlines() if line.strip()), "")
    names = {w for w in re.findall(r"(?<![\w-])[A-Z][\w-]+", title) if w.casefold() not in STOPWORDS["en"]}
    names -= {w for w in names if w.casefold() in STOPWORDS["fr"]}
    # counted in any case: a title's capital ("Didacticiel d'Emacs") is the text's "didacticiel"
    return frozenset(
        w
        for w in names
        if len(re.findall(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", text, re.IGNORECASE)) >= TOPIC_COUNT
    )


def on_topic(blank: str, topics: frozenset[str], language: str) -> bool:
    """A blank made of a title's name and common words: "[[Emacs]]", "[[commandes Emacs]]", "[[AppArmor support]]"."""
    words = blank.split()
    folded = {t.casefold() for t in topics}
    return any(w.casefold() in folded for w in words) and all(
        w.casefold() in folded or zipf(w, language) >= COMMON_BLANK_ZIPF - 0.5 for w in words
    )


# A lowercase one-word blank at least this common (Zipf) is a plain word of the language ("architectures").
PLAIN_ZIPF = 3.0


def _plain_word(blank: str, language: str) -> bool:
    """One lowercase word of the language, no code, name or number: "[[architectures]]", "[[matériels]]" (not a
    release's name, "[[sarge]]", nor an English word in a French text, "[[unstable]]": rare in the language)."""
    if len(blank.split()) != 1 or not blank.isalpha() or not blank.islower() or code_like(blank, language):
        return False
    return zipf(blank, language) >= PLAIN_ZIPF


def _heading_word(word: str, text: str) -> bool:
    """Is the word one of a heading's (a short line without a final period: "B.3.3. Le noyau")? A cloze's main
    blank on it asks what a section of the text is about."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", re.IGNORECASE)
    return any(
        len(line.split()) <= 8 and not line.rstrip().endswith((".", ":", ";", ",")) and pattern.search(line)
        for line in text.splitlines()
    )


def _strong_blank(blank: str, language: str, topics: frozenset[str]) -> bool:
    """A blank that names something particular: a code token, a name, an acronym, a number, several words."""
    if on_topic(blank, topics, language):
        return False
    return len(blank.split()) > 1 or code_like(blank, language) or blank != blank.casefold() or not blank.isalpha()


def _blank_everywhere(prompt: str, word: str) -> str:
    """The prompt with each bare occurrence of a code token outside its blanks made a blank too."""
    pieces = re.split(r"(\[\[.+?\]\])", prompt)
    bare = re.compile(r"(?<![\w/.-])" + re.escape(word) + r"(?![\w/-]|\.\w)")
    return "".join(p if p.startswith("[[") else bare.sub(f"[[{word}]]", p) for p in pieces)


# After these, the next word is a verb: "you can [[install apparmor-utils]]", "on peut [[différencier des couches]]"
_MODALS = {
    "en": set("can cannot could may might must shall should will would".split()),
    "fr": set("peut peuvent pouvez pouvons pourra pourront pourrait doit doivent devez devons devra faut".split()),
}
_MODAL_ADVERBS = set("also still then just only easily aussi encore toujours alors ensuite facilement".split())
_LEADING_ARTICLES = set("the a an some des les le la un une du de".split())


def _after_modal(before: str, language: str) -> bool:
    words = before.casefold().split()[-2:]
    if words and words[-1] in _MODAL_ADVERBS:
        words = words[:-1]
    return bool(words) and words[-1] in _MODALS.get(language, _MODALS["en"])


def _without_verb(inner: str, language: str) -> str:
    """The blank after a modal without its verb and the article after it: "[[install apparmor-utils]]" ->
    "apparmor-utils", "[[différencier des couches]]" -> "couches"; "" when nothing is left."""
    words = inner.split()
    if not words or not words[0].isalpha() or not words[0].islower() or code_like(words[0], language):
        return inner
    words = words[1:]
    while words and words[0].casefold() in _LEADING_ARTICLES:
        words = words[1:]
    return " ".join(words)


# "chargeur de ", "kernel of ", "paquet " before a blank: the start of a longer term the blank may be the end of
_TERM_HEAD = re.compile(r"(?<![\w'’-])([^\W\d_][\w-]+ (?:de |d['’]|des |du |of )?)$")
WHOLE_TERM_COUNT = 2  # the longer term must be named this often in the text


def _whole_term(before: str, inner: str, prompt: str, m: re.Match, text: str) -> tuple[str, str] | None:
    """When a one-word blank ends a term the text keeps naming ("Comme ce chargeur de [[démarrage]] …" in a text
    that names "chargeur de démarrage" again and again), the words before it and the whole term."""
    if not text or len(inner.split()) != 1 or not inner[:1].islower():
        return None
    head = _TERM_HEAD.search(before)
    if head is None or head.group(1).split()[0].casefold() in STOPWORDS.get("fr", set()) | STOPWORDS["en"]:
        return None
    whole = head.group(1) + inner
    named = re.findall(r"(?<![\w-])" + re.escape(whole) + r"(?![\w-])", text, re.IGNORECASE)
    rest = prompt[: m.start() - len(head.group(1))] + " " + prompt[m.end() :]
    if len(named) < WHOLE_TERM_COUNT or re.search(re.escape(whole), rest, re.IGNORECASE):
        return None
    return head.group(1), whole


def repair_cloze(
    prompt: str, answer: str, language: str, text: str = "", topics: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """The cloze's prompt and main answer once its bad blanks are trimmed or taken out, or None to drop it."""
    prompt = without_cross_references(prompt)
    pieces: list[str] = []
    kept: list[tuple[str, str]] = []  # (old, new) of the blanks that stay
    at = 0
    members = _list_members(prompt)
    for m in _BLANK.finditer(prompt):
        pieces.append(prompt[at : m.start()])
        at = m.end()
        inner = m.group(1)
        glued = _touches_code(prompt, m.start(), m.end()) or _in_cross_reference(prompt, m.start())
        before = prompt[: m.start()].rstrip()
        cited_year = YEAR.fullmatch(inner) and before.endswith("(") and prompt[m.end() : m.end() + 1] in "),;"
        at_start = not prompt[: m.start()].strip()
        lowered = inner[:1].lower() + inner[1:] if at_start else inner
        one_verb = all(verb_like(w, language) for w in lowered.split())  # "[[supprimez]]", "[[pouvez annuler]]"
        after_verb = _without_verb(inner, language) if _after_modal(before, language) else inner
        one_verb = one_verb or not after_verb
        # a common word beside better blanks: "Further [[distributions]] …, notably [[SuppDists]]"
        common = _common_word(inner, language, text)
        blanks = _BLANK.findall(prompt)
        several = len(blanks) > 1
        # a plain word beside a blank on a particular thing, even a word the text dwells on: "the [[profiles]] are
        # compiled … by the [[apparmor_parser]] command", "[[sarge]] … for the same [[architectures]]" (the judged
        # tuning queues edited every one of them to the particular blank alone)
        common = (
            common
            or _plain_word(inner, language)
            and (
                inner != answer
                or not _heading_word(inner, text)
                or any(b != inner and code_like(b, language) for b in blanks)
            )
            and any(b != inner and _strong_blank(b, language, topics) for b in blanks)
        )
        # one member of a list the sentence gives beside a blank on something else: "le 19 juillet [[2002]] pour les
        # architectures … PowerPC, ARM, HP PA-RISC, [[IA-64]], MIPS": the date is asked, the member was guesswork
        listed = inner in members and any(b not in members for b in blanks)
        if glued or cited_year or one_verb or (common or listed or on_topic(inner, topics, language)) and several:
            pieces.append(inner)
            continue
        new = after_verb if after_verb != inner else _trimmed(inner, language) or inner
        if new != inner and _visible(prompt.replace(m.group(0), f"[[{new}]]"), new) and not code_like(new, language):
            new = inner  # the trimmed answer is readable elsewhere: keep the blank as it was
        whole = _whole_term(pieces[-1], inner, prompt, m, text) if new == inner else None
        if whole is not None:
            # "chargeur de [[démarrage]]" -> "[[chargeur de démarrage]]": the term the text names, not its last word
            head, new = whole
            pieces[-1] = pieces[-1][: len(pieces[-1]) - len(head)]
            pieces.append(f"[[{new}]]")
            kept.append((inner, new))
            continue
        if new != inner:
            head, _, tail = inner.partition(new)
            pieces.append(f"{head}[[{new}]]{tail}")
        else:
            pieces.append(m.group(0))
        kept.append((inner, new))
    pieces.append(prompt[at:])
    if not kept:
        return None
    out = "".join(pieces)
    if out == prompt:
        return out, answer
    for old, new in kept:
        if new != old and code_like(new, language):
            # a code token trimmed out of its blank is blanked wherever the sentence names it again
            out = _blank_everywhere(out, new)
    if any(_visible(out, new) for _, new in kept):
        return None  # the trimmed answer is readable elsewhere in the prompt
    main = next((new for old, new in kept if old == answer), kept[0][1])
    return out, main


# --- sentences ----------------------------------------------------------------------------------------------------

_STARTS_MID_THOUGHT = {
    "en": re.compile(
        r"^(?:and|but|so|or|also|then|thus|hence|therefore|in this (?:specific )?case|in the case of|in the following"
        r"|let us|let.s|note the|notice that"
        r"|in (?:this|that|the previous|the following) example|at that time|at this point)\b",
        re.IGNORECASE,
    ),
    "fr": re.compile(
        r"^(?:et|mais|donc|or|puis|ainsi|alors|au moment de (?:sa|son|leur)|dans ce cas|dans cet exemple"
        r"|à cette époque|ce dernier|cette dernière|ces derniers|ces dernières)\b",
        re.IGNORECASE,
    ),
}
_DEPENDS_ON_EXAMPLE = re.compile(
    r"\b(?:for example|for instance|in this example|the following example|already seen|par exemple|dans cet exemple"
    r"|l'exemple suivant|déjà vu)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"\b(?:next|previous|former|latter|prochaine?s?|précédente?s?)\b", re.IGNORECASE)
# (French "dans ce traitement", "parmi ces traitements" mostly name what the paragraph is about: not counted)
_DEICTIC = re.compile(r"\b(?:this|these|that|those|here)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"(?:^|[\s\"“«(])(?:I|I'm|I've|I'd|[Mm]y|[Jj]e|[Jj]'\w+)(?=[\s,;.!?])")
_INTRO = re.compile(r"^(?:According to the text|D'après le texte|Fill in the blank|Complétez)\s?:\s*")


def mid_thought(statement: str, language: str) -> bool:
    """Read alone, the sentence lacks what it continues: a connective or a reference at its start, a quotation
    entered in its middle ("... has always been"), an example it comments."""
    body = _INTRO.sub("", statement).lstrip()
    if body.startswith(("...", "…", '"...', "« ...", "“...")):
        return True
    if body[:1] in '"“' and body.count(body[0]) + body.count("”") == 1:
        return True  # an opening quote never closed: a quotation cut from a longer one
    pattern = _STARTS_MID_THOUGHT.get(language, _STARTS_MID_THOUGHT["en"])
    if pattern.match(body) or _DEPENDS_ON_EXAMPLE.search(body):
        return True
    # "the next release", "la version précédente", "Here the program…this", "The key value of this change" early on:
    # which one is in an earlier sentence
    if _RELATIVE.search(" ".join(body.split()[:6])) or _DEICTIC.search(" ".join(body.split()[:6])):
        return True
    # a testimony in the first person ("I recall", "If I remember correctly") is a quotation's aside
    return bool(_FIRST_PERSON.search(body))


def unquoted(statement: str) -> str:
    """ "According to the text: "Debian 0.91 was released…" without the quotation mark the sentence opened and
    another sentence closes."""
    m = _INTRO.match(statement)
    head, body = (statement[: m.end()], statement[m.end() :]) if m else ("", statement)
    if body[:1] in '"“' and body.count(body[0]) + body.count("”") == 1:
        return head + body[1:]
    return statement


# plural indefinite determiners: a subject they open is new to the reader, presented by the list that follows
_INDEFINITE = set("des plusieurs quelques certains certaines diverses divers several some many various".split())


def anonymous_list(prompt: str) -> bool:
    """A list item asked after a lead that names nothing ("Les nouvelles fonctionnalités incluent : …"): whose
    features, the paragraph before said."""
    body = _INTRO.sub("", prompt)
    lead, colon, _ = body.partition(" : ") if " : " in body else body.partition(": ")
    if not colon or len(lead.split()) > 12:
        return False
    words = re.sub(r"\[\[|\]\]", "", lead).split()
    if len(words) < 3:
        return False  # a label ("Profile: …"), not a sentence that introduces a list
    clause = re.sub(r"\[\[|\]\]", "", lead).rsplit(",", 1)[-1].split()
    if clause and clause[0].casefold() in _INDEFINITE:
        return False  # "des solutions se construisent :", "several tools appear:" present what they list
    return not any(w[:1].isupper() or any(ch.isdigit() for ch in w) for w in words[1:])


# --- flashcards and acronym cards -----------------------------------------------------------------------------

_CONTEXT_WORDS = {"first", "second", "third", "last", "next", "previous", "other", "same", "former", "latter"}
# a count or a quantity opening the front: "What are two slightly different summaries?" (of what, the sentence
# before said)
_CONTEXT_WORDS |= {"two", "three", "four", "five", "several", "some", "both", "many", "various", "these", "those"}


def english_front(front: str, term: str, passage: str) -> str | None:
    """ "What is Debian Project?" -> "What is the Debian Project?" (the article the text gives it, else "the"
    for a name of several words; none for a mass noun); None when the term needs its context ("first event
    detected")."""
    m = re.fullmatch(r"What (is|are) (.+)\?", front)
    if not m:
        return front
    verb, shown = m.groups()
    words = shown.split()
    if words[0].casefold() in _CONTEXT_WORDS:
        return None
    if words[0].casefold() in ("a", "an", "the") or len(words) == 1 and (shown[:1].isupper() or verb == "are"):
        return front  # "What is AppArmor?", "What are vectors?"
    before = re.search(r"(\w+)\s+" + re.escape(shown) + r"\b", passage, re.IGNORECASE)
    article = before.group(1).casefold() if before and before.group(1).casefold() in ("a", "an", "the") else ""
    if not article:
        if verb == "are":
            return front
        if not all(w[:1].isupper() for w in words):
            return front  # no article in the text: a mass noun ("What is gene therapy?")
        article = "the"  # a name of several words: the Debian Project
    return f"What {verb} {article} {shown}?"


def bad_expansion(answer: str, acronym: str) -> bool:
    """An acronym card whose "expansion" is a sentence about the acronym ("BIOS ne charge pas…")."""
    return bool(acronym) and re.search(r"(?<!\w)" + re.escape(acronym) + r"(?!\w)", answer) is not None


def _shape(word: str) -> tuple:
    letters = [ch for ch in word if ch.isalpha()]
    capitals = sum(ch.isupper() for ch in letters) * 2 >= len(letters) > 0  # "CRISPR-Cas9" reads as capitals
    return (capitals, any(ch.isdigit() for ch in word))


def misfit_choices(answer: str, distractors: list[str]) -> bool:
    """Distractors of another shape than the answer (an acronym offered for a key name, "TRUE" among
    abbreviations, a gene symbol for a function key) are seen through at a glance."""
    if any(_abbreviates(d, answer) or _abbreviates(answer, d) for d in distractors):
        return True  # "CTRL" against "CONTROLE" is also right
    return sum(_shape(d) != _shape(answer) for d in distractors) >= 2 or any(
        d.isupper() and d.casefold() in ("true", "false", "vrai", "faux") for d in distractors
    )


def said_once(prompt: str, text: str) -> bool:
    """A cloze with a blank the text names only once: a word the sentence happens to hold ("[[défectueux]]",
    "[[assez abstrait]]") more often than what the text teaches (on the tuning texts, 13 % of such clozes were
    usable as they were, 33 % of the others)."""
    blanks = _BLANK.findall(prompt)
    return bool(blanks) and all(
        len(re.findall(r"(?<!\w)" + re.escape(b) + r"(?!\w)", text, re.IGNORECASE)) <= 1 for b in blanks
    )


def list_member(prompt: str) -> bool:
    """A cloze blanking one member of a list the sentence gives ("32 and 64 bit [[x86]], [[ARM]], MIPS, PowerPC",
    "« [[Delete]] », « Del » ou « Backspace »"): which member was left out is guesswork, not what the sentence
    teaches (a question on the whole list, or on what its members have in common, would be)."""
    plain = _BLANK.sub(lambda m: m.group(1), prompt)
    tokens = [list_tokens(plain)]
    return any(len(listed_with(b, tokens)) >= LIST_MEMBERS for b in _BLANK.findall(prompt))


def _list_members(prompt: str) -> set[str]:
    """The blanks of a cloze that are members of a list of five or more the sentence gives."""
    blanks = _BLANK.findall(prompt)
    if len(blanks) < 2:
        return set()
    tokens = [list_tokens(_BLANK.sub(lambda m: m.group(1), prompt))]
    return {b for b in blanks if list_size(b, tokens) >= LONG_LIST_MEMBERS}


def members_blanked(prompt: str) -> bool:
    """A cloze blanking two or more members of one list of three or more ("les commandes [[C-p]], [[C-b]], [[C-f]],
    et C-n", "32 and 64 bit [[x86]], [[ARM]], MIPS, [[PowerPC]]"): nothing in the sentence tells which goes where,
    however important each member is to the text."""
    blanks = _BLANK.findall(prompt)
    if len(blanks) < 2:
        return False
    plain = _BLANK.sub(lambda m: m.group(1), prompt)
    tokens = [list_tokens(plain)]
    keys = {" ".join(w for w in list_tokens(b) if w not in ",;") for b in blanks}
    # a pair ("the [[pxxx]] and [[qxxx]] functions all have…") says the same of both: asked as it is
    return any(len(members := listed_with(b, tokens)) >= LIST_MEMBERS and members & keys for b in blanks)


_COUNT_BEFORE = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f.,]\d{3})*\s+(?:[^\W\d_]+\s+)?$")
_COUNT_INSIDE = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f.,]\d{3})*\s+(?=[^\W\d_])(?!\w*[A-Z])")


def counted(prompt: str) -> bool:
    """A cloze whose every blank is the thing a number counts ("plus de 29 000 [[paquets binaires]]", "[[12 800
    nouveaux paquets]]", "dans [[73]] langues" aside): the unit of a figure, which the learner guesses from the
    number, not what the sentence teaches."""
    found = list(_BLANK.finditer(prompt))
    return bool(found) and all(
        (_COUNT_BEFORE.search(prompt[: m.start()]) and m.group(1)[:1].islower()) or _COUNT_INSIDE.match(m.group(1))
        for m in found
    )


def _abbreviates(short: str, long: str) -> bool:
    """ "CTRL" of "CONTROLE": the first letter, then the others in order."""
    short, long = short.casefold(), long.casefold()
    if len(short) >= len(long) or not short or short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


# --- the gate -----------------------------------------------------------------------------------------------------

# Confidence factors of the items moved down. Furniture is moved far down rather than dropped: a teacher
# may still want the fact a transcript line shows, and the queue keeps everything a key fact might need.
FURNITURE_PENALTY = 0.3
CHOICE_PENALTY = 0.6  # a fill-in-the-blank choice whose distractors do not fit, below a typed blank
FITTING_CHOICE_PENALTY = 0.85
COMMON_BLANK_PENALTY = 0.75
CROSS_REFERENCE_PENALTY = 0.7
MID_THOUGHT_PENALTY = 0.5
SAID_ONCE_PENALTY = 0.85
# A blank on one member of a list of at least LIST_MEMBERS others, on a term below this importance (a key term
# listed with its siblings, "(expérimental, instable, [[testing]] et stable)", stays where it was).
LIST_MEMBER_PENALTY = 0.7
LIST_MEMBERS = 2
LONG_LIST_MEMBERS = 4  # a list of five or more: a blank on one member is taken out beside another blank
LIST_MEMBER_IMPORTANCE = 0.6
COUNTED_PENALTY = 0.7
MEMBERS_BLANKED_PENALTY = 0.5
SAME_PARAGRAPH_PENALTY = 0.8  # the third item and later from one paragraph
PER_PARAGRAPH = 2
STATEMENT_PENALTY = 0.85  # the fifth true/false and later: a queue of statements tests recognition only
PER_STATEMENT_RUN = 4


def gate(candidates: Sequence, text: str) -> list:
    """The candidates a teacher would consider, repaired, highest confidence first (derive's order between
    equals). Duplicates merged into another candidate (an int `duplicate_of`) pass untouched."""
    out = []
    topics = topic_words(text)
    for c in candidates:
        if isinstance(c.duplicate_of, int):
            out.append(c)
            continue
        if _check(c, text, topics):
            out.append(c)
    _spread(out, text)
    order = sorted(range(len(out)), key=lambda i: (-out[i].confidence, i))
    return [out[i] for i in order]


def _check(c, text: str, topics: frozenset[str] = frozenset()) -> bool:
    """Drop (False), repair or move down one candidate."""
    passage = c.passage or text[c.start : c.end]
    language = c.language if c.language in ("en", "fr") else "en"
    factor = FURNITURE_PENALTY if furniture(passage) or cut_short(passage, language) else 1.0
    if c.kind == "short" and c.answer_type == "acronym" and bad_expansion(c.answer, c.term):
        return False
    if c.kind == "flashcard" and language == "en":
        front = english_front(c.prompt, c.term or c.answer, passage)
        if front is None:
            return False
        c.prompt = front
    if c.kind == "cloze":
        repaired = repair_cloze(c.prompt, c.answer, language, text, topics)
        if repaired is None:
            # nothing left worth a blank: kept far down, as furniture, for the fact it may still show
            repaired = (c.prompt, c.answer)
            factor *= FURNITURE_PENALTY
        prompt, main = repaired
        if main != c.answer:
            if c.term == c.answer:
                c.term = main
            if c.highlight == c.answer:
                c.highlight = main
            c.answer = main
        c.prompt = prompt
    if c.kind in ("single", "true_false") and _URL.search(c.prompt):
        return False
    if c.kind == "single" and _INTRO.match(c.prompt):
        distractors = [x for x, right in c.choices if not right]
        # distractors the text never names come from the bank's other topics ("CD19" offered for a key)
        foreign = any(d not in text for d in distractors)
        if misfit_choices(c.answer, distractors) and c.prompt.count(BLANK) == 1:
            # choices seen through at a glance: the learner types the answer instead
            c.kind, c.choices = "cloze", []
            c.reason = reasons.BLANKED.format(label=reasons.label(c.answer_type), why=reasons.TYPED_INSTEAD)
            c.prompt = _INTRO.sub("", c.prompt).replace(BLANK, f"[[{c.answer}]]")
            factor *= FITTING_CHOICE_PENALTY
        else:
            factor *= CHOICE_PENALTY if foreign else FITTING_CHOICE_PENALTY
    if c.kind == "cloze" and (
        common_blank(c.prompt, language) or all(on_topic(b, topics, language) for b in _BLANK.findall(c.prompt))
    ):
        factor *= COMMON_BLANK_PENALTY
    if c.kind == "cloze" and said_once(c.prompt, text):
        factor *= SAID_ONCE_PENALTY
    if c.kind == "cloze" and list_member(c.prompt) and c.ranking.get("importance", 1.0) < LIST_MEMBER_IMPORTANCE:
        factor *= LIST_MEMBER_PENALTY
    if c.kind == "cloze" and members_blanked(c.prompt):
        factor *= MEMBERS_BLANKED_PENALTY
    if c.kind == "cloze" and counted(c.prompt):
        factor *= COUNTED_PENALTY
    if cross_reference(passage):
        factor *= CROSS_REFERENCE_PENALTY
    if c.kind == "true_false":
        c.prompt = unquoted(c.prompt)
    if c.kind in ("cloze", "single", "true_false") and (mid_thought(c.prompt, language) or anonymous_list(c.prompt)):
        factor *= MID_THOUGHT_PENALTY
    c.confidence = round(c.confidence * factor, 3)
    return True


def _spread(candidates: list, text: str) -> None:
    """Not five items on one paragraph, nor a queue of true/false statements: past PER_PARAGRAPH items of one
    paragraph or PER_STATEMENT_RUN true/false, an item waits behind the others (greedily, so that a moved item is
    compared at its new confidence)."""
    pending = sorted(range(len(candidates)), key=lambda i: (-candidates[i].confidence, i))
    paragraphs = [text.rfind("\n", 0, c.start) + 1 for c in candidates]
    templates = _templates(text)
    series = [templates.get(_template(c.passage or text[c.start : c.end])) for c in candidates]
    counts: dict[object, int] = {}
    while pending:
        best = min(pending, key=lambda i: (-candidates[i].confidence, i))
        pending.remove(best)
        for key, limit, same, factor in (
            (paragraphs[best], PER_PARAGRAPH, lambda i, p=paragraphs[best]: paragraphs[i] == p, SAME_PARAGRAPH_PENALTY),
            ("true_false", PER_STATEMENT_RUN, lambda i: candidates[i].kind == "true_false", STATEMENT_PENALTY),
            (series[best], 1, lambda i, t=series[best]: series[i] == t, SERIES_PENALTY),
        ):
            if key == "true_false" and candidates[best].kind != "true_false" or key is None:
                continue
            counts[key] = counts.get(key, 0) + 1
            if counts[key] >= limit:
                for i in pending:
                    if same(i):
                        candidates[i].confidence = round(candidates[i].confidence * factor, 3)


# Sentences cast in one mould ("The sixth DebConf was held in…", "The seventh DebConf…"): a series of like facts
# (yearly events, numbered meetings), of which a queue needs one, not ten.
SERIES_PENALTY = 0.6
SERIES_MIN = 3
_ORDINAL = re.compile(r"^(?:first|second|third|\w+th|premi[eè]re?|second[e]?|\w+ième)$", re.IGNORECASE)


def _template(sentence: str) -> tuple | None:
    words = re.findall(r"\w+", sentence)[:2]
    shaped = tuple("<n>" if _ORDINAL.match(w) else w.casefold() for w in words)
    return shaped if "<n>" in shaped else None


def _templates(text: str) -> dict[tuple, tuple]:
    """Each sentence opening (two words, ordinals as one: "The sixth", "La onzième") shared by SERIES_MIN
    sentences or more."""
    counts: dict[tuple, int] = {}
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        key = _template(sentence.strip())
        if key:
            counts[key] = counts.get(key, 0) + 1
    return {key: key for key, n in counts.items() if n >= SERIES_MIN}
