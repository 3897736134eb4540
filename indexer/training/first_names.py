"""The first-name gender table the pronoun resolution reads, derived from the nomquamgender package's
name data (Van Buskirk et al., "An open-source cultural consensus approach to name-based gender
classification", 2023; MIT licence): the first names it has seen at least `min_count` times whose
share of women is at most 1 - `sure` (men) or at least `sure` (women). Ambiguous names (Jamie, Taylor,
Kim) are left out, so the article's own evidence decides for them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path


class NamesUnavailable(Exception):
    """The nomquamgender package is not installed (pip install -e '.[train]')."""


def name_data_path() -> Path:
    spec = importlib.util.find_spec("nomquamgender")  # found without importing it (it loads pandas)
    if spec is None or not spec.submodule_search_locations:
        raise NamesUnavailable("the first-name table needs nomquamgender: pip install -e '.[train]'")
    return Path(next(iter(spec.submodule_search_locations))) / "name_data.json"


def first_name_table(min_count: int = 20, sure: float = 0.8) -> dict[str, list[str]]:
    data = json.loads(name_data_path().read_text(encoding="utf-8"))
    men, women = [], []
    for name, (_, count, share_women, *_rest) in data.items():
        if count < min_count or not name.isalpha():
            continue
        if share_women <= 1 - sure:
            men.append(name)
        elif share_women >= sure:
            women.append(name)
    return {"m": sorted(men), "f": sorted(women)}


def write_first_names(out: Path, min_count: int = 20, sure: float = 0.8) -> int:
    table = first_name_table(min_count, sure)
    (out / "first_names.json").write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
    return len(table["m"]) + len(table["f"])
