"""`quotes es start|stop|status` for one node, through the CLI (the cluster of several is in
tests/test_es_cluster.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import free_port


@pytest.mark.es
def test_es_start_status_stop_one_node(tmp_path: Path) -> None:
    port, data = free_port(), tmp_path / "node"
    where = ["--port", str(port), "--data-dir", str(data)]
    runner = CliRunner()
    try:
        started = runner.invoke(app, ["es", "start", *where])
        assert started.exit_code == 0, started.output
        assert started.stdout.strip() == f"http://127.0.0.1:{port}"
        again = runner.invoke(app, ["es", "start", *where])  # already running: the same node
        assert again.exit_code == 0 and "already running" in again.stderr
        status = runner.invoke(app, ["es", "status", *where])
        assert status.exit_code == 0, status.output
        line = status.stdout.strip()
        assert line.startswith(f"http://127.0.0.1:{port}  Elasticsearch ") and " pid " in line
        assert "health green" in line or "health yellow" in line
    finally:
        stopped = runner.invoke(app, ["es", "stop", *where])
    assert stopped.exit_code == 0 and f"stopped the node on port {port}" in stopped.stderr
    gone = runner.invoke(app, ["es", "status", *where])
    assert gone.exit_code == 1
    assert gone.stderr.strip() == (
        f"error: no Elasticsearch answers at http://127.0.0.1:{port}; start one with `quotes es start`"
    )
    idle = runner.invoke(app, ["es", "stop", *where])
    assert idle.exit_code == 0 and "no local node was running" in idle.stderr
