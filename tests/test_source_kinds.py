"""What kind of source a capitalised word is when it is no name: a headline's "Poll:" or "Report:",
"Aides said" at a sentence's start, a kicker such as "Revealed:". Before, each of them was a person
named "Poll", "Aides" or "Revealed", counted among the people quoted.

All text here is made up for the tests; parsed by the real pipeline.
"""

from __future__ import annotations

import pytest

from indexer.extract.engine import Extractor
from indexer.model import Article, Attribution


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _found(extractor: Extractor, text: str) -> list[Attribution]:
    return extractor.extract_one(Article("kinds", text)).attributions


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Poll: Lena Holt Beats Tom Brandt With First-Ever Lead In The County.\n\n"
            "The race tightened on Monday.",
            "document",
        ),
        (
            "Report: Half of the mayor\u2019s meetings were with donors.\n\nThe mayor disputed it.",
            "document",
        ),
        (
            "Newspaper: The harbor board used private email for ferry business.\n\nThe board declined "
            "to comment.",
            "organization",
        ),
    ],
)
def test_a_common_noun_labelling_a_headline_is_no_person(extractor: Extractor, text: str, kind: str) -> None:
    label = text.split(":")[0]
    (first, *_) = [a for a in _found(extractor, text) if a.speaker.mention == label]
    assert (first.speaker.kind, first.speaker.name) == (kind, label), first.speaker


def test_a_transcript_label_that_is_a_name_is_still_a_person(extractor: Extractor) -> None:
    text = "TAPPER: Do you think the ferry will run?\nRUIZ: I do, and it will run on time."
    speakers = {a.speaker.name: a.speaker.kind for a in _found(extractor, text)}
    assert speakers == {"Tapper": "person", "Ruiz": "person"}, speakers


@pytest.mark.parametrize(
    ("word", "pos", "ent", "lemma"),
    [
        ("Aides", "PROPN", "", "aide"),  # "Aides said ..." tagged as a name
        ("Poll", "PROPN", "", "poll"),
        ("Poll", "NOUN", "", None),  # a noun is classified as one already
        ("Page", "PROPN", "PERSON", None),  # the recognizer's person stays a name
        ("Holt", "PROPN", "", None),
    ],
)
def test_a_capitalised_word_the_lexicon_knows_is_a_common_noun(
    word: str, pos: str, ent: str, lemma: str | None
) -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from indexer.extract.sources import common_noun_capitalised

    doc = Doc(spacy.blank("en").vocab, words=[word, "said", "it"], pos=[pos, "VERB", "PRON"])
    if ent:
        doc.ents = [Span(doc, 0, 1, label=ent)]
    assert common_noun_capitalised(doc[0:1]) == lemma


@pytest.mark.parametrize("kicker", ["Revealed", "BUSTED", "Wow"])
def test_a_headline_kicker_is_no_speaker(extractor: Extractor, kicker: str) -> None:
    text = f"{kicker}: What The Harbor Videos Actually Contain Makes The Mayor Look Worse.\n\nIt was posted."
    assert not any(a.speaker.mention == kicker for a in _found(extractor, text))


@pytest.mark.parametrize(
    "text",
    [
        "Newsflare reported that the ferry deal had collapsed on Monday.",
        '"The deal is off," Quayside reported on Monday.',
    ],
)
def test_one_word_no_one_marks_as_a_person_is_no_person(extractor: Extractor, text: str) -> None:
    """An outlet or a site the recognizer does not know ("according to Politico", "Mashable
    reported"): no first name, title or pronoun goes with it, so it is kept as the source, of no
    known kind, instead of a person."""
    (report,) = _found(extractor, text)
    assert report.speaker.kind == "unknown", report.speaker
    assert report.speaker.name == report.speaker.mention


def test_a_surname_the_article_gives_a_first_name_stays_a_person(extractor: Extractor) -> None:
    text = '"It collapsed," Maddow said on her show. Rachel Maddow has covered the harbor for years.'
    (quote,) = _found(extractor, text)
    assert (quote.speaker.kind, quote.speaker.name) == ("person", "Rachel Maddow"), quote.speaker


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        (
            '"It is a mistake," stated Marta Vardanyan, an Armenian history faculty member at Salem College.',
            "Marta Vardanyan",
            "person",
        ),
        (
            '"We will appeal," said Fox News, a broadcaster owned by a media group.',
            "Fox News",
            "organization",
        ),
    ],
)
def test_a_name_set_off_by_a_persons_role_is_a_person(
    extractor: Extractor, text: str, name: str, kind: str
) -> None:
    """The recognizer called "Marta Vardanyan" a nationality or an organisation; a first name of clear
    gender and a role only a person has ("a faculty member") say otherwise. A broadcaster is no
    such role."""
    (quote,) = _found(extractor, text)
    assert (quote.speaker.name, quote.speaker.kind) == (name, kind), quote.speaker
