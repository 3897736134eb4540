"""What the CLI test modules (tests/test_cli_*.py) share: `quotes` run through typer's CliRunner, its
JSON Lines read back, two made-up stories, and Ctrl-C sent to a `quotes` process as a terminal does."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from cli.main import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
WIRE = ROOT / "tests" / "wire"  # a story three invented outlets ran (quote clusters)
DEV_TEXT = ROOT.parent / "shared" / "eval" / "polnear-dev" / "text"
QUOTES = Path(sys.executable).parent / "quotes"  # the installed command, for tests that need a process

STORY_A = 'The bridge will reopen in May, Mayor Ann Lee said on Tuesday. "We are nearly done," she said.\n'
STORY_B = 'The ferry will stop in June, said Tom Reyes, the harbor master. "The boats are old," he said.\n'


def invoke(*args: str | Path, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    """`quotes ARGS...` in this process; stdout and stderr apart (`result.stdout`, `result.stderr`)."""
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin, env=env)


def on(es: Any, alias: str | None = None) -> list[str]:
    """``--es-url URL --index ALIAS`` for a test's `es` target (its own alias unless another is given)."""
    return ["--es-url", es.url, "--index", alias or es.alias]


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def count(es: Any, index: str) -> int:
    es.client.indices.refresh(index=index)
    return int(es.client.count(index=index)["count"])


def as_from_a_terminal() -> None:
    """In the child before exec: Ctrl-C handled by default, as a shell gives a foreground command.

    A test run started in the background (``pytest &``) ignores SIGINT, and its children inherit that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ctrl_c_when(args: list[str], ready: Callable[[], bool]) -> tuple[int, float, str]:
    """Run `quotes ARGS...` in its own process group, Ctrl-C it once `ready()`: its exit code, the
    seconds it took to stop, and its stderr."""
    import subprocess

    process = subprocess.Popen(
        [str(QUOTES), *args],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_from_a_terminal,
    )
    took = interrupt_when(process, ready)
    stderr = process.stderr.read() if process.stderr else ""
    return process.returncode, took, stderr


def copy_split(source: Path, texts: list[Path], dest: Path) -> Path:
    """A brat folder (text/, attributions/) at `dest` with these texts of `source` and their annotations."""
    import shutil

    (dest / "text").mkdir(parents=True)
    (dest / "attributions").mkdir()
    for text in texts:
        shutil.copy(text, dest / "text" / text.name)
        for ann in sorted((source / "attributions").glob(f"{text.stem}*.ann")):
            shutil.copy(ann, dest / "attributions" / ann.name)
    return dest


def interrupt_when(process: Any, ready: Callable[[], bool], timeout: float = 120) -> float:
    """Wait until `ready()`, then Ctrl-C the process group as a terminal does; seconds to exit."""
    import os
    import signal

    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "finished before it could be interrupted"
        assert time.monotonic() < deadline, "never got going"
        time.sleep(0.1)
    start = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=30)
    return time.monotonic() - start
