"""Searching the attribution index on a real node, with a small invented corpus."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import drop_aliases, load_records, make_record

from indexer import store
from indexer.es.search import QuoteFilter, SearchError, build_query, search_quotes, top_speakers

pytestmark = pytest.mark.es


def _corpus() -> Iterator[dict[str, Any]]:
    yield make_record(1, 0, name="Hossein Salami", text="We will answer any attack on the harbour.")
    yield make_record(1, 1, name="Hossein Salami", text="The harbour defences are ready.", type="indirect")
    yield make_record(
        2,
        0,
        name="José Ñúñez",
        text="The new library opens in spring.",
        outlet="Valle News",
        published_at="2019-03-01",
    )
    yield make_record(
        2,
        1,
        name="José Ñúñez",
        text="Reading rooms will stay open late.",
        outlet="Valle News",
        published_at="2019-03-01",
    )
    yield make_record(
        3,
        0,
        name=None,
        mention="a senior official",
        anonymous=True,
        text="The harbour plan was delayed twice.",
        published_at="2021-06-30T10:00:00Z",
    )
    yield make_record(
        3,
        1,
        name="Salim Hosseini",
        text="Nobody told us about the library.",
        published_at="2021-06-30T10:00:00Z",
        type="mixed",
    )


@pytest.fixture(scope="module")
def corpus(es_client: Any) -> Iterator[str]:
    alias = f"s-{uuid.uuid4().hex[:10]}"
    report = load_records(es_client, alias, _corpus())
    assert report.indexed == 6
    yield alias
    drop_aliases(es_client, alias, f"{alias}-articles")


def _speakers(hits: list[dict[str, Any]]) -> set[str | None]:
    return {h["speaker"]["name"] for h in hits}


def test_text_search_highlights_the_matching_words(es_client: Any, corpus: str) -> None:
    hits = search_quotes(es_client, QuoteFilter("harbour"), index=corpus)
    assert len(hits) == 3
    assert all("<em>harbour</em>" in h["highlight"] for h in hits)
    assert all(h["_score"] for h in hits)


SALAMI, HOSSEINI, NUNEZ = "Hossein Salami", "Salim Hosseini", "José Ñúñez"


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("salami", {SALAMI}),  # part of the name, any case
        ("SALAMI", {SALAMI}),
        ("h salami", {SALAMI}),
        ("hossein salami", {SALAMI}),
        ("hoss sal", {SALAMI, HOSSEINI}),  # words match in any order: it also fits "Salim Hosseini"
        ("Hosseini", {HOSSEINI}),
        ("sal", {SALAMI, HOSSEINI}),  # "sal" starts a word of both names ...
        ("ami", set()),  # ... "ami" starts none
        ("Jose", {NUNEZ}),  # diacritics are ignored
        ("nunez", {NUNEZ}),
        ("JOSÉ ÑÚÑEZ", {NUNEZ}),
    ],
)
def test_speaker_search_is_tolerant_of_case_order_parts_and_diacritics(
    es_client: Any, corpus: str, asked: str, found: set[str]
) -> None:
    assert _speakers(search_quotes(es_client, QuoteFilter("", speaker=asked), index=corpus)) == found


def test_speaker_search_finds_unnamed_sources_by_description(es_client: Any, corpus: str) -> None:
    hits = search_quotes(es_client, QuoteFilter("", speaker="official"), index=corpus)
    assert [h["speaker"]["mention"] for h in hits] == ["a senior official"]


@pytest.mark.parametrize("query", ['"unbalanced AND (', "AND OR NOT", "((((", "text:[1 TO", "\\", "*?~^"])
def test_user_query_syntax_never_crashes(es_client: Any, corpus: str, query: str) -> None:
    assert isinstance(search_quotes(es_client, QuoteFilter(query), index=corpus), list)


def test_speaker_wildcard_characters_are_literal(es_client: Any, corpus: str) -> None:
    assert search_quotes(es_client, QuoteFilter("", speaker="*"), index=corpus) == []
    assert search_quotes(es_client, QuoteFilter("", speaker="s?lami"), index=corpus) == []


def test_empty_query_matches_everything_newest_first(es_client: Any, corpus: str) -> None:
    hits = search_quotes(es_client, QuoteFilter(""), index=corpus, size=10)
    assert len(hits) == 6
    dates = [h["article"]["published_at"] for h in hits]
    assert dates[:2] == ["2021-06-30T10:00:00Z"] * 2 and dates[-1] == "2016-09-12"


def test_filters(es_client: Any, corpus: str) -> None:
    anon = search_quotes(es_client, QuoteFilter("", anonymous=True), index=corpus)
    assert [h["speaker"]["mention"] for h in anon] == ["a senior official"]
    assert len(search_quotes(es_client, QuoteFilter("", anonymous=False), index=corpus)) == 5
    assert [h["type"] for h in search_quotes(es_client, QuoteFilter("", type="mixed"), index=corpus)] == [
        "mixed"
    ]
    assert _speakers(search_quotes(es_client, QuoteFilter("", outlet="valle news"), index=corpus)) == {
        "José Ñúñez"
    }
    between = search_quotes(es_client, QuoteFilter("", since="2019-01-01", until="2020-12-31"), index=corpus)
    assert _speakers(between) == {"José Ñúñez"}
    assert len(search_quotes(es_client, QuoteFilter("", since="2021-06-30"), index=corpus)) == 2
    assert (
        len(search_quotes(es_client, QuoteFilter("harbour", speaker="salami", type="direct"), index=corpus))
        == 1
    )
    assert len(search_quotes(es_client, QuoteFilter(""), index=corpus, size=2)) == 2


def test_bad_values_are_one_line_errors(es_client: Any, corpus: str) -> None:
    with pytest.raises(SearchError) as err:
        search_quotes(es_client, QuoteFilter("", since="last tuesday"), index=corpus)
    assert "\n" not in str(err.value) and "last tuesday" in str(err.value)
    with pytest.raises(SearchError, match="unknown quote type"):
        build_query(QuoteFilter(type="rumour"))
    with pytest.raises(SearchError, match="no index 'nothing-here'"):
        search_quotes(es_client, QuoteFilter("x"), index="nothing-here")


def test_search_on_a_server_that_is_down_is_a_one_line_error() -> None:
    client = store.connect("http://127.0.0.1:1")
    with pytest.raises(SearchError, match=r"cannot reach Elasticsearch at http://127\.0\.0\.1:1"):
        search_quotes(client.options(max_retries=0), QuoteFilter("x"))


def test_top_speakers_counts_quotes_and_articles(es_client: Any, corpus: str) -> None:
    top = top_speakers(es_client, top=10, index=corpus)
    assert top[:2] == [
        {"speaker": "Hossein Salami", "quotes": 2, "articles": 1, "anonymous": False, "article_id": None},
        {"speaker": "José Ñúñez", "quotes": 2, "articles": 1, "anonymous": False, "article_id": None},
    ]
    assert {
        "speaker": "Salim Hosseini",
        "quotes": 1,
        "articles": 1,
        "anonymous": False,
        "article_id": None,
    } in top
    assert not any(r["anonymous"] for r in top)  # named sources by default
    assert len(top_speakers(es_client, top=1, index=corpus)) == 1
    assert top_speakers(es_client, which="anonymous", index=corpus) == [
        {"speaker": "a senior official", "quotes": 1, "articles": 1, "anonymous": True, "article_id": "art-3"}
    ]
    assert len(top_speakers(es_client, which="all", index=corpus)) == 4
    assert [
        r["speaker"] for r in top_speakers(es_client, where=QuoteFilter(outlet="valle news"), index=corpus)
    ] == ["José Ñúñez"]
    since = top_speakers(es_client, which="all", where=QuoteFilter(since="2021-01-01"), index=corpus)
    assert {r["speaker"] for r in since} == {"Salim Hosseini", "a senior official"}
    assert [r["speaker"] for r in top_speakers(es_client, where=QuoteFilter("library"), index=corpus)] == [
        "José Ñúñez",
        "Salim Hosseini",
    ]
