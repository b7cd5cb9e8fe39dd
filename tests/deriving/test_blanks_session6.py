"""What is blanked and whether the item stands alone (session 6, second round): the failure patterns of the tuning
texts' judged queues, each on the sentence that used to produce it (docs/deriving.md, "Session 6: blanks and
context, second round").
"""

from quizzes.deriving.engine import derive
from quizzes.deriving.engine.gate import MID_THOUGHT_PENALTY, gate, members_blanked, repair_cloze
from quizzes.deriving.engine.sentences import split_sentences
from tests.deriving.candidates import cloze


def _split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


# --- two sentences asked as one ------------------------------------------------------------------------------------


def test_a_key_chord_ends_a_sentence():
    # was "… tapez [[C-g]]. Dans ce didacticiel, les caractères ">>" … " (edit: the second sentence is about the
    # tutorial's margin marks): the "g" of C-g was read as an initial
    text = (
        "Pour interrompre une commande partiellement entrée, tapez C-g. Dans ce didacticiel, les caractères "
        '">>" en marge gauche indiquent les directions à suivre pour essayer une commande.'
    )
    assert _split(text) == [
        "Pour interrompre une commande partiellement entrée, tapez C-g.",
        'Dans ce didacticiel, les caractères ">>" en marge gauche indiquent les directions à suivre pour essayer '
        "une commande.",
    ]


def test_an_initial_still_does_not_end_a_sentence():
    assert len(_split("The book by J. Smith was read. It was long.")) == 2


def test_etc_then_a_subject_pronoun_ends_a_sentence():
    # was "Le chargeur de démarrage (souvent [[GRUB]] …), etc. Il finit donc par trouver un noyau…" (edit: two
    # sentences in one prompt)
    text = (
        "Le chargeur peut proposer de choisir quel système démarrer, avec des paramètres divers, etc. Il finit donc "
        "par trouver un noyau à démarrer."
    )
    assert len(_split(text)) == 2


# --- a blank on one member of a list -------------------------------------------------------------------------------

WOODY = (
    "Debian 3.0 (Woody) est sortie le 19 juillet 2002 pour les architectures de processeurs Intel i386, Motorola "
    "68000, Alpha, SUN Sparc, PowerPC, ARM, HP PA-RISC, IA-64, MIPS, MIPS (DEC) et IBM s/390."
)


def test_a_list_member_beside_a_date_is_unblanked():
    # was "… le 19 juillet [[2002]] pour les architectures … HP PA-RISC, [[IA-64]], MIPS …" (edit: unimportant
    # target: architectures in a list)
    prompt = WOODY.replace("2002", "[[2002]]").replace("IA-64", "[[IA-64]]")
    assert repair_cloze(prompt, "IA-64", "fr") == (WOODY.replace("2002", "[[2002]]"), "2002")


def test_the_derived_woody_cloze_asks_the_date_alone():
    text = WOODY + " Debian 3.1 (Sarge) est sortie en 2005 avec un nouvel installateur."
    woody = next(c for c in derive(text, language="fr") if c.kind == "cloze" and "Woody" in c.prompt)
    assert woody.prompt.count("[[") == 1
    assert woody.answer == "2002"


def test_a_list_member_that_is_the_only_blank_stays():
    prompt = "Un pool contient plusieurs versions (expérimental, instable, [[testing]] et stable)."
    assert repair_cloze(prompt, "testing", "fr") == (prompt, "testing")


def test_several_members_of_one_list_blanked_go_down():
    # "32 and 64 bit [[x86]], [[ARM]], MIPS, [[PowerPC]]" (edit: a list of architectures to guess), "les commandes
    # [[C-p]], [[C-b]], [[C-f]], et C-n" (reject: nothing says which moves where)
    assert members_blanked("including 32 and 64 bit [[x86]], [[ARM]], MIPS, [[PowerPC]] and IBM S/390.")
    assert members_blanked("d'utiliser les commandes [[C-p]], [[C-b]], [[C-f]], et C-n.")
    # a pair says the same of both, and "x for [[dxxx]], q for [[pxxx]]" pairs each name with its argument
    assert not members_blanked("The [[pxxx]] and [[qxxx]] functions all have logical arguments lower.tail.")
    assert not members_blanked("The first argument is x for [[dxxx]], q for [[pxxx]], p for [[qxxx]] and n for rxxx.")


# --- a sentence that leans on an earlier one -----------------------------------------------------------------------


def test_a_sentence_that_leans_on_an_earlier_one_goes_below_one_that_stands_alone():
    # "Comme pour la version précédente, le portage … [[m68k]] …" (reject: which version?) and "Notice that this
    # access request is not part of the [[dhclient profile]] …" (reject: a detail of the example run) stood above
    # clozes that stand alone and were judged usable ("The profile applied by the kernel depends on the
    # [[installation path]] of the program being executed."): such a sentence now loses half its confidence
    text = "x"
    leaning = [
        cloze(
            "Comme pour la version précédente, le portage pour l'architecture [[m68k]] était disponible.", "m68k", "fr"
        ),
        cloze(
            "Notice that this access request is not part of the [[dhclient profile]] at all.", "dhclient profile", "en"
        ),
    ]
    for c in leaning:
        (out,) = gate([c], text)
        assert out.confidence <= 0.5 * MID_THOUGHT_PENALTY + 1e-9
    assert MID_THOUGHT_PENALTY <= 0.5
