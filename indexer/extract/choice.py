"""The learned choice: which candidates are attributions, and who the source of each one is.

Two gradient-boosted models (LightGBM), trained on the PolNeAR training split by `indexer.training`,
ship in `indexer/extract/model/` with the cue lexicon and the column vocabularies:

* `attribution.lgb` scores every candidate; candidates are kept greedily by score above the quoted or
  unquoted threshold, and a candidate that clashes with a kept one (the same cue, or most of the same
  words) is dropped. The score, calibrated on cross-validated
  predictions, is the attribution's confidence.
* `speaker.lgb` scores each speaker candidate of a kept attribution; the best one is the source,
  unless the parse fixes the source (`Candidate.speaker_fixed`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import Candidate
from indexer.extract.candidates import ArticleParts
from indexer.extract.cues import CueLexicon
from indexer.extract.ensemble import SeedEnsemble
from indexer.extract.features import Columns, Row, attribution_rows, speaker_rows
from indexer.extract.modeldir import MODEL_DIR
from indexer.extract.pronouns import PronounRanker
from indexer.extract.speaker_candidates import SpeakerCandidate, rule_source, speaker_candidates
from indexer.extract.text import source_text

# One thread per prediction: extraction runs in several processes already, the matrices are small, and
# an OpenMP thread pool does not survive fork() (a forked worker's first multi-threaded predict hangs).
_THREADS = 1


class ModelError(Exception):
    """The model files are missing or unreadable."""


@dataclass
class Thresholds:
    quoted: float  # for candidates with quote marks in their content
    unquoted: float


def clash(a: Candidate, b: Candidate) -> bool:
    """Two candidates that cannot both be attributions: one cue, or most of the same words. (PolNeAR
    never annotates a report inside another one's content: "She said the mayor favors a “hands-off
    approach”" is one attribution.)"""
    if a.cue_token is not None and b.cue_token is not None and a.cue_token.i == b.cue_token.i:
        return True
    return _shared(a, b) > 0.5 * min(a.end - a.start, b.end - b.start)


def _shared(a: Candidate, b: Candidate) -> int:
    """Characters the two contents share, piece by piece: what lies between the pieces of a quote split
    by its cue ("“A,” she said, referring to the vote. “B.”") is narration, not content."""
    pieces_a, pieces_b = _pieces(a), _pieces(b)
    return sum(max(0, min(x2, y2) - max(x1, y1)) for x1, x2 in pieces_a for y1, y2 in pieces_b)


def _pieces(c: Candidate) -> list[tuple[int, int]]:
    """A content's pieces when they lie in one paragraph (a quote split by its cue); a content that
    runs over paragraphs counts whole, with what lies between its pieces."""
    doc = c.cue_token.doc if c.cue_token is not None else None
    if not c.fragments or doc is None or "\n" in source_text(doc)[c.start : c.end]:
        return [(c.start, c.end)]
    return c.fragments


def keep(
    cands: Sequence[Candidate], scores: Sequence[float], thresholds: Thresholds, quoted: Sequence[bool]
) -> list[int]:
    """Indices of the candidates kept, greedily by score; in text order."""
    kept: list[int] = []
    for i in sorted(range(len(cands)), key=lambda i: -scores[i]):
        if scores[i] < (thresholds.quoted if quoted[i] else thresholds.unquoted):
            continue
        if not any(clash(cands[i], cands[j]) for j in kept):
            kept.append(i)
    return sorted(kept, key=lambda i: (cands[i].start, cands[i].end))


def held_reports(cands: Sequence[Candidate], kept: Sequence[int], likely: Sequence[bool]) -> list[int]:
    """Reports inside a likely report's content (`likely`: scored above the threshold, kept or not)
    that name their holder as the cue's possessor: in "Brandt dismissed Fischer's claim that the
    board ignored them", Fischer claimed something. PolNeAR annotates only the outer report (none of
    the 53 such claims in its training split), so these are kept by rule, not by the scorer, for a
    reader asking who said what."""
    extra: list[int] = []
    for i, cand in enumerate(cands):
        cue, holder = cand.cue_token, cand.speaker
        if i in kept or cand.rule != "noun" or cue is None or holder is None or holder.head != cue:
            continue
        if holder.dep_ != "poss" or holder.pos_ not in ("PROPN", "NOUN"):
            continue
        inside = {j for j, c in enumerate(cands) if likely[j] and j != i and c.start <= cue.idx < c.end}
        if not inside or any(clash(cand, cands[j]) for j in [*kept, *extra] if j not in inside):
            continue
        if any((other := cands[j].cue_token) is not None and other.i == cue.i for j in [*kept, *extra]):
            continue
        extra.append(i)
    return extra


def refusal(cand: Candidate) -> bool:
    """ "A spokeswoman declined to discuss the case", "a resident who declined to give his full name":
    a refusal to speak is not a statement, so it is no attribution (PolNeAR annotates many of them;
    counting them would credit sources with quotes they did not give)."""
    cue = cand.cue_token
    if cue is None or cue.lemma_.lower() not in lx.REFUSAL_CUES:
        return False
    return any(c.dep_ == "xcomp" and c.lemma_.lower() in lx.DISCLOSURE_VERBS for c in cue.children)


class LearnedChoice:
    """The shipped (or a retrained) model: lexicon, attribution scorer, speaker ranker, calibration."""

    def __init__(
        self,
        lexicon: CueLexicon,
        attribution: Any,
        speaker: Any,
        attribution_columns: Columns,
        speaker_columns: Columns,
        thresholds: Thresholds,
        calibration: tuple[list[float], list[float]],
        pronouns: PronounRanker | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.attribution = attribution  # a SeedEnsemble of lightgbm.Booster (anything with `predict`)
        self.speaker = speaker
        self.attribution_columns = attribution_columns
        self.speaker_columns = speaker_columns
        self.thresholds = thresholds
        self.calibration = (np.asarray(calibration[0], dtype=float), np.asarray(calibration[1], dtype=float))
        self.pronouns = pronouns

    @classmethod
    def load(cls, folder: Path | str = MODEL_DIR) -> LearnedChoice:
        from indexer.extract.lgb import lightgbm as load_lightgbm

        lightgbm = load_lightgbm()

        folder = Path(folder)
        try:
            bundle = json.loads((folder / "bundle.json").read_text(encoding="utf-8"))
            lexicon = CueLexicon.from_json(json.loads((folder / "cues.json").read_text(encoding="utf-8")))
            attribution = SeedEnsemble.load(folder, "attribution", lightgbm)
            speaker = SeedEnsemble.load(folder, "speaker", lightgbm)
            pronouns = None
            if (folder / "pronoun.lgb").exists():
                booster = lightgbm.Booster(model_file=str(folder / "pronoun.lgb"))
                pronouns = PronounRanker(booster, Columns.from_json(bundle["pronoun_columns"]))
            return cls(
                lexicon,
                attribution,
                speaker,
                Columns.from_json(bundle["attribution_columns"]),
                Columns.from_json(bundle["speaker_columns"]),
                Thresholds(**bundle["thresholds"]),
                (bundle["calibration"]["x"], bundle["calibration"]["y"]),
                pronouns,
            )
        except (OSError, ValueError, KeyError, TypeError, lightgbm.basic.LightGBMError) as exc:
            raise ModelError(
                f"{folder}: cannot read the attribution model ({exc}); run `quotes train`"
            ) from exc

    def scores(self, doc: Doc, parts: ArticleParts, cands: Sequence[Candidate]) -> np.ndarray:
        if not cands:
            return np.zeros(0)
        rows = attribution_rows(doc, parts, cands, self.lexicon)
        return np.asarray(
            self.attribution.predict(self.attribution_columns.matrix(rows), num_threads=_THREADS)
        )

    def confidence(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated: of the attributions kept at a confidence, about that share are right."""
        x, y = self.calibration
        return np.interp(scores, x, y)

    def choose(
        self, doc: Doc, parts: ArticleParts, cands: Sequence[Candidate], thresholds: Thresholds | None = None
    ) -> tuple[list[Candidate], list[float]]:
        """The attributions among the candidates, in text order, with their raw scores."""
        scores = self.scores(doc, parts, cands)
        quoted = [any(parts.inside[c.start : c.end]) for c in cands]
        limits = thresholds or self.thresholds
        kept = keep(cands, list(scores), limits, quoted)
        likely = [s >= (limits.quoted if q else limits.unquoted) for s, q in zip(scores, quoted, strict=True)]
        held = held_reports(cands, kept, likely)
        kept = sorted([*kept, *held], key=lambda i: (cands[i].start, cands[i].end))
        kept = [i for i in kept if not refusal(cands[i])]
        return [cands[i] for i in kept], [float(scores[i]) for i in kept]

    def pick_speakers(
        self, doc: Doc, parts: ArticleParts, chosen: Sequence[Candidate]
    ) -> list[SpeakerCandidate | None]:
        """The source mention of each attribution. The previous attribution's source as the rules
        found it is a candidate too, so every attribution is ranked independently: one model call per
        article."""
        groups: list[tuple[list[SpeakerCandidate], SpeakerCandidate | None]] = []
        rows: list[Row] = []
        previous: SpeakerCandidate | None = None
        for cand in chosen:
            options = speaker_candidates(doc, parts, cand, previous)
            previous = rule_source(cand) or previous
            fixed = next((o for o in options if o.rule_pick), None) if cand.speaker_fixed else None
            if options and fixed is None:
                rows += speaker_rows(doc, parts, cand, options, self.lexicon)
            groups.append((options, fixed))
        scores = self.speaker.predict(self.speaker_columns.matrix(rows), num_threads=_THREADS) if rows else []
        out: list[SpeakerCandidate | None] = []
        at = 0
        for cand, (options, fixed) in zip(chosen, groups, strict=True):
            if fixed is not None or not options:
                out.append(fixed)
                continue
            best = options[int(np.argmax(scores[at : at + len(options)]))]
            out.append(_named_instead(best, options, cand.cue_token))
            at += len(options)
        return out


def _subject_in_apposition(head: Token, cue: Token | None) -> bool:
    """ "In an interview with hosts Ann Lee and Tom Brandt, the candidate stated": the parser hung the
    cue's subject on the last name of a phrase before it as an apposition."""
    if cue is None or head.head.dep_ not in ("pobj", "conj") or head.right_edge.i + 1 != cue.i:
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass") for c in cue.children)


def _named_instead(
    pick: SpeakerCandidate, options: Sequence[SpeakerCandidate], cue: Token | None = None
) -> SpeakerCandidate:
    """ "Ted Ruiz, co-founder of the institute, welcomed ...": the apposition (or "himself") describes
    the person the name names; the name is the source mention. And "as a consultants' report put
    it": the report speaks, not the consultants whose report it is."""
    head = pick.head
    if head is None:
        return pick
    named = head.dep_ == "appos" and head.head.ent_type_ == "PERSON" and head.head.pos_ == "PROPN"
    # "asked about Ann Lee, Mayor Tom Brandt said": a name the parser hung on another name is no description
    named = named and not (head.pos_ == "PROPN" and head.ent_type_ == "PERSON")
    named = named and not _subject_in_apposition(head, cue)
    # "Sanders himself, who was not there, has said ...": the intensifier stands for the name
    himself = head.lower_ in lx.INTENSIFIERS and head.head.i == head.i - 1 and head.head.pos_ == "PROPN"
    named = named or himself
    # "as a consultants' report put it", "according to the clerk's office", "Lee's spokesman said":
    # the report, the office, the spokesman speaks, not the one whose it is (the cue itself aside)
    owned = (
        head.dep_ == "poss"
        and head.head.lemma_.lower() in lx.DOCUMENT_NOUNS | lx.ORG_NOUNS | lx.PERSON_NOUNS
        and (cue is None or head.head.i != cue.i)
    )
    if not (named or owned):
        return pick
    return next((o for o in options if o.head is not None and o.head.i == head.head.i), pick)


@cache
def default_choice() -> LearnedChoice:
    """The model that ships with the package, loaded once per process."""
    return LearnedChoice.load(MODEL_DIR)


def describe(folder: Path | str = MODEL_DIR) -> dict[str, Any]:
    """The bundle's metadata (figures, thresholds, training data) without loading the models."""
    return dict(json.loads((Path(folder) / "bundle.json").read_text(encoding="utf-8")))
