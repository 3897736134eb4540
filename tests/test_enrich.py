"""Enrichment (`indexer.es.enrich`) on the real local Elasticsearch node: a source index of
self-written articles (samples/ and invented text, `news_source` in conftest.py) is read with a point
in time, its quotes indexed, its articles updated; reruns change nothing, edited articles are redone,
concurrent edits are not overwritten. `quotes enrich` itself is in tests/test_cli_enrich.py."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from indexer.es.enrich import EnrichError, SourceFields, enrich, parse_query
from indexer.extract.engine import ArticleResult, Extractor
from indexer.model import EXTRACTOR_VERSION, Article

pytestmark = pytest.mark.es

FIELDS = SourceFields("body", title="headline", date="pub_date", url="link", outlet="site")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _source_docs(client: Any, index: str) -> dict[str, dict[str, Any]]:
    client.indices.refresh(index=index)
    hits = client.search(index=index, size=100, seq_no_primary_term=True)["hits"]["hits"]
    return {h["_id"]: {**h["_source"], "_seq_no": h["_seq_no"]} for h in hits}


def _quotes(client: Any, alias: str) -> dict[str, dict[str, Any]]:
    client.indices.refresh(index=alias)
    hits = client.search(index=alias, size=1000, seq_no_primary_term=True)["hits"]["hits"]
    return {h["_id"]: {**h["_source"], "_seq_no": h["_seq_no"]} for h in hits}


def _expected(
    extractor: Extractor, index: str, docs: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The records the extractor gives for each source document, extracted directly (no Elasticsearch)."""
    articles = [Article(id=f"{index}/{doc_id}", text=doc["body"]) for doc_id, doc in docs.items()]
    return {r.article.id.split("/", 1)[1]: r.records() for r in extractor.extract(articles)}


def test_enrich_indexes_quotes_and_summarises_each_article_then_a_rerun_changes_nothing(
    es_client: Any, extractor: Extractor, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source
    expected = _expected(extractor, index, docs)
    total = sum(len(v) for v in expected.values())
    assert total >= 25 and expected["doc-quiet"] == []

    report = enrich(es_client, index, FIELDS, extractor.extract, alias=alias, page_size=2)  # 2 pages+

    assert report.ok, report.problems
    assert (report.articles_read, report.articles_enriched, report.indexed) == (len(docs), len(docs), total)
    quotes = _quotes(es_client, alias)
    assert len(quotes) == total
    for quote in quotes.values():
        assert quote["source_index"] == index
        assert quote["article_id"] == f"{index}/{quote['source_id']}"
        assert quote["article"]["title"] == docs[quote["source_id"]]["headline"]
        assert quote["article"]["outlet"] == docs[quote["source_id"]].get("site")
        assert quote["indexed_at"]
    by_article = {
        doc_id: {q["quote_id"] for q in quotes.values() if q["source_id"] == doc_id} for doc_id in docs
    }
    assert by_article == {doc_id: {r["quote_id"] for r in recs} for doc_id, recs in expected.items()}

    stored = _source_docs(es_client, index)
    for doc_id, recs in expected.items():
        doc = stored[doc_id]
        assert doc["quote_count"] == len(recs)
        named = [r["speaker"]["name"] for r in recs if r["speaker"]["name"]]
        assert doc["speakers"] == list(dict.fromkeys(named))
        assert doc["has_anonymous_source"] == any(r["speaker"]["anonymous"] for r in recs)
        assert doc["quotes_extractor_version"] == EXTRACTOR_VERSION
        assert doc["body"] == docs[doc_id]["body"] and doc["section"] == docs[doc_id]["section"]
    assert stored["doc-quiet"]["quote_count"] == 0 and stored["doc-quiet"]["speakers"] == []
    assert stored["doc-harbor-strike"]["has_anonymous_source"] is True
    assert "Miriam Okafor" in stored["doc-harbor-strike"]["speakers"]

    again = enrich(es_client, index, FIELDS, extractor.extract, alias=alias, page_size=2)

    assert (again.articles_skipped, again.articles_read, again.indexed, again.articles_enriched) == (
        len(docs),
        0,
        0,
        0,
    )
    assert _source_docs(es_client, index) == stored  # same _seq_no: not even rewritten
    assert _quotes(es_client, alias) == quotes


def test_an_edited_article_is_redone_and_its_vanished_quotes_removed(
    es_client: Any, extractor: Extractor, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source
    enrich(es_client, index, FIELDS, extractor.extract, alias=alias)
    before = _quotes(es_client, alias)
    harbor_before = {i for i, q in before.items() if q["source_id"] == "doc-harbor-strike"}
    shortened = docs["doc-harbor-strike"]["body"].split("\n\n")
    new_body = "\n\n".join(shortened[:3])  # the dateline paragraph and the first quotes only
    es_client.update(index=index, id="doc-harbor-strike", doc={"body": new_body}, refresh=True)

    report = enrich(es_client, index, FIELDS, extractor.extract, alias=alias)

    assert (report.articles_read, report.articles_skipped) == (1, len(docs) - 1)
    expected = _expected(extractor, index, {"doc-harbor-strike": {"body": new_body}})["doc-harbor-strike"]
    after = _quotes(es_client, alias)
    harbor_after = {i for i, q in after.items() if q["source_id"] == "doc-harbor-strike"}
    assert harbor_after == {r["quote_id"] for r in expected}
    assert 0 < len(harbor_after) < len(harbor_before)
    assert report.stale_quotes_deleted == len(harbor_before - harbor_after)
    assert _source_docs(es_client, index)["doc-harbor-strike"]["quote_count"] == len(expected)
    others = {i: q for i, q in before.items() if q["source_id"] != "doc-harbor-strike"}
    assert {i: after[i] for i in others} == others  # the other articles' quotes untouched


def test_query_limits_the_articles(
    es_client: Any, extractor: Extractor, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, _ = news_source
    report = enrich(
        es_client,
        index,
        FIELDS,
        extractor.extract,
        alias=alias,
        query=parse_query('{"term": {"section": "culture"}}'),
    )
    assert (report.articles_read, report.articles_enriched, report.indexed) == (1, 1, 0)
    stored = _source_docs(es_client, index)
    assert [i for i, d in stored.items() if "quote_count" in d] == ["doc-quiet"]


def test_an_article_edited_during_the_run_is_not_overwritten_and_the_next_run_does_it(
    es_client: Any, extractor: Extractor, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source

    def extract_while_an_editor_works(articles: Iterable[Article]) -> Iterator[ArticleResult]:
        for result in extractor.extract(articles):
            if result.article.id.endswith(
                "/doc-council-budget-vote"
            ):  # read by enrich, now changed by someone
                es_client.update(index=index, id="doc-council-budget-vote", doc={"section": "politics"})
            yield result

    report = enrich(es_client, index, FIELDS, extract_while_an_editor_works, alias=alias)

    assert report.articles_conflicted == 1 and report.articles_enriched == len(docs) - 1
    assert any("version_conflict" in p for p in report.problems)
    council = _source_docs(es_client, index)["doc-council-budget-vote"]
    assert council["section"] == "politics" and "quote_count" not in council

    rerun = enrich(es_client, index, FIELDS, extractor.extract, alias=alias)

    assert (rerun.articles_read, rerun.articles_skipped, rerun.articles_enriched) == (1, len(docs) - 1, 1)
    council = _source_docs(es_client, index)["doc-council-budget-vote"]
    assert council["section"] == "politics" and council["quote_count"] >= 8


def test_an_article_without_text_is_reported_and_left_alone(
    es_client: Any, extractor: Extractor, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source
    es_client.index(index=index, id="doc-empty", document={"headline": "Photo gallery"}, refresh=True)
    report = enrich(es_client, index, FIELDS, extractor.extract, alias=alias)
    assert (report.articles_failed, report.articles_enriched) == (1, len(docs))
    assert report.problems == [f"{index}/doc-empty: no text in field 'body' (check --text-field)"]
    assert "quote_count" not in _source_docs(es_client, index)["doc-empty"]


def test_id_field_names_the_article(
    es_client: Any, extractor: Extractor, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source
    fields = SourceFields("body", id="link")
    enrich(
        es_client, index, fields, extractor.extract, alias=alias, query={"term": {"site": "Valley Courier"}}
    )
    quotes = _quotes(es_client, alias).values()
    assert {(q["article_id"], q["source_id"]) for q in quotes} == {
        (f"{index}/{docs['doc-flood-briefing']['link']}", "doc-flood-briefing")
    }


def test_parse_query_accepts_a_whole_search_body() -> None:
    assert parse_query('{"query": {"term": {"a": 1}}}') == {"term": {"a": 1}}
    with pytest.raises(EnrichError, match="not valid JSON"):
        parse_query("{")
