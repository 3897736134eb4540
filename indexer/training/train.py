"""Training the learned choice on a PolNeAR-format split: `quotes train --data ../shared/eval/polnear-train`.

1. Parse the split (cached) and, for each cross-validation fold, learn the cue lexicon from the other
   folds, make every article's candidates with it, and label them from the gold (`labels.py`).
2. Fit the attribution scorer and the speaker ranker (LightGBM, seeded, deterministic) on the other
   folds and predict the held-out one: the cross-validated figures, the thresholds (best content F1 at
   content precision >= `min_precision`) and the calibration of scores to confidences come from these
   predictions only.
3. Fit both on the whole split and write the model folder: `cues.json`, `attribution.lgb`,
   `speaker.lgb` and `bundle.json` (columns, thresholds, calibration, figures, provenance).
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.evaluate import GoldRelation, Referent, score
from indexer.extract.base import Candidate
from indexer.extract.candidates import ArticleParts, article_parts, find_candidates
from indexer.extract.choice import MODEL_DIR, LearnedChoice, Thresholds, keep
from indexer.extract.credits import find_credits
from indexer.extract.cues import CueLexicon
from indexer.extract.ensemble import SeedEnsemble
from indexer.extract.features import (
    ATTRIBUTION_CATEGORICAL,
    ATTRIBUTION_NUMERIC,
    SPEAKER_CATEGORICAL,
    SPEAKER_NUMERIC,
    Columns,
    Row,
    attribution_rows,
    speaker_rows,
)
from indexer.extract.speaker_candidates import SpeakerCandidate, rule_source, speaker_candidates
from indexer.training.corpus import TrainingArticle
from indexer.training.labels import assign, count_cues, speaker_labels
from indexer.training.pronouns import cross_validate, fit_ranker, pronoun_groups

SEED = 13
# The attribution scorer is the mean of one model per seed (`SeedEnsemble`): in 5-fold CV on PolNeAR
# train, three seeds against one gave content F1 0.778 against 0.777, and content precision 0.938
# against 0.931 at confidence >= 0.8 (five: 0.778 and 0.940). Three seeds of the speaker ranker moved
# quoted attribution recall by 0.001 for three times its share of the extraction time: one.
ATTRIBUTION_SEEDS = (13, 14, 15)
SPEAKER_SEEDS = (13,)
THREADS = 2  # LightGBM is deterministic for a given number of threads
ATTRIBUTION_ROUNDS = 200
SPEAKER_ROUNDS = 150
_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_cat_to_onehot": 8,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": THREADS,
    "verbose": -1,
}
# The source is one of an attribution's candidates: ranking them (LambdaRank) beats scoring each alone
# (0.907 against 0.900 cross-validated accuracy on PolNeAR train); category smoothing for the paths.
_RANKING = {
    "objective": "lambdarank",
    "lambdarank_truncation_level": 3,
    "cat_l2": 10.0,
    "cat_smooth": 20.0,
    "min_data_per_group": 50,
}
QUOTED_GRID = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
# steps of 0.005: with 0.025 the precision floor fell between two steps and cost 0.002 of content F1
UNQUOTED_GRID = tuple(round(0.3 + 0.005 * i, 3) for i in range(101))


@dataclass
class Prepared:
    """One article's candidates, feature rows and labels under one lexicon."""

    article: TrainingArticle
    parts: ArticleParts
    cands: list[Candidate]
    rows: list[Row]
    relations: list[GoldRelation | None]
    quoted: list[bool]
    speaker_rows: list[list[Row]] = field(default_factory=list)
    speaker_labels: list[list[int]] = field(default_factory=list)


def prepare(article: TrainingArticle, lexicon: CueLexicon) -> Prepared:
    doc = article.doc
    parts = article_parts(doc, find_credits(article.text))
    cands = find_candidates(doc, parts, lexicon)
    rows = attribution_rows(doc, parts, cands, lexicon)
    relations = assign(cands, article.gold)
    quoted = [any(parts.inside[c.start : c.end]) for c in cands]
    prepared = Prepared(article, parts, cands, rows, relations, quoted)
    previous: SpeakerCandidate | None = None
    for cand, relation in zip(cands, relations, strict=True):
        if relation is None:
            continue
        options = speaker_candidates(doc, parts, cand, previous)
        labels = speaker_labels(options, relation)
        if options and relation.source:
            prepared.speaker_rows.append(speaker_rows(doc, parts, cand, options, lexicon))
            prepared.speaker_labels.append(labels)
        previous = rule_source(cand) or previous
    return prepared


@dataclass
class TrainingRows:
    """What fitting needs of an article (plain data: it crosses process boundaries)."""

    rows: list[Row]
    labels: list[int]
    speaker_rows: list[list[Row]]
    speaker_labels: list[list[int]]


def training_rows(article: TrainingArticle, lexicon: CueLexicon) -> TrainingRows:
    p = prepare(article, lexicon)
    return TrainingRows(p.rows, [int(r is not None) for r in p.relations], p.speaker_rows, p.speaker_labels)


_ARTICLES: Sequence[TrainingArticle] = ()  # shared with forked workers


def _rows_of(job: tuple[int, CueLexicon]) -> TrainingRows:
    return training_rows(_ARTICLES[job[0]], job[1])


def rows_of_all(articles: Sequence[TrainingArticle], lexicon: CueLexicon, workers: int) -> list[TrainingRows]:
    """`training_rows` of each article, in forked worker processes when there are several cores (the
    parsed Docs are shared with them, not sent)."""
    global _ARTICLES
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [training_rows(a, lexicon) for a in articles]
    _ARTICLES = articles
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_rows_of, [(i, lexicon) for i in range(len(articles))], chunksize=8)
    finally:
        _ARTICLES = ()


def _fit(
    rows: Sequence[Row],
    labels: Sequence[int],
    columns: Columns,
    rounds: int,
    groups: Sequence[int] | None = None,
    seed: int = SEED,
) -> Any:
    """A binary scorer, or with `groups` (sizes of consecutive row groups) a ranker within groups."""
    from indexer.extract.lgb import lightgbm as load_lightgbm

    lightgbm = load_lightgbm()

    data = lightgbm.Dataset(
        columns.matrix(rows),
        np.asarray(labels, dtype=np.float64),
        categorical_feature=list(range(len(columns.categorical))),
        feature_name=columns.names,
        free_raw_data=True,
    )
    params = {**_PARAMS, "seed": seed}
    if groups is not None:
        data.set_group(list(groups))
        params.update(_RANKING)
    return lightgbm.train(params, data, num_boost_round=rounds)


def fit_choice(data: Sequence[TrainingRows], lexicon: CueLexicon) -> LearnedChoice:
    """Both models fitted on these articles (thresholds and calibration are set by the caller)."""
    rows = [r for d in data for r in d.rows]
    labels = [y for d in data for y in d.labels]
    a_columns = Columns.learn(rows, ATTRIBUTION_CATEGORICAL, ATTRIBUTION_NUMERIC)
    fits = [_fit(rows, labels, a_columns, ATTRIBUTION_ROUNDS, None, s) for s in ATTRIBUTION_SEEDS]
    attribution = SeedEnsemble(fits)
    groups = [
        (rs, ys) for d in data for rs, ys in zip(d.speaker_rows, d.speaker_labels, strict=True) if any(ys)
    ]
    s_rows = [r for rs, _ in groups for r in rs]
    s_columns = Columns.learn(s_rows, SPEAKER_CATEGORICAL, SPEAKER_NUMERIC)
    s_labels = [y for _, ys in groups for y in ys]
    sizes = [len(rs) for rs, _ in groups]
    rankers = [_fit(s_rows, s_labels, s_columns, SPEAKER_ROUNDS, sizes, s) for s in SPEAKER_SEEDS]
    speaker = SeedEnsemble(rankers)
    untuned = Thresholds(0.5, 0.5)
    return LearnedChoice(lexicon, attribution, speaker, a_columns, s_columns, untuned, ([0, 1], [0, 1]))


@dataclass
class Heldout:
    """A held-out article's candidates with the scores of the model that did not see it."""

    prepared: Prepared
    scores: list[float]


def _records(
    items: Sequence[Heldout], thresholds: Thresholds, choice: LearnedChoice | None
) -> list[dict[str, Any]]:
    """Predictions in the metric's format; with `choice`, speakers are picked too."""
    out: list[dict[str, Any]] = []
    for item in items:
        p = item.prepared
        kept = keep(p.cands, item.scores, thresholds, p.quoted)
        chosen = [p.cands[i] for i in kept]
        picks: list[SpeakerCandidate | None] = (
            list(choice.pick_speakers(p.article.doc, p.parts, chosen))
            if choice is not None
            else [None] * len(kept)
        )
        for i, pick in zip(kept, picks, strict=True):
            c = p.cands[i]
            out.append(
                {
                    "article_id": p.article.id,
                    "start": c.start,
                    "end": c.end,
                    "score": item.scores[i],
                    "speaker": {"start": pick.start if pick else None, "end": pick.end if pick else None},
                    "cue": {"start": c.cue[0], "end": c.cue[1]} if c.cue is not None else None,
                    "rule": c.rule,
                }
            )
    return out


def choose_thresholds(
    items: Sequence[Heldout], gold: dict[str, list[GoldRelation]], min_precision: float
) -> Thresholds:
    """Quoted candidates: the lowest threshold at which the quoted predictions keep `min_precision`
    (the quotes are what every user expects to find). Unquoted: the best content F1 with content
    precision >= `min_precision` over all predictions."""
    quoted = QUOTED_GRID[-1]
    for q in QUOTED_GRID:  # an unquoted threshold of 2 keeps quoted candidates only
        if score(gold, _records(items, Thresholds(q, 2.0), None))["content_P"] >= min_precision:
            quoted = q
            break
    best: tuple[float, float] | None = None
    for u in UNQUOTED_GRID:
        figures = score(gold, _records(items, Thresholds(quoted, u), None))
        if figures["content_P"] >= min_precision and (best is None or figures["content_F1"] > best[0]):
            best = (figures["content_F1"], u)
    return Thresholds(quoted, best[1] if best is not None else UNQUOTED_GRID[-1])


def calibrate(
    records: Sequence[dict[str, Any]], gold: dict[str, list[GoldRelation]]
) -> tuple[list[float], list[float]]:
    """Isotonic map from score to the share of kept predictions that match a gold attribution."""
    from sklearn.isotonic import IsotonicRegression

    from indexer.evaluate import matched_predictions

    hits = matched_predictions(gold, records)
    x = np.array([r["score"] for r in records])
    y = np.array([1.0 if i in hits else 0.0 for i in range(len(records))])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, y)
    return [round(float(v), 6) for v in iso.X_thresholds_], [round(float(v), 6) for v in iso.y_thresholds_]


def calibration_table(
    records: Sequence[dict[str, Any]], gold: dict[str, list[GoldRelation]], confidences: Sequence[float]
) -> list[dict[str, Any]]:
    from indexer.evaluate import matched_predictions

    hits = matched_predictions(gold, records)
    edges = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001]
    table = []
    for lo, hi in itertools.pairwise(edges):
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi]
        table.append(
            {
                "confidence": f"{lo:.2f}-{min(hi, 1.0):.2f}",
                "predictions": len(idx),
                "precision": round(sum(i in hits for i in idx) / len(idx), 3) if idx else None,
            }
        )
    high = [i for i, c in enumerate(confidences) if c >= 0.8]
    table.append(
        {
            "confidence": ">=0.80",
            "predictions": len(high),
            "precision": round(sum(i in hits for i in high) / len(high), 3) if high else None,
        }
    )
    return table


SPREAD_FIGURES = ("content_F1", "attribution_F1", "quoted_attribution_R")


def fold_figures(
    gold: dict[str, list[GoldRelation]], records: Sequence[dict[str, Any]], folds: Sequence[Sequence[str]]
) -> list[dict[str, float]]:
    """The cross-validated figures of each fold's held-out articles alone."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_article.setdefault(r["article_id"], []).append(r)
    out = []
    for ids in folds:
        figures = score({i: gold[i] for i in ids}, [r for i in ids for r in by_article.get(i, [])])
        out.append({k: figures[k] for k in SPREAD_FIGURES})
    return out


def sample_spread(
    gold: dict[str, list[GoldRelation]],
    records: Sequence[dict[str, Any]],
    size: int,
    reference: dict[str, float],
    samples: int = 300,
) -> dict[str, Any]:
    """How far the cross-validated figures move over random samples of `size` articles (seeded), and
    the share of samples that score at least `reference` (a held-out split's figures): whether a
    held-out split of that size scoring above the CV figures is within chance."""
    ids = sorted(gold)
    rng = random.Random(SEED)
    drawn = [rng.sample(ids, min(size, len(ids))) for _ in range(samples)]
    figures = fold_figures(gold, records, drawn)
    values = {k: np.array([f[k] for f in figures]) for k in SPREAD_FIGURES if k in reference}
    return {
        "articles": size,
        "samples": samples,
        **{
            k: {
                "mean": round(float(v.mean()), 3),
                "sd": round(float(v.std()), 3),
                "max": round(float(v.max()), 3),
                "share_at_or_above_heldout": round(float((v >= reference[k]).mean()), 3),
            }
            for k, v in values.items()
        },
    }


@dataclass
class TrainingReport:
    cross_validation: dict[str, Any]
    thresholds: Thresholds
    calibration_table: list[dict[str, Any]]
    pronouns: dict[str, Any]
    seconds: float
    articles: int
    folder: Path
    records: list[dict[str, Any]] = field(default_factory=list)  # the cross-validated predictions


def train(
    articles: Sequence[TrainingArticle],
    out: Path = MODEL_DIR,
    folds: int = 5,
    min_precision: float = 0.88,
    min_cues: int = 2,
    workers: int = 2,
    pronoun_labels: Sequence[Referent] = (),
    provenance: dict[str, Any] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> TrainingReport:
    """Cross-validate, choose thresholds and calibration, fit on everything and write the model to
    `out`; with `pronoun_labels` (pronoun sources and their referents) the pronoun ranker too."""
    started = time.monotonic()
    gold = {a.id: a.gold for a in articles}
    ordered = sorted(articles, key=lambda a: a.id)
    heldout: list[Heldout] = []
    fold_choices: list[tuple[LearnedChoice, list[Heldout]]] = []
    for k in range(folds):
        test_ids = {a.id for a in ordered[k::folds]}
        train_part = [a for a in ordered if a.id not in test_ids]
        lexicon = count_cues(((a.doc, a.gold) for a in train_part), min_cues)
        data = rows_of_all(train_part, lexicon, workers)
        choice = fit_choice(data, lexicon)
        items = []
        for a in ordered:
            if a.id in test_ids:
                p = prepare(a, lexicon)
                items.append(Heldout(p, [float(s) for s in choice.scores(a.doc, p.parts, p.cands)]))
        heldout += items
        fold_choices.append((choice, items))
        log(
            f"fold {k + 1}/{folds}: {len(data)} articles to fit, {len(items)} held out "
            f"({time.monotonic() - started:.0f} s)"
        )
    thresholds = choose_thresholds(heldout, gold, min_precision)
    records: list[dict[str, Any]] = []
    for choice, items in fold_choices:
        records += _records(items, thresholds, choice)
    cv = score(gold, records)
    per_fold = fold_figures(gold, records, [[a.id for a in ordered[k::folds]] for k in range(folds)])
    x, y = calibrate(records, gold)
    confidences = list(np.interp([r["score"] for r in records], x, y))
    table = calibration_table(records, gold, confidences)
    log(f"cross-validated: {cv}")
    lexicon = count_cues(((a.doc, a.gold) for a in ordered), min_cues)
    final = fit_choice(rows_of_all(ordered, lexicon, workers), lexicon)
    pronouns: dict[str, Any] = {}
    if pronoun_labels:
        groups = pronoun_groups(ordered, pronoun_labels, lexicon)
        pronouns = {"cross_validation": cross_validate(groups, folds)}
        final.pronouns = fit_ranker(groups)
        log(
            f"pronoun ranker, cross-validated on {len(groups)} labelled pronouns: "
            f"{pronouns['cross_validation']}"
        )
    figures = {
        "cross_validation": cv,
        "cross_validation_folds": per_fold,
        "calibration_table": table,
        "pronouns": pronouns,
    }
    write(final, out, thresholds, (x, y), figures, {"articles": len(ordered), **(provenance or {})})
    return TrainingReport(
        cv, thresholds, table, pronouns, time.monotonic() - started, len(ordered), out, records
    )


def write(
    choice: LearnedChoice,
    out: Path,
    thresholds: Thresholds,
    calibration: tuple[list[float], list[float]],
    figures: dict[str, Any],
    training: dict[str, Any],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "cues.json").write_text(
        json.dumps(choice.lexicon.to_json(), sort_keys=True) + "\n", encoding="utf-8"
    )
    choice.attribution.save(out, "attribution")
    choice.speaker.save(out, "speaker")
    bundle: dict[str, Any] = {
        "format": 1,
        "attribution_columns": choice.attribution_columns.to_json(),
        "speaker_columns": choice.speaker_columns.to_json(),
        "thresholds": {"quoted": thresholds.quoted, "unquoted": thresholds.unquoted},
        "calibration": {"x": calibration[0], "y": calibration[1]},
        "training": {
            "seed": SEED,
            "attribution_seeds": list(ATTRIBUTION_SEEDS),
            "speaker_seeds": list(SPEAKER_SEEDS),
            "threads": THREADS,
            **training,
        },
        **figures,
    }
    if choice.pronouns is not None:
        choice.pronouns.booster.save_model(str(out / "pronoun.lgb"))
        bundle["pronoun_columns"] = choice.pronouns.columns.to_json()
    (out / "bundle.json").write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n", encoding="utf-8")
