"""One run over an article collection: read -> extract -> records, with a summary of what happened.

Every article read is either turned into records or reported with the reason; nothing is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, BinaryIO, TextIO

from indexer.articles import ReadFailure, ReadNotes, iter_articles
from indexer.extract.engine import ArticleResult, Extractor
from indexer.model import Article
from indexer.selection import select_articles


@dataclass
class RunSummary(ReadNotes):
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
    id_root: str | None = None,
    ignore: Sequence[str] = (),
) -> Iterator[Article]:
    """The articles to extract (not the files in `ignore`); read failures go to the summary."""

    def skipped(article: Article, reason: str) -> None:
        summary.articles_skipped_by_shard += 1

    def failed(failure: ReadFailure) -> None:
        summary.failures.append((failure.origin, failure.reason))

    items = iter_articles(paths, stdin=stdin, id_root=id_root, ignore=ignore)
    for article in select_articles(
        items, failed, shard=shard, skipped=skipped, unsupported=summary.skip_unsupported
    ):
        summary.articles_read += 1
        summary.words += len(article.text.split())
        if article.published_text is not None:
            summary.date_unread(article)
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


class OutputError(Exception):
    """Writing the output failed (a full disk, a closed pipe); `cause` is the OSError."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.strerror or str(cause))
        self.cause = cause


def write_jsonl(results: Iterable[ArticleResult], out: IO[str]) -> None:
    """One JSON line per record; a failed write raises `OutputError` (not reading errors)."""
    for result in results:
        for record in result.records():
            try:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            except OSError as exc:
                raise OutputError(exc) from exc
