"""A researcher's first hour, on the real node: ids that do not depend on the run, files of types
not read counted and named, publication dates Elasticsearch accepts. All article text is made up."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from indexer.dates import normalize_date

STORY_A = 'The bridge will reopen in May, Mayor Ann Lee said on Tuesday. "We are nearly done," she said.\n'
STORY_B = 'The ferry will stop in June, said Tom Reyes, the harbor master. "The boats are old," he said.\n'


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def count(es: Any, index: str) -> int:
    es.client.indices.refresh(index=index)
    return int(es.client.count(index=index)["count"])


@pytest.mark.es
def test_indexing_one_folder_later_gives_the_same_ids(
    es: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder, story in (("a", STORY_A), ("b", STORY_B)):
        (tmp_path / "coll" / folder).mkdir(parents=True)
        (tmp_path / "coll" / folder / "story.txt").write_text(story, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("index", "coll", "--es-url", es.url, "--index", es.alias, "--no-merge-names")
    assert result.exit_code == 0, result.output
    quotes = count(es, es.alias)
    assert quotes >= 4 and count(es, es.articles_alias) == 2
    # before: coll/b/story.txt got the bare stem here and another id in the run above
    result = cli("index", "coll/b", "--es-url", es.url, "--index", es.alias, "--no-merge-names")
    assert result.exit_code == 0, result.output
    assert count(es, es.alias) == quotes  # no quote duplicated
    ids = {h["_id"] for h in es.client.search(index=es.articles_alias, size=10)["hits"]["hits"]}
    assert ids == {"coll/a/story", "coll/b/story"}  # no article document overwritten by another


def test_two_articles_under_one_id_are_an_error_naming_both(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(STORY_A, encoding="utf-8")
    (tmp_path / "x.text").write_text(STORY_B, encoding="utf-8")
    result = cli("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "x.txt: id 'x' is also the id of" in result.stderr and "x.text" in result.stderr


def test_unsupported_files_are_counted_and_named(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(STORY_A, encoding="utf-8")
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 binary")
    (tmp_path / "notes.text").write_text(STORY_B, encoding="utf-8")
    (tmp_path / "README").write_text("About this folder.", encoding="utf-8")  # no extension: not read
    result = cli("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.output
    assert "articles read: 2" in result.stderr  # the output file inside the folder is not read back
    assert "skipped (unsupported): 3, e.g. README, scan.pdf, story.xml" in result.stderr


def test_a_run_that_reads_nothing_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    result = cli("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "skipped (unsupported): 1, e.g. story.xml" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"error: no articles read from {tmp_path}"


@pytest.mark.es
def test_an_index_run_that_reads_nothing_exits_non_zero(es: Any, tmp_path: Path) -> None:
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    result = cli("index", str(tmp_path), "--es-url", es.url, "--index", es.alias)
    assert result.exit_code == 1
    assert "error: no articles read" in result.stderr


DATES = {
    "rss": ("Sat, 14 Mar 2026 10:00:00 GMT", "2026-03-14T10:00:00+00:00"),
    "words": ("March 14, 2026", "2026-03-14"),
    "day-first": ("14/03/2026", "2026-03-14"),
    "iso": ("2026-03-14", "2026-03-14"),
    "not-a-date": ("yesterday", None),
}


@pytest.mark.parametrize("name", list(DATES))
def test_dates_are_normalised_to_iso_8601(name: str) -> None:
    written, iso = DATES[name]
    assert normalize_date(written) == ((iso, None) if iso else (None, written))


@pytest.mark.es
def test_quotes_with_any_date_are_indexed(es: Any, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [{"id": name, "text": STORY_A, "date": written} for name, (written, _) in DATES.items()]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    extracted = tmp_path / "q.jsonl"
    assert cli("extract", str(feed), "-o", str(extracted)).exit_code == 0
    expected = len(extracted.read_text(encoding="utf-8").splitlines())
    result = cli("index", str(feed), "--es-url", es.url, "--index", es.alias, "--no-merge-names")
    # before: the RSS, worded and day-first dates were refused and their quotes dead-lettered
    assert result.exit_code == 0, result.output
    assert "failed: 0" in result.stderr
    assert "dates not read: 1, kept as text in article.published_text" in result.stderr
    assert count(es, es.alias) == expected
    docs = es.client.search(index=es.articles_alias, size=10)["hits"]["hits"]
    got = {d["_id"]: (d["_source"]["published_at"], d["_source"]["published_text"]) for d in docs}
    assert got == {name: (iso, None if iso else written) for name, (written, iso) in DATES.items()}
    # a date range search finds the quotes whose date was written in words
    hits = es.client.count(
        index=es.alias, query={"range": {"article.published_at": {"gte": "2026-03-14", "lte": "2026-03-14"}}}
    )["count"]
    assert hits == expected * 4 // 5


@pytest.mark.es
def test_a_checkpoint_of_a_deleted_index_is_refused(es: Any, tmp_path: Path) -> None:
    from tests.conftest import drop_aliases

    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    ck = tmp_path / "run.ckpt"
    args = (
        "index",
        str(tmp_path / "a.txt"),
        "--es-url",
        es.url,
        "--index",
        es.alias,
        "--checkpoint",
        str(ck),
    )
    assert cli(*args).exit_code == 0
    assert count(es, es.alias) > 0
    drop_aliases(es.client, es.alias, es.articles_alias)  # the user deletes the indices
    # before: "skipped (checkpoint): 1", exit 0, and an empty index
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "the index was deleted, recreated or reindexed" in result.stderr
    ck.unlink()
    assert cli(*args).exit_code == 0
    assert count(es, es.alias) > 0


@pytest.mark.es
def test_a_file_that_is_not_a_checkpoint_is_refused(es: Any, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    result = cli(
        "index", str(tmp_path / "a.txt"), "--es-url", es.url, "--index", es.alias, "--checkpoint", str(notes)
    )
    assert result.exit_code == 2
    assert "is not a checkpoint file" in result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\n"  # left as it was


@pytest.fixture
def small_index(es: Any) -> str:
    from indexer import store
    from indexer.es.documents import record_actions
    from tests.conftest import make_record

    records = [
        make_record(1, 0, name="Helen Marsh-Whitaker", text="The budget is balanced this year."),
        make_record(
            1, 1, name="Helen Marsh-Whitaker", text="The library will close at six.", type="indirect"
        ),
        make_record(2, 0, name="Tom Reyes", text="Nobody asked about the ferry."),
    ]
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    report = store.load(
        es.client,
        record_actions(records, names.quotes_alias, names.articles_alias),
        indices=[names.quotes_alias, names.articles_alias],
    )
    assert report.indexed == 3
    return str(es.alias)


def search_texts(es: Any, index: str, *args: str) -> list[str]:
    result = cli("search", *args, "--json", "--es-url", es.url, "--index", index, "--size", "20")
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["text"] for line in result.stdout.splitlines() if line.strip())


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
    result = cli("search", "x", "--since", value, "--es-url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "is not a date" in result.stderr


def test_a_port_out_of_range_is_one_line_without_the_password() -> None:
    result = cli("search", "x", "--es-url", "http://u:secret@127.0.0.1:99999")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: invalid Elasticsearch URL http://127.0.0.1:99999: Port out of range 0-65535\n"
    )


@pytest.mark.parametrize("where", ["-o", "stdout"])
def test_a_full_disk_is_one_line(where: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    quotes = str(Path(sys.executable).parent / "quotes")
    args = [quotes, "extract", str(tmp_path / "a.txt")]
    with open("/dev/full", "w") as full:
        if where == "-o":
            done = subprocess.run([*args, "-o", "/dev/full"], capture_output=True, text=True, timeout=300)
        else:
            done = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: cannot write")
    assert "No space left on device; the output is incomplete" in done.stderr


@pytest.mark.parametrize("dead", ["missing/dead.ndjson", "."])
def test_an_unwritable_dead_letter_path_is_refused_at_the_start(dead: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    result = cli(
        "index",
        str(tmp_path / "a.txt"),
        "--dead-letter",
        str(tmp_path / dead),
        "--es-url",
        "http://127.0.0.1:9",
    )
    assert result.exit_code == 2  # before connecting (nothing listens on port 9) or extracting
    assert result.stderr.count("\n") == 1 and "dead-letter" in result.stderr


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
        result = cli("search", "x", "--es-url", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "a web page, not an Elasticsearch answer" in result.stderr and "nginx" not in result.stderr


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
        result = cli("speakers", *args, "--json", "--es-url", es.url, "--index", es.alias)
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


@pytest.fixture(scope="module")
def extractor() -> Any:
    from indexer.extract.engine import Extractor

    return Extractor(workers=1)


def attributions(extractor: Any, text: str) -> list[Any]:
    from indexer.model import Article

    return extractor.extract_one(Article("t", text)).attributions


@pytest.mark.parametrize(
    "text",
    [
        "A spokeswoman declined to discuss the case.",
        "Marta Ruiz, a resident who declined to give his full name, stood by the fence.",
        "The agency refused to comment on the report.",
    ],
)
def test_a_refusal_to_speak_is_no_attribution(extractor: Any, text: str) -> None:
    assert attributions(extractor, text) == []


def test_the_mayor_is_identified_by_position(extractor: Any) -> None:
    (a,) = attributions(extractor, "The mayor said the budget would pass next week.")
    assert (a.speaker.kind, a.speaker.anonymous) == ("person", False)
    (b,) = attributions(extractor, "An official said the budget would pass next week.")
    assert b.speaker.anonymous  # an unnamed official is still anonymous


def test_a_role_before_a_name_is_a_title(extractor: Any) -> None:
    (a,) = attributions(extractor, '"We will not back down," said council member Quinn Sato.')
    assert (a.speaker.name, a.speaker.title, a.speaker.kind) == ("Quinn Sato", "council member", "person")


def test_a_report_of_the_police_is_attributed_to_the_police(extractor: Any) -> None:
    text = "Police said in a report that the driver was drunk."
    (a,) = attributions(extractor, text)
    assert a.speaker.name == "Police" and a.text.endswith("the driver was drunk")
    assert "in a report" not in a.text and a.cue is not None and a.cue.text == "said"


@pytest.mark.es
def test_search_formats_carry_the_article_and_the_total(es: Any, small_index: str) -> None:
    import csv
    import io

    args = ("search", "the", "--es-url", es.url, "--index", small_index)
    as_json = json.loads(cli(*args, "--format", "json").stdout)
    assert as_json["total"] == 3 and len(as_json["hits"]) == 3
    hit = as_json["hits"][0]
    assert {"title", "outlet", "published_at", "url"} <= set(hit["article"]) and hit["article_id"].startswith(
        "art-"
    )
    result = cli(*args, "--format", "csv", "--size", "2")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and rows[0]["url"].startswith("https://example.org/articles/")
    assert "3 quotes match; 2 shown" in result.stderr
    assert cli(*args, "--format", "xml").exit_code == 2


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
    result = cli("search", "--es-url", es.url, "--index", es.alias, "--size", "20000", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr[-500:]
    ids = [json.loads(line)["quote_id"] for line in result.stdout.splitlines()]
    assert len(ids) == len(set(ids)) == n  # every quote once, past the 10,000 window
    assert f"{n} quotes match; {n} shown" in result.stderr


@pytest.mark.es
def test_show_prints_the_quote_in_its_paragraph(es: Any, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\n" + STORY_A + "\nAnother paragraph.\n", encoding="utf-8")
    extracted = tmp_path / "q.jsonl"
    assert cli("extract", str(tmp_path / "a.txt"), "-o", str(extracted)).exit_code == 0
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
    assert cli("load", str(extracted), "--es-url", es.url, "--index", es.alias).exit_code == 0
    result = cli("show", record["quote_id"], "--es-url", es.url, "--index", es.alias)
    assert result.exit_code == 0, result.output
    assert STORY_A.strip() in " ".join(result.stdout.split()) or "We are nearly done" in result.stdout
    assert "Ann Lee" in result.stdout and "said" in result.stdout and "person" in result.stdout
    assert "identification  named" in result.stdout  # every speaker field that has a value
    missing = cli("show", "nope", "--es-url", es.url, "--index", es.alias)
    assert missing.exit_code == 1 and "no quote 'nope'" in missing.stderr


DEV_TEXT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear-dev" / "text"


def _as_from_a_terminal() -> None:
    """In the child before exec: Ctrl-C handled by default, as a shell gives a foreground command.

    A test run started in the background (``pytest &``) ignores SIGINT, and its children inherit that."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt_when(process: Any, ready: Any, timeout: float = 120) -> float:
    """Wait until `ready()`, then Ctrl-C the process group as a terminal does; seconds to exit."""
    import os
    import signal
    import time

    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "finished before it could be interrupted"
        assert time.monotonic() < deadline, "never got going"
        time.sleep(0.1)
    start = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=30)
    return time.monotonic() - start


def test_ctrl_c_on_extract_ends_at_once_and_keeps_complete_lines(tmp_path: Path) -> None:
    import subprocess
    import sys

    if not DEV_TEXT.is_dir():
        pytest.fail(f"{DEV_TEXT} is missing: the shared folder must sit beside the clone")
    out = tmp_path / "q.jsonl"
    quotes = Path(sys.executable).parent / "quotes"
    process = subprocess.Popen(
        [str(quotes), "extract", str(DEV_TEXT), "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )
    took = _interrupt_when(process, lambda: out.exists() and out.stat().st_size > 0)
    stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode == 130, stderr
    assert took < 3, f"{took:.1f} s to stop"
    assert "interrupted: the attributions of the" in stderr and "Traceback" not in stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["quote_id"] for line in lines)  # every line complete


@pytest.mark.es
def test_ctrl_c_on_index_says_how_to_resume(es: Any, tmp_path: Path) -> None:
    import subprocess
    import sys

    quotes = Path(sys.executable).parent / "quotes"
    ck = tmp_path / "run.ckpt"
    process = subprocess.Popen(
        [
            str(quotes),
            "index",
            str(DEV_TEXT),
            "--es-url",
            es.url,
            "--index",
            es.alias,
            "--checkpoint",
            str(ck),
            "--chunk-size",
            "50",
        ],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )
    took = _interrupt_when(process, lambda: ck.exists() and ck.stat().st_size > 0)
    stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode == 130, stderr
    assert took < 3, f"{took:.1f} s to stop"
    assert f"run the same command again: the checkpoint {ck} skips them" in stderr


def test_extract_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    quotes = str(Path(sys.executable).parent / "quotes")
    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    quiet = subprocess.run(
        [quotes, "extract", str(tmp_path / "a.txt"), "-o", os.devnull], capture_output=True, text=True
    )
    assert quiet.stderr.splitlines() == ["articles read: 1  attributions: 2  articles failed: 0"] or (
        quiet.stderr.startswith("articles read: 1") and quiet.stderr.count("\n") == 1
    )
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [quotes, "extract", str(DEV_TEXT), "-o", os.devnull, "--workers", "1"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "120"},
    )
    os.close(follower)
    seen = b""
    with contextlib.suppress(OSError):  # EIO once the terminal's other end is closed
        while chunk := os.read(leader, 65536):  # read as it comes, or the child blocks on a full pty
            seen += chunk
    os.close(leader)
    done = process
    done.wait(timeout=300)
    assert done.returncode == 0
    assert b"MB/s" in seen and b"attributions" in seen  # the live line
