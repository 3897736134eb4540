"""`quotes report`: the dashboard's panels as one self-contained HTML file (and PNGs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import NO_CONNECTION, Connection, IndexName, fail, with_options


def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
    query: Annotated[
        str, typer.Option("--query", help='Only quotes with these words ("phrase", a|b, -not).')
    ] = "",
    speaker: Annotated[str | None, typer.Option(help="Only this speaker (any case, partial ok).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after DATE (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before DATE (YYYY-MM-DD).")] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write each panel as a PNG into DIR.")
    ] = None,
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
) -> None:
    """Build a one-file HTML report (most quoted speakers, anonymous share per outlet, quote types,
    source kinds, top quotes) that opens in any browser with no network.

    Example: quotes report -o report.html --since 2016-01-01 --png panels/
    """
    from indexer.es.report import ReportError, build_report, render_html, write_pngs
    from indexer.es.search import QuoteFilter, SearchError, build_query

    where = QuoteFilter(query, speaker, None, None, outlet, since, until)
    try:
        build_query(where)  # a bad filter fails before connecting
    except SearchError as exc:
        raise fail(str(exc), 2) from None
    client = conn.client()
    try:
        built = build_report(client, where, index=index_name)
        page = render_html(built)
        try:
            output.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"cannot write {output}: {exc.strerror}") from None
        pngs = write_pngs(built, png) if png is not None else []
    except ReportError as exc:
        raise fail(str(exc)) from None
    drawn = sum(p.spec is not None for p in built.panels)
    typer.echo(
        f"wrote {output}: {built.total} quotes, {drawn} of {len(built.panels)} panels drawn, "
        f"{len(built.quotes)} quotes listed" + (f"; {len(pngs)} PNGs in {png}" if png is not None else ""),
        err=True,
    )


def register(app: typer.Typer) -> None:
    app.command("report")(with_options(report))
