"""Shared fixtures: a real Elasticsearch node for the tests that need one, and what several test
modules read: indices built through the CLI (`wire`, `samples_and_wire`), a source index for
`quotes enrich` (`news_source`) and a stand-in for Kibana's import API (`stand_in`).

`es_url` is ``ELASTICSEARCH_URL`` when set, else a local node started with `indexer.esnode` on a
free port with a temporary data folder, stopped at the end of the session. If it cannot start,
the tests that need it FAIL with the reason (they are never skipped).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalNode:
    """A node started by a test (for tests that restart it or need special settings)."""

    port: int
    data_dir: Path
    url: str
    settings: dict[str, Any]

    def stop(self) -> None:
        from indexer import esnode

        esnode.stop(self.port, self.data_dir)

    def start(self) -> None:
        from indexer import esnode

        esnode.start(self.port, self.data_dir, settings=self.settings)


@pytest.fixture(scope="session")
def es_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = os.environ.get("ELASTICSEARCH_URL")
    if env:
        yield env
        return
    from indexer import esnode

    port = free_port()
    data_dir = tmp_path_factory.mktemp("es-node")
    try:
        info = esnode.start(port, data_dir)
    except Exception as exc:  # the tests must fail, not skip, when there is no node
        pytest.fail(f"could not start the local Elasticsearch node: {exc}", pytrace=False)
    try:
        yield info.url
    finally:
        esnode.stop(port, data_dir)


@pytest.fixture
def start_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LocalNode]]:
    """Start extra local nodes (e.g. with a tiny write queue); all are stopped after the test."""
    from indexer import esnode

    started: list[LocalNode] = []

    def start(settings: dict[str, Any] | None = None) -> LocalNode:
        port = free_port()
        data_dir = tmp_path_factory.mktemp("es-extra")
        try:
            info = esnode.start(port, data_dir, settings=settings)
        except Exception as exc:
            pytest.fail(f"could not start a local Elasticsearch node: {exc}", pytrace=False)
        node = LocalNode(port, data_dir, info.url, dict(settings or {}))
        started.append(node)
        return node

    yield start
    for node in started:
        node.stop()


@pytest.fixture(scope="session")
def es_client(es_url: str) -> Any:
    from indexer import store

    client = store.connect(es_url)
    store.check_connection(client)
    return client


@dataclass
class EsTarget:
    """A client and a fresh alias pair for one test."""

    client: Any
    url: str
    alias: str
    articles_alias: str


def drop_aliases(client: Any, *aliases: str) -> None:
    for alias in aliases:
        client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True, allow_no_indices=True)
        client.options(ignore_status=404).indices.delete_index_template(name=f"{alias}-template")


def load_records(client: Any, alias: str, records: Iterable[dict[str, Any]]) -> Any:
    """Index records shaped like `quotes extract` output under `alias` and `alias-articles` (both made
    if missing); the load's report."""
    from indexer import store
    from indexer.es.documents import record_actions

    names = store.ensure_indices(client, alias, f"{alias}-articles")
    return store.load(
        client,
        record_actions(records, names.quotes_alias, names.articles_alias),
        indices=[names.quotes_alias, names.articles_alias],
    )


@pytest.fixture
def es(es_client: Any, es_url: str) -> Iterator[EsTarget]:
    alias = f"t-{uuid.uuid4().hex[:10]}"
    target = EsTarget(es_client, es_url, alias, f"{alias}-articles")
    yield target
    drop_aliases(es_client, target.alias, target.articles_alias)


def make_record(
    article: int,
    quote: int,
    *,
    name: str | None = "Hossein Salami",
    text: str | None = None,
    anonymous: bool = False,
    mention: str | None = None,
    type: str = "direct",
    outlet: str = "The Test Gazette",
    published_at: str | None = "2016-09-12",
) -> dict[str, Any]:
    """A record shaped like `quotes extract` output, with invented text (no real article)."""
    from indexer.model import Attribution, Span, Speaker, quote_id

    start = 100 * quote
    text = text or f"The bridge number {quote} in town {article} will open before the winter."
    attribution = Attribution(
        article_id=f"art-{article}",
        type=type,  # type: ignore[arg-type]
        text=text,
        start=start,
        end=start + len(text),
        cue=Span("said", start + len(text) + 2, start + len(text) + 6),
        speaker=Speaker(
            mention=mention or name or "an official",
            start=start + len(text) + 7,
            end=start + len(text) + 20,
            name=name,
            id=None if name is None else f"sp-{quote_id(name, 0, 0)[:8]}",
            kind="person" if name else "unnamed_person",
            anonymous=anonymous,
            title="spokesman" if name else None,
            affiliation="Ministry of Tests",
            count=None,
            anonymity_reason="not authorized to speak" if anonymous else None,
        ),
        confidence=0.87,
        fragments=[(start, start + len(text))],
    )
    return attribution.to_dict(
        {
            "title": f"Invented article {article}",
            "url": f"https://example.org/articles/{article}",
            "outlet": outlet,
            "published_at": published_at,
            "reporters": ["Test Reporter"],
        }
    )


@pytest.fixture
def records() -> Callable[..., Iterator[dict[str, Any]]]:
    """`records(n_articles, per_article)`: a stream of invented records, article by article."""

    def gen(n_articles: int, per_article: int, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for a in range(n_articles):
            for q in range(per_article):
                yield make_record(a, q, **kwargs)

    return gen


def write_corpus(path: Path, n: int) -> Path:
    """`n` articles with their own ids (JSON Lines), the self-written texts of samples/, tests/data/ and
    tests/wire/ in turn: enough work for several batches."""
    from indexer.model import Article
    from indexer.reading.articles import iter_articles

    root = Path(__file__).resolve().parents[1]
    folders = [root / "samples", root / "tests" / "data", root / "tests" / "wire"]
    texts = [a.text for a in iter_articles([str(p) for p in folders]) if isinstance(a, Article)]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"d{i:04d}", "text": texts[i % len(texts)]}) + "\n")
    return path


# --------------------------------------------------------------------------- indices several modules read

FIRST_RUN = "2026-05-05T08:00:00Z"  # tests/wire/: the wire's own copy; the pickups are later


@pytest.fixture(scope="session")
def wire(es_client: Any, es_url: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """tests/wire/ indexed through the CLI (the cluster pass runs after the load); the alias and its
    quotes. Read by the quote-cluster tests and by `quotes reused` / `search --collapse`."""
    from tests.clihelp import WIRE, invoke

    alias = f"t-wire-{uuid.uuid4().hex[:8]}"
    result = invoke("index", WIRE, "--es-url", es_url, "--index", alias)
    assert result.exit_code == 0, result.output
    assert "quote clusters: " in result.stderr
    hits = es_client.search(index=alias, size=100, query={"match_all": {}}).body["hits"]["hits"]
    yield alias, [dict(h["_source"], _id=h["_id"]) for h in hits]
    drop_aliases(es_client, alias, f"{alias}-articles")


@pytest.fixture(scope="session")
def samples_and_wire(es_client: Any, es_url: str) -> Iterator[str]:
    """samples/ and tests/wire/ indexed through the CLI, as a user does; the alias (for `quotes report`)."""
    from tests.clihelp import SAMPLES, WIRE, invoke

    alias = f"t-report-{uuid.uuid4().hex[:8]}"
    result = invoke("index", SAMPLES, WIRE, "--es-url", es_url, "--index", alias)
    assert result.exit_code == 0, result.output
    es_client.indices.refresh(index=alias)
    yield alias
    drop_aliases(es_client, alias, f"{alias}-articles")


# --------------------------------------------------------------------------- a source index for `enrich`

QUIET = "The museum reopened on Tuesday after a two-year renovation. Visitors queued around the block."
SOURCE_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "body": {"type": "text"},
        "headline": {"type": "text"},
        "pub_date": {"type": "date"},
        "link": {"type": "keyword"},
        "site": {"type": "keyword"},
        "section": {"type": "keyword"},
    },
}


def _sample_docs() -> dict[str, dict[str, Any]]:
    """Source documents by _id: the samples and one article without quotes."""
    from indexer.model import Article
    from indexer.reading.articles import Unsupported, iter_articles

    samples = Path(__file__).resolve().parents[1] / "samples"
    docs: dict[str, dict[str, Any]] = {}
    for article in iter_articles([str(samples)], id_root=str(samples)):
        if isinstance(article, Unsupported):
            continue  # samples/README.md
        assert isinstance(article, Article)
        doc = {"body": article.text, "headline": article.title, "section": "city"}
        if article.published_at:
            doc["pub_date"] = article.published_at
        if article.url:
            doc["link"] = article.url
        if article.outlet:
            doc["site"] = article.outlet
        key = article.id if "/" not in article.id else Path(article.origin).stem  # the HTML's id is its URL
        docs[f"doc-{key}"] = doc
    docs["doc-quiet"] = {"body": QUIET, "headline": "Museum reopens", "section": "culture"}
    return docs


@pytest.fixture
def news_source(es_client: Any) -> Iterator[tuple[str, str, dict[str, dict[str, Any]]]]:
    """A fresh source index with the sample articles, and a fresh quotes alias: (index, alias, docs)."""
    index = f"t-news-{uuid.uuid4().hex[:8]}"
    alias = f"t-enrich-{uuid.uuid4().hex[:8]}"
    docs = _sample_docs()
    es_client.indices.create(index=index, mappings=SOURCE_MAPPING, settings={"number_of_replicas": 0})
    for doc_id, doc in docs.items():
        es_client.index(index=index, id=doc_id, document=doc)
    es_client.indices.refresh(index=index)
    yield index, alias, docs
    es_client.indices.delete(index=index, ignore_unavailable=True)
    drop_aliases(es_client, alias, f"{alias}-articles")


# --------------------------------------------------------------------------- a stand-in for Kibana


class StandInKibana:
    """NOT Kibana: a local HTTP server that records requests and replies with the given statuses."""

    def __init__(self, statuses: list[int]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict[str, Any]] = []
        self.statuses = statuses
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = owner.statuses.pop(0) if owner.statuses else 200
                if status == 200:
                    answer: dict[str, Any] = {"success": True, "successCount": 8, "errors": []}
                else:
                    answer = {"statusCode": status, "error": "x", "message": f"stand-in says {status}"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in() -> Iterator[Callable[..., StandInKibana]]:
    """`stand_in(statuses)`: start a `StandInKibana` (answering `statuses` first, then 200); all are
    stopped after the test."""
    servers: list[StandInKibana] = []

    def start(statuses: list[int] | None = None) -> StandInKibana:
        server = StandInKibana(list(statuses or []))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
