"""`quotes train` on a small PolNeAR-format split (copied from ../shared into tmp_path, never into the
repository): it writes a model folder that `quotes extract --model-dir` uses, and two runs write the
same models (seeded and deterministic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from indexer.evaluate import load_gold, read_predictions, score
from tests.clihelp import copy_split

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "eval" / "polnear-train"
ARTICLES = 12


@pytest.fixture(scope="module")
def small_split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not TRAIN.is_dir():
        pytest.fail(f"{TRAIN} is missing: the shared folder must sit beside the clone", pytrace=False)
    texts = sorted((TRAIN / "text").glob("*.txt"))[:: 840 // ARTICLES][:ARTICLES]
    return copy_split(TRAIN, texts, tmp_path_factory.mktemp("split") / "split")


def train(split: Path, out: Path, cache: Path, *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(
        app,
        ["train", "--data", str(split), "--out", str(out), "--cache", str(cache), "--workers", "1", *extra],
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_train_writes_a_model_that_extract_uses_and_retraining_gives_the_same_model(
    small_split: Path, tmp_path: Path
) -> None:
    report = train(small_split, tmp_path / "a", tmp_path / "cache")
    assert report["cross_validation"]["gold"] > 100  # type: ignore[index]
    models = ["attribution.lgb", "attribution.1.lgb", "attribution.2.lgb", "speaker.lgb"]  # 3 seeds, 1
    for name in ("bundle.json", "cues.json", "first_names.json", *models):
        assert (tmp_path / "a" / name).stat().st_size > 0, name
    cv = tmp_path / "cv.jsonl"
    train(small_split, tmp_path / "b", tmp_path / "cache", "--cv-predictions", str(cv))
    for name in ("cues.json", *models):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # the written cross-validated predictions score as the report says
    assert score(load_gold(small_split), read_predictions(cv)) == report["cross_validation"]

    article = tmp_path / "ferry.txt"
    article.write_text('"The ferry runs on Sunday," said Captain Ruth Ambrose.\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["extract", str(article), "--model-dir", str(tmp_path / "a"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["text"] == "The ferry runs on Sunday,"


def test_a_model_dir_that_is_no_model_is_a_one_line_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Hello.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["extract", str(article), "--model-dir", str(tmp_path), "--workers", "1"]
    )
    assert result.exit_code == 2
    assert "cannot read the attribution model" in result.stderr
    assert "Traceback" not in result.output


def test_train_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
