"""Write attribution documents to Elasticsearch: connection, indices and aliases, bulk loading.

* `connect` builds a client from options or the ``ELASTICSEARCH_*`` environment; secrets never
  appear in messages (URLs are shown with credentials removed, see `redact_url`).
* `ensure_indices` puts the index templates read from ``mappings/`` and creates the versioned
  indices (``quotes-v1``, ``articles-v1``) behind their aliases (``quotes``, ``articles``).
* `reindex` copies an alias's index into the next version and swaps the alias in one request.
* `load` sends a stream of `BulkAction`s in chunks. Guarantees:

  - nothing is lost silently: every document is either acknowledged by Elasticsearch or written to
    the dead-letter file with the reason Elasticsearch gave;
  - nothing is duplicated: ids are deterministic, so re-sending a document (after a timeout, a
    rejected chunk, or on a rerun) overwrites it;
  - rejections (429) and unavailability (502/503/504) of single documents are retried for those
    documents, connection errors and timeouts for the whole chunk, with exponential backoff and
    jitter (tenacity); when the server stays unreachable the load stops with `LoadInterrupted`;
  - a checkpoint file lists the articles whose documents were all acknowledged; a rerun with the
    same checkpoint skips them (before extraction, see `index_articles`);
  - ``refresh_interval`` is ``-1`` during the load and restored afterwards, also on failure;
  - memory stays flat: actions are consumed lazily, at most ``concurrency + 1`` chunks are held.

Nothing here prints; progress goes to a callback and problems into the returned `LoadReport`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from indexer.articles import ReadNotes
from indexer.documents import BulkAction, bulk_actions, record_actions, stamped

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from indexer.articles import ReadFailure
    from indexer.extract.engine import ArticleResult
    from indexer.model import Article

__all__ = [
    "DEFAULT_URL",
    "Checkpoint",
    "IndexNames",
    "LoadInterrupted",
    "LoadReport",
    "ReindexReport",
    "RetryPolicy",
    "StoreError",
    "StoreUnavailable",
    "articles_alias_for",
    "connect",
    "ensure_indices",
    "index_articles",
    "index_stream",
    "iter_records",
    "load",
    "load_records",
    "redact_url",
    "reindex",
    "template_body",
]

DEFAULT_URL = "http://localhost:9200"
MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
TEMPLATE_FILES = {"quotes": "quotes-template.json", "articles": "articles-template.json"}
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_PROBLEMS = 200  # problems kept in a report; the count is kept in full
_VERSION_RE = re.compile(r"^(?P<alias>.+)-v(?P<n>\d+)$")


class StoreError(Exception):
    """A problem the user can fix (bad URL, credentials, index name...); the message is one line."""


class StoreUnavailable(StoreError):
    """Elasticsearch cannot be reached (or stays unavailable after retries)."""


class LoadInterrupted(StoreError):
    """A load stopped before the end; `report` has what was done. Rerun with the checkpoint to resume."""

    def __init__(self, message: str, report: LoadReport) -> None:
        super().__init__(message)
        self.report = report


# --------------------------------------------------------------------------- connection


def redact_url(url: str) -> str:
    """The URL without user name and password (``https://user:pw@host`` -> ``https://host``); each of
    several comma-separated URLs."""
    if "," in url:
        return ",".join(redact_url(part.strip()) for part in url.split(","))
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:  # e.g. a port out of range: show the host part only, never the credentials
        netloc = url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
        return f"{url.split('://', 1)[0]}://{netloc}" if "://" in url else "<invalid URL>"
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def connect(
    url: str | None = None,
    *,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    ca_certs: str | None = None,
    request_timeout: float = 60.0,
) -> Elasticsearch:
    """A client for `url` (default ``ELASTICSEARCH_URL``, then ``http://localhost:9200``).

    Credentials come from the arguments, else ``ELASTICSEARCH_API_KEY`` or
    ``ELASTICSEARCH_USERNAME``/``ELASTICSEARCH_PASSWORD``, else the URL's ``user:password@``. They
    are passed as headers, never kept in the URL, so the client's repr shows no secret. No request
    is made here; use `check_connection` to fail early with a clear message.
    """
    from elasticsearch import Elasticsearch

    raw = url or _env("ELASTICSEARCH_URL") or DEFAULT_URL
    urls = [u.strip() for u in raw.split(",") if u.strip()] or [DEFAULT_URL]
    hosts = [_clean_url(u) for u in urls]
    parts = urlsplit(urls[0])
    api_key = api_key or _env("ELASTICSEARCH_API_KEY")
    username = username or _env("ELASTICSEARCH_USERNAME")
    password = password or _env("ELASTICSEARCH_PASSWORD")
    if username is None and parts.username is not None:
        username, password = unquote(parts.username), unquote(parts.password or "")
    ca_certs = ca_certs or _env("ELASTICSEARCH_CA_CERTS")
    if ca_certs is not None and not Path(ca_certs).is_file():
        raise StoreError(f"CA certificate file {ca_certs} not found; pass --ca-certs FILE")
    kwargs: dict[str, Any] = {"request_timeout": request_timeout}
    if api_key:
        kwargs["api_key"] = api_key
    elif username:
        kwargs["basic_auth"] = (username, password or "")
    if ca_certs:
        kwargs["ca_certs"] = ca_certs
    if len(hosts) > 1:
        # several nodes: a request that cannot reach one (refused, reset, timed out) goes to the next
        kwargs.update(retry_on_timeout=True, max_retries=len(hosts))
    try:
        return Elasticsearch(hosts if len(hosts) > 1 else hosts[0], **kwargs)
    except ValueError as exc:
        raise StoreError(f"invalid Elasticsearch URL {redact_url(raw)}: {exc}") from None


def _clean_url(raw: str) -> str:
    """One node's URL without credentials (they travel as headers); StoreError if it is not a URL."""
    shown = redact_url(raw)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise StoreError(f"invalid Elasticsearch URL {shown}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"invalid Elasticsearch URL {shown}: expected http(s)://HOST[:PORT]")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, "", ""))


def client_url(client: Elasticsearch) -> str:
    """The (credential-free) URL of the client's first node, for messages."""
    try:
        node = client.transport.node_pool.all()[0].config
        return f"{node.scheme}://{node.host}:{node.port}{node.path_prefix}"
    except (AttributeError, IndexError):
        return "Elasticsearch"


def describe_error(exc: BaseException) -> str:
    """One line for an Elasticsearch client error (type and reason), without secrets."""
    from elasticsearch import ApiError

    if isinstance(exc, ApiError):
        body = exc.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if isinstance(body, str) and body.lstrip().startswith("<"):
            return f"HTTP {exc.status_code}: a web page, not an Elasticsearch answer (is the URL right?)"
        reason = _error_reason(body.get("error") if isinstance(body, dict) else body)
        text = f"HTTP {exc.status_code}: {reason or exc.message}"
        return text if len(text) <= 300 else text[:300] + "..."
    text = str(exc).splitlines()[0] if str(exc) else ""
    errno = re.search(r"\[Errno -?\d+\] [^)'\"]+", text)  # the OS reason inside nested wrappers
    if errno:
        text = errno.group(0)
    elif len(text) > 200:
        text = text[:200] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_connection(client: Elasticsearch) -> dict[str, Any]:
    """The server's info; raises `StoreUnavailable`/`StoreError` with a one-line message."""
    from elasticsearch import ApiError, AuthenticationException, AuthorizationException, TransportError

    url = client_url(client)
    try:
        return dict(client.info())
    except (AuthenticationException, AuthorizationException) as exc:
        raise StoreError(
            f"Elasticsearch at {url} refused the credentials ({describe_error(exc)}); "
            f"check --api-key or --username/--password"
        ) from None
    except ApiError as exc:
        raise StoreError(f"Elasticsearch at {url} answered {describe_error(exc)}") from None
    except TransportError as exc:
        raise StoreUnavailable(
            f"cannot reach Elasticsearch at {url} ({describe_error(exc)}); start one with "
            f"`quotes es start` or pass --es-url / set ELASTICSEARCH_URL"
        ) from None


# --------------------------------------------------------------------------- templates and aliases


def articles_alias_for(alias: str) -> str:
    """The articles alias for a quotes alias: ``articles`` for ``quotes``, else ``ALIAS-articles``."""
    return "articles" if alias == "quotes" else f"{alias}-articles"


def template_body(kind: str, alias: str, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The index template read from ``mappings/``, applied to ``ALIAS-v*`` with `settings` merged in."""
    path = MAPPINGS_DIR / TEMPLATE_FILES[kind]
    try:
        body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"cannot read index template {path}: {exc.strerror or exc}") from None
    body["index_patterns"] = [f"{alias}-v*"]
    if settings:
        body.setdefault("template", {}).setdefault("settings", {}).update(settings)
    return body


@dataclass
class IndexNames:
    """The aliases and the concrete indices behind them."""

    quotes_alias: str
    quotes_index: str
    articles_alias: str
    articles_index: str


def _write_index(client: Elasticsearch, alias: str) -> str | None:
    """The index an alias writes to, None if the alias does not exist; error if `alias` is an index."""
    from elasticsearch import NotFoundError

    try:
        found = client.indices.get_alias(name=alias)
    except NotFoundError:
        if client.indices.exists(index=alias):
            raise StoreError(
                f"{alias!r} is an index, not an alias; choose another --index name or reindex it "
                f"into {alias}-v1 and alias it"
            ) from None
        return None
    indices = list(found.body)
    if len(indices) == 1:
        return indices[0]
    for name, info in found.body.items():
        if info.get("aliases", {}).get(alias, {}).get("is_write_index"):
            return str(name)
    raise StoreError(f"alias {alias!r} points to {len(indices)} indices and none is the write index")


def _ensure_one(client: Elasticsearch, kind: str, alias: str, settings: Mapping[str, Any] | None) -> str:
    from elasticsearch import BadRequestError

    body = template_body(kind, alias, settings)
    client.indices.put_index_template(name=f"{alias}-template", **body)
    existing = _write_index(client, alias)
    if existing is not None:
        # fields added to the template since the index was made; a conflicting change needs --reindex
        with contextlib.suppress(BadRequestError):
            client.indices.put_mapping(index=existing, properties=body["template"]["mappings"]["properties"])
        return existing
    index = f"{alias}-v1"
    try:
        client.indices.create(index=index, aliases={alias: {"is_write_index": True}})
    except BadRequestError as exc:
        if "resource_already_exists_exception" not in str(exc):
            raise
        # created concurrently, or an alias was removed by hand: point the alias at it
        client.indices.put_alias(index=index, name=alias, is_write_index=True)
    return index


def ensure_indices(
    client: Elasticsearch,
    alias: str = "quotes",
    articles_alias: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> IndexNames:
    """Put both templates and create ``ALIAS-v1`` (and the articles index) behind the aliases if missing.

    Idempotent. `settings` (e.g. ``{"number_of_replicas": 1}``) override the template settings for
    indices created from now on.
    """
    articles_alias = articles_alias or articles_alias_for(alias)
    if alias == articles_alias:
        raise StoreError(f"the quotes and articles aliases must differ (both {alias!r})")
    with _translate_errors(client):
        settings = {**index_settings(client), **(settings or {})} or None
        quotes_index = _ensure_one(client, "quotes", alias, settings)
        articles_index = _ensure_one(client, "articles", articles_alias, settings)
    return IndexNames(alias, quotes_index, articles_alias, articles_index)


CLUSTER_SETTINGS_FILE = MAPPINGS_DIR / "cluster-settings.json"


def data_nodes(client: Elasticsearch) -> int:
    """How many nodes of the cluster hold data."""
    nodes = client.nodes.info(filter_path="nodes.*.roles").body.get("nodes", {})
    return sum(1 for n in nodes.values() if any(r.startswith("data") for r in n.get("roles", [])))


def index_settings(client: Elasticsearch) -> dict[str, Any]:
    """Shards and replicas for new indices on this cluster (``mappings/cluster-settings.json``): {} on a
    single data node (the templates' 1 shard, 0 replicas), replicas and more primaries on several."""
    n = data_nodes(client)
    if n < 2:
        return {}
    try:
        rule = json.loads(CLUSTER_SETTINGS_FILE.read_text(encoding="utf-8"))["several_data_nodes"]
    except (OSError, ValueError, KeyError) as exc:
        raise StoreError(f"cannot read {CLUSTER_SETTINGS_FILE}: {exc}") from None
    shards = min(int(rule["max_primary_shards"]), n * int(rule["primary_shards_per_data_node"]))
    return {
        "number_of_shards": max(1, shards),
        "number_of_replicas": min(int(rule["number_of_replicas"]), n - 1),
    }


@contextlib.contextmanager
def _translate_errors(client: Elasticsearch) -> Iterator[None]:
    """Turn client errors into one-line `StoreError`s naming the server."""
    from elasticsearch import ApiError, TransportError

    url = client_url(client)
    try:
        yield
    except StoreError:
        raise
    except ApiError as exc:
        raise StoreError(f"Elasticsearch at {url}: {describe_error(exc)}") from None
    except TransportError as exc:
        raise StoreUnavailable(
            f"cannot reach Elasticsearch at {url} ({describe_error(exc)}); is it running? "
            f"(`quotes es start`, --es-url)"
        ) from None


@dataclass
class ReindexReport:
    alias: str
    source: str
    dest: str
    source_count: int
    dest_count: int
    method: str  # "_reindex" (server side) or "scroll+bulk" (when the server has no reindex module)


def _next_version(client: Elasticsearch, alias: str, current: str) -> str:
    versions = []
    for name in client.indices.get(index=f"{alias}-v*", expand_wildcards="all").body:
        m = _VERSION_RE.match(name)
        if m and m.group("alias") == alias:
            versions.append(int(m.group("n")))
    m = _VERSION_RE.match(current)
    if m:
        versions.append(int(m.group("n")))
    return f"{alias}-v{max(versions, default=0) + 1}"


def reindex(
    client: Elasticsearch,
    alias: str,
    kind: str = "quotes",
    settings: Mapping[str, Any] | None = None,
    delete_old: bool = False,
) -> ReindexReport:
    """Copy the alias's index into the next version (current template) and swap the alias atomically.

    The template is put again first, so mapping changes in ``mappings/`` apply to the new index. The
    copy uses the server's ``_reindex`` when available, otherwise scroll + bulk (the local node has
    no reindex module). The alias moves in one ``_aliases`` request only when both counts agree.
    """
    from elasticsearch import ApiError
    from elasticsearch.helpers import scan

    with _translate_errors(client):
        current = _write_index(client, alias)
        if current is None:
            raise StoreError(f"alias {alias!r} does not exist; nothing to reindex (run `quotes index` first)")
        settings = {**index_settings(client), **(settings or {})} or None  # replicas on a cluster
        client.indices.put_index_template(name=f"{alias}-template", **template_body(kind, alias, settings))
        dest = _next_version(client, alias, current)
        client.indices.create(index=dest)
        client.indices.refresh(index=current)
        method = "_reindex"
        try:
            client.reindex(
                source={"index": current}, dest={"index": dest}, wait_for_completion=True, refresh=True
            )
        except ApiError as exc:
            if exc.status_code not in (400, 404, 405, 410) or "reindex" not in str(exc).lower():
                raise
            no_reindex_module = True
        else:
            no_reindex_module = False
        if no_reindex_module:
            method = "scroll+bulk"
            actions = (
                BulkAction(dest, hit["_id"], hit["_source"], str(hit["_id"]), "quote", True)
                for hit in scan(client, index=current, query={"query": {"match_all": {}}}, size=1000)
            )
            report = load(client, actions, indices=[dest], stamp=False)
            if report.failed:
                raise StoreError(
                    f"reindex of {current} into {dest} failed for {report.failed} documents: "
                    f"{report.problems[0] if report.problems else 'see Elasticsearch logs'}; alias not moved"
                )
        client.indices.refresh(index=dest)
        source_count = int(client.count(index=current)["count"])
        dest_count = int(client.count(index=dest)["count"])
        if source_count != dest_count:
            raise StoreError(
                f"reindex of {current} into {dest} copied {dest_count} of {source_count} documents; "
                f"alias {alias!r} not moved"
            )
        client.indices.update_aliases(
            actions=[
                {"remove": {"index": current, "alias": alias}},
                {"add": {"index": dest, "alias": alias, "is_write_index": True}},
            ]
        )
        if delete_old:
            client.indices.delete(index=current)
    return ReindexReport(alias, current, dest, source_count, dest_count, method)


# --------------------------------------------------------------------------- checkpoint


def index_identity(client: Elasticsearch, alias: str) -> dict[str, str]:
    """The cluster and the concrete index an alias writes to, by uuid: what a checkpoint belongs to.
    A deleted and recreated index has another uuid, though its name may be the same."""
    with _translate_errors(client):
        cluster = str(client.info()["cluster_uuid"])
        index = _write_index(client, alias) or alias
        settings = client.indices.get_settings(index=index, name="index.uuid", flat_settings=True).body
    (only,) = settings.values()
    return {"cluster_uuid": cluster, "index": index, "index_uuid": str(only["settings"]["index.uuid"])}


def check_dead_letter(path: str | os.PathLike[str]) -> None:
    """Fail now, with one line, if the dead-letter file could not be written when a document is
    refused (it is only created then)."""
    p = Path(path)
    parent = p.parent
    if p.is_dir():
        raise StoreError(f"dead-letter path {p} is a folder; pass a file with --dead-letter")
    if not parent.is_dir():
        raise StoreError(f"dead-letter file {p}: folder {parent} does not exist; pass --dead-letter FILE")
    if not os.access(p if p.exists() else parent, os.W_OK):
        raise StoreError(
            f"dead-letter file {p} cannot be written (permission denied); pass --dead-letter FILE"
        )


class Checkpoint:
    """Article ids whose documents were all acknowledged, kept in an append-only NDJSON file.

    The first line is a header: the alias, and (when `identity` is given) the uuids of the cluster
    and of the index it was made for. A checkpoint for another alias, cluster or index (deleted and
    recreated, even under the same name) is refused: resuming would skip articles that are not
    there. So is a file that is not a checkpoint. A torn last line (crash while writing) is ignored.
    Lines are flushed as they are written.
    """

    def __init__(
        self, path: str | os.PathLike[str], alias: str, identity: Mapping[str, str] | None = None
    ) -> None:
        self.path = Path(path)
        self.alias = alias
        self.identity = dict(identity) if identity is not None else None
        self.done: set[str] = set()
        self._file: IO[str] | None = None
        self._lock = threading.Lock()
        if self.path.exists():
            self._read()

    def _header(self) -> dict[str, str]:
        return {"checkpoint_alias": self.alias, **(self.identity or {})}

    def _check_header(self, entry: Any) -> None:
        if not isinstance(entry, dict) or "checkpoint_alias" not in entry:
            raise StoreError(
                f"{self.path} is not a checkpoint file (its first line is not the header quotes writes); "
                "pass another --checkpoint file"
            )
        if entry["checkpoint_alias"] != self.alias:
            raise StoreError(
                f"checkpoint {self.path} was made for index {entry['checkpoint_alias']!r}, "
                f"not {self.alias!r}; pass another --checkpoint file"
            )
        if self.identity is None:
            return
        if "index_uuid" not in entry:
            raise StoreError(
                f"checkpoint {self.path} does not say which index it belongs to (an older version made it); "
                "delete it to index everything again"
            )
        if entry.get("cluster_uuid") != self.identity["cluster_uuid"]:
            raise StoreError(
                f"checkpoint {self.path} was made on another Elasticsearch cluster "
                f"({entry.get('cluster_uuid')}, not {self.identity['cluster_uuid']}); "
                "delete it or pass another --checkpoint file"
            )
        if entry["index_uuid"] != self.identity["index_uuid"]:
            raise StoreError(
                f"checkpoint {self.path} was made for index {entry.get('index', '?')} "
                f"(uuid {entry['index_uuid']}), and {self.alias!r} is now {self.identity['index']} "
                f"(uuid {self.identity['index_uuid']}): the index was deleted, recreated or reindexed, "
                "so the articles it lists may not be there; delete the checkpoint to index them again"
            )

    def _read(self) -> None:
        try:
            with self.path.open(encoding="utf-8") as f:
                for i, line in enumerate(f):
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        if i == 0:
                            self._check_header(None)
                        continue
                    if i == 0:
                        self._check_header(entry)
                        continue
                    if isinstance(entry, dict) and isinstance(entry.get("article_id"), str):
                        self.done.add(entry["article_id"])
        except OSError as exc:
            raise StoreError(f"cannot read checkpoint {self.path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            self._check_header(None)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.done

    def __len__(self) -> int:
        return len(self.done)

    def mark(self, article_id: str) -> None:
        with self._lock:
            if article_id in self.done:
                return
            if self._file is None:
                new = not self.path.exists() or self.path.stat().st_size == 0
                try:
                    self._file = self.path.open("a", encoding="utf-8")
                except OSError as exc:
                    raise StoreError(f"cannot write checkpoint {self.path}: {exc.strerror or exc}") from None
                if new:
                    self._file.write(json.dumps(self._header()) + "\n")
            self._file.write(json.dumps({"article_id": article_id}, ensure_ascii=False) + "\n")
            self._file.flush()
            self.done.add(article_id)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                self._file = None


# --------------------------------------------------------------------------- load


@dataclass
class RetryPolicy:
    """How hard to retry. Backoff is exponential with jitter, capped at `max_backoff` seconds."""

    max_retries: int = 8  # re-sends of a document rejected with 429/502/503/504
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    # A chunk that cannot be sent at all (connection refused, timeout) is retried for this long.
    max_retry_seconds: float = 300.0


@dataclass
class LoadReport(ReadNotes):
    """What a load did. `indexed`/`failed` count quote documents; `articles_*` article documents."""

    articles_read: int = 0  # articles taken from the input (not counting those skipped)
    articles_failed: int = 0  # articles that could not be read or extracted
    articles_skipped: int = 0  # already done according to the checkpoint
    articles_other_shards: int = 0  # left to the other machines by --shard
    articles_done: int = 0  # articles whose documents were all acknowledged in this run
    quotes: int = 0  # quote documents produced
    indexed: int = 0  # quote documents acknowledged
    failed: int = 0  # quote documents written to the dead-letter file
    articles_indexed: int = 0
    articles_dead: int = 0
    retried: int = 0  # document re-sends after a 429/502/503/504 for that document
    rejections: dict[int, int] = field(default_factory=dict)  # status -> documents answered with it
    chunk_retries: int = 0  # whole-request re-sends after a connection error, timeout or 429/503
    chunks: int = 0
    written: int = 0  # dry run: actions written to the file
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    elapsed: float = 0.0
    dead_letter: str | None = None  # path, if anything was written to it

    @property
    def documents_failed(self) -> int:
        return self.failed + self.articles_dead

    @property
    def ok(self) -> bool:
        return self.articles_failed == 0 and self.documents_failed == 0

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)


@dataclass
class _Outcome:
    """What happened to one chunk (computed in a sender thread, applied in the main thread)."""

    acked: list[BulkAction] = field(default_factory=list)
    dead: list[tuple[BulkAction, int, Any]] = field(default_factory=list)
    retried: int = 0
    rejections: dict[int, int] = field(default_factory=dict)
    chunk_retries: int = 0
    interrupted: str | None = None  # the server stayed unreachable: this chunk was not (all) sent


class _Rejected(Exception):
    """Some documents of a chunk were answered with a retryable status; re-send those."""


def _error_reason(error: Any) -> str:
    """``type: reason (caused by: type: reason)`` from an Elasticsearch error object, on one line."""
    if isinstance(error, dict):
        roots = error.get("root_cause")
        if isinstance(roots, list) and roots and isinstance(roots[0], dict) and roots[0].get("reason"):
            error = roots[0]  # e.g. "all shards failed" says less than its root cause
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
        cause = error.get("caused_by")
        if isinstance(cause, dict):
            text += f" (caused by {cause.get('type', 'error')}: {cause.get('reason', '')})"
        return " ".join(text.split())
    return " ".join(str(error).split())


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _is_transient(exc: BaseException) -> bool:
    from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, SSLError

    if isinstance(exc, _Rejected):
        return True
    if isinstance(exc, SSLError):
        return False
    if isinstance(exc, (ConnectionError, ConnectionTimeout)):
        return True
    return isinstance(exc, ApiError) and exc.status_code in RETRY_STATUSES


class _Sender:
    """Sends one chunk until every document is acknowledged or dead; runs in a worker thread."""

    def __init__(self, client: Elasticsearch, policy: RetryPolicy, stamp: str | None) -> None:
        # Retries are ours (counted, per document); the transport must not retry behind our back.
        self.client = client.options(max_retries=0)
        self.policy = policy
        self.stamp = stamp

    def lines(self, action: BulkAction) -> tuple[bytes, bytes]:
        source = action.source if self.stamp is None else stamped(action.source, self.stamp)
        return _dumps(action.header()), _dumps(source)

    def send(self, chunk: list[tuple[BulkAction, tuple[bytes, bytes]]]) -> _Outcome:
        from elasticsearch import ApiError, TransportError
        from tenacity import (
            RetryError,
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_after_delay,
            wait_exponential,
            wait_random,
        )

        out = _Outcome()
        pending = chunk
        last_status: dict[int, tuple[int, Any]] = {}
        policy = self.policy
        doc_retries_left = policy.max_retries
        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            wait=wait_exponential(multiplier=policy.initial_backoff, max=policy.max_backoff)
            + wait_random(0, policy.initial_backoff),
            stop=stop_after_delay(policy.max_retry_seconds) | stop_after_attempt(10_000),
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if attempt.retry_state.attempt_number > 1 and not last_status:
                        out.chunk_retries += 1
                    last_status = {}
                    body: list[bytes] = []
                    for _, (header, source) in pending:
                        body.append(header)
                        body.append(source)
                    resp = self.client.bulk(operations=body)  # type: ignore[arg-type]  # pre-serialized lines
                    items = resp.body["items"]
                    again: list[tuple[BulkAction, tuple[bytes, bytes]]] = []
                    for entry, item in zip(pending, items, strict=True):
                        result = next(iter(item.values()))
                        status = int(result.get("status", 500))
                        if 200 <= status < 300:
                            out.acked.append(entry[0])
                            continue
                        out.rejections[status] = out.rejections.get(status, 0) + 1
                        if status in RETRY_STATUSES and doc_retries_left > 0:
                            again.append(entry)
                            last_status[id(entry)] = (status, result.get("error"))
                        else:
                            out.dead.append((entry[0], status, result.get("error")))
                    if again:
                        doc_retries_left -= 1
                        out.retried += len(again)
                        pending = again
                        raise _Rejected(f"{len(again)} documents rejected")
        except RetryError as exc:
            cause = exc.last_attempt.exception()
            if isinstance(cause, _Rejected):  # retries exhausted by time: the rest is dead
                for entry in pending:
                    status, error = last_status.get(id(entry), (429, "rejected"))
                    out.dead.append((entry[0], status, error))
            elif isinstance(cause, (ApiError, TransportError)):
                out.interrupted = describe_error(cause)
            elif cause is not None:
                raise cause from None
        except TransportError as exc:  # not worth retrying (e.g. TLS): the load cannot go on
            out.interrupted = describe_error(exc)
        except ApiError as exc:
            if exc.status_code in (401, 403):
                out.interrupted = describe_error(exc)
            else:  # the whole request was refused (e.g. 413 too large): every document fails with it
                error = exc.body.get("error") if isinstance(exc.body, dict) else str(exc)
                if exc.status_code == 413:
                    error = f"request too large for the server ({exc.status_code}); lower --chunk-size"
                for action, _ in pending:
                    out.dead.append((action, exc.status_code, error))
        return out


class _DeadLetter:
    """NDJSON file of documents Elasticsearch refused, opened (and truncated) on the first one."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._file: IO[str] | None = None

    def write(self, action: BulkAction, status: int, error: Any) -> None:
        if self.path is None:
            return
        if self._file is None:
            try:
                self._file = self.path.open("w", encoding="utf-8")
            except OSError as exc:
                reason = exc.strerror or exc
                raise StoreError(f"cannot write dead-letter file {self.path}: {reason}") from None
        entry = {
            "_index": action.index,
            "_id": action.id,
            "article_id": action.article_id,
            "kind": action.kind,
            "status": status,
            "reason": _error_reason(error),
            "error": error,
            "document": action.source,
        }
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _RefreshPaused:
    """``refresh_interval: -1`` on `indices` while loading; the previous values are put back on exit.

    An index found at ``-1`` is taken as left over from an interrupted load and gets the default back.
    """

    def __init__(self, client: Elasticsearch, indices: Sequence[str], report: LoadReport) -> None:
        self.client = client
        self.indices = list(dict.fromkeys(indices))
        self.report = report
        self.previous: dict[str, str | None] = {}

    def __enter__(self) -> _RefreshPaused:
        if not self.indices:
            return self
        with _translate_errors(self.client):
            # no `name=` filter: indices without an explicit refresh_interval would be left out
            found = self.client.indices.get_settings(index=",".join(self.indices), flat_settings=True)
            for index, body in found.body.items():
                value = body.get("settings", {}).get("index.refresh_interval")
                self.previous[index] = None if value in (None, "-1") else str(value)
            self.client.indices.put_settings(
                index=",".join(self.previous), settings={"index": {"refresh_interval": "-1"}}
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        client = self.client.options(max_retries=3, retry_on_timeout=True)
        for index, value in self.previous.items():
            try:
                client.indices.put_settings(index=index, settings={"index": {"refresh_interval": value}})
            except Exception as exc:  # best effort: the load's own outcome matters more
                shown = value or "null"
                self.report.problem(
                    f"could not restore refresh_interval of {index} ({describe_error(exc)}); run: "
                    f'PUT {index}/_settings {{"index":{{"refresh_interval":{json.dumps(shown)}}}}}'
                )
        if self.previous:
            try:
                client.indices.refresh(index=",".join(self.previous))
            except Exception as exc:
                self.report.problem(f"could not refresh {', '.join(self.previous)}: {describe_error(exc)}")


class _Tracker:
    """Counts outstanding documents per article to know when an article is done."""

    def __init__(self) -> None:
        self.outstanding: dict[str, int] = {}
        self.closed: set[str] = set()
        self.tainted: set[str] = set()

    def add(self, action: BulkAction) -> None:
        self.outstanding[action.article_id] = self.outstanding.get(action.article_id, 0) + 1
        if action.last:
            self.closed.add(action.article_id)

    def settle(self, action: BulkAction, ok: bool) -> bool:
        """Record one document's fate; True when its article just became done (all acknowledged)."""
        aid = action.article_id
        if not ok:
            self.tainted.add(aid)
        left = self.outstanding[aid] - 1
        if left > 0:
            self.outstanding[aid] = left
            return False
        if aid not in self.closed:
            self.outstanding[aid] = 0
            return False
        del self.outstanding[aid]
        self.closed.discard(aid)
        if aid in self.tainted:
            self.tainted.discard(aid)
            return False
        return True


def _chunks(
    actions: Iterable[BulkAction], sender: _Sender, chunk_size: int, max_chunk_bytes: int
) -> Iterator[list[tuple[BulkAction, tuple[bytes, bytes]]]]:
    chunk: list[tuple[BulkAction, tuple[bytes, bytes]]] = []
    size = 0
    for action in actions:
        lines = sender.lines(action)
        n = len(lines[0]) + len(lines[1]) + 2
        if chunk and (len(chunk) >= chunk_size or size + n > max_chunk_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append((action, lines))
        size += n
    if chunk:
        yield chunk


def _dry_run(actions: Iterable[BulkAction], path: str | os.PathLike[str], report: LoadReport) -> None:
    try:
        with open(path, "wb") as f:
            for action in actions:
                f.write(_dumps(action.header()) + b"\n" + _dumps(action.source) + b"\n")
                report.written += 1
                if action.kind == "quote":
                    report.quotes += 1
    except OSError as exc:
        raise StoreError(f"cannot write dry-run file {path}: {exc.strerror or exc}") from None


def load(
    client: Elasticsearch | None,
    actions: Iterable[BulkAction],
    *,
    indices: Sequence[str] = (),
    dead_letter: str | os.PathLike[str] | None = None,
    checkpoint: Checkpoint | None = None,
    chunk_size: int = 500,
    max_chunk_bytes: int = 10 * 1024 * 1024,
    concurrency: int = 2,
    policy: RetryPolicy | None = None,
    progress: Callable[[LoadReport], None] | None = None,
    dry_run: str | os.PathLike[str] | None = None,
    stamp: bool = True,
    report: LoadReport | None = None,
) -> LoadReport:
    """Send `actions` in bulk chunks; see the module docstring for the guarantees.

    `indices` get ``refresh_interval: -1`` during the load and one refresh at the end (pass the
    concrete indices or aliases written to). `concurrency` chunks are in flight at once, in
    threads, while the caller's generator (e.g. extraction) produces the next chunk. `stamp` adds
    ``indexed_at`` (the load's start time) to each document. With `dry_run`, the bulk body (action
    line, source line) is written to that file and nothing is sent. Raises `LoadInterrupted` (with
    the report) if the server stays unreachable; acknowledged articles are in the checkpoint.
    """
    report = report if report is not None else LoadReport()
    started = time.monotonic()
    if dry_run is not None:
        _dry_run(actions, dry_run, report)
        report.elapsed = time.monotonic() - started
        return report
    if client is None:
        raise ValueError("load needs a client unless dry_run is given")
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    stamp_value = datetime.now(timezone.utc).isoformat(timespec="milliseconds") if stamp else None
    sender = _Sender(client, policy or RetryPolicy(), stamp_value)
    dead = _DeadLetter(dead_letter)
    tracker = _Tracker()
    interrupted: list[str] = []

    def apply(outcome: _Outcome) -> None:
        report.chunks += 1
        report.retried += outcome.retried
        report.chunk_retries += outcome.chunk_retries
        for status, n in outcome.rejections.items():
            report.rejections[status] = report.rejections.get(status, 0) + n
        for action in outcome.acked:
            if action.kind == "quote":
                report.indexed += 1
            else:
                report.articles_indexed += 1
            if tracker.settle(action, True):
                report.articles_done += 1
                if checkpoint is not None:
                    checkpoint.mark(action.article_id)
        for action, status, error in outcome.dead:
            if action.kind == "quote":
                report.failed += 1
            else:
                report.articles_dead += 1
            dead.write(action, status, error)
            if dead.path is not None:
                report.dead_letter = str(dead.path)
            report.problem(f"{action.kind} {action.id} (article {action.article_id}): {_error_reason(error)}")
            tracker.settle(action, False)
        if outcome.interrupted is not None:
            interrupted.append(outcome.interrupted)
        if progress is not None:
            progress(report)

    def counted(stream: Iterable[BulkAction]) -> Iterator[BulkAction]:
        for action in stream:
            if action.kind == "quote":
                report.quotes += 1
            tracker.add(action)
            yield action

    inflight: set[Future[_Outcome]] = set()

    def collect(block: bool) -> None:
        done, _ = (
            wait(inflight, return_when=FIRST_COMPLETED)
            if block
            else ({f for f in inflight if f.done()}, None)
        )
        for fut in done:
            inflight.discard(fut)
            apply(fut.result())

    try:
        with (
            _RefreshPaused(client, indices, report),
            ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="bulk") as pool,
        ):
            try:
                for chunk in _chunks(counted(actions), sender, chunk_size, max_chunk_bytes):
                    while len(inflight) >= max(1, concurrency):
                        collect(block=True)
                    if interrupted:
                        break
                    inflight.add(pool.submit(sender.send, chunk))
                    collect(block=False)
                    if interrupted:
                        break
            finally:
                while inflight:  # what was sent is acknowledged (and checkpointed) before leaving
                    collect(block=True)
    finally:
        dead.close()
        if checkpoint is not None:
            checkpoint.close()
        report.elapsed = time.monotonic() - started
    if interrupted:
        raise LoadInterrupted(
            f"Elasticsearch at {client_url(client)} stopped answering ({interrupted[0]}); "
            f"{report.indexed} quotes indexed so far; rerun with the same --checkpoint to resume",
            report,
        )
    return report


# --------------------------------------------------------------------------- from articles / records


def index_stream(
    client: Elasticsearch | None,
    results: Iterable[ArticleResult],
    *,
    names: IndexNames | None = None,
    quotes_index: str = "quotes",
    articles_index: str | None = "articles",
    report: LoadReport | None = None,
    **load_options: Any,
) -> LoadReport:
    """Index extraction results as they come (extraction and sending overlap; see `load`).

    Failed extractions are counted in `articles_failed` and reported as problems.
    """
    report = report if report is not None else LoadReport()
    if names is not None:
        quotes_index, articles_index = names.quotes_alias, names.articles_alias

    progress = load_options.get("progress")

    def counted(stream: Iterable[ArticleResult]) -> Iterator[ArticleResult]:
        for result in stream:
            report.articles_read += 1
            if progress is not None:
                progress(report)
            if result.error is not None:
                report.articles_failed += 1
                report.problem(f"{result.article.origin or result.article.id}: {result.error}")
            yield result

    targets = [i for i in (quotes_index, articles_index) if i]
    load_options.setdefault("indices", targets)
    return load(
        client, bulk_actions(counted(results), quotes_index, articles_index), report=report, **load_options
    )


def index_articles(
    client: Elasticsearch | None,
    items: Iterable[Any],  # Article | ReadFailure | Unsupported, as `iter_articles` yields them
    extract: Callable[[Iterable[Article]], Iterable[ArticleResult]],
    *,
    checkpoint: Checkpoint | None = None,
    shard: tuple[int, int] | None = None,
    **options: Any,
) -> LoadReport:
    """Read -> skip (checkpoint, shard) -> extract -> index. Skipping happens before extraction."""
    from indexer.articles import select_articles

    report: LoadReport = options.pop("report", None) or LoadReport()

    def failed(failure: ReadFailure) -> None:
        report.articles_failed += 1
        report.problem(str(failure))

    def skipped(article: Article, reason: str) -> None:
        if reason == "done":
            report.articles_skipped += 1
        else:
            report.articles_other_shards += 1

    selected = select_articles(
        items, failed, shard=shard, done=checkpoint, skipped=skipped, unsupported=report.skip_unsupported
    )

    def wanted() -> Iterator[Article]:
        for article in selected:
            if article.published_text is not None:
                report.date_unread(article)
            yield article

    return index_stream(client, extract(wanted()), checkpoint=checkpoint, report=report, **options)


def iter_records(paths: Sequence[str]) -> Iterator[dict[str, Any] | ReadFailure]:
    """Records from JSON Lines files written by `quotes extract`, streamed; bad lines are failures."""
    from indexer.articles import ReadFailure

    for path in paths:
        try:
            f = open(path, encoding="utf-8")  # noqa: SIM115 (closed below; generator)
        except OSError as exc:
            yield ReadFailure(path, f"cannot read: {exc.strerror or exc}")
            continue
        with f:
            try:
                for lineno, line in enumerate(f, start=1):
                    if not line.strip():
                        continue
                    origin = f"{path}:{lineno}"
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield ReadFailure(origin, f"invalid JSON: {exc.msg} at column {exc.colno}")
                        continue
                    if not (isinstance(record, dict) and record.get("quote_id") and record.get("article_id")):
                        yield ReadFailure(origin, "not an attribution record (needs quote_id and article_id)")
                        continue
                    yield record
            except UnicodeDecodeError as exc:
                yield ReadFailure(path, f"not valid UTF-8 at byte {exc.start}; re-encode the file as UTF-8")


def load_records(
    client: Elasticsearch | None,
    paths: Sequence[str],
    *,
    names: IndexNames | None = None,
    quotes_index: str = "quotes",
    articles_index: str | None = "articles",
    checkpoint: Checkpoint | None = None,
    report: LoadReport | None = None,
    **load_options: Any,
) -> LoadReport:
    """Index records written by `quotes extract` (the `quotes load` command), with the same guarantees."""
    from indexer.articles import ReadFailure

    report = report if report is not None else LoadReport()
    if names is not None:
        quotes_index, articles_index = names.quotes_alias, names.articles_alias
    seen: list[str | None] = [None]

    def wanted(stream: Iterable[dict[str, Any] | ReadFailure]) -> Iterator[dict[str, Any]]:
        for item in stream:
            if isinstance(item, ReadFailure):
                report.articles_failed += 1
                report.problem(str(item))
                continue
            aid = str(item["article_id"])
            if checkpoint is not None and aid in checkpoint:
                if aid != seen[0]:
                    report.articles_skipped += 1
                    seen[0] = aid
                continue
            if aid != seen[0]:
                report.articles_read += 1
                seen[0] = aid
            yield item

    targets = [i for i in (quotes_index, articles_index) if i]
    load_options.setdefault("indices", targets)
    return load(
        client,
        record_actions(wanted(iter_records(paths)), quotes_index, articles_index),
        checkpoint=checkpoint,
        report=report,
        **load_options,
    )
