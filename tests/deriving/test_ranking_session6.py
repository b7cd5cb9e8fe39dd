"""What gets asked and in what order (session 6): the failure patterns of the tuning texts' judged queues, each on
the sentence that used to produce it (docs/deriving.md, "Session 6: ranking and importance").
"""

from quizzes.deriving import engine as E
from quizzes.deriving.engine import derive, importance
from quizzes.deriving.engine import questions as q
from quizzes.deriving.engine.documents import segment
from quizzes.deriving.engine.gate import english_front, repair_cloze, topic_words
from quizzes.deriving.engine.sentences import sentences as split
from quizzes.deriving.engine.terms import Span


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
