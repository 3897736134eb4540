"""What the commands print: live progress lines, run summaries, highlighted quotes, CSV rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import typer

from cli.options import dates_line, unsupported_line

if TYPE_CHECKING:
    from indexer.extract.engine import ArticleResult
    from indexer.run import RunSummary
    from indexer.store import LoadReport

MAX_PROBLEMS_SHOWN = 20


class LoadProgress:
    """A live status line on stderr, only on a terminal (a log gets the summary alone): articles/s
    and quotes/s."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.started = time.monotonic()
        console = Console(stderr=True)
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task("starting", total=None)
        self.report: LoadReport | None = None  # the last one seen

    def __enter__(self) -> LoadProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def update(self, report: LoadReport) -> None:
        self.report = report
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.bar.update(
            self.task,
            description=(
                f"{report.articles_read} articles ({report.articles_read / elapsed:.1f}/s)  "
                f"{report.quotes} quotes ({report.quotes / elapsed:.1f}/s)  "
                f"{report.indexed} indexed  {report.documents_failed} failed"
            ),
        )


def print_load_summary(report: LoadReport, dry_run: str | None) -> None:
    """The end-of-load summary on stderr: counts, unread files and dates, failures."""
    line = (
        f"articles read: {report.articles_read}  articles failed: {report.articles_failed}  "
        f"quotes: {report.quotes}  "
    )
    if dry_run is not None:
        line += f"written: {report.written} actions to {dry_run}"
    else:
        line += f"indexed: {report.indexed}  failed: {report.failed}"
        if report.articles_skipped:
            line += f"  skipped (checkpoint): {report.articles_skipped}"
        if report.retried or report.chunk_retries:
            line += f"  retried: {report.retried + report.chunk_retries}"
    typer.echo(line, err=True)
    print_read_notes(report)
    print_problems(report, report.dead_letter)


def print_read_notes(summary: RunSummary) -> None:
    """The files of types not read and the dates kept as text: how many, and the first few."""
    if summary.unsupported:
        typer.echo(unsupported_line(summary.unsupported, summary.unsupported_examples), err=True)
    if summary.dates_unread:
        typer.echo(dates_line(summary.dates_unread, summary.dates_unread_examples), err=True)


def print_problems(
    summary: RunSummary, dead_letter: str | None = None, shown: int = MAX_PROBLEMS_SHOWN
) -> None:
    """The failures of a run (the first `shown`, then how many more) and where the refused documents are."""
    for problem in summary.problems[:shown]:
        typer.echo(f"  failed: {problem}", err=True)
    if summary.problem_count > shown:
        typer.echo(f"  ... and {summary.problem_count - shown} more", err=True)
    if dead_letter:
        typer.echo(f"refused documents (with the reason) are in {dead_letter}", err=True)


def highlighted(fragment: str) -> Any:
    """Rich text from a highlight with <em> marks; the quote's own characters are never markup."""
    from rich.text import Text

    text = Text()
    for i, part in enumerate(fragment.replace("</em>", "<em>").split("<em>")):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


FORMATS = ("table", "json", "jsonl", "csv")
CSV_COLUMNS = (
    "quote_id",
    "speaker",
    "co_speakers",
    "anonymous",
    "type",
    "quote",
    "cue",
    "article_id",
    "title",
    "outlet",
    "published_at",
    "url",
    "quote_cluster",
    "cluster_size",
    "cluster_outlets",
    "first_seen",
)


def csv_row(hit: dict[str, Any]) -> list[Any]:
    from indexer.es.search import QuoteView

    q = QuoteView.of(hit)
    return [
        q.quote_id,
        q.speaker or "",
        "; ".join(q.co_speakers),
        q.anonymous,
        q.type,
        q.words,
        q.cue or "",
        q.article_id,
        q.title or "",
        q.outlet or "",
        q.published_at or "",
        q.url or "",
        hit.get("quote_cluster") or "",
        hit.get("cluster_size") or "",
        hit.get("cluster_outlets") or "",
        hit.get("first_seen") or "",
    ]


class ExtractProgress:
    """A live line on stderr while extracting, only on a terminal: articles, attributions, and the
    megabytes attributed so far (which move inside a long article too)."""

    def __init__(self, summary: RunSummary, extractor: Any) -> None:
        from rich.console import Console

        self.summary = summary
        self.extractor = extractor
        self.written = 0
        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.started = time.monotonic()
        self._status: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ExtractProgress:
        if self.live:
            self._status = self.console.status("starting")
            self._status.__enter__()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._status is not None:
            self._status.__exit__(None, None, None)

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            elapsed = max(time.monotonic() - self.started, 1e-6)
            mb = self.extractor.chars_done / 1e6
            self._status.update(
                f"{self.written} articles done  {self.summary.quotes} attributions  "
                f"{mb:,.1f} MB ({mb / elapsed:,.2f} MB/s)  {self.summary.articles_failed} failed"
            )

    def follow(self, results: Iterable[ArticleResult]) -> Iterator[ArticleResult]:
        for result in results:
            yield result
            self.written += 1


def print_extract_summary(summary: RunSummary) -> None:
    """The end-of-run summary on stderr: counts, unread files and dates, then the failed articles."""
    typer.echo(
        f"articles read: {summary.articles_read}  attributions: {summary.quotes}  "
        f"articles failed: {summary.articles_failed}",
        err=True,
    )
    print_read_notes(summary)
    # every failed article that was kept, as extract has always listed them
    print_problems(summary, shown=len(summary.problems))
