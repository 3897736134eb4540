"""The acceptance case of the Elasticsearch layer, through the CLI, on the article the project started from.

Index ../shared/samples/soleimani-funeral.txt into the real local node, then
`quotes search "revenge" --speaker Salami --json` returns the Salami quote, and the counts in
Elasticsearch equal what `quotes extract` writes for the same article.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "soleimani-funeral.txt"


@pytest.fixture(scope="module")
def sample() -> Path:
    if not SAMPLE.is_file():
        pytest.fail(f"{SAMPLE} is missing: the shared samples must sit beside the repository")
    return SAMPLE


@pytest.mark.es
def test_salami_quote_is_found_by_words_and_speaker(sample: Path, es: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    extracted = tmp_path / "quotes.jsonl"
    result = runner.invoke(app, ["extract", str(sample), "-o", str(extracted)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in extracted.read_text(encoding="utf-8").splitlines()]

    result = runner.invoke(app, ["index", str(sample), "--es-url", es.url, "--index", es.alias])
    assert result.exit_code == 0, result.output

    count = es.client.count(index=es.alias)["count"]
    assert count == len(records)
    ids = {hit["_id"] for hit in es.client.search(index=es.alias, size=1000)["hits"]["hits"]}
    assert ids == {r["quote_id"] for r in records}

    result = runner.invoke(
        app, ["search", "revenge", "--speaker", "Salami", "--json", "--es-url", es.url, "--index", es.alias]
    )
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert hits, "no quote found for 'revenge' by Salami"
    texts = [h.get("text") or h.get("quote", {}).get("text") for h in hits]
    assert any(t and t.startswith("We will take revenge") for t in texts), texts
    assert all(h["speaker"]["name"] == "Hossein Salami" for h in hits)


@pytest.mark.es
def test_reporters_in_the_credit_line_are_not_speakers(sample: Path, es: Any) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(sample), "--es-url", es.url, "--index", es.alias])
    assert result.exit_code == 0, result.output
    buckets = es.client.search(
        index=es.alias, size=0, aggs={"speakers": {"terms": {"field": "speaker.name.keyword", "size": 100}}}
    )["aggregations"]["speakers"]["buckets"]
    speakers = {b["key"] for b in buckets}
    for reporter in ("Louisa Loveluck", "Mustafa Salim", "Paul Schemm", "Rick Noack", "Cunningham"):
        assert reporter not in speakers
    article = es.client.search(index=es.articles_alias, size=1)["hits"]["hits"][0]["_source"]
    assert "Louisa Loveluck" in article["reporters"]
