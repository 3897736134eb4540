"""Search the attribution index: full-text quotes with filters, the most quoted speakers, reused
quotes and the anonymous-source summary. The queries themselves are built in `indexer.es.queries`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from indexer.es.queries import (
    ANONYMOUS_TYPES,
    QUOTE_TYPES,
    QuoteFilter,
    SearchError,
    build_query,
    check_date,
    speaker_query,
    user_query,
)

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

__all__ = [
    "ANONYMOUS_TYPES",
    "QUOTE_TYPES",
    "QuoteFilter",
    "QuoteView",
    "SearchError",
    "build_query",
    "check_date",
    "search_quotes",
    "speaker_query",
    "top_speakers",
    "user_query",
]


@dataclass(frozen=True)
class QuoteView:
    """What a listing shows of one quote document, with the fallbacks of older documents in one
    place: the speaker is its name, else its mention; the words are `quote`, else `text`."""

    quote_id: str
    speaker: str | None
    anonymous: bool
    type: str
    words: str
    cue: str | None
    article_id: str
    title: str | None
    outlet: str | None
    published_at: str | None  # ISO 8601
    published_text: str | None  # a date as written that could not be read
    url: str | None
    co_speakers: tuple[str, ...] = ()  # the others of a joint statement

    @property
    def who(self) -> str:
        """The speaker as a listing shows it: "?" when unknown, "(anonymous)" after an unnamed one, and
        everyone of a joint statement ("Ana Ruiz and Tom Brandt")."""
        names = [self.speaker or "?", *self.co_speakers]
        label = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return label + (" (anonymous)" if self.anonymous else "")

    @classmethod
    def of(cls, hit: Mapping[str, Any]) -> QuoteView:
        sp, art = hit.get("speaker") or {}, hit.get("article") or {}
        return cls(
            quote_id=str(hit.get("quote_id") or hit.get("_id") or ""),
            speaker=sp.get("name") or sp.get("mention"),
            anonymous=bool(sp.get("anonymous")),
            type=str(hit.get("type") or ""),
            words=str(hit.get("quote") or hit.get("text") or ""),
            cue=(hit.get("cue") or {}).get("text"),
            article_id=str(hit.get("article_id") or ""),
            title=art.get("title"),
            outlet=art.get("outlet"),
            published_at=art.get("published_at"),
            published_text=art.get("published_text"),
            url=art.get("url"),
            co_speakers=tuple(str(n) for n in sp.get("co_speakers") or ()),
        )


def _run(client: Elasticsearch, index: str, **body: Any) -> dict[str, Any]:
    from elasticsearch import ApiError, NotFoundError, TransportError

    from indexer.es.client import client_url, describe_error, unreachable

    url = client_url(client)
    try:
        return dict(client.search(index=index, **body).body)
    except NotFoundError:
        raise SearchError(
            f"no index {index!r} at {url}; index some articles first (`quotes index PATH`) or pass --index"
        ) from None
    except ApiError as exc:
        raise SearchError(f"search refused by Elasticsearch at {url}: {describe_error(exc)}") from None
    except TransportError as exc:
        raise SearchError(unreachable(url, exc)) from None


def search_quotes(
    client: Elasticsearch, where: QuoteFilter, size: int = 10, index: str = "quotes"
) -> list[dict[str, Any]]:
    """Matching quotes, best first (newest first when there is no query text).

    Each hit is the stored document plus ``_id``, ``_score`` and ``highlight`` (the quote text
    with matches wrapped in ``<em>...</em>``, or None when nothing was highlighted).
    """
    if size < 0:
        raise SearchError(f"size must be 0 or more, got {size}")
    body: dict[str, Any] = {
        "query": build_query(where),
        "size": size,
        "highlight": {"fields": {"quote": {"number_of_fragments": 0}}},
        "track_total_hits": False,
    }
    if not where.has_text:
        body["sort"] = [
            {"article.published_at": {"order": "desc", "missing": "_last", "unmapped_type": "date"}},
            {"quote_id": {"order": "asc", "unmapped_type": "keyword"}},
        ]
    resp = _run(client, index, **body)
    hits = []
    for hit in resp.get("hits", {}).get("hits", []):
        doc = dict(hit.get("_source") or {})
        doc["_id"] = hit.get("_id")
        doc["_score"] = hit.get("_score")
        fragments = hit.get("highlight", {}).get("quote")
        doc["highlight"] = fragments[0] if fragments else None
        hits.append(doc)
    return hits


SPEAKER_SETS = ("named", "anonymous", "all")


def top_speakers(
    client: Elasticsearch,
    top: int = 10,
    which: str = "named",
    where: QuoteFilter | None = None,
    index: str = "quotes",
) -> list[dict[str, Any]]:
    """The most quoted sources under `where` (words, outlet, dates), most quotes first:
    ``[{"speaker", "quotes", "articles", "anonymous", "article_id"}]``.

    ``named`` (the default): named sources, counted by name across articles. ``anonymous``: each
    unnamed or partly named source of each article on its own, by how it is described ("a senior
    official", with its article): unrelated people described alike in different articles are
    never counted as one. ``all``: both, in one ranking.
    """
    if top < 1:
        raise SearchError(f"--top must be at least 1, got {top}")
    if which not in SPEAKER_SETS:
        raise SearchError(f"unknown speaker set {which!r}; use one of {', '.join(SPEAKER_SETS)}")
    base = build_query(where or QuoteFilter())
    rows: list[dict[str, Any]] = []
    if which in ("named", "all"):
        query = {"bool": {"must": [base], "filter": [{"term": {"speaker.anonymous": False}}]}}
        body: dict[str, Any] = {
            "size": 0,
            "query": query,
            "aggs": {
                "speakers": {
                    # every speaker of a joint statement ("Ana Ruiz and Tom Brandt said") counts it
                    "terms": {"field": "speaker.names", "size": top},
                    "aggs": {"articles": {"cardinality": {"field": "article_id"}}},
                }
            },
        }
        resp = _run(client, index, **body)
        for b in resp.get("aggregations", {}).get("speakers", {}).get("buckets", []):
            rows.append(
                {
                    "speaker": b["key"],
                    "quotes": b["doc_count"],
                    "articles": b.get("articles", {}).get("value"),
                    "anonymous": False,
                    "article_id": None,
                }
            )
    if which in ("anonymous", "all"):
        rows += _unnamed_sources(client, base, top, index)
    rows.sort(key=lambda r: (-r["quotes"], r["speaker"]))
    return rows[:top]


def get_quote(client: Elasticsearch, quote_id: str, index: str = "quotes") -> dict[str, Any]:
    """One quote document by its id (the ``quote_id`` of `quotes extract`, the ``_id`` in the index)."""
    body = {"query": {"ids": {"values": [quote_id]}}, "size": 1}
    hits = _run(client, index, **body).get("hits", {}).get("hits", [])
    if not hits:
        raise SearchError(f"no quote {quote_id!r} in {index!r}; quote ids are shown by `quotes search`")
    return dict(hits[0]["_source"], _id=hits[0]["_id"])


COLLAPSE_WINDOW = 10_000  # Elasticsearch pages collapsed results only by from/size, up to this many


def iter_quotes(
    client: Elasticsearch,
    where: QuoteFilter,
    size: int,
    index: str = "quotes",
    page: int = 1000,
    collapse: bool = False,
) -> tuple[int, Iterator[dict[str, Any]]]:
    """The total number of matching quotes, and the first `size` of them, best first (newest first
    without query text). Pages beyond the first go through a point in time and ``search_after``, so
    any number of quotes can be read, past Elasticsearch's window of 10,000, in a consistent view.

    With `collapse`, each quote cluster (`indexer.es.clusters`) is shown once, by its best quote, and
    the total counts clusters; collapsed results come in one request of at most `COLLAPSE_WINDOW`.
    """
    from elasticsearch import ApiError, TransportError

    if size < 0:
        raise SearchError(f"size must be 0 or more, got {size}")
    if collapse and size > COLLAPSE_WINDOW:
        raise SearchError(f"--collapse shows at most {COLLAPSE_WINDOW} clusters, got --size {size}")
    sort: list[Any] = (
        [{"_score": {"order": "desc"}}]
        if where.has_text
        else [{"article.published_at": {"order": "desc", "missing": "_last", "unmapped_type": "date"}}]
    )
    body: dict[str, Any] = {
        "query": build_query(where),
        "size": min(size, page),
        "highlight": {"fields": {"quote": {"number_of_fragments": 0}}},
        "track_total_hits": True,
        "sort": [*sort, {"quote_id": {"order": "asc", "unmapped_type": "keyword"}}],
    }
    if collapse:
        body.update(
            size=size,
            collapse={"field": "quote_cluster"},
            track_total_hits=False,
            aggs={"clusters": {"cardinality": {"field": "quote_cluster", "precision_threshold": 40000}}},
        )
    first = _run(client, index, **body)
    if collapse:
        total = int(first.get("aggregations", {}).get("clusters", {}).get("value", 0))
    else:
        total = int(first.get("hits", {}).get("total", {}).get("value", 0))

    def hit_doc(hit: dict[str, Any]) -> dict[str, Any]:
        doc = dict(hit.get("_source") or {})
        doc["_id"] = hit.get("_id")
        doc["_score"] = hit.get("_score")
        fragments = hit.get("highlight", {}).get("quote")
        doc["highlight"] = fragments[0] if fragments else None
        return doc

    def stream() -> Iterator[dict[str, Any]]:
        hits = first.get("hits", {}).get("hits", [])
        yield from (hit_doc(h) for h in hits)
        sent = len(hits)
        if collapse or sent >= min(size, total) or not hits:
            return
        from indexer.es.client import client_url, describe_error

        try:
            pit = client.open_point_in_time(index=index, keep_alive="2m")["id"]
        except (ApiError, TransportError) as exc:
            raise SearchError(f"Elasticsearch at {client_url(client)}: {describe_error(exc)}") from None
        after = hits[-1]["sort"]
        try:
            while sent < size:
                paged = {k: v for k, v in body.items() if k != "track_total_hits"}
                paged.update(
                    size=min(page, size - sent),
                    pit={"id": pit, "keep_alive": "2m"},
                    search_after=after,
                    track_total_hits=False,
                )
                resp = dict(client.search(**paged).body)
                pit = resp.get("pit_id", pit)
                hits = resp.get("hits", {}).get("hits", [])
                if not hits:
                    return
                yield from (hit_doc(h) for h in hits)
                sent += len(hits)
                after = hits[-1]["sort"]
        except (ApiError, TransportError) as exc:
            raise SearchError(f"Elasticsearch at {client_url(client)}: {describe_error(exc)}") from None
        finally:
            with contextlib.suppress(ApiError, TransportError):  # it expires by itself
                client.close_point_in_time(id=pit)

    return total, stream()


def _unnamed_sources(
    client: Elasticsearch, base: dict[str, Any], top: int, index: str
) -> list[dict[str, Any]]:
    """The `top` unnamed sources by quotes, one per source of one article: a composite aggregation
    over (article, speaker id) read to the end, since ids of unnamed sources are local to their
    article (only core aggregations: no analytics plugin is needed)."""
    import heapq

    query = {"bool": {"must": [base], "filter": [{"term": {"speaker.anonymous": True}}]}}
    composite: dict[str, Any] = {
        "size": 1000,
        "sources": [
            {"article": {"terms": {"field": "article_id"}}},
            {"source": {"terms": {"field": "speaker.id", "missing_bucket": True}}},
        ],
    }
    best: list[tuple[int, str, dict[str, Any]]] = []
    while True:
        body = {
            "size": 0,
            "query": query,
            "aggs": {
                "sources": {
                    "composite": composite,
                    "aggs": {"mention": {"terms": {"field": "speaker.mention.keyword", "size": 1}}},
                }
            },
        }
        agg = _run(client, index, **body).get("aggregations", {}).get("sources", {})
        for b in agg.get("buckets", []):
            mentions = b.get("mention", {}).get("buckets", [])
            label = str(mentions[0]["key"] if mentions else "?").lower()
            row = {
                "speaker": label,
                "quotes": b["doc_count"],
                "articles": 1,
                "anonymous": True,
                "article_id": b["key"]["article"],
            }
            item = (b["doc_count"], f"{label}\x1f{row['article_id']}", row)
            if len(best) < top:
                heapq.heappush(best, item)
            elif item[:2] > best[0][:2]:
                heapq.heapreplace(best, item)
        after = agg.get("after_key")
        if not after or not agg.get("buckets"):
            break
        composite["after"] = after
    return [row for _, _, row in best]


def reused_quotes(
    client: Elasticsearch, top: int = 20, where: QuoteFilter | None = None, index: str = "quotes"
) -> list[dict[str, Any]]:
    """The quotes run most often (by articles, then outlets), each by its first appearance: the
    quote document with ``is_first`` of each cluster of two quotes or more (`indexer.es.clusters`)
    whose first appearance matches `where`."""
    if top < 1:
        raise SearchError(f"--top must be at least 1, got {top}")
    base = build_query(where or QuoteFilter())
    query = {
        "bool": {
            "must": [base],
            "filter": [{"term": {"is_first": True}}, {"range": {"cluster_size": {"gte": 2}}}],
        }
    }
    body: dict[str, Any] = {
        "size": top,
        "query": query,
        "track_total_hits": False,
        "sort": [
            {"cluster_articles": {"order": "desc", "unmapped_type": "integer"}},
            {"cluster_outlets": {"order": "desc", "unmapped_type": "integer"}},
            {"cluster_size": {"order": "desc", "unmapped_type": "integer"}},
            {"first_seen": {"order": "asc", "missing": "_last", "unmapped_type": "date"}},
            {"quote_id": {"order": "asc", "unmapped_type": "keyword"}},
        ],
    }
    hits = _run(client, index, **body).get("hits", {}).get("hits", [])
    return [dict(h.get("_source") or {}, _id=h.get("_id")) for h in hits]


def anonymous_summary(
    client: Elasticsearch, where: QuoteFilter | None = None, index: str = "quotes", top: int = 20
) -> dict[str, list[dict[str, Any]]]:
    """Quotes of anonymous sources counted by source type, by the type of reason given for
    anonymity, and by outlet: ``{"type": [{"key", "quotes", "sources"}], "reason_type": ...,
    "outlet": ...}``. ``key`` is None for quotes with no value (no reason stated, no outlet);
    ``sources`` counts distinct sources (an unnamed source is one per article)."""
    base = build_query(where or QuoteFilter())
    query = {"bool": {"must": [base], "filter": [{"term": {"speaker.anonymous": True}}]}}
    # ids of unnamed sources are derived with their article's id: one per source of one article
    sources = {"sources": {"cardinality": {"field": "speaker.id"}}}
    fields = {
        "type": "speaker.anonymous_type",
        "reason_type": "speaker.anonymity_reason_type",
        "outlet": "article.outlet",
    }
    aggs = {
        name: {"terms": {"field": f, "size": top, "missing": _NONE}, "aggs": sources}
        for name, f in fields.items()
    }
    resp = _run(client, index, size=0, query=query, aggs=aggs, track_total_hits=False)
    out: dict[str, list[dict[str, Any]]] = {}
    for name in fields:
        out[name] = [
            {
                "key": None if b["key"] == _NONE else b["key"],
                "quotes": b["doc_count"],
                "sources": b.get("sources", {}).get("value"),
            }
            for b in resp.get("aggregations", {}).get(name, {}).get("buckets", [])
        ]
    return out


_NONE = "\x00none"
