"""Extraction on a Dask cluster: a real `dask scheduler` and two `dask worker` processes on 127.0.0.1.

When the cluster cannot start, these tests fail with the reason; they are never skipped.
"""

from __future__ import annotations

import os
import signal
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
from indexer.extract import on_dask
from indexer.extract.engine import Extractor
from indexer.model import Article
from tests.conftest import drop_aliases, free_port, write_corpus

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "samples", ROOT / "tests" / "data", ROOT / "tests" / "wire"]
DASK = Path(sys.executable).parent / "dask"


def _texts() -> list[str]:
    from indexer.reading.articles import iter_articles

    return [a.text for a in iter_articles([str(p) for p in INPUTS]) if isinstance(a, Article)]


class DaskCluster:
    """A scheduler and two single-threaded workers, each its own process (as `dask worker` runs them)."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log_dir = log_dir

    def _spawn(self, name: str, *args: str) -> None:
        log = (self.log_dir / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
            )
        )

    def start(self) -> None:
        self._spawn(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"
        )
        for n in (1, 2):
            self._spawn(
                f"worker{n}",
                "worker",
                self.address,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            )
        self.wait_for_workers(2, 90)

    def client(self) -> Any:
        from distributed import Client

        return Client(self.address, timeout="10s")

    def wait_for_workers(self, n: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with self.client() as client:
                    client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                    return
            except Exception as exc:
                last = exc
                time.sleep(0.5)
        logs = {p.name: p.read_text(errors="replace")[-400:] for p in self.log_dir.glob("*.log")}
        pytest.fail(
            f"the Dask cluster did not get {n} workers in {seconds:.0f} s: {last}; {logs}", pytrace=False
        )

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _extract(tmp_path: Path, name: str, *args: str) -> bytes:
    out = tmp_path / f"{name}.jsonl"
    result = CliRunner().invoke(app, ["extract", *map(str, INPUTS), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.dask
def test_dask_output_equals_the_local_output_and_loads_the_model_once_per_worker(
    dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    local = _extract(tmp_path, "local", "--workers", "1")
    assert local.count(b"\n") > 50
    assert _extract(tmp_path, "dask", "--dask", dask_cluster.address) == local

    corpus = write_corpus(tmp_path / "corpus.jsonl", 60)  # several batches, on both workers
    result = CliRunner().invoke(
        app, ["extract", str(corpus), "-o", str(tmp_path / "c.jsonl"), "--dask", dask_cluster.address]
    )
    assert result.exit_code == 0, result.output
    with dask_cluster.client() as client:
        loaded = client.run(on_dask.loaded_pipelines)
        tasks = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert sum(tasks.values()) > len(tasks)  # more tasks than workers ...
    assert set(loaded.values()) == {1}  # ... and one pipeline per worker process

    with Extractor(dask=dask_cluster.address) as extractor:  # and none in the client
        done = list(extractor.extract([Article("a", _texts()[0])]))
        assert done[0].error is None and done[0].attributions
        assert extractor._runner is None


def test_with_dask_a_model_not_installed_fails_before_connecting() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app, ["extract", str(INPUTS[0]), "--dask", address, "--model", "no_such_model"]
    )
    assert result.exit_code != 0
    assert "'no_such_model' is not installed" in result.stderr and address not in result.stderr


@pytest.mark.dask
def test_dask_local_works(tmp_path: Path) -> None:
    local = _extract(tmp_path, "local", "--workers", "1")
    assert _extract(tmp_path, "dask-local", "--dask", "local:2") == local


def _environ(name: str) -> str | None:
    return os.environ.get(name)


@pytest.mark.dask
def test_local_workers_start_without_the_malloc_trim_threshold() -> None:
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_, which turns off glibc's adaptive mmap threshold (20%
    more CPU time for the parser); `--dask local` workers start without it, and keep the rest of
    Dask's worker environment (one BLAS thread)."""
    assert on_dask.TRIM not in on_dask.worker_environ()
    client, cluster = on_dask._connect("local:1")
    try:
        assert set(client.run(_environ, on_dask.TRIM).values()) == {None}
        assert set(client.run(_environ, "OMP_NUM_THREADS").values()) == {"1"}
    finally:
        client.close()
        cluster.close()


def test_an_unreachable_scheduler_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        app, ["extract", str(INPUTS[0]), "-o", str(tmp_path / "x.jsonl"), "--dask", address]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot reach the Dask scheduler at {address}")
    bad = CliRunner().invoke(app, ["extract", str(INPUTS[0]), "--dask", "local:two"])
    assert bad.exit_code == 2 and "--dask local:N needs a number" in bad.stderr


@pytest.mark.dask
def test_a_batch_that_fails_on_every_retry_is_reported_and_the_rest_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In-process workers (threads), so the task can be made to fail for one batch."""
    from distributed import LocalCluster

    real = on_dask._run_batch
    tries = tmp_path / "tries"  # the task is a copy of this function: it counts in a file

    def flaky(items: list[Any], *args: Any) -> Any:
        with tries.open("a") as f:
            f.write(items[0][0] + "\n")
        if any(article_id == "poison" for article_id, _, _ in items):
            raise RuntimeError("worker lost")
        return real(items, *args)

    monkeypatch.setattr(on_dask, "_run_batch", flaky)
    texts = _texts()
    big = "x" * 45_000  # a batch of its own
    articles = [Article("a", texts[0]), Article("poison", big), Article("b", texts[1])]
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0")
    with cluster, Extractor(workers=1, dask=cluster.scheduler_address) as extractor:
        results = list(extractor.extract(articles))
    assert [r.article.id for r in results] == ["a", "poison", "b"]
    assert results[1].error and "extraction failed on the Dask cluster" in results[1].error
    assert results[0].error is None and results[2].error is None and results[0].attributions
    assert tries.read_text().split().count("poison") == 1 + on_dask.RETRIES


@pytest.mark.dask
@pytest.mark.es
def test_a_worker_killed_mid_run_costs_a_retry_not_an_article(
    dask_cluster: DaskCluster, es_client: Any, es_url: str, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 150)
    clean, killed = f"t-dask-{uuid.uuid4().hex[:8]}", f"t-dask-{uuid.uuid4().hex[:8]}"
    try:
        result = CliRunner().invoke(
            app, ["index", str(corpus), "--workers", "1", "--es-url", es_url, "--index", clean]
        )
        assert result.exit_code == 0, result.output
        quotes = Path(sys.executable).parent / "quotes"
        run = subprocess.Popen(
            [
                str(quotes),
                "index",
                str(corpus),
                "--dask",
                dask_cluster.address,
                "--es-url",
                es_url,
                "--index",
                killed,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        victim = None
        with dask_cluster.client() as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and victim is None and run.poll() is None:
                busy = {w for w, tasks in client.processing().items() if tasks}
                if len(busy) == 2:  # both workers hold a batch: kill one of them mid-task
                    address = sorted(busy)[0]
                    victim = client.run(os.getpid, workers=[address])[address]
                    os.kill(victim, signal.SIGKILL)
                time.sleep(0.05)
        _, err = run.communicate(timeout=600)
        assert victim is not None, "no moment with both workers busy"
        assert run.returncode == 0, err.decode()
        es_client.indices.refresh(index=[clean, killed])

        def ids(alias: str) -> list[str]:
            hits = es_client.search(index=alias, size=10_000, query={"match_all": {}}, source=False).body
            return sorted(h["_id"] for h in hits["hits"]["hits"])

        assert es_client.count(index=killed)["count"] == es_client.count(index=clean)["count"] > 300
        assert ids(killed) == ids(clean) and len(set(ids(killed))) == len(ids(killed))
        articles = f"{killed}-articles"
        assert es_client.count(index=articles)["count"] == 150
    finally:
        drop_aliases(es_client, clean, f"{clean}-articles", killed, f"{killed}-articles")
    dask_cluster.wait_for_workers(2, 60)  # the nanny restarted the worker
