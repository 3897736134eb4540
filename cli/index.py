"""`quotes index` and `quotes load`: extraction and bulk loading into Elasticsearch, then the passes
over the whole collection (one name per person, quote clusters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.options import (
    DEFAULT_LOADING,
    DEFAULT_MODEL,
    NO_CONNECTION,
    Connection,
    Dask,
    IdRoot,
    IndexName,
    Loading,
    Model,
    ModelDir,
    Shard,
    Workers,
    fail,
    parse_shard_option,
    with_options,
)
from cli.render import LoadProgress, print_load_summary, print_problems

if TYPE_CHECKING:
    from indexer.store import IndexNames, LoadReport


def _prepare(client: Any, alias: str, reindex: bool, dry_run: str | None) -> IndexNames:
    """The indices to write to (`indexer.es.indices.prepare_indices`), saying what a reindex did."""
    from indexer.es.indices import prepare_indices
    from indexer.store import StoreError

    try:
        names, reindexed = prepare_indices(client, alias, reindex_first=reindex, dry_run=dry_run is not None)
    except StoreError as exc:
        raise fail(str(exc)) from None
    for done in reindexed:
        typer.echo(
            f"reindexed {done.source} -> {done.dest} ({done.dest_count} documents, {done.method}); "
            f"alias {done.alias!r} now points to {done.dest}",
            err=True,
        )
    return names


def _check_dead_letter(path: str, dry_run: str | None) -> None:
    from indexer.store import StoreError, check_dead_letter

    if dry_run is None:
        try:
            check_dead_letter(path)
        except StoreError as exc:
            raise fail(str(exc), 2) from None


def _checkpoint(path: str | None, alias: str, dry_run: str | None, client: Any = None) -> Any:
    """The run's checkpoint, bound to the cluster and the index the alias writes to."""
    from indexer.store import Checkpoint, StoreError, index_identity

    if path is None or dry_run is not None:
        return None
    try:
        return Checkpoint(path, alias, index_identity(client, alias) if client is not None else None)
    except StoreError as exc:
        raise fail(str(exc), 2) from None


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

    progress = LoadProgress()
    try:
        with progress:
            report = run(progress.update)
    except KeyboardInterrupt:
        if on_interrupt is not None:
            on_interrupt()  # stop the extraction workers now
        if progress.report is not None:
            print_load_summary(progress.report, dry_run)
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
        print_load_summary(exc.report, dry_run)
        raise fail(str(exc)) from None
    except StoreError as exc:
        raise fail(str(exc)) from None
    print_load_summary(report, dry_run)
    passes_ok = True
    if after is not None and dry_run is None:
        passes_ok = after()
    if not report.ok or not passes_ok:
        raise typer.Exit(1)
    if report.nothing_read:
        raise fail("no articles read")


def collection_passes(client: Any, quotes: str, articles: str | None, names: bool, clusters: bool) -> bool:
    """The passes over the whole collection after a load: one name per person, then quote clusters.
    False if a document could not be updated."""
    ok = merge_speaker_names(client, quotes, articles) if names else True
    return (cluster_quotes(client, quotes) if clusters else True) and ok


def cluster_quotes(client: Any, quotes: str) -> bool:
    """Group the same quote run by several articles; see indexer.es.clusters. Prints what it did."""
    from indexer.es.clusters import cluster_quotes as run

    return _collection_pass(
        "grouping repeated quotes",
        lambda: run(client, quotes),
        lambda done: (
            f"quote clusters: {done.clusters} ({done.reused} run more than once, largest {done.largest})  "
            f"quotes updated: {done.load.indexed}"
        ),
        "quotes kept their previous cluster fields",
    )


def merge_speaker_names(client: Any, quotes: str, articles: str | None) -> bool:
    """One name per person across the collection ("Trump" -> "Donald Trump"); see indexer.es.canonical.
    Prints what it did; False if a document could not be updated."""
    from indexer.es.canonical import merge_speakers

    return _collection_pass(
        "merging speaker names",
        lambda: merge_speakers(client, quotes, articles),
        lambda done: (
            f"speaker names merged across articles: {done.names}  quotes renamed: {done.load.indexed}  "
            f"articles updated: {done.load.articles_indexed}"
        ),
        "documents kept their article's own speaker name",
    )


def _collection_pass(doing: str, run: Callable[[], Any], line: Callable[[Any], str], kept: str) -> bool:
    """Run one pass over the collection (its result has a `load` report), print its line and the
    documents it could not update; False if there were any."""
    from indexer.store import LoadInterrupted, StoreError

    try:
        done = run()
    except (LoadInterrupted, StoreError) as exc:
        raise fail(f"{doing}: {exc}") from None
    typer.echo(line(done), err=True)
    failed = done.load.documents_failed
    if failed:
        typer.echo(f"  {failed} {kept}:", err=True)
        print_problems(done.load, done.load.dead_letter)
    return bool(failed == 0)


# --------------------------------------------------------------------------- commands


def _start(conn: Connection, index_name: str, loading: Loading) -> tuple[Any, IndexNames, Any]:
    """What a load needs before its first document: the dead-letter check, the client (none in a dry
    run), the indices (reindexed first with --reindex) and the checkpoint."""
    _check_dead_letter(loading.dead_letter, loading.dry_run)
    client = None if loading.dry_run is not None else conn.client()
    names = _prepare(client, index_name, loading.reindex, loading.dry_run)
    return client, names, _checkpoint(loading.checkpoint, index_name, loading.dry_run, client)


def _passes(client: Any, names: IndexNames, loading: Loading) -> Any:
    """The passes over the whole collection after the load, or None in a dry run."""
    if client is None:
        return None
    return lambda: collection_passes(
        client, names.quotes_alias, names.articles_alias, loading.merge_names, loading.clusters
    )


def index(
    paths: Annotated[
        list[str], typer.Argument(help="Files or folders (walked recursively), or - for stdin.")
    ],
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
    model: Model = DEFAULT_MODEL,
    model_dir: ModelDir = None,
    workers: Workers = 0,
    shard: Shard = None,
    id_root: IdRoot = None,
    loading: Loading = DEFAULT_LOADING,
    dask: Dask = None,
) -> None:
    """Extract attributions from articles and index them in Elasticsearch, one document per quote.

    Example: quotes index samples/ --es-url http://localhost:9200 --checkpoint run.ckpt
    """
    from indexer.extract.choice import ModelError
    from indexer.extract.engine import Extractor, ModelNotFound
    from indexer.extract.on_dask import DaskError
    from indexer.reading.articles import iter_articles
    from indexer.store import index_articles

    shard_spec = parse_shard_option(shard)
    client, names, ck = _start(conn, index_name, loading)
    try:
        extractor = Extractor(model, workers=workers, choice=model_dir, dask=dask)
    except (ModelNotFound, ModelError, DaskError) as exc:
        raise fail(str(exc), 2) from None

    def run(progress: Any) -> LoadReport:
        return index_articles(
            client,
            iter_articles(paths, id_root=id_root),
            extractor.extract,
            checkpoint=ck,
            shard=shard_spec,
            names=names,
            dead_letter=loading.dead_letter,
            chunk_size=loading.chunk_size,
            concurrency=loading.concurrency,
            progress=progress,
            dry_run=loading.dry_run,
        )

    with extractor:
        _run_load(
            run,
            loading.dry_run,
            _passes(client, names, loading),
            checkpoint=loading.checkpoint,
            on_interrupt=extractor.terminate,
        )


def load(
    files: Annotated[list[str], typer.Argument(help="JSON Lines files written by `quotes extract`.")],
    index_name: IndexName = "quotes",
    conn: Connection = NO_CONNECTION,
    loading: Loading = DEFAULT_LOADING,
) -> None:
    """Index attribution records written by `quotes extract` into Elasticsearch.

    Example: quotes extract samples/ -o quotes.jsonl && quotes load quotes.jsonl --checkpoint load.ckpt
    """
    from indexer.store import load_records

    client, names, ck = _start(conn, index_name, loading)

    def run(progress: Any) -> LoadReport:
        return load_records(
            client,
            files,
            names=names,
            checkpoint=ck,
            dead_letter=loading.dead_letter,
            chunk_size=loading.chunk_size,
            concurrency=loading.concurrency,
            progress=progress,
            dry_run=loading.dry_run,
        )

    _run_load(run, loading.dry_run, _passes(client, names, loading), checkpoint=loading.checkpoint)


def register(app: typer.Typer) -> None:
    """Add the `index` and `load` commands to `app`."""
    app.command("index")(with_options(index))
    app.command("load")(with_options(load))
