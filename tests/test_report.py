"""`quotes report`: built from the samples on the real node, opened in headless Chromium with the
network off, as a person would open the file.

The browser is Debian's `chromium` with its `chromedriver` (`.ci/run` installs them). When it cannot
start, the browser test fails with the reason; it is never skipped.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from indexer.es import kibana, report
from indexer.es.search import QuoteFilter, build_query
from tests.conftest import drop_aliases

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
WIRE = Path(__file__).resolve().parent / "wire"  # a story three outlets ran: the repeated-quotes panel
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LOAD_BUDGET_MS = 2000


@pytest.fixture(scope="module")
def indexed(es_client: Any, es_url: str) -> Iterator[str]:
    """samples/ and tests/wire/ indexed through the CLI, as a user does; the alias."""
    alias = f"t-report-{uuid.uuid4().hex[:8]}"
    result = CliRunner().invoke(app, ["index", str(SAMPLES), str(WIRE), "--es-url", es_url, "--index", alias])
    assert result.exit_code == 0, result.output
    es_client.indices.refresh(index=alias)
    yield alias
    drop_aliases(es_client, alias, f"{alias}-articles")


def run_report(es_url: str, alias: str, out: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["report", "-o", str(out), "--es-url", es_url, "--index", alias, *args])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through selenium with the system driver, offline."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.fail(
            "no chromium/chromedriver on PATH (apt-get install -y chromium chromium-driver)", pytrace=False
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1200,1700")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
    except Exception as exc:  # the test must fail, not skip, without a browser
        pytest.fail(f"headless chromium did not start: {exc}", pytrace=False)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    yield driver
    driver.quit()


def open_report(driver: Any, path: Path) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.as_uri())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not driver.execute_script("return document.body.dataset.drawn"):
        time.sleep(0.05)


def top_speakers(es_client: Any, alias: str) -> list[str]:
    """The panel's names, asked of Elasticsearch with the Kibana panel's own query."""
    (query,) = [q for q in kibana.panel_queries() if q.id == report.TOP_SPEAKERS]
    return [name for name, _ in query.rows(es_client.search(index=alias, **query.body()).body)]


@pytest.mark.es
def test_the_report_draws_every_panel_offline_in_a_real_browser(
    indexed: str, es_url: str, es_client: Any, browser: Any, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = run_report(es_url, indexed, out)
    assert result.exit_code == 0, result.output
    assert f"{len(report.PANEL_ORDER)} of {len(report.PANEL_ORDER)} panels drawn" in result.stderr

    open_report(browser, out)
    assert browser.execute_script("return document.body.dataset.drawn") == "yes"
    drawn_ms = browser.execute_script("return window.reportDrawn")
    assert drawn_ms < LOAD_BUDGET_MS, f"panels drawn {drawn_ms:.0f} ms after navigation"
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").read_bytes().startswith(PNG_MAGIC)

    marks = browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('.chart')).map("
        "c => [c.id, c.querySelectorAll('svg g[class*=\"mark-\"] path').length]))"
    )
    assert set(marks) == {f"panel-{p.replace('quotes-lens-', '')}" for p in report.PANEL_ORDER}
    assert all(n > 0 for n in marks.values()), marks

    text = browser.find_element("id", "panel-top-speakers").text
    names = top_speakers(es_client, indexed)
    assert "Miriam Okafor" in names and "Rosa Delgado" in names  # the samples' most quoted people
    assert all(name in text for name in names), (names, text)
    rows = browser.find_elements("css selector", "#quotes tbody tr")
    assert len(rows) == es_client.count(index=indexed)["count"]  # the samples have fewer than 50

    problems = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert not problems, problems
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched == []  # nothing fetched: scripts and styles are inline


def test_the_file_links_to_nothing_it_would_need_to_fetch(tmp_path: Path) -> None:
    built = report.Report("quotes", QuoteFilter(), "2026-01-01T00:00:00+00:00", 1)
    built.panels.append(
        report.Panel("quotes-lens-quote-types", "Quote types", "", [{"type": "direct", "quotes": 1}])
    )
    built.panels[0].spec = report._donut(built.panels[0].rows, "type")
    page = report.render_html(built)
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert page.count("<script") == 2  # the specs (JSON) and the inlined bundle


@pytest.mark.es
def test_each_panel_shows_what_its_kibana_query_answers(indexed: str, es_client: Any) -> None:
    built = report.build_report(es_client, index=indexed)
    queries = {q.id: q for q in kibana.panel_queries()}
    for panel in built.panels:
        if panel.id == report.ANONYMOUS_SHARE:
            continue  # checked below: the Lens query with an outlet bucket around it
        query = queries[panel.id]
        answer = query.rows(es_client.search(index=indexed, **query.body()).body)
        if panel.id == report.REPEATED_QUOTES:  # a table: articles, outlets, first seen per quote
            assert len(panel.rows) == len(answer) == 4
            assert [(r["quote"], r["articles"], r["outlets"]) for r in panel.rows] == [
                (quote, v["articles-col"], v["outlets-col"]) for quote, v in answer
            ]
            assert {r["first_seen"] for r in panel.rows} == {"2026-05-05"}
            continue
        if panel.id == report.ANONYMOUS_TYPES:  # the report shows months as "2026-04"
            answer = [(str(month)[:7], *rest) for month, *rest in answer]
        assert [
            (*{k: v for k, v in r.items() if k != "quotes"}.values(), r["quotes"]) for r in panel.rows
        ] == [(*keys, next(iter(values.values()))) for *keys, values in answer]
    share = next(p for p in built.panels if p.id == report.ANONYMOUS_SHARE)
    lens = queries[report.ANONYMOUS_SHARE]
    per_month: dict[str, list[int]] = {}
    for month, anonymous, values in lens.rows(es_client.search(index=indexed, **lens.body()).body):
        slot = per_month.setdefault(month[:7], [0, 0])
        slot[0] += values["count-col"] if str(anonymous).lower() == "true" else 0
        slot[1] += values["count-col"]
    summed: dict[str, list[int]] = {}
    for row in share.rows:
        slot = summed.setdefault(row["month"], [0, 0])
        slot[0] += row["anonymous"]
        slot[1] += row["quotes"]
    assert summed == {m: v for m, v in per_month.items() if v[1]}
    assert any(row["anonymous"] for row in share.rows)


@pytest.mark.es
def test_filters_narrow_every_panel(indexed: str, es_client: Any, es_url: str, tmp_path: Path) -> None:
    where = QuoteFilter(speaker="okafor")
    expected = es_client.count(index=indexed, query=build_query(where))["count"]
    built = report.build_report(es_client, where, index=indexed)
    assert built.total == expected > 0
    assert {q["speaker"]["name"] for q in built.quotes} == {"Miriam Okafor"}
    types = next(p for p in built.panels if p.id == report.QUOTE_TYPES)
    assert sum(r["quotes"] for r in types.rows) == expected

    out = tmp_path / "okafor.html"
    result = run_report(es_url, indexed, out, "--speaker", "okafor", "--since", "2000-01-01")
    assert result.exit_code == 0, result.output
    assert "speaker: okafor; since: 2000-01-01" in out.read_text(encoding="utf-8")


@pytest.mark.es
def test_no_match_gives_a_report_that_says_so(indexed: str, es_url: str, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    result = run_report(es_url, indexed, out, "--query", "xylophonequartz")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="no-quotes"' in page and "No quotes match these filters." in page
    assert "0 quotes" in result.stderr


@pytest.mark.es
def test_pngs_are_written_for_every_drawn_panel(indexed: str, es_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "png"
    result = run_report(es_url, indexed, tmp_path / "r.html", "--png", str(folder))
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
