"""One run over an article collection: read -> extract -> records, with a summary of what happened.

Every article read is either turned into records or reported with the reason; nothing is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, BinaryIO, TextIO

from indexer.articles import ReadFailure, iter_articles, select_articles
from indexer.extract.engine import ArticleResult, Extractor
from indexer.model import Article


@dataclass
class RunSummary:
    articles_read: int = 0
    articles_skipped_by_shard: int = 0
    attributions: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    words: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)


def articles_of(
    paths: Sequence[str],
    summary: RunSummary,
    shard: tuple[int, int] | None = None,
    stdin: TextIO | BinaryIO | None = None,
) -> Iterator[Article]:
    """The articles to extract; read failures go to the summary as they are met."""

    def skipped(article: Article, reason: str) -> None:
        summary.articles_skipped_by_shard += 1

    def failed(failure: ReadFailure) -> None:
        summary.failures.append((failure.origin, failure.reason))

    for article in select_articles(iter_articles(paths, stdin=stdin), failed, shard=shard, skipped=skipped):
        summary.articles_read += 1
        summary.words += len(article.text.split())
        yield article


def results_of(
    extractor: Extractor, articles: Iterable[Article], summary: RunSummary
) -> Iterator[ArticleResult]:
    """Extraction results; an article whose extraction failed is reported, not yielded."""
    for result in extractor.extract(articles):
        if result.error:
            summary.failures.append((result.article.origin or result.article.id, result.error))
            continue
        summary.attributions += len(result.attributions)
        yield result


def write_jsonl(results: Iterable[ArticleResult], out: IO[str]) -> None:
    for result in results:
        for record in result.records():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
