"""`quotes report`: the dashboard's panels as one self-contained HTML file (and PNGs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.es_commands import ApiKey, CaCerts, EsUrl, IndexName, Password, Username, _connect, _fail


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
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
) -> None:
    """Build a one-file HTML report (most quoted speakers, anonymous share per outlet, quote types,
    source kinds, top quotes) that opens in any browser with no network.

    Example: quotes report -o report.html --since 2016-01-01 --png panels/
    """
    from indexer.report import ReportError, build_report, render_html, write_pngs
    from indexer.search import QuoteFilter, SearchError, build_query

    where = QuoteFilter(query, speaker, None, None, outlet, since, until)
    try:
        build_query(where)  # a bad filter fails before connecting
    except SearchError as exc:
        raise _fail(str(exc), 2) from None
    client = _connect(es_url, api_key, username, password, ca_certs)
    try:
        built = build_report(client, where, index=index_name)
        page = render_html(built)
        try:
            output.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"cannot write {output}: {exc.strerror}") from None
        pngs = write_pngs(built, png) if png is not None else []
    except ReportError as exc:
        raise _fail(str(exc)) from None
    drawn = sum(p.spec is not None for p in built.panels)
    typer.echo(
        f"wrote {output}: {built.total} quotes, {drawn} of {len(built.panels)} panels drawn, "
        f"{len(built.quotes)} quotes listed" + (f"; {len(pngs)} PNGs in {png}" if png is not None else ""),
        err=True,
    )


def register(app: typer.Typer) -> None:
    app.command("report")(report)
