"""Paragraph breaks as sentence breaks: `nlp.add_pipe("paragraph_breaks", before="parser")`.

Text read from HTML (trafilatura) and from many feeds puts one newline between paragraphs, and the
parser often runs a headline or a short paragraph into the sentence after it ("River crest expected
Thursday as towns brace for flooding\\nThe Alder River will crest ..."), so a cue of the one governs
words of the other. This component marks the first word after a newline as a sentence start before
the parser runs (the parser keeps boundaries set before it) when the line before is a paragraph of
its own: it ends a sentence, or it is a short line without an end (a headline, a crosshead, a
dateline) and the next line starts with a capital or a quote mark. In hard-wrapped text (more than one
line in ten goes on in lower case) short lines are not taken for headings, and a line that stops
mid-sentence is left to the parser.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Token

NAME = "paragraph_breaks"
HEADING_WORDS = 12  # a line of at most this many words without a sentence end can be a heading
_ENDS = frozenset(".!?:;")
_CLOSERS = "\"'”’)]"
_OPENERS = frozenset("\"'“‘(")


@Language.factory(NAME, assigns=["token.is_sent_start"])
def make_paragraph_breaks(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return paragraph_breaks


def paragraph_breaks(doc: Doc) -> Doc:
    breaks = _line_breaks(doc)
    # A line going on in lower case is a hard-wrapped sentence: then no short line is taken for a heading.
    wrapped = sum(1 for _, _, first in breaks if first.text[0].islower()) * 10 > len(breaks)
    for words, last, first in breaks:
        if _ends_paragraph(words, last, first, wrapped):
            first.is_sent_start = True
    return doc


def _line_breaks(doc: Doc) -> list[tuple[int, Token, Token]]:
    """For each newline between words: the words on the line before, its last token, the next token."""
    out: list[tuple[int, Token, Token]] = []
    words = 0
    last: Token | None = None
    pending: tuple[int, Token] | None = None
    for token in doc:
        if token.is_space:
            if "\n" in token.text and last is not None:
                pending = (words, last)
                words, last = 0, None
            continue
        if pending is not None:
            out.append((*pending, token))
            pending = None
        last = token
        if not token.is_punct:
            words += 1
    return out


def _ends_paragraph(words: int, last: Token, first: Token, wrapped: bool) -> bool:
    text = last.text.rstrip(_CLOSERS) or last.text
    if text[-1] in _ENDS:
        return True
    heading = words <= HEADING_WORDS and (first.text[0].isupper() or first.text[0] in _OPENERS)
    return heading and not wrapped


def add_paragraph_breaks(nlp: Language) -> None:
    """Put the component before the parser of `nlp` (nothing to do without a parser, or when it is in)."""
    if "parser" in nlp.pipe_names and NAME not in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
