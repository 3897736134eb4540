"""The attribution finder as a spaCy pipeline component: `nlp.add_pipe("quote_attributions")`.

Reads the parse and entities of a whole-article Doc and writes `doc._.quotes` (a list of
`indexer.model.Attribution`) and `doc._.credits` (reporters and places from credit lines). The rule
finders propose candidates, the learned choice keeps the attributions and picks their sources, and the
resolution gives each source its name in the article.

Config: `model_dir` (a folder from `quotes train --out`; null: the shipped model), `quoted_threshold`
and `unquoted_threshold` (null: as trained), `min_confidence` (drop attributions below it).
"""

from __future__ import annotations

import hashlib

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from indexer.extract.base import Candidate
from indexer.extract.candidates import ArticleParts, article_parts, find_candidates
from indexer.extract.choice import LearnedChoice, Thresholds, default_choice
from indexer.extract.credits import Credits, find_credits
from indexer.extract.resolution import resolve
from indexer.extract.text import source_text
from indexer.model import Attribution, Span, Speaker

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)
if not Doc.has_extension("credits"):
    Doc.set_extension("credits", default=None)


class QuoteAttributions:
    def __init__(
        self,
        nlp: Language,
        name: str,
        model_dir: str | None,
        min_confidence: float,
        quoted_threshold: float | None,
        unquoted_threshold: float | None,
    ) -> None:
        self.name = name
        self.choice = LearnedChoice.load(model_dir) if model_dir else default_choice()
        trained = self.choice.thresholds
        self.thresholds = Thresholds(
            trained.quoted if quoted_threshold is None else quoted_threshold,
            trained.unquoted if unquoted_threshold is None else unquoted_threshold,
        )
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        text = source_text(doc)
        article_id = self._article_id(doc)
        credits, parts, chosen, confidences = self._choose(doc)
        speakers = resolve(
            doc, chosen, credits, article_id, self.choice.pronouns, self.choice.lexicon, parts.inside
        )
        quotes: list[Attribution] = []
        for cand, confidence, speaker in zip(chosen, confidences, speakers, strict=True):
            cue = Span(text[cand.cue[0] : cand.cue[1]], cand.cue[0], cand.cue[1]) if cand.cue else None
            fragments = sorted(set(cand.fragments)) if len(cand.fragments) > 1 else []
            quotes.append(
                Attribution(
                    article_id=article_id,
                    type=cand.kind,  # type: ignore[arg-type]
                    text=text[cand.start : cand.end],
                    start=cand.start,
                    end=cand.end,
                    cue=cue,
                    speaker=speaker,
                    confidence=confidence,
                    fragments=fragments,
                )
            )
        doc._.quotes = quotes
        doc._.credits = credits
        return doc

    def probe(self, doc: Doc, mentions: list[tuple[int, int]]) -> list[Speaker | None]:
        """Who the source mentions at these offsets resolve to, in the context of the attributions
        found in `doc` (for measuring the resolution of pronouns, whatever the extraction found)."""
        credits, parts, chosen, _ = self._choose(doc)
        probes: list[Candidate | None] = []
        for start, end in mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            probes.append(
                Candidate(start, end, "indirect", 0.0, speaker=span.root, rule="probe") if span else None
            )
        everything = sorted([*chosen, *(p for p in probes if p is not None)], key=lambda c: (c.start, c.end))
        article_id = self._article_id(doc)
        resolved = resolve(
            doc, everything, credits, article_id, self.choice.pronouns, self.choice.lexicon, parts.inside
        )
        speakers = dict(zip(map(id, everything), resolved, strict=True))
        return [speakers[id(p)] if p is not None else None for p in probes]

    def _article_id(self, doc: Doc) -> str:
        return str(
            doc.user_data.get("article_id") or hashlib.sha1(source_text(doc).encode()).hexdigest()[:16]
        )

    def _choose(self, doc: Doc) -> tuple[Credits, ArticleParts, list[Candidate], list[float]]:
        """The attributions, in text order, with their sources picked, and their confidences."""
        credits = find_credits(source_text(doc))
        parts = article_parts(doc, credits)
        candidates = find_candidates(doc, parts, self.choice.lexicon)
        chosen, scores = self.choice.choose(doc, parts, candidates, self.thresholds)
        confidences = [float(c) for c in self.choice.confidence(np.array(scores))]
        kept = [(c, p) for c, p in zip(chosen, confidences, strict=True) if p >= self.min_confidence]
        chosen = [c for c, _ in kept]
        previous = None
        for cand, pick in zip(chosen, self.choice.pick_speakers(doc, parts, chosen), strict=True):
            if pick is not None and pick.previous and previous is not None:
                cand.carried_from = previous  # the same source as the attribution before
            else:
                cand.carried_from = None
                cand.speaker = pick.head if pick is not None else None
                cand.speaker_span = (pick.start, pick.end) if pick is not None and pick.head is None else None
            previous = cand
        return credits, parts, chosen, [p for _, p in kept]


@Language.factory(
    "quote_attributions",
    default_config={
        "model_dir": None,
        "min_confidence": 0.0,
        "quoted_threshold": None,
        "unquoted_threshold": None,
    },
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.quotes", "doc._.credits"],
)
def make_quote_attributions(
    nlp: Language,
    name: str,
    model_dir: str | None,
    min_confidence: float,
    quoted_threshold: float | None,
    unquoted_threshold: float | None,
) -> QuoteAttributions:
    return QuoteAttributions(nlp, name, model_dir, min_confidence, quoted_threshold, unquoted_threshold)


__all__ = ["Credits", "QuoteAttributions", "make_quote_attributions"]
