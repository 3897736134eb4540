"""`quotes reused`: the quotes run by the most articles, with their first run (see `indexer.clusters`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.es_commands import ApiKey, CaCerts, EsUrl, IndexName, Password, Username, _connect, _fail


def reused(
    top: Annotated[int, typer.Option(min=1, help="How many quotes to list.")] = 20,
    query: Annotated[str, typer.Option("--query", help="Only quotes with these words.")] = "",
    speaker: Annotated[str | None, typer.Option(help="Only quotes of this speaker (any case).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only quotes that first ran in this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="First run on or after DATE (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="First run on or before DATE (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
) -> None:
    """List the quotes run by the most articles, with speaker, first outlet and date.

    Example: quotes reused --top 20 --since 2016-01-01
    """
    from indexer.search import QuoteFilter, SearchError, build_query, reused_quotes

    where = QuoteFilter(query, speaker=speaker, outlet=outlet, since=since, until=until)
    try:
        build_query(where)  # a bad filter fails before connecting
    except SearchError as exc:
        raise _fail(str(exc)) from None
    client = _connect(es_url, api_key, username, password, ca_certs)
    try:
        docs = reused_quotes(client, top=top, where=where, index=index_name)
    except SearchError as exc:
        raise _fail(str(exc)) from None
    rows = [
        {
            "quote_cluster": d.get("quote_cluster"),
            "quote": d.get("quote") or d.get("text"),
            "speaker": (d.get("speaker") or {}).get("name") or (d.get("speaker") or {}).get("mention"),
            "quotes": d.get("cluster_size"),
            "articles": d.get("cluster_articles"),
            "outlets": d.get("cluster_outlets"),
            "first_outlet": (d.get("article") or {}).get("outlet"),
            "first_seen": d.get("first_seen"),
            "first_quote_id": d.get("quote_id") or d.get("_id"),
        }
        for d in docs
    ]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not rows:
        console.print("no quote ran in more than one article (clusters are made by `quotes index` / `load`)")
        return
    table = Table(show_lines=True)
    for column, justify in (
        ("quote", "left"),
        ("speaker", "left"),
        ("articles", "right"),
        ("outlets", "right"),
    ):
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    table.add_column("first run", overflow="fold")
    for row in rows:
        first = "\n".join(str(x) for x in (row["first_outlet"], str(row["first_seen"] or "")[:10]) if x)
        table.add_row(
            str(row["quote"] or ""),
            str(row["speaker"] or "?"),
            str(row["articles"]),
            str(row["outlets"]),
            first,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the `reused` command to `app`."""
    app.command("reused")(reused)
