"""The Elasticsearch commands of `quotes`: index, load, search, speakers, and `es start|stop|status`.

A thin shell: each command parses its options, calls `indexer.store` / `indexer.search` /
`indexer.esnode`, and prints. Heavy modules (elasticsearch, spaCy) are imported inside the
commands so that `quotes --help` stays fast.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.options import DEFAULT_MODEL, Dask, IdRoot, Model, ModelDir, Workers, dates_line, unsupported_line

if TYPE_CHECKING:
    from indexer.store import IndexNames, LoadReport

MAX_PROBLEMS_SHOWN = 20

# --------------------------------------------------------------------------- shared options

EsUrl = Annotated[
    str | None,
    typer.Option(
        "--es-url",
        help="Elasticsearch URL, or several comma-separated for failover between nodes "
        "(default: $ELASTICSEARCH_URL, else http://localhost:9200).",
    ),
]
IndexName = Annotated[
    str,
    typer.Option("--index", help="Alias of the quotes index; articles go to 'articles' (or INDEX-articles)."),
]
ApiKey = Annotated[str | None, typer.Option("--api-key", help="API key (default: $ELASTICSEARCH_API_KEY).")]
Username = Annotated[str | None, typer.Option("--username", help="User (default: $ELASTICSEARCH_USERNAME).")]
Password = Annotated[
    str | None, typer.Option("--password", help="Password (default: $ELASTICSEARCH_PASSWORD).")
]
CaCerts = Annotated[
    str | None, typer.Option("--ca-certs", help="CA certificate file (default: $ELASTICSEARCH_CA_CERTS).")
]
DeadLetter = Annotated[
    str,
    typer.Option(
        "--dead-letter", help="NDJSON file for documents Elasticsearch refuses (written only if any)."
    ),
]
CheckpointFile = Annotated[
    str | None,
    typer.Option("--checkpoint", help="File of finished article ids; a rerun with it skips them (resume)."),
]
DryRun = Annotated[
    str | None,
    typer.Option("--dry-run", help="Write the bulk request body (NDJSON) to FILE instead of sending."),
]
Reindex = Annotated[
    bool,
    typer.Option("--reindex", help="First copy the indices into new versions (current mappings) and swap."),
]
ChunkSize = Annotated[int, typer.Option("--chunk-size", min=1, help="Documents per bulk request.")]
Concurrency = Annotated[int, typer.Option("--concurrency", min=1, help="Bulk requests in flight at once.")]
MergeNames = Annotated[
    bool,
    typer.Option(
        "--merge-names/--no-merge-names",
        help='After loading, give each person one name across all articles ("Trump" -> "Donald Trump").',
    ),
]
ClusterQuotes = Annotated[
    bool,
    typer.Option(
        "--clusters/--no-clusters",
        help="After loading, group the same quote run by several articles (quote_cluster, first_seen).",
    ),
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _connect(
    es_url: str | None, api_key: str | None, username: str | None, password: str | None, ca_certs: str | None
) -> Any:
    from indexer.store import StoreError, check_connection, connect

    try:
        client = connect(es_url, api_key=api_key, username=username, password=password, ca_certs=ca_certs)
        check_connection(client)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    return client


def _prepare(client: Any, alias: str, reindex: bool, dry_run: str | None) -> IndexNames:
    """Templates, indices and aliases (none of it in a dry run); optionally a reindex first."""
    from indexer.store import IndexNames, StoreError, articles_alias_for, ensure_indices
    from indexer.store import reindex as reindex_alias

    articles_alias = articles_alias_for(alias)
    if dry_run is not None:
        return IndexNames(alias, alias, articles_alias, articles_alias)
    try:
        names = ensure_indices(client, alias, articles_alias)
        if reindex:
            for kind, name in (("quotes", alias), ("articles", articles_alias)):
                done = reindex_alias(client, name, kind)
                typer.echo(
                    f"reindexed {done.source} -> {done.dest} ({done.dest_count} documents, {done.method}); "
                    f"alias {name!r} now points to {done.dest}",
                    err=True,
                )
            names = ensure_indices(client, alias, articles_alias)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    return names


def _check_dead_letter(path: str, dry_run: str | None) -> None:
    from indexer.store import StoreError, check_dead_letter

    if dry_run is None:
        try:
            check_dead_letter(path)
        except StoreError as exc:
            raise _fail(str(exc), 2) from None


def _checkpoint(path: str | None, alias: str, dry_run: str | None, client: Any = None) -> Any:
    """The run's checkpoint, bound to the cluster and the index the alias writes to."""
    from indexer.store import Checkpoint, StoreError, index_identity

    if path is None or dry_run is not None:
        return None
    try:
        return Checkpoint(path, alias, index_identity(client, alias) if client is not None else None)
    except StoreError as exc:
        raise _fail(str(exc), 2) from None


class _Progress:
    """A live status line on stderr: articles/s and quotes/s."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.started = time.monotonic()
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = self.bar.add_task("starting", total=None)
        self.report: LoadReport | None = None  # the last one seen

    def __enter__(self) -> _Progress:
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


def _summary(report: LoadReport, dry_run: str | None) -> None:
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
    if report.unsupported:
        typer.echo(unsupported_line(report.unsupported, report.unsupported_examples), err=True)
    if report.dates_unread:
        typer.echo(dates_line(report.dates_unread, report.dates_unread_examples), err=True)
    print_problems(report)


def print_problems(report: Any) -> None:
    """The failures of a run (the first few, then how many more) and where the refused documents are."""
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        typer.echo(f"  failed: {problem}", err=True)
    if report.problem_count > MAX_PROBLEMS_SHOWN:
        typer.echo(f"  ... and {report.problem_count - MAX_PROBLEMS_SHOWN} more", err=True)
    if report.dead_letter:
        typer.echo(f"refused documents (with the reason) are in {report.dead_letter}", err=True)


def _run_load(
    run: Any,
    dry_run: str | None,
    after: Any = None,
    checkpoint: str | None = None,
    on_interrupt: Any = None,
) -> None:
    """Run a load with a progress line; print the summary; run the passes over the whole collection
    (`after`, see `collection_passes`); exit 1 if anything failed, 130 on Ctrl-C (saying how to resume)."""
    from indexer.store import LoadInterrupted, StoreError

    progress = _Progress()
    try:
        with progress:
            report = run(progress.update)
    except KeyboardInterrupt:
        if on_interrupt is not None:
            on_interrupt()  # stop the extraction workers now
        if progress.report is not None:
            _summary(progress.report, dry_run)
        done = progress.report.articles_done if progress.report is not None else 0
        how = (
            f"run the same command again: the checkpoint {checkpoint} skips them"
            if checkpoint
            else "run it again to index everything (ids are deterministic: nothing is duplicated), "
            "or add --checkpoint FILE next time to resume where it stopped"
        )
        typer.echo(f"interrupted: {done} articles were fully indexed; {how}", err=True)
        raise typer.Exit(130) from None
    except LoadInterrupted as exc:
        _summary(exc.report, dry_run)
        raise _fail(str(exc)) from None
    except StoreError as exc:
        raise _fail(str(exc)) from None
    _summary(report, dry_run)
    passes_ok = True
    if after is not None and dry_run is None:
        passes_ok = after()
    if not report.ok or not passes_ok:
        raise typer.Exit(1)
    if report.articles_read == 0 and not (report.articles_skipped or report.articles_other_shards):
        raise _fail("no articles read")


def collection_passes(client: Any, quotes: str, articles: str | None, names: bool, clusters: bool) -> bool:
    """The passes over the whole collection after a load: one name per person, then quote clusters.
    False if a document could not be updated."""
    ok = merge_speaker_names(client, quotes, articles) if names else True
    return (cluster_quotes(client, quotes) if clusters else True) and ok


def cluster_quotes(client: Any, quotes: str) -> bool:
    """Group the same quote run by several articles; see indexer.clusters. Prints what it did."""
    from indexer.clusters import cluster_quotes as run
    from indexer.store import LoadInterrupted, StoreError

    try:
        done = run(client, quotes)
    except (LoadInterrupted, StoreError) as exc:
        raise _fail(f"grouping repeated quotes: {exc}") from None
    typer.echo(
        f"quote clusters: {done.clusters} ({done.reused} run more than once, largest {done.largest})  "
        f"quotes updated: {done.load.indexed}",
        err=True,
    )
    if done.load.documents_failed:
        typer.echo(f"  {done.load.documents_failed} quotes kept their previous cluster fields:", err=True)
        print_problems(done.load)
    return done.load.documents_failed == 0


def merge_speaker_names(client: Any, quotes: str, articles: str | None) -> bool:
    """One name per person across the collection ("Trump" -> "Donald Trump"); see indexer.canonical.
    Prints what it did; False if a document could not be updated."""
    from indexer.canonical import merge_speakers
    from indexer.store import LoadInterrupted, StoreError

    try:
        done = merge_speakers(client, quotes, articles)
    except (LoadInterrupted, StoreError) as exc:
        raise _fail(f"merging speaker names: {exc}") from None
    typer.echo(
        f"speaker names merged across articles: {done.names}  quotes renamed: {done.load.indexed}  "
        f"articles updated: {done.load.articles_indexed}",
        err=True,
    )
    if done.load.documents_failed:
        typer.echo(
            f"  {done.load.documents_failed} documents kept their article's own speaker name:", err=True
        )
        print_problems(done.load)
    return done.load.documents_failed == 0


# --------------------------------------------------------------------------- commands


def index(
    paths: Annotated[
        list[str], typer.Argument(help="Files or folders (walked recursively), or - for stdin.")
    ],
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
    model: Model = DEFAULT_MODEL,
    model_dir: ModelDir = None,
    workers: Workers = 0,
    shard: Annotated[str | None, typer.Option(help="Only shard K of N of the articles, e.g. 2/4.")] = None,
    id_root: IdRoot = None,
    dead_letter: DeadLetter = "quotes-dead-letter.ndjson",
    checkpoint: CheckpointFile = None,
    dry_run: DryRun = None,
    reindex: Reindex = False,
    chunk_size: ChunkSize = 500,
    concurrency: Concurrency = 2,
    merge_names: MergeNames = True,
    clusters: ClusterQuotes = True,
    dask: Dask = None,
) -> None:
    """Extract attributions from articles and index them in Elasticsearch, one document per quote.

    Example: quotes index samples/ --es-url http://localhost:9200 --checkpoint run.ckpt
    """

    from indexer.articles import iter_articles, parse_shard
    from indexer.extract.choice import ModelError
    from indexer.extract.engine import Extractor, ModelNotFound
    from indexer.store import index_articles

    try:
        shard_spec = parse_shard(shard) if shard is not None else None
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    _check_dead_letter(dead_letter, dry_run)
    client = None if dry_run is not None else _connect(es_url, api_key, username, password, ca_certs)
    names = _prepare(client, index_name, reindex, dry_run)
    ck = _checkpoint(checkpoint, index_name, dry_run, client)
    from indexer.extract.on_dask import DaskError

    try:
        extractor = Extractor(model, workers=workers, choice=model_dir, dask=dask)
    except (ModelNotFound, ModelError, DaskError) as exc:
        raise _fail(str(exc), 2) from None

    def run(progress: Any) -> LoadReport:
        return index_articles(
            client,
            iter_articles(paths, id_root=id_root),
            extractor.extract,
            checkpoint=ck,
            shard=shard_spec,
            names=names,
            dead_letter=dead_letter,
            chunk_size=chunk_size,
            concurrency=concurrency,
            progress=progress,
            dry_run=dry_run,
        )

    def after() -> bool:
        return collection_passes(client, names.quotes_alias, names.articles_alias, merge_names, clusters)

    with extractor:
        _run_load(
            run,
            dry_run,
            None if client is None else after,
            checkpoint=checkpoint,
            on_interrupt=extractor.terminate,
        )


def load(
    files: Annotated[list[str], typer.Argument(help="JSON Lines files written by `quotes extract`.")],
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
    dead_letter: DeadLetter = "quotes-dead-letter.ndjson",
    checkpoint: CheckpointFile = None,
    dry_run: DryRun = None,
    reindex: Reindex = False,
    chunk_size: ChunkSize = 500,
    concurrency: Concurrency = 2,
    merge_names: MergeNames = True,
    clusters: ClusterQuotes = True,
) -> None:
    """Index attribution records written by `quotes extract` into Elasticsearch.

    Example: quotes extract samples/ -o quotes.jsonl && quotes load quotes.jsonl --checkpoint load.ckpt
    """
    from indexer.store import load_records

    _check_dead_letter(dead_letter, dry_run)
    client = None if dry_run is not None else _connect(es_url, api_key, username, password, ca_certs)
    names = _prepare(client, index_name, reindex, dry_run)
    ck = _checkpoint(checkpoint, index_name, dry_run, client)

    def run(progress: Any) -> LoadReport:
        return load_records(
            client,
            files,
            names=names,
            checkpoint=ck,
            dead_letter=dead_letter,
            chunk_size=chunk_size,
            concurrency=concurrency,
            progress=progress,
            dry_run=dry_run,
        )

    def after() -> bool:
        return collection_passes(client, names.quotes_alias, names.articles_alias, merge_names, clusters)

    _run_load(run, dry_run, None if client is None else after, checkpoint=checkpoint)


def _highlighted(fragment: str) -> Any:
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


def _csv_row(hit: dict[str, Any]) -> list[Any]:
    sp, art = hit.get("speaker") or {}, hit.get("article") or {}
    return [
        hit.get("quote_id") or hit.get("_id"),
        sp.get("name") or sp.get("mention") or "",
        bool(sp.get("anonymous")),
        hit.get("type") or "",
        hit.get("quote") or hit.get("text") or "",
        (hit.get("cue") or {}).get("text") or "",
        hit.get("article_id") or "",
        art.get("title") or "",
        art.get("outlet") or "",
        art.get("published_at") or "",
        art.get("url") or "",
        hit.get("quote_cluster") or "",
        hit.get("cluster_size") or "",
        hit.get("cluster_outlets") or "",
        hit.get("first_seen") or "",
    ]


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
    outlet: Annotated[str | None, typer.Option(help="Only this outlet (any case).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after DATE (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before DATE (YYYY-MM-DD).")] = None,
    size: Annotated[int, typer.Option(min=0, help="Number of quotes to show (any number: paged).")] = 10,
    output_format: Annotated[
        str, typer.Option("--format", help="table, json (one document), jsonl or csv.")
    ] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format jsonl.")] = False,
    collapse: Annotated[
        bool, typer.Option("--collapse", help="Each quote run by several articles once (quote clusters).")
    ] = False,
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
) -> None:
    """Search indexed quotes by words, speaker, source type, outlet and date.

    Example: quotes search "nuclear deal OR sanctions" --speaker salami --since 2016-01-01 --format csv
    """
    import csv
    import sys

    from indexer.search import QuoteFilter, SearchError, build_query, iter_quotes

    fmt = "jsonl" if as_json else output_format.strip().lower()
    unit = "quote clusters" if collapse else "quotes"
    if fmt not in FORMATS:
        raise _fail(f"unknown format {output_format!r}; use one of {', '.join(FORMATS)}", 2)
    where = QuoteFilter(query, speaker, anonymous, type_, outlet, since, until, anonymous_type)
    try:
        build_query(where)  # a bad filter fails before connecting
    except SearchError as exc:
        raise _fail(str(exc)) from None
    client = _connect(es_url, api_key, username, password, ca_certs)
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
                writer.writerow(_csv_row(hit))
                shown += 1
            typer.echo(f"{total} {unit} match; {shown} shown", err=True)
            return
        hits = list(stream)
    except SearchError as exc:
        raise _fail(str(exc)) from None
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=True, caption=f"{total} {unit} match; {len(hits)} shown")
    for column in ("speaker", "quote", "type", "article", "date"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        sp = hit.get("speaker") or {}
        art = hit.get("article") or {}
        who = sp.get("name") or sp.get("mention") or "?"
        if sp.get("anonymous"):
            who += " (anonymous)"
        where_from = "\n".join(
            str(x) for x in (art.get("title"), art.get("outlet"), art.get("url"), hit.get("article_id")) if x
        )
        if collapse and (hit.get("cluster_size") or 1) > 1:
            where_from += (
                f"\nand {hit['cluster_size'] - 1} more: {hit.get('cluster_articles')} articles, "
                f"{hit.get('cluster_outlets')} outlets"
            )
        table.add_row(
            who,
            _highlighted(hit.get("highlight") or hit.get("quote") or hit.get("text") or ""),
            f"{hit.get('type') or ''}\n{hit.get('quote_id') or hit.get('_id')}",
            where_from,
            str(art.get("published_at") or "")[:10],
        )
    console = Console(highlight=False)
    if hits:
        console.print(table)
    else:
        console.print("no quotes found", style="dim")


def show(
    quote_id: Annotated[str, typer.Argument(help="The quote's id (quote_id in the output of search).")],
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
) -> None:
    """Show one quote in its paragraph, highlighted, with its speaker, cue, type and article.

    Example: quotes show cff2726431f7f69f365d
    """
    from rich.console import Console
    from rich.text import Text

    from indexer.search import SearchError, get_quote

    client = _connect(es_url, api_key, username, password, ca_certs)
    try:
        doc = get_quote(client, quote_id, index=index_name)
    except SearchError as exc:
        raise _fail(str(exc)) from None
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
    query: Annotated[str, typer.Option("--query", help="Only quotes with these words.")] = "",
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after DATE (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before DATE (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
    es_url: EsUrl = None,
    index_name: IndexName = "quotes",
    api_key: ApiKey = None,
    username: Username = None,
    password: Password = None,
    ca_certs: CaCerts = None,
) -> None:
    """List the most quoted named speakers with their number of quotes and articles.

    Example: quotes speakers --top 20 --since 2016-01-01
    """
    from indexer.search import QuoteFilter, SearchError, anonymous_summary, build_query, top_speakers

    if anonymous and all_sources:
        raise _fail("give --anonymous or --all, not both", 2)
    which = "all" if all_sources else "anonymous" if anonymous else "named"
    where = QuoteFilter(query, outlet=outlet, since=since, until=until)
    try:
        build_query(where)  # a bad filter fails before connecting
    except SearchError as exc:
        raise _fail(str(exc)) from None
    client = _connect(es_url, api_key, username, password, ca_certs)
    try:
        rows = top_speakers(client, top=top, which=which, where=where, index=index_name)
    except SearchError as exc:
        raise _fail(str(exc)) from None
    summary = None
    if anonymous:
        try:
            summary = anonymous_summary(client, where, index=index_name)
        except SearchError as exc:
            raise _fail(str(exc)) from None
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


# --------------------------------------------------------------------------- es start|stop|status

es_app = typer.Typer(
    help="Run a local Elasticsearch node (no Docker): start, stop, status.", no_args_is_help=True
)
Port = Annotated[int, typer.Option(help="HTTP port on 127.0.0.1.")]
DataDir = Annotated[
    str | None,
    typer.Option("--data-dir", help="Data folder (default: $QUOTES_ES_HOME or ~/.cache/quotes/es-PORT)."),
]


@es_app.command("start")
def es_start(
    port: Port = 9200,
    data_dir: DataDir = None,
    setting: Annotated[
        list[str] | None, typer.Option("--setting", help="Extra node setting KEY=VALUE (repeatable).")
    ] = None,
    nodes: Annotated[
        int,
        typer.Option(
            "--nodes", min=1, help="Nodes: 2 or more make a cluster on PORT..PORT+N-1 (transport PORT+100..)."
        ),
    ] = 1,
) -> None:
    """Start a local Elasticsearch node (or a cluster of --nodes) and wait until it is ready.

    Example: quotes es start --nodes 3 --port 9200
    """
    from indexer import esnode

    settings: dict[str, str] = {}
    for item in setting or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _fail(f"--setting needs KEY=VALUE, got {item!r}", 2)
        settings[key.strip()] = value.strip()
    say = lambda m: typer.echo(m, err=True)  # noqa: E731
    try:
        if nodes > 1:
            layout = esnode.start_cluster(port, nodes, data_dir, settings=settings, progress=say)
            typer.echo(",".join(n.url for n in layout))
            return
        info = esnode.start(port, data_dir, settings=settings, progress=say)
    except esnode.EsNodeError as exc:
        raise _fail(str(exc)) from None
    typer.echo(info.url)


@es_app.command("stop")
def es_stop(port: Port = 9200, data_dir: DataDir = None) -> None:
    """Stop the local Elasticsearch node started with `quotes es start`.

    Example: quotes es stop --port 9200
    """
    from indexer import esnode

    try:
        if esnode.cluster_nodes(port, data_dir) is not None:
            count = esnode.stop_cluster(port, data_dir)
            typer.echo(f"stopped {count} nodes of the cluster on port {port}", err=True)
            return
        stopped = esnode.stop(port, data_dir)
    except esnode.EsNodeError as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"stopped the node on port {port}" if stopped else f"no local node was running on port {port}",
        err=True,
    )


@es_app.command("status")
def es_status(port: Port = 9200, data_dir: DataDir = None) -> None:
    """Show whether a local Elasticsearch node answers on the port (exit 1 if not).

    Example: quotes es status
    """
    from indexer import esnode

    members = esnode.cluster_status(port, data_dir)
    if members:
        up = 0
        for node, seen in members:
            ports = f"http {node.http_port} transport {node.transport_port}"
            if seen is None:
                typer.echo(f"{node.name}  {ports}  down")
                continue
            up += 1
            typer.echo(
                f"{node.name}  {ports}  pid {seen.pid}  Elasticsearch {seen.version}  health {seen.health}"
            )
        if up == 0:
            raise _fail(
                f"no node of the cluster on port {port} answers; start it with `quotes es start --nodes N`"
            )
        return
    found = esnode.status(port, data_dir)
    if found is None:
        raise _fail(f"no Elasticsearch answers at http://127.0.0.1:{port}; start one with `quotes es start`")
    typer.echo(f"{found.url}  Elasticsearch {found.version}  health {found.health}  pid {found.pid}")


def register(app: typer.Typer) -> None:
    """Add index, load, search, speakers and the `es` sub-commands to `app`."""
    app.command("index")(index)
    app.command("load")(load)
    app.command("search")(search)
    app.command("show")(show)
    app.command("speakers")(speakers)
    app.add_typer(es_app, name="es")
