"""Which cue a quote goes to when two cues of the same speaker stand near it, and when two quotes of
one speaker are one statement. The sentences are invented and parsed by the real pipeline."""

from __future__ import annotations

import pytest

from indexer.extract.engine import Extractor
from indexer.model import Article, Attribution


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _attributions(extractor: Extractor, text: str) -> list[Attribution]:
    return extractor.extract_one(Article("attach", text)).attributions


def test_a_quote_after_a_second_cue_is_that_cues_own(extractor: Extractor) -> None:
    """ "“A,” Ruiz said before adding: “B.”": two statements (PolNeAR annotates both), not one in
    two pieces around "said"."""
    text = (
        '"If they get to pick the judges, there is nothing you can do," Ruiz said before adding: '
        '"Though the voters, maybe there is, I do not know."'
    )
    by_cue = {a.cue.text: a for a in _attributions(extractor, text) if a.cue is not None}
    assert by_cue["said"].text.rstrip(",") == "If they get to pick the judges, there is nothing you can do"
    assert by_cue["adding"].text.startswith("Though the voters")
    assert by_cue["adding"].speaker.mention == "Ruiz"


def test_a_quote_after_a_report_in_between_is_no_piece_of_the_first(extractor: Extractor) -> None:
    """A sentence of narration with a report of its own between two quotes of one speaker: the second
    quote is hers, but no second piece of the first."""
    text = (
        '"Immigration is important but in my view, it is education," says Mia Lund, 32, of Sodus, who '
        'works in retail. Lund supports Hillary Clinton in the presidential race. "I am a college graduate."'
    )
    found = _attributions(extractor, text)
    first = next(a for a in found if a.text.startswith("Immigration"))
    assert "graduate" not in first.text, first.text
    second = next(a for a in found if "college graduate" in a.text)
    assert second.speaker.name is not None and "Lund" in second.speaker.name


def test_a_quote_that_goes_on_after_its_cue_is_one_statement(extractor: Extractor) -> None:
    text = "\u201cWe are ready,\u201d she said. \u201cThe vote is on Tuesday.\u201d"
    (quote,) = [a for a in _attributions(extractor, text) if "ready" in a.text]
    assert "Tuesday" in quote.text


def test_what_the_speaker_did_between_the_pieces_of_a_quote_is_kept(extractor: Extractor) -> None:
    """ "“A,” Manchin said, referring to the seats Democrats hold. “B.”": the quote is one statement in
    two pieces, and the participle between them is no part of its content but a report of its own
    (PolNeAR annotates it), so the quote does not crowd it out."""
    text = (
        "\u201cLet us say they are in the majority. Let us say they are at 54, 56, wherever we were "
        "before,\u201d Manchin said, referring to the number of seats Senate Democrats control. "
        "\u201cThen I think the bill passes.\u201d"
    )
    found = _attributions(extractor, text)
    quote = next(a for a in found if "majority" in a.text)
    assert "bill passes" in quote.text  # one statement in two pieces
    referring = next(a for a in found if a.cue is not None and a.cue.text == "referring")
    assert referring.text == "to the number of seats Senate Democrats control"
    assert referring.speaker.mention == "Manchin"


def test_a_quote_after_the_speaker_s_next_act_is_no_piece_of_the_one_before(extractor: Extractor) -> None:
    text = (
        '"We know we have got work to do," she told a cheering crowd, then referred to the slogan of '
        'her rival. "But that is not what we need."'
    )
    found = _attributions(extractor, text)
    first = next(a for a in found if "work to do" in a.text)
    assert "need" not in first.text, first.text
    assert any("not what we need" in a.text for a in found)


@pytest.mark.parametrize(
    "text",
    [
        '"Sell the bonds now, before rates move," Ortega said, adding a plug for his own fund. '
        '"Who manages money better than us?"',
        "Ortega insisted it was \u201ctoo early\u201d to back the merger while adding on pensions, "
        "\u201cWho manages money better than us?\u201d",
    ],
)
def test_a_quote_after_adding_is_the_statement_of_adding(extractor: Extractor, text: str) -> None:
    """ "“A,” X said, adding a plug for himself. “B?”": B is what X says in adding, as PolNeAR marks
    it, and no second piece of A."""
    found = _attributions(extractor, text)
    second = next(a for a in found if "manages money" in a.text)
    assert second.cue is not None and second.cue.text == "adding"
    assert second.speaker.mention == "Ortega"
    assert not any("manages money" in a.text and a is not second for a in found)


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        (
            "\u201cIs the mayor hiding something?\u201d reacted Ortega. Then he left the hall.",
            "reacted",
            "Ortega",
        ),
        (
            "\u201cThis is wonderful!\u201d beamed Maria Lopez of Dayton, Ohio, who had waited all night.",
            "beamed",
            "Maria Lopez",
        ),
    ],
)
def test_any_verb_that_signs_a_line_of_dialogue_is_its_cue(
    extractor: Extractor, text: str, cue: str, speaker: str
) -> None:
    """ "“...?” reacted Trump.": a verb outside the list of verbs of saying, with only its named
    subject between it and a quote that ends in a question mark, an exclamation mark or a comma."""
    (a,) = _attributions(extractor, text)
    assert a.cue is not None and a.cue.text == cue
    assert a.speaker.mention is not None and a.speaker.mention.startswith(speaker)


def test_a_verb_after_a_title_in_quotes_is_no_cue(extractor: Extractor) -> None:
    found = _attributions(extractor, "Her film \u201cThe Harbor\u201d ended. Ortega smiled.")
    assert not [a for a in found if a.cue is not None and a.cue.text in ("ended", "smiled")]


def test_a_quote_after_a_colon_is_the_lead_ins_not_a_participle_after_it(extractor: Extractor) -> None:
    """ "Ruiz fired back: “...,” referencing the ruling": the participle after the quote has no subject
    of its own; the clause the colon closes names the speaker. (Before, the quote went to the
    participle, and its source was the participle's object or an earlier name.)"""
    text = (
        "When Reyes suggested that the county would sue the city over the deal, Ruiz fired back "
        "forcefully: \u201cIf they sue us in a court in Salem, they are going to lose,\u201d referencing "
        "the ruling."
    )
    (quote,) = [a for a in _attributions(extractor, text) if "going to lose" in a.text]
    assert quote.speaker.name == "Ruiz", quote


def test_a_cue_with_its_own_subject_after_a_colon_quote_keeps_it(extractor: Extractor) -> None:
    text = (
        "The mayor was far less cheerful: \u201cThe riders will hate this plan,\u201d she recalled "
        "telling them. \u201cWe will have to convince them.\u201d"
    )
    (quote,) = [a for a in _attributions(extractor, text) if "hate this plan" in a.text]
    assert quote.cue is not None and quote.cue.text in ("recalled", "telling"), quote.cue
