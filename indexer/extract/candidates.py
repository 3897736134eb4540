"""Attribution candidates for one article: the rule finders (cues, quote attachment, transcripts) and
the learned cue lexicon's candidates, each tagged with the finder that made it."""

from __future__ import annotations

from spacy.tokens import Doc

from indexer.extract.attach import attach_quotes
from indexer.extract.base import Candidate, Paragraphs, quote_mask
from indexer.extract.credits import Credits
from indexer.extract.cues import cue_candidates, transcript_candidates
from indexer.extract.quotemarks import find_quotes
from indexer.extract.text import source_text


def find_candidates(doc: Doc, credits: Credits) -> list[Candidate]:
    return drop_overlaps(rule_candidates(doc, credits))


def rule_candidates(doc: Doc, credits: Credits) -> list[Candidate]:
    """Every candidate of the rule finders, overlapping ones included (the choice comes later)."""
    text = source_text(doc)
    paragraphs = Paragraphs(text)
    quotes = find_quotes(text)
    inside = quote_mask(quotes, len(text))
    cues = [c for c in cue_candidates(doc, inside) if not credits.covers(*(c.cue or (c.start, c.end)))]
    candidates = attach_quotes(doc, quotes, cues, paragraphs, inside)
    candidates += transcript_candidates(text, candidates)
    for cand in candidates:
        if 0 <= cand.start < credits.dateline_end < cand.end:
            cand.start = credits.dateline_end  # the dateline is not part of what was said
    return candidates


def _nested(outer: Candidate, inner: Candidate) -> bool:
    """ "She said Trump favors a “strongman approach”": a report inside reported content is its own."""
    if inner.cue is None or outer.cue is None or inner.cue_token is None:
        return False
    return outer.start <= inner.cue[0] and inner.cue[1] <= outer.end and inner.end <= outer.end


def drop_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    rank = {"direct": 2, "mixed": 2, "indirect": 1}
    ordered = sorted(
        candidates,
        key=lambda c: (
            -(c.speaker is not None or c.speaker_span is not None),
            -rank[c.kind],
            -c.confidence,
            c.start,
        ),
    )
    for c in ordered:
        if c.start < 0 or c.end <= c.start:
            continue
        clash = next(
            (k for k in kept if k.overlap(c.start, c.end) > 0.5 * min(c.end - c.start, k.end - k.start)),
            None,
        )
        if clash is None:
            kept.append(c)
        elif _nested(c, clash) and c.speaker is not None:
            kept[kept.index(clash)] = c  # the outer report holds the inner one
    return sorted(kept, key=lambda c: (c.start, c.end))
