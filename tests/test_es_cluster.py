"""A real three-node Elasticsearch cluster on 127.0.0.1 (`quotes es start --nodes 3`): loading that
survives losing a data node and the elected master, replicas on new indices, reindex on the cluster.

When the cluster cannot start, these tests fail with the reason; they are never skipped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from indexer import escluster, store
from tests.conftest import drop_aliases, write_corpus

ROOT = Path(__file__).resolve().parents[1]
QUOTES = Path(sys.executable).parent / "quotes"
NODES = 3


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _base_port() -> int:
    """A port P with P..P+2 and P+100..P+102 free (HTTP and transport of the three nodes)."""
    for port in range(21200 + os.getpid() % 500 * 10, 29000, 10):
        if all(_free(p) for i in range(NODES) for p in (port + i, port + escluster.TRANSPORT_OFFSET + i)):
            return port
    raise RuntimeError("no free ports for a three-node cluster")


class Cluster:
    def __init__(self, port: int, data_dir: Path) -> None:
        self.port, self.data_dir = port, data_dir
        self.urls = [f"http://127.0.0.1:{port + i}" for i in range(NODES)]
        self.url = ",".join(self.urls)

    def client(self) -> Any:
        return store.connect(self.url)

    def pids(self) -> dict[str, int]:
        return {n.name: s.pid for n, s in escluster.cluster_status(self.port, self.data_dir) if s and s.pid}

    def master(self) -> str:
        return str(self.client().cat.master(format="json").body[0]["node"])

    def restart(self, name: str) -> None:
        index = [n.name for n in escluster.cluster_layout(self.port, NODES, self.data_dir)].index(name)
        escluster.start_cluster(self.port, NODES, self.data_dir, only=index, timeout=180)
        health = self.client().cluster.health(
            wait_for_status="green", wait_for_nodes=str(NODES), timeout="120s"
        )
        assert health["status"] == "green" and health["number_of_nodes"] == NODES


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data = tmp_path_factory.mktemp("es-cluster")
    port = _base_port()
    result = CliRunner().invoke(
        app, ["es", "start", "--nodes", str(NODES), "--port", str(port), "--data-dir", str(data)]
    )
    if result.exit_code != 0:
        escluster.stop_cluster(port, data)
        pytest.fail(f"the three-node cluster did not start: {result.output}", pytrace=False)
    try:
        yield Cluster(port, data)
    finally:
        escluster.stop_cluster(port, data)


def test_status_lists_every_node_with_its_ports_and_pid(cluster: Cluster) -> None:
    args = ["es", "status", "--port", str(cluster.port), "--data-dir", str(cluster.data_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == NODES
    for i, line in enumerate(lines):
        assert f"http {cluster.port + i} transport {cluster.port + 100 + i}  pid " in line
    assert all(" health green" in line for line in lines)


def test_new_indices_get_a_replica_and_a_primary_per_data_node(cluster: Cluster, es_client: Any) -> None:
    client = cluster.client()
    assert store.data_nodes(client) == NODES
    alias = f"t-cl-{uuid.uuid4().hex[:8]}"
    names = store.ensure_indices(client, alias)
    try:
        index = client.indices.get_settings(index=names.quotes_index).body[names.quotes_index]
        settings = index["settings"]["index"]
        assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("3", "1")
        health = client.cluster.health(index=names.quotes_index, wait_for_status="green", timeout="60s")
        assert health["status"] == "green"
    finally:
        drop_aliases(client, alias, names.articles_alias)
    assert store.index_settings(es_client) == {}  # the single test node keeps 1 shard and 0 replicas


def _index_while_killing(cluster: Cluster, tmp_path: Path, choose: str) -> tuple[str, str, Any]:
    """`quotes index` of 300 articles into a fresh alias; once documents are being written, kill -9
    the node `choose` names ("master", or "data": a node that is not the master)."""
    corpus = write_corpus(tmp_path / "corpus.jsonl", 300)
    alias = f"t-cl-{uuid.uuid4().hex[:8]}"
    dead_letter = tmp_path / "dead.ndjson"
    command = [str(QUOTES), "index", str(corpus), "--es-url", cluster.url, "--index", alias]
    run = subprocess.Popen(
        [*command, "--dead-letter", str(dead_letter)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    client = cluster.client()
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and run.poll() is None and time.monotonic() < deadline:
        try:
            stats = client.indices.stats(index=alias, metric="indexing").body
            written = stats["_all"]["primaries"]["indexing"]["index_total"]
        except Exception:
            written = 0
        if written >= 200:  # the load is under way
            master = cluster.master()
            victim = master if choose == "master" else next(n for n in cluster.pids() if n != master)
            os.kill(cluster.pids()[victim], signal.SIGKILL)
        time.sleep(0.2)
    out, err = run.communicate(timeout=600)
    assert victim is not None, "the load ended before a node could be killed"
    assert not dead_letter.exists(), dead_letter.read_text()[:500]
    return alias, victim, subprocess.CompletedProcess(run.args, run.returncode, out, err)


def _exact(cluster: Cluster, alias: str) -> None:
    """Every article is there once, and with it every quote its article document counts."""
    client = cluster.client()
    client.indices.refresh(index=[alias, f"{alias}-articles"])
    hits = client.search(index=f"{alias}-articles", size=1000, source=["quote_count"]).body["hits"]["hits"]
    assert len(hits) == 300
    expected = sum(int(a["_source"]["quote_count"]) for a in hits)
    assert client.count(index=alias)["count"] == expected > 600


def test_losing_a_data_node_mid_load_loses_nothing(cluster: Cluster, tmp_path: Path) -> None:
    alias, victim, run = _index_while_killing(cluster, tmp_path, "data")
    try:
        assert run.returncode == 0, run.stderr.decode()[-2000:]
        _exact(cluster, alias)
        cluster.restart(victim)  # the node comes back and health is green again
    finally:
        drop_aliases(cluster.client(), alias, f"{alias}-articles")


def test_losing_the_elected_master_mid_load_elects_another_and_the_load_goes_on(
    cluster: Cluster, tmp_path: Path
) -> None:
    alias, victim, run = _index_while_killing(cluster, tmp_path, "master")
    try:
        assert run.returncode == 0, run.stderr.decode()[-2000:]
        assert cluster.master() != victim
        _exact(cluster, alias)
        cluster.restart(victim)
    finally:
        drop_aliases(cluster.client(), alias, f"{alias}-articles")


def test_reindex_and_alias_swap_on_the_cluster(cluster: Cluster) -> None:
    alias = f"t-cl-{uuid.uuid4().hex[:8]}"
    args = ["index", str(ROOT / "samples"), "--es-url", cluster.url, "--index", alias]
    try:
        assert CliRunner().invoke(app, args).exit_code == 0
        client = cluster.client()
        before = client.count(index=alias)["count"]
        result = CliRunner().invoke(app, [*args, "--reindex"])
        assert result.exit_code == 0, result.output
        client.indices.refresh(index=alias)
        assert list(client.indices.get_alias(name=alias).body) == [f"{alias}-v2"]
        assert client.count(index=alias)["count"] == before > 0
        settings = client.indices.get_settings(index=f"{alias}-v2").body[f"{alias}-v2"]["settings"]["index"]
        assert settings["number_of_replicas"] == "1"
    finally:
        drop_aliases(cluster.client(), alias, f"{alias}-articles")
