"""A newline between paragraphs is a sentence break for the parser, unless the text is hard-wrapped.

The sentences are invented."""

from __future__ import annotations

from typing import Any

import pytest

from indexer.extract.engine import load_pipeline
from indexer.extract.paragraphs import NAME


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


def sentences(nlp: Any, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_the_component_runs_before_the_parser(nlp: Any) -> None:
    names = nlp.pipe_names
    assert names.index(NAME) < names.index("parser")


def test_a_headline_without_a_full_stop_is_a_sentence_of_its_own(nlp: Any) -> None:
    text = (
        "Bridge repairs expected Monday as drivers face detours\n"
        "The county will close the bridge, an engineer said."
    )
    assert sentences(nlp, text) == [
        "Bridge repairs expected Monday as drivers face detours",
        "The county will close the bridge, an engineer said.",
    ]


def test_a_line_that_ends_a_sentence_ends_its_paragraph(nlp: Any) -> None:
    text = "“We are ready to talk,”\nsaid the union leader.\nThe talks resume on Friday."
    assert sentences(nlp, text)[-1] == "The talks resume on Friday."


def test_hard_wrapped_text_is_left_to_the_parser(nlp: Any) -> None:
    # More than one line in ten goes on in lower case: the short line ending in "and" is no heading.
    text = (
        "The mayor said on Tuesday that the\n"
        "city would close two schools and\n"
        "Northside would get a new library next spring."
    )
    assert len(sentences(nlp, text)) == 1
