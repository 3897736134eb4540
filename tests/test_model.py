"""The shipped model: it loads with no network, fits the size budget, and scores the PolNeAR dev split
and the held-out pronoun and description sets at the figures its model card (docs/model.md) states.

The card's "held-out figures" table is the contract: a retrained model must come with an updated card.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.evaluate import load_gold, load_referents, matched_predictions, score
from indexer.extract.choice import LearnedChoice
from indexer.extract.engine import Extractor, load_pipeline
from indexer.extract.modeldir import MODEL_DIR
from indexer.model import Article
from indexer.training.referents import resolution_accuracy

ROOT = Path(__file__).resolve().parents[1]
CARD = ROOT / "docs" / "model.md"
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "polnear-dev"
TRAIN = EVAL / "polnear-train"
PRONOUNS = ROOT / "tests" / "gold" / "pronoun_referents.json"
DESCRIPTIONS = ROOT / "tests" / "gold" / "description_referents.json"
TOLERANCE = 0.005


def card_figures() -> dict[str, float]:
    """`| name | value |` rows between the markers of the card's held-out table."""
    text = CARD.read_text(encoding="utf-8")
    block = text.split("<!-- heldout:start -->")[1].split("<!-- heldout:end -->")[0]
    return {m[1]: float(m[2]) for m in re.finditer(r"^\|\s*`(\w+)`\s*\|\s*([0-9.]+)\s*\|", block, re.M)}


def need(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: the shared folder must sit beside the clone", pytrace=False)


def test_the_shipped_model_loads_and_fits_the_size_budget() -> None:
    choice = LearnedChoice.load(MODEL_DIR)
    assert choice.pronouns is not None
    assert choice.lexicon.words["say/V"][1] > 1000  # "say" heads thousands of training cues
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 20 * 1024 * 1024


@pytest.fixture(scope="module")
def dev_records() -> list[dict[str, object]]:
    need(DEV)
    texts = sorted((DEV / "text").glob("*.txt"))
    with Extractor(workers=2) as extractor:
        results = extractor.extract(Article(p.stem, p.read_text(encoding="utf-8")) for p in texts)
        return [record for result in results for record in result.records()]


@pytest.mark.parametrize(
    "figure", ["content_P", "content_R", "content_F1", "attribution_F1", "quoted_attribution_R"]
)
def test_the_dev_split_scores_as_the_card_says(figure: str, dev_records: list[dict[str, object]]) -> None:
    figures = score(load_gold(DEV), dev_records)
    assert abs(figures[figure] - card_figures()[figure]) <= TOLERANCE, (figure, figures[figure])


def test_confident_attributions_are_as_precise_as_the_card_says(dev_records: list[dict[str, object]]) -> None:
    gold = load_gold(DEV)
    hits = matched_predictions(gold, dev_records)
    confident = [i for i, r in enumerate(dev_records) if float(r["confidence"]) >= 0.8]  # type: ignore[arg-type]
    precision = sum(i in hits for i in confident) / len(confident)
    assert abs(precision - card_figures()["precision_at_confidence_0_8"]) <= TOLERANCE


def test_pronoun_sources_resolve_as_the_card_says() -> None:
    need(TRAIN)
    accuracy = resolution_accuracy(load_pipeline(), TRAIN, load_referents(PRONOUNS))
    assert abs(accuracy["accuracy"] - card_figures()["pronoun_resolution"]) <= TOLERANCE, accuracy["misses"][
        :5
    ]


def test_description_sources_resolve_as_the_card_says() -> None:
    """ "the senator", "the candidate": how many name the labelled person, and how many of those the
    extraction names are right (a wrong name is worse than none)."""
    need(TRAIN)
    figures = resolution_accuracy(load_pipeline(), TRAIN, load_referents(DESCRIPTIONS))
    card = card_figures()
    assert abs(figures["accuracy"] - card["description_resolution"]) <= TOLERANCE, figures["misses"][:5]
    assert abs(figures["precision_of_resolved"] - card["description_precision"]) <= TOLERANCE, figures


def test_the_card_gives_the_spread_the_training_run_measured() -> None:
    """The card's table of the CV figures over dev-sized samples is the one `make model` wrote."""
    import json

    spread = json.loads((MODEL_DIR / "bundle.json").read_text(encoding="utf-8"))["heldout"]["cv_samples"]
    assert spread["articles"] == 84 and spread["samples"] == 300
    text = CARD.read_text(encoding="utf-8")
    for key, label in (("content_F1", "content F1"), ("attribution_F1", "attribution F1")):
        s = spread[key]
        row = f"| {label} | {s['mean']:.3f} | {s['sd']:.3f} | {s['max']:.3f} |"
        assert row in text, row
        reached = round(s["share_at_or_above_heldout"] * spread["samples"])
        line = next(line for line in text.splitlines() if line.startswith(row))
        assert line.endswith(f"| {reached} of {spread['samples']} |"), line
    q = spread["quoted_attribution_R"]
    assert f"| quoted attribution R | {q['mean']:.3f} | {q['sd']:.3f} | {q['max']:.3f} |" in text
    assert f"| {round(100 * q['share_at_or_above_heldout'])}% |" in text
