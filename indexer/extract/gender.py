"""A person's gender, as pronoun resolution needs it: from the article (a title such as "Mrs." or
"Mr.") first, else from the first name (a table derived from nomquamgender's name data at training
time, shipped with the model: `indexer/training/first_names.py`)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from indexer.extract.modeldir import MODEL_DIR

FEMALE_TITLES = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "madam", "lady", "queen", "princess", "dame"})
MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "king", "prince"})


@cache
def _first_names(folder: Path = MODEL_DIR) -> dict[str, str]:
    path = folder / "first_names.json"
    if not path.exists():
        return {}
    table = json.loads(path.read_text(encoding="utf-8"))
    return {**{n: "m" for n in table.get("m", [])}, **{n: "f" for n in table.get("f", [])}}


def title_gender(title: str | None) -> str | None:
    first = (title or "").split()[0].lower() if title else ""
    return "f" if first in FEMALE_TITLES else "m" if first in MALE_TITLES else None


def name_gender(name: str) -> str | None:
    """'m' or 'f' for a full name whose first name is clearly one or the other; None for a lone
    surname, an initial ("J. Smith") or an ambiguous first name."""
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0].strip(".,'’\"").lower()
    if len(first) < 2 or not first.isalpha():
        return None
    return _first_names().get(first)
