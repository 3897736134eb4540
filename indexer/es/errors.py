"""The errors of the Elasticsearch side: one-line messages a user can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.es.load import LoadReport


class StoreError(Exception):
    """A problem the user can fix (bad URL, credentials, index name...); the message is one line."""


class StoreUnavailable(StoreError):
    """Elasticsearch cannot be reached (or stays unavailable after retries)."""


class LoadInterrupted(StoreError):
    """A load stopped before the end; `report` has what was done. Rerun with the checkpoint to resume."""

    def __init__(self, message: str, report: LoadReport) -> None:
        super().__init__(message)
        self.report = report
