"""The Elasticsearch side in one import: what a script or a test needs from `indexer.es`.

Each job has its own module in `indexer/es/`:

* `client`: `connect` builds a client from options or the ``ELASTICSEARCH_*`` environment (one URL or
  several, for failover); secrets never appear in messages (`redact_url`);
* `indices`: `ensure_indices` puts the templates of ``mappings/`` and creates the versioned indices
  (``quotes-v1``, ``articles-v1``) behind their aliases, with the shards and replicas a cluster calls
  for; `reindex` copies into the next version and swaps the alias in one request;
* `checkpoint`: the file of finished articles, tied to the cluster and index it was written for;
* `bulk` and `load`: `load` sends a stream of `BulkAction`s in chunks and never loses a document
  (retries with backoff, dead-letter file, refresh paused, checkpoint); `index_articles`,
  `index_stream` and `load_records` feed it from articles or from `quotes extract` records.

Nothing there prints; progress goes to a callback and problems into the returned `LoadReport`.
"""

from __future__ import annotations

from indexer.es.bulk import RetryPolicy
from indexer.es.checkpoint import Checkpoint, check_dead_letter, index_identity
from indexer.es.client import DEFAULT_URL, check_connection, client_url, connect, describe_error, redact_url
from indexer.es.errors import LoadInterrupted, StoreError, StoreUnavailable
from indexer.es.indices import (
    MAPPINGS_DIR,
    TEMPLATE_FILES,
    IndexNames,
    ReindexReport,
    articles_alias_for,
    data_nodes,
    ensure_indices,
    index_settings,
    reindex,
    template_body,
)
from indexer.es.load import LoadReport, index_articles, index_stream, load, load_records
from indexer.reading.records import iter_records

__all__ = [
    "DEFAULT_URL",
    "MAPPINGS_DIR",
    "TEMPLATE_FILES",
    "Checkpoint",
    "IndexNames",
    "LoadInterrupted",
    "LoadReport",
    "ReindexReport",
    "RetryPolicy",
    "StoreError",
    "StoreUnavailable",
    "articles_alias_for",
    "check_connection",
    "check_dead_letter",
    "client_url",
    "connect",
    "data_nodes",
    "describe_error",
    "ensure_indices",
    "index_articles",
    "index_identity",
    "index_settings",
    "index_stream",
    "iter_records",
    "load",
    "load_records",
    "redact_url",
    "reindex",
    "template_body",
]
