"""Training the learned choice of `indexer.extract` on PolNeAR-format data (`quotes train`).

`run` is the whole job: parse the training split (cached), cross-validate and fit the attribution
scorer, the speaker ranker and the pronoun ranker, write the model folder with the first-name table,
and, when given, measure the written model on a held-out split and a held-out pronoun set (the figures
go into `bundle.json`, which the model card and the tests read).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CACHE = Path.home() / ".cache" / "quotes-indexer"


@dataclass
class RunReport:
    folder: Path
    seconds: float
    cross_validation: dict[str, Any]
    thresholds: dict[str, float]
    calibration_table: list[dict[str, Any]]
    pronouns: dict[str, Any]
    heldout: dict[str, Any] = field(default_factory=dict)
    # the cross-validated predictions, in the metric's format (each by the fold model that never saw it)
    cv_predictions: list[dict[str, Any]] = field(default_factory=list)


def run(
    data: Path,
    out: Path,
    model: str,
    pronoun_labels: Sequence[Path] = (),
    heldout: Path | None = None,
    pronoun_test: Path | None = None,
    cache: Path | None = DEFAULT_CACHE,
    workers: int = 2,
    log: Callable[[str], None] = lambda _: None,
) -> RunReport:
    import spacy

    from indexer.evaluate import load_referents
    from indexer.extract.engine import ModelNotFound
    from indexer.extract.lgb import lightgbm as load_lightgbm
    from indexer.extract.paragraphs import add_paragraph_breaks
    from indexer.training.corpus import load_split
    from indexer.training.first_names import write_first_names
    from indexer.training.train import train

    try:
        nlp = spacy.load(model, exclude=["senter"])
    except OSError as exc:
        raise ModelNotFound(f"spaCy pipeline {model!r} is not installed") from exc
    add_paragraph_breaks(nlp)  # as `load_pipeline` parses
    articles = load_split(data, nlp, cache, n_process=workers, log=log)
    labels = [label for path in pronoun_labels for label in load_referents(path)]
    provenance = {
        "data": Path(data).name,
        "pipeline": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "spacy": spacy.__version__,
        "lightgbm": load_lightgbm().__version__,
        "python": platform.python_version(),
        "pronoun_labels": [Path(p).name for p in pronoun_labels],
    }
    report = train(articles, out, workers=workers, pronoun_labels=labels, provenance=provenance, log=log)
    names = write_first_names(out)
    log(f"first-name table: {names} names")
    result = RunReport(
        out,
        report.seconds,
        report.cross_validation,
        {"quoted": report.thresholds.quoted, "unquoted": report.thresholds.unquoted},
        report.calibration_table,
        report.pronouns,
        cv_predictions=report.records,
    )
    if heldout is not None or pronoun_test is not None:
        result.heldout = measure(
            out, model, heldout, (pronoun_test, data) if pronoun_test else None, workers, log
        )
        if "figures" in result.heldout:
            from indexer.training.train import sample_spread

            result.heldout["cv_samples"] = sample_spread(
                {a.id: a.gold for a in articles},
                report.records,
                result.heldout["articles"],
                result.heldout["figures"],
            )
            log(f"cross-validated figures over samples of the held-out size: {result.heldout['cv_samples']}")
        bundle_path = out / "bundle.json"
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
        bundle["heldout"] = result.heldout
        bundle_path.write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return result


def measure(
    folder: Path,
    model: str,
    heldout: Path | None,
    pronoun_test: tuple[Path, Path] | None,
    workers: int = 2,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """The model in `folder` on a held-out split (the metric and the calibration table) and on a
    held-out pronoun set: (labels, the split whose texts they index)."""
    from indexer.evaluate import load_gold, load_referents, matched_predictions, score
    from indexer.extract.engine import Extractor, load_pipeline
    from indexer.model import Article
    from indexer.reading.articles import iter_articles
    from indexer.training.referents import resolution_accuracy
    from indexer.training.train import calibration_table

    out: dict[str, Any] = {}
    if heldout is not None:
        with Extractor(model, workers=workers, choice=str(folder)) as extractor:
            records = [
                rec
                for result in extractor.extract(
                    a
                    for a in iter_articles([str(Path(heldout) / "text")], id_root=str(Path(heldout) / "text"))
                    if isinstance(a, Article)  # ids are the file stems, as the gold's
                )
                for rec in result.records()
            ]
        gold = load_gold(heldout)
        figures = score(gold, records)
        hits = matched_predictions(gold, records)
        out["split"] = Path(heldout).name
        out["figures"] = figures
        out["calibration_table"] = calibration_table(records, gold, [r["confidence"] for r in records])
        out["matched"] = len(hits)
        out["articles"] = len(gold)
        log(f"held-out {Path(heldout).name}: {figures}")
    if pronoun_test is not None:
        labels, split = pronoun_test
        accuracy = resolution_accuracy(load_pipeline(model, str(folder)), split, load_referents(labels))
        out["pronoun_test"] = {
            "file": Path(labels).name,
            **{k: v for k, v in accuracy.items() if k != "misses"},
        }
        log(f"held-out pronouns {Path(labels).name}: {out['pronoun_test']}")
    return out


def write_predictions(path: Path, records: Sequence[dict[str, Any]]) -> None:
    """The cross-validated predictions as JSON Lines, which `quotes evaluate --pred` reads."""
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, sort_keys=True) + "\n")
