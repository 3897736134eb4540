"""One run over an article collection: read -> select -> extract, and the summary of it that
`quotes extract`, `quotes index` and `quotes enrich` share.

Every article read is either extracted or reported with the reason in the `RunSummary`; nothing is
dropped. The loaders (`indexer.es.load`) extend the summary with what became of the documents sent.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, BinaryIO, TextIO

from indexer.reading.articles import ReadFailure, Unsupported, iter_articles
from indexer.reading.selection import in_shard

if TYPE_CHECKING:
    from indexer.extract.engine import ArticleResult
    from indexer.model import Article

MAX_PROBLEMS = 200  # problems kept in a summary; the count is kept in full
EXAMPLES = 3  # files of types not read, and dates kept as text, named in a summary


@dataclass
class RunSummary:
    """What a run did with its articles. `quotes` counts the quote records written or sent."""

    articles_read: int = 0  # articles extracted (or taken from records), not counting those skipped
    articles_failed: int = 0  # articles that could not be read or extracted
    articles_skipped: int = 0  # already done according to the checkpoint
    articles_other_shards: int = 0  # left to the other machines by --shard
    quotes: int = 0
    words: int = 0  # in the articles extracted
    problems: list[str] = field(default_factory=list)  # one line each: "origin: reason"
    problem_count: int = 0
    unsupported: int = 0  # files inside folders of a type not read (story.xml)
    unsupported_examples: list[str] = field(default_factory=list)
    dates_unread: int = 0  # publication dates kept as text (article.published_text)
    dates_unread_examples: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)

    def article_failed(self, origin: str, reason: str) -> None:
        self.articles_failed += 1
        self.problem(f"{origin}: {reason}")

    def skip_unsupported(self, item: Unsupported) -> None:
        self.unsupported += 1
        if len(self.unsupported_examples) < EXAMPLES:
            self.unsupported_examples.append(item.origin)

    def date_unread(self, article: Article) -> None:
        self.dates_unread += 1
        if len(self.dates_unread_examples) < EXAMPLES:
            self.dates_unread_examples.append(f"{article.origin or article.id} {article.published_text!r}")

    @property
    def nothing_read(self) -> bool:
        """No article was read, and none was skipped either: the input was empty or wrong."""
        return self.articles_read == 0 and not (self.articles_skipped or self.articles_other_shards)


def select(
    items: Iterable[Article | ReadFailure | Unsupported],
    summary: RunSummary,
    *,
    shard: tuple[int, int] | None = None,
    done: Container[str] | None = None,
) -> Iterator[Article]:
    """The articles a run takes from what was read: read failures, files of types not read, articles
    outside `shard` (K, N) and those already `done` (a checkpoint) go to the summary instead."""
    for item in items:
        if isinstance(item, Unsupported):
            summary.skip_unsupported(item)
        elif isinstance(item, ReadFailure):
            summary.article_failed(item.origin, item.reason)
        elif shard is not None and not in_shard(item.id, *shard):
            summary.articles_other_shards += 1
        elif done is not None and item.id in done:
            summary.articles_skipped += 1
        else:
            if item.published_text is not None:
                summary.date_unread(item)
            yield item


def articles_of(
    paths: Sequence[str],
    summary: RunSummary,
    shard: tuple[int, int] | None = None,
    stdin: TextIO | BinaryIO | None = None,
    id_root: str | None = None,
    ignore: Sequence[str] = (),
) -> Iterator[Article]:
    """The articles to extract from `paths` (not the files in `ignore`), selected as by `select`."""
    return select(iter_articles(paths, stdin=stdin, id_root=id_root, ignore=ignore), summary, shard=shard)


def extracted(results: Iterable[ArticleResult], summary: RunSummary) -> Iterator[ArticleResult]:
    """The results of the articles extracted; one whose extraction failed is reported, not yielded."""
    for result in results:
        summary.articles_read += 1
        summary.words += len(result.article.text.split())
        if result.error is not None:
            summary.article_failed(result.article.origin or result.article.id, result.error)
            continue
        yield result


class OutputError(Exception):
    """Writing the output failed (a full disk, a closed pipe); `cause` is the OSError."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause.strerror or str(cause))
        self.cause = cause


def write_jsonl(results: Iterable[ArticleResult], out: IO[str], summary: RunSummary | None = None) -> None:
    """One JSON line per record, counted in `summary.quotes`; a failed write raises `OutputError`."""
    for result in results:
        for record in result.records():
            try:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            except OSError as exc:
                raise OutputError(exc) from exc
            if summary is not None:
                summary.quotes += 1
