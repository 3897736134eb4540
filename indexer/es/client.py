"""Connecting to Elasticsearch: URLs (one or several nodes), credentials that never appear in
messages (`redact_url`), and client errors turned into one-line messages."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from indexer.es.errors import StoreError, StoreUnavailable

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


DEFAULT_URL = "http://localhost:9200"


def bare_netloc(hostname: str, port: int | None) -> str:
    """``host:port`` of a URL without its credentials (an IPv6 host in brackets)."""
    host = f"[{hostname}]" if ":" in hostname else hostname
    return f"{host}:{port}" if port else host


def redact_url(url: str) -> str:
    """The URL without user name and password (``https://user:pw@host`` -> ``https://host``); each of
    several comma-separated URLs."""
    if "," in url:
        return ",".join(redact_url(part.strip()) for part in url.split(","))
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        netloc = bare_netloc(parts.hostname or "", parts.port)
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
    return urlunsplit(SplitResult(parts.scheme, bare_netloc(parts.hostname, port), parts.path, "", ""))


def client_url(client: Elasticsearch) -> str:
    """The (credential-free) URL of the client's first node, for messages."""
    try:
        node = client.transport.node_pool.all()[0].config
        return f"{node.scheme}://{node.host}:{node.port}{node.path_prefix}"
    except (AttributeError, IndexError):
        return "Elasticsearch"


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


def unreachable(url: str, exc: BaseException) -> str:
    """The one line for a server that does not answer (a transport error), whoever asked."""
    return (
        f"cannot reach Elasticsearch at {url} ({describe_error(exc)}); is it running? "
        f"(`quotes es start`, --es-url)"
    )


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
        raise StoreUnavailable(unreachable(url, exc)) from None
