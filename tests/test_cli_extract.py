"""`quotes extract` and `quotes evaluate` through typer's CliRunner, and the help.

Article text written here is made up; the evaluation test copies a few PolNeAR dev articles from
../shared into tmp_path only (never into the repository).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from indexer.extract.engine import Extractor
from indexer.model import Article
from indexer.reading.articles import content_id, iter_articles
from tests.clihelp import (
    DEV_TEXT,
    QUOTES,
    ROOT,
    SAMPLES,
    STORY_A,
    STORY_B,
    copy_split,
    ctrl_c_when,
    invoke,
    jsonl,
)

SHARED_EVAL = ROOT.parent / "shared" / "eval"
POLNEAR_DEV = SHARED_EVAL / "polnear-dev"
REFERENCE_SCORER = SHARED_EVAL / "score_polnear.py"


def failed_lines(result: Result) -> list[str]:
    return [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("failed:")]


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    """Good articles next to an empty file, a binary file, a non-UTF-8 file and a broken JSON line."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(
        '"The ferry runs on Sunday," said Captain Ruth Ambrose.\n', encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "latin.txt").write_bytes(
        'The mayor said "the caf\xe9 stays open," on Monday.'.encode("latin-1")
    )
    lines = [
        json.dumps({"id": "roads", "text": '"The road is closed," said Chief Tom Hale.'}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "bridge", "text": '"The bridge opens in May," said Mayor Ana Ruiz.'}),
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- help


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("extract", "evaluate", "index", "search", "speakers"):
        assert command in result.output


# --------------------------------------------------------------------------- extract


def test_extract_samples_writes_one_line_per_attribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SAMPLES.parent)
    out = tmp_path / "quotes.jsonl"
    result = invoke("extract", "samples", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    extractor = Extractor()
    expected = sum(
        len(extractor.extract_one(a).attributions)
        for a in iter_articles([str(SAMPLES)])
        if isinstance(a, Article)
    )
    records = jsonl(out.read_text(encoding="utf-8"))
    assert len(records) == expected > 0
    assert {r["article_id"] for r in records} == {
        "samples/harbor-strike",  # files: the path below the current folder
        "samples/harbor-talks",
        "council-budget-vote",  # the JSON article's own id
        "https://example.org/news/flood-briefing",  # the HTML page's canonical URL
    }


def test_extract_summary_counts_articles_and_attributions(tmp_path: Path) -> None:
    out = tmp_path / "quotes.jsonl"
    result = invoke("extract", str(SAMPLES), "-o", str(out))
    n = len(jsonl(out.read_text(encoding="utf-8")))
    assert f"articles read: 4  attributions: {n}  articles failed: 0" in result.stderr


def test_extract_writes_to_stdout_by_default() -> None:
    result = invoke("extract", str(SAMPLES / "harbor-strike.txt"), "--id-root", str(SAMPLES))
    assert result.exit_code == 0
    records = jsonl(result.stdout)
    assert records and {r["article_id"] for r in records} == {"harbor-strike"}


def test_extract_reads_plain_text_from_stdin() -> None:
    result = invoke("extract", "-", stdin='"The ferry runs on Sunday," said Captain Ruth Ambrose.\n')
    assert result.exit_code == 0, result.stderr
    (record,) = jsonl(result.stdout)
    assert record["article_id"] == content_id('"The ferry runs on Sunday," said Captain Ruth Ambrose.\n')
    assert record["text"] == "The ferry runs on Sunday,"
    assert record["speaker"]["name"] == "Ruth Ambrose"


def test_extract_reads_json_lines_from_stdin() -> None:
    lines = [
        json.dumps({"id": "roads", "text": '"The road is closed," said Chief Tom Hale.'}),
        json.dumps({"id": "bridge", "text": '"The bridge opens in May," said Mayor Ana Ruiz.'}),
    ]
    result = invoke("extract", "-", stdin="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    assert [r["article_id"] for r in jsonl(result.stdout)] == ["roads", "bridge"]


def test_extract_with_unreadable_files_exits_1(messy_folder: Path) -> None:
    result = invoke("extract", str(messy_folder))
    assert result.exit_code == 1


def test_extract_still_writes_the_good_articles(messy_folder: Path) -> None:
    result = invoke("extract", str(messy_folder))
    assert {r["article_id"] for r in jsonl(result.stdout)} == {"good", "roads", "bridge"}


def test_extract_summary_names_each_failed_file(messy_folder: Path) -> None:
    result = invoke("extract", str(messy_folder))
    failed = failed_lines(result)
    assert len(failed) == 4, result.stderr
    for name in ("empty.txt", "image.txt", "latin.txt"):
        assert any(f"{messy_folder / name}:" in line for line in failed), (name, failed)


def test_extract_summary_names_the_line_of_a_bad_json_line(messy_folder: Path) -> None:
    result = invoke("extract", str(messy_folder))
    assert any(f"{messy_folder / 'batch.jsonl'}:2:" in line for line in failed_lines(result)), result.stderr


def test_extract_summary_counts_the_failures(messy_folder: Path) -> None:
    result = invoke("extract", str(messy_folder))
    assert "articles read: 3  attributions: 3  articles failed: 4" in result.stderr


def test_extract_unknown_model_is_a_one_line_error(tmp_path: Path) -> None:
    result = invoke("extract", str(SAMPLES), "--model", "not_a_model", "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "not_a_model" in lines[0]
    assert "Traceback" not in result.output


def test_extract_bad_shard_is_a_one_line_error() -> None:
    result = invoke("extract", str(SAMPLES), "--shard", "3/2")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_extract_shards_together_give_the_whole(tmp_path: Path) -> None:
    inputs = [str(SAMPLES), str(ROOT / "tests" / "data")]
    whole, first, second = tmp_path / "all.jsonl", tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    assert invoke("extract", *inputs, "-o", str(whole)).exit_code == 0
    assert invoke("extract", *inputs, "--shard", "1/2", "-o", str(first)).exit_code == 0
    assert invoke("extract", *inputs, "--shard", "2/2", "-o", str(second)).exit_code == 0

    def ids(path: Path) -> list[str]:
        return [r["quote_id"] for r in jsonl(path.read_text(encoding="utf-8"))]

    assert sorted(ids(first) + ids(second)) == sorted(ids(whole))


def test_extract_shards_do_not_share_articles(tmp_path: Path) -> None:
    inputs = [str(SAMPLES), str(ROOT / "tests" / "data")]
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    invoke("extract", *inputs, "--shard", "1/2", "-o", str(first))
    invoke("extract", *inputs, "--shard", "2/2", "-o", str(second))

    def articles(path: Path) -> set[str]:
        return {r["article_id"] for r in jsonl(path.read_text(encoding="utf-8"))}

    assert not articles(first) & articles(second)


def test_two_articles_under_one_id_are_an_error_naming_both(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(STORY_A, encoding="utf-8")
    (tmp_path / "x.text").write_text(STORY_B, encoding="utf-8")
    result = invoke("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "x.txt: id 'x' is also the id of" in result.stderr and "x.text" in result.stderr


def test_unsupported_files_are_counted_and_named(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(STORY_A, encoding="utf-8")
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 binary")
    (tmp_path / "notes.text").write_text(STORY_B, encoding="utf-8")
    (tmp_path / "README").write_text("About this folder.", encoding="utf-8")  # no extension: not read
    result = invoke("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.output
    assert "articles read: 2" in result.stderr  # the output file inside the folder is not read back
    assert "skipped (unsupported): 3, e.g. README, scan.pdf, story.xml" in result.stderr


def test_a_run_that_reads_nothing_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    result = invoke("extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert "skipped (unsupported): 1, e.g. story.xml" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"error: no articles read from {tmp_path}"


@pytest.mark.parametrize("where", ["-o", "stdout"])
def test_a_full_disk_is_one_line(where: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY_A, encoding="utf-8")
    args = [str(QUOTES), "extract", str(tmp_path / "a.txt")]
    with open("/dev/full", "w") as full:
        if where == "-o":
            done = subprocess.run([*args, "-o", "/dev/full"], capture_output=True, text=True, timeout=300)
        else:
            done = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: cannot write")
    assert "No space left on device; the output is incomplete" in done.stderr


def test_ctrl_c_on_extract_ends_at_once_and_keeps_complete_lines(tmp_path: Path) -> None:
    if not DEV_TEXT.is_dir():
        pytest.fail(f"{DEV_TEXT} is missing: the shared folder must sit beside the clone")
    out = tmp_path / "q.jsonl"
    code, took, stderr = ctrl_c_when(
        ["extract", str(DEV_TEXT), "-o", str(out)], lambda: out.exists() and out.stat().st_size > 0
    )
    assert code == 130, stderr
    assert took < 3, f"{took:.1f} s to stop"
    assert "interrupted: the attributions of the" in stderr and "Traceback" not in stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["quote_id"] for line in lines)  # every line complete


def test_extract_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    import os
    import pty

    quotes = str(QUOTES)
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


def test_extract_to_an_unwritable_path_is_a_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.jsonl"
    result = invoke("extract", str(SAMPLES), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {target}: No such file or directory"]


# --------------------------------------------------------------------------- evaluate


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five PolNeAR dev articles (text and attributions) copied into a temporary gold folder."""
    if not POLNEAR_DEV.is_dir():
        pytest.fail(f"{POLNEAR_DEV} is missing: the shared folder must sit beside the clone", pytrace=False)
    texts = sorted((POLNEAR_DEV / "text").glob("*.txt"))[::17][:5]
    return copy_split(POLNEAR_DEV, texts, tmp_path_factory.mktemp("gold") / "split")


@pytest.fixture(scope="module")
def predictions(small_gold: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pred = tmp_path_factory.mktemp("pred") / "pred.jsonl"
    result = invoke("extract", str(small_gold / "text"), "-o", str(pred))
    assert result.exit_code == 0, result.stderr
    return pred


def reference_figures(gold: Path, pred: Path) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, str(REFERENCE_SCORER), "--data", str(gold), "--pred", str(pred)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(run.stdout)
    return figures


def test_evaluate_prints_the_reference_figures(small_gold: Path, predictions: Path) -> None:
    result = invoke("evaluate", "--gold", str(small_gold), "--pred", str(predictions))
    assert result.exit_code == 0, result.stderr
    ours = json.loads(result.stdout)
    reference = reference_figures(small_gold, predictions)
    shared = sorted(set(ours) & set(reference))
    assert {"content_F1", "attribution_F1", "quoted_attribution_R", "gold", "pred"} <= set(shared)
    assert {k: ours[k] for k in shared} == {k: reference[k] for k in shared}


def test_evaluate_counts_every_prediction(small_gold: Path, predictions: Path) -> None:
    result = invoke("evaluate", "--gold", str(small_gold), "--pred", str(predictions))
    lines = predictions.read_text(encoding="utf-8").splitlines()
    assert json.loads(result.stdout)["pred"] == len(lines)


def test_evaluate_missing_gold_folders_is_a_one_line_error(tmp_path: Path, predictions: Path) -> None:
    result = invoke("evaluate", "--gold", str(tmp_path), "--pred", str(predictions))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")


def test_evaluate_bad_prediction_line_names_the_line(small_gold: Path, tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text('{"article_id": "x", "start": 0, "end": 5}\nnot json\n', encoding="utf-8")
    result = invoke("evaluate", "--gold", str(small_gold), "--pred", str(pred))
    assert result.exit_code == 2
    assert f"{pred}:2:" in result.stderr


def test_evaluate_without_gold_or_referents_is_a_one_line_error(tmp_path: Path) -> None:
    result = invoke("evaluate", "--pred", str(tmp_path / "pred.jsonl"))  # refused before reading it
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: give --gold (a PolNeAR-format folder) or --referents (labelled sources), or both"
    ]


def test_evaluate_resolves_labelled_sources_in_their_articles(tmp_path: Path) -> None:
    """--articles: each label is resolved in its article, a source of the extraction or not."""
    (tmp_path / "text").mkdir()
    text = (
        "Republican candidate Ana Ruiz debated Democratic candidate Tom Brandt on Monday.\n\n"
        "Ruiz told supporters after the debate that taxes were too high.\n\n"
        '"We are going to win Iowa," the candidate said. She left at noon.'
    )
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    labels = [
        {
            "article_id": "a",
            "start": text.index("the candidate said"),
            "end": text.index(" said. She"),
            "mention": "candidate",
            "referent": "Ana Ruiz",
            "surname": "Ruiz",
        },
        {
            "article_id": "a",
            "start": text.index("She left"),
            "end": text.index(" left at"),
            "mention": "she",
            "referent": "Ana Ruiz",
            "surname": "Ruiz",
        },
    ]
    (tmp_path / "labels.json").write_text(json.dumps({"labels": labels}), encoding="utf-8")
    result = invoke("evaluate", "--referents", str(tmp_path / "labels.json"), "--articles", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "labels": 2,
        "right": 2,
        "accuracy": 1.0,
        "resolved": 2,
        "precision_of_resolved": 1.0,
    }


def test_evaluate_articles_with_predictions_is_a_one_line_error(tmp_path: Path) -> None:
    result = invoke(
        "evaluate", "--referents", "x.json", "--articles", str(tmp_path), "--pred", str(tmp_path / "p.jsonl")
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: --articles goes with --referents alone (no --pred, no --gold)"
    ]
