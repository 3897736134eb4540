"""Attribution records read back from the JSON Lines files `quotes extract` writes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.reading.articles import ReadFailure


def iter_records(paths: Sequence[str]) -> Iterator[dict[str, Any] | ReadFailure]:
    """Records from JSON Lines files written by `quotes extract`, streamed; bad lines are failures."""
    from indexer.reading.articles import ReadFailure

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
