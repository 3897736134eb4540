"""Write attribution documents to Elasticsearch: connection, indices and aliases, bulk loading.

* `connect` builds a client from options or the ``ELASTICSEARCH_*`` environment; secrets never
  appear in messages (URLs are shown with credentials removed, see `redact_url`).
* `ensure_indices` puts the index templates read from ``mappings/`` and creates the versioned
  indices (``quotes-v1``, ``articles-v1``) behind their aliases (``quotes``, ``articles``).
* `reindex` copies an alias's index into the next version and swaps the alias in one request.
* `load` sends a stream of `BulkAction`s in chunks. Guarantees:

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

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from indexer.documents import BulkAction, bulk_actions, record_actions
from indexer.es.bulk import (
    LoadReport,
    RetryPolicy,
    _chunks,
    _DeadLetter,
    _dry_run,
    _error_reason,
    _Outcome,
    _RefreshPaused,
    _Sender,
    _Tracker,
)
from indexer.es.client import client_url
from indexer.es.errors import LoadInterrupted
from indexer.records import iter_records

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from typing_extensions import Unpack

    from indexer.articles import ReadFailure
    from indexer.es.bulk import LoadOptions
    from indexer.es.checkpoint import Checkpoint
    from indexer.es.indices import IndexNames
    from indexer.extract.engine import ArticleResult
    from indexer.model import Article


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
        _dry_run(actions, dry_run, report)
        report.elapsed = time.monotonic() - started
        return report
    if client is None:
        raise ValueError("load needs a client unless dry_run is given")
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    stamp_value = datetime.now(timezone.utc).isoformat(timespec="milliseconds") if stamp else None
    sender = _Sender(client, policy or RetryPolicy(), stamp_value)
    dead = _DeadLetter(dead_letter)
    tracker = _Tracker()
    interrupted: list[str] = []

    def apply(outcome: _Outcome) -> None:
        report.retried += outcome.retried
        report.chunk_retries += outcome.chunk_retries
        for status, n in outcome.rejections.items():
            report.rejections[status] = report.rejections.get(status, 0) + n
        for action in outcome.acked:
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
        for action, status, error in outcome.dead:
            if action.kind == "quote":
                report.failed += 1
            else:
                report.articles_dead += 1
            dead.write(action, status, error)
            if dead.path is not None:
                report.dead_letter = str(dead.path)
            report.problem(f"{action.kind} {action.id} (article {action.article_id}): {_error_reason(error)}")
            tracker.settle(action, False)
        if outcome.interrupted is not None:
            interrupted.append(outcome.interrupted)
        if progress is not None:
            progress(report)

    def counted(stream: Iterable[BulkAction]) -> Iterator[BulkAction]:
        for action in stream:
            if action.kind == "quote":
                report.quotes += 1
            tracker.add(action)
            yield action

    inflight: set[Future[_Outcome]] = set()

    def collect(block: bool) -> None:
        done, _ = (
            wait(inflight, return_when=FIRST_COMPLETED)
            if block
            else ({f for f in inflight if f.done()}, None)
        )
        for fut in done:
            inflight.discard(fut)
            apply(fut.result())

    try:
        with (
            _RefreshPaused(client, indices, report),
            ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="bulk") as pool,
        ):
            try:
                for chunk in _chunks(counted(actions), sender, chunk_size, max_chunk_bytes):
                    while len(inflight) >= max(1, concurrency):
                        collect(block=True)
                    if interrupted:
                        break
                    inflight.add(pool.submit(sender.send, chunk))
                    collect(block=False)
                    if interrupted:
                        break
            finally:
                while inflight:  # what was sent is acknowledged (and checkpointed) before leaving
                    collect(block=True)
    finally:
        dead.close()
        if checkpoint is not None:
            checkpoint.close()
        report.elapsed = time.monotonic() - started
    if interrupted:
        raise LoadInterrupted(
            f"Elasticsearch at {client_url(client)} stopped answering ({interrupted[0]}); "
            f"{report.indexed} quotes indexed so far; rerun with the same --checkpoint to resume",
            report,
        )
    return report


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
    if names is not None:
        quotes_index, articles_index = names.quotes_alias, names.articles_alias

    progress = load_options.get("progress")

    def counted(stream: Iterable[ArticleResult]) -> Iterator[ArticleResult]:
        for result in stream:
            report.articles_read += 1
            if progress is not None:
                progress(report)
            if result.error is not None:
                report.articles_failed += 1
                report.problem(f"{result.article.origin or result.article.id}: {result.error}")
            yield result

    targets = [i for i in (quotes_index, articles_index) if i]
    load_options.setdefault("indices", targets)
    actions = bulk_actions(counted(results), quotes_index, articles_index)
    return load(client, actions, checkpoint=checkpoint, report=report, **load_options)


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
    """Read -> skip (checkpoint, shard) -> extract -> index. Skipping happens before extraction."""
    from indexer.selection import select_articles

    report = report if report is not None else LoadReport()

    def failed(failure: ReadFailure) -> None:
        report.articles_failed += 1
        report.problem(str(failure))

    def skipped(article: Article, reason: str) -> None:
        if reason == "done":
            report.articles_skipped += 1
        else:
            report.articles_other_shards += 1

    selected = select_articles(
        items, failed, shard=shard, done=checkpoint, skipped=skipped, unsupported=report.skip_unsupported
    )

    def wanted() -> Iterator[Article]:
        for article in selected:
            if article.published_text is not None:
                report.date_unread(article)
            yield article

    return index_stream(
        client, extract(wanted()), names=names, checkpoint=checkpoint, report=report, **load_options
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
    from indexer.articles import ReadFailure

    report = report if report is not None else LoadReport()
    if names is not None:
        quotes_index, articles_index = names.quotes_alias, names.articles_alias
    seen: list[str | None] = [None]

    def wanted(stream: Iterable[dict[str, Any] | ReadFailure]) -> Iterator[dict[str, Any]]:
        for item in stream:
            if isinstance(item, ReadFailure):
                report.articles_failed += 1
                report.problem(str(item))
                continue
            aid = str(item["article_id"])
            if checkpoint is not None and aid in checkpoint:
                if aid != seen[0]:
                    report.articles_skipped += 1
                    seen[0] = aid
                continue
            if aid != seen[0]:
                report.articles_read += 1
                seen[0] = aid
            yield item

    targets = [i for i in (quotes_index, articles_index) if i]
    load_options.setdefault("indices", targets)
    return load(
        client,
        record_actions(wanted(iter_records(paths)), quotes_index, articles_index),
        checkpoint=checkpoint,
        report=report,
        **load_options,
    )
