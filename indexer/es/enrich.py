"""Enrich an existing Elasticsearch index of articles: extract its quotes, index them, summarise each article.

Data flow: source index (point in time + ``search_after`` on ``_shard_doc``) -> `Article` -> extractor
-> quote documents in the quotes alias (``article_id`` = ``SOURCE/_id`` with SOURCE as given, so it
survives a reindex behind an alias; ``source_index`` is the concrete index, ``source_id`` the ``_id``)
-> a partial update of the source article (``quote_count``, ``speakers``,
``has_anonymous_source``, ``quotes_extractor_version``, ``quotes_text_sha1``; fields from
``mappings/enrich-fields.json``, put on the source index first).

Guarantees (on top of those of `indexer.store.load`):

* an article is updated only after all its quote documents are acknowledged, so an article marked
  as enriched always has its quotes indexed;
* the update is conditional on the ``_seq_no``/``_primary_term`` read, so an article edited during
  the run is not overwritten with a stale summary (it is reported, and picked up by the next run);
* idempotent and resumable: articles whose stored extractor version and text hash match are skipped
  before extraction, so a second run writes nothing and an interrupted run continues where it
  stopped; an article whose text changed is re-extracted and its quotes that no longer exist removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from indexer.dates import normalize_date
from indexer.es.client import _translate_errors, client_url, describe_error
from indexer.es.documents import BulkAction, article_document_from_records, quote_document, stamped
from indexer.es.errors import StoreError
from indexer.es.indices import MAPPINGS_DIR, ensure_indices, template_body
from indexer.es.load import LoadReport, load
from indexer.model import EXTRACTOR_VERSION, Article
from indexer.reading.articles import scalar

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from indexer.es.load import SendOptions
    from indexer.extract.engine import ArticleResult

__all__ = ["EnrichError", "EnrichReport", "SourceFields", "enrich", "iter_source", "parse_query"]

ENRICH_FIELDS_FILE = MAPPINGS_DIR / "enrich-fields.json"
QUOTE_SOURCE_FIELDS = ("source_index", "source_id")  # quotes-template fields naming the source article
_UPDATE = "update:"  # article_id prefix of the source-update actions (told apart from quote actions)


class EnrichError(StoreError):
    """A problem the user can fix (bad --query, unknown index, conflicting mapping); one line."""


@dataclass(frozen=True)
class SourceFields:
    """Where the article's parts are in the source documents (dotted paths into ``_source``)."""

    text: str
    id: str | None = None  # default: the document's _id
    title: str | None = None
    date: str | None = None
    url: str | None = None
    outlet: str | None = None

    def paths(self) -> list[str]:
        named = [self.text, self.id, self.title, self.date, self.url, self.outlet]
        return [p for p in named if p]


@dataclass
class EnrichReport(LoadReport):
    """A `LoadReport` (quotes) plus what happened to the source articles."""

    stale_quotes_deleted: int = 0  # quotes of re-extracted articles that the new text no longer has

    @property
    def articles_enriched(self) -> int:
        """Source articles updated (acknowledged) in this run."""
        return self.articles_indexed

    @property
    def articles_conflicted(self) -> int:
        """Source articles changed by someone else during the run; the next run redoes them."""
        return self.rejections.get(409, 0)


def parse_query(text: str | None) -> dict[str, Any] | None:
    """The ``--query`` JSON as a query object; `EnrichError` (one line) if it is not one."""
    if text is None or not text.strip():
        return None
    try:
        query = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EnrichError(
            f"--query is not valid JSON ({exc.msg} at column {exc.colno}); pass a query object such as "
            f'\'{{"range": {{"published_at": {{"gte": "2024-01-01"}}}}}}\''
        ) from None
    if not isinstance(query, dict) or len(query) != 1:
        raise EnrichError(
            '--query must be one Elasticsearch query object, e.g. \'{"term": {"section": "politics"}}\''
        )
    if "query" in query and isinstance(query["query"], dict):
        return dict(query["query"])  # a whole search body was pasted: take its query
    return query


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _get(source: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (``body.text``), or at the literal key; the first item of a list."""
    if path in source:
        value: Any = source[path]
    else:
        value = source
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                return None
            value = value[part]
    if isinstance(value, list):
        value = next((v for v in value if v is not None), None)
    return value


# --------------------------------------------------------------------------- reading the source


def iter_source(
    client: Elasticsearch,
    index: str,
    query: Mapping[str, Any] | None = None,
    fields: Iterable[str] | None = None,
    page_size: int = 200,
    keep_alive: str = "5m",
) -> Iterator[dict[str, Any]]:
    """Every hit of `query` in `index` (with ``_seq_no``/``_primary_term``), read through a point in time.

    Pages are sorted by ``_shard_doc`` and chained with ``search_after``; the point in time is
    closed at the end, also when the caller stops early.
    """
    pit_id = str(client.open_point_in_time(index=index, keep_alive=keep_alive)["id"])
    try:
        after: list[Any] | None = None
        while True:
            resp = client.search(
                pit={"id": pit_id, "keep_alive": keep_alive},
                query=dict(query) if query else {"match_all": {}},
                sort=[{"_shard_doc": "asc"}],
                size=page_size,
                search_after=after,
                source_includes=list(fields) if fields is not None else None,
                seq_no_primary_term=True,
                track_total_hits=False,
            ).body
            pit_id = str(resp.get("pit_id") or pit_id)
            hits = resp["hits"]["hits"]
            yield from hits
            if len(hits) < page_size:
                return
            after = hits[-1]["sort"]
    finally:
        with contextlib.suppress(Exception):  # it expires after keep_alive anyway; closing frees it sooner
            client.close_point_in_time(id=pit_id)


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class _SourceUpdate(BulkAction):
    """A partial ``update`` of the source article, only if it is still the version that was read."""

    seq_no: int | None = None
    primary_term: int | None = None

    def header(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"_index": self.index, "_id": self.id}
        if self.seq_no is not None and self.primary_term is not None:
            meta["if_seq_no"] = self.seq_no
            meta["if_primary_term"] = self.primary_term
        return {"update": meta}


@dataclass
class _Pending:
    hit: dict[str, Any]
    article_id: str
    text_hash: str
    enriched_before: bool


class _Acknowledged:
    """Receives "all quotes of this article acknowledged" from `load` (its `on_article_done`) and
    releases the article's update."""

    def __init__(self) -> None:
        self.waiting: dict[str, _SourceUpdate] = {}
        self.ready: deque[_SourceUpdate] = deque()

    def mark(self, article_id: str) -> None:
        update = self.waiting.pop(article_id, None)
        if update is not None:
            self.ready.append(update)


def _update_action(pending: _Pending, records: list[dict[str, Any]]) -> _SourceUpdate:
    summary = article_document_from_records(pending.article_id, None, records)
    doc = {
        "quote_count": summary["quote_count"],
        "speakers": summary["speakers"],
        "has_anonymous_source": summary["has_anonymous_source"],
        "quotes_extractor_version": EXTRACTOR_VERSION,
        "quotes_text_sha1": pending.text_hash,
    }
    hit = pending.hit
    return _SourceUpdate(
        str(hit["_index"]),
        str(hit["_id"]),
        {"doc": doc},
        _UPDATE + pending.article_id,
        "article",
        True,
        hit.get("_seq_no"),
        hit.get("_primary_term"),
    )


def _delete_stale(client: Elasticsearch, alias: str, article_id: str, keep: set[str]) -> int:
    """Delete the article's quote documents whose ids are not in `keep`; how many were deleted."""
    from elasticsearch.helpers import scan

    query = {"query": {"term": {"article_id": article_id}}, "_source": False}
    stale = [h["_id"] for h in scan(client, index=alias, query=query, size=1000) if h["_id"] not in keep]
    if not stale:
        return 0
    resp = client.bulk(operations=[{"delete": {"_index": alias, "_id": i}} for i in stale]).body
    failed = [i for i in resp["items"] if i["delete"].get("status", 500) not in (200, 404)]
    if failed:
        raise StoreError(
            f"could not delete {len(failed)} outdated quotes of {article_id} from {alias} "
            f"(HTTP {failed[0]['delete'].get('status')}); rerun to retry"
        )
    return len(stale)


# --------------------------------------------------------------------------- enrich


def enrich(
    client: Elasticsearch,
    source_index: str,
    fields: SourceFields,
    extract: Callable[[Iterable[Article]], Iterable[ArticleResult]],
    *,
    query: Mapping[str, Any] | None = None,
    alias: str = "quotes",
    force: bool = False,
    page_size: int = 200,
    dead_letter: str | os.PathLike[str] | None = None,
    chunk_size: int = 500,
    concurrency: int = 2,
    progress: Callable[[LoadReport], None] | None = None,
    report: EnrichReport | None = None,
) -> EnrichReport:
    """Extract the quotes of the articles in `source_index`, index them in `alias`, update the articles.

    `force` re-extracts articles already enriched by this extractor version. See the module
    docstring for the guarantees. Raises `EnrichError`/`StoreError` with a one-line message.
    """
    report = report if report is not None else EnrichReport()
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    with _translate_errors(client):
        names = ensure_indices(client, alias)
        _prepare_mappings(client, source_index, names.quotes_alias)
        acked = _Acknowledged()
        source_paths = [*fields.paths(), "quotes_extractor_version", "quotes_text_sha1"]
        hits = iter_source(client, source_index, query, source_paths, page_size)
        pending: deque[_Pending] = deque()

        def articles() -> Iterator[Article]:
            for hit in hits:
                source = hit.get("_source") or {}
                text = _get(source, fields.text)
                if not isinstance(text, str) or not text.strip():
                    report.article_failed(
                        f"{source_index}/{hit['_id']}",
                        f"no text in field {fields.text!r} (check --text-field)",
                    )
                    continue
                text_hash = text_sha1(text)
                enriched_before = source.get("quotes_extractor_version") is not None
                if (
                    not force
                    and source.get("quotes_extractor_version") == EXTRACTOR_VERSION
                    and source.get("quotes_text_sha1") == text_hash
                ):
                    report.articles_skipped += 1
                    continue
                local_id = scalar(_get(source, fields.id)) if fields.id else None
                article_id = f"{source_index}/{local_id or hit['_id']}"
                report.articles_read += 1
                pending.append(_Pending(hit, article_id, text_hash, enriched_before))
                published_at, published_text = normalize_date(
                    scalar(_get(source, fields.date)) if fields.date else None
                )
                yield Article(
                    id=article_id,
                    text=text,
                    title=scalar(_get(source, fields.title)) if fields.title else None,
                    url=scalar(_get(source, fields.url)) if fields.url else None,
                    outlet=scalar(_get(source, fields.outlet)) if fields.outlet else None,
                    published_at=published_at,
                    origin=f"{source_index}/{hit['_id']}",
                    published_text=published_text,
                )

        def actions() -> Iterator[BulkAction]:
            for result in extract(articles()):
                item = pending.popleft()
                while acked.ready:
                    yield acked.ready.popleft()
                if result.error is not None:
                    report.article_failed(result.article.origin, result.error)
                    continue
                records = result.records()
                docs = [_quote_doc(r, item, stamp) for r in records]
                if item.enriched_before:
                    keep = {str(d["quote_id"]) for d in docs}
                    report.stale_quotes_deleted += _delete_stale(
                        client, names.quotes_alias, item.article_id, keep
                    )
                update = _update_action(item, records)
                if not docs:
                    yield update
                    continue
                acked.waiting[item.article_id] = update
                for i, doc in enumerate(docs):
                    last = i == len(docs) - 1
                    yield BulkAction(
                        names.quotes_alias, str(doc["quote_id"]), doc, item.article_id, "quote", last
                    )

        options: SendOptions = {
            "dead_letter": dead_letter,
            "chunk_size": chunk_size,
            "concurrency": concurrency,
            "progress": progress,
        }
        load(
            client,
            actions(),
            indices=[names.quotes_alias],
            on_article_done=acked.mark,
            stamp=False,
            report=report,
            **options,
        )
        if acked.ready:  # articles whose last quotes were acknowledged after the input ended
            load(client, _drain(acked.ready), indices=[], stamp=False, report=report, **options)
        client.indices.refresh(index=source_index)
    return report


def _drain(ready: deque[_SourceUpdate]) -> Iterator[BulkAction]:
    while ready:
        yield ready.popleft()


def _quote_doc(record: dict[str, Any], item: _Pending, stamp: str) -> dict[str, Any]:
    doc = quote_document(record)
    doc["source_index"] = item.hit["_index"]
    doc["source_id"] = item.hit["_id"]
    return stamped(doc, stamp)


def _prepare_mappings(client: Elasticsearch, source_index: str, quotes_alias: str) -> None:
    """Add the enrichment fields to the source index, and the source fields to an older quotes index."""
    from elasticsearch import ApiError, NotFoundError

    url = client_url(client)
    try:
        spec = json.loads(ENRICH_FIELDS_FILE.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EnrichError(f"cannot read {ENRICH_FIELDS_FILE}: {exc.strerror or exc}") from None
    try:
        client.indices.put_mapping(index=source_index, properties=spec["properties"])
    except NotFoundError:
        raise EnrichError(
            f"no index {source_index!r} at {url}; pass the name of the index holding the articles"
        ) from None
    except ApiError as exc:
        raise EnrichError(
            f"cannot add the fields quote_count, speakers, has_anonymous_source to {source_index!r} "
            f"({describe_error(exc)}); does the index already use one of these names for something else?"
        ) from None
    # a quotes index created before these fields existed (strict mapping) gets them added
    quotes_props = template_body("quotes", quotes_alias)["template"]["mappings"]["properties"]
    client.indices.put_mapping(
        index=quotes_alias, properties={f: quotes_props[f] for f in QUOTE_SOURCE_FIELDS}
    )
