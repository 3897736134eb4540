"""The checkpoint file of finished articles (tied to the cluster and index it was written for), and
the check that a dead-letter file can be written."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from indexer.es.client import _translate_errors
from indexer.es.errors import StoreError
from indexer.es.indices import _write_index

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


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
