"""Quote marks typed with no space after a punctuation mark: `split_glued_quotes(nlp)`.

Scraped text and many feeds drop the space between a sentence and a quote ("Ryan said,“Look,
...", "it was paranoia,”Clinton said", "... Ted Cruz.”Trump tells"). spaCy's English tokenizer keeps
such a run as one token ("said,“Look"), so the cue, the quote's first word and a name became one
word: a source named "Ryan said,“Look", a sentence that never ends. Two infix rules split the
punctuation mark and the quote mark off when a letter follows. Apostrophes are left alone (they
are also the possessive). Offsets do not change: tokens keep their places in the text.
"""

from __future__ import annotations

from typing import Any

from spacy.util import compile_infix_regex

# a version of these rules, for caches of parsed text (`indexer.training.corpus`)
RULES = "glued-quotes-1"
_INFIXES = (
    r"(?<=[A-Za-z0-9])[,.:;!?](?=[“”\"][A-Za-z])",  # "said" "," of said,“Look
    r"(?<=[,.:;!?])[“”\"](?=[A-Za-z])",  # "“" "Look" of said,“Look
)


def split_glued_quotes(nlp: Any) -> None:
    """Add the two infix rules to those the tokenizer of `nlp` has (its language's defaults when it
    shows none); once."""
    current = getattr(getattr(nlp.tokenizer, "infix_finditer", None), "__self__", None)
    pattern = getattr(current, "pattern", None)
    if isinstance(pattern, str) and _INFIXES[0] in pattern:
        return
    rules = [pattern] if isinstance(pattern, str) and pattern else list(nlp.Defaults.infixes or ())
    nlp.tokenizer.infix_finditer = compile_infix_regex([*rules, *_INFIXES]).finditer
