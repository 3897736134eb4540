"""Options several commands share, declared once, and the one-line error every command exits with.

Option groups (`Connection`: --es-url, --api-key, --username, --password, --ca-certs; `Loading`:
--dead-letter, --checkpoint, --dry-run, --reindex, --chunk-size, --concurrency and the passes after a
load) are dataclasses declared once here; `with_options` gives them to a command, as sqlite-utils
shares its option decorators, and the command receives one value per group.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from indexer.model import DEFAULT_MODEL as DEFAULT_MODEL

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


Shard = Annotated[str | None, typer.Option(help="Only shard K of N of the articles, e.g. 2/4.")]

# The filters of `search` and `speakers` (`reused` says "first ran" in its own help).
Outlet = Annotated[str | None, typer.Option(help="Only this outlet (any case).")]
Since = Annotated[str | None, typer.Option(help="Published on or after DATE (YYYY-MM-DD).")]
Until = Annotated[str | None, typer.Option(help="Published on or before DATE (YYYY-MM-DD).")]
Words = Annotated[str, typer.Option("--query", help="Only quotes with these words.")]
JsonLines = Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def parse_shard_option(shard: str | None) -> tuple[int, int] | None:
    """``--shard K/N`` as (K, N); a bad value is a one-line error (exit 2)."""
    if shard is None:
        return None
    from indexer.reading.selection import parse_shard

    try:
        return parse_shard(shard)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc


# --------------------------------------------------------------------------- Elasticsearch

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

_GROUPS: set[type] = set()
T = TypeVar("T")


def option_group(cls: type[T]) -> type[T]:
    """Mark a dataclass whose fields (Annotated typer options, with defaults) several commands share:
    a command parameter of this type becomes these options (see `with_options`)."""
    _GROUPS.add(cls)
    return cls


@option_group
@dataclass(frozen=True)
class Connection:
    """The connection options of a command; `client()` connects and checks, or exits with one line."""

    es_url: EsUrl = None
    api_key: ApiKey = None
    username: Username = None
    password: Password = None
    ca_certs: CaCerts = None

    def client(self) -> Any:
        from indexer.store import StoreError, check_connection, connect

        try:
            client = connect(
                self.es_url,
                api_key=self.api_key,
                username=self.username,
                password=self.password,
                ca_certs=self.ca_certs,
            )
            check_connection(client)
        except StoreError as exc:
            raise fail(str(exc)) from None
        return client


@option_group
@dataclass(frozen=True)
class Loading:
    """How `index`, `load` (and partly `enrich`) send documents, and the passes after a load."""

    dead_letter: DeadLetter = "quotes-dead-letter.ndjson"
    checkpoint: CheckpointFile = None
    dry_run: DryRun = None
    reindex: Reindex = False
    chunk_size: ChunkSize = 500
    concurrency: Concurrency = 2
    merge_names: MergeNames = True
    clusters: ClusterQuotes = True


NO_CONNECTION = Connection()  # defaults of group parameters: `with_options` always passes its own
DEFAULT_LOADING = Loading()
F = TypeVar("F", bound=Callable[..., Any])


def with_options(command: F) -> F:
    """Turn each parameter of `command` whose type is an `option_group` into that group's options,
    declared once in the group; the command receives the group as one value."""
    import dataclasses

    hints = typing.get_type_hints(command, include_extras=True)
    signature = inspect.signature(command)
    groups: dict[str, tuple[type, list[str]]] = {}
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        kind = hints.get(param.name)
        if kind in _GROUPS:
            assert isinstance(kind, type)
            fields = dataclasses.fields(kind)
            field_hints = typing.get_type_hints(kind, include_extras=True)
            groups[param.name] = (kind, [f.name for f in fields])
            params += [
                inspect.Parameter(f.name, param.kind, default=f.default, annotation=field_hints[f.name])
                for f in fields
            ]
        else:
            params.append(param.replace(annotation=hints.get(param.name, param.annotation)))

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name, (kind, fields) in groups.items():
            kwargs[name] = kind(**{f: kwargs.pop(f) for f in fields if f in kwargs})
        return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return typing.cast(F, wrapper)


# --------------------------------------------------------------------------- the local node

Port = Annotated[int, typer.Option(help="HTTP port on 127.0.0.1.")]
DataDir = Annotated[
    str | None,
    typer.Option("--data-dir", help="Data folder (default: $QUOTES_ES_HOME or ~/.cache/quotes/es-PORT)."),
]
