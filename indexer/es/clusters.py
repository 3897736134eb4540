"""Quote reuse across articles: one `quote_cluster` for the same words said, wherever they ran.

Wire copy is carried by many outlets, each trimming or re-punctuating it a little, and a quote
travels with it. After a load, `cluster_quotes` reads the words of every quote in the quotes index
and groups those that say the same thing:

- words are compared case-folded, without quote marks, punctuation or spacing (`words`);
- two quotes of five words or more are the same when nearly all the word pairs (bigrams) of the
  shorter one are in the longer one (`CONTAINMENT`) and the shorter keeps most of the longer's
  words (`LENGTH_RATIO`): an outlet that drops a few words at either end, or changes one, still
  runs the same quote, and a fragment of six words taken out of a long quote does not;
- candidate pairs come from MinHash LSH (datasketch), so the pass does not compare every quote
  with every other; each candidate is then checked exactly on its bigrams, so the result does
  not depend on the hashing's luck beyond which pairs it proposes;
- quotes of fewer than five words ("No comment", "We will win") are the same only with the same
  words from the same speaker, since such words are said independently all the time.

Groups are the connected parts of the "same quote" relation. Each quote gets its group's id
(`quote_cluster`, derived from the smallest quote id in it, so the same index gives the same ids),
`cluster_size` (quotes), `cluster_articles`, `cluster_outlets` (distinct outlets), `first_seen` (the
earliest publication date) and `is_first` (true on the earliest quote, undated quotes coming last).

Like the name merge (`indexer.es.canonical`), the pass depends only on what is indexed: it updates
only the documents whose fields differ from what it computes, so a second pass changes nothing,
and a later load that adds a pickup or removes a quote re-forms the groups it touches.

The pass holds, per quote, its id, a few fields and its bigram hashes in memory (about 2 KB for a
quote of 30 words): a few million quotes per pass on one machine.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from indexer.es.documents import BulkAction

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from typing_extensions import Unpack

    from indexer.es.load import SendOptions
    from indexer.store import LoadReport

__all__ = ["CLUSTER_FIELDS", "ClusterReport", "cluster_quotes", "plan_clusters", "same_quote", "words"]

MIN_WORDS = 5  # shorter quotes are grouped only with the same words of the same speaker
CONTAINMENT = 0.8  # share of the shorter quote's bigrams found in the longer one
LENGTH_RATIO = 0.6  # the shorter quote has at least this share of the longer one's words
NUM_PERM = 128
LSH_THRESHOLD = 0.3  # estimated Jaccard for a candidate pair: below what CONTAINMENT x LENGTH_RATIO allows
CLUSTER_FIELDS = (
    "quote_cluster",
    "cluster_size",
    "cluster_articles",
    "cluster_outlets",
    "first_seen",
    "is_first",
)
_READ = ("quote", "text", "article_id", "start", "speaker.id", "article.outlet", "article.published_at")

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a quote as compared: case-folded, without quote marks, punctuation or spacing."""
    return _WORD.findall(text.casefold().replace("_", " "))


def _bigrams(tokens: Sequence[str]) -> set[str]:
    if len(tokens) < 2:
        return {" ".join(tokens)}
    return {f"{a} {b}" for a, b in itertools.pairwise(tokens)}


def same_quote(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two quotes of `MIN_WORDS` words or more (as `words` gives them) say the same thing."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short or len(short) < LENGTH_RATIO * len(long_):
        return False
    sa, sb = _bigrams(short), _bigrams(long_)
    return len(sa & sb) >= CONTAINMENT * len(sa)


@dataclass
class _Quote:
    id: str
    tokens: list[str]
    speaker: str | None
    article: str | None
    outlet: str | None
    published: str | None
    order: tuple[Any, ...]  # earliest first: dated before undated, then date, article, offset, id
    current: dict[str, Any]


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _quote(hit: Mapping[str, Any]) -> _Quote:
    src = hit.get("_source") or {}
    art = src.get("article") or {}
    sp = src.get("speaker") or {}
    published = art.get("published_at")
    when = _when(published)
    doc_id = str(hit["_id"])
    outlet = art.get("outlet")
    return _Quote(
        id=doc_id,
        tokens=words(str(src.get("quote") or src.get("text") or "")),
        speaker=sp.get("id"),
        article=src.get("article_id"),
        outlet=str(outlet).strip().lower() if outlet else None,
        published=published if when is not None else None,
        order=(
            when is None,
            when or datetime.min.replace(tzinfo=timezone.utc),
            str(src.get("article_id")),
            int(src.get("start") or 0),
            doc_id,
        ),
        current={k: src.get(k) for k in CLUSTER_FIELDS},
    )


class _Groups:
    """Union-find over quote indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _link_long(quotes: Sequence[_Quote], groups: _Groups) -> None:
    from datasketch import MinHash, MinHashLSH

    long_ = [i for i, q in enumerate(quotes) if len(q.tokens) >= MIN_WORDS]
    if len(long_) < 2:
        return
    shingles = {i: sorted(_bigrams(quotes[i].tokens)) for i in long_}
    hashes = MinHash.bulk(([s.encode() for s in shingles[i]] for i in long_), num_perm=NUM_PERM, seed=1)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for i, mh in zip(long_, hashes, strict=True):
        for j in lsh.query(mh):
            if groups.find(i) != groups.find(j) and same_quote(quotes[i].tokens, quotes[j].tokens):
                groups.union(i, j)
        lsh.insert(i, mh)


def _cluster_id(member_ids: Sequence[str]) -> str:
    return "qc-" + hashlib.sha1(min(member_ids).encode()).hexdigest()[:16]


def plan_clusters(quotes: Sequence[_Quote]) -> dict[str, dict[str, Any]]:
    """For each quote id, the cluster fields it should carry."""
    quotes = sorted(quotes, key=lambda q: q.id)  # the same groups whatever order the index returns
    groups = _Groups(len(quotes))
    short: dict[tuple[str | None, str], int] = {}
    for i, q in enumerate(quotes):
        if len(q.tokens) < MIN_WORDS:
            key = (q.speaker, " ".join(q.tokens))
            if key in short:
                groups.union(short[key], i)
            else:
                short[key] = i
    _link_long(quotes, groups)
    members: dict[int, list[_Quote]] = defaultdict(list)
    for i, q in enumerate(quotes):
        members[groups.find(i)].append(q)
    out: dict[str, dict[str, Any]] = {}
    for group in members.values():
        first = min(group, key=lambda q: q.order)
        fields = {
            "quote_cluster": _cluster_id([q.id for q in group]),
            "cluster_size": len(group),
            "cluster_articles": len({q.article for q in group if q.article}),
            "cluster_outlets": len({q.outlet for q in group if q.outlet}),
            "first_seen": first.published,
        }
        for q in group:
            out[q.id] = {**fields, "is_first": q is first}
    return out


@dataclass
class ClusterReport:
    load: LoadReport  # what sending the changed documents did (failures land in the dead-letter file)
    quotes: int = 0  # quotes read
    clusters: int = 0
    reused: int = 0  # clusters of two quotes or more
    changed: int = 0  # quote documents whose cluster fields were updated
    largest: int = 0
    seconds: float = field(default=0.0)


@dataclass(frozen=True)
class _FieldsUpdate(BulkAction):
    """A partial ``update`` of a quote document: only the cluster fields."""

    def header(self) -> dict[str, Any]:
        return {"update": {"_index": self.index, "_id": self.id}}


def _cluster_mapping() -> dict[str, Any]:
    """The cluster fields' mapping, as the quotes template declares them (for indices made before)."""
    import json

    from indexer.store import MAPPINGS_DIR, TEMPLATE_FILES

    path = MAPPINGS_DIR / TEMPLATE_FILES["quotes"]
    props = json.loads(path.read_text(encoding="utf-8"))["template"]["mappings"]["properties"]
    return {name: props[name] for name in CLUSTER_FIELDS}


def cluster_quotes(client: Elasticsearch, quotes: str, **load_options: Unpack[SendOptions]) -> ClusterReport:
    """Group the quotes of the `quotes` alias (see the module docstring) and write what changed."""
    import time

    from indexer.es.enrich import iter_source
    from indexer.store import LoadReport, load

    started = time.monotonic()
    client.indices.refresh(index=quotes)
    client.indices.put_mapping(index=quotes, properties=_cluster_mapping())
    hits: dict[str, str] = {}  # quote id -> concrete index
    read: list[_Quote] = []
    for hit in iter_source(client, quotes, None, fields=[*_READ, *CLUSTER_FIELDS], page_size=1000):
        hits[str(hit["_id"])] = str(hit["_index"])
        read.append(_quote(hit))
    planned = plan_clusters(read)
    result = ClusterReport(load=LoadReport(), quotes=len(read))
    sizes: dict[str, int] = {f["quote_cluster"]: f["cluster_size"] for f in planned.values()}
    result.clusters = len(sizes)
    result.reused = sum(1 for n in sizes.values() if n > 1)
    result.largest = max(sizes.values(), default=0)

    def actions() -> Iterator[BulkAction]:
        for q in read:
            target = planned[q.id]
            if all(q.current.get(k) == target[k] for k in CLUSTER_FIELDS):
                continue
            result.changed += 1
            yield _FieldsUpdate(hits[q.id], q.id, {"doc": target}, str(q.article), "quote")

    load(client, actions(), indices=[], stamp=False, report=result.load, **load_options)
    if result.changed:
        client.indices.refresh(index=quotes)
    result.seconds = time.monotonic() - started
    return result
