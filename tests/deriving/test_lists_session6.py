"""Lists, tables and key bindings (issue 15, session 6). Each test holds lines modelled on the tuning texts' lists,
tables and key-binding summaries whose key facts the deriver missed, or whose list member it blanked with nothing to
tell the members apart, and asserts the item a teacher keeps is made (or the guesswork blank is not).
"""

import re

from quizzes.deriving.engine import Candidate, derive
from quizzes.deriving.engine.documents import prepare, segment
from quizzes.deriving.engine.questions import heading_list_questions
from quizzes.deriving.engine.terms import listed_chord


def blanks(c: Candidate) -> list[str]:
    return re.findall(r"\[\[(.*?)\]\]", c.prompt)


def drafts_of(raw: str, language: str):
    text = prepare(raw, "txt").text
    return heading_list_questions(text, segment(text, language))


# ------------------------------------------------------------------------------------------------- a table

R_TABLE = """8.1 R as a set of statistical tables

One convenient use of R is to provide a comprehensive set of statistical tables.

Distribution R name additional arguments

beta beta shape1, shape2, ncp

binomial binom size, prob

exponential exp rate

normal norm mean, sd

Student’s t t df, ncp

Wilcoxon wilcox m, n

Prefix the name given here by ‘d’ for the density. We can test for a normal distribution with the Shapiro-Wilk
test, and the binomial is discrete. The normal distribution is the one most data sets are compared with.
"""


def test_a_table_row_is_asked_by_its_name_column():
    # The table's rows were read as headings and never asked: the key fact "the normal distribution's R name is
    # norm" was missed.
    drafts = drafts_of(R_TABLE, "en")
    asked = {d.prompt: d.answer for d in drafts}
    assert asked["What is the R name of the normal distribution?"] == "norm"
    assert all(d.kind == "short" for d in drafts)


def test_only_the_rows_the_text_dwells_on_are_asked_and_none_gives_its_answer_away():
    drafts = drafts_of(R_TABLE, "en")
    answers = [d.answer for d in drafts]
    assert answers[0] == "norm"  # named twice outside the table
    assert "beta" not in answers  # "What is the R name of the beta distribution?" would show it
    assert "exp" not in answers  # the text never mentions the exponential distribution outside the table
    assert len(drafts) <= 3


def test_lines_of_prose_are_no_table():
    text = "Some words\n\nThe R name of this is odd\n\nnormal things happen\n\nbinomial tails grow\n\nfine day\n"
    assert drafts_of(text, "en") == []


# -------------------------------------------------------------------------------------- a list of releases

RELEASES = """4.2. The 1.x Releases

Bruce Perens became the leader of the project. Debian gained market share and a reputation. The following Debian
versions were released during this time:

- 1.1 Buzz released June 1996 (474 packages, 2.0 kernel, fully ELF, dpkg)

- 1.2 Rex released December 1996 (848 packages, 120 developers)

- 1.3 Bo released July 1997 (974 packages, 200 developers)

There were several interim "point" releases made to 1.3.
"""


def test_a_release_line_of_a_list_is_asked_by_its_name():
    # "1.1 Buzz released June 1996 (474 packages…)" lost its bullet and was read as a heading: the key fact was
    # missed. Its version number and its date tell the release apart from the others, so its name is asked.
    drafts = drafts_of(RELEASES, "en")
    prompts = [d.prompt for d in drafts]
    assert (
        "The following Debian versions were released: 1.1 [[Buzz]] released June 1996 (474 packages, 2.0 kernel,"
        " fully ELF, dpkg)." in prompts
    )
    assert [d.answer for d in drafts] == ["Buzz", "Rex", "Bo"]


def test_a_release_list_is_asked_in_the_whole_derivation():
    candidates = derive(prepare(RELEASES, "txt").text, language="en")
    assert any(blanks(c) == ["Buzz"] for c in candidates)


# ------------------------------------------------------------------------------------------ key bindings

EMACS = """Didacticiel d'Emacs

Les commandes Emacs utilisent la touche CONTROLE. Pour avancer d'un caractère, tapez C-f ; C-b recule. Faites
C-n plusieurs fois, puis C-p. Essayez C-e et C-a. Faites C-f encore, puis C-n.

Voici un résumé des opérations de déplacements simples du curseur.

C-f	Avance d'un caractère C-b	Recule d'un caractère

C-n	Avance d'une ligne C-p	Recule d'une ligne

C-a	Va au début de la ligne C-e	Va à la fin de la ligne

Vous pouvez utiliser les touches du curseur, mais il est plus efficace de garder vos mains dans la même position et
d'utiliser les commandes C-p, C-b, C-f, et C-n.
"""


def test_a_key_binding_summary_becomes_cards():
    # The summary lines ("C-f Avance d'un caractère C-b Recule d'un caractère") were furniture: no item asked what
    # a key does. Each binding is a card, front the key, back its action.
    cards = {d.prompt: d.back for d in drafts_of(EMACS, "fr")}
    assert cards["Que fait C-f ?"] == "Avance d'un caractère"
    assert cards["Que fait C-b ?"] == "Recule d'un caractère"
    assert cards["Que fait C-e ?"] == "Va à la fin de la ligne"
    assert all(d.kind == "flashcard" and d.answer == d.term for d in drafts_of(EMACS, "fr"))


def test_no_card_for_a_key_another_item_asks():
    text = prepare(EMACS, "txt").text
    candidates = derive(text, language="fr")
    fronts = [c.prompt for c in candidates if c.kind == "flashcard"]
    asked = {b for c in candidates if c.kind == "cloze" for b in blanks(c)}
    assert not [f for f in fronts if f.removeprefix("Que fait ").removesuffix(" ?") in asked]


def test_a_member_of_a_bare_list_of_keys_is_not_blanked():
    # "… d'utiliser les commandes C-p, [[C-b]], [[C-f]], et C-n": which key goes where is guesswork (rejected).
    before = "d'utiliser les commandes C-p, "
    assert listed_chord("C-b", before, ", C-f, et C-n.")
    assert listed_chord("C-n", "les commandes C-p, C-b, C-f, et ", ".")
    assert listed_chord("M-b", "Notez le parallèle entre C-f et C-b d'un côté et M-f et ", " de l'autre.")
    # a key the sentence says something of stays: "[[M-f]] avance d'un mot et [[M-b]] recule d'un mot"
    assert not listed_chord("M-f", "", " avance d'un mot et M-b recule d'un mot.")
    assert not listed_chord("M-b", "M-f avance d'un mot et ", " recule d'un mot.")
    assert not listed_chord("curseur", "les commandes C-p, ", ".")


def test_no_cloze_blanks_one_key_of_a_bare_list():
    candidates = derive(prepare(EMACS, "txt").text, language="fr")
    for c in candidates:
        if c.kind == "cloze" and "touches du curseur" in c.prompt:
            assert not {"C-p", "C-b", "C-f", "C-n"} & set(blanks(c))
