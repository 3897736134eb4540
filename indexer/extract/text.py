"""The article text behind a Doc, exactly as read.

The parser may be given a copy with Unicode spaces made plain (same length, so offsets agree): a
no-break space inside "Mr.\u00a0Brandt" otherwise splits the name for the tagger and the entity
recognizer. Output is always cut from the text as read, which the engine stores on the Doc; reading it
from there also avoids rebuilding `doc.text` (linear in the article) at every cue.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

KEY = "quotes.text"
_UNICODE_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def plain_spaces(text: str) -> str:
    """`text` with every Unicode space as an ASCII space; the length never changes."""
    return _UNICODE_SPACES.sub(" ", text)


def source_text(doc: Doc) -> str:
    """The text the offsets index: the article as read (set by the engine), else the Doc's own text."""
    text = doc.user_data.get(KEY)
    if text is None:
        text = doc.text
        doc.user_data[KEY] = text
    return str(text)
