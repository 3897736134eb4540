"""`quotes enrich` through typer's CliRunner, on the real local node: a source index of the samples
(`news_source` in conftest.py) enriched, a rerun that skips everything, the options passed on, and
one-line errors. What enrichment does to each article is in tests/test_enrich.py."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.clihelp import invoke
from tests.conftest import drop_aliases

pytestmark = pytest.mark.es


def test_cli_enrich_runs_and_a_second_run_skips_everything(
    es_url: str, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source
    args = ["enrich", "--source-index", index, "--text-field", "body", "--title-field", "headline"]
    args += ["--index", alias, "--es-url", es_url]
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert f"articles extracted: {len(docs)}  skipped (already enriched): 0  failed: 0" in first.stderr
    assert "speaker names merged across articles: 1  quotes renamed: 2" in first.stderr  # Okafor
    second = invoke(*args)
    assert second.exit_code == 0, second.output
    assert (
        f"articles extracted: 0  skipped (already enriched): {len(docs)}  failed: 0  quotes indexed: 0"
        in second.stderr
    )


def test_cli_enrich_passes_query_and_id_field_on_and_indexes_what_it_counts(
    es_client: Any, es_url: str, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, docs = news_source
    query = '{"term": {"site": "Valley Courier"}}'  # the flood briefing only
    args = ["enrich", "--source-index", index, "--text-field", "body", "--id-field", "link"]
    result = invoke(*args, "--query", query, "--index", alias, "--es-url", es_url)
    assert result.exit_code == 0, result.output
    assert "articles extracted: 1  skipped (already enriched): 0  failed: 0" in result.stderr
    said = re.search(r"quotes indexed: (\d+)  articles updated: 1", result.stderr)
    assert said, result.stderr
    es_client.indices.refresh(index=alias)
    hits = es_client.search(index=alias, size=100)["hits"]["hits"]
    assert len(hits) == int(said.group(1)) > 0
    link = docs["doc-flood-briefing"]["link"]
    assert {(h["_source"]["article_id"], h["_source"]["source_id"]) for h in hits} == {
        (f"{index}/{link}", "doc-flood-briefing")
    }


@pytest.mark.parametrize("bad", ['{"term": {"section": "city"}', "[1, 2]", "'city'"])
def test_cli_bad_query_json_is_a_one_line_error(bad: str) -> None:
    result = invoke("enrich", "--source-index", "news", "--text-field", "body", "--query", bad)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --query ")


def test_cli_query_refused_by_elasticsearch_is_a_one_line_error(
    es_url: str, news_source: tuple[str, str, dict[str, dict[str, Any]]]
) -> None:
    index, alias, _ = news_source
    args = ["enrich", "--source-index", index, "--text-field", "body", "--index", alias, "--es-url", es_url]
    result = invoke(*args, "--query", '{"no_such_query": {}}')
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: Elasticsearch at ") and "no_such_query" in lines[-1]


def test_cli_unknown_source_index_is_a_one_line_error(es_client: Any, es_url: str) -> None:
    alias = f"t-enrich-{uuid.uuid4().hex[:8]}"
    args = [
        "enrich",
        "--source-index",
        "no-such-news",
        "--text-field",
        "body",
        "--index",
        alias,
        "--es-url",
        es_url,
    ]
    try:
        result = invoke(*args)
    finally:
        drop_aliases(es_client, alias, f"{alias}-articles")
    assert result.exit_code == 1
    assert (
        result.stderr.strip().splitlines()[-1]  # after the progress line
        == f"error: no index 'no-such-news' at {es_url}; pass the name of the index holding the articles"
    )
