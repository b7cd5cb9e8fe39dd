"""Why the deriver made a candidate, in words a reviewer reads.

The deriver stores its reasons in English, each built from one of the templates below; the app shows them in the
reviewer's language (`quizzes.candidates.localized_reason`), which is why every template and every part that fills
one is listed here, marked for makemessages. The deriver itself needs no Django.
"""

import re


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages (which looks for this name) without translating it."""
    return message


# What was blanked or asked: the {label} of the templates.
TYPES = {
    "drug": gettext_noop("drug name"),
    "gene": gettext_noop("gene symbol"),
    "symbol": gettext_noop("symbol"),
    "acronym": gettext_noop("acronym"),
    "year": gettext_noop("year"),
    "percent": gettext_noop("percentage"),
    "number": gettext_noop("number"),
    "disease": gettext_noop("disease"),
    "person": gettext_noop("person's name"),
    "place": gettext_noop("place"),
    "term": gettext_noop("key term"),
}

# How a term was recognised: the {why} of BLANKED.
PERCENTAGE = gettext_noop("a percentage")
YEAR = gettext_noop("a year")
COUNT = gettext_noop("a count of {noun}")
CODE_NAME = gettext_noop("a drug code name")
GENE_NEXT_TO_GENE = gettext_noop("a gene symbol next to 'gene'")
SYMBOL = gettext_noop("a symbol")
ACRONYM = gettext_noop("an acronym")
PLACE = gettext_noop("a place")
PERSON = gettext_noop("a person's name")
UNKNOWN_CAPITALISED = gettext_noop("an unknown capitalised word in a sentence about drugs")
INN = gettext_noop("an international non-proprietary drug name")
LATIN = gettext_noop("a Latin technical term")
KNOWN_DRUG = gettext_noop("a drug name already recognised in the text")
DISEASE_NAMED = gettext_noop("a disease named in the text")
RARE_PHRASE = gettext_noop("a rare noun phrase")
# (the final gate's: a choice item whose distractors a learner would see through, asked as a typed blank instead)
TYPED_INSTEAD = gettext_noop("its distractors were of another kind, so it is typed")

# The reasons themselves.
BLANKED = gettext_noop("{label} blanked ({why})")
BLANKED_WITH_DISTRACTORS = gettext_noop("{label} blanked, with distractors of the same type from the text")
BLANKED_WITH_BANK_DISTRACTORS = gettext_noop(
    "{label} blanked, with distractors of the same type from the text and the bank"
)
SEVERAL_BLANKED = gettext_noop("{n} key terms of one sentence blanked ({labels})")
STATEMENT = gettext_noop("a statement with a {label}")
STATEMENT_SWAPPED = gettext_noop("a statement with a {label}, swapped for another value")
EXPANSION = gettext_noop("an acronym defined next to its expansion")
DEFINITION = gettext_noop("a definition sentence ('{cue}')")
COLON_DEFINITION = gettext_noop("a term followed by a colon and its description")
EXPLAINED = gettext_noop("a term explained with '{cue}'")
INDICATION = gettext_noop("drug name in a sentence with an indication cue ({cues})")
INDICATED_DISEASE = gettext_noop("disease named after an indication cue for a drug")
LIST_ITEM = gettext_noop("a list item's leading noun phrase blanked after the sentence that introduces the list")
LIST = gettext_noop("the {n} items of a list blanked after the sentence that introduces it")
TABLE_ROW = gettext_noop("a row of a table asked by its name column")
KEY_BINDING = gettext_noop("a key and its action in a summary of key bindings")

TEMPLATES = (
    BLANKED,
    BLANKED_WITH_DISTRACTORS,
    BLANKED_WITH_BANK_DISTRACTORS,
    SEVERAL_BLANKED,
    STATEMENT,
    STATEMENT_SWAPPED,
    EXPANSION,
    DEFINITION,
    COLON_DEFINITION,
    EXPLAINED,
    INDICATION,
    INDICATED_DISEASE,
    LIST_ITEM,
    LIST,
    TABLE_ROW,
    KEY_BINDING,
)
WHY = (
    PERCENTAGE,
    YEAR,
    COUNT,
    CODE_NAME,
    GENE_NEXT_TO_GENE,
    SYMBOL,
    ACRONYM,
    PLACE,
    PERSON,
    UNKNOWN_CAPITALISED,
    INN,
    LATIN,
    KNOWN_DRUG,
    DISEASE_NAMED,
    RARE_PHRASE,
    TYPED_INSTEAD,
)


def label(kind: str) -> str:
    return TYPES.get(kind, kind)


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)) + r"\Z"
    )


# The most specific templates first: "a statement with a {label}" would also read the swapped one.
_PARSERS = sorted(((template, _pattern(template)) for template in TEMPLATES + WHY), key=lambda t: -len(t[0]))


def parse(reason: str, among: tuple[str, ...] = TEMPLATES) -> tuple[str, dict[str, str]] | None:
    """The template a reason was built from and what filled it, or None for a reason from elsewhere."""
    for template, pattern in _PARSERS:
        if template in among and (m := pattern.match(reason)):
            return template, m.groupdict()
    return None
