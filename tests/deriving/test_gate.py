"""The deriver's last gate: what a strict teacher would not publish is dropped, repaired or moved down.

The sentences are written for these tests, in the shapes of the items teachers rejected (docs/deriving.md,
"Evaluation on unseen texts"): blanks cut inside paths and versions, transcripts, cross-references, verbs blanked
with their noun, flashcard fronts without their article, fill-in-the-blank choices, sentences read out of context.
"""

import pytest

from quizzes.deriving.engine import Candidate, derive
from quizzes.deriving.engine.gate import (
    anonymous_list,
    bad_expansion,
    common_blank,
    cross_reference,
    cut_short,
    english_front,
    furniture,
    gate,
    mid_thought,
    on_topic,
    repair_cloze,
    said_once,
    topic_words,
    unquoted,
    verb_like,
)
from tests.deriving.candidates import cloze

# --- blanks glued to paths, URLs, versions, menu options ---------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Its profiles are kept in /[[etc/apparmor]].d/ on every machine.",
        "The archive grew between 0.[[99r8]] and 0.[[99r15]] that year.",
        "Read the guide at https://[[gitlab]].[[com/apparmor/wiki]] for details.",
        "Choose (A)[[llow]] or (D)eny when the tool asks about the file.",
        "Le fichier /[[etc/fstab]] décrit les systèmes de fichiers à monter.",
    ],
)
def test_a_blank_inside_a_path_url_version_or_menu_option_drops_the_cloze(prompt):
    assert repair_cloze(prompt, "x", "en") is None


def test_a_blank_in_a_cross_reference_title_drops_the_cloze():
    fr = "Comme vous l'avez vu en Section 9.1, « [[Démarrage du système]] », le BIOS charge le chargeur."
    assert repair_cloze(fr, "Démarrage du système", "fr") is None


def test_a_parenthesised_cross_reference_is_cut_from_the_prompt():
    en = "Unlike [[SELinux]] (discussed in Section 14.5, “Introduction to [[SELinux]]”), rules apply per path."
    fr = "Le [[chargeur de démarrage]] (voir la section 4.2) lit la table des partitions."
    assert repair_cloze(en, "SELinux", "en") == ("Unlike [[SELinux]], rules apply per path.", "SELinux")
    assert repair_cloze(fr, "chargeur de démarrage", "fr") == (
        "Le [[chargeur de démarrage]] lit la table des partitions.",
        "chargeur de démarrage",
    )


# --- spans: naming words, verbs, fillers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "language", "expected"),
    [
        ("You can draw it with the [[function qqnorm]].", "en", "You can draw it with the function [[qqnorm]]."),
        (
            "The second tool, which he [[named dselect]], came later.",
            "en",
            "The second tool, which he named [[dselect]], came later.",
        ),
        (
            "Pour sortir, [[tapez C-x]] puis relâchez les touches.",
            "fr",
            "Pour sortir, tapez [[C-x]] puis relâchez les touches.",
        ),
        (
            "Chaque fichier se termine par un [[caractère Newline]] en fin de ligne.",
            "fr",
            "Chaque fichier se termine par un caractère [[Newline]] en fin de ligne.",
        ),
        (
            "La [[chaleur produite entraîne]] une usure du moteur.",
            "fr",
            "La [[chaleur produite]] entraîne une usure du moteur.",
        ),
        (
            "Cette version ajoute la prise en charge des [[algorithmes de hachage sha512]] et des signatures.",
            "fr",
            "Cette version ajoute la prise en charge des algorithmes de hachage [[sha512]] et des signatures.",
        ),
        (
            "The release adds the [[new checksum format xxh64]] to every index.",
            "en",
            "The release adds the new checksum format [[xxh64]] to every index.",
        ),
        (
            "She rewrote the converter, renaming the [[tool itself mkimg-tar]] along the way.",
            "en",
            "She rewrote the converter, renaming the tool itself [[mkimg-tar]] along the way.",
        ),
        (
            "Il a renommé l'[[outil lui-même gzconv-cli]] en cours de route.",
            "fr",
            "Il a renommé l'outil lui-même [[gzconv-cli]] en cours de route.",
        ),
    ],
)
def test_a_blank_is_trimmed_to_its_code_token_or_rid_of_its_verb(prompt, language, expected):
    assert repair_cloze(prompt, prompt.split("[[")[1].split("]]")[0], language)[0] == expected


def test_a_name_of_several_words_is_not_trimmed():
    prompt = "[[Bruce Perens]] led the project after its founder."
    assert repair_cloze(prompt, "Bruce Perens", "en") == (prompt, "Bruce Perens")


def test_a_blank_on_a_verb_is_taken_out_and_the_other_blank_becomes_the_answer():
    prompt = "Si vous [[supprimez]] du texte, la commande [[C-y]] le réinsère."
    assert repair_cloze(prompt, "supprimez", "fr") == (
        "Si vous supprimez du texte, la commande [[C-y]] le réinsère.",
        "C-y",
    )
    assert repair_cloze("Ensuite, [[pressez]] la touche.", "pressez", "fr") is None


def test_a_cited_year_is_taken_out():
    prompt = "The [[melting points]] come from a survey by Rice ([[1995]])."
    assert repair_cloze(prompt, "melting points", "en") == (
        "The [[melting points]] come from a survey by Rice (1995).",
        "melting points",
    )


def test_a_trimmed_answer_readable_elsewhere_keeps_its_blank():
    prompt = "The [[second version]] came after the second review."
    assert repair_cloze(prompt, "second version", "en") == (prompt, "second version")


def test_a_code_token_trimmed_out_of_its_blank_is_blanked_wherever_the_sentence_names_it():
    prompt = "He renamed the [[tool itself mkimg-tar]] and wrote a front-end to ease the use of mkimg-tar."
    assert repair_cloze(prompt, "tool itself mkimg-tar", "en") == (
        "He renamed the tool itself [[mkimg-tar]] and wrote a front-end to ease the use of [[mkimg-tar]].",
        "mkimg-tar",
    )
    prompt = "Call the [[function ecdf]]: ecdf plots the steps."
    assert repair_cloze(prompt, "function ecdf", "en") == (
        "Call the function [[ecdf]]: [[ecdf]] plots the steps.",
        "ecdf",
    )


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("supprimez", "fr"),
        ("expliquerons", "fr"),
        ("suppriment", "fr"),
        ("annuler", "fr"),
        ("arriva", "fr"),
        ("named", "en"),
    ],
)
def test_verb_forms_are_recognised(word, language):
    assert verb_like(word, language)


@pytest.mark.parametrize(
    ("word", "language"),
    [("paquets", "fr"), ("chez", "fr"), ("fichier", "fr"), ("moment", "fr"), ("protein", "en"), ("Debian", "en")],
)
def test_nouns_are_not_verbs(word, language):
    assert not verb_like(word, language)


# --- text furniture -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "passage",
    [
        "Profile: /usr/sbin/ntpd Path: /etc/ntp.conf New Mode: r Severity: 4 (A)llow / [(D)eny] / (I)gnore",
        ">> Tapez maintenant C-n plusieurs fois pour descendre.",
        "C-f Avance d'un caractère C-b Recule d'un caractère C-n Descend d'une ligne",
        "= Changed Local Profiles = The following local profiles were changed.",
        "Copy /usr/lib/a/b, /usr/share/c/d and /var/lib/e/f before you start.",
    ],
)
def test_transcripts_menus_key_tables_and_exercise_lines_are_furniture(passage):
    assert furniture(passage)


@pytest.mark.parametrize(
    "passage",
    [
        "AppArmor is a Mandatory Access Control system built on the LSM interface.",
        "La commande C-v fait avancer le texte d'un écran.",
        "The first argument is x for dxxx and q for pxxx.",
    ],
)
def test_prose_is_not_furniture(passage):
    assert not furniture(passage)


# --- sentences read alone --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "language"),
    [
        ("And it removed the old limits of the boot process.", "en"),
        ('According to the text: "Version 0.7 was released in May 1994.', "en"),
        ("... has always been the best [[release]].", "en"),
        ("In this specific case, the file is read by the [[resolver]].", "en"),
        ("Au moment de sa sortie, il y avait 9 000 [[paquets]].", "fr"),
        ("D'après le texte : Le gel de la prochaine version a commencé en 2001.", "fr"),
        ("C-u 4 C-n, par exemple, descend de [[4]] lignes.", "fr"),
    ],
)
def test_sentences_that_need_what_comes_before_them(statement, language):
    assert mid_thought(statement, language)


@pytest.mark.parametrize(
    ("statement", "language"),
    [
        ("The project was founded by [[Ian Murdock]] in 1993.", "en"),
        ("Un disque dur est constitué de [[plateaux rotatifs]].", "fr"),
        ('According to the text: The name "Woody" comes from a film.', "en"),
    ],
)
def test_sentences_that_stand_alone(statement, language):
    assert not mid_thought(statement, language)


# --- flashcards and acronym cards ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "passage", "expected"),
    [
        (
            "What is Free Software Foundation?",
            "The Free Software Foundation is a charity.",
            "What is the Free Software Foundation?",
        ),
        (
            "What is virtual package?",
            "A virtual package is a name several packages provide.",
            "What is a virtual package?",
        ),
        (
            "What is Linux Kernel Archive?",
            "Linux Kernel Archive is the home of the sources.",
            "What is the Linux Kernel Archive?",
        ),
        ("What is gene therapy?", "Gene therapy consists of adding a gene.", "What is gene therapy?"),
        ("What is AppArmor?", "AppArmor is a MAC system.", "What is AppArmor?"),
        ("What are vectors?", "Vectors are vehicles for genes.", "What are vectors?"),
        ("What is next step?", "The next step is to compile the package.", None),
    ],
)
def test_english_flashcard_fronts_get_their_article(front, passage, expected):
    assert english_front(front, front[8:-1], passage) == expected


def test_an_acronym_card_whose_expansion_is_a_sentence_about_it():
    assert bad_expansion("BIOS ne charge pas le système directement", "BIOS")
    assert not bad_expansion("Basic Input/Output System", "BIOS")


# --- the gate on candidates -------------------------------------------------------------------------------------


def test_the_gate_moves_furniture_down_and_repairs_clozes():
    text = "Profile: /usr/sbin/x Severity: 8 [[Path]]: /etc/y\nYou draw it with the function qqnorm."
    bad = cloze("Profile: /usr/sbin/x Severity: 8 [[Path]]: /etc/y", "Path", confidence=0.9)
    good = cloze("You draw it with the [[function qqnorm]].", "function qqnorm", confidence=0.4)
    bad.passage, good.passage = text.split("\n")
    good.start, good.end = text.index("You"), len(text)
    out = gate([bad, good], text)
    assert [c.answer for c in out] == ["qqnorm", "Path"]
    assert out[0].prompt == "You draw it with the function [[qqnorm]]." and out[0].term == "qqnorm"
    assert out[1].confidence == pytest.approx(round(0.9 * 0.3 * 0.85, 3))  # furniture, its blank said once


def test_a_cloze_left_without_a_good_blank_is_kept_far_down():
    text = "Its profiles are kept in /etc/apparmor.d/ on every machine.\nBoxplots compare samples."
    bad = cloze("Its profiles are kept in /[[etc/apparmor]].d/ on every machine.", "etc/apparmor", confidence=0.9)
    good = cloze("[[Boxplots]] compare samples.", "Boxplots", confidence=0.4)
    good.start = text.index("Box")
    out = gate([bad, good], text)
    assert [c.answer for c in out] == ["Boxplots", "etc/apparmor"]
    assert out[1].confidence == pytest.approx(round(0.9 * 0.3 * 0.85, 3))  # furniture, its blank said once


def test_fill_in_the_blank_choices_and_cross_references_wait_behind_typed_blanks():
    text = (
        "Boxplots compare two samples.\nSee Section 4 for the bandwidth of kernels.\n"
        "Pick one. Boxplots. Bandwidth. Histograms. Densities. Quantiles."
    )
    typed = cloze("[[Boxplots]] compare two samples.", "Boxplots", confidence=0.5)
    crossref = cloze("See Section 4 for the [[bandwidth]] of kernels.", "bandwidth", confidence=0.7)
    crossref.passage, crossref.start = text.split("\n")[1], text.index("See")
    choice = Candidate(
        kind="single",
        prompt="Fill in the blank: _____ compare two samples.",
        answer="Boxplots",
        passage="Boxplots compare two samples.",
        language="en",
        confidence=0.55,
        reason="",
        answer_type="term",
        choices=[("Boxplots", True), ("Histograms", False), ("Densities", False), ("Quantiles", False)],
    )
    out = gate([choice, crossref, typed], text)
    assert [c.kind for c in out][0] == "cloze" and out[0].answer == "Boxplots"
    assert out[-1].kind == "single"


def test_no_more_than_two_items_of_one_paragraph_lead_the_queue():
    text = "A one. B two. C three.\nD four."
    items = [cloze(f"[[{w}]] x y z w.", w, confidence=0.9 - k * 0.01) for k, w in enumerate("ABC")]
    for k, c in enumerate(items):
        c.start = k * 7
    other = cloze("[[D]] x y z w.", "D", confidence=0.8)
    other.start = text.index("D")
    out = gate([*items, other], text)
    assert [c.answer for c in out] == ["A", "B", "D", "C"]


def test_derive_passes_its_candidates_through_the_gate():
    text = (
        "Profile: /usr/sbin/dhclient Severity: 8 Path: /etc/ssl/openssl.cnf New Mode: r (A)llow / [(D)eny].\n\n"
        "The Debian Project is a worldwide group of volunteers who produce a free operating system.\n"
    )
    candidates = derive(text, language="en")
    assert all("Severity" not in c.prompt for c in candidates)
    assert any(c.prompt == "What is the Debian Project?" for c in candidates)


def test_a_common_word_beside_better_blanks_is_taken_out_unless_the_text_dwells_on_it():
    prompt = "Further [[methods]] are available in contributed packages, notably [[SuppDists]]."
    assert repair_cloze(prompt, "methods", "en", prompt) == (
        "Further methods are available in contributed packages, notably [[SuppDists]].",
        "SuppDists",
    )
    # session 6: a theme word goes too (the judged tuning queues edited every such blank to the particular one);
    # alone in its cloze it stays (see test_ranking_session6)
    theme = "The kernel boots. The kernel loads drivers. The kernel schedules. " + prompt.replace("methods", "kernel")
    kept = prompt.replace("methods", "kernel")
    assert repair_cloze(kept, "kernel", "en", theme) == (kept.replace("[[kernel]]", "kernel"), "SuppDists")


@pytest.mark.parametrize(
    ("statement", "language"),
    [
        ("If I remember correctly, [[dselect]] appeared in 0.93R6.", "en"),
        ("Here the program asks for read permissions on the [[abstractions]].", "en"),
        ("Je crois que la [[version 2]] était la meilleure.", "fr"),
    ],
)
def test_testimonies_and_deictic_openings_need_context(statement, language):
    assert mid_thought(statement, language)


def test_a_series_of_like_sentences_gives_one_item_to_the_head_of_the_queue():
    text = (
        "The sixth meeting was held in Espoo.\nThe seventh meeting was held in Oaxtepec.\n"
        "The eighth meeting was held in Edinburgh.\nBoxplots compare two samples."
    )
    lines = text.split("\n")
    items = []
    for k, line in enumerate(lines[:3]):
        place = line.split()[-1].rstrip(".")
        c = cloze(line.replace(place, f"[[{place}]]"), place, confidence=0.9 - k * 0.01)
        c.passage, c.start = line, text.index(line)
        items.append(c)
    other = cloze("[[Boxplots]] compare two samples.", "Boxplots", confidence=0.6)
    other.passage, other.start = lines[3], text.index(lines[3])
    out = gate([*items, other], text)
    assert [c.answer for c in out][:2] == ["Espoo", "Boxplots"]


def test_choices_with_distractors_the_text_never_names_wait_longer():
    text = "Setup starts when you press F10 or F12 at power on. Esc works too."
    choice = Candidate(
        kind="single",
        prompt="Fill in the blank: Setup starts when you press _____ or F12 at power on.",
        answer="F10",
        passage=text,
        language="en",
        confidence=0.5,
        reason="",
        answer_type="symbol",
        choices=[("F10", True), ("CD19", False), ("CCR5", False), ("AAV9", False)],
    )
    assert gate([choice], text)[0].confidence == pytest.approx(0.3)


def test_choices_a_learner_sees_through_become_a_typed_blank():
    text = "Press the CONTROLE key (CTRL) with the ALT key or the DEL key."
    choice = Candidate(
        kind="single",
        prompt="Fill in the blank: Press the _____ key with a letter.",
        answer="CONTROLE",
        passage=text,
        language="en",
        confidence=0.5,
        reason="",
        answer_type="acronym",
        choices=[("CONTROLE", True), ("CTRL", False), ("ALT", False), ("DEL", False)],
    )
    out = gate([choice], text)[0]
    assert (out.kind, out.choices, out.prompt) == ("cloze", [], "Press the [[CONTROLE]] key with a letter.")
    assert out.reason.endswith("(its distractors were of another kind, so it is typed)")


def test_a_sentence_cut_before_its_listing():
    assert cut_short("We can make a Q-Q plot against the generating distribution by", "en")
    assert cut_short("On compile le programme avec", "fr")
    assert not cut_short("We can make a Q-Q plot of the sample.", "en")


def test_a_name_of_the_title_is_no_blank_beside_others():
    text = "Introduction to Zypper\n\n" + "Zypper installs packages. " * 5
    topics = topic_words(text)
    assert topics == {"Zypper"}
    assert on_topic("Zypper support", topics, "en") and not on_topic("zypper-repos", topics, "en")
    prompt = "[[Zypper support]] is built into the [[openSUSE]] kernels."
    assert repair_cloze(prompt, "Zypper support", "en", text, topics) == (
        "Zypper support is built into the [[openSUSE]] kernels.",
        "openSUSE",
    )


def test_a_cloze_whose_every_blank_the_text_names_once_waits():
    text = "Gene therapy uses vectors. Vectors carry genes. A faulty cable may be defective."
    assert said_once("A faulty cable may be [[defective]].", text)
    assert not said_once("Gene therapy uses [[vectors]].", text)


def test_a_statement_loses_the_quotation_mark_another_sentence_closes():
    assert unquoted('According to the text: "Version 0.7 was released in May 1994.') == (
        "According to the text: Version 0.7 was released in May 1994."
    )
    whole = 'D\'après le texte : Il a dit "bonjour" en 1994.'
    assert unquoted(whole) == whole


def test_a_list_item_after_a_lead_that_names_nothing_needs_context():
    assert anonymous_list("Les nouvelles fonctionnalités incluent : Le [[noyau Linux]], maintenant libre.")
    assert not anonymous_list("Debian 6.0 introduced : the [[dependency-based boot]] sequence.")
    assert not anonymous_list("The [[kernel]] manages the hardware.")


def test_a_lead_that_introduces_what_it_lists_is_no_anonymous_list():
    # an indefinite subject presents the items ("des solutions …", "several tools …"); a definite one ("Les
    # nouvelles fonctionnalités", "its features") points back to what an earlier sentence named
    assert not anonymous_list("Dans les villes, des réseaux de chaleur se développent : Des [[chaufferies bois]].")
    assert not anonymous_list("On the farm, several new machines appear: [[seed drills]] with sensors.")
    assert anonymous_list("Ses principales fonctions sont : la [[régulation thermique]] du bâtiment.")


def test_a_common_word_alone_in_its_blank_is_weak_even_when_the_text_dwells_on_it():
    # the theme word is the text's subject, not what this sentence teaches ("source-only [[packages]]")
    prompt = "At first the team shipped source-only [[packages]]."
    text = "Packages are built. Packages are signed. The packages are mirrored. " + prompt.replace("[[", "").replace(
        "]]", ""
    )
    assert repair_cloze(prompt, "packages", "en", text) == (prompt, "packages")  # kept as a blank, …
    assert common_blank(prompt, "en")  # … but moved down
    assert common_blank("Le réseau compte surtout des [[utilisateurs]].", "fr")
    assert not common_blank("The kernel of Debian is [[Linux]].", "en")


@pytest.mark.parametrize(
    ("prompt", "language", "expected"),
    [
        (
            "For more themes you can [[install gnome-themes-extra]] from the archive.",
            "en",
            ("For more themes you can install [[gnome-themes-extra]] from the archive.", "gnome-themes-extra"),
        ),
        (
            "Au-dessus du noyau, on peut encore [[distinguer des couches applicatives]] plus fines.",
            "fr",
            (
                "Au-dessus du noyau, on peut encore distinguer des [[couches applicatives]] plus fines.",
                "couches applicatives",
            ),
        ),
        ("Then you should [[reboot]] the [[router]].", "en", ("Then you should reboot the [[router]].", "router")),
    ],
)
def test_the_verb_after_a_modal_leaves_the_blank(prompt, language, expected):
    answer = prompt.split("[[")[1].split("]]")[0]
    assert repair_cloze(prompt, answer, language) == expected


@pytest.mark.parametrize(
    ("passage", "pointer"),
    [
        ("See the manual page of rsync for the full list of its filters.", True),
        ("For more details on licences, see the Open Source Definition.", True),
        ("Pour davantage d'informations sur ce format, consultez la documentation de tar.", True),
        ("Voir la page de manuel de cron pour la syntaxe exacte.", True),
        ("The scheduler runs each job at the time its line gives.", False),
        ("Les développeurs voient leurs paquets reconstruits chaque nuit.", False),
    ],
)
def test_a_sentence_that_sends_the_reader_elsewhere_is_a_cross_reference(passage, pointer):
    assert cross_reference(passage) is pointer


def test_a_demonstrative_a_few_words_in_points_back_too():
    assert mid_thought("The main benefit of this change is a smaller [[archive]].", "en")
    assert mid_thought("The only drawback of these tools is their [[speed]].", "en")
    assert not mid_thought("The scheduler of the kernel picks the next [[thread]] to run, as this text shows.", "en")


def test_the_respeller_keeps_each_answer_in_its_own_case():
    # a word seen first capitalised (a heading's "Démarrage") must not capitalise it in a later answer
    from quizzes.deriving.engine.answers import Respeller  # noqa: PLC0415

    respell = Respeller("Démarrage rapide. Le chargeur de démarrage lit le disque au démarrage.")
    assert respell("Démarrage rapide") == "Démarrage rapide"
    assert respell("chargeur de démarrage") == "chargeur de démarrage"
