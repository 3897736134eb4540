"""`quotes report` through typer's CliRunner, on samples/ and tests/wire/ indexed on the real node
(`samples_and_wire` in conftest.py): what it says it wrote, filters, --png, one-line errors. The page
itself, opened in a real browser, is in tests/test_report.py."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from indexer.es import report
from tests.clihelp import invoke

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_report(es_url: str, alias: str, out: Path, *args: str) -> Result:
    return invoke("report", "-o", out, "--es-url", es_url, "--index", alias, *args)


@pytest.mark.es
def test_report_says_what_it_wrote(
    samples_and_wire: str, es_url: str, es_client: Any, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = run_report(es_url, samples_and_wire, out)
    assert result.exit_code == 0, result.output
    total = es_client.count(index=samples_and_wire)["count"]
    panels = len(report.PANEL_ORDER)
    assert result.stderr == (
        f"wrote {out}: {total} quotes, {panels} of {panels} panels drawn, {total} quotes listed\n"
    )  # the samples and the wire have fewer quotes than the report lists
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Miriam Okafor" in page


@pytest.mark.es
def test_no_match_gives_a_report_that_says_so(samples_and_wire: str, es_url: str, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    result = run_report(es_url, samples_and_wire, out, "--query", "xylophonequartz")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="no-quotes"' in page and "No quotes match these filters." in page
    assert "0 quotes" in result.stderr


@pytest.mark.es
def test_pngs_are_written_for_every_drawn_panel(samples_and_wire: str, es_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "png"
    result = run_report(es_url, samples_and_wire, tmp_path / "r.html", "--png", str(folder))
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("*.png"))
    assert len(files) == len(report.PANEL_ORDER)
    assert all(f.read_bytes().startswith(PNG_MAGIC) and f.stat().st_size > 2000 for f in files)


@pytest.mark.parametrize(
    "args", [("--since", "2026-13-45"), ("--until", "yesterday"), ("--since", "14/03/2026")]
)
def test_a_bad_filter_is_a_one_line_error_before_connecting(args: tuple[str, str], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run_report("http://127.0.0.1:9", "quotes", out, *args)  # nothing listens on port 9
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {args[0]} ")
    assert not out.exists()


@pytest.mark.es
def test_a_missing_index_is_a_one_line_error(es_url: str, tmp_path: Path) -> None:
    result = run_report(es_url, f"t-none-{uuid.uuid4().hex[:6]}", tmp_path / "r.html")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no index" in result.stderr
