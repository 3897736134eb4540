"""The attribution finder as a spaCy pipeline component: `nlp.add_pipe("quote_attributions")`.

Reads the parse and entities of a whole-article Doc and writes `doc._.quotes` (a list of
`indexer.model.Attribution`) and `doc._.credits` (reporters and places from credit lines).
"""

from __future__ import annotations

import hashlib

from spacy.language import Language
from spacy.tokens import Doc

from indexer.extract.candidates import find_candidates
from indexer.extract.coref import resolve
from indexer.extract.credits import Credits, find_credits
from indexer.extract.text import source_text
from indexer.model import Attribution, Span

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)
if not Doc.has_extension("credits"):
    Doc.set_extension("credits", default=None)


class QuoteAttributions:
    """Finds attributions; `min_confidence` drops the weakest guesses (config, not code)."""

    def __init__(self, nlp: Language, name: str, min_confidence: float) -> None:
        self.name = name
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        text = source_text(doc)
        article_id = doc.user_data.get("article_id") or hashlib.sha1(text.encode()).hexdigest()[:16]
        credits = find_credits(text)
        candidates = [c for c in find_candidates(doc, credits) if c.confidence >= self.min_confidence]
        speakers = resolve(doc, candidates, credits, article_id)
        quotes: list[Attribution] = []
        for cand, speaker in zip(candidates, speakers, strict=True):
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
                    confidence=cand.confidence,
                    fragments=fragments,
                )
            )
        doc._.quotes = quotes
        doc._.credits = credits
        return doc


@Language.factory(
    "quote_attributions",
    default_config={"min_confidence": 0.0},
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
    assigns=["doc._.quotes", "doc._.credits"],
)
def make_quote_attributions(nlp: Language, name: str, min_confidence: float) -> QuoteAttributions:
    return QuoteAttributions(nlp, name, min_confidence)


__all__ = ["Credits", "QuoteAttributions", "make_quote_attributions"]
