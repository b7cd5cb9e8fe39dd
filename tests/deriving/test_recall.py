"""Recall on texts the deriver was not built on (issue 15): a sentence that states a key fact gets an item. Each test
holds sentences of my own modelled on a key-fact sentence that produced no item, and asserts it now has one (and a
right one)."""

import re

from quizzes.deriving.engine import Candidate, derive


def terms_of(c: Candidate) -> list[str]:
    return [c.answer, c.term, *c.alternatives, *re.findall(r"\[\[(.*?)\]\]", c.prompt)]


def items_on(candidates: list[Candidate], words: str) -> list[Candidate]:
    return [c for c in candidates if words in c.passage]


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


# --- lost context --------------------------------------------------------------------------------------------------

EXAMPLE_EN = (
    "Firewalld keeps its rules in zones, one zone for each kind of network the machine joins.\n\n"
    "The fw-trace tool prints each packet the firewall sees. "
    "Here the daemon refuses a multicast query from the Avahi responder, which the public zone does not allow.\n\n"
    "The pager commands move through the manual one screen at a time. "
    "When given a numeric argument, they scroll the hypertext by that many lines instead of a whole screen.\n"
)

EXAMPLE_FR = (
    "Le pare-feu garde ses règles dans des zones, une zone par type de réseau que la machine rejoint.\n\n"
    "Les commandes de défilement avancent d'un écran à la fois dans le manuel. "
    "Lorsqu'on leur donne un argument numérique, elles font défiler l'hypertexte du nombre de lignes indiqué.\n\n"
    "Une barre verticale apparaît à droite de la fenêtre du manuel. "
    "Vous pouvez faire défiler le texte en cliquant avec la souris dans cette barre de défilement latérale.\n"
)


def test_a_sentence_pointing_back_is_asked_with_what_it_points_to_or_not_at_all():
    """ "Here the daemon refuses…" (the example shown before), "…, they scroll" / "…, elles font défiler" after an
    opening clause (the commands of the sentence before), "dans cette barre de défilement" (the bar shown before):
    each prompt says what it is about, or there is no item."""
    for text, language, cases in (
        (EXAMPLE_EN, "en", [("Avahi", "The fw-trace tool"), ("hypertext", "The pager commands")]),
        (EXAMPLE_FR, "fr", [("hypertexte", "Les commandes de"), ("latérale", "Une barre verticale")]),
    ):
        candidates = derive(text, language=language)
        for word, context in cases:
            for c in items_on(candidates, word):
                assert c.prompt.find(context) >= 0, c.prompt  # asked with the sentence before
                assert not re.search(r"(?:cette|this) \[\[", c.prompt), c.prompt


def test_an_opening_clause_naming_its_subject_needs_no_context():
    from quizzes.deriving.engine.context import leans_on_previous
    from quizzes.deriving.engine.documents import segment
    from quizzes.deriving.engine.sentences import sentences

    for text, language in (
        ("Si le paquet est absent du disque, il est téléchargé depuis le miroir.", "fr"),
        ("When the daemon starts, it reads its configuration from the zone files.", "en"),
        ("Here we describe the daemon and its zones in some detail.", "en"),
    ):
        assert not leans_on_previous(sentences(text, segment(text, language))[0]), text


def test_a_paragraph_commenting_an_example_shown_above_it_gets_no_context_from_the_prose_before():
    """ "Here the daemon…" opening its paragraph comments a transcript or a listing, not the sentence before it (an
    aside of the previous paragraph): no item rather than a prompt with the wrong context."""
    text = (
        "Firewalld keeps its rules in zones, one zone for each kind of network the machine joins.\n\n"
        "A laptop moves between zones as it changes networks: the home zone trusts more services than the public "
        "one.\n\n"
        "Each zone lists the services it allows, such as the secure shell or the web server, and blocks the rest.\n\n"
        "The daemon reloads its configuration when asked, without dropping the connections already open.\n\n"
        "Here the daemon refuses a multicast query on port 5353. This query comes from the Avahi responder, a "
        "service that the public zone does not know.\n"
    )
    for c in derive(text, language="en"):
        assert "The daemon reloads" not in c.prompt or "Avahi" not in c.prompt, c.prompt
        assert not c.prompt.startswith("Here the daemon"), c.prompt


# --- key chords ----------------------------------------------------------------------------------------------------

KEYS_FR = (
    "Le lecteur de manuel s'ouvre sur la première page du chapitre demandé.\n\n"
    "Pour passer à la page suivante, tapez C-j ; pour revenir à la page précédente, faites M-j.\n\n"
    "Le lecteur garde en mémoire la dernière page lue de chaque chapitre ouvert.\n\n"
    "Chaque chapitre commence par un sommaire qui renvoie aux sections et aux exemples qu'il contient.\n\n"
    "Les exemples sont écrits en police fixe, et les mots à remplacer sont écrits en italique.\n\n"
    "Une barre d'état en bas de l'écran rappelle le titre du chapitre et le numéro de la page.\n\n"
    "Pour quitter le lecteur sans rien enregistrer, utilisez C-q puis confirmez.\n"
)
KEYS_EN = (
    "The manual reader opens on the first page of the chapter asked for.\n\n"
    "The reader starts the next screen with C-j, and it starts the screen before it with M-j.\n\n"
    "The reader remembers the last page read in each chapter opened.\n\n"
    "Each chapter starts with a summary that links to the sections and examples it holds.\n\n"
    "Examples are printed in a fixed font, and the words to replace are printed in italics.\n\n"
    "A status bar at the bottom of the screen recalls the chapter's title and the page number.\n\n"
    "To leave the reader without saving anything, use C-q and confirm.\n"
)


def test_key_chords_are_asked_though_their_letters_are_common():
    """ "C-j", "M-j": Control or Meta and a key are a command's keys, the facts of a tutorial."""
    for text, language in ((KEYS_FR, "fr"), (KEYS_EN, "en")):
        candidates = derive(text, language=language)
        for chord in ("C-j", "M-j"):
            assert asks(candidates, chord), (chord, [c.prompt for c in candidates])


def test_a_key_chord_opening_a_definition_keeps_its_capital():
    """ "C-j is the key…" at the start of its sentence: "What is C-j?", not "c-j" as for "Gene therapy is…"."""
    text = KEYS_EN.replace(
        "The reader starts the next screen with C-j, and it starts the screen before it with M-j.",
        "C-j is the key for the next screen of the chapter in the manual reader.",
    )
    fronts = [c.prompt for c in derive(text, language="en") if c.kind == "flashcard"]
    assert "What is c-j?" not in fronts and "What is C-j?" in fronts, fronts


def test_a_connective_after_the_opening_verb_leans_on_what_came_before():
    """ "Faites alors M-y et elle sera remplacée…": "alors" after the imperative ties it to the step before."""
    from quizzes.deriving.engine.context import leans_on_previous
    from quizzes.deriving.engine.documents import segment
    from quizzes.deriving.engine.sentences import sentences

    for text, language, leans in (
        ("Faites alors M-j et elle sera remplacée par la page précédente du chapitre.", "fr", True),
        ("Tapez ensuite M-j pour revenir à la page précédente du chapitre ouvert.", "fr", True),
        ("Type then M-j and it is replaced by the page before it in the chapter.", "en", True),
        ("Tapez M-j pour revenir à la page précédente du chapitre ouvert.", "fr", False),
        ("Type M-j to go back to the page before it in the chapter.", "en", False),
    ):
        assert leans_on_previous(sentences(text, segment(text, language))[0]) is leans, text
