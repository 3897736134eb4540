"""One name per person across the whole collection: "Trump" in one article, "Donald Trump" in another.

Extraction names each speaker by the fullest form its own article gives, so an article that only says
"Mr. Trump" yields "Trump". After a load, `merge_speakers` reads every person name in the quotes index
(as its article wrote it: ``speaker.name_in_article``) and `plan` maps

- a lone surname to the one person of the collection named in full with it ("Trump" -> "Donald Trump"),
  but only when that person is the only one: with "Hillary Clinton" and "Bill Clinton" both named,
  "Clinton" stays "Clinton". Nor in an article that quotes both the lone surname and someone named in
  full with it: extraction kept them apart there ("Mr. Kowalski" and "Anna Kowalski");
- forms of one first and last name to the form used most ("Donald J. Trump" -> "Donald Trump").

The quote documents whose name changes get the collection's name, its id and ``speaker.merged: true``;
their articles' ``speakers`` and ``speaker_ids`` are recomputed. The pass depends only on what is in the
index, not on load order: running it again changes nothing, and when a later load makes a surname
ambiguous (a second Trump), the documents it had merged go back to the article's own name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from indexer.es.documents import BulkAction, names_fields
from indexer.model import speaker_id
from indexer.names import fold_name

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from typing_extensions import Unpack

    from indexer.es.load import SendOptions
    from indexer.store import LoadReport

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _first_last(name: str) -> tuple[str, str] | None:
    """The folded first and last word of a full name ("Martin Luther King Jr." -> martin, king)."""
    words = [w for w in fold_name(name).replace("'", " ").split() if w]
    while len(words) > 2 and words[-1] in _SUFFIXES:
        words.pop()
    if len(words) < 2 or len(words[0]) < 2:
        return None  # a lone word, or "J. Smith": not enough to tell people apart
    return words[0], words[-1]


def plan(counts: Mapping[str, int]) -> dict[str, str]:
    """For person names with their quote counts, the names that should read otherwise, and how."""
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in counts:
        key = _first_last(name)
        if key is not None:
            people[key].append(name)
    # a person's name: the form used most, then the shorter, then the first in alphabetical order
    chosen = {key: min(forms, key=lambda f: (-counts[f], len(f.split()), f)) for key, forms in people.items()}
    by_surname: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key in people:
        by_surname[key[1]].add(key)
    out: dict[str, str] = {}
    for key, forms in people.items():
        for form in forms:
            if form != chosen[key]:
                out[form] = chosen[key]
    for name in counts:
        words = fold_name(name).split()
        if len(words) != 1:
            continue
        owners = by_surname.get(words[0], set())
        if len(owners) == 1:
            out[name] = chosen[next(iter(owners))]
    return out


_TERMS_PER_QUERY = 10_000
# people named in full: an unnamed or partly named source (a first name given on condition of
# anonymity) is never merged with anyone, in its article or across articles
_NAMED_PEOPLE: dict[str, Any] = {
    "bool": {"filter": [{"term": {"speaker.kind": "person"}}, {"term": {"speaker.anonymous": False}}]}
}


@dataclass
class MergeReport:
    load: LoadReport  # what sending the changed documents did (failures land in the dead-letter file)
    names: int = 0  # article names that read as another name of the collection
    quotes_changed: int = 0
    articles_changed: int = 0


def _buckets(
    client: Elasticsearch, quotes: str, query: dict[str, Any], fields: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Every bucket of a composite aggregation over `fields` (source name -> field), page by page."""
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {
            "size": 1000,
            "sources": [{key: {"terms": {"field": field}}} for key, field in fields.items()],
        }
        if after is not None:
            composite["after"] = after
        resp = client.search(index=quotes, size=0, query=query, aggregations={"b": {"composite": composite}})
        agg = resp.body["aggregations"]["b"]
        yield from agg["buckets"]
        after = agg.get("after_key")
        if not agg["buckets"] or after is None:
            return


def _person_name_counts(client: Elasticsearch, quotes: str) -> dict[str, int]:
    fields = {"name": "speaker.name_in_article"}
    return {
        str(b["key"]["name"]): int(b["doc_count"]) for b in _buckets(client, quotes, _NAMED_PEOPLE, fields)
    }


def _kept_apart(
    client: Elasticsearch, quotes: str, counts: Mapping[str, int], lone: set[str]
) -> set[tuple[str, str]]:
    """(article, surname) pairs where the article quotes a lone surname and also a person named in full
    with it: extraction kept the two apart ("Mr. Kowalski" is not "Anna Kowalski"), so the lone one
    must not become her in the collection either. Only the quotes of those names are read."""
    surnames = {fold_name(n) for n in lone}
    relevant = sorted(
        n for n in counts if n in lone or ((key := _first_last(n)) is not None and key[1] in surnames)
    )
    by_article: dict[str, set[str]] = defaultdict(set)
    fields = {"article": "article_id", "name": "speaker.name_in_article"}
    for lo in range(0, len(relevant) if lone else 0, _TERMS_PER_QUERY):
        query = {
            "bool": {
                "filter": [
                    _NAMED_PEOPLE,
                    {"terms": {"speaker.name_in_article": relevant[lo : lo + _TERMS_PER_QUERY]}},
                ]
            }
        }
        for bucket in _buckets(client, quotes, query, fields):
            by_article[str(bucket["key"]["article"])].add(str(bucket["key"]["name"]))
    out: set[tuple[str, str]] = set()
    for article, names in by_article.items():
        full = {key[1] for key in map(_first_last, names) if key is not None}
        out |= {(article, n) for n in names & lone if fold_name(n) in full}
    return out


def _target(
    speaker: Mapping[str, Any],
    mapping: Mapping[str, str],
    article_id: str = "",
    kept_apart: set[tuple[str, str]] | None = None,
) -> dict[str, Any] | None:
    """The speaker as it should read, or None when it already does."""
    own = speaker.get("name_in_article") or speaker.get("name")
    if not isinstance(own, str):
        return None
    name = own if kept_apart and (article_id, own) in kept_apart else mapping.get(own, own)
    merged = name != own
    if speaker.get("name") == name and bool(speaker.get("merged")) == merged:
        return None
    folded = fold_name(name)
    renamed = {**speaker, "name": name, "name_folded": folded, "id": speaker_id(folded), "merged": merged}
    return {**renamed, **names_fields(renamed)}


def merge_speakers(
    client: Elasticsearch,
    quotes: str,
    articles: str | None,
    **load_options: Unpack[SendOptions],
) -> MergeReport:
    """Give every person the collection's name for them (see the module docstring)."""
    from indexer.es.enrich import iter_source
    from indexer.store import LoadReport, load

    client.indices.refresh(index=quotes)
    counts = _person_name_counts(client, quotes)
    mapping = plan(counts)
    kept = _kept_apart(client, quotes, counts, {n for n in mapping if len(n.split()) == 1})
    result = MergeReport(names=len(mapping), load=LoadReport())
    touched: set[str] = set()
    names = sorted(mapping)
    # documents merged before (they may have to go back) and those whose name is to change,
    # in batches under the server's limit on terms in one query
    queries: list[dict[str, Any]] = [{"term": {"speaker.merged": True}}]
    for lo in range(0, len(names), _TERMS_PER_QUERY):
        queries.append(
            {
                "bool": {
                    "filter": [
                        _NAMED_PEOPLE,  # not an organisation that shares a name, nor "Ahmed" who asked
                        {"terms": {"speaker.name_in_article": names[lo : lo + _TERMS_PER_QUERY]}},
                    ],
                    "must_not": [{"term": {"speaker.merged": True}}],
                }
            }
        )

    def quote_actions() -> Iterator[BulkAction]:
        for query in queries:
            for hit in iter_source(client, quotes, query):
                source = hit["_source"]
                article_id = str(source.get("article_id"))
                speaker = _target(source.get("speaker") or {}, mapping, article_id, kept)
                if speaker is None:
                    continue
                touched.add(article_id)
                result.quotes_changed += 1
                yield BulkAction(
                    str(hit["_index"]), str(hit["_id"]), {**source, "speaker": speaker}, article_id, "quote"
                )

    # few documents change: no pause of refreshes (indices=[]), one refresh after each step instead
    load(client, quote_actions(), indices=[], stamp=False, report=result.load, **load_options)
    if touched:
        client.indices.refresh(index=quotes)
    if articles and touched:
        actions = list(_article_actions(client, quotes, articles, sorted(touched)))
        result.articles_changed = len(actions)
        load(client, actions, indices=[], stamp=False, report=result.load, **load_options)
        client.indices.refresh(index=articles)
    return result


def _article_actions(
    client: Elasticsearch, quotes: str, articles: str, article_ids: list[str]
) -> Iterable[BulkAction]:
    """Article documents with `speakers` and `speaker_ids` recomputed from their quote documents."""
    for lo in range(0, len(article_ids), 200):
        batch = article_ids[lo : lo + 200]
        resp = client.search(
            index=quotes,
            size=0,
            query={"terms": {"article_id": batch}},
            aggregations={
                "article": {
                    "terms": {"field": "article_id", "size": len(batch)},
                    "aggregations": {
                        "names": {"terms": {"field": "speaker.name.keyword", "size": 500}},
                        "ids": {"terms": {"field": "speaker.id", "size": 500}},
                    },
                }
            },
        ).body
        speakers = {
            str(b["key"]): (
                sorted(str(n["key"]) for n in b["names"]["buckets"]),
                sorted(str(n["key"]) for n in b["ids"]["buckets"]),
            )
            for b in resp["aggregations"]["article"]["buckets"]
        }
        docs = client.mget(index=articles, ids=batch).body["docs"]
        for doc in docs:
            if not doc.get("found") or doc["_id"] not in speakers:
                continue
            names, ids = speakers[doc["_id"]]
            source = doc["_source"]
            if (
                sorted(source.get("speakers") or []) == names
                and sorted(source.get("speaker_ids") or []) == ids
            ):
                continue
            yield BulkAction(
                str(doc["_index"]),
                str(doc["_id"]),
                {**source, "speakers": names, "speaker_ids": ids},
                str(doc["_id"]),
                "article",
                True,
            )
