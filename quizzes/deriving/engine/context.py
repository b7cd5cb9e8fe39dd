"""Whether a sentence can be asked on its own: it may lean on the one before it (a connective, an anaphoric pronoun
or demonstrative at its start), or be text furniture (a caption, a source or credit line, a first-person or blog
aside) that is no content to learn.

A teacher reading the review queue sees the prompt, not the text around it: "Puis, les lymphocytes modifiés sont
réinjectés" or "These antibodies recognise CagA" ask about something the prompt does not say. Such a sentence is
asked with the sentence before it, or not at all.
"""

import re

from .sentences import Sentence, Token

# Connectives that tie a sentence to the one before it: contrast, cause, consequence, sequence, place. Additive ones
# ("moreover", "de plus") are left out: the sentence after them usually stands on its own.
_CONNECTIVES = {
    "en": (
        "then",
        "thus",
        "therefore",
        "hence",
        "however",
        "consequently",
        "as a result",
        "for this reason",
        "for that reason",
        "for these reasons",
        "in contrast",
        "by contrast",
        "on the other hand",
        "on the contrary",
        "conversely",
        "nevertheless",
        "nonetheless",
        "instead",
        "otherwise",
        "once there",
        "once inside",
        "once in place",
        "there",
        "here",
        "in turn",
        "afterwards",
        "after that",
        "next",
        "similarly",
        "likewise",
        "accordingly",
        "even so",
        "to this end",
        "to that end",
        "in doing so",
        "in so doing",
        "in both cases",
        "in either case",
    ),
    "fr": (
        "puis",
        "ensuite",
        "alors",
        "donc",
        "ainsi",
        "pourtant",
        "cependant",
        "toutefois",
        "néanmoins",
        "en revanche",
        "au contraire",
        "par contre",
        "à l'inverse",
        "inversement",
        "de ce fait",
        "du coup",
        "par conséquent",
        "en conséquence",
        "c'est pourquoi",
        "pour cette raison",
        "pour ces raisons",
        "dès lors",
        "une fois sur place",
        "une fois là",
        "une fois dans",
        "là",
        "de même",
        "de la même façon",
        "de la même manière",
        "à cette fin",
        "pour ce faire",
        "dans les deux cas",
        "à leur tour",
        "à son tour",
    ),
}

# Determiners that point back ("these antibodies", "cette technique"), and pronouns standing for something named
# before ("it", "celui-ci", "the latter").
_DEMONSTRATIVES = {"en": {"this", "these", "those", "that", "such"}, "fr": {"ce", "cet", "cette", "ces"}}
_PRONOUNS = {
    "en": {"it", "they", "he", "she", "its", "their", "them", "both", "latter", "former"},
    "fr": {
        "il",
        "elle",
        "ils",
        "elles",
        "cela",
        "ceci",
        "ça",
        "celui-ci",
        "celle-ci",
        "ceux-ci",
        "celles-ci",
        "celui-là",
        "celle-là",
        "ceux-là",
        "celles-là",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "c'",
        "eux",
        "lui",
    },
}
# "ce dernier", "the latter": a pronoun made of a determiner and an adjective
_LATTER = {"en": {"latter", "former"}, "fr": {"dernier", "dernière", "derniers", "dernières"}}
# A preposition may come first: "In that bacterium", "Dans ce cas", "Chez ces patients", "Parmi eux".
_PREPOSITIONS = {
    "en": {
        "in",
        "with",
        "for",
        "from",
        "by",
        "at",
        "on",
        "through",
        "after",
        "before",
        "during",
        "among",
        "of",
        "to",
        "into",
        "despite",
        "via",
        "without",
        "within",
        "between",
        "against",
        "unlike",
        "like",
        "besides",
    },
    "fr": {
        "dans",
        "avec",
        "pour",
        "chez",
        "par",
        "sur",
        "de",
        "d'",
        "à",
        "après",
        "avant",
        "pendant",
        "selon",
        "parmi",
        "en",
        "grâce",
        "malgré",
        "sans",
        "entre",
        "contre",
        "outre",
        "via",
        "sous",
        "dès",
        "lors",
        "face",
        "au",
        "aux",
        "du",
        "des",
    },
}
# "Il existe", "It is estimated that": an impersonal subject stands for nothing said before.
_ADJECTIVES = {
    "en": r"possible|impossible|important|necessary|difficult|essential|likely|unlikely|clear|worth|crucial|"
    r"interesting|useful|hard|easy|common|rare|advisable|noteworthy|true",
    "fr": r"possible|impossible|important|nécessaire|difficile|essentiel|probable|certain|clair|intéressant|utile|"
    r"indispensable|fréquent|rare|courant|recommandé|conseillé|prévu|admis|établi|connu|vrai|urgent|crucial|"
    r"question|temps|facile",
}
_IMPERSONAL = {
    "en": re.compile(
        r"^it\s+(?:is|was|has been|had been|will be|would be|may be|might be|can be|could be|remains|seems|appears|"
        r"becomes|became)\s+(?:now\s+|also\s+|still\s+|therefore\s+|often\s+|generally\s+|not\s+)*"
        r"(?:(?:" + _ADJECTIVES["en"] + r")\b|(?:estimated|known|thought|believed|shown|reported|expected|hoped|"
        r"suggested|noted|assumed|accepted|recommended|feared|said)\s+that\b|to\b)"
    ),
    "fr": re.compile(
        r"^il\s+(?:(?:peut|pourrait|doit|devrait|pouvait)\s+(?:également\s+|aussi\s+|donc\s+)?(?:s'agir|y\s+avoir|exister)|existe|existait|existera|y\s+a|y\s+avait|y\s+aura|faut|fallait|faudra|faudrait|s'agit|"
        r"s'agissait|reste|restait|suffit|semble|apparaît|convient|importe|arrive|paraît|manque|"
        r"(?:est|était|sera|serait|devient|paraît|semble|reste)\s+(?:donc\s+|aussi\s+|encore\s+|très\s+|"
        r"souvent\s+|peu\s+|pas\s+)*(?:" + _ADJECTIVES["fr"] + r")\b)"
    ),
}

_CONNECTIVE_RE = {
    lang: re.compile(
        r"^(?:" + "|".join(re.escape(c).replace("'", "['’]") for c in sorted(words, key=len, reverse=True)) + r")\b"
        r"(?!-)"
    )
    for lang, words in _CONNECTIVES.items()
}


def _words(tokens: list[Token]) -> list[str]:
    return [t.lower for t in tokens if t.kind in ("word", "elision", "number")]


def leans_on_previous(sentence: Sentence) -> bool:
    """Does the sentence need the one before it to be understood? A connective at its start ("Puis", "Once there",
    "Pour cette raison"), an anaphoric subject ("It", "Ils", "Celui-ci", "The latter"), or a demonstrative with its
    noun ("These antibodies", "Ce dernier", "Dans ce cas"), possibly after a preposition."""
    language = sentence.language if sentence.language in ("en", "fr") else "en"
    lowered = sentence.text.strip().lstrip("«“\"'(").casefold().replace("’", "'")
    if _IMPERSONAL[language].match(lowered):
        return False
    m = _CONNECTIVE_RE[language].match(lowered)
    if m:
        rest = lowered[m.end() :].lstrip()
        # "There are …", "Here we …" start a sentence of their own; "Ensuite, …", "Once there, …" do not
        if m.group() not in ("there", "here", "là", "alors", "ainsi", "donc") or rest.startswith(","):
            return True
        if m.group() in ("there", "here") and _DETERMINER_NEXT.match(rest):
            return True  # "Here the program asks…": the example shown before
        if m.group() in ("ainsi", "donc", "alors") and not rest.startswith(("que ", "qu'")):
            return True
    if _pronoun_after_clause(lowered, language) or _AFTER_VERB[language].match(lowered):
        return True
    words = _words(sentence.tokens)[:6]
    if not words:
        return False
    if _possessive_opening(lowered, language):
        return True
    k = 0
    if words[0] in _PREPOSITIONS[language] and len(words) > 1:
        k = 1
        if words[1] in _PREPOSITIONS[language] and len(words) > 2:  # "grâce à ces", "face à cela"
            k = 2
    head = words[k]
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if head in _PRONOUNS[language]:
        return True  # "It encodes", "Ils ciblent", "Celui-ci", "Leur rôle", "Parmi eux"
    if head in _DEMONSTRATIVES[language]:
        if head == "that" and k == 0 and nxt in ("is", "was"):
            return True  # "That is why …"
        if language == "fr" and head == "ce" and nxt in ("qui", "que", "qu'", "dont"):
            return False  # "Ce qui …" introduces what follows
        return True
    if head == "the" and nxt in _LATTER["en"]:
        return True
    return language == "fr" and head in ("le", "la", "les") and nxt in _LATTER["fr"]


_POSSESSIVES = {"en": {"its", "their", "his", "her"}, "fr": {"sa", "son", "ses", "leur", "leurs"}}


def _possessive_opening(lowered: str, language: str) -> bool:
    """An opening phrase whose possessive stands for something named before: "Au moment de sa sortie, …", "Lors de
    leur création, …", "At its release, …" (whose release, the sentence before said)."""
    head, comma, _ = lowered.partition(",")
    words = re.findall(r"[\w'-]+", head)
    return bool(comma) and 1 < len(words) <= 5 and any(w in _POSSESSIVES[language] for w in words[1:])


def points_at_example(sentence: Sentence) -> bool:
    """A paragraph opening on "Here the program…", "There the daemon…": it comments what was shown above it (a
    transcript, a listing, a screen), which no sentence of prose before it gives."""
    lowered = sentence.text.strip().casefold()
    m = re.match(r"(?:here|there)\s+", lowered)
    return sentence.first_in_block and m is not None and bool(_DETERMINER_NEXT.match(lowered[m.end() :]))


# A connective right after the opening verb: "Faites alors M-y", "Tapez ensuite…", "Type then…", "Run again…".
_AFTER_VERB = {
    "en": re.compile(r"^(?:type|press|run|do|use|try|call|select|click)\s+(?:then|again|now|next)\b"),
    "fr": re.compile(
        r"^(?:[a-zéèêàâîôûç]+ez|faites|dites)\s+(?:alors|ensuite|puis|donc|maintenant|à nouveau|de nouveau)\b"
    ),
}
_DETERMINER_NEXT = re.compile(r"(?:the|this|these|that|those|a|an|our|its|their)\s")
# A sentence opening on a clause of time, condition or cause ("When given an argument, they scroll…", "Lorsqu'on
# leur donne un paramètre, elles font défiler…"): its subject comes after the comma, and may point back as well.
_OPENING_CLAUSE = {
    "en": re.compile(r"^(?:when|whenever|if|once|as soon as|as long as|because|since|although|though|unless|while)\b"),
    "fr": re.compile(r"^(?:lorsqu|quand|si|s'|dès qu|puisqu|bien qu|parce qu|tant qu|une fois qu|alors qu)"),
}


def _pronoun_after_clause(lowered: str, language: str) -> bool:
    """The main clause after an opening subordinate clause has an anaphoric subject ("…, elles font défiler")."""
    if not _OPENING_CLAUSE[language].match(lowered) or "," not in lowered:
        return False
    clause, main = lowered.split(",", 1)
    main = main.lstrip()
    if _IMPERSONAL[language].match(main):
        return False  # "Si …, il faut …"
    first = re.match(r"[\w'-]+", main)
    subjects = {"en": {"it", "they", "he", "she"}, "fr": {"il", "elle", "ils", "elles", "celui-ci", "celle-ci"}}
    if first is None or first.group() not in subjects[language] | _DEMONSTRATIVES[language] - {"that"}:
        return False
    # "Si le paquet est absent, il est téléchargé": the pronoun stands for the clause's own noun; it points back
    # when the clause names nothing definite or leans itself ("Lorsqu'on leur donne…")
    words = set(re.findall(r"[\w-]+'?", clause))
    definite = {"en": {"the"}, "fr": {"le", "la", "les", "l'"}}[language]
    return bool(words & _PRONOUNS[language] - {"c'"}) or not words & definite


# Captions, sources and credits, and the author's voice: not content to learn.
_FURNITURE = {
    "en": re.compile(
        r"^(?:fig(?:ure)?s?\.?\s*\d+|table\s+\d+|source|sources|credits?|photo(?:\s+credits?)?|image|caption|"
        r"illustration)\s*[:.–—-]"
        r"|\b(?:i'm|i've|i'd|i'll|my)\b"
        r"|\b(?:we|we'll)\s+(?:will|shall|are going to|'ll)\s+(?:see|look|discuss|explain|show|explore|review|talk)"
        r"|\b(?:as|like)\s+we\s+(?:will\s+|shall\s+)?(?:see|saw|have seen|said|mentioned|noted|explained)\b"
        r"|\blet(?:'s| us)\b"
        r"|\b(?:this|the present|our|my|next|previous)\s+(?:blog\s+)?(?:post|article|blog|page|video|episode|"
        r"newsletter|podcast)\b"
        r"|\b(?:read on|stay tuned|click here)\b"
    ),
    "fr": re.compile(
        r"^(?:fig(?:ure)?s?\.?\s*\d+|tableau\s+\d+|source|sources|crédits?(?:\s+photos?)?|photo|image|légende|"
        r"illustration|schéma)\s*[:.–—-]"
        r"|\b(?:je|j'|moi|mon avis|à mon sens|selon moi)(?=\W)"
        r"|\bnous\s+(?:verrons|allons\s+(?:voir|parler|expliquer|découvrir|aborder)|avons\s+vu|aborderons|"
        r"parlerons|expliquerons|détaillerons)\b"
        r"|\b(?:comme|ainsi que)\s+(?:nous|on)\s+(?:l'|le\s+)?(?:verra|verrons|avons\s+vu|a\s+vu|voit|disions)"
        r"|\b(?:on va voir|voyons|voyez|rendez-vous)\b"
        r"|\b(?:cet|ce|notre|le présent|le prochain|le précédent)\s+(?:article|billet|post|blog|épisode|podcast|"
        r"dossier|numéro)\b"
        r"|\b(?:lire la suite|cliquez ici|ci-dessous|ci-dessus)\b"
    ),
}


# "I think", but not the Roman numeral of "phase I/II", "type I" or "I.e.".
_FIRST_PERSON_I = re.compile(
    r"(?<![Pp]hase )(?<![Tt]ype )(?<![Ss]tage )(?<![Gg]rade )(?<![Cc]lass )(?<![Cc]lasse )\bI\b(?![/.’'-])"
    r"(?!\s+(?:or|and|to|et|ou|à)\s+I)"
)


def is_furniture(sentence: Sentence) -> bool:
    """A caption, a source or credit line, or an aside in the author's voice ("In this post, we will see…",
    "Je pense que…"): no item is made from it, and it is no context for the sentence after it."""
    language = sentence.language if sentence.language in ("en", "fr") else "en"
    lowered = sentence.text.strip().casefold().replace("’", "'")
    if language == "en" and _FIRST_PERSON_I.search(sentence.text):
        return True
    return bool(_FURNITURE[language].search(lowered))


def without_connective(sentence: Sentence, text: str) -> Sentence | None:
    """The sentence without the connective that ties it to the one before ("Pour cette raison, la leucémie…" ->
    "La leucémie…"), when what is left stands on its own; None otherwise. Its offsets still point into `text`."""
    language = sentence.language if sentence.language in ("en", "fr") else "en"
    lowered = sentence.text.casefold().replace("’", "'")
    m = _CONNECTIVE_RE[language].match(lowered)
    if not m or not lowered[m.end() :].startswith(","):
        return None
    skip = m.end() + 1
    while skip < len(sentence.text) and sentence.text[skip].isspace():
        skip += 1
    start = sentence.start + skip
    if start >= sentence.end:
        return None
    rest = text[start : sentence.end]
    stripped = Sentence(
        sentence.index,
        start,
        sentence.end,
        rest[:1].upper() + rest[1:],
        sentence.language,
        sentence.block,
        sentence.block_start,
        heading=sentence.heading,
        bullet=sentence.bullet,
    )
    stripped.tokens = [t for t in sentence.tokens if t.start >= start]
    stripped.first_in_block = sentence.first_in_block
    if not stripped.tokens or leans_on_previous(stripped) or len(stripped.text.split()) < 6:
        return None
    return stripped
