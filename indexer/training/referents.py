"""Speaker resolution measured on its own: each labelled pronoun source is resolved in the context of
the attributions extracted from its article, whether or not the extraction made it a source."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indexer.evaluate import Referent, names_referent
from indexer.extract.engine import COMPONENT, parse_docs
from indexer.extract.text import KEY as TEXT_KEY


def resolution_accuracy(nlp: Any, folder: str | Path, labels: Sequence[Referent]) -> dict[str, Any]:
    """Of the labels with a named referent, how many resolve to a name holding the surname."""
    folder = Path(folder)
    named = [x for x in labels if x.surname]
    ids = sorted({x.article_id for x in named})
    texts = [(folder / "text" / f"{i}.txt").read_text(encoding="utf-8") for i in ids]
    component = nlp.get_pipe(COMPONENT)
    right = 0
    misses: list[dict[str, Any]] = []
    for article_id, text, doc in zip(ids, texts, parse_docs(nlp, texts), strict=True):
        doc.user_data["article_id"] = article_id
        doc.user_data[TEXT_KEY] = text
        mine = [x for x in named if x.article_id == article_id]
        for x, speaker in zip(mine, component.probe(doc, [(x.start, x.end) for x in mine]), strict=True):
            name = speaker.name if speaker is not None else None
            if names_referent(name, x):
                right += 1
            else:
                misses.append(
                    {"article_id": x.article_id, "start": x.start, "referent": x.referent, "got": name}
                )
    return {
        "labels": len(named),
        "right": right,
        "accuracy": round(right / len(named), 3) if named else 0.0,
        "misses": misses,
    }
