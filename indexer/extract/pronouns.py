"""Who "he" and "she" are: the people of the article ranked by salience, by a model trained on the
labelled pronoun sources of the PolNeAR training split (`indexer/training/pronouns.py`).

Candidates are the people named before the pronoun whose gender does not contradict it. Salience is
what the features measure: how recently and how often a person was named, whether as the subject of
a clause (and of the sentence before), as the one who spoke (the subject of a cue word), whether
another person of that gender came in between, whether the person leads the article, how often the
article names the person in all, and the role (subject, object, apposition...) of the last mention.
A surname the entity recognizer did not tag counts as a mention of the one person it names.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc, Token

from indexer.extract.base import Paragraphs, quote_mask
from indexer.extract.cues import CueLexicon, cue_key
from indexer.extract.features import Columns, Row
from indexer.extract.lexicon import PERSON_PRONOUNS
from indexer.extract.people import People, Person, PersonMention
from indexer.extract.quotemarks import find_quotes
from indexer.extract.text import source_text

MAX_CANDIDATES = 10
SPEAKING = 0.2  # a verb whose lexicon cue rate is at least this makes its subject a speaker

PRONOUN_CATEGORICAL = ("pronoun_dep", "last_role")
PRONOUN_NUMERIC = (
    "gender_known",
    "mentions_before",
    "chars_since",
    "paragraphs_since",
    "sentences_since",
    "last_was_subject",
    "paragraphs_since_subject",
    "sentences_since_subject",
    "paragraphs_since_speaking",
    "recency_rank",
    "subject_rank",
    "same_sentence",
    "same_sentence_subject",
    "previous_sentence_subject",
    "first_named",
    "intervening",
    "full_name",
    "pronoun_is_subject",
    "same_paragraph",
    "last_quoted",
    "paragraphs_since_unquoted",
    "sentences_since_unquoted",
    "speaking_rank",
    "after_quote",
    "pronouns_since",
    "speaking_pronouns_since",
    "mentions_in_article",
)

_ROLES = {
    "nsubj": "subj",
    "nsubjpass": "subj",
    "dobj": "obj",
    "pobj": "pobj",
    "appos": "appos",
    "poss": "poss",
    "compound": "compound",
    "conj": "conj",
    "attr": "attr",
}


@dataclass
class Context:
    """What ranking needs of the article, computed once per article."""

    doc: Doc
    people: People
    paragraphs: Paragraphs
    sentence_starts: list[int]  # character offsets
    lexicon: CueLexicon | None
    mentions: list[
        PersonMention
    ]  # as the article names them, untagged surnames too (resolution adds more to `people`)
    named: Counter[int]  # id(person) -> mentions in the whole article
    inside: bytearray  # 1 inside quote marks
    pronouns: dict[str, list[tuple[int, bool]]]  # gender -> (offset, speaks) of "he"/"she" subjects, in order

    @classmethod
    def of(
        cls,
        doc: Doc,
        people: People,
        paragraphs: Paragraphs,
        lexicon: CueLexicon | None,
        inside: bytearray | None = None,
    ) -> Context:
        text = source_text(doc)
        starts = [s.start_char for s in doc.sents]
        mentions = sorted(people.mentions + _unrecognised_mentions(doc, people), key=lambda m: m.start)
        if inside is None:
            inside = quote_mask(find_quotes(text), len(text))
        pronouns: dict[str, list[tuple[int, bool]]] = {"m": [], "f": []}
        for tok in doc:
            gender = PERSON_PRONOUNS.get(tok.lower_)
            if gender is not None and tok.dep_ in ("nsubj", "nsubjpass") and not inside[tok.idx]:
                speaks = lexicon is not None and lexicon.rate(cue_key(tok.head)) >= SPEAKING
                pronouns[gender].append((tok.idx, speaks))
        named = Counter(id(m.person) for m in mentions)
        return cls(doc, people, paragraphs, starts, lexicon, mentions, named, inside, pronouns)

    def sentence(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)

    def speaking(self, token: int) -> bool:
        if token < 0 or self.lexicon is None:
            return False
        tok = self.doc[token]
        return tok.dep_ in ("nsubj", "nsubjpass") and self.lexicon.rate(cue_key(tok.head)) >= SPEAKING


def _unrecognised_mentions(doc: Doc, people: People) -> list[PersonMention]:
    """A named person's surname where the entity recognizer did not tag it ("Alder had warned") or
    took it for something else ("Fiorina said", an organisation), unless it modifies a noun."""
    covered = {m.token for m in people.mentions}
    surnames: dict[str, Person | None] = {}  # None: two people share it
    for person in people.people:
        words = person.name.split()
        if len(words) > 1 and words[-1][:1].isupper():
            surnames[words[-1]] = person if surnames.get(words[-1], person) is person else None
    out = []
    for tok in doc:
        if tok.i in covered or tok.pos_ != "PROPN":
            continue
        if tok.ent_type_ not in ("", "PERSON") and tok.dep_ in ("compound", "flat"):  # "Trump Tower"
            continue
        named = surnames.get(tok.text)
        if named is not None:
            out.append(PersonMention(tok.idx, named, tok.dep_ in ("nsubj", "nsubjpass"), tok.i))
    return out


def pronoun_candidates(ctx: Context, pronoun: Token, gender: str) -> list[tuple[Person, Row]]:
    """The people who may be meant, with their feature rows, most recent first."""
    pos = pronoun.idx
    para, sent = ctx.paragraphs.index(pos), ctx.sentence(pos)
    last: dict[int, Any] = {}  # id(person) -> facts about its mentions before the pronoun
    order: list[Person] = []
    first_named = next((m.person for m in ctx.mentions), None)
    for m in ctx.mentions:
        if m.start >= pos:
            break
        if m.person.gender not in (None, gender):
            continue
        key = id(m.person)
        if key not in last:
            last[key] = {"n": 0, "subject": None, "speaking": None, "unquoted": None}
            order.append(m.person)
        facts = last[key]
        facts["n"] += 1
        facts["last"] = m
        if not ctx.inside[m.start]:
            facts["unquoted"] = m
        if m.subject:
            facts["subject"] = m
        if ctx.speaking(m.token):
            facts["speaking"] = m
    people = sorted(order, key=lambda p: -last[id(p)]["last"].start)[:MAX_CANDIDATES]
    by_subject = sorted(
        people, key=lambda p: -(last[id(p)]["subject"].start if last[id(p)]["subject"] is not None else -1)
    )
    by_speaking = sorted(
        people, key=lambda p: -(last[id(p)]["speaking"].start if last[id(p)]["speaking"] is not None else -1)
    )
    before = source_text(ctx.doc)[max(0, pos - 4) : pos].rstrip()
    after_quote = int(before[-1:] in "”\"'’")
    chain = ctx.pronouns.get(gender, [])
    out: list[tuple[Person, Row]] = []
    for rank, person in enumerate(people):
        facts = last[id(person)]
        m, subj, spoke, unquoted = facts["last"], facts["subject"], facts["speaking"], facts["unquoted"]
        later = {id(o.person) for o in ctx.mentions if m.start < o.start < pos and o.person is not person}
        role = _ROLES.get(ctx.doc[m.token].dep_, "other") if m.token >= 0 else "none"
        row: Row = {
            "pronoun_dep": pronoun.dep_,
            "gender_known": int(person.gender is not None),
            "mentions_before": facts["n"],
            "chars_since": math.log1p(pos - m.start),
            "paragraphs_since": para - ctx.paragraphs.index(m.start),
            "sentences_since": sent - ctx.sentence(m.start),
            "last_was_subject": int(m.subject),
            "paragraphs_since_subject": para - ctx.paragraphs.index(subj.start) if subj is not None else None,
            "sentences_since_subject": sent - ctx.sentence(subj.start) if subj is not None else None,
            "paragraphs_since_speaking": para - ctx.paragraphs.index(spoke.start)
            if spoke is not None
            else None,
            "recency_rank": rank,
            "subject_rank": by_subject.index(person) if subj is not None else None,
            "same_sentence": int(ctx.sentence(m.start) == sent),
            "same_sentence_subject": int(subj is not None and ctx.sentence(subj.start) == sent),
            "previous_sentence_subject": int(subj is not None and ctx.sentence(subj.start) == sent - 1),
            "first_named": int(person is first_named),
            "intervening": sum(1 for p in people if id(p) in later),
            "full_name": int(len(person.name.split()) > 1),
            "pronoun_is_subject": int(pronoun.dep_ in ("nsubj", "nsubjpass")),
            "same_paragraph": int(ctx.paragraphs.index(m.start) == para),
            "last_quoted": int(ctx.inside[m.start]),
            "paragraphs_since_unquoted": para - ctx.paragraphs.index(unquoted.start)
            if unquoted is not None
            else None,
            "sentences_since_unquoted": sent - ctx.sentence(unquoted.start) if unquoted is not None else None,
            "speaking_rank": by_speaking.index(person) if spoke is not None else None,
            "after_quote": after_quote,
            "pronouns_since": sum(1 for at, _ in chain if m.start < at < pos),
            "speaking_pronouns_since": sum(1 for at, speaks in chain if m.start < at < pos and speaks),
            "last_role": role,
            "mentions_in_article": ctx.named[id(person)],
        }
        out.append((person, row))
    return out


class PronounRanker:
    """The trained ranker (LightGBM LambdaRank) over `pronoun_candidates`."""

    def __init__(self, booster: Any, columns: Columns) -> None:
        self.booster = booster
        self.columns = columns

    def choose(self, options: Sequence[tuple[Person, Row]]) -> Person | None:
        if not options:
            return None
        scores = self.booster.predict(self.columns.matrix([row for _, row in options]), num_threads=1)
        return options[int(np.argmax(scores))][0]
