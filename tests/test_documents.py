"""Documents built from records: pure checks, plus a round trip through the strict mapping."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EsTarget, make_record

from indexer import store
from indexer.es.documents import (
    article_document,
    article_document_from_records,
    bulk_actions,
    quote_document,
    record_actions,
)
from indexer.extract.engine import ArticleResult
from indexer.model import Article, Attribution, Span, Speaker


def test_quote_document_adds_the_folded_speaker_name_and_keeps_the_record() -> None:
    record = make_record(1, 2, name="José Ñúñez")
    before = repr(record)
    doc = quote_document(record)
    assert doc["speaker"]["name_folded"] == "jose nunez"
    assert doc["speaker"]["name"] == "José Ñúñez"
    assert repr(record) == before  # the input is not modified
    assert doc["quote_id"] == record["quote_id"]
    assert "indexed_at" not in doc


def test_quote_document_folds_the_mention_of_an_unnamed_source() -> None:
    doc = quote_document(make_record(1, 0, name=None, mention="A Senior Official", anonymous=True))
    assert doc["speaker"]["name_folded"] == "a senior official"


def test_same_record_gives_the_same_id_and_document() -> None:
    a = list(record_actions([make_record(4, 1)], "q", "a"))
    b = list(record_actions([make_record(4, 1)], "q", "a"))
    assert [(x.index, x.id, x.source) for x in a] == [(x.index, x.id, x.source) for x in b]


def test_article_document_summarises_the_attributions() -> None:
    recs = [
        make_record(7, 0, name="Ana Díaz"),
        make_record(7, 1, name="Ana Díaz"),
        make_record(7, 2, name=None, anonymous=True),
    ]
    doc = article_document_from_records("art-7", recs[0]["article"], recs)
    assert doc["article_id"] == "art-7"
    assert doc["quote_count"] == 3
    assert doc["speakers"] == ["Ana Díaz"]
    assert len(doc["speaker_ids"]) == 1
    assert doc["has_anonymous_source"] is True
    assert doc["outlet"] == "The Test Gazette" and doc["published_at"] == "2016-09-12"
    assert doc["reporters"] == ["Test Reporter"]


def test_record_actions_group_by_article_and_mark_the_last() -> None:
    recs = [make_record(a, q) for a in range(3) for q in range(2)]
    actions = list(record_actions(recs, "q", "a"))
    assert [(x.kind, x.article_id, x.last) for x in actions] == [
        ("quote", "art-0", False),
        ("quote", "art-0", False),
        ("article", "art-0", True),
        ("quote", "art-1", False),
        ("quote", "art-1", False),
        ("article", "art-1", True),
        ("quote", "art-2", False),
        ("quote", "art-2", False),
        ("article", "art-2", True),
    ]
    assert {x.index for x in actions if x.kind == "quote"} == {"q"}
    without_articles = list(record_actions(recs[:2], "q", None))
    assert [x.last for x in without_articles] == [False, True]


def _result(article_id: str, n: int, error: str | None = None) -> ArticleResult:
    article = Article(
        id=article_id, text="x" * 100, title="T", outlet="O", published_at="2020-01-02", authors=["A. Writer"]
    )
    attributions = [
        Attribution(
            article_id,
            "direct",
            "y" * 5,
            10 * i,
            10 * i + 5,
            Span("said", 0, 4),
            Speaker(mention="she", name="Mo Ye", id="s1", kind="person"),
            0.5,
        )
        for i in range(n)
    ]
    return ArticleResult(article, attributions=attributions, reporters=list(article.authors), error=error)


def test_bulk_actions_skip_failed_articles_and_keep_articles_without_quotes() -> None:
    results = [_result("a", 2), _result("b", 0), _result("c", 3, error="extraction failed: boom")]
    actions = list(bulk_actions(results, "q", "arts"))
    assert [(x.kind, x.article_id) for x in actions] == [
        ("quote", "a"),
        ("quote", "a"),
        ("article", "a"),
        ("article", "b"),
    ]
    assert article_document(results[1])["quote_count"] == 0
    assert actions[0].source["article"]["reporters"] == ["A. Writer"]


@pytest.mark.es
def test_documents_from_the_model_fit_the_strict_mappings(es: EsTarget) -> None:
    """Every field the model writes exists in the mapping (a new field would be refused)."""
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    recs: list[dict[str, Any]] = [
        make_record(1, 0),
        make_record(1, 1, name=None, anonymous=True, mention="two officials"),
        make_record(1, 2, published_at="2016-09-12T08:30:00Z"),
        make_record(1, 3, published_at="2016-09-12 08:30:00"),
        make_record(1, 4, published_at=None, type="mixed"),
    ]
    recs[1]["cue"] = None
    recs[1]["speaker"]["count"] = 2
    report = store.load(
        es.client,
        record_actions(recs, names.quotes_alias, names.articles_alias),
        indices=[names.quotes_alias, names.articles_alias],
    )
    assert report.problems == []
    assert (report.indexed, report.failed, report.articles_indexed) == (5, 0, 1)


def test_quote_document_joins_the_pieces_of_a_split_quote() -> None:
    record = make_record(1, 0, text='We will hold the line," she said, "whatever it costs.')
    start = record["start"]
    record["fragments"] = [[start, start + 21], [start + 35, start + 53]]
    assert quote_document(record)["quote"] == "We will hold the line … whatever it costs."
    assert quote_document(make_record(1, 1))["quote"] == make_record(1, 1)["text"]
