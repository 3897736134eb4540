"""Extraction on a Dask cluster (dask.distributed): the batches of `--workers`, sent to Dask workers.

`DaskBackend.outcomes` sends the batches that `engine._batches` cuts (the same batches whatever runs
them) as Dask tasks, keeps at most a few per worker thread in flight, so the client's memory stays
flat, and yields the outcomes in input order, so the output is byte-identical to a local run.

- Each worker process loads the pipeline once and keeps it in a process-wide cache (`_RUNNERS`, keyed
  by model and retrained choice): never once per task. A worker plugin loads it when the client
  connects, on every worker, and on each worker that joins later (one restarted after a crash); a
  task on a worker without it loads it first.
- A worker that dies mid-task (kill -9, a lost node) costs a retry: the scheduler reschedules its tasks
  on the workers still up, and each task may be retried `RETRIES` times more. Results are a pure
  function of the batch, and quote ids are deterministic, so a retry never duplicates anything.
- A batch that fails on every retry comes back as failed articles, with the reason, and the run goes on.
- `local[:N]` starts a `LocalCluster` of N single-threaded worker processes on this machine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from indexer.extract.engine import _batches, _Item, _Outcome, _Runner, all_cores, load_pipeline, windowed
from indexer.model import Article

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["RETRIES", "DaskBackend", "DaskError"]

RETRIES = 2  # re-runs of a batch whose task failed (a worker lost mid-task is rescheduled on top)
IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT = "10s"

# The workers' housekeeping, made rarer: their statistical profiler samples every thread 100 times a
# second, the event loop's tick runs every 20 ms and the memory monitor every 100 ms, and each takes
# the GIL from the spaCy thread. `--dask local` uses these; docs/scaling.md gives them as environment
# variables for `dask worker`, with the overhead measured against --workers.
# And one setting that matters more: the nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536.
# Setting it at all turns off glibc's adaptive mmap threshold, so every array over 128 KB that the
# parser allocates is a fresh mmap whose pages fault in again: about 900,000 page faults and 20% more
# CPU time for one pass over the dev set, against 60,000 without it. `worker_environ` drops it.
TRIM = "MALLOC_TRIM_THRESHOLD_"
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}

_RUNNERS: dict[tuple[str, str | None, int], _Runner] = {}


def worker_environ() -> dict[str, Any]:
    """The environment Dask's nanny gives a worker before it starts, without the malloc trim
    threshold (see above); the nanny reads it once, so restarted workers get it too."""
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    environ.pop(TRIM, None)
    return environ


class DaskError(Exception):
    """The cluster cannot be used (unreachable scheduler, bad address); the message is one line."""


def _runner(model: str, choice: str | None, batch_size: int) -> _Runner:
    key = (model, choice, batch_size)
    runner = _RUNNERS.get(key)
    if runner is None:
        runner = _RUNNERS[key] = _Runner(load_pipeline(model, choice), batch_size)
    return runner


def _run_batch(items: list[_Item], model: str, choice: str | None, batch_size: int) -> list[_Outcome]:
    """The task: extract one batch with this worker process's pipeline."""
    return _runner(model, choice, batch_size).run(items)


class _LoadPipeline(WorkerPlugin):
    """A Dask worker plugin: the pipeline is loaded when the worker starts (or the plugin arrives)."""

    def __init__(self, model: str, choice: str | None, batch_size: int) -> None:
        self.model, self.choice, self.batch_size = model, choice, batch_size

    def setup(self, worker: Any) -> None:
        _runner(self.model, self.choice, self.batch_size)

    def teardown(self, worker: Any) -> None:
        pass


def loaded_pipelines() -> int:
    """How many pipelines this process has loaded for Dask tasks (for tests: one per worker)."""
    return len(_RUNNERS)


def _connect(address: str) -> tuple[Client, Any]:
    """A client of the scheduler at `address` (``tcp://host:port``), or of a new ``local[:N]`` cluster."""
    from distributed import Client, LocalCluster

    spec = address.strip()
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2]
        if count and not count.isdigit():
            raise DaskError(f"--dask local:N needs a number of workers, got {address!r}")
        n = int(count) if count else all_cores()
        if n < 1:
            raise DaskError(f"--dask local:N needs at least one worker, got {address!r}")
        import dask

        with dask.config.set({**QUIET_WORKERS, "distributed.nanny.pre-spawn-environ": worker_environ()}):
            cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
            )
        return Client(cluster), cluster
    if "://" not in spec:
        raise DaskError(f"--dask takes tcp://HOST:PORT of a running scheduler, or local[:N]; got {address!r}")
    try:
        return Client(spec, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DaskError(f"cannot reach the Dask scheduler at {spec}: {reason}") from None
    except ValueError as exc:
        raise DaskError(f"bad Dask scheduler address {spec!r}: {exc}") from None


class DaskBackend:
    """Batches of articles extracted on a Dask cluster; see the module docstring."""

    def __init__(self, address: str, model: str, choice: str | None, batch_size: int) -> None:
        self.address = address
        self.model, self.choice, self.batch_size = model, choice, batch_size
        self.client, self._cluster = _connect(address)
        self.chars_done = 0
        self._load_everywhere()

    def _load_everywhere(self) -> None:
        plugin = _LoadPipeline(self.model, self.choice, self.batch_size)
        # a worker that cannot load it is no reason to stop: its tasks report the reason, batch by batch
        with contextlib.suppress(Exception):
            self.client.register_plugin(plugin, name=f"quotes-pipeline:{self.model}:{self.choice}")

    def threads(self) -> int:
        """Worker threads on the cluster now (at least 1)."""
        info = self.client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))

    def outcomes(self, articles: Iterable[Article]) -> Iterator[tuple[Article, int, list[_Outcome]]]:
        def finish(
            batch: list[tuple[Article, int, _Item]], future: Any
        ) -> Iterator[tuple[Article, int, list[_Outcome]]]:
            try:
                results: list[_Outcome] = future.result()
            except Exception as exc:  # every retry failed: the batch's articles are reported, the run goes on
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                results = [
                    _Outcome(error=f"extraction failed on the Dask cluster: {type(exc).__name__}: {reason}")
                    for _ in batch
                ]
            finally:
                future.release()
            for (article, n, item), outcome in zip(batch, results, strict=True):
                self.chars_done += len(item[1])
                yield article, n, [outcome]

        def submit(batch: list[tuple[Article, int, _Item]]) -> Any:
            items = [item for _, _, item in batch]
            return self.client.submit(
                _run_batch, items, self.model, self.choice, self.batch_size, retries=RETRIES, pure=False
            )

        yield from windowed(_batches(articles), submit, IN_FLIGHT_PER_THREAD * self.threads(), finish)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
