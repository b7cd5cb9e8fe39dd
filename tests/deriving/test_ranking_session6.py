"""What gets asked and in what order (session 6): the failure patterns of the tuning texts' judged queues, each on
the sentence that used to produce it (docs/deriving.md, "Session 6: ranking and importance").
"""

from quizzes.deriving import engine as E
from quizzes.deriving.engine import derive, importance
from quizzes.deriving.engine import questions as q
from quizzes.deriving.engine.context import leans_on_previous
from quizzes.deriving.engine.documents import segment
from quizzes.deriving.engine.gate import counted, english_front, gate, list_member, repair_cloze, topic_words
from quizzes.deriving.engine.sentences import sentences as split
from quizzes.deriving.engine.terms import Span
from tests.deriving.candidates import cloze


def _setup(text: str, language: str):
    segments = segment(text, language)
    sents = split(text, segments)
    return sents, importance.Profile(text, segments, sents)


def _span(text: str, s, phrase: str, score: float) -> Span:
    at = text.index(phrase, s.start)
    return Span(at, at + len(phrase), phrase, "term", score, "", s.index, 0, 0)


def _item(text: str, language: str, needle: str, scored: dict[str, float]):
    sents, profile = _setup(text, language)
    s = next(x for x in sents if needle in x.text)
    found = [_span(text, s, phrase, score) for phrase, score in scored.items()]
    inventory = q.Inventory(sents, {x.index: [] for x in sents} | {s.index: found}, [])
    ranked = E._candidate_spans(s, found, [], profile)
    return E._sentence_item(s, s, ranked, set(), inventory, text, profile)


# --- blanks on what the sentence happens to contain ----------------------------------------------------------------


def test_a_common_word_gives_way_to_the_sentences_particular_noun_phrase():
    # was "The profile applied by the [[kernel]] depends on …" (edit: blank the installation path, not kernel)
    text = (
        "Introduction to AppArmor\n\nAppArmor applies a set of rules on each program. "
        "The profile applied by the kernel depends on the installation path of the program being executed.\n"
    )
    item = _item(text, "en", "installation path", {"kernel": 1.1, "installation path": 0.6})
    assert item.prompt == (
        "The profile applied by the kernel depends on the [[installation path]] of the program being executed."
    )


def test_a_theme_of_the_texts_headings_keeps_its_blank():
    # "le [[noyau]]" in a text with a section on the kernel is what the text teaches, not a passing word
    text = (
        "Les couches\n\nLe noyau\n\nUn programme fait appel aux bibliothèques qui font appel au noyau "
        "pour accéder aux périphériques réseau.\n"
    )
    item = _item(text, "fr", "bibliothèques", {"noyau": 1.1, "périphériques réseau": 0.6})
    assert "[[noyau]]" in item.prompt


def test_a_word_taken_up_by_a_demonstrative_is_not_blanked():
    # was "Cette [[fonctionnalité]] était alors un des buts de cette version." (reject: unimportant target)
    text = (
        "Une brève histoire de Debian\n\nLa gestion multiarchitecture fut introduite durant la onzième conférence "
        "DebConf. Cette fonctionnalité était alors un des buts de cette version.\n"
    )
    assert _item(text, "fr", "Cette fonctionnalité", {"fonctionnalité": 1.0}) is None


def test_a_plain_word_beside_a_particular_blank_goes_even_when_the_text_dwells_on_it():
    # was "The [[profiles]] are compiled … by the [[apparmor_parser]] command." (edit: keep apparmor_parser)
    text = "Profiles confine programs. Profiles are plain files. Each profile names a program. " * 2
    prompt = "The [[profiles]] are compiled and loaded into the kernel by the [[apparmor_parser]] command."
    assert repair_cloze(prompt, "profiles", "en", text) == (
        "The profiles are compiled and loaded into the kernel by the [[apparmor_parser]] command.",
        "apparmor_parser",
    )


def test_a_release_name_and_a_year_keep_their_blanks_without_the_common_word():
    # was "Debian 3.1 ([[sarge]]) was released June 6th, [[2005]] for the same [[architectures]] as woody"
    prompt = "Debian 3.1 ([[sarge]]) was released June 6th, [[2005]] for the same [[architectures]] as woody."
    assert repair_cloze(prompt, "sarge", "en", prompt) == (
        "Debian 3.1 ([[sarge]]) was released June 6th, [[2005]] for the same architectures as woody.",
        "sarge",
    )


def test_the_titles_word_in_lower_case_is_no_blank_beside_a_key_chord():
    # was "tapez [[C-g]]. Dans ce [[didacticiel]], …" (edit: the didacticiel blank)
    text = "Didacticiel d'Emacs\n\n" + "Ce didacticiel montre Emacs. " * 5
    topics = topic_words(text)
    prompt = "Pour interrompre une commande, tapez [[C-g]]. Dans ce [[didacticiel]], les caractères indiquent la suite."
    assert repair_cloze(prompt, "C-g", "fr", text, topics) == (
        "Pour interrompre une commande, tapez [[C-g]]. Dans ce didacticiel, les caractères indiquent la suite.",
        "C-g",
    )


# --- definitions and names ahead of incidental blanks --------------------------------------------------------------


def test_the_name_a_sentence_gives_is_blanked_alone():
    # was "… sous le vocable d'espace utilisateur, on peut encore différencier des [[couches logicielles]]" (edit:
    # blank espace utilisateur); the key fact "Tout ce qui s'exécute au-dessus du noyau forme l'espace utilisateur"
    # was missed
    text = (
        "Les couches d'un ordinateur\n\nLe noyau pilote le matériel. Le noyau gère les processus et les permissions. "
        "Bien que tout ce qui se passe au-dessus du noyau soit regroupé sous le vocable d'espace utilisateur, on peut "
        "encore différencier des couches logicielles ; mais leurs interactions étant plus complexes que précédemment, "
        "la différenciation n'est plus aussi simple.\n"
    )
    clozes = [c for c in derive(text, language="fr") if c.kind == "cloze" and "vocable" in c.prompt]
    assert [c.answer for c in clozes] == ["espace utilisateur"]
    assert clozes[0].prompt.count("[[") == 1


def test_sous_le_vocable_de_defines_a_term():
    text = "Les couches\n\nTout ce qui se passe au-dessus du noyau est regroupé sous le vocable d'espace utilisateur.\n"
    assert importance.profile(text, "fr").term("espace utilisateur", "fr").defined
    assert importance.NAMING_CUE.search("regroupé sous le vocable d'")
    assert importance.NAMING_CUE.search("the earliest packaging tool, called ")
    assert not importance.NAMING_CUE.search("sous le noyau ")


# --- flashcards that lean on the sentence before -------------------------------------------------------------------


def test_a_flashcard_front_opening_on_a_count_needs_its_context():
    # was "What are two slightly different summaries?" (reject: lost context)
    passage = "There are two slightly different summaries given by summary and fivenum."
    assert (
        english_front("What are two slightly different summaries?", "two slightly different summaries", passage) is None
    )
    assert english_front("What are boxplots?", "boxplots", "Boxplots are plots.") == "What are boxplots?"


# --- list members and counted things ------------------------------------------------------------------------------


def test_a_blank_on_one_member_of_a_list_waits():
    # was "… 32 and 64 bit [[x86]], [[ARM]], MIPS, [[PowerPC]] and IBM S/390." (edit: a list to guess) and
    # "nommée « [[Delete]] », « Del » ou « [[Suppr]] »" (edit)
    assert list_member("Various processor types are supported, including [[x86]], [[ARM]], MIPS, PowerPC and S/390.")
    assert list_member("Votre clavier peut comporter une touche nommée « [[Delete]] », « Del » ou « Suppr ».")
    assert not list_member("Un [[disque dur]] est constitué de plateaux rotatifs et de têtes de lecture.")
    text = "Processors: x86, ARM, MIPS, PowerPC and S/390 are supported."
    listed = cloze(
        "Processors: [[x86]], ARM, MIPS, PowerPC and S/390 are supported.", "x86", ranking={"importance": 0.3}
    )
    assert gate([listed], text)[0].confidence < 0.5


def test_a_key_term_listed_with_its_siblings_keeps_its_place():
    # "(expérimental, instable, [[testing]] et stable)" was usable: testing is what the text is about
    text = "La version testing. Un pool est une collection (expérimental, instable, testing et stable) de paquets."
    key = cloze(
        "Un pool est une collection (expérimental, instable, [[testing]] et stable) de paquets.",
        "testing",
        "fr",
        ranking={"importance": 0.66},
    )
    assert gate([key], text)[0].confidence == 0.5


def test_the_thing_a_number_counts_is_no_blank():
    # was "… pour plus de 29 000 [[paquets binaires construits]] à partir de presque 15 000 paquets source." (reject)
    assert counted(
        "10 000 nouveaux paquets pour plus de 29 000 [[paquets binaires]] à partir de 15 000 [[paquets source]]."
    )
    assert counted("Les autres incluent : [[12 800 nouveaux paquets]] pour plus de 37 400 paquets binaires.")
    assert not counted("Debian 6.0 [[Squeeze]] a été publiée le 6 février [[2011]].")
    assert not counted("Debian 7 [[Wheezy]] was released in 2013.")


# --- sentences leaning on the one before ---------------------------------------------------------------------------


def _sentence(text: str, language: str, needle: str):
    sents, _profile = _setup(text, language)
    return next(x for x in sents if needle in x.text)


def test_an_opening_phrase_with_a_possessive_leans_on_the_sentence_before():
    # was "Au moment de sa sortie, il y avait plus de 8 500 [[paquets binaires]] …" (reject: the release not named)
    text = "Woody est sortie en 2002. Au moment de sa sortie, il y avait plus de 8 500 paquets binaires.\n"
    assert leans_on_previous(_sentence(text, "fr", "Au moment"))
    text = "UEFI replaced BIOS. In 2005/2006 its successor, the UEFI specification, has been published.\n"
    assert leans_on_previous(_sentence(text, "en", "its successor"))
    text = "Debian grew fast. Au moment de la sortie de Woody, il y avait 8 500 paquets.\n"
    assert not leans_on_previous(_sentence(text, "fr", "Au moment"))


# --- a blank on the last word of a term the text keeps naming ------------------------------------------------------


def test_a_blank_on_the_end_of_a_repeated_term_takes_the_whole_term():
    # was "Comme ce chargeur de [[démarrage]] n'est pas embarqué …" (reject: span error, the whole chargeur de
    # démarrage)
    text = "Le chargeur de démarrage trouve le noyau. Le chargeur de démarrage est souvent GRUB."
    prompt = "Comme ce chargeur de [[démarrage]] n'est pas embarqué dans la carte mère, il dispose de possibilités."
    assert repair_cloze(prompt, "démarrage", "fr", text) == (
        "Comme ce [[chargeur de démarrage]] n'est pas embarqué dans la carte mère, il dispose de possibilités.",
        "chargeur de démarrage",
    )
    # named once, or already read elsewhere in the prompt: the blank stays as it was
    once = "Le chargeur de démarrage trouve le noyau."
    assert repair_cloze(prompt, "démarrage", "fr", once) == (prompt, "démarrage")
    assert repair_cloze("Le [[noyau]] pilote le matériel.", "noyau", "fr", text) == (
        "Le [[noyau]] pilote le matériel.",
        "noyau",
    )


def test_a_headings_word_as_the_main_blank_stays_beside_a_name_but_not_beside_code():
    # "… (le [[BIOS/l'UEFI]] et le chargeur ne fonctionnent que quelques secondes) : le [[noyau]] …": the kernel is the
    # point (judged), and taking its blank out left the key fact "Le noyau est le chef d'orchestre…" asked nowhere
    text = "Les couches\n\nB.3.3. Le noyau\n\nLe noyau pilote le matériel. Le noyau gère la mémoire. Le BIOS démarre."
    prompt = "Le premier logiciel durable (le [[BIOS/l'UEFI]] ne fonctionne que quelques secondes) est le [[noyau]]."
    assert repair_cloze(prompt, "noyau", "fr", text) == (prompt, "noyau")
    beside_code = "Le [[noyau]] est chargé par [[update_grub]]."
    assert repair_cloze(beside_code, "noyau", "fr", text) == (
        "Le noyau est chargé par [[update_grub]].",
        "update_grub",
    )
