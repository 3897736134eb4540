"""`quotes enrich`: extract the quotes of an existing Elasticsearch index of articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.index import collection_passes
from cli.options import (
    DEFAULT_MODEL,
    NO_CONNECTION,
    ChunkSize,
    ClusterQuotes,
    Concurrency,
    Connection,
    IndexName,
    MergeNames,
    Model,
    ModelDir,
    fail,
    with_options,
)
from cli.render import LoadProgress, print_problems

if TYPE_CHECKING:
    from indexer.es.enrich import EnrichReport


def enrich(
    source_index: Annotated[
        str, typer.Option("--source-index", help="Index (or alias) holding the articles.")
    ],
    text_field: Annotated[str, typer.Option("--text-field", help="Field with the article text.")],
    id_field: Annotated[
        str | None, typer.Option("--id-field", help="Field with the article id (default: the document _id).")
    ] = None,
    title_field: Annotated[str | None, typer.Option("--title-field", help="Field with the headline.")] = None,
    date_field: Annotated[
        str | None, typer.Option("--date-field", help="Field with the publication date.")
    ] = None,
    url_field: Annotated[str | None, typer.Option("--url-field", help="Field with the article URL.")] = None,
    outlet_field: Annotated[
        str | None, typer.Option("--outlet-field", help="Field with the outlet name.")
    ] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", help="Only these articles: a query object as JSON, e.g. '{\"term\": ...}'."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-extract articles already enriched by this extractor version.")
    ] = False,
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
    model: Model = DEFAULT_MODEL,
    model_dir: ModelDir = None,
    dead_letter: Annotated[
        str, typer.Option("--dead-letter", help="NDJSON file for documents Elasticsearch refuses.")
    ] = "enrich-dead-letter.ndjson",
    chunk_size: ChunkSize = 500,
    concurrency: Concurrency = 2,
    merge_names: MergeNames = True,
    clusters: ClusterQuotes = True,
) -> None:
    """Find the quotes in an existing article index, index them, and add a quote summary to each article.

    Example: quotes enrich --source-index news --text-field body --title-field headline --date-field date
    """
    from indexer.es.enrich import EnrichError, EnrichReport, SourceFields, parse_query
    from indexer.es.enrich import enrich as enrich_index
    from indexer.extract.choice import ModelError
    from indexer.extract.engine import Extractor, ModelNotFound
    from indexer.store import LoadInterrupted, StoreError

    try:
        parsed = parse_query(query)
    except EnrichError as exc:
        raise fail(str(exc), 2) from None
    fields = SourceFields(text_field, id_field, title_field, date_field, url_field, outlet_field)
    client = conn.client()
    try:
        extractor = Extractor(model, choice=model_dir)
    except (ModelNotFound, ModelError) as exc:
        raise fail(str(exc), 2) from None
    progress = LoadProgress()
    try:
        with progress:
            report = enrich_index(
                client,
                source_index,
                fields,
                extractor.extract,
                query=parsed,
                alias=index_name,
                force=force,
                dead_letter=dead_letter,
                chunk_size=chunk_size,
                concurrency=concurrency,
                progress=progress.update,
            )
    except LoadInterrupted as exc:
        if isinstance(exc.report, EnrichReport):
            _summary(exc.report)
        raise fail(str(exc)) from None
    except StoreError as exc:
        raise fail(str(exc)) from None
    _summary(report)
    # the source index's own `speakers` summary keeps each article's names; the quotes alias is merged
    merged_ok = collection_passes(client, index_name, None, merge_names, clusters)
    if not report.ok or not merged_ok:
        raise typer.Exit(1)


def _summary(report: EnrichReport) -> None:
    line = (
        f"articles extracted: {report.articles_read}  skipped (already enriched): {report.articles_skipped}  "
        f"failed: {report.articles_failed}  quotes indexed: {report.indexed}  "
        f"articles updated: {report.articles_enriched}"
    )
    if report.stale_quotes_deleted:
        line += f"  outdated quotes removed: {report.stale_quotes_deleted}"
    if report.articles_conflicted:
        line += f"  changed during the run (rerun to redo): {report.articles_conflicted}"
    typer.echo(line, err=True)
    print_problems(report, report.dead_letter)


def register(app: typer.Typer) -> None:
    """Add the `enrich` command to `app`."""
    app.command("enrich")(with_options(enrich))
