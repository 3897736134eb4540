"""Which articles a run takes: shards for many machines (``--shard K/N``, by the sha1 of the article
id, so machines need no coordinator), and the reader stage that skips read failures, unsupported
files, other shards and articles a checkpoint has done."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container, Iterable, Iterator

from indexer.articles import ReadFailure, Unsupported
from indexer.model import Article


def shard_of(article_id: str, n: int) -> int:
    """The 0-based shard (out of `n`) an article id belongs to; stable across runs and machines."""
    if n < 1:
        raise ValueError(f"number of shards must be at least 1, got {n}")
    digest = hashlib.sha1(article_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % n


def in_shard(article_id: str, k: int, n: int) -> bool:
    """True if the article belongs to shard `k` of `n` (`k` is 1-based, as in ``--shard K/N``)."""
    if n < 1:
        raise ValueError(f"number of shards must be at least 1, got {n}")
    if not 1 <= k <= n:
        raise ValueError(f"shard number must be between 1 and {n}, got {k}")
    return shard_of(article_id, n) == k - 1


_SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(spec: str) -> tuple[int, int]:
    """Parse ``K/N`` (e.g. ``2/4``: the second of four shards) into ``(K, N)``."""
    m = _SHARD_RE.match(spec)
    if m is None:
        raise ValueError(f"shard must look like K/N, e.g. 2/4 (the 2nd of 4 shards); got {spec!r}")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1:
        raise ValueError(f"shard count N must be at least 1; got {spec!r}")
    if not 1 <= k <= n:
        raise ValueError(f"shard number K must be between 1 and N ({n}); got {spec!r}")
    return k, n


def select_articles(
    items: Iterable[Article | ReadFailure | Unsupported],
    failed: Callable[[ReadFailure], None],
    *,
    shard: tuple[int, int] | None = None,
    done: Container[str] | None = None,
    skipped: Callable[[Article, str], None] | None = None,
    unsupported: Callable[[Unsupported], None] | None = None,
) -> Iterator[Article]:
    """The reader stage shared by `quotes extract` and `quotes index`: read failures go to `failed`,
    files of types not read to `unsupported`, articles outside `shard` or already `done` (a
    checkpoint) to `skipped` with "shard" or "done"."""
    for item in items:
        if isinstance(item, Unsupported):
            if unsupported is not None:
                unsupported(item)
        elif isinstance(item, ReadFailure):
            failed(item)
        elif shard is not None and not in_shard(item.id, *shard):
            if skipped is not None:
                skipped(item, "shard")
        elif done is not None and item.id in done:
            if skipped is not None:
                skipped(item, "done")
        else:
            yield item
