"""Passages and texts are shown without the markup scraped with them; stored passages stay verbatim."""

from quizzes.templatetags.reading import reading
from tests import factory

TEXT = "Le gène *RPE65* est muté[2] dans l’amaurose (fig1).\n\nLes vecteurs AAV [3, 4] sont *non intégratifs*."


def test_emphasis_footnote_and_figure_calls_are_left_out():
    assert reading("Le gène *RPE65* est muté[2] (fig1).") == "Le gène RPE65 est muté."
    assert reading("**bold** and [12–14] notes") == "bold and notes"
    assert reading("a highlight cut *RPE") == "a highlight cut RPE"
    assert reading("5 * 3 [a] stays") == "5 * 3 [a] stays"  # not emphasis, not a footnote call


def test_the_feedback_passage_and_the_text_page_show_clean_text(client, admin_user):
    source = factory.make_source("muted", language="fr", text=TEXT)
    question = factory.make_question(
        "q-rpe", source=source, passage="Le gène *RPE65* est muté[2] dans l’amaurose (fig1).", highlight="*RPE65*"
    )
    assert question.passage.text.startswith("Le gène *RPE65*")  # what the question cites is unchanged
    client.force_login(admin_user)
    page = client.get(f"/questions/{question.external_id}/preview/").content.decode()
    assert "<mark>RPE65</mark> est muté dans l’amaurose." in page
    text_page = client.get("/sources/muted/").content.decode()
    assert "Le gène RPE65 est muté dans l’amaurose." in text_page
    assert "sont non intégratifs." in text_page and "[3, 4]" not in text_page


def test_exponents_and_menus_scraped_with_a_text_are_shown_as_a_reader_expects():
    assert reading("au début du xx^e siècle, le 1^er essai") == "au début du XXᵉ siècle, le 1ᵉʳ essai"
    assert reading("Home | About | Contact\nGene therapy works.") == "\nGene therapy works."
    assert reading("a | b") == "a | b", "two items are not a menu"


def test_the_shipped_texts_carry_nothing_scraped(db):
    """The bank's texts were cleaned (bank/texts/): no menu, no figure call, no caret exponent, no page furniture;
    the questions quoting them were updated with them (tests/bank/test_shipped_bank.py checks the passages)."""
    from pathlib import Path

    for path in (Path(__file__).resolve().parents[2] / "bank" / "texts").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for scraped in (
            "top of page",
            "Sous titre",
            "Texte Centré",
            "(fig1)",
            "(fig 2)",
            "^e ",
            "](#)",
            "journalReview",
        ):
            assert scraped not in text, (path.name, scraped)
