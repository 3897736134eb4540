"""The spread of the cross-validated figures over article samples (`indexer.training.train`)."""

from __future__ import annotations

from indexer.evaluate import GoldRelation
from indexer.training.train import fold_figures, sample_spread


def _gold_and_records() -> tuple[dict[str, list[GoldRelation]], list[dict[str, object]]]:
    """Ten articles of one quoted relation each: the first five found with the right source, the
    next three found with the wrong source, the last two missed."""
    gold = {f"a{i}": [GoldRelation([(10, 30)], [(0, 5)], True)] for i in range(10)}
    records: list[dict[str, object]] = []
    for i in range(8):
        speaker = {"start": 0, "end": 5} if i < 5 else {"start": 40, "end": 45}
        records.append({"article_id": f"a{i}", "start": 10, "end": 30, "speaker": speaker})
    return gold, records


def test_each_fold_is_scored_on_its_own_articles() -> None:
    gold, records = _gold_and_records()
    folds = fold_figures(gold, records, [["a0", "a1"], ["a5", "a6"], ["a8", "a9"]])
    assert [f["quoted_attribution_R"] for f in folds] == [1.0, 0.0, 0.0]
    assert folds[0]["content_F1"] == 1.0 and folds[1]["content_F1"] == 1.0
    assert folds[2]["content_F1"] == 0.0


def test_samples_show_the_spread_and_how_often_a_reference_is_reached() -> None:
    gold, records = _gold_and_records()
    spread = sample_spread(gold, records, 2, {"quoted_attribution_R": 1.0, "content_F1": 0.0}, samples=200)
    assert spread["articles"] == 2 and spread["samples"] == 200
    assert set(spread) == {"articles", "samples", "quoted_attribution_R", "content_F1"}
    q = spread["quoted_attribution_R"]
    # 5 of 10 articles have the right source: a sample of 2 has both with probability 10/45
    assert 0.12 < q["share_at_or_above_heldout"] < 0.33
    assert 0.4 < q["mean"] < 0.6 and q["max"] == 1.0 and q["sd"] > 0.2
    assert spread["content_F1"]["share_at_or_above_heldout"] == 1.0
    again = sample_spread(gold, records, 2, {"quoted_attribution_R": 1.0, "content_F1": 0.0}, samples=200)
    assert again == spread  # seeded
