"""Write attribution documents to Elasticsearch: connection, indices and aliases, bulk loading.

* `connect` builds a client from options or the ``ELASTICSEARCH_*`` environment; secrets never
  appear in messages (URLs are shown with credentials removed, see `redact_url`).
* `ensure_indices` puts the index templates read from ``mappings/`` and creates the versioned
  indices (``quotes-v1``, ``articles-v1``) behind their aliases (``quotes``, ``articles``).
* `reindex` copies an alias's index into the next version and swaps the alias in one request.
* `load` sends a stream of `BulkAction`s through `indexer.es.bulk.stream_bulk` and consumes its
  per-document outcomes. Guarantees:

  - nothing is lost silently: every document is either acknowledged by Elasticsearch or written to
    the dead-letter file with the reason Elasticsearch gave;
  - nothing is duplicated: ids are deterministic, so re-sending a document (after a timeout, a
    rejected chunk, or on a rerun) overwrites it;
  - rejections (429) and unavailability (502/503/504) of single documents are retried for those
    documents, connection errors and timeouts for the whole chunk, with exponential backoff and
    jitter (tenacity); when the server stays unreachable the load stops with `LoadInterrupted`;
  - a checkpoint file lists the articles whose documents were all acknowledged; a rerun with the
    same checkpoint skips them (before extraction, see `index_articles`);
  - ``refresh_interval`` is ``-1`` during the load and restored afterwards, also on failure;
  - memory stays flat: actions are consumed lazily, at most ``concurrency + 1`` chunks are held.

Nothing here prints; progress goes to a callback and problems into the returned `LoadReport`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypedDict

from indexer.es.bulk import BulkInterrupted, RetryPolicy, SendStats, Sent, _dumps, stream_bulk
from indexer.es.client import _error_reason, _translate_errors, client_url, describe_error
from indexer.es.documents import BulkAction, bulk_actions, record_actions
from indexer.es.errors import LoadInterrupted, StoreError
from indexer.reading.records import iter_records
from indexer.run import RunSummary, extracted, select

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from typing_extensions import Unpack

    from indexer.es.checkpoint import Checkpoint
    from indexer.es.indices import IndexNames
    from indexer.extract.engine import ArticleResult
    from indexer.model import Article
    from indexer.reading.articles import ReadFailure


@dataclass
class LoadReport(RunSummary, SendStats):
    """A `RunSummary` plus what became of the documents sent. `quotes` counts the quote documents
    produced, `indexed`/`failed` the quote documents acknowledged or refused, `articles_*` below the
    article documents; the re-sends are counted as in `SendStats`."""

    articles_done: int = 0  # articles whose documents were all acknowledged in this run
    indexed: int = 0  # quote documents acknowledged
    failed: int = 0  # quote documents written to the dead-letter file
    articles_indexed: int = 0
    articles_dead: int = 0
    written: int = 0  # dry run: actions written to the file
    elapsed: float = 0.0
    dead_letter: str | None = None  # path, if anything was written to it

    @property
    def documents_failed(self) -> int:
        return self.failed + self.articles_dead

    @property
    def ok(self) -> bool:
        return self.articles_failed == 0 and self.documents_failed == 0


class _DeadLetter:
    """NDJSON file of documents Elasticsearch refused, opened (and truncated) on the first one."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._file: IO[str] | None = None

    def write(self, action: BulkAction, status: int, error: Any) -> None:
        if self.path is None:
            return
        if self._file is None:
            try:
                self._file = self.path.open("w", encoding="utf-8")
            except OSError as exc:
                reason = exc.strerror or exc
                raise StoreError(f"cannot write dead-letter file {self.path}: {reason}") from None
        entry = {
            "_index": action.index,
            "_id": action.id,
            "article_id": action.article_id,
            "kind": action.kind,
            "status": status,
            "reason": _error_reason(error),
            "error": error,
            "document": action.source,
        }
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _RefreshPaused:
    """``refresh_interval: -1`` on `indices` while loading; the previous values are put back on exit.

    An index found at ``-1`` is taken as left over from an interrupted load and gets the default back.
    """

    def __init__(self, client: Elasticsearch, indices: Sequence[str], report: LoadReport) -> None:
        self.client = client
        self.indices = list(dict.fromkeys(indices))
        self.report = report
        self.previous: dict[str, str | None] = {}

    def __enter__(self) -> _RefreshPaused:
        if not self.indices:
            return self
        with _translate_errors(self.client):
            # no `name=` filter: indices without an explicit refresh_interval would be left out
            found = self.client.indices.get_settings(index=",".join(self.indices), flat_settings=True)
            for index, body in found.body.items():
                value = body.get("settings", {}).get("index.refresh_interval")
                self.previous[index] = None if value in (None, "-1") else str(value)
            self.client.indices.put_settings(
                index=",".join(self.previous), settings={"index": {"refresh_interval": "-1"}}
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        client = self.client.options(max_retries=3, retry_on_timeout=True)
        for index, value in self.previous.items():
            try:
                client.indices.put_settings(index=index, settings={"index": {"refresh_interval": value}})
            except Exception as exc:  # best effort: the load's own outcome matters more
                shown = value or "null"
                self.report.problem(
                    f"could not restore refresh_interval of {index} ({describe_error(exc)}); run: "
                    f'PUT {index}/_settings {{"index":{{"refresh_interval":{json.dumps(shown)}}}}}'
                )
        if self.previous:
            try:
                client.indices.refresh(index=",".join(self.previous))
            except Exception as exc:
                self.report.problem(f"could not refresh {', '.join(self.previous)}: {describe_error(exc)}")


class _Tracker:
    """Counts outstanding documents per article to know when an article is done."""

    def __init__(self) -> None:
        self.outstanding: dict[str, int] = {}
        self.closed: set[str] = set()
        self.tainted: set[str] = set()

    def add(self, action: BulkAction) -> None:
        self.outstanding[action.article_id] = self.outstanding.get(action.article_id, 0) + 1
        if action.last:
            self.closed.add(action.article_id)

    def settle(self, action: BulkAction, ok: bool) -> bool:
        """Record one document's fate; True when its article just became done (all acknowledged)."""
        aid = action.article_id
        if not ok:
            self.tainted.add(aid)
        left = self.outstanding[aid] - 1
        if left > 0:
            self.outstanding[aid] = left
            return False
        if aid not in self.closed:
            self.outstanding[aid] = 0
            return False
        del self.outstanding[aid]
        self.closed.discard(aid)
        if aid in self.tainted:
            self.tainted.discard(aid)
            return False
        return True


def _dry_run(actions: Iterable[BulkAction], path: str | os.PathLike[str], report: LoadReport) -> None:
    try:
        with open(path, "wb") as f:
            for action in actions:
                f.write(_dumps(action.header()) + b"\n" + _dumps(action.source) + b"\n")
                report.written += 1
    except OSError as exc:
        raise StoreError(f"cannot write dry-run file {path}: {exc.strerror or exc}") from None


class SendOptions(TypedDict, total=False):
    """How `load` sends (its keyword arguments), for the functions that pass them on to it."""

    dead_letter: str | os.PathLike[str] | None
    chunk_size: int
    max_chunk_bytes: int
    concurrency: int
    policy: RetryPolicy | None
    progress: Callable[[LoadReport], None] | None
    dry_run: str | os.PathLike[str] | None


class LoadOptions(SendOptions, total=False):
    """`load`'s keyword arguments but `report` and `checkpoint` (which its callers read too)."""

    indices: Sequence[str]
    on_article_done: Callable[[str], None] | None
    stamp: bool


def load(
    client: Elasticsearch | None,
    actions: Iterable[BulkAction],
    *,
    indices: Sequence[str] = (),
    dead_letter: str | os.PathLike[str] | None = None,
    checkpoint: Checkpoint | None = None,
    on_article_done: Callable[[str], None] | None = None,
    chunk_size: int = 500,
    max_chunk_bytes: int = 10 * 1024 * 1024,
    concurrency: int = 2,
    policy: RetryPolicy | None = None,
    progress: Callable[[LoadReport], None] | None = None,
    dry_run: str | os.PathLike[str] | None = None,
    stamp: bool = True,
    report: LoadReport | None = None,
) -> LoadReport:
    """Send `actions` in bulk chunks; see the module docstring for the guarantees.

    `indices` get ``refresh_interval: -1`` during the load and one refresh at the end (pass the
    concrete indices or aliases written to). `concurrency` chunks are in flight at once, in
    threads, while the caller's generator (e.g. extraction) produces the next chunk. `stamp` adds
    ``indexed_at`` (the load's start time) to each document. With `dry_run`, the bulk body (action
    line, source line) is written to that file and nothing is sent. Raises `LoadInterrupted` (with
    the report) if the server stays unreachable; acknowledged articles are in the checkpoint.
    """
    report = report if report is not None else LoadReport()
    started = time.monotonic()
    if dry_run is not None:
        _dry_run(_counted(actions, report, None), dry_run, report)
        report.elapsed = time.monotonic() - started
        return report
    if client is None:
        raise ValueError("load needs a client unless dry_run is given")
    stamp_value = datetime.now(timezone.utc).isoformat(timespec="milliseconds") if stamp else None
    dead = _DeadLetter(dead_letter)
    tracker = _Tracker()

    def acknowledged(action: BulkAction) -> None:
        if action.kind == "quote":
            report.indexed += 1
        else:
            report.articles_indexed += 1
        if tracker.settle(action, True):
            report.articles_done += 1
            if checkpoint is not None:
                checkpoint.mark(action.article_id)
            if on_article_done is not None:
                on_article_done(action.article_id)

    def refused(sent: Sent) -> None:
        action = sent.action
        if action.kind == "quote":
            report.failed += 1
        else:
            report.articles_dead += 1
        dead.write(action, sent.status, sent.error)
        report.dead_letter = str(dead.path) if dead.path is not None else None
        reason = _error_reason(sent.error)
        report.problem(f"{action.kind} {action.id} (article {action.article_id}): {reason}")
        tracker.settle(action, False)

    stream = stream_bulk(
        client,
        _counted(actions, report, tracker),
        chunk_size=chunk_size,
        max_chunk_bytes=max_chunk_bytes,
        concurrency=concurrency,
        policy=policy,
        stamp=stamp_value,
        stats=report,
    )
    try:
        with _RefreshPaused(client, indices, report):
            for n, sent in enumerate(stream, 1):
                if sent.ok:
                    acknowledged(sent.action)
                else:
                    refused(sent)
                if progress is not None and n % chunk_size == 0:  # about once a chunk, as it is sent
                    progress(report)
            if progress is not None:
                progress(report)
    except BulkInterrupted as exc:
        raise LoadInterrupted(
            f"Elasticsearch at {client_url(client)} stopped answering ({exc.reason}); "
            f"{report.indexed} quotes indexed so far; rerun with the same --checkpoint to resume",
            report,
        ) from None
    finally:
        dead.close()
        if checkpoint is not None:
            checkpoint.close()
        report.elapsed = time.monotonic() - started
    return report


def _counted(
    actions: Iterable[BulkAction], report: LoadReport, tracker: _Tracker | None
) -> Iterator[BulkAction]:
    for action in actions:
        if action.kind == "quote":
            report.quotes += 1
        if tracker is not None:
            tracker.add(action)
        yield action


# --------------------------------------------------------------------------- from articles / records


def index_stream(
    client: Elasticsearch | None,
    results: Iterable[ArticleResult],
    *,
    names: IndexNames | None = None,
    quotes_index: str = "quotes",
    articles_index: str | None = "articles",
    checkpoint: Checkpoint | None = None,
    report: LoadReport | None = None,
    **load_options: Unpack[LoadOptions],
) -> LoadReport:
    """Index extraction results as they come (extraction and sending overlap; see `load`).

    Failed extractions are counted in `articles_failed` and reported as problems.
    """
    report = report if report is not None else LoadReport()
    progress = load_options.get("progress")

    def shown(stream: Iterable[ArticleResult]) -> Iterator[ArticleResult]:
        for result in stream:
            if progress is not None:
                progress(report)
            yield result

    def actions(quotes: str, articles: str | None) -> Iterator[BulkAction]:
        return bulk_actions(shown(extracted(results, report)), quotes, articles)

    return _load_into(client, actions, names, quotes_index, articles_index, checkpoint, report, load_options)


def index_articles(
    client: Elasticsearch | None,
    items: Iterable[Any],  # Article | ReadFailure | Unsupported, as `iter_articles` yields them
    extract: Callable[[Iterable[Article]], Iterable[ArticleResult]],
    *,
    checkpoint: Checkpoint | None = None,
    shard: tuple[int, int] | None = None,
    names: IndexNames | None = None,
    report: LoadReport | None = None,
    **load_options: Unpack[LoadOptions],
) -> LoadReport:
    """Read -> select (checkpoint, shard) -> extract -> index. Skipping happens before extraction."""
    report = report if report is not None else LoadReport()
    selected = select(items, report, shard=shard, done=checkpoint)
    return index_stream(
        client, extract(selected), names=names, checkpoint=checkpoint, report=report, **load_options
    )


def load_records(
    client: Elasticsearch | None,
    paths: Sequence[str],
    *,
    names: IndexNames | None = None,
    quotes_index: str = "quotes",
    articles_index: str | None = "articles",
    checkpoint: Checkpoint | None = None,
    report: LoadReport | None = None,
    **load_options: Unpack[LoadOptions],
) -> LoadReport:
    """Index records written by `quotes extract` (the `quotes load` command), with the same guarantees."""
    from indexer.reading.articles import ReadFailure

    report = report if report is not None else LoadReport()
    seen: list[str | None] = [None]

    def wanted(stream: Iterable[dict[str, Any] | ReadFailure]) -> Iterator[dict[str, Any]]:
        for item in stream:
            if isinstance(item, ReadFailure):
                report.article_failed(item.origin, item.reason)
                continue
            aid = str(item["article_id"])
            first = aid != seen[0]
            seen[0] = aid
            if checkpoint is not None and aid in checkpoint:
                report.articles_skipped += first
                continue
            report.articles_read += first
            yield item

    def actions(quotes: str, articles: str | None) -> Iterator[BulkAction]:
        return record_actions(wanted(iter_records(paths)), quotes, articles)

    return _load_into(client, actions, names, quotes_index, articles_index, checkpoint, report, load_options)


def _load_into(
    client: Elasticsearch | None,
    actions: Callable[[str, str | None], Iterable[BulkAction]],
    names: IndexNames | None,
    quotes_index: str,
    articles_index: str | None,
    checkpoint: Checkpoint | None,
    report: LoadReport,
    options: LoadOptions,
) -> LoadReport:
    """`load` the actions built for the quotes and articles indices (`names`' aliases if given)."""
    if names is not None:
        quotes_index, articles_index = names.quotes_alias, names.articles_alias
    options.setdefault("indices", [i for i in (quotes_index, articles_index) if i])
    return load(
        client, actions(quotes_index, articles_index), checkpoint=checkpoint, report=report, **options
    )
