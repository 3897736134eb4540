"""Speaker resolution measured on its own: each labelled source (a pronoun, a description such as "the
senator") is resolved in the context of the attributions extracted from its article, whether or not
the extraction made it a source."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indexer.evaluate import Referent, names_referent, names_someone
from indexer.extract.engine import COMPONENT, parse_docs
from indexer.extract.text import KEY as TEXT_KEY


def resolution_accuracy(nlp: Any, folder: str | Path, labels: Sequence[Referent]) -> dict[str, Any]:
    """Of the labels with a named referent, how many resolve to a name holding the surname; and of all
    labels, how many resolve to a name beyond the mention's own words ("the senator" -> a name), and
    how many of those are right (a label whose article names no one is wrong when resolved)."""
    folder = Path(folder)
    named = [x for x in labels if x.surname]
    ids = sorted({x.article_id for x in labels})
    texts = [(folder / "text" / f"{i}.txt").read_text(encoding="utf-8") for i in ids]
    component = nlp.get_pipe(COMPONENT)
    right = resolved = resolved_right = 0
    misses: list[dict[str, Any]] = []
    for article_id, text, doc in zip(ids, texts, parse_docs(nlp, texts), strict=True):
        doc.user_data["article_id"] = article_id
        doc.user_data[TEXT_KEY] = text
        mine = [x for x in labels if x.article_id == article_id]
        for x, speaker in zip(mine, component.probe(doc, [(x.start, x.end) for x in mine]), strict=True):
            name = speaker.name if speaker is not None else None
            is_right = names_referent(name, x)
            if speaker is not None and names_someone(name, text[x.start : x.end]):
                resolved += 1
                resolved_right += is_right
            if not x.surname:
                continue
            if is_right:
                right += 1
            else:
                misses.append(
                    {"article_id": x.article_id, "start": x.start, "referent": x.referent, "got": name}
                )
    return {
        "labels": len(named),
        "right": right,
        "accuracy": round(right / len(named), 3) if named else 0.0,
        "resolved": resolved,
        "precision_of_resolved": round(resolved_right / resolved, 3) if resolved else 0.0,
        "misses": misses,
    }
