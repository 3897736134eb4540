"""Training labels from the gold relations: which candidate is each gold attribution, which speaker
candidate its source, and which words head the annotated cues (for the learned lexicon)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from indexer.evaluate import GoldRelation
from indexer.extract.base import Candidate
from indexer.extract.cues import LEXICON_POS, CueLexicon, cue_key, phrase_key
from indexer.extract.speaker_candidates import SpeakerCandidate


def _overlap(frags: list[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(b, end) - max(a, start)) for a, b in frags)


def assign(cands: Sequence[Candidate], gold: Sequence[GoldRelation]) -> list[GoldRelation | None]:
    """For each candidate, the gold relation it stands for, or None.

    Each gold relation takes one candidate: among those that match it by the metric, one whose cue word
    lies in the gold cue first, then one the rules made, then the closest in extent. The other
    candidates that match it are negatives: keeping them too would be a duplicate."""
    out: list[GoldRelation | None] = [None] * len(cands)
    for g in gold:
        best: tuple[tuple[int, int, float], int] | None = None
        for i, c in enumerate(cands):
            if not g.matched_by(c.start, c.end):
                continue
            cue = c.cue_token
            agrees = 1 if cue is None else int(_overlap(g.cue, cue.idx, cue.idx + 1) > 0)
            extent = _overlap(g.content, c.start, c.end) / max(
                sum(b - a for a, b in g.content), c.end - c.start
            )
            key = (agrees, int(not c.rule.startswith("lexicon")), extent)
            if best is None or key > best[0]:
                best = (key, i)
        if best is not None and out[best[1]] is None:
            out[best[1]] = g
    return out


def speaker_labels(options: Sequence[SpeakerCandidate], relation: GoldRelation) -> list[int]:
    """1 for the speaker candidates whose mention overlaps the gold source."""
    return [int(bool(relation.source) and _overlap(relation.source, o.start, o.end) > 0) for o in options]


def cue_heads(doc: Any, gold: Iterable[GoldRelation]) -> set[int]:
    """Token indices of the words that head a gold cue (the word the rest of the cue depends on)."""
    heads: set[int] = set()
    for g in gold:
        if not g.cue:
            continue
        a, b = g.cue[0]
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or not len(span):
            continue
        words = [t for t in span if not t.is_punct] or list(span)
        tops = [t for t in words if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
        heads.add((tops[0] if tops else words[0]).i)
    return heads


def count_cues(articles: Iterable[tuple[Any, Iterable[GoldRelation]]], min_cues: int = 2) -> CueLexicon:
    """The learned lexicon: for each word and word + preposition, occurrences and cue heads."""
    words_n: Counter[str] = Counter()
    words_k: Counter[str] = Counter()
    phrases_n: Counter[str] = Counter()
    phrases_k: Counter[str] = Counter()
    for doc, gold in articles:
        heads = cue_heads(doc, gold)
        for tok in doc:
            if tok.pos_ not in LEXICON_POS:
                continue  # only these make candidates (the rules find colons, dashes and transcripts)
            is_cue = tok.i in heads
            key, phrase = cue_key(tok), phrase_key(tok)
            words_n[key] += 1
            words_k[key] += is_cue
            phrases_n[phrase] += 1
            phrases_k[phrase] += is_cue
    # only what was a cue at least once is worth keeping; the rest has rate 0 by the smoothing prior
    words = {k: (words_n[k], words_k[k]) for k in sorted(words_k) if words_k[k]}
    phrases = {k: (phrases_n[k], phrases_k[k]) for k in sorted(phrases_k) if phrases_k[k]}
    return CueLexicon(words, phrases, min_cues)
