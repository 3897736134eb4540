"""Sending bulk chunks: retry policy, per-document outcomes, the dead-letter file, paused refresh,
the tracker of acknowledged articles, and the report of a load."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypedDict

from indexer.articles import ReadNotes
from indexer.documents import BulkAction, stamped
from indexer.es.client import _error_reason, _translate_errors, describe_error
from indexer.es.errors import StoreError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_PROBLEMS = 200  # problems kept in a report; the count is kept in full


@dataclass
class RetryPolicy:
    """How hard to retry. Backoff is exponential with jitter, capped at `max_backoff` seconds."""

    max_retries: int = 8  # re-sends of a document rejected with 429/502/503/504
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    # A chunk that cannot be sent at all (connection refused, timeout) is retried for this long.
    max_retry_seconds: float = 300.0


@dataclass
class LoadReport(ReadNotes):
    """What a load did. `indexed`/`failed` count quote documents; `articles_*` article documents."""

    articles_read: int = 0  # articles taken from the input (not counting those skipped)
    articles_failed: int = 0  # articles that could not be read or extracted
    articles_skipped: int = 0  # already done according to the checkpoint
    articles_other_shards: int = 0  # left to the other machines by --shard
    articles_done: int = 0  # articles whose documents were all acknowledged in this run
    quotes: int = 0  # quote documents produced
    indexed: int = 0  # quote documents acknowledged
    failed: int = 0  # quote documents written to the dead-letter file
    articles_indexed: int = 0
    articles_dead: int = 0
    retried: int = 0  # document re-sends after a 429/502/503/504 for that document
    rejections: dict[int, int] = field(default_factory=dict)  # status -> documents answered with it
    chunk_retries: int = 0  # whole-request re-sends after a connection error, timeout or 429/503
    written: int = 0  # dry run: actions written to the file
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    elapsed: float = 0.0
    dead_letter: str | None = None  # path, if anything was written to it

    @property
    def documents_failed(self) -> int:
        return self.failed + self.articles_dead

    @property
    def ok(self) -> bool:
        return self.articles_failed == 0 and self.documents_failed == 0

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)


@dataclass
class _Outcome:
    """What happened to one chunk (computed in a sender thread, applied in the main thread)."""

    acked: list[BulkAction] = field(default_factory=list)
    dead: list[tuple[BulkAction, int, Any]] = field(default_factory=list)
    retried: int = 0
    rejections: dict[int, int] = field(default_factory=dict)
    chunk_retries: int = 0
    interrupted: str | None = None  # the server stayed unreachable: this chunk was not (all) sent


class _Rejected(Exception):
    """Some documents of a chunk were answered with a retryable status; re-send those."""


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _is_transient(exc: BaseException) -> bool:
    from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, SSLError

    if isinstance(exc, _Rejected):
        return True
    if isinstance(exc, SSLError):
        return False
    if isinstance(exc, (ConnectionError, ConnectionTimeout)):
        return True
    return isinstance(exc, ApiError) and exc.status_code in RETRY_STATUSES


class _Sender:
    """Sends one chunk until every document is acknowledged or dead; runs in a worker thread."""

    def __init__(self, client: Elasticsearch, policy: RetryPolicy, stamp: str | None) -> None:
        # Retries are ours (counted, per document); the transport must not retry behind our back.
        self.client = client.options(max_retries=0)
        self.policy = policy
        self.stamp = stamp

    def lines(self, action: BulkAction) -> tuple[bytes, bytes]:
        source = action.source if self.stamp is None else stamped(action.source, self.stamp)
        return _dumps(action.header()), _dumps(source)

    def send(self, chunk: list[tuple[BulkAction, tuple[bytes, bytes]]]) -> _Outcome:
        from elasticsearch import ApiError, TransportError
        from tenacity import (
            RetryError,
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_after_delay,
            wait_exponential,
            wait_random,
        )

        out = _Outcome()
        pending = chunk
        last_status: dict[int, tuple[int, Any]] = {}
        policy = self.policy
        doc_retries_left = policy.max_retries
        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            wait=wait_exponential(multiplier=policy.initial_backoff, max=policy.max_backoff)
            + wait_random(0, policy.initial_backoff),
            stop=stop_after_delay(policy.max_retry_seconds) | stop_after_attempt(10_000),
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if attempt.retry_state.attempt_number > 1 and not last_status:
                        out.chunk_retries += 1
                    last_status = {}
                    body: list[bytes] = []
                    for _, (header, source) in pending:
                        body.append(header)
                        body.append(source)
                    resp = self.client.bulk(operations=body)  # type: ignore[arg-type]  # pre-serialized lines
                    items = resp.body["items"]
                    again: list[tuple[BulkAction, tuple[bytes, bytes]]] = []
                    for entry, item in zip(pending, items, strict=True):
                        result = next(iter(item.values()))
                        status = int(result.get("status", 500))
                        if 200 <= status < 300:
                            out.acked.append(entry[0])
                            continue
                        out.rejections[status] = out.rejections.get(status, 0) + 1
                        if status in RETRY_STATUSES and doc_retries_left > 0:
                            again.append(entry)
                            last_status[id(entry)] = (status, result.get("error"))
                        else:
                            out.dead.append((entry[0], status, result.get("error")))
                    if again:
                        doc_retries_left -= 1
                        out.retried += len(again)
                        pending = again
                        raise _Rejected(f"{len(again)} documents rejected")
        except RetryError as exc:
            cause = exc.last_attempt.exception()
            if isinstance(cause, _Rejected):  # retries exhausted by time: the rest is dead
                for entry in pending:
                    status, error = last_status.get(id(entry), (429, "rejected"))
                    out.dead.append((entry[0], status, error))
            elif isinstance(cause, (ApiError, TransportError)):
                out.interrupted = describe_error(cause)
            elif cause is not None:
                raise cause from None
        except TransportError as exc:  # not worth retrying (e.g. TLS): the load cannot go on
            out.interrupted = describe_error(exc)
        except ApiError as exc:
            if exc.status_code in (401, 403):
                out.interrupted = describe_error(exc)
            else:  # the whole request was refused (e.g. 413 too large): every document fails with it
                error = exc.body.get("error") if isinstance(exc.body, dict) else str(exc)
                if exc.status_code == 413:
                    error = f"request too large for the server ({exc.status_code}); lower --chunk-size"
                for action, _ in pending:
                    out.dead.append((action, exc.status_code, error))
        return out


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


def _chunks(
    actions: Iterable[BulkAction], sender: _Sender, chunk_size: int, max_chunk_bytes: int
) -> Iterator[list[tuple[BulkAction, tuple[bytes, bytes]]]]:
    chunk: list[tuple[BulkAction, tuple[bytes, bytes]]] = []
    size = 0
    for action in actions:
        lines = sender.lines(action)
        n = len(lines[0]) + len(lines[1]) + 2
        if chunk and (len(chunk) >= chunk_size or size + n > max_chunk_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append((action, lines))
        size += n
    if chunk:
        yield chunk


def _dry_run(actions: Iterable[BulkAction], path: str | os.PathLike[str], report: LoadReport) -> None:
    try:
        with open(path, "wb") as f:
            for action in actions:
                f.write(_dumps(action.header()) + b"\n" + _dumps(action.source) + b"\n")
                report.written += 1
                if action.kind == "quote":
                    report.quotes += 1
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
