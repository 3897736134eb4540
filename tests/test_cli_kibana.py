"""`quotes kibana export|import` through typer's CliRunner. Kibana cannot run here: `import` talks to
the stand-in of conftest.py (`stand_in`), which answers like Kibana's import API. The saved objects
themselves, and the panels' queries on the real node, are in tests/test_kibana.py."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from indexer.es import kibana
from tests.clihelp import invoke


def test_export_writes_the_objects(tmp_path: Path) -> None:
    out = tmp_path / "kibana.ndjson"
    result = invoke("kibana", "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == kibana.saved_objects()
    assert result.stderr == f"wrote {len(kibana.saved_objects())} saved objects to {out}\n"


def test_export_into_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "kibana.ndjson"
    result = invoke("kibana", "export", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"error: cannot write {out}: No such file or directory\n"


def test_cli_import_prints_what_the_stand_in_answered(stand_in: Any) -> None:
    server = stand_in()
    args = ["kibana", "import", "--kibana-url", server.url, "--username", "kib", "--password", "pw"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "imported 8 objects, 0 errors" in result.stdout
    (request,) = server.requests
    assert request["headers"]["Authorization"] == "Basic a2liOnB3"  # kib:pw


def test_cli_import_reports_kibana_errors_and_exits_1(stand_in: Any) -> None:
    server = stand_in()
    server.server.RequestHandlerClass.do_POST = _answer_with_conflict
    result = invoke("kibana", "import", "--kibana-url", server.url)
    assert result.exit_code == 1
    assert "imported 7 objects, 1 errors" in result.stdout
    assert "lens quotes-lens-top-speakers (Most quoted speakers): conflict" in result.stderr


def _answer_with_conflict(self: BaseHTTPRequestHandler) -> None:
    self.rfile.read(int(self.headers.get("Content-Length", 0)))
    data = json.dumps(
        {
            "success": False,
            "successCount": 7,
            "errors": [
                {
                    "id": "quotes-lens-top-speakers",
                    "type": "lens",
                    "meta": {"title": "Most quoted speakers"},
                    "error": {"type": "conflict"},
                }
            ],
        }
    ).encode()
    self.send_response(200)
    self.send_header("Content-Length", str(len(data)))
    self.end_headers()
    self.wfile.write(data)
