"""`quotes search`, `show`, `speakers` and `reused` through typer's CliRunner, on the real local node:
an index of three invented quotes (`small_index`), tests/wire/ with its quote clusters (`wire` in
conftest.py), and one-line errors for bad filters and servers that are not Elasticsearch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clihelp import STORY_A, invoke, jsonl, on
from tests.conftest import FIRST_RUN

BUDGET, LIBRARY, FERRY = (
    "The budget is balanced this year.",
    "The library will close at six.",
    "Nobody asked about the ferry.",
)
WIDE = {"COLUMNS": "200"}  # tables one row a line


@pytest.fixture
def small_index(es: Any) -> str:
    from tests.conftest import load_records, make_record

    records = [
        make_record(1, 0, name="Helen Marsh-Whitaker", text="The budget is balanced this year."),
        make_record(
            1, 1, name="Helen Marsh-Whitaker", text="The library will close at six.", type="indirect"
        ),
        make_record(2, 0, name="Tom Reyes", text="Nobody asked about the ferry."),
    ]
    report = load_records(es.client, es.alias, records)
    assert report.indexed == 3
    return str(es.alias)


def search_texts(es: Any, index: str, *args: str) -> list[str]:
    result = invoke("search", *args, "--json", "--es-url", es.url, "--index", index, "--size", "20")
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["text"] for line in result.stdout.splitlines() if line.strip())


# --------------------------------------------------------------------------- search


@pytest.mark.es
def test_boolean_words_work_in_searches(es: Any, small_index: str) -> None:
    budget, library, ferry = (
        "The budget is balanced this year.",
        "The library will close at six.",
        "Nobody asked about the ferry.",
    )
    # before: 'budget OR library' found nothing
    assert search_texts(es, small_index, "budget OR library") == sorted([budget, library])
    assert search_texts(es, small_index, "budget | library") == sorted([budget, library])
    assert search_texts(es, small_index, "budget AND library") == []
    assert search_texts(es, small_index, "the NOT budget") == sorted([library, ferry])
    assert search_texts(es, small_index, '"close at six" OR ferry') == sorted([library, ferry])
    assert search_texts(es, small_index, "AND OR NOT") == []  # never an error


@pytest.mark.es
def test_type_in_any_case_and_hyphenated_names(es: Any, small_index: str) -> None:
    assert len(search_texts(es, small_index, "--type", "DIRECT")) == 2
    for name in ("whitaker", "helen marsh whitaker", "Marsh-Whitaker", "marsh"):
        assert len(search_texts(es, small_index, "--speaker", name)) == 2, name


@pytest.mark.parametrize("value", ["yesterday", "2026-13-45"])
def test_bad_dates_in_a_search_are_one_line_errors(value: str) -> None:
    result = invoke("search", "x", "--since", value, "--es-url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "is not a date" in result.stderr


def test_a_port_out_of_range_is_one_line_without_the_password() -> None:
    result = invoke("search", "x", "--es-url", "http://u:secret@127.0.0.1:99999")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: invalid Elasticsearch URL http://127.0.0.1:99999: Port out of range 0-65535\n"
    )


def test_a_web_server_that_is_not_elasticsearch_is_one_line(tmp_path: Path) -> None:
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (
                b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1>"
                + b"<p>x</p>" * 200
                + b"</body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = invoke("search", "x", "--es-url", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "a web page, not an Elasticsearch answer" in result.stderr and "nginx" not in result.stderr


@pytest.mark.es
def test_search_formats_carry_the_article_and_the_total(es: Any, small_index: str) -> None:
    import csv
    import io

    args = ("search", "the", "--es-url", es.url, "--index", small_index)
    as_json = json.loads(invoke(*args, "--format", "json").stdout)
    assert as_json["total"] == 3 and len(as_json["hits"]) == 3
    hit = as_json["hits"][0]
    assert {"title", "outlet", "published_at", "url"} <= set(hit["article"]) and hit["article_id"].startswith(
        "art-"
    )
    result = invoke(*args, "--format", "csv", "--size", "2")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and rows[0]["url"].startswith("https://example.org/articles/")
    assert "3 quotes match; 2 shown" in result.stderr
    assert invoke(*args, "--format", "xml").exit_code == 2


@pytest.mark.es
def test_search_pages_past_ten_thousand_hits(es: Any) -> None:
    from indexer import store
    from indexer.es.documents import record_actions
    from tests.conftest import make_record

    n = 10_050
    records = (make_record(a // 50, a % 50, name="Quinn Sato") for a in range(n))
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    report = store.load(
        es.client, record_actions(records, es.alias, es.articles_alias), indices=[es.alias, es.articles_alias]
    )
    assert report.indexed == n
    es.client.indices.refresh(index=names.quotes_index)
    result = invoke("search", "--es-url", es.url, "--index", es.alias, "--size", "20000", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr[-500:]
    ids = [json.loads(line)["quote_id"] for line in result.stdout.splitlines()]
    assert len(ids) == len(set(ids)) == n  # every quote once, past the 10,000 window
    assert f"{n} quotes match; {n} shown" in result.stderr


@pytest.mark.es
def test_search_collapse_shows_each_cluster_once_with_its_outlets(
    wire: tuple[str, list[dict[str, Any]]], es_url: str
) -> None:
    alias, docs = wire
    args = ["search", "--speaker", "oyelaran", "--es-url", es_url, "--index", alias]
    plain = invoke(*args, "--format", "json")
    collapsed = invoke(*args, "--format", "json", "--collapse")
    assert plain.exit_code == 0 and collapsed.exit_code == 0, collapsed.output
    everything, once = json.loads(plain.stdout), json.loads(collapsed.stdout)
    hers = {d["quote_cluster"] for d in docs if d["speaker"].get("name") == "Marta Oyelaran"}
    assert everything["total"] == 3 * len(hers)
    assert once["total"] == once["shown"] == len(hers)
    assert sorted(h["quote_cluster"] for h in once["hits"]) == sorted(hers)
    assert all(h["cluster_outlets"] == 3 for h in once["hits"])
    table = invoke(*args, "--collapse", env={"COLUMNS": "300"})
    assert "and 2 more: 3 articles, 3 outlets" in table.stdout


@pytest.mark.es
@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["budget"], ["Helen Marsh-Whitaker", BUDGET, "1 quotes match; 1 shown"]),
        (["--speaker", "reyes"], ["Tom Reyes", FERRY, "1 quotes match; 1 shown"]),
        (["the", "--size", "1"], ["3 quotes match; 1 shown"]),
        (["xylophonequartz"], ["no quotes found"]),
    ],
    ids=["words", "speaker", "size", "no match"],
)
def test_search_prints_a_table_of_speaker_quote_and_article(
    es: Any, small_index: str, args: list[str], shown: list[str]
) -> None:
    result = invoke("search", *args, *on(es), env=WIDE)
    assert result.exit_code == 0, result.output
    for text in shown:
        assert text in result.stdout, (text, result.stdout)
    if "no quotes found" not in shown:
        assert "Invented article" in result.stdout and "https://example.org/articles/" in result.stdout


# --------------------------------------------------------------------------- show


@pytest.mark.es
def test_show_prints_the_quote_in_its_paragraph(es: Any, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\n" + STORY_A + "\nAnother paragraph.\n", encoding="utf-8")
    extracted = tmp_path / "q.jsonl"
    assert invoke("extract", str(tmp_path / "a.txt"), "-o", str(extracted)).exit_code == 0
    record = next(
        r
        for r in map(json.loads, extracted.read_text(encoding="utf-8").splitlines())
        if r["type"] == "direct"
    )
    text = (tmp_path / "a.txt").read_text(encoding="utf-8")
    context = record["context"]
    assert (
        text[context["start"] : context["start"] + len(context["text"])] == context["text"] == STORY_A.strip()
    )
    assert invoke("load", str(extracted), "--es-url", es.url, "--index", es.alias).exit_code == 0
    result = invoke("show", record["quote_id"], "--es-url", es.url, "--index", es.alias)
    assert result.exit_code == 0, result.output
    assert STORY_A.strip() in " ".join(result.stdout.split()) or "We are nearly done" in result.stdout
    assert "Ann Lee" in result.stdout and "said" in result.stdout and "person" in result.stdout
    assert "identification  named" in result.stdout  # every speaker field that has a value
    missing = invoke("show", "nope", "--es-url", es.url, "--index", es.alias)
    assert missing.exit_code == 1 and "no quote 'nope'" in missing.stderr


@pytest.mark.es
def test_show_of_a_quote_stored_without_its_paragraph_prints_the_quote_and_its_fields(
    es: Any, small_index: str
) -> None:
    (hit,) = jsonl(invoke("search", "budget", "--json", *on(es)).stdout)
    result = invoke("show", hit["quote_id"], *on(es), env=WIDE)
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == f"direct quote {hit['quote_id']}"
    assert lines[1:3] == [BUDGET, "(no paragraph stored: indexed by an older version)"]
    for name, value in [
        ("speaker", "Helen Marsh-Whitaker"),
        ("title", "spokesman"),
        ("affiliation", "Ministry of Tests"),
        ("cue", "said"),
        ("article", "art-1"),
        ("outlet", "The Test Gazette"),
        ("url", "https://example.org/articles/1"),
    ]:
        assert f"{name}  {value}" in lines, (name, lines)


# --------------------------------------------------------------------------- speakers


@pytest.mark.es
def test_unnamed_sources_are_never_one_speaker_across_articles(es: Any) -> None:
    from indexer import store
    from indexer.es.documents import record_actions
    from tests.conftest import make_record

    records = [make_record(a, 0, name=None, mention="two officials", anonymous=True) for a in range(6)]
    records += [make_record(9, q, name="Quinn Sato") for q in range(2)]
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    store.load(
        es.client, record_actions(records, es.alias, es.articles_alias), indices=[es.alias, es.articles_alias]
    )
    es.client.indices.refresh(index=[names.quotes_index, names.articles_index])

    def rows(*args: str) -> list[dict[str, Any]]:
        result = invoke("speakers", *args, "--json", "--es-url", es.url, "--index", es.alias)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines()]

    # before: "two officials" came first, with 6 quotes in 6 articles
    assert [(r["speaker"], r["quotes"]) for r in rows()] == [("Quinn Sato", 2)]
    *unnamed, summary = rows("--anonymous")  # the last line counts them by type, reason and outlet
    # hand-made records carry no source type
    assert [(b["key"], b["quotes"]) for b in summary["summary"]["type"]] == [(None, 6)]
    assert len(unnamed) == 6 and {(r["speaker"], r["quotes"], r["articles"]) for r in unnamed} == {
        ("two officials", 1, 1)
    }
    assert {r["article_id"] for r in unnamed} == {f"art-{a}" for a in range(6)}
    assert rows("--all")[0]["speaker"] == "Quinn Sato" and len(rows("--all")) == 7
    assert rows("--since", "2030-01-01") == []


@pytest.mark.es
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], [("Helen Marsh-Whitaker", 2, 1), ("Tom Reyes", 1, 1)]),
        (["--top", "1"], [("Helen Marsh-Whitaker", 2, 1)]),
        (["--query", "ferry"], [("Tom Reyes", 1, 1)]),
        (["--outlet", "the test gazette"], [("Helen Marsh-Whitaker", 2, 1), ("Tom Reyes", 1, 1)]),
        (["--outlet", "Another Paper"], []),
    ],
    ids=["all", "top", "query", "outlet", "other outlet"],
)
def test_speakers_json_counts_quotes_and_articles(
    es: Any, small_index: str, args: list[str], expected: list[tuple[str, int, int]]
) -> None:
    result = invoke("speakers", *args, "--json", *on(es))
    assert result.exit_code == 0, result.output
    assert [(r["speaker"], r["quotes"], r["articles"]) for r in jsonl(result.stdout)] == expected


@pytest.mark.es
def test_speakers_prints_a_table_most_quoted_first(es: Any, small_index: str) -> None:
    result = invoke("speakers", *on(es), env=WIDE)
    assert result.exit_code == 0, result.output
    rows = [  # the cells of each row of the table (the header's bars are heavier)
        [cell.strip() for cell in line.replace("┃", "│").strip("│ ").split("│")]
        for line in result.stdout.splitlines()
        if "│" in line or "┃" in line
    ]
    assert rows == [
        ["speaker", "quotes", "articles"],
        ["Helen Marsh-Whitaker", "2", "1"],
        ["Tom Reyes", "1", "1"],
    ]


def test_speakers_anonymous_and_all_together_is_a_one_line_error() -> None:
    result = invoke("speakers", "--anonymous", "--all", "--es-url", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.stderr == "error: give --anonymous or --all, not both\n"


# --------------------------------------------------------------------------- reused


@pytest.mark.es
def test_quotes_reused_lists_the_most_run_quotes_with_their_first_outlet(
    wire: tuple[str, list[dict[str, Any]]], es_url: str
) -> None:
    alias, _ = wire
    result = invoke("reused", "--top", "3", "--json", "--es-url", es_url, "--index", alias)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert (row["articles"], row["outlets"], row["first_outlet"]) == (3, 3, "Coastal Wire")
        assert row["first_seen"] == FIRST_RUN
    table = invoke("reused", "--speaker", "greer", "--es-url", es_url, "--index", alias)
    assert table.exit_code == 0 and "Our door stays open" in table.stdout and "Oyelaran" not in table.stdout


@pytest.mark.es
@pytest.mark.parametrize(
    ("args", "printed"),
    [
        ([], "no quote ran in more than one article (clusters are made by `quotes index` / `load`)\n"),
        (["--json"], ""),
    ],
    ids=["table", "json"],
)
def test_reused_without_clusters_lists_nothing(
    es: Any, small_index: str, args: list[str], printed: str
) -> None:
    result = invoke("reused", *args, *on(es), env=WIDE)  # small_index is loaded without the cluster pass
    assert result.exit_code == 0, result.output
    assert result.stdout == printed
