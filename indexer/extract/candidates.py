"""Attribution candidates for one article: the rule finders (cues, quote attachment, transcripts) and
the learned cue lexicon's candidates, each tagged with the finder that made it. Candidates overlap:
the learned choice (`choice.py`) decides which are attributions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from indexer.extract.attach import attach_quotes
from indexer.extract.base import Candidate, Paragraphs, quote_mask
from indexer.extract.credits import Credits
from indexer.extract.cues import CueLexicon, cue_candidates, lexicon_cues, transcript_candidates
from indexer.extract.quotemarks import QuoteSpan, find_quotes
from indexer.extract.text import source_text


class TokenTable:
    """Per-token facts as arrays, so that features count over token ranges in constant time: the
    sentence of each token, and running counts (``counts[k][i]`` = tokens before i with property k)."""

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.sentence = np.zeros(n, dtype=np.int64)
        starts: list[int] = []
        ends: list[int] = []
        for k, sent in enumerate(doc.sents):
            self.sentence[sent.start : sent.end] = k
            starts.append(sent.start)
            ends.append(sent.end)
        self.sentence_start = np.array(starts, dtype=np.int64)
        self.sentence_end = np.array(ends, dtype=np.int64)
        flags = {
            name: np.zeros(n, dtype=np.int64) for name in ("verb", "person", "not_lead", "left", "right")
        }
        for t in doc:
            space, dep = t.is_space, t.dep_
            flags["verb"][t.i] = t.pos_ == "VERB"
            flags["person"][t.i] = t.ent_type_ == "PERSON"
            flags["not_lead"][t.i] = not (t.is_punct or space or dep in ("det", "compound", "amod"))
            flags["left"][t.i] = not (space or dep in ("aux", "neg", "advmod"))
            flags["right"][t.i] = not (space or dep in ("prt", "det"))
        self.counts = {name: np.concatenate(([0], np.cumsum(f))) for name, f in flags.items()}

    def count(self, name: str, lo: int, hi: int) -> int:
        """Tokens in [lo, hi) with the property (0 for an empty range)."""
        if hi <= lo:
            return 0
        c = self.counts[name]
        return int(c[hi] - c[lo])

    def same_sentence(self, i: int, j: int) -> bool:
        return bool(self.sentence[i] == self.sentence[j])

    def sentence_bounds(self, i: int) -> tuple[int, int]:
        k = self.sentence[i]
        return int(self.sentence_start[k]), int(self.sentence_end[k])


@dataclass
class ArticleParts:
    """What the finders and the features read besides the parse."""

    text: str
    paragraphs: Paragraphs
    quotes: list[QuoteSpan]
    inside: bytearray  # 1 for characters inside quote marks (and the marks)
    credits: Credits
    tokens: TokenTable


def article_parts(doc: Doc, credits: Credits) -> ArticleParts:
    text = source_text(doc)
    quotes = find_quotes(text)
    return ArticleParts(
        text, Paragraphs(text), quotes, quote_mask(quotes, len(text)), credits, TokenTable(doc)
    )


def find_candidates(doc: Doc, parts: ArticleParts, lexicon: CueLexicon | None) -> list[Candidate]:
    """Every candidate, in text order: the rule finders' and, with a lexicon, those of learned cues."""
    found = rule_candidates(doc, parts)
    if lexicon is not None:
        taken = {c.cue_token.i for c in found if c.cue_token is not None}
        found += [
            c
            for c in lexicon_cues(doc, parts.inside, lexicon, taken)
            if c.cue is not None and not parts.credits.covers(*c.cue)
        ]
    found += merged_quotes(found, parts)
    return sorted(found, key=lambda c: (c.start, c.end))


MERGE_GAP = 300  # characters between two quotes that may be one statement
MERGE_RUN = 3  # at most this many quotes in one statement


def merged_quotes(cands: list[Candidate], parts: ArticleParts) -> list[Candidate]:
    """Runs of consecutive quotes as one candidate each: "“A,” she said. “B.”" or a quote going on in
    the next paragraph is one attribution when the same person goes on (the learned choice decides)."""
    quotes = sorted(
        (
            c
            for c in cands
            if c.kind == "direct" and sum(parts.inside[c.start : c.end]) > 0.6 * (c.end - c.start)
        ),
        key=lambda c: (c.start, c.end),
    )
    pieces: list[Candidate] = []  # non-overlapping, in text order
    for c in quotes:
        if not pieces or c.start >= pieces[-1].end:
            pieces.append(c)
    out: list[Candidate] = []
    for i, first in enumerate(pieces):
        run = [first]
        for nxt in pieces[i + 1 : i + MERGE_RUN]:
            gap = nxt.start - run[-1].end
            if gap > MERGE_GAP or parts.paragraphs.index(nxt.start) - parts.paragraphs.index(run[-1].end) > 1:
                break
            run.append(nxt)
            source = next((c for c in run if c.speaker is not None or c.speaker_span is not None), first)
            fragments = [f for c in run for f in (c.fragments or [(c.start, c.end)])]
            out.append(
                Candidate(
                    first.start,
                    nxt.end,
                    "direct",
                    max(c.confidence for c in run),
                    cue=source.cue,
                    cue_token=source.cue_token,
                    speaker=source.speaker,
                    speaker_span=source.speaker_span,
                    fragments=fragments,
                    rule=f"merged{len(run)}",
                    speaker_fixed=source.speaker_fixed,
                )
            )
    return out


def rule_candidates(doc: Doc, parts: ArticleParts) -> list[Candidate]:
    """Every candidate of the rule finders, overlapping ones included."""
    credits = parts.credits
    cues = [c for c in cue_candidates(doc, parts.inside) if not credits.covers(*(c.cue or (c.start, c.end)))]
    candidates = attach_quotes(doc, parts.quotes, cues, parts.paragraphs, parts.inside)
    candidates += transcript_candidates(parts.text, candidates)
    for cand in candidates:
        if 0 <= cand.start < credits.dateline_end < cand.end:
            cand.start = credits.dateline_end  # the dateline is not part of what was said
    return [c for c in candidates if 0 <= c.start < c.end]
