"""Name folding shared by extraction (speaker ids) and indexing (the folded keyword field)."""

from __future__ import annotations

import re
import unicodedata


def fold_name(name: str) -> str:
    """Lower-case, without diacritics or punctuation, spaces collapsed: "José Ñúñez" -> "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("’", "'")
    stripped = re.sub(r"[^\w' -]+", " ", stripped.casefold())
    return re.sub(r"\s+", " ", stripped).strip()
