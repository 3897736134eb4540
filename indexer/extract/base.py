"""What every rule file shares: the `Candidate` attribution, paragraph lookup, the quote mask and span
trimming."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from indexer.extract.quotemarks import ALL_MARKS, QuoteSpan
from indexer.extract.text import source_text

SUBJECT_DEPS = ("nsubj", "nsubjpass")


SPEAKER_ENTS = ("PERSON", "ORG", "NORP", "GPE")  # entities that can say something


PARTICLES = ("prt",)
CLOSING_TOKENS = frozenset({"”", '"', "’"})  # a token that closes a quote
# What a verb does to something on its own (an object, a clause, a complement): "He mocked Rubio."
ACTED_ON = frozenset({"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative"})


def clause_verb(tok: Token) -> bool:
    """A verb that makes a clause, not a participle used as an adjective ("self-described", "televised")."""
    return tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound", "nmod")


@dataclass
class Candidate:
    start: int
    end: int
    kind: str  # direct | indirect | mixed
    confidence: float
    cue: tuple[int, int] | None = None
    cue_token: Token | None = None
    speaker: Token | None = None  # syntactic head of the source mention
    speaker_span: tuple[int, int] | None = None  # for sources without a token (transcript labels)
    fragments: list[tuple[int, int]] = field(default_factory=list)
    carried_from: Candidate | None = None
    rule: str = ""  # which finder made it (a feature of the learned choice)
    # the parse fixes the source: a noun cue's possessor or "by" object, a subject the parser hung on
    # the wrong word, a transcript label; the speaker ranker does not overrule it
    speaker_fixed: bool = False

    def overlap(self, start: int, end: int) -> int:
        return max(0, min(self.end, end) - max(self.start, start))


class Paragraphs:
    """Maps character offsets to paragraph numbers."""

    def __init__(self, text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in re.finditer(r"[^\r\n]+", text)]
        self.starts = [s for s, _ in self.spans]

    def index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


def quote_mask(quotes: list[QuoteSpan], n: int) -> bytearray:
    mask = bytearray(n)
    for q in quotes:
        for a, b in q.fragments:
            mask[max(0, a - 1) : min(n, b + 1)] = b"\x01" * (min(n, b + 1) - max(0, a - 1))
    return mask


def trim(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    while lo <= hi and (doc[lo].is_space or (doc[lo].is_punct and doc[lo].text not in ALL_MARKS)):
        lo += 1
    while hi >= lo and (doc[hi].is_space or (doc[hi].is_punct and doc[hi].text not in ALL_MARKS + ".?!")):
        hi -= 1
    if hi < lo:
        return None
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def within_paragraph(tok: Token, span: tuple[int, int]) -> tuple[int, int] | None:
    """Indirect content never runs past the paragraph of its cue (headlines have no full stop);
    a clause wholly in another paragraph is no content of this cue."""
    text = source_text(tok.doc)
    para_start = max(text.rfind("\n", 0, tok.idx) + 1, 0)
    nl = text.find("\n", tok.idx)
    para_end = len(text) if nl < 0 else nl
    start, end = max(span[0], para_start), min(span[1], para_end)
    return (start, end) if end > start else None


def aged(tok: Token) -> bool:
    """ "the 46-year-old" standing for a person: the adjective "old" with its age and a determiner."""
    return (
        tok.lower_ == "old"
        and tok.dep_ in SUBJECT_DEPS
        and any(c.lower_ in ("year", "years", "month", "months") for c in tok.children)
        and any(c.dep_ == "det" for c in tok.children)
    )
