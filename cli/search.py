"""`quotes search`, `show`, `speakers` and `reused`: what is in the quotes index."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.options import (
    NO_CONNECTION,
    Connection,
    IndexName,
    JsonLines,
    Outlet,
    Since,
    Until,
    Words,
    fail,
    with_options,
)
from cli.render import CSV_COLUMNS, FORMATS, csv_row, highlighted

if TYPE_CHECKING:
    from indexer.es.search import QuoteFilter


def _connect_for(where: QuoteFilter, conn: Connection) -> Any:
    """The client, once the filter is known to be good: a bad filter fails before connecting."""
    from indexer.es.search import SearchError, build_query

    try:
        build_query(where)
    except SearchError as exc:
        raise fail(str(exc)) from None
    return conn.client()


def search(
    query: Annotated[
        str, typer.Argument(help='Words to find in the quotes; "phrases", AND, OR, NOT (or + | -) work.')
    ] = "",
    speaker: Annotated[
        str | None, typer.Option(help="Speaker name, any case, accents optional, partial ok (e.g. salami).")
    ] = None,
    anonymous: Annotated[
        bool | None, typer.Option("--anonymous/--named", help="Only anonymous, or only named, sources.")
    ] = None,
    type_: Annotated[str | None, typer.Option("--type", help="direct, indirect or mixed.")] = None,
    anonymous_type: Annotated[
        str | None,
        typer.Option("--anonymous-type", help="official, insider, associate, expert, public or other."),
    ] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    size: Annotated[int, typer.Option(min=0, help="Number of quotes to show (any number: paged).")] = 10,
    output_format: Annotated[
        str, typer.Option("--format", help="table, json (one document), jsonl or csv.")
    ] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format jsonl.")] = False,
    collapse: Annotated[
        bool, typer.Option("--collapse", help="Each quote run by several articles once (quote clusters).")
    ] = False,
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
) -> None:
    """Search indexed quotes by words, speaker, source type, outlet and date.

    Example: quotes search "nuclear deal OR sanctions" --speaker salami --since 2016-01-01 --format csv
    """
    import csv
    import sys

    from indexer.es.search import QuoteFilter, QuoteView, SearchError, iter_quotes

    fmt = "jsonl" if as_json else output_format.strip().lower()
    unit = "quote clusters" if collapse else "quotes"
    if fmt not in FORMATS:
        raise fail(f"unknown format {output_format!r}; use one of {', '.join(FORMATS)}", 2)
    where = QuoteFilter(query, speaker, anonymous, type_, outlet, since, until, anonymous_type)
    client = _connect_for(where, conn)
    try:
        total, stream = iter_quotes(client, where, size=size, index=index_name, collapse=collapse)
        if fmt == "jsonl":
            shown = 0
            for hit in stream:
                typer.echo(json.dumps(hit, ensure_ascii=False))
                shown += 1
            typer.echo(f"{total} {unit} match; {shown} shown", err=True)
            return
        if fmt == "json":
            hits = list(stream)
            typer.echo(json.dumps({"total": total, "shown": len(hits), "hits": hits}, ensure_ascii=False))
            return
        if fmt == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerow(CSV_COLUMNS)
            shown = 0
            for hit in stream:
                writer.writerow(csv_row(hit))
                shown += 1
            typer.echo(f"{total} {unit} match; {shown} shown", err=True)
            return
        hits = list(stream)
    except SearchError as exc:
        raise fail(str(exc)) from None
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=True, caption=f"{total} {unit} match; {len(hits)} shown")
    for column in ("speaker", "quote", "type", "article", "date"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        q = QuoteView.of(hit)
        where_from = "\n".join(x for x in (q.title, q.outlet, q.url, q.article_id) if x)
        if collapse and (hit.get("cluster_size") or 1) > 1:
            where_from += (
                f"\nand {hit['cluster_size'] - 1} more: {hit.get('cluster_articles')} articles, "
                f"{hit.get('cluster_outlets')} outlets"
            )
        table.add_row(
            q.who,
            highlighted(hit.get("highlight") or q.words),
            f"{q.type}\n{q.quote_id}",
            where_from,
            str(q.published_at or "")[:10],
        )
    console = Console(highlight=False)
    if hits:
        console.print(table)
    else:
        console.print("no quotes found", style="dim")


def show(
    quote_id: Annotated[str, typer.Argument(help="The quote's id (quote_id in the output of search).")],
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
) -> None:
    """Show one quote in its paragraph, highlighted, with its speaker, cue, type and article.

    Example: quotes show cff2726431f7f69f365d
    """
    from rich.console import Console
    from rich.text import Text

    from indexer.es.search import SearchError, get_quote

    client = conn.client()
    try:
        doc = get_quote(client, quote_id, index=index_name)
    except SearchError as exc:
        raise fail(str(exc)) from None
    sp, art, cue = doc.get("speaker") or {}, doc.get("article") or {}, doc.get("cue") or {}
    console = Console(highlight=False)
    head = Text()
    head.append(f"{doc.get('type', '?')} quote ", style="bold")
    head.append(f"{doc.get('quote_id') or doc['_id']}", style="dim")
    console.print(head)
    context = doc.get("context") or {}
    text, base = str(context.get("text") or ""), int(context.get("start") or 0)
    if text:
        shown = Text(text)
        pieces = doc.get("fragments") or [[doc.get("start"), doc.get("end")]]
        for lo, hi in pieces:
            if lo is not None and hi is not None:
                shown.stylize("bold yellow", int(lo) - base, int(hi) - base)
        if cue.get("start") is not None:
            shown.stylize("underline", int(cue["start"]) - base, int(cue["end"]) - base)
        if sp.get("start") is not None and sp.get("end") is not None:
            shown.stylize("bold cyan", int(sp["start"]) - base, int(sp["end"]) - base)
        console.print(shown)
    else:
        console.print(Text(str(doc.get("text") or ""), style="bold yellow"))
        console.print("(no paragraph stored: indexed by an older version)", style="dim")
    console.print()
    rows = [
        ("speaker", sp.get("name") or sp.get("mention")),
        ("together with", ", ".join(sp.get("co_speakers") or [])),
        ("as written", sp.get("mention")),
        ("kind", sp.get("kind")),
        ("anonymous", sp.get("anonymous")),
        ("title", sp.get("title")),
        ("affiliation", sp.get("affiliation")),
        ("count", sp.get("count")),
        ("reason for anonymity", sp.get("anonymity_reason")),
        ("identification", sp.get("identification")),
        ("anonymous source type", sp.get("anonymous_type")),
        ("status", sp.get("status")),
        ("reason type", sp.get("anonymity_reason_type")),
        ("speaker id", sp.get("id")),
        ("cue", cue.get("text")),
        ("confidence", doc.get("confidence")),
        ("article", doc.get("article_id")),
        ("title of article", art.get("title")),
        ("outlet", art.get("outlet")),
        ("published", art.get("published_at") or art.get("published_text")),
        ("url", art.get("url")),
    ]
    for name, value in rows:
        if value is not None and value != "":
            console.print(Text(f"{name:>22}  ", style="dim") + Text(str(value)))


def speakers(
    top: Annotated[int, typer.Option(min=1, help="How many speakers to list.")] = 10,
    anonymous: Annotated[
        bool,
        typer.Option(
            "--anonymous",
            help="Anonymous sources instead: counts by type, reason given and outlet, then the most quoted.",
        ),
    ] = False,
    all_sources: Annotated[
        bool, typer.Option("--all", help="Named and unnamed sources in one list.")
    ] = False,
    query: Words = "",
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    as_json: JsonLines = False,
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
) -> None:
    """List the most quoted named speakers with their number of quotes and articles.

    Example: quotes speakers --top 20 --since 2016-01-01
    """
    from indexer.es.search import QuoteFilter, SearchError, anonymous_summary, top_speakers

    if anonymous and all_sources:
        raise fail("give --anonymous or --all, not both", 2)
    which = "all" if all_sources else "anonymous" if anonymous else "named"
    where = QuoteFilter(query, outlet=outlet, since=since, until=until)
    client = _connect_for(where, conn)
    try:
        rows = top_speakers(client, top=top, which=which, where=where, index=index_name)
    except SearchError as exc:
        raise fail(str(exc)) from None
    summary = None
    if anonymous:
        try:
            summary = anonymous_summary(client, where, index=index_name)
        except SearchError as exc:
            raise fail(str(exc)) from None
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        if summary is not None:
            typer.echo(json.dumps({"summary": summary}, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if summary is not None:
        titles = {"type": "source type", "reason_type": "reason given", "outlet": "outlet"}
        for key, title in titles.items():
            part = Table(title=f"anonymous sources by {title}")
            part.add_column(title)
            part.add_column("quotes", justify="right")
            part.add_column("sources", justify="right")
            for b in summary[key]:
                label = b["key"] if b["key"] is not None else ("none stated" if key == "reason_type" else "-")
                part.add_row(str(label), str(b["quotes"]), str(b["sources"]))
            console.print(part)
    table = Table(title="unnamed sources, most quoted" if summary is not None else None)
    table.add_column("speaker")
    table.add_column("quotes", justify="right")
    table.add_column("articles", justify="right")
    for row in rows:
        label = str(row["speaker"])
        if row["anonymous"]:
            label += f"  (unnamed, in {row['article_id']})"
        table.add_row(label, str(row["quotes"]), str(row["articles"]))
    console.print(table)


def reused(
    top: Annotated[int, typer.Option(min=1, help="How many quotes to list.")] = 20,
    query: Words = "",
    speaker: Annotated[str | None, typer.Option(help="Only quotes of this speaker (any case).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only quotes that first ran in this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="First run on or after DATE (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="First run on or before DATE (YYYY-MM-DD).")] = None,
    as_json: JsonLines = False,
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
) -> None:
    """List the quotes run by the most articles, with speaker, first outlet and date.

    Example: quotes reused --top 20 --since 2016-01-01
    """
    from indexer.es.search import QuoteFilter, QuoteView, SearchError, reused_quotes

    where = QuoteFilter(query, speaker=speaker, outlet=outlet, since=since, until=until)
    client = _connect_for(where, conn)
    try:
        docs = reused_quotes(client, top=top, where=where, index=index_name)
    except SearchError as exc:
        raise fail(str(exc)) from None
    rows = []
    for d in docs:
        q = QuoteView.of(d)
        rows.append(
            {
                "quote_cluster": d.get("quote_cluster"),
                "quote": q.words,
                "speaker": q.speaker,
                "quotes": d.get("cluster_size"),
                "articles": d.get("cluster_articles"),
                "outlets": d.get("cluster_outlets"),
                "first_outlet": q.outlet,
                "first_seen": d.get("first_seen"),
                "first_quote_id": q.quote_id,
            }
        )
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
    """Add search, show, speakers and reused to `app`."""
    for name, command in (("search", search), ("show", show), ("speakers", speakers), ("reused", reused)):
        app.command(name)(with_options(command))
