"""Every command the README shows is run here, so the README cannot drift from the code.

Commands run from the repository root with `quotes` from the venv, against the test's real local
Elasticsearch node. The only ones not run are those that need what this machine does not have
(Docker, Kibana) or that are this test's own caller (`make test`); each is named in NOT_RUN.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
QUOTES = Path(sys.executable).parent / "quotes"
SHARED = ROOT.parent / "shared"

NOT_RUN = {
    "make test": "it is what CI runs to get here",
    "docker compose up -d": "no Docker engine on this machine",
    "quotes kibana import --kibana-url http://127.0.0.1:5601": "Kibana does not run here; see test_kibana",
}


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                commands.append(line)
    return commands


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_exactly_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    setup = text.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```sh\n(.*?)```", setup, flags=re.S)
    assert len(block) == 1
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block[0].splitlines() if line.strip()]
    assert lines == ["make demo", "make test"]


def _prepare_news_index(es_url: str) -> None:
    """`quotes enrich` in the README reads an index `news` (body, headline, date)."""
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_url)
    client.options(ignore_status=404).indices.delete(index="news")
    text = (ROOT / "samples" / "harbor-strike.txt").read_text(encoding="utf-8")
    client.index(
        index="news",
        id="harbor",
        document={"body": text, "headline": "Strike", "date": "2026-05-01"},
        refresh=True,
    )


@pytest.mark.es
def test_every_readme_command_runs(es_url: str, tmp_path: Path) -> None:
    port = es_url.rsplit(":", 1)[1].rstrip("/")
    env = {**os.environ, "ELASTICSEARCH_URL": es_url, "PATH": f"{QUOTES.parent}:{os.environ['PATH']}"}
    _prepare_news_index(es_url)
    ran = 0
    for command in readme_commands():
        if command in NOT_RUN:
            continue
        if command == "make demo":
            command = f"make demo PORT={port}"
        if command.startswith("quotes es start"):
            command += f" --port {port}"
        command = command.replace("http://127.0.0.1:9200", es_url)
        if "../shared" in command and not SHARED.is_dir():
            pytest.fail(f"{SHARED} is missing; the README's evaluation commands need it")
        command = command.replace("../shared", str(SHARED))
        for out_name in ("quotes.jsonl", "q.jsonl", "dev.jsonl", "report.html", "panels/"):
            command = command.replace(f" {out_name}", f" {tmp_path / out_name}")
        result = subprocess.run(
            command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, (
            f"{command!r} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
        ran += 1
    assert ran >= 10


def test_readme_python_snippets_run() -> None:
    for block in python_blocks():
        exec(compile(block, "README.md", "exec"), {})


def test_not_run_commands_are_in_the_readme() -> None:
    commands = readme_commands()
    for command in NOT_RUN:
        assert command in commands, f"{command!r} is excused but no longer in the README"
    assert all(shlex.split(c) for c in commands)
