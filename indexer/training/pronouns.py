"""Training the pronoun ranker on labelled pronoun sources (PolNeAR train's `referents.json`): each
"he"/"she" label becomes a group of candidate people, the named referent the positive one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.evaluate import Referent, names_referent
from indexer.extract import lexicon as lx
from indexer.extract.base import Paragraphs
from indexer.extract.credits import find_credits
from indexer.extract.cues import CueLexicon
from indexer.extract.features import Columns, Row
from indexer.extract.people import collect_people
from indexer.extract.pronouns import (
    PRONOUN_CATEGORICAL,
    PRONOUN_NUMERIC,
    Context,
    PronounRanker,
    pronoun_candidates,
)
from indexer.training.corpus import TrainingArticle

ROUNDS = 150
_PARAMS = {
    "objective": "lambdarank",
    "lambdarank_truncation_level": 2,
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 13,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}


@dataclass
class Group:
    article_id: str
    rows: list[Row]
    labels: list[int]


def pronoun_groups(
    articles: Sequence[TrainingArticle], labels: Sequence[Referent], lexicon: CueLexicon
) -> list[Group]:
    """One group per labelled "he"/"she" with a named referent (relative pronouns follow the parse)."""
    by_id = {a.id: a for a in articles}
    groups: list[Group] = []
    for article_id in sorted({x.article_id for x in labels}):
        article = by_id.get(article_id)
        if article is None:
            continue
        doc = article.doc
        context = Context.of(
            doc, collect_people(doc, find_credits(article.text)), Paragraphs(article.text), lexicon
        )
        for x in labels:
            gender = lx.PERSON_PRONOUNS.get(x.mention.lower())
            if x.article_id != article_id or not x.surname or gender is None:
                continue
            span = doc.char_span(x.start, x.end, alignment_mode="expand")
            if span is None:
                continue
            options = pronoun_candidates(context, span.root, gender)
            groups.append(
                Group(
                    article_id,
                    [row for _, row in options],
                    [int(names_referent(p.name, x)) for p, _ in options],
                )
            )
    return groups


def fit_ranker(groups: Sequence[Group]) -> PronounRanker:
    from indexer.extract.lgb import lightgbm as load_lightgbm

    lightgbm = load_lightgbm()

    usable = [g for g in groups if any(g.labels)]
    rows = [r for g in usable for r in g.rows]
    columns = Columns.learn(rows, PRONOUN_CATEGORICAL, PRONOUN_NUMERIC, min_count=5)
    data = lightgbm.Dataset(
        columns.matrix(rows),
        np.asarray([y for g in usable for y in g.labels], dtype=np.float64),
        categorical_feature=list(range(len(columns.categorical))),
        feature_name=columns.names,
    )
    data.set_group([len(g.rows) for g in usable])
    return PronounRanker(lightgbm.train(_PARAMS, data, num_boost_round=ROUNDS), columns)


def cross_validate(groups: Sequence[Group], folds: int = 5) -> dict[str, Any]:
    """Accuracy over all groups (a group whose referent is no candidate counts as wrong), articles
    kept together in folds."""
    articles = sorted({g.article_id for g in groups})
    right = 0
    for k in range(folds):
        test = set(articles[k::folds])
        ranker = fit_ranker([g for g in groups if g.article_id not in test])
        for g in groups:
            if g.article_id in test and g.rows:
                scores = ranker.booster.predict(ranker.columns.matrix(g.rows), num_threads=1)
                right += g.labels[int(np.argmax(scores))]
    return {
        "pronouns": len(groups),
        "right": right,
        "accuracy": round(right / len(groups), 3) if groups else 0.0,
    }
