"""Kibana saved objects for the quotes index: read them, export them, import them into a Kibana.

The objects (a data view on the ``quotes`` alias, Lens visualizations, a saved search and a
dashboard) live in ``mappings/kibana/saved-objects.ndjson`` in Kibana's export format; this module
only reads that file. `panel_queries` turns each Lens visualization into the Elasticsearch
aggregation that backs it, so the panels can be checked against an index without a Kibana.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from indexer.es.client import bare_netloc, redact_url
from indexer.es.indices import MAPPINGS_DIR

__all__ = [
    "SAVED_OBJECTS_FILE",
    "Bucket",
    "KibanaError",
    "PanelQuery",
    "TimeRange",
    "dashboard_time_range",
    "export",
    "import_objects",
    "panel_queries",
    "saved_objects",
]

SAVED_OBJECTS_FILE = MAPPINGS_DIR / "kibana" / "saved-objects.ndjson"
COUNT_FIELD = "___records___"  # Lens's name for "count of documents"
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Lens date_histogram intervals that are calendar units; others ("12h", "30m") are fixed lengths.
_CALENDAR = {"1m": "1m", "1h": "1h", "1d": "1d", "1w": "1w", "1M": "1M", "1q": "1q", "1y": "1y"}
_METRICS = {"sum": "sum", "average": "avg", "min": "min", "max": "max", "unique_count": "cardinality"}


class KibanaError(Exception):
    """A problem the user can fix (file, URL, credentials, Kibana's answer); the message is one line."""


def saved_objects(path: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The saved objects, one dict per NDJSON line of `path` (default: the file in ``mappings/``)."""
    source = Path(path) if path is not None else SAVED_OBJECTS_FILE
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KibanaError(f"cannot read saved objects {source}: {exc.strerror or exc}") from None
    objects = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KibanaError(f"{source}:{lineno}: invalid JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(obj, dict) or not obj.get("id") or not obj.get("type"):
            raise KibanaError(f"{source}:{lineno}: not a saved object (needs id and type)")
        objects.append(obj)
    return objects


def _ndjson(objects: Sequence[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for o in objects).encode()


def export(path: str | os.PathLike[str]) -> int:
    """Write the saved objects to `path` as NDJSON (ready for Kibana's import); the number written."""
    objects = saved_objects()
    try:
        Path(path).write_bytes(_ndjson(objects))
    except OSError as exc:
        raise KibanaError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(objects)


# --------------------------------------------------------------------------- import


class _Retryable(Exception):
    """Kibana answered 5xx or could not be reached; worth another try."""


def _auth_header(api_key: str | None, username: str | None, password: str | None) -> dict[str, str]:
    if api_key:
        return {"Authorization": f"ApiKey {api_key}"}
    if username:
        token = base64.b64encode(f"{username}:{password or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}
    return {}


def _import_url(kibana_url: str, overwrite: bool) -> tuple[str, str | None, str | None]:
    """The import endpoint without credentials, and the user/password found in the URL, if any."""
    shown = redact_url(kibana_url)
    try:
        parts = urlsplit(kibana_url)
        port = parts.port
    except ValueError as exc:
        raise KibanaError(f"invalid Kibana URL {shown}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KibanaError(f"invalid Kibana URL {shown}: expected http(s)://HOST[:PORT][/s/SPACE]")
    netloc = bare_netloc(parts.hostname, port)
    path = parts.path.rstrip("/") + "/api/saved_objects/_import"
    query = "overwrite=true" if overwrite else ""
    user = unquote(parts.username) if parts.username is not None else None
    pw = unquote(parts.password) if parts.password is not None else None
    return urlunsplit((parts.scheme, netloc, path, query, "")), user, pw


def _message(body: bytes) -> str:
    """Kibana's error message from a response body, on one line."""
    try:
        answer = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        answer = None
    if isinstance(answer, dict) and answer.get("message"):
        return " ".join(str(answer["message"]).split())[:300]
    return " ".join(body[:200].decode("utf-8", "replace").split())


def import_objects(
    kibana_url: str,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    overwrite: bool = True,
    *,
    objects: Sequence[Mapping[str, Any]] | None = None,
    attempts: int = 5,
    backoff: float = 1.0,
    timeout: float = 30.0,
    ca_certs: str | None = None,
) -> dict[str, Any]:
    """Send the saved objects to Kibana's ``/api/saved_objects/_import`` and return its JSON answer.

    The request is multipart (one ``file`` part holding the NDJSON) with ``kbn-xsrf: true``.
    Connection errors and 5xx answers are retried `attempts` times in all, with exponential
    backoff. The answer has ``success``, ``successCount`` and ``errors`` (objects Kibana refused,
    e.g. conflicts or missing references). Credentials never appear in messages.
    """
    import urllib3
    from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

    url, url_user, url_password = _import_url(kibana_url, overwrite)
    shown = redact_url(url)
    if username is None and url_user is not None:
        username, password = url_user, url_password
    payload = _ndjson(objects if objects is not None else saved_objects())
    body, content_type = urllib3.encode_multipart_formdata(
        {"file": ("quotes-saved-objects.ndjson", payload, "application/ndjson")}
    )
    headers = {"kbn-xsrf": "true", "Content-Type": content_type, **_auth_header(api_key, username, password)}
    pool = urllib3.PoolManager(ca_certs=ca_certs) if ca_certs else urllib3.PoolManager()

    def send() -> urllib3.BaseHTTPResponse:
        try:
            resp = pool.request(
                "POST", url, body=body, headers=headers, retries=False, timeout=timeout, redirect=False
            )
        except urllib3.exceptions.SSLError as exc:
            raise KibanaError(f"TLS error talking to Kibana at {shown}: {exc}; pass the CA file") from None
        except urllib3.exceptions.HTTPError as exc:
            raise _Retryable(f"{type(exc).__name__}: {_reason(exc)}") from None
        if resp.status in RETRY_STATUSES:
            raise _Retryable(f"HTTP {resp.status}: {_message(resp.data)}")
        return resp

    try:
        resp = Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(max(1, attempts)),
            wait=wait_exponential(multiplier=backoff, max=30),
            reraise=False,
        )(send)
    except RetryError as exc:
        cause = exc.last_attempt.exception()
        raise KibanaError(
            f"cannot import into Kibana at {shown} ({cause}) after {attempts} attempts; is it running?"
        ) from None
    finally:
        pool.clear()
    if resp.status in (401, 403):
        raise KibanaError(
            f"Kibana at {shown} refused the credentials (HTTP {resp.status}); "
            f"check --api-key or --username/--password"
        )
    if resp.status >= 300:
        raise KibanaError(f"Kibana at {shown} answered HTTP {resp.status}: {_message(resp.data)}")
    try:
        answer = json.loads(resp.data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise KibanaError(f"Kibana at {shown} answered something that is not JSON; is it Kibana?") from None
    if not isinstance(answer, dict):
        raise KibanaError(f"Kibana at {shown} answered an unexpected JSON value; is it Kibana?")
    return answer


def _reason(exc: BaseException) -> str:
    """The innermost reason of a urllib3 error (``Connection refused``), without the URL."""
    inner = getattr(exc, "reason", None)
    text = str(inner if inner is not None else exc)
    if "] " in text:
        text = text.rsplit("] ", 1)[-1]
    return " ".join(text.split())[:200]


# --------------------------------------------------------------------------- panel queries


@dataclass(frozen=True)
class Bucket:
    """One bucketed Lens column: the aggregation that makes its buckets."""

    column: str
    label: str
    agg: str  # "terms" or "date_histogram"
    field: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)  # the aggregation's parameters


@dataclass(frozen=True)
class TimeRange:
    """A dashboard's stored time range on the data view's time field (Kibana date math: "now-15y")."""

    field: str
    start: str
    end: str

    def filter(self) -> dict[str, Any]:
        return {"range": {self.field: {"gte": self.start, "lte": self.end}}}


def dashboard_time_range(objects: Sequence[Mapping[str, Any]] | None = None) -> TimeRange:
    """The time range the dashboard opens on, on the time field of the data view."""
    objects = objects if objects is not None else saved_objects()
    views = [o for o in objects if o.get("type") == "index-pattern"]
    boards = [o for o in objects if o.get("type") == "dashboard"]
    if not views or not boards:
        raise KibanaError("the saved objects need a data view and a dashboard")
    board = boards[0]["attributes"]
    if not board.get("timeRestore"):
        raise KibanaError(f"dashboard {boards[0]['id']!r} stores no time range (timeRestore is false)")
    return TimeRange(views[0]["attributes"]["timeFieldName"], board["timeFrom"], board["timeTo"])


@dataclass(frozen=True)
class PanelQuery:
    """The Elasticsearch aggregation behind one Lens visualization (one data layer).

    Bucket columns nest in the layer's column order; metrics are computed in the innermost bucket
    (``count`` is the bucket's ``doc_count``). `rows` flattens an answer into
    ``(key, ..., {metric: value})`` tuples.
    """

    id: str
    title: str
    visualization: str
    buckets: tuple[Bucket, ...]
    metrics: dict[str, dict[str, Any]]  # column id -> Elasticsearch metric aggregation, {} for count
    filters: tuple[dict[str, Any], ...] = ()  # the visualization's own filters (Elasticsearch queries)
    excludes: tuple[dict[str, Any], ...] = ()  # its negated filters

    def body(
        self, time_range: TimeRange | None = None, query: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The search body (``size: 0`` and the nested aggregations) under the visualization's own
        filters; with `time_range`, filtered on the data view's time field as Kibana filters every
        panel of a dashboard; with `query`, only over the documents it matches (a report's filter)."""
        inner: dict[str, Any] = {col: agg for col, agg in self.metrics.items() if agg}
        for bucket in reversed(self.buckets):
            node: dict[str, Any] = {bucket.agg: {"field": bucket.field, **bucket.params}}
            if inner:
                node["aggs"] = inner
            inner = {bucket.column: node}
        body: dict[str, Any] = {"size": 0, "track_total_hits": True, "aggs": inner}
        filters = [*self.filters, *([time_range.filter()] if time_range is not None else [])]
        if filters or self.excludes or query is not None:
            where: dict[str, Any] = {"filter": filters}
            if self.excludes:
                where["must_not"] = list(self.excludes)
            if query is not None:
                where["must"] = [query]
            body["query"] = {"bool": where}
        return body

    def rows(self, response: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """``(bucket key, ..., {metric column: value})`` for every innermost bucket, in answer order."""
        out: list[tuple[Any, ...]] = []
        metrics = self.metrics.items()

        def walk(aggs: Mapping[str, Any], depth: int, keys: tuple[Any, ...]) -> None:
            if depth == len(self.buckets):
                values = {col: aggs[col]["value"] if agg else aggs["doc_count"] for col, agg in metrics}
                out.append((*keys, values))
                return
            for b in aggs[self.buckets[depth].column]["buckets"]:
                walk(b, depth + 1, (*keys, b.get("key_as_string", b["key"])))

        walk(response.get("aggregations", {}), 0, ())
        return out

    def fields(self) -> list[str]:
        """Every document field the visualization reads."""
        names = [b.field for b in self.buckets]
        for agg in self.metrics.values():
            for spec in agg.values():
                names.append(spec["field"])
        return names


def _bucket(column_id: str, column: Mapping[str, Any], columns: Mapping[str, Any]) -> Bucket:
    op = column["operationType"]
    params = column.get("params") or {}
    if op == "terms":
        order_by = params.get("orderBy") or {}
        direction = params.get("orderDirection", "desc")
        if order_by.get("type") == "alphabetical":
            order: dict[str, str] = {"_key": direction}
        elif order_by.get("type") == "column" and columns.get(str(order_by.get("columnId")), {}).get(
            "operationType"
        ) not in (None, "count"):
            order = {str(order_by["columnId"]): direction}
        else:
            order = {"_count": direction}
        es: dict[str, Any] = {"size": int(params.get("size", 5)), "order": order}
        if params.get("missingBucket"):
            es["missing"] = "(missing value)"
        return Bucket(column_id, column.get("label", column_id), "terms", column["sourceField"], es)
    if op == "date_histogram":
        interval = str(params.get("interval", "auto"))
        if interval in _CALENDAR:
            es = {"calendar_interval": _CALENDAR[interval]}
        elif interval == "auto":  # Kibana picks from the time range; a day is its usual choice
            es = {"calendar_interval": "1d"}
        else:
            es = {"fixed_interval": interval}
        if params.get("includeEmptyRows"):
            es["min_doc_count"] = 0
        return Bucket(column_id, column.get("label", column_id), "date_histogram", column["sourceField"], es)
    raise KibanaError(f"Lens column {column_id!r}: bucket operation {op!r} is not supported")


def _panel_query(obj: Mapping[str, Any]) -> Iterator[PanelQuery]:
    state = obj["attributes"]["state"]
    layers = state["datasourceStates"]["formBased"]["layers"]
    for layer_id, layer in layers.items():
        columns = layer["columns"]
        buckets: list[Bucket] = []
        metrics: dict[str, dict[str, Any]] = {}
        for column_id in layer["columnOrder"]:
            column = columns[column_id]
            if column.get("isBucketed"):
                buckets.append(_bucket(column_id, column, columns))
            elif column["operationType"] == "count":
                metrics[column_id] = {}
            elif column["operationType"] in _METRICS:
                metrics[column_id] = {_METRICS[column["operationType"]]: {"field": column["sourceField"]}}
            else:
                raise KibanaError(
                    f"{obj['id']}: Lens column {column_id!r} ({column['operationType']}) is not supported"
                )
        title = obj["attributes"]["title"]
        panel_id = obj["id"] if len(layers) == 1 else f"{obj['id']}/{layer_id}"
        filters, excludes = _lens_filters(obj)
        yield PanelQuery(
            panel_id,
            title,
            obj["attributes"]["visualizationType"],
            tuple(buckets),
            metrics,
            filters,
            excludes,
        )


def _lens_filters(obj: Mapping[str, Any]) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """A visualization's pinned filters as Kibana applies them: each filter's stored query, negated
    ones excluded, disabled ones ignored. Only an empty query bar is supported (KQL is not parsed)."""
    state = obj["attributes"]["state"]
    if str((state.get("query") or {}).get("query") or "").strip():
        raise KibanaError(f"{obj['id']}: a Lens query bar is not supported; use filters")
    keep: list[dict[str, Any]] = []
    drop: list[dict[str, Any]] = []
    for item in state.get("filters") or []:
        meta = item.get("meta") or {}
        if meta.get("disabled"):
            continue
        if "query" not in item:
            raise KibanaError(f"{obj['id']}: a Lens filter without a stored query is not supported")
        (drop if meta.get("negate") else keep).append(dict(item["query"]))
    return tuple(keep), tuple(drop)


def panel_queries(objects: Sequence[Mapping[str, Any]] | None = None) -> list[PanelQuery]:
    """The aggregation behind each Lens visualization, derived from the saved objects."""
    found: list[PanelQuery] = []
    for obj in objects if objects is not None else saved_objects():
        if obj.get("type") == "lens":
            found.extend(_panel_query(obj))
    return found
