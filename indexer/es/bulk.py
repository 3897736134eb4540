"""Sending bulk actions: chunking, the retry policy, and a stream of per-document outcomes.

`stream_bulk` takes an iterable of `BulkAction`s and yields one `Sent` per document, as elasticsearch-py's
``streaming_bulk`` yields one result per item: acknowledged, or refused for good with the status and
error Elasticsearch gave. Chunks are sent in threads (``concurrency`` in flight) while the caller's
iterable produces the next one. What to do with the outcomes (report, dead letter, checkpoint) is the
consumer's job: see `indexer.es.load`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from indexer.es.client import describe_error
from indexer.es.documents import BulkAction, stamped

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How hard to retry. Backoff is exponential with jitter, capped at `max_backoff` seconds."""

    max_retries: int = 8  # re-sends of a document rejected with 429/502/503/504
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    # A chunk that cannot be sent at all (connection refused, timeout) is retried for this long.
    max_retry_seconds: float = 300.0


@dataclass(frozen=True)
class Sent:
    """What became of one document: acknowledged (`ok`), or refused for good with `status` and `error`."""

    action: BulkAction
    ok: bool
    status: int = 200
    error: Any = None


@dataclass
class SendStats:
    """Counts of a stream's re-sends, kept up to date as its outcomes are yielded."""

    retried: int = 0  # document re-sends after a 429/502/503/504 for that document
    rejections: dict[int, int] = field(default_factory=dict)  # status -> documents answered with it
    chunk_retries: int = 0  # whole-request re-sends after a connection error, timeout or 429/503


class BulkInterrupted(Exception):
    """The server stayed unreachable (or refused the credentials): sending stopped.

    Raised by `stream_bulk` after the outcomes of every chunk in flight were yielded; the documents
    of the chunk that failed that were not yielded were not sent (or not all of them)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Chunk:
    """What happened to one chunk (computed in a sender thread, yielded in the caller's)."""

    acked: list[BulkAction] = field(default_factory=list)
    dead: list[tuple[BulkAction, int, Any]] = field(default_factory=list)
    retried: int = 0
    rejections: dict[int, int] = field(default_factory=dict)
    chunk_retries: int = 0
    interrupted: str | None = None  # the server stayed unreachable: this chunk was not (all) sent

    def outcomes(self, stats: SendStats) -> Iterator[Sent]:
        stats.retried += self.retried
        stats.chunk_retries += self.chunk_retries
        for status, n in self.rejections.items():
            stats.rejections[status] = stats.rejections.get(status, 0) + n
        for action in self.acked:
            yield Sent(action, True)
        for action, status, error in self.dead:
            yield Sent(action, False, status, error)


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

    def send(self, chunk: list[tuple[BulkAction, tuple[bytes, bytes]]]) -> _Chunk:
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

        out = _Chunk()
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


def stream_bulk(
    client: Elasticsearch,
    actions: Iterable[BulkAction],
    *,
    chunk_size: int = 500,
    max_chunk_bytes: int = 10 * 1024 * 1024,
    concurrency: int = 2,
    policy: RetryPolicy | None = None,
    stamp: str | None = None,
    stats: SendStats | None = None,
) -> Iterator[Sent]:
    """Send `actions` in chunks of at most `chunk_size` documents and `max_chunk_bytes`; yield one
    `Sent` per document as its chunk completes (in completion order, not input order).

    At most `concurrency` chunks are in flight, so at most ``concurrency + 1`` are held in memory.
    `stamp` is added to each source as ``indexed_at``. Re-sends are counted in `stats`. If the input
    raises, the chunks in flight are finished and their outcomes yielded before the error goes on;
    if the server stays unreachable, the same, then `BulkInterrupted`.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    sender = _Sender(client, policy or RetryPolicy(), stamp)
    return _stream(sender, actions, chunk_size, max_chunk_bytes, max(1, concurrency), stats or SendStats())


def _stream(
    sender: _Sender,
    actions: Iterable[BulkAction],
    chunk_size: int,
    max_chunk_bytes: int,
    width: int,
    stats: SendStats,
) -> Iterator[Sent]:
    inflight: set[Future[_Chunk]] = set()
    interrupted: list[str] = []

    def finished(block: bool) -> Iterator[Sent]:
        if block:
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
        else:
            done = {f for f in inflight if f.done()}
        for future in done:
            inflight.discard(future)
            chunk = future.result()
            if chunk.interrupted is not None:
                interrupted.append(chunk.interrupted)
            yield from chunk.outcomes(stats)

    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="bulk") as pool:
        try:
            for chunk in _chunks(actions, sender, chunk_size, max_chunk_bytes):
                while len(inflight) >= width:
                    yield from finished(block=True)
                if interrupted:
                    break
                inflight.add(pool.submit(sender.send, chunk))
                yield from finished(block=False)
                if interrupted:
                    break
        except GeneratorExit:  # the consumer stopped: let the chunks in flight end, unseen
            wait(inflight)
            raise
        except BaseException:  # the input failed: what was sent is still reported before the error
            while inflight:
                yield from finished(block=True)
            raise
        while inflight:
            yield from finished(block=True)
    if interrupted:
        raise BulkInterrupted(interrupted[0])
