"""How each item is made (issue 15, session 6): distractors, spans and answer keys. Each test holds sentences
modelled on the tuning texts' sentences that produced an item a teacher edited or rejected, and asserts the item is
now right or not made.
"""

import re

from quizzes.deriving.engine import Candidate, ExistingQuestion, derive
from quizzes.deriving.engine.questions import slash_wordings


def blanks(c: Candidate) -> list[str]:
    return re.findall(r"\[\[(.*?)\]\]", c.prompt)


# ------------------------------------------------------------------------- distractors from a coarse pool

HISTORY = """The Debian Project

Debian was begun in August 1993 by Ian Murdock. The ports of Debian now include ARM and a flavour of the BSD kernel.

Bruce Perens wanted to create a Linux distribution on CD to be called Linux for Hams.

Software in the Public Interest (SPI) was created in 1997.

SPI was founded to help Debian and other similar organizations develop and distribute open hardware and software.

Among other things, SPI provides a mechanism by which the Debian Project may accept contributions.
"""


def test_no_choice_item_offers_acronyms_of_another_kind():
    # "_____ was founded to help Debian…" {CD / BSD / ARM / *SPI}: an organisation against a medium and
    # architectures. The acronym pool is too coarse for choices: the learner types the answer.
    candidates = derive(HISTORY, language="en")
    assert not [c for c in candidates if c.kind == "single"]
    spi = [c for c in candidates if c.kind == "cloze" and "was founded to help" in c.prompt]
    assert spi and blanks(spi[0]) == ["SPI"]


KEYS = """Starting Setup

Starting Setup usually involves pressing a key very soon after the computer is powered on. This key is often Del
or Esc, sometimes F2, F5, F8, or F10. Most of the time, the choice is flashed on screen while powering on.
"""


def test_no_choice_item_with_the_banks_distractors():
    # {CD19 / CCR5 / AAV9 / *F10}: genes of the bank's other topics offered for a function key
    bank = [
        ExistingQuestion(f"q{k}", f"Which gene? ({k})", answer) for k, answer in enumerate(("CD19", "CCR5", "AAV9"))
    ]
    candidates = derive(KEYS, language="en", existing=bank)
    assert not [c for c in candidates if c.kind == "single"]
    assert not [c for c in candidates if {"CD19", "CCR5", "AAV9"} & {t for t, _ in c.choices}]


# ---------------------------------------------------------------------------------------------- answer keys


def test_an_expansion_with_a_slash_gives_two_wordings():
    assert slash_wordings("Compatibility Support Mode/Module") == [
        "Compatibility Support Mode",
        "Compatibility Support Module",
    ]
    assert slash_wordings("master boot record") == ["master boot record"]


def test_acronym_card_keeps_both_wordings_of_its_expansion():
    text = (
        "Most computers can still boot from a BIOS disk. This is called the Compatibility Support Mode/Module (CSM). "
        "But several manufacturers have announced the end of the CSM."
    )
    cards = [c for c in derive(text, language="en") if c.kind == "short" and c.term == "CSM"]
    assert cards
    assert cards[0].answer == "Compatibility Support Mode"
    assert "Compatibility Support Module" in cards[0].alternatives
    assert "Mode Module" not in cards[0].answer
