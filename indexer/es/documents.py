"""Turn attribution records into the documents the Elasticsearch indices hold, and into bulk actions.

Pure functions, no I/O. A quote document is the record of `quotes extract` (see
`Attribution.to_dict`) plus `speaker.name_folded`, `speaker.name_in_article` and `speaker.merged`
(see `indexer.es.canonical`); its `_id` is the record's `quote_id`, which is
derived from the article id and the content offsets, so sending the same record twice overwrites
the same document instead of adding a second one. Nothing time-dependent goes into a document
here (the loader may stamp `indexed_at` when it sends), so the same input always gives the same
documents.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from indexer.dates import normalize_date
from indexer.model import EXTRACTOR_VERSION
from indexer.names import fold_name

if TYPE_CHECKING:
    from indexer.extract.engine import ArticleResult

__all__ = [
    "BulkAction",
    "article_document",
    "article_document_from_records",
    "bulk_actions",
    "quote_document",
    "record_actions",
]

DocumentKind = Literal["quote", "article"]


@dataclass(frozen=True)
class BulkAction:
    """One `index` operation: the document, where it goes, and the article it belongs to.

    `last` marks the final action of an article: once every action of the article up to and
    including this one is acknowledged, the article is done (and can be checkpointed).
    """

    index: str
    id: str
    source: dict[str, Any]
    article_id: str
    kind: DocumentKind
    last: bool = False

    def header(self) -> dict[str, Any]:
        return {"index": {"_index": self.index, "_id": self.id}}


def folded_speaker(speaker: Mapping[str, Any] | None) -> str | None:
    """The speaker's name (or, for an unnamed source, the mention) folded for tolerant matching."""
    if not speaker:
        return None
    label = speaker.get("name") or speaker.get("mention")
    if not isinstance(label, str):
        return None
    return fold_name(label) or None


def joint_names(speaker: Mapping[str, Any] | None) -> list[str]:
    """Everyone a quote is by: the speaker's name, then those who made a joint statement with them."""
    if not speaker or not isinstance(speaker.get("name"), str) or not speaker["name"]:
        return []
    return [speaker["name"], *(n for n in speaker.get("co_speakers") or [] if isinstance(n, str) and n)]


def names_fields(speaker: Mapping[str, Any]) -> dict[str, list[str]]:
    """``speaker.names`` and ``speaker.names_folded``: what the speaker ranking counts and the speaker
    search matches."""
    names = joint_names(speaker)
    return {"names": names, "names_folded": [fold_name(n) for n in names]}


def quoted_words(record: Mapping[str, Any]) -> str:
    """What was said, without what stands between the pieces of a split quote ("..., she said, ...")."""
    text, start = str(record.get("text") or ""), int(record.get("start") or 0)
    pieces = [text[a - start : b - start] for a, b in record.get("fragments") or []]
    pieces = [p for p in pieces if p]
    return " … ".join(pieces) if len(pieces) > 1 else text


TIME_FIELD = "timestamp"


def stamped(source: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    """The document as a load sends it: `indexed_at` is the load's start, and `timestamp` (the Kibana
    data view's time field) is the article's publication date when it is known, else that same time,
    so that quotes from undated articles fall inside a dashboard's time range too."""
    return {**source, "indexed_at": stamp, TIME_FIELD: source.get(TIME_FIELD) or stamp}


def dated(article: Mapping[str, Any]) -> dict[str, Any]:
    """Article metadata with `published_at` in ISO 8601, or, when it cannot be read, moved to
    `published_text` (records written by older versions, or by hand, may carry any date text)."""
    meta = dict(article)
    raw = meta.get("published_at")
    if raw is not None:
        iso, text = normalize_date(str(raw))
        meta["published_at"] = iso
        if text is not None:
            meta["published_text"] = text
    return meta


def quote_document(record: Mapping[str, Any]) -> dict[str, Any]:
    """The quotes-index document for one record; the record is not modified."""
    doc = dict(record)
    doc["quote"] = quoted_words(record)
    article = record.get("article")
    if isinstance(article, Mapping):
        article = doc["article"] = dated(article)
    published = article.get("published_at") if isinstance(article, Mapping) else None
    if published:
        doc[TIME_FIELD] = published
    speaker = record.get("speaker")
    if isinstance(speaker, Mapping):
        # name_in_article keeps the article's own form when `canonical.merge_speakers` renames a person
        doc["speaker"] = {
            **speaker,
            "name_folded": folded_speaker(speaker),
            "name_in_article": speaker.get("name"),
            "merged": False,
            **names_fields(speaker),
        }
    return doc


def article_document_from_records(
    article_id: str, article: Mapping[str, Any] | None, records: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The articles-index document: the article's metadata and a summary of its attributions."""
    meta = dated(article or {})
    speakers: dict[str, None] = {}
    speaker_ids: dict[str, None] = {}
    quote_count = 0
    anonymous = False
    version = EXTRACTOR_VERSION
    for record in records:
        quote_count += 1
        version = record.get("extractor_version") or version
        speaker = record.get("speaker") or {}
        for name in joint_names(speaker):
            speakers[name] = None
        if speaker.get("id"):
            speaker_ids[speaker["id"]] = None
        anonymous = anonymous or bool(speaker.get("anonymous"))
    return {
        "article_id": article_id,
        "title": meta.get("title"),
        "url": meta.get("url"),
        "outlet": meta.get("outlet"),
        "published_at": meta.get("published_at"),
        "published_text": meta.get("published_text"),
        TIME_FIELD: meta.get("published_at"),
        "reporters": list(meta.get("reporters") or []),
        "dateline": meta.get("dateline"),
        "quote_count": quote_count,
        "speakers": list(speakers),
        "speaker_ids": list(speaker_ids),
        "has_anonymous_source": anonymous,
        "extractor_version": version,
    }


def article_document(result: ArticleResult) -> dict[str, Any]:
    """The articles-index document for one extraction result."""
    return article_document_from_records(result.article.id, result.article_metadata(), result.records())


def _article_actions(
    article_id: str,
    article: Mapping[str, Any] | None,
    records: list[dict[str, Any]],
    quotes_index: str,
    articles_index: str | None,
) -> Iterator[BulkAction]:
    quotes = [quote_document(r) for r in records]
    for i, doc in enumerate(quotes):
        last = articles_index is None and i == len(quotes) - 1
        yield BulkAction(quotes_index, str(doc["quote_id"]), doc, article_id, "quote", last)
    if articles_index is not None:
        yield BulkAction(
            articles_index,
            article_id,
            article_document_from_records(article_id, article, records),
            article_id,
            "article",
            True,
        )


def bulk_actions(
    results: Iterable[ArticleResult],
    quotes_index: str = "quotes",
    articles_index: str | None = "articles",
) -> Iterator[BulkAction]:
    """Quote actions then the article action, article by article; failed extractions are skipped.

    An article without attributions still yields its article document (so it is done), unless
    `articles_index` is None, in which case it yields nothing.
    """
    for result in results:
        if result.error is not None:
            continue
        yield from _article_actions(
            result.article.id, result.article_metadata(), result.records(), quotes_index, articles_index
        )


def record_actions(
    records: Iterable[dict[str, Any]],
    quotes_index: str = "quotes",
    articles_index: str | None = "articles",
) -> Iterator[BulkAction]:
    """Bulk actions for records as written by `quotes extract` (one article's records are adjacent).

    Records are grouped by consecutive `article_id`; only one article's records are held at a time.
    """
    for article_id, group in itertools.groupby(records, key=lambda r: str(r.get("article_id"))):
        batch = list(group)
        article = batch[0].get("article") if isinstance(batch[0].get("article"), Mapping) else None
        yield from _article_actions(article_id, article, batch, quotes_index, articles_index)
