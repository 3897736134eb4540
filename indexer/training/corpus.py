"""A PolNeAR-format split as training data: each article's text, gold relations and parsed Doc.

Parsing is the slow part (about a minute for the 840 training articles on two cores), so the Docs are
kept in a DocBin cache keyed by the split's files, the pipeline and the spaCy version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.evaluate import GoldRelation, load_gold
from indexer.extract.engine import parse_docs
from indexer.extract.glued import RULES as GLUED_RULES
from indexer.extract.text import KEY as TEXT_KEY


@dataclass
class TrainingArticle:
    id: str
    text: str
    gold: list[GoldRelation]
    doc: Any  # spacy.tokens.Doc


def _cache_key(folder: Path, nlp: Any) -> str:
    import spacy

    h = hashlib.sha1()
    for path in sorted((folder / "text").glob("*.txt")) + sorted((folder / "attributions").glob("*.ann")):
        h.update(f"{path.name}\x1f{path.stat().st_size}\x1f".encode())
    h.update(
        f"{nlp.meta.get('name')}\x1f{nlp.meta.get('version')}\x1f{spacy.__version__}\x1f{nlp.pipe_names}"
        f"\x1f{GLUED_RULES}".encode()
    )
    return h.hexdigest()[:16]


def load_split(
    folder: str | Path,
    nlp: Any,
    cache: Path | None = None,
    n_process: int = 1,
    log: Callable[[str], None] = lambda _: None,
) -> list[TrainingArticle]:
    """The articles of a split (`text/*.txt` and `attributions/*.ann`), parsed, in file order."""
    from spacy.tokens import DocBin

    folder = Path(folder)
    gold = load_gold(folder)
    ids = sorted(gold)
    texts = [(folder / "text" / f"{i}.txt").read_text(encoding="utf-8") for i in ids]
    path = cache / f"{folder.name}-{_cache_key(folder, nlp)}.spacy" if cache is not None else None
    if path is not None and path.exists():
        log(f"parsed articles from the cache {path}")
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        log(f"parsing {len(ids)} articles of {folder}")
        docs = parse_docs(nlp, texts, n_process=n_process)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            DocBin(docs=docs).to_disk(path)
    articles = []
    for article_id, text, doc in zip(ids, texts, docs, strict=True):
        doc.user_data["article_id"] = article_id
        doc.user_data[TEXT_KEY] = text
        articles.append(TrainingArticle(article_id, text, gold[article_id], doc))
    return articles
