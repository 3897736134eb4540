"""A cluster of several real Elasticsearch nodes on this machine (`quotes es start --nodes N`).

Node i listens for HTTP on PORT+i and for transport on PORT+100+i, keeps its data in its own folder
below the cluster's, and finds the others through `discovery.seed_hosts`; the first start bootstraps
the cluster with `cluster.initial_master_nodes`. The layout is written to ``cluster.json`` in the
cluster's folder, so `status` and `stop` find every node. Each node is the launcher of `esnode`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from indexer.esnode import (
    HOST,
    LOG_FILE_NAME,
    EsNodeError,
    NodeStatus,
    Progress,
    SettingValue,
    _data_dir,
    _get_json,
    _is_our_node,
    _launch,
    _pid_for,
    _port_in_use,
    _probe,
    _read_pid,
    _silent,
    _url,
    _wait_ready,
    stop,
)

CLUSTER_FILE_NAME = "cluster.json"
TRANSPORT_OFFSET = 100  # node i: HTTP on PORT+i, transport on PORT+100+i (9200 -> 9300, as Elasticsearch)
CLUSTER_HEAP = "512m"


@dataclass(frozen=True)
class ClusterNode:
    name: str
    http_port: int
    transport_port: int
    data_dir: Path

    @property
    def url(self) -> str:
        return _url(self.http_port)


def cluster_layout(port: int, nodes: int, data_dir: Path | str | None = None) -> list[ClusterNode]:
    """The nodes of a local cluster: names, ports and one data folder each (below the cluster's)."""
    base = _data_dir(port, data_dir)
    return [
        ClusterNode(f"quotes-{port}-{i}", port + i, port + TRANSPORT_OFFSET + i, base / f"node-{i}")
        for i in range(nodes)
    ]


def cluster_nodes(port: int = 9200, data_dir: Path | str | None = None) -> list[ClusterNode] | None:
    """The nodes of the cluster started on `port` by `start_cluster`, or None if there is none."""
    path = _data_dir(port, data_dir) / CLUSTER_FILE_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [
            ClusterNode(n["name"], int(n["http_port"]), int(n["transport_port"]), Path(n["data_dir"]))
            for n in raw["nodes"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _node_settings(node: ClusterNode, layout: list[ClusterNode]) -> dict[str, SettingValue]:
    return {
        "node.name": node.name,
        "discovery.type": "multi-node",
        "transport.port": node.transport_port,
        "discovery.seed_hosts": ",".join(f"{HOST}:{n.transport_port}" for n in layout),
        # read only when the cluster forms for the first time (bootstrap), ignored afterwards
        "cluster.initial_master_nodes": ",".join(n.name for n in layout),
    }


def start_cluster(
    port: int = 9200,
    nodes: int = 3,
    data_dir: Path | str | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    progress: Progress | None = None,
    timeout: float = 240,
    heap: str = CLUSTER_HEAP,
    only: int | None = None,
) -> list[ClusterNode]:
    """Start a cluster of `nodes` nodes on 127.0.0.1 (see `cluster_layout`) and wait until all have
    joined and health is green or yellow. Nodes already running are kept. `only` starts that node
    alone (a restart after it was stopped or killed). Raises :class:`EsNodeError`."""
    if nodes < 2:
        raise EsNodeError(f"a cluster needs at least 2 nodes, got {nodes}")
    say = progress or _silent
    layout = cluster_layout(port, nodes, data_dir)
    known = cluster_nodes(port, data_dir)
    if known is not None and len(known) != nodes:
        raise EsNodeError(
            f"the cluster on port {port} has {len(known)} nodes; start it with --nodes {len(known)}, "
            f"or use another --data-dir"
        )
    base = _data_dir(port, data_dir)
    base.mkdir(parents=True, exist_ok=True)
    (base / CLUSTER_FILE_NAME).write_text(
        json.dumps(
            {
                "nodes": [
                    {
                        "name": n.name,
                        "http_port": n.http_port,
                        "transport_port": n.transport_port,
                        "data_dir": str(n.data_dir),
                    }
                    for n in layout
                ]
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    pids: dict[str, int | None] = {}
    for i, node in enumerate(layout):
        if only is not None and i != only:
            continue
        if _probe(node.url) is not None:
            pids[node.name] = _pid_for(node.data_dir, node.url)
            continue
        pid = _read_pid(node.data_dir)
        if pid is not None and _is_our_node(pid):
            pids[node.name] = pid
            continue
        for p in (node.http_port, node.transport_port):
            if _port_in_use(p):
                raise EsNodeError(f"port {p} on {HOST} is taken by something that is not this cluster")
        pids[node.name] = _launch(
            node.http_port, node.data_dir, {**_node_settings(node, layout), **(settings or {})}, say, heap
        )
    deadline = started + timeout
    for node in layout:
        if node.name in pids:
            _wait_ready(
                node.url,
                pids[node.name],
                node.data_dir,
                node.data_dir / LOG_FILE_NAME,
                deadline,
                say,
                owned=False,
            )
    _wait_joined(layout[0 if only is None else only].url, nodes, deadline)
    say(
        f"a cluster of {nodes} nodes is up at {', '.join(n.url for n in layout)} "
        f"after {time.monotonic() - started:.1f}s"
    )
    return layout


def _wait_joined(url: str, nodes: int, deadline: float) -> None:
    while True:
        health = _get_json(f"{url}/_cluster/health?wait_for_nodes={nodes}&timeout=2s")
        if health and health.get("number_of_nodes") == nodes and health.get("status") in ("green", "yellow"):
            return
        if time.monotonic() >= deadline:
            seen = health.get("number_of_nodes") if health else "no answer"
            raise EsNodeError(f"the cluster at {url} did not reach {nodes} nodes in time (has {seen})")
        time.sleep(0.5)


def cluster_status(
    port: int = 9200, data_dir: Path | str | None = None
) -> list[tuple[ClusterNode, NodeStatus | None]]:
    """Each node of the cluster on `port` with what it answers (None: down); [] if there is no cluster."""
    out = []
    for node in cluster_nodes(port, data_dir) or []:
        found = _probe(node.url)
        if found is not None:
            found = NodeStatus(
                found.url, found.version, found.health, _pid_for(node.data_dir, node.url), found.cluster_name
            )
        out.append((node, found))
    return out


def stop_cluster(port: int = 9200, data_dir: Path | str | None = None, timeout: float = 30) -> int:
    """Stop every node of the cluster on `port`; how many processes were stopped."""
    stopped = 0
    for node in cluster_nodes(port, data_dir) or []:
        if stop(node.http_port, node.data_dir, timeout):
            stopped += 1
    return stopped
