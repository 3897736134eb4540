"""Scaling: workers, shards and very long articles change nothing in the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from indexer.extract.engine import SEGMENT_CHARS, Extractor
from indexer.model import Article
from indexer.reading.articles import ReadFailure, iter_articles

REPO = Path(__file__).resolve().parent.parent
SAMPLES = [REPO / "samples", REPO / "tests" / "data"]


def sample_articles() -> list[Article]:
    items = list(iter_articles([str(p) for p in SAMPLES]))
    assert not [i for i in items if isinstance(i, ReadFailure)]
    found = [a for a in items if isinstance(a, Article)]
    assert len(found) >= 4
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples four times over, each copy with its own ids, as one JSON Lines file."""
    path = tmp_path_factory.mktemp("scale") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for copy in range(4):
            for article in sample_articles():
                f.write(json.dumps({"id": f"{article.id}-{copy}", "text": article.text}) + "\n")
    return path


def extract(corpus: Path, out: Path, *options: str) -> list[str]:
    result = CliRunner().invoke(app, ["extract", str(corpus), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8").splitlines()


def test_output_and_ids_do_not_depend_on_the_number_of_workers(corpus: Path, tmp_path: Path) -> None:
    one = extract(corpus, tmp_path / "one.jsonl", "--workers", "1")
    two = extract(corpus, tmp_path / "two.jsonl", "--workers", "2")
    assert len(one) > 20
    assert one == two  # same records, same ids, same order


def test_the_union_of_the_shards_is_one_run(corpus: Path, tmp_path: Path) -> None:
    whole = extract(corpus, tmp_path / "whole.jsonl", "--workers", "2")
    shards = [extract(corpus, tmp_path / f"shard{k}.jsonl", "--shard", f"{k}/3") for k in (1, 2, 3)]
    assert sorted(line for shard in shards for line in shard) == sorted(whole)
    articles = [{json.loads(line)["article_id"] for line in shard} for shard in shards]
    assert not (articles[0] & articles[1] or articles[0] & articles[2] or articles[1] & articles[2])
    assert all(articles)


def long_article(size: int) -> tuple[str, list[str]]:
    """Self-written paragraphs, every tenth one a quote; returns the text and the quotes in order."""
    filler = (
        "The harbor district has grown quickly over the last decade. Three container ships were waiting "
        "outside the port on Tuesday morning. The old ferry terminal was built in 1962."
    )
    paragraphs: list[str] = []
    quotes: list[str] = []
    n = 0
    while sum(len(p) + 2 for p in paragraphs) < size:
        if n % 10 == 0:
            quote = f"Ferry number {n} will leave every hour from the northern quay."
            quotes.append(quote)
            paragraphs.append(f"“{quote}” said Mira Holt, the harbor master.")
        else:
            paragraphs.append(filler)
        n += 1
    return "\n\n".join(paragraphs) + "\n", quotes


def test_a_five_megabyte_article_is_extracted_with_exact_offsets() -> None:
    text, quotes = long_article(5_000_000)
    assert len(text) > 50 * SEGMENT_CHARS
    with Extractor(workers=2) as extractor:
        (result,) = list(extractor.extract([Article(id="long", text=text)]))
    assert result.error is None
    assert [a.text for a in result.attributions] == quotes
    for a in result.attributions:
        assert text[a.start : a.end] == a.text
        assert a.cue is not None and text[a.cue.start : a.cue.end] == a.cue.text == "said"
        assert a.speaker.start is not None and a.speaker.end is not None
        assert text[a.speaker.start : a.speaker.end] == a.speaker.mention
        assert a.speaker.name == "Mira Holt"
        assert all(text[s:e] in a.text for s, e in a.fragments)
    assert len({a.quote_id for a in result.attributions}) == len(quotes)
