"""Boosters fitted alike but for their seed, whose predictions are averaged.

The attribution scorer samples rows and features while it grows (bagging), so one seed's model
scores a candidate a little differently from another's: the cross-validated figures moved by up to
0.006 from seed to seed. The mean of a few seeds' predictions varies less and ranks better
(docs/model.md, "Why LightGBM"). Each booster is a LightGBM text model of its own in the model
folder: `attribution.lgb`, `attribution.1.lgb`, `attribution.2.lgb`, ...; a folder with only
`attribution.lgb` is an ensemble of one, as the speaker ranker's is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class SeedEnsemble:
    def __init__(self, boosters: Sequence[Any]) -> None:
        if not boosters:
            raise ValueError("an ensemble needs at least one booster")
        self.boosters = list(boosters)

    def __len__(self) -> int:
        return len(self.boosters)

    def predict(self, matrix: Any, **kwargs: Any) -> np.ndarray:
        return np.mean([np.asarray(b.predict(matrix, **kwargs)) for b in self.boosters], axis=0)

    def save(self, folder: Path, stem: str) -> None:
        """`stem.lgb` and `stem.N.lgb`, removing those of a larger ensemble written there before."""
        for path, booster in zip(_paths(folder, stem, len(self)), self.boosters, strict=True):
            booster.save_model(str(path))
        for stale in _numbered(folder, stem):
            if int(stale.name.split(".")[-2]) >= len(self):
                stale.unlink()

    @classmethod
    def load(cls, folder: Path, stem: str, lightgbm: Any) -> SeedEnsemble:
        count = 1 + len(_numbered(folder, stem))
        return cls([lightgbm.Booster(model_file=str(p)) for p in _paths(folder, stem, count)])


def _paths(folder: Path, stem: str, count: int) -> list[Path]:
    return [folder / (f"{stem}.lgb" if i == 0 else f"{stem}.{i}.lgb") for i in range(count)]


def _numbered(folder: Path, stem: str) -> list[Path]:
    pattern = re.compile(rf"{re.escape(stem)}\.([1-9][0-9]*)\.lgb")
    return sorted(
        (p for p in folder.glob(f"{stem}.*.lgb") if pattern.fullmatch(p.name)),
        key=lambda p: int(p.name.split(".")[-2]),
    )
