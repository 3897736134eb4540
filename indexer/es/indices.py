"""Index templates read from ``mappings/``, the versioned indices behind their aliases, the shards
and replicas a cluster calls for, and reindex with an atomic alias swap."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.es.client import _translate_errors
from indexer.es.documents import BulkAction
from indexer.es.errors import StoreError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


MAPPINGS_DIR = Path(__file__).resolve().parent.parent.parent / "mappings"
TEMPLATE_FILES = {"quotes": "quotes-template.json", "articles": "articles-template.json"}
_VERSION_RE = re.compile(r"^(?P<alias>.+)-v(?P<n>\d+)$")


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
            from indexer.es.load import load  # the bulk loader, for servers without _reindex

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
    return ReindexReport(alias, current, dest, source_count, dest_count, method)


def prepare_indices(
    client: Elasticsearch | None, alias: str, *, reindex_first: bool = False, dry_run: bool = False
) -> tuple[IndexNames, list[ReindexReport]]:
    """The indices a load writes to. In a dry run only their names (nothing is asked of the server);
    else the templates, indices and aliases (`ensure_indices`), after copying both indices into new
    versions with the current mappings when `reindex_first`."""
    articles_alias = articles_alias_for(alias)
    if dry_run or client is None:
        return IndexNames(alias, alias, articles_alias, articles_alias), []
    names = ensure_indices(client, alias, articles_alias)
    done: list[ReindexReport] = []
    if reindex_first:
        done = [
            reindex(client, name, kind) for kind, name in (("quotes", alias), ("articles", articles_alias))
        ]
        names = ensure_indices(client, alias, articles_alias)
    return names, done
