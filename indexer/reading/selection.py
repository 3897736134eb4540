"""Shards for many machines (``--shard K/N``): an article belongs to a shard by the sha1 of its id, so
machines need no coordinator. `indexer.run.select` applies them."""

from __future__ import annotations

import hashlib
import re


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
