"""The seed ensemble of the attribution scorer and the speaker ranker: the mean of its boosters'
predictions, written as one LightGBM text model per seed and read back the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.extract.ensemble import SeedEnsemble
from indexer.extract.lgb import lightgbm


def _boosters(seeds: list[int]) -> list[object]:
    lgb = lightgbm()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    y = (x[:, 0] + rng.normal(scale=0.5, size=300) > 0).astype(float)
    params = {"objective": "binary", "bagging_fraction": 0.7, "bagging_freq": 1, "verbose": -1}
    return [lgb.train({**params, "seed": s}, lgb.Dataset(x, y), num_boost_round=10) for s in seeds]


def test_the_ensemble_predicts_the_mean_of_its_boosters() -> None:
    boosters = _boosters([1, 2, 3])
    x = np.random.default_rng(1).normal(size=(20, 4))
    each = [b.predict(x) for b in boosters]  # type: ignore[attr-defined]
    assert not np.allclose(each[0], each[1]), "the seeds must give different models for this test"
    assert np.allclose(SeedEnsemble(boosters).predict(x), np.mean(each, axis=0))


def test_saved_and_loaded_it_predicts_the_same_and_a_smaller_one_replaces_a_larger(tmp_path: Path) -> None:
    x = np.random.default_rng(1).normal(size=(20, 4))
    three = SeedEnsemble(_boosters([1, 2, 3]))
    three.save(tmp_path, "attribution")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "attribution.1.lgb",
        "attribution.2.lgb",
        "attribution.lgb",
    ]
    loaded = SeedEnsemble.load(tmp_path, "attribution", lightgbm())
    assert len(loaded) == 3 and np.allclose(loaded.predict(x), three.predict(x))
    one = SeedEnsemble(_boosters([4]))
    one.save(tmp_path, "attribution")
    assert [p.name for p in tmp_path.iterdir()] == ["attribution.lgb"]
    assert np.allclose(SeedEnsemble.load(tmp_path, "attribution", lightgbm()).predict(x), one.predict(x))


def test_an_empty_ensemble_is_refused() -> None:
    with pytest.raises(ValueError):
        SeedEnsemble([])
