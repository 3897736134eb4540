"""`quotes train`: fit the learned choice on a PolNeAR-format split and write the model folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.options import DEFAULT_MODEL, Model, Workers


def register(app: typer.Typer) -> None:
    app.command()(train)


def train(
    data: Annotated[Path, typer.Option(help="Training split: a folder with text/ and attributions/.")],
    out: Annotated[
        Path | None, typer.Option(help="Model folder to write (default: the package's own model).")
    ] = None,
    pronouns: Annotated[
        list[Path] | None,
        typer.Option(help="Labelled pronoun sources to train the pronoun ranker on (repeatable)."),
    ] = None,
    heldout: Annotated[
        Path | None, typer.Option(help="A held-out split to measure the written model on (e.g. polnear-dev).")
    ] = None,
    pronoun_test: Annotated[
        Path | None, typer.Option(help="Held-out pronoun labels (indexing --data's texts) to measure on.")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Folder for the parsed split (default: ~/.cache/quotes-indexer).")
    ] = None,
    cv_predictions: Annotated[
        Path | None,
        typer.Option(help="Write the cross-validated predictions here (JSON Lines), for error analysis."),
    ] = None,
    model: Model = DEFAULT_MODEL,
    workers: Workers = 0,
) -> None:
    """Train the attribution scorer, speaker and pronoun rankers (seeded, deterministic) and write them.

    Example: quotes train --data ../shared/eval/polnear-train --pronouns referents.json
    """
    from indexer.evaluate import EvaluationError
    from indexer.extract.engine import ModelNotFound, all_cores
    from indexer.extract.modeldir import MODEL_DIR
    from indexer.training import DEFAULT_CACHE, run, write_predictions
    from indexer.training.first_names import NamesUnavailable

    for path in [data, *(pronouns or [])]:
        if not path.exists():
            typer.echo(f"error: {path}: no such file or folder", err=True)
            raise typer.Exit(2)
    try:
        report = run(
            data,
            out or MODEL_DIR,
            model,
            pronouns or [],
            heldout,
            pronoun_test,
            cache or DEFAULT_CACHE,
            workers or all_cores(),
            log=lambda message: typer.echo(message, err=True),
        )
    except (ModelNotFound, NamesUnavailable, EvaluationError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if cv_predictions is not None:
        try:
            write_predictions(cv_predictions, report.cv_predictions)
        except OSError as exc:
            typer.echo(f"error: {cv_predictions}: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
    typer.echo(
        json.dumps(
            {
                "folder": str(report.folder),
                "seconds": round(report.seconds),
                "cross_validation": report.cross_validation,
                "thresholds": report.thresholds,
                "pronouns": report.pronouns,
                "heldout": report.heldout,
            }
        )
    )
