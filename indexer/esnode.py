"""Run a real single-node Elasticsearch on this machine, without Docker.

The node is Elasticsearch's own ``Node`` (through ``MockNode`` from the test framework, which takes plugin
classes from the classpath), started by the small Java launcher in ``esnode/``. Its jars come from Maven
Central; ``mvn`` resolves them on the first start, later starts need no network.

Nothing heavy is imported here and nothing is printed: status lines go to the optional ``progress``
callback. Health is polled with :mod:`urllib` so that importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from indexer.esbuild import DEFAULT_HEAP_MAX as DEFAULT_HEAP_MAX
from indexer.esbuild import DEFAULT_HEAP_MIN as DEFAULT_HEAP_MIN
from indexer.esbuild import LAUNCHER_CLASS as LAUNCHER_CLASS
from indexer.esbuild import EsNodeError as EsNodeError
from indexer.esbuild import Progress as Progress
from indexer.esbuild import (
    ensure_built,
    es_version,
    find_java,
    jvm_options,
    last_error_line,
    required_java_version,
)

CLUSTER_NAME = "quotes-local"
HOST = "127.0.0.1"

PID_FILE_NAME = "node.pid"
LOG_FILE_NAME = "node.log"


SettingValue = str | int | float | bool


@dataclass(frozen=True)
class NodeInfo:
    url: str
    pid: int | None
    version: str
    data_dir: Path
    log_file: Path


@dataclass(frozen=True)
class NodeStatus:
    url: str
    version: str
    health: str
    pid: int | None
    cluster_name: str


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def default_data_dir(port: int = 9200) -> Path:
    """``$QUOTES_ES_HOME``, else ``~/.cache/quotes/es-<port>``."""
    env = os.environ.get("QUOTES_ES_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return (Path.home() / ".cache" / "quotes" / f"es-{port}").resolve()


def start(
    port: int = 9200,
    data_dir: Path | str | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    progress: Progress | None = None,
    timeout: float = 180,
) -> NodeInfo:
    """Start the node (or return the one already answering on ``port``) and wait for green/yellow.

    ``settings`` are extra Elasticsearch node settings (e.g. ``{"thread_pool.write.queue_size": 1}``);
    they only apply when this call launches the node. ``timeout`` is the wait for health, counted from
    the launch (a first-run build comes on top). Raises :class:`EsNodeError`.
    """
    say = progress or _silent
    home = _data_dir(port, data_dir)
    url = _url(port)
    log_file = home / LOG_FILE_NAME

    deadline = time.monotonic() + timeout
    running = _probe(url)
    if running is not None:
        pid = _pid_for(home, url)
        if running.health in ("green", "yellow"):
            say(f"Elasticsearch {running.version} already running at {url} ({running.health})")
            return NodeInfo(url, pid, running.version, home, log_file)
        say(f"Elasticsearch at {url} answers with health {running.health}, waiting for it")
        return _wait_ready(url, pid, home, log_file, deadline, say, owned=False)

    pid = _read_pid(home)
    if pid is not None and _is_our_node(pid):
        say(f"node process {pid} is already starting, waiting for it")
        return _wait_ready(url, pid, home, log_file, deadline, say, owned=False)

    if _port_in_use(port):
        raise EsNodeError(f"port {port} on {HOST} is taken by something that is not Elasticsearch")

    pid = _launch(port, home, settings, say)
    started = time.monotonic()
    # the timeout counts from the launch: a first-run Maven build does not eat into it
    info = _wait_ready(url, pid, home, log_file, started + timeout, say, owned=True)
    elapsed = time.monotonic() - started
    say(f"Elasticsearch {info.version} is up at {url} after {elapsed:.1f}s (pid {pid})")
    return info


def _launch(
    port: int,
    home: Path,
    settings: Mapping[str, SettingValue] | None,
    say: Progress,
    heap: str | None = None,
) -> int:
    """Start the node process (built first if needed) without waiting for it; its pid."""
    classpath = ensure_built(say)
    java = find_java(required_java_version())
    home.mkdir(parents=True, exist_ok=True)
    (home / "tmp").mkdir(exist_ok=True)
    log_file = home / LOG_FILE_NAME
    _rotate(log_file)

    cmd = [
        str(java),
        *jvm_options(home, heap),
        "-cp",
        classpath,
        LAUNCHER_CLASS,
        "--port",
        str(port),
        "--data-dir",
        str(home),
    ]
    for key, value in (settings or {}).items():
        cmd += ["--setting", f"{key}={_setting_str(value)}"]

    say(f"starting Elasticsearch {es_version()} on port {port} (data {home}, log {log_file})")
    with open(log_file, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=home,
            start_new_session=True,
            close_fds=True,
        )
    _CHILDREN[proc.pid] = proc
    _write_pid(home, proc.pid)
    return proc.pid


def stop(port: int = 9200, data_dir: Path | str | None = None, timeout: float = 30) -> bool:
    """Stop the node: SIGTERM (clean close), SIGKILL after ``timeout`` s. True if a process was stopped."""
    home = _data_dir(port, data_dir)
    url = _url(port)
    pid = _read_pid(home)
    if pid is None or not _is_our_node(pid):
        pid = _pid_from_node(url)
    stopped = False
    if pid is not None and _is_our_node(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_dead(pid, timeout):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            if not _wait_dead(pid, 10):
                raise EsNodeError(f"Elasticsearch process {pid} did not exit after SIGKILL")
        stopped = True
    _remove_pid(home)
    return stopped


def status(port: int = 9200, data_dir: Path | str | None = None) -> NodeStatus | None:
    """Version, health and pid of the node answering on ``port``, or None if nothing answers."""
    home = _data_dir(port, data_dir)
    url = _url(port)
    found = _probe(url)
    if found is None:
        return None
    if found.pid is None:
        return NodeStatus(found.url, found.version, found.health, _pid_for(home, url), found.cluster_name)
    return found


# --------------------------------------------------------------------------------------------------
# process and HTTP helpers
# --------------------------------------------------------------------------------------------------

_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _silent(_: str) -> None:
    return None


def _url(port: int) -> str:
    return f"http://{HOST}:{port}"


def _data_dir(port: int, data_dir: Path | str | None) -> Path:
    return Path(data_dir).expanduser().resolve() if data_dir is not None else default_data_dir(port)


def _setting_str(value: SettingValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _get_json(url: str, timeout: float = 2.0) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            data = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as e:  # answered, but not 2xx (e.g. 503 while starting, 408 health timeout)
        try:
            data = json.loads(e.read().decode("utf-8"))
        except (ValueError, OSError):
            return None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _probe(url: str) -> NodeStatus | None:
    root = _get_json(url + "/")
    if root is None or not isinstance(root.get("version"), dict):
        return None
    version_info = root["version"]
    assert isinstance(version_info, dict)
    health = _get_json(url + "/_cluster/health")
    health_status = str(health.get("status", "unknown")) if health else "unknown"
    return NodeStatus(
        url=url,
        version=str(version_info.get("number", "unknown")),
        health=health_status,
        pid=None,
        cluster_name=str(root.get("cluster_name", "")),
    )


def _pid_from_node(url: str) -> int | None:
    """Ask a node answering with our cluster name for its process id."""
    root = _get_json(url + "/")
    if root is None or root.get("cluster_name") != CLUSTER_NAME:
        return None
    nodes = _get_json(url + "/_nodes/_local/process")
    if nodes is None or not isinstance(nodes.get("nodes"), dict):
        return None
    node_map = nodes["nodes"]
    assert isinstance(node_map, dict)
    for node in node_map.values():
        if isinstance(node, dict) and isinstance(node.get("process"), dict):
            pid = node["process"].get("id")
            if isinstance(pid, int):
                return pid
    return None


def _pid_for(home: Path, url: str) -> int | None:
    pid = _read_pid(home)
    if pid is not None and _is_our_node(pid):
        return pid
    return _pid_from_node(url)


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def _read_pid(home: Path) -> int | None:
    try:
        return int((home / PID_FILE_NAME).read_text().strip())
    except (OSError, ValueError):
        return None


def _write_pid(home: Path, pid: int) -> None:
    (home / PID_FILE_NAME).write_text(f"{pid}\n")


def _remove_pid(home: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (home / PID_FILE_NAME).unlink()


def _alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None  # also reaps our own exited child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purposes
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _is_our_node(pid: int) -> bool:
    """Alive and running our launcher (guards against a recycled pid)."""
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid file
    return LAUNCHER_CLASS.encode() in cmdline


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            _CHILDREN.pop(pid, None)
            return True
        time.sleep(0.1)
    return not _alive(pid)


def _wait_ready(
    url: str, pid: int | None, home: Path, log_file: Path, deadline: float, say: Progress, owned: bool
) -> NodeInfo:
    """Poll until green/yellow. ``owned``: we launched ``pid`` and kill it if it never gets ready."""
    delay = 0.2
    last_note = time.monotonic()
    while True:
        if pid is not None and not _alive(pid):
            _CHILDREN.pop(pid, None)
            _remove_pid(home)
            raise EsNodeError(f"Elasticsearch exited during startup (log {log_file}): {_log_error(log_file)}")
        found = _probe(url)
        if found is not None and found.health in ("green", "yellow"):
            return NodeInfo(url, pid, found.version, home, log_file)
        now = time.monotonic()
        if now >= deadline:
            if owned and pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait_dead(pid, 10)
                _remove_pid(home)
            state = f"health {found.health}" if found else "no HTTP answer"
            raise EsNodeError(
                f"Elasticsearch not ready at {url} in time ({state}; log {log_file}): {_log_error(log_file)}"
            )
        if now - last_note >= 10:
            say(f"waiting for Elasticsearch at {url} ({found.health if found else 'starting'})")
            last_note = now
        time.sleep(delay)
        delay = min(delay * 1.5, 1.0)


def _rotate(log_file: Path) -> None:
    if log_file.exists() and log_file.stat().st_size > 0:
        log_file.replace(log_file.with_name(log_file.name + ".1"))


_LAUNCHER_NOTES = ("esnode: started", "esnode: stopping", "esnode: node stopped")


def _log_error(log_file: Path) -> str:
    try:
        lines = log_file.read_text(errors="replace").splitlines()
    except OSError:
        return "no log"
    # the launcher states the root failure on one line ("esnode: ..."); prefer it over the stack trace
    for line in lines:
        if line.startswith("esnode: ") and not line.startswith(_LAUNCHER_NOTES):
            return line.strip()[:400]
    found = last_error_line(lines)
    if found:
        return found
    tail = [ln.strip() for ln in lines if ln.strip()]
    return tail[-1][:400] if tail else "log is empty"
