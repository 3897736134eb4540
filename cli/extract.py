"""`quotes extract` and `quotes evaluate`: attributions to JSON Lines, and their score against gold."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.options import DEFAULT_MODEL, Dask, IdRoot, Model, ModelDir, Workers, fail, parse_shard_option
from cli.render import ExtractProgress, print_extract_summary


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
    from indexer.run import OutputError, RunSummary, articles_of, extracted, write_jsonl

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
                articles = articles_of(paths, summary, shard_spec, id_root=id_root, ignore=own)
                write_jsonl(progress.follow(extracted(extractor.extract(articles), summary)), out, summary)
            try:
                out.flush()
            except OSError as exc:
                raise OutputError(exc) from exc
        except KeyboardInterrupt:
            extractor.terminate()  # not waiting for the batches in flight
            with contextlib.suppress(OSError):
                out.flush()
            print_extract_summary(summary)
            typer.echo(
                f"interrupted: the attributions of the {progress.written} articles done are in {where}, "
                "one complete line each; run the command again to extract everything "
                "(`quotes index --checkpoint FILE` resumes where it stopped)",
                err=True,
            )
            raise typer.Exit(130) from None
        except OutputError as exc:  # a full disk, /dev/full, a closed pipe
            print_extract_summary(summary)
            raise fail(f"cannot write {where}: {exc}; the output is incomplete", 1) from None
        finally:
            if out is not sys.stdout:
                with contextlib.suppress(OSError):  # reported above: close re-raises the failed flush
                    out.close()
    print_extract_summary(summary)
    if summary.articles_failed:
        raise typer.Exit(1)
    if summary.nothing_read:
        raise fail(f"no articles read from {' '.join(paths)}")


def evaluate(
    pred: Annotated[Path | None, typer.Option(help="Predictions written by `quotes extract`.")] = None,
    gold: Annotated[
        Path | None, typer.Option(help="Folder with text/ and attributions/ (brat standoff).")
    ] = None,
    referents: Annotated[
        Path | None,
        typer.Option(help="Labelled sources (pronouns, descriptions): score the names they resolve to."),
    ] = None,
    articles: Annotated[
        Path | None,
        typer.Option(
            help="With --referents and no --pred: the folder with the labels' articles (text/); each label "
            "is resolved in its article, whether or not extraction makes it a source."
        ),
    ] = None,
    model: Model = DEFAULT_MODEL,
    model_dir: ModelDir = None,
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

    if articles is not None:
        if referents is None or pred is not None or gold is not None:
            raise fail("--articles goes with --referents alone (no --pred, no --gold)", 2)
        from indexer.extract.engine import ModelNotFound, load_pipeline
        from indexer.training.referents import resolution_accuracy

        try:
            nlp = load_pipeline(model, model_dir)
            figures = resolution_accuracy(nlp, articles, load_referents(referents))
        except (EvaluationError, OSError, ModelNotFound) as exc:
            raise fail(str(exc), 2) from exc
        typer.echo(json.dumps({k: v for k, v in figures.items() if k != "misses"}))
        return
    if pred is None:
        raise fail("give --pred (predictions of `quotes extract`), or --referents with --articles", 2)
    if gold is None and referents is None:
        raise fail("give --gold (a PolNeAR-format folder) or --referents (labelled sources), or both", 2)
    try:
        predictions = read_predictions(pred)
        if gold is not None:
            typer.echo(json.dumps(score(load_gold(gold), predictions)))
        if referents is not None:
            typer.echo(json.dumps(score_referents(load_referents(referents), predictions)))
    except (EvaluationError, OSError) as exc:
        raise fail(str(exc), 2) from exc


def register(app: typer.Typer) -> None:
    """Add the `extract` and `evaluate` commands to `app`."""
    app.command("extract")(extract)
    app.command("evaluate")(evaluate)
