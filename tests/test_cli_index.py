"""`quotes index` and `quotes load` through typer's CliRunner, on the real local node: what lands in
the index, reruns that duplicate nothing, checkpoints, bad input lines, one-line errors, Ctrl-C.
All article text is made up (samples/ and the stories of tests/clihelp.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.clihelp import (
    DEV_TEXT,
    SAMPLES,
    STORY_A,
    STORY_B,
    count,
    ctrl_c_when,
    invoke,
    jsonl,
    on,
)
from tests.conftest import drop_aliases

# --------------------------------------------------------------------------- index


@pytest.mark.es
def test_indexing_one_folder_later_gives_the_same_ids(
    es: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder, story in (("a", STORY_A), ("b", STORY_B)):
        (tmp_path / "coll" / folder).mkdir(parents=True)
        (tmp_path / "coll" / folder / "story.txt").write_text(story, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("index", "coll", "--es-url", es.url, "--index", es.alias, "--no-merge-names")
    assert result.exit_code == 0, result.output
    quotes = count(es, es.alias)
    assert quotes >= 4 and count(es, es.articles_alias) == 2
    # before: coll/b/story.txt got the bare stem here and another id in the run above
    result = invoke("index", "coll/b", "--es-url", es.url, "--index", es.alias, "--no-merge-names")
    assert result.exit_code == 0, result.output
    assert count(es, es.alias) == quotes  # no quote duplicated
    ids = {h["_id"] for h in es.client.search(index=es.articles_alias, size=10)["hits"]["hits"]}
    assert ids == {"coll/a/story", "coll/b/story"}  # no article document overwritten by another


@pytest.mark.es
def test_an_index_run_that_reads_nothing_exits_non_zero(es: Any, tmp_path: Path) -> None:
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    result = invoke("index", str(tmp_path), "--es-url", es.url, "--index", es.alias)
    assert result.exit_code == 1
    assert "error: no articles read" in result.stderr


@pytest.mark.es
def test_a_checkpoint_of_a_deleted_index_is_refused(es: Any, tmp_path: Path) -> None:
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
    assert invoke(*args).exit_code == 0
    assert count(es, es.alias) > 0
    drop_aliases(es.client, es.alias, es.articles_alias)  # the user deletes the indices
    # before: "skipped (checkpoint): 1", exit 0, and an empty index
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "the index was deleted, recreated or reindexed" in result.stderr
    ck.unlink()
    assert invoke(*args).exit_code == 0
    assert count(es, es.alias) > 0


@pytest.mark.es
def test_a_file_that_is_not_a_checkpoint_is_refused(es: Any, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    result = invoke(
        "index", str(tmp_path / "a.txt"), "--es-url", es.url, "--index", es.alias, "--checkpoint", str(notes)
    )
    assert result.exit_code == 2
    assert "is not a checkpoint file" in result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\n"  # left as it was


@pytest.mark.parametrize("dead", ["missing/dead.ndjson", "."])
def test_an_unwritable_dead_letter_path_is_refused_at_the_start(dead: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    result = invoke(
        "index",
        str(tmp_path / "a.txt"),
        "--dead-letter",
        str(tmp_path / dead),
        "--es-url",
        "http://127.0.0.1:9",
    )
    assert result.exit_code == 2  # before connecting (nothing listens on port 9) or extracting
    assert result.stderr.count("\n") == 1 and "dead-letter" in result.stderr


@pytest.mark.es
def test_ctrl_c_on_index_says_how_to_resume(es: Any, tmp_path: Path) -> None:
    ck = tmp_path / "run.ckpt"
    code, took, stderr = ctrl_c_when(
        ["index", str(DEV_TEXT), *on(es), "--checkpoint", str(ck), "--chunk-size", "50"],
        lambda: ck.exists() and ck.stat().st_size > 0,
    )
    assert code == 130, stderr
    assert took < 3, f"{took:.1f} s to stop"
    assert f"run the same command again: the checkpoint {ck} skips them" in stderr


# --------------------------------------------------------------------------- load


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """samples/ written by `quotes extract` (four articles), as `quotes load` reads it."""
    out = tmp_path_factory.mktemp("extracted") / "quotes.jsonl"
    result = invoke("extract", SAMPLES, "--id-root", SAMPLES, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def records_of(path: Path) -> list[dict[str, Any]]:
    return jsonl(path.read_text(encoding="utf-8"))


@pytest.mark.es
def test_load_indexes_every_extracted_line_and_a_rerun_duplicates_nothing(
    es: Any, extracted: Path, tmp_path: Path
) -> None:
    records = records_of(extracted)
    n, articles = len(records), {r["article_id"] for r in records}
    assert n > 20 and len(articles) == 4
    args: list[str | Path] = ["load", extracted, *on(es), "--dead-letter", tmp_path / "dead.ndjson"]
    for run in ("first", "again"):
        result = invoke(*args)
        assert result.exit_code == 0, (run, result.output)
        assert f"articles read: 4  articles failed: 0  quotes: {n}  indexed: {n}  failed: 0" in result.stderr
        assert count(es, es.alias) == n, run
        assert count(es, es.articles_alias) == len(articles), run
    hits = es.client.search(index=es.alias, size=n + 1, source=False)["hits"]["hits"]
    assert {h["_id"] for h in hits} == {r["quote_id"] for r in records}
    assert not (tmp_path / "dead.ndjson").exists()  # nothing refused


BAD_LINES = {
    "not JSON": ("{not json", "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
    "not a record": ('{"text": "no ids"}', "not an attribution record (needs quote_id and article_id)"),
}


@pytest.mark.es
@pytest.mark.parametrize("bad", list(BAD_LINES))
def test_load_names_a_bad_line_by_number_indexes_the_rest_and_exits_1(
    es: Any, extracted: Path, tmp_path: Path, bad: str
) -> None:
    line, reason = BAD_LINES[bad]
    good = extracted.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "quotes.jsonl"
    path.write_text("\n".join([*good[:2], line, *good[2:]]) + "\n", encoding="utf-8")
    result = invoke("load", path, *on(es), "--dead-letter", tmp_path / "dead.ndjson")
    assert result.exit_code == 1, result.output
    assert f"  failed: {path}:3: {reason}" in result.stderr.splitlines()
    n = len(good)
    assert f"articles read: 4  articles failed: 1  quotes: {n}  indexed: {n}  failed: 0" in result.stderr
    assert count(es, es.alias) == n  # every good line indexed


@pytest.mark.es
def test_load_with_a_checkpoint_skips_what_a_first_run_finished(
    es: Any, extracted: Path, tmp_path: Path
) -> None:
    n = len(records_of(extracted))
    args: list[str | Path] = ["load", extracted, *on(es), "--checkpoint", tmp_path / "load.ckpt"]
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert f"quotes: {n}  indexed: {n}  failed: 0" in first.stderr
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert "articles read: 0  articles failed: 0  quotes: 0  indexed: 0  failed: 0" in again.stderr
    assert "skipped (checkpoint): 4" in again.stderr
    assert count(es, es.alias) == n


def test_load_dry_run_writes_the_bulk_body_and_connects_to_nothing(extracted: Path, tmp_path: Path) -> None:
    records = records_of(extracted)
    body = tmp_path / "bulk.ndjson"
    result = invoke("load", extracted, "--dry-run", body, "--es-url", "http://127.0.0.1:9")  # no server
    assert result.exit_code == 0, result.output
    actions = len(records) + len({r["article_id"] for r in records})  # a quote each, an article each
    assert f"written: {actions} actions to {body}" in result.stderr
    lines = jsonl(body.read_text(encoding="utf-8"))
    assert len(lines) == 2 * actions  # an action line and its document
    quote_ids = {line["index"]["_id"] for line in lines[::2] if line["index"]["_index"] == "quotes"}
    assert quote_ids == {r["quote_id"] for r in records}


def test_load_names_a_file_it_cannot_read_and_exits_1(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    result = invoke("load", missing, "--dry-run", tmp_path / "bulk.ndjson")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [  # no progress line: stderr is no terminal here
        f"articles read: 0  articles failed: 1  quotes: 0  written: 0 actions to {tmp_path / 'bulk.ndjson'}",
        f"  failed: {missing}: cannot read: No such file or directory",
    ]
