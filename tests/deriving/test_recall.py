"""Recall on texts the deriver was not built on (issue 15): a sentence that states a key fact gets an item. Each test
holds sentences of my own modelled on a key-fact sentence that produced no item, and asserts it now has one (and a
right one)."""

import re

from quizzes.deriving.engine import Candidate, derive


def terms_of(c: Candidate) -> list[str]:
    return [c.answer, c.term, *c.alternatives, *re.findall(r"\[\[(.*?)\]\]", c.prompt)]


def asks(candidates: list[Candidate], term: str) -> bool:
    return any(term in t for c in candidates for t in terms_of(c))


# --- coined names of one tool ----------------------------------------------------------------------------------

TOOLS_EN = """Firewalld keeps its rules in zones, one zone for each kind of network the machine joins.

A laptop moves between zones as it changes networks: the home zone trusts more services than the public one.

Each zone lists the services it allows, such as the secure shell or the web server, and blocks the others.

The daemon reloads its configuration when asked, without dropping the connections already open.

Its configuration lives in XML files, one file for each zone and one for each service it knows.

Rules are added to a zone with fw-add and removed from it with fw-drop, naming the zone and the service.

The current rules of every zone are shown by fw-list, which prints one line for each service allowed.

A zone can be cleared at once with fw-flush, which asks for confirmation before it removes anything.
"""

TOOLS_FR = """Le pare-feu garde ses règles dans des zones, une zone par type de réseau que la machine rejoint.

Un portable passe d'une zone à l'autre en changeant de réseau : la zone domestique autorise plus de services.

Chaque zone énumère les services qu'elle permet, comme le shell sécurisé ou le serveur web, et bloque les autres.

Le démon recharge sa configuration sur demande, sans couper les connexions déjà ouvertes.

Sa configuration est rangée dans des fichiers XML, un fichier par zone et un par service connu.

Une règle est ajoutée à une zone par zk-ajout et retirée par zk-retrait, en nommant la zone et le service.

Les règles de chaque zone sont affichées par zk-liste, qui imprime une ligne pour chaque service permis.

Une zone est vidée d'un coup par zk-purge, qui demande une confirmation avant de retirer quoi que ce soit.
"""


def test_commands_named_with_common_words_are_asked_as_the_tools_names():
    """fw-add, fw-drop: each part is a common word, so the name looked common; three names or more sharing their
    first part are one tool's commands, as rare as an unknown word."""
    for text, language, names in (
        (TOOLS_EN, "en", ("fw-add", "fw-list")),
        (TOOLS_FR, "fr", ("zk-ajout", "zk-liste")),
    ):
        candidates = derive(text, language=language)
        for name in names:
            assert asks(candidates, name), (name, [c.prompt for c in candidates])


def test_words_with_a_word_forming_prefix_are_no_family():
    from quizzes.deriving.engine.documents import segment
    from quizzes.deriving.engine.sentences import sentences
    from quizzes.deriving.engine.terms import term_stats

    text = "The non-invasive test is a non-toxic and non-specific screen, unlike the self-made kit.\n"
    assert term_stats(sentences(text, segment(text, "en"))).families == frozenset()


def test_two_commands_of_one_sentence_are_both_blanked():
    """A name made of common words is no common word once it is one of the text's commands: blanked beside the
    other, not left readable ("calls to [[fw-add]] and fw-drop")."""
    for text, language, pair in (
        (TOOLS_EN, "en", ["fw-add", "fw-drop"]),
        (TOOLS_FR, "fr", ["zk-ajout", "zk-retrait"]),
    ):
        clozes = [c for c in derive(text, language=language) if c.kind == "cloze" and pair[0] in c.passage]
        assert [re.findall(r"\[\[(.*?)\]\]", c.prompt) for c in clozes] == [pair]
