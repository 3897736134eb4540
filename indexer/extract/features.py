"""Features of the learned choice: one row per attribution candidate, one per speaker candidate.

Rows are plain dicts (name -> number or category); `Columns` turns them into the matrix the models
read, with the category vocabularies learned in training. The same functions serve training and
extraction, so the two cannot drift apart.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import Candidate
from indexer.extract.candidates import ArticleParts, TokenTable
from indexer.extract.cues import CueLexicon, cue_key, phrase_key
from indexer.extract.speaker_candidates import SpeakerCandidate
from indexer.extract.text import source_text

Row = dict[str, Any]
_MARKS = '“”"'


@dataclass
class Columns:
    """The column order of a model's matrix and the vocabulary of each categorical column."""

    categorical: list[str]
    numeric: list[str]
    vocab: dict[str, dict[str, int]]

    @classmethod
    def learn(
        cls, rows: Iterable[Row], categorical: Sequence[str], numeric: Sequence[str], min_count: int = 3
    ) -> Columns:
        counts: dict[str, dict[str, int]] = {c: {} for c in categorical}
        for row in rows:
            for c in categorical:
                value = str(row.get(c, ""))
                counts[c][value] = counts[c].get(value, 0) + 1
        vocab = {
            c: {v: i for i, v in enumerate(sorted(v for v, n in counts[c].items() if n >= min_count))}
            for c in categorical
        }
        return cls(list(categorical), list(numeric), vocab)

    @property
    def names(self) -> list[str]:
        return self.categorical + self.numeric

    def matrix(self, rows: Sequence[Row]) -> np.ndarray:
        nan = math.nan
        vocabs = [(c, self.vocab[c]) for c in self.categorical]
        numeric = self.numeric
        table = [
            [v.get(str(row.get(c, "")), nan) for c, v in vocabs]
            + [nan if (x := row.get(c)) is None else float(x) for c in numeric]
            for row in rows
        ]
        if not table:
            return np.zeros((0, len(vocabs) + len(numeric)), dtype=np.float64)
        return np.array(table, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {"categorical": self.categorical, "numeric": self.numeric, "vocab": self.vocab}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Columns:
        return cls(list(data["categorical"]), list(data["numeric"]), dict(data["vocab"]))


# --------------------------------------------------------------------------- attribution candidates

# The cue's own key ("say/V", "concern/N") and, for indirect and mixed content, its first word
# ("that", "to", "about") as categories, beside the cue's rate. The first word of a direct quote says
# nothing of its shape: as a category there it let rare words ("during", "then") sink true quotes.
ATTRIBUTION_CATEGORICAL = (
    "rule",
    "rule_path",
    "kind",
    "pos",
    "tag",
    "dep",
    "head_pos",
    "subject",
    "anc_dep",
    "cue_key",
    "first_word",
)
ATTRIBUTION_NUMERIC = (
    "prior",
    "lexicon_made",
    "chars",
    "words",
    "quoted",
    "has_mark",
    "paragraph",
    "paragraph_share",
    "same_cue",
    "has_ccomp",
    "has_xcomp",
    "has_dobj",
    "has_prep",
    "has_that",
    "negated",
    "modal",
    "infinitive",
    "passive",
    "agent",
    "cue_quoted",
    "speech_verb",
    "weak_verb",
    "intention_verb",
    "characterize_verb",
    "speech_noun",
    "cue_side",
    "cue_gap",
    "sentence_tokens",
    "sentence_quoted",
    "rule_overlap",
    "in_rule_content",
    "in_lexicon_content",
    "inner_rule_cues",
    "inner_lexicon_cues",
    "cue_rate",
    "cue_seen",
    "phrase_rate",
    "phrase_seen",
    "head_rate",
    "content_verbs",
    "starts_that",
    "starts_to",
    "pieces",
    "piece_gap",
    "paragraph_span",
)


def _subject_type(tok: Token | None, span: tuple[int, int] | None) -> str:
    if tok is None:
        return "span" if span is not None else "none"
    low = tok.lower_
    if low in ("he", "she"):
        return "he_she"
    if low in ("they", "we", "i", "you"):
        return "they"
    if low in ("it", "this", "that", "which"):
        return "it"
    if low == "who":
        return "who"
    if tok.ent_type_:
        return "ent_" + tok.ent_type_
    lemma = tok.lemma_.lower()
    if lemma in lx.PERSON_NOUNS:
        return "person_noun"
    if lemma in lx.ORG_NOUNS:
        return "org_noun"
    if lemma in lx.DOCUMENT_NOUNS:
        return "document_noun"
    return "other_" + tok.pos_


def _cue_word_features(
    doc: Doc,
    h: Token,
    lexicon: CueLexicon,
    tokens: TokenTable,
    inside: bytearray,
    sentence_quoted: dict[int, int],
) -> Row:
    """What a candidate's row says of its cue word (the same for every candidate of that word)."""
    children = list(h.children)
    key = cue_key(h)
    phrase = phrase_key(h)
    head = h.head if h.head.i != h.i else None
    lemma = h.lemma_.lower()
    return {
        "cue_key": key,
        "pos": h.pos_,
        "tag": h.tag_,
        "dep": h.dep_,
        "head_pos": head.pos_ if head is not None else "",
        "anc_dep": f"{h.dep_}<{head.dep_ if head is not None else ''}",
        "has_ccomp": int(any(x.dep_ == "ccomp" for x in children)),
        "has_xcomp": int(any(x.dep_ == "xcomp" for x in children)),
        "has_dobj": int(any(x.dep_ == "dobj" for x in children)),
        "has_prep": int(any(x.dep_ == "prep" for x in children)),
        "has_that": int(
            any(g.dep_ == "mark" and g.lower_ == "that" for x in children for g in x.children)
            or any(x.lower_ == "that" for x in h.rights)
        ),
        "negated": int(any(x.dep_ == "neg" for x in children)),
        "modal": int(any(x.tag_ == "MD" for x in children)),
        "infinitive": int(any(x.dep_ == "aux" and x.lower_ == "to" for x in children)),
        "passive": int(any(x.dep_ == "auxpass" for x in children)),
        "agent": int(any(x.dep_ == "agent" for x in children)),
        "cue_quoted": inside[h.idx],
        "speech_verb": int(lemma in lx.SPEECH_VERBS),
        "weak_verb": int(lemma in lx.WEAK_VERBS),
        "intention_verb": int(lemma in lx.INTENTION_VERBS),
        "characterize_verb": int(lemma in lx.CHARACTERIZE_VERBS),
        "speech_noun": int(lemma in lx.SPEECH_NOUNS),
        "sentence_tokens": _sentence_length(tokens, h.i),
        "sentence_quoted": _sentence_quoted(doc, tokens, h.i, sentence_quoted),
        "cue_rate": lexicon.rate(key),
        "cue_seen": math.log1p(lexicon.count(key)[0]),
        "phrase_rate": lexicon.rate(phrase, phrase=True),
        "phrase_seen": math.log1p(lexicon.count(phrase, phrase=True)[0]),
        "head_rate": lexicon.rate(cue_key(head)) if head is not None else None,
    }


def own_positions(positions: Sequence[int], pos: int) -> set[int]:
    """{pos} when `pos` is among the sorted positions, else the empty set."""
    k = bisect.bisect_left(positions, pos)
    return {pos} if k < len(positions) and positions[k] == pos else set()


def _sentence_length(tokens: TokenTable, i: int) -> int:
    lo, hi = tokens.sentence_bounds(i)
    return hi - lo


def _sentence_quoted(doc: Doc, tokens: TokenTable, i: int, seen: dict[int, int]) -> int:
    k = int(tokens.sentence[i])
    if k not in seen:
        lo, hi = tokens.sentence_bounds(i)
        start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
        text = source_text(doc)[start:end]
        seen[k] = int(any(m in text for m in _MARKS))
    return seen[k]


def _largest_gap(fragments: Sequence[tuple[int, int]]) -> int:
    ordered = sorted(fragments)
    return max((b[0] - a[1] for a, b in itertools.pairwise(ordered)), default=0)


def attribution_rows(
    doc: Doc, parts: ArticleParts, cands: Sequence[Candidate], lexicon: CueLexicon
) -> list[Row]:
    """One feature row per candidate."""
    text, inside = parts.text, parts.inside
    n_paragraphs = max(1, len(parts.paragraphs.spans))
    same_cue: dict[int, int] = {}
    for c in cands:
        if c.cue_token is not None:
            same_cue[c.cue_token.i] = same_cue.get(c.cue_token.i, 0) + 1
    rule_made = [c for c in cands if not c.rule.startswith("lexicon")]
    lexicon_made = [c for c in cands if c.rule.startswith("lexicon")]
    # how many learned-cue contents cover each character; and the distinct learned-cue positions
    covered = np.zeros(len(text) + 1, dtype=np.int64)
    for o in lexicon_made:
        covered[o.start] += 1
        covered[o.end] -= 1
    covered = np.cumsum(covered)
    own_cover: dict[int, int] = {}
    for o in lexicon_made:
        if o.cue_token is not None and o.start <= o.cue_token.idx < o.end:
            own_cover[o.cue_token.i] = own_cover.get(o.cue_token.i, 0) + 1
    lexicon_cues = sorted({o.cue[0] for o in lexicon_made if o.cue is not None})
    sentence_quoted: dict[int, int] = {}
    tokens = parts.tokens
    per_token: dict[int, Row] = {}
    rule_starts = np.array([o.start for o in rule_made], dtype=np.int64)
    rule_ends = np.array([o.end for o in rule_made], dtype=np.int64)
    rows: list[Row] = []
    for c in cands:
        a, b = c.start, c.end
        h = c.cue_token
        row: Row = {
            "rule": c.rule.split(">")[0],
            "rule_path": c.rule,
            "kind": c.kind,
            "prior": c.confidence,
            "lexicon_made": int(c.rule.startswith("lexicon")),
            "chars": b - a,
            "words": text.count(" ", a, b) + 1,
            "quoted": sum(inside[a:b]) / max(1, b - a),
            "has_mark": int(any(m in text[a:b] for m in _MARKS)),
            "paragraph": parts.paragraphs.index(a),
            "paragraph_share": parts.paragraphs.index(a) / n_paragraphs,
            "subject": _subject_type(c.speaker, c.speaker_span),
            "pieces": max(1, len(c.fragments)),
            "piece_gap": _largest_gap(c.fragments),
            "paragraph_span": parts.paragraphs.index(max(a, b - 1)) - parts.paragraphs.index(a),
        }
        if h is not None:
            if h.i not in per_token:
                per_token[h.i] = _cue_word_features(doc, h, lexicon, tokens, inside, sentence_quoted)
            row.update(per_token[h.i])
            row["same_cue"] = same_cue.get(h.i, 0)
            row["in_rule_content"] = max(
                (
                    o.confidence
                    for o in rule_made
                    if o.start <= h.idx < o.end and (o.cue_token is None or o.cue_token.i != h.i)
                ),
                default=-1.0,
            )
            row["in_lexicon_content"] = int(covered[h.idx] - own_cover.get(h.i, 0) > 0)
        if c.cue is not None:
            ca, cb = c.cue
            row["cue_side"] = 0 if cb <= a else 1 if ca >= b else 2
            row["cue_gap"] = (a - cb) if cb <= a else (ca - b) if ca >= b else 0
        if c.rule.startswith("lexicon"):
            ov = np.maximum(0, np.minimum(rule_ends, b) - np.maximum(rule_starts, a))
            shares = ov / np.minimum(b - a, rule_ends - rule_starts).clip(min=1)
            row["rule_overlap"] = float(shares.max()) if len(shares) else 0.0
        mine = h.i if h is not None else -1
        row["inner_rule_cues"] = sum(
            1
            for o in rule_made
            if o is not c
            and o.cue is not None
            and a <= o.cue[0] < b
            and (o.cue_token is None or o.cue_token.i != mine)
        )
        inner = bisect.bisect_left(lexicon_cues, b) - bisect.bisect_left(lexicon_cues, a)
        if h is not None and a <= h.idx < b and h.idx in own_positions(lexicon_cues, h.idx):
            inner -= 1
        row["inner_lexicon_cues"] = inner
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is not None and len(span):
            row["content_verbs"] = sum(1 for t in span if t.pos_ in ("VERB", "AUX"))
            if c.kind != "direct":
                row["first_word"] = span[0].lower_
            row["starts_that"] = int(span[0].lower_ == "that")
            row["starts_to"] = int(span[0].lower_ == "to")
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- speaker candidates

SPEAKER_CATEGORICAL = (
    "cue_word",
    "rule",
    "kind",
    "dep",
    "pos",
    "tag",
    "ent",
    "pronoun",
    "noun_class",
    "path",
    "head_dep",
    "origin",
)
SPEAKER_NUMERIC = (
    "rule_pick",
    "previous_speaker",
    "in_content",
    "before_content",
    "after_content",
    "quoted",
    "capitalised",
    "head_is_cue_word",
    "path_length",
    "token_gap",
    "same_sentence",
    "subject_of_cue",
    "child_of_cue",
    "paragraph_gap",
    "nearness_rank",
    "candidates",
    "mention_words",
    "person_entity",
    "cue_rate",
    "attribution_quoted",
    "left_adjacent",
    "right_adjacent",
    "candidates_between",
    "verbs_between",
    "is_subject",
    "head_cue_rate",
    "sentence_initial",
    "root_subject",
    "possessor_of_cue",
    "cue_has_possessor",
    "agent_of_cue",
    "object_of_cue_preposition",
)

_PRONOUN_CLASS = frozenset("he she him her they them it i we you who his their its that which this".split())


def _chain(tok: Token) -> list[Token]:
    """A word and its heads up to the root (at most 8)."""
    up = [tok]
    while up[-1].head.i != up[-1].i and len(up) < 8:
        up.append(up[-1].head)
    return up


def _path(tok: Token, down: list[Token], where: dict[int, int]) -> tuple[str, int]:
    """The dependency path from a word up to the common ancestor and down to the cue (`down`: the
    cue's `_chain`, `where`: token index -> place in it)."""
    up = _chain(tok)
    for k, t in enumerate(up):
        if t.i in where:
            return (
                ">".join(x.dep_ for x in up[:k]) + "|" + ">".join(x.dep_ for x in down[: where[t.i]]),
                k + where[t.i],
            )
    return "none", 20


def speaker_rows(
    doc: Doc, parts: ArticleParts, cand: Candidate, options: Sequence[SpeakerCandidate], lexicon: CueLexicon
) -> list[Row]:
    """One feature row per speaker candidate of `cand`."""
    a, b = cand.start, cand.end
    cue = cand.cue_token
    if cue is None and cand.cue is not None:  # a colon or a dash: the path runs to it
        mark = doc.char_span(cand.cue[0], cand.cue[1], alignment_mode="expand")
        cue = mark.root if mark is not None and len(mark) else None
    if cue is not None:
        anchor: Token = cue
    else:
        first = doc.char_span(a, min(b, a + 1), alignment_mode="expand")
        anchor = first[0] if first is not None and len(first) else doc[0]
    cue_possessor = cue is not None and any(c.dep_ == "poss" for c in cue.children)
    quoted = sum(parts.inside[a:b]) / max(1, b - a)
    tokens = parts.tokens
    heads = sorted(o.head.i for o in options if o.head is not None)
    down = _chain(cue) if cue is not None else []
    where = {t.i: k for k, t in enumerate(down)}
    rows: list[Row] = []
    for opt in options:
        ca, cb = opt.start, opt.end
        row: Row = {
            "rule": cand.rule.split(">")[0],
            "kind": cand.kind,
            "origin": opt.origin,
            "rule_pick": int(opt.rule_pick),
            "previous_speaker": int(opt.previous),
            "in_content": int(a <= ca < b),
            "before_content": a - cb,
            "after_content": ca - b,
            "quoted": parts.inside[ca] if ca < len(parts.inside) else 0,
            "mention_words": parts.text.count(" ", ca, cb) + 1,
            "paragraph_gap": parts.paragraphs.index(a) - parts.paragraphs.index(ca),
            "cue_rate": lexicon.rate(cue_key(cue)) if cue is not None else None,
            "cue_word": cue_key(cue) if cue is not None else "-",
            "attribution_quoted": quoted,
        }
        tok = opt.head
        if tok is not None:
            row.update(
                dep=tok.dep_,
                pos=tok.pos_,
                tag=tok.tag_,
                ent=tok.ent_type_ or "-",
                pronoun=tok.lower_ if tok.lower_ in _PRONOUN_CLASS else "-",
                noun_class=(
                    "person"
                    if tok.lemma_.lower() in lx.PERSON_NOUNS
                    else "org"
                    if tok.lemma_.lower() in lx.ORG_NOUNS
                    else "document"
                    if tok.lemma_.lower() in lx.DOCUMENT_NOUNS
                    else "group"
                    if tok.lemma_.lower() in lx.GROUP_NOUNS
                    else "-"
                ),
                capitalised=int(tok.text[:1].isupper()),
                head_is_cue_word=int(tok.head.lemma_.lower() in lx.SPEECH_VERBS),
                head_dep=tok.head.dep_,
                token_gap=tok.i - anchor.i,
                same_sentence=int(tokens.same_sentence(tok.i, anchor.i)),
                person_entity=int(tokens.count("person", opt.first, opt.last + 1) > 0),
            )
            row["is_subject"] = int(tok.dep_ in ("nsubj", "nsubjpass"))
            row["root_subject"] = int(row["is_subject"] and tok.head.dep_ == "ROOT")
            row["sentence_initial"] = int(
                tokens.count("not_lead", tokens.sentence_bounds(tok.i)[0], opt.first) == 0
            )
            row["head_cue_rate"] = lexicon.rate(cue_key(tok.head)) if tok.head.i != tok.i else None
            lo, hi = sorted((tok.i, anchor.i))
            row["verbs_between"] = tokens.count("verb", lo + 1, hi)
            row["candidates_between"] = max(0, bisect.bisect_left(heads, hi) - bisect.bisect_right(heads, lo))
            row["left_adjacent"] = int(
                opt.last < anchor.i and tokens.count("left", opt.last + 1, anchor.i) == 0
            )
            row["right_adjacent"] = int(
                opt.first > anchor.i and tokens.count("right", anchor.i + 1, opt.first) == 0
            )
            if cue is not None:
                path, length = _path(tok, down, where)
                row.update(
                    path=path,
                    path_length=length,
                    subject_of_cue=int(tok.head.i == cue.i and tok.dep_ in ("nsubj", "nsubjpass")),
                    child_of_cue=int(tok.head.i == cue.i),
                    possessor_of_cue=int(tok.dep_ == "poss" and tok.head.i == cue.i),
                    cue_has_possessor=int(cue_possessor),
                    agent_of_cue=int(
                        tok.dep_ == "pobj" and tok.head.dep_ == "agent" and tok.head.head.i == cue.i
                    ),
                    object_of_cue_preposition=int(
                        tok.dep_ == "pobj"
                        and tok.head.dep_ == "prep"
                        and tok.head.head.i in (cue.i, cue.i + 1)
                    ),
                )
            else:
                row.update(path="nocue", path_length=20, subject_of_cue=0, child_of_cue=0)
        else:
            row.update(dep="span", pos="span", tag="span", ent="span", path="span", head_dep="span")
            row.update(capitalised=1, token_gap=0, same_sentence=1, person_entity=0)
        rows.append(row)
    order = sorted(range(len(rows)), key=lambda k: abs(rows[k].get("token_gap") or 0))
    for rank, k in enumerate(order):
        rows[k]["nearness_rank"] = rank
        rows[k]["candidates"] = len(rows)
    return rows
