"""The `quotes` command: a thin shell over the `indexer` library (options in, library call, output)."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import enrich_commands, es_commands, kibana_commands, report_commands, reuse_commands, train_commands
from cli.options import DEFAULT_MODEL, Dask, IdRoot, Model, ModelDir, Workers, dates_line, unsupported_line

if TYPE_CHECKING:
    from indexer.extract.engine import ArticleResult
    from indexer.pipeline import RunSummary

app = typer.Typer(
    help="Find who said what in news articles and index the attributions in Elasticsearch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def parse_shard_option(shard: str | None) -> tuple[int, int] | None:
    if shard is None:
        return None
    from indexer.articles import parse_shard

    try:
        return parse_shard(shard)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc


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
                f"{self.written} articles done  {self.summary.attributions} attributions  "
                f"{mb:,.1f} MB ({mb / elapsed:,.2f} MB/s)  {self.summary.failed} failed"
            )

    def follow(self, results: Iterable[ArticleResult]) -> Iterator[ArticleResult]:
        for result in results:
            yield result
            self.written += 1


def print_summary(summary: RunSummary) -> None:
    """The end-of-run summary on stderr: counts, then each failed article with its reason."""
    typer.echo(
        f"articles read: {summary.articles_read}  attributions: {summary.attributions}  "
        f"articles failed: {summary.failed}",
        err=True,
    )
    if summary.unsupported:
        typer.echo(unsupported_line(summary.unsupported, summary.unsupported_examples), err=True)
    if summary.dates_unread:
        typer.echo(dates_line(summary.dates_unread, summary.dates_unread_examples), err=True)
    for origin, reason in summary.failures:
        typer.echo(f"  failed: {origin}: {reason}", err=True)


@app.command()
def extract(
    paths: Annotated[
        list[str], typer.Argument(help="Files or folders (walked recursively), or - for stdin.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON Lines file to write; - for stdout.")
    ] = Path("-"),
    model: Model = DEFAULT_MODEL,
    model_dir: ModelDir = None,
    workers: Workers = 0,
    shard: Annotated[str | None, typer.Option(help="Only shard K of N of the articles, e.g. 2/4.")] = None,
    id_root: IdRoot = None,
    dask: Dask = None,
) -> None:
    """Extract every attribution from articles into JSON Lines, one object per quote.

    Example: quotes extract samples/ -o quotes.jsonl
    """

    from indexer.extract.choice import ModelError
    from indexer.extract.engine import Extractor, ModelNotFound
    from indexer.extract.on_dask import DaskError
    from indexer.pipeline import OutputError, RunSummary, articles_of, results_of, write_jsonl

    shard_spec = parse_shard_option(shard)
    try:
        extractor = Extractor(model, workers=workers, choice=model_dir, dask=dask)
    except (ModelNotFound, ModelError, DaskError) as exc:
        raise fail(str(exc), 2) from exc
    summary = RunSummary()
    try:
        out = sys.stdout if str(output) == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        extractor.close()
        raise fail(f"cannot write {output}: {exc.strerror}", 2) from exc
    own = [] if out is sys.stdout else [str(output)]  # never read the output back as an article
    where = "standard output" if out is sys.stdout else str(output)
    progress = ExtractProgress(summary, extractor)
    with extractor:
        try:
            with progress:
                results = results_of(
                    extractor, articles_of(paths, summary, shard_spec, id_root=id_root, ignore=own), summary
                )
                write_jsonl(progress.follow(results), out)
            try:
                out.flush()
            except OSError as exc:
                raise OutputError(exc) from exc
        except KeyboardInterrupt:
            extractor.terminate()  # not waiting for the batches in flight
            with contextlib.suppress(OSError):
                out.flush()
            print_summary(summary)
            typer.echo(
                f"interrupted: the attributions of the {progress.written} articles done are in {where}, "
                "one complete line each; run the command again to extract everything "
                "(`quotes index --checkpoint FILE` resumes where it stopped)",
                err=True,
            )
            raise typer.Exit(130) from None
        except OutputError as exc:  # a full disk, /dev/full, a closed pipe
            print_summary(summary)
            raise fail(f"cannot write {where}: {exc}; the output is incomplete", 1) from None
        finally:
            if out is not sys.stdout:
                with contextlib.suppress(OSError):  # reported above: close re-raises the failed flush
                    out.close()
    print_summary(summary)
    if summary.failed:
        raise typer.Exit(1)
    if summary.articles_read == 0 and not summary.articles_skipped_by_shard:
        raise fail(f"no articles read from {' '.join(paths)}")


@app.command()
def evaluate(
    pred: Annotated[Path, typer.Option(help="Predictions written by `quotes extract`.")],
    gold: Annotated[
        Path | None, typer.Option(help="Folder with text/ and attributions/ (brat standoff).")
    ] = None,
    referents: Annotated[
        Path | None, typer.Option(help="Labelled pronoun sources: score the names they resolve to.")
    ] = None,
) -> None:
    """Score predictions against brat standoff gold (PolNeAR) and print the figures as JSON.

    Example: quotes evaluate --gold ../shared/eval/polnear-dev --pred dev.jsonl
    """
    from indexer.evaluate import (
        EvaluationError,
        load_gold,
        load_referents,
        read_predictions,
        score,
        score_referents,
    )

    if gold is None and referents is None:
        raise fail("give --gold (a PolNeAR-format folder) or --referents (pronoun labels), or both", 2)
    try:
        predictions = read_predictions(pred)
        if gold is not None:
            typer.echo(json.dumps(score(load_gold(gold), predictions)))
        if referents is not None:
            typer.echo(json.dumps(score_referents(load_referents(referents), predictions)))
    except (EvaluationError, OSError) as exc:
        raise fail(str(exc), 2) from exc


es_commands.register(app)
kibana_commands.register(app)
enrich_commands.register(app)
train_commands.register(app)
report_commands.register(app)
reuse_commands.register(app)


if __name__ == "__main__":
    app()
