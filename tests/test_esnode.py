"""Tests against a real local Elasticsearch node started by indexer.esnode (no mocks, no fakes).

The first run builds esnode/ with Maven (resolving Elasticsearch from Maven Central); if the node
cannot be started these tests fail, they are never skipped.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer import esnode

pytestmark = pytest.mark.es

START_TIMEOUT = 300.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def node_place(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A free port and an empty data dir; whatever node ran there is stopped afterwards."""
    port = _free_port()
    data_dir = tmp_path / "es"
    yield port, data_dir
    esnode.stop(port=port, data_dir=data_dir)


def test_start_index_search_stop_and_restart_keeps_data(node_place: tuple[int, Path]) -> None:
    port, data_dir = node_place
    notes: list[str] = []

    info = esnode.start(port=port, data_dir=data_dir, progress=notes.append, timeout=START_TIMEOUT)
    assert info.url == f"http://127.0.0.1:{port}"
    assert info.pid is not None and _process_exists(info.pid)
    assert info.version.split(".")[0] in ("8", "9")
    assert info.log_file == data_dir.resolve() / "node.log"
    assert (data_dir / "node.pid").read_text().strip() == str(info.pid)
    assert any("up at" in note for note in notes)

    status = esnode.status(port=port, data_dir=data_dir)
    assert status is not None
    assert status.health in ("green", "yellow")
    assert status.pid == info.pid
    assert status.version == info.version
    assert status.cluster_name == "quotes-local"

    # a second start finds the running node instead of launching another
    again = esnode.start(port=port, data_dir=data_dir, timeout=START_TIMEOUT)
    assert again.pid == info.pid

    es = Elasticsearch(info.url, request_timeout=30)
    assert es.ping()
    assert es.info()["cluster_name"] == "quotes-local"
    es.indices.create(
        index="quotes-test",
        settings={"number_of_shards": 1, "number_of_replicas": 0},
        mappings={
            "properties": {
                "quote": {"type": "text"},
                "speaker": {"type": "keyword", "normalizer": "lowercase"},
            }
        },
    )
    es.index(
        index="quotes-test",
        id="q1",
        document={"quote": "We will win this election", "speaker": "Jane Doe"},
        refresh=True,
    )
    hits = es.search(index="quotes-test", query={"match": {"quote": "election"}})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["q1"]
    by_speaker = es.search(index="quotes-test", query={"term": {"speaker": "JANE DOE"}})["hits"]["hits"]
    assert [hit["_id"] for hit in by_speaker] == ["q1"]
    es.close()

    assert esnode.stop(port=port, data_dir=data_dir) is True
    assert esnode.status(port=port, data_dir=data_dir) is None
    assert not (data_dir / "node.pid").exists()
    assert not _process_exists(info.pid)
    assert esnode.stop(port=port, data_dir=data_dir) is False  # nothing left to stop

    # same data dir again: the document survived the restart
    restarted = esnode.start(port=port, data_dir=data_dir, timeout=START_TIMEOUT)
    assert restarted.pid is not None and restarted.pid != info.pid
    es = Elasticsearch(restarted.url, request_timeout=30)
    es.cluster.health(index="quotes-test", wait_for_status="green", timeout="60s")
    assert es.get(index="quotes-test", id="q1")["_source"]["speaker"] == "Jane Doe"
    assert es.count(index="quotes-test")["count"] == 1
    es.close()
    assert esnode.stop(port=port, data_dir=data_dir) is True
    assert esnode.status(port=port, data_dir=data_dir) is None


def test_start_failure_names_log_and_cause(node_place: tuple[int, Path]) -> None:
    port, data_dir = node_place
    with pytest.raises(esnode.EsNodeError) as failure:
        esnode.start(port=port, data_dir=data_dir, settings={"no.such.setting": "x"}, timeout=START_TIMEOUT)
    message = str(failure.value)
    assert "\n" not in message
    assert str(data_dir.resolve() / "node.log") in message
    assert "no.such.setting" in message
    assert esnode.status(port=port, data_dir=data_dir) is None
    assert not (data_dir / "node.pid").exists()


def test_tiny_write_queue_rejects_concurrent_bulks_with_429(node_place: tuple[int, Path]) -> None:
    port, data_dir = node_place
    info = esnode.start(
        port=port,
        data_dir=data_dir,
        settings={"thread_pool.write.queue_size": 1, "thread_pool.write.size": 1},
        timeout=START_TIMEOUT,
    )
    es = Elasticsearch(info.url, request_timeout=60, max_retries=0, retry_on_status=())
    es.indices.create(index="load", settings={"number_of_shards": 2, "number_of_replicas": 0})
    lock = threading.Lock()
    rejected = 0

    def send(batch: int) -> None:
        nonlocal rejected
        operations: list[dict[str, object]] = []
        for i in range(200):
            operations += [{"index": {"_index": "load"}}, {"quote": f"batch {batch} doc {i} " + "x" * 200}]
        response = es.options(ignore_status=429).bulk(operations=operations)
        body = response.body
        count = 0
        if body.get("status") == 429:
            count = 1
        else:
            count = sum(1 for item in body["items"] if item["index"]["status"] == 429)
        with lock:
            rejected += count

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(send, range(48)))
    pools = es.cat.thread_pool(thread_pool_patterns="write", h="rejected", format="json").body
    es.close()
    assert rejected > 0
    assert isinstance(pools, list)
    assert int(pools[0]["rejected"]) > 0
