"""`quotes report`: built from the samples and tests/wire/ on the real node (`samples_and_wire` in
conftest.py), opened in headless Chromium with the network off, as a person would open the file; its
panels against the Kibana queries. The command's options and errors are in tests/test_cli_report.py.

The browser is Debian's `chromium` with its `chromedriver` (`.ci/run` installs them). When it cannot
start, the browser test fails with the reason; it is never skipped.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.es import kibana, report
from indexer.es.search import QuoteFilter, build_query
from tests.clihelp import invoke

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LOAD_BUDGET_MS = 2000


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
    samples_and_wire: str, es_url: str, es_client: Any, browser: Any, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = invoke("report", "-o", out, "--es-url", es_url, "--index", samples_and_wire)
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
    names = top_speakers(es_client, samples_and_wire)
    assert "Miriam Okafor" in names and "Rosa Delgado" in names  # the samples' most quoted people
    assert all(name in text for name in names), (names, text)
    rows = browser.find_elements("css selector", "#quotes tbody tr")
    assert len(rows) == es_client.count(index=samples_and_wire)["count"]  # the samples have fewer than 50

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
def test_each_panel_shows_what_its_kibana_query_answers(samples_and_wire: str, es_client: Any) -> None:
    built = report.build_report(es_client, index=samples_and_wire)
    queries = {q.id: q for q in kibana.panel_queries()}
    for panel in built.panels:
        if panel.id == report.ANONYMOUS_SHARE:
            continue  # checked below: the Lens query with an outlet bucket around it
        query = queries[panel.id]
        answer = query.rows(es_client.search(index=samples_and_wire, **query.body()).body)
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
    for month, anonymous, values in lens.rows(es_client.search(index=samples_and_wire, **lens.body()).body):
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
def test_filters_narrow_every_panel(
    samples_and_wire: str, es_client: Any, es_url: str, tmp_path: Path
) -> None:
    where = QuoteFilter(speaker="okafor")
    expected = es_client.count(index=samples_and_wire, query=build_query(where))["count"]
    built = report.build_report(es_client, where, index=samples_and_wire)
    assert built.total == expected > 0
    assert {q["speaker"]["name"] for q in built.quotes} == {"Miriam Okafor"}
    types = next(p for p in built.panels if p.id == report.QUOTE_TYPES)
    assert sum(r["quotes"] for r in types.rows) == expected

    out = tmp_path / "okafor.html"
    args = ["--speaker", "okafor", "--since", "2000-01-01"]
    result = invoke("report", "-o", out, "--es-url", es_url, "--index", samples_and_wire, *args)
    assert result.exit_code == 0, result.output
    assert "speaker: okafor; since: 2000-01-01" in out.read_text(encoding="utf-8")
