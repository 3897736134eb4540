"""Who may be the source of an attribution: the noun phrases, names and pronouns around it.

Candidates come from the sentences of the cue and the content and the sentence before them, within
the cue's paragraph and the one before; the rule finders' own pick and the speaker of the previous
attribution join them. The learned choice (`choice.py`) ranks them.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from indexer.extract.base import Candidate
from indexer.extract.candidates import ArticleParts
from indexer.extract.sources import mention_bounds, mention_tokens

_NAMEABLE = ("PERSON", "ORG", "NORP", "GPE")
_NOT_SOURCES = frozenset({"DATE", "TIME", "ORDINAL", "CARDINAL", "MONEY", "QUANTITY", "PERCENT"})
# of those, a share or a count can be the subject that speaks ("42% say", "Six in 10 said"); these cannot
_NOT_SPEAKING = _NOT_SOURCES - {"PERCENT", "CARDINAL", "ORDINAL"}
MAX_CANDIDATES = 40


@dataclass
class SpeakerCandidate:
    start: int  # character offsets of the mention
    end: int
    head: Token | None  # None for a span the parse does not cover (a transcript label, a signature)
    first: int = 0  # token range of the mention
    last: int = 0
    origin: str = "phrase"  # phrase | rule | previous
    rule_pick: bool = False
    previous: bool = False


def _phrase_head(tok: Token) -> Token:
    """The head of the name or noun phrase a word belongs to: an entity's root ("Transportation" in
    "the U.S. Department of Transportation" is no candidate of its own), or the noun a compound
    modifies."""
    if tok.ent_iob_ in ("B", "I"):
        doc = tok.doc
        lo = tok.i
        while lo > 0 and doc[lo].ent_iob_ == "I":
            lo -= 1
        hi = tok.i + 1
        while hi < len(doc) and doc[hi].ent_iob_ == "I":
            hi += 1
        tok = doc[lo:hi].root
        if (
            tok.dep_ in ("amod", "compound", "nmod")
            and tok.head.pos_ in ("NOUN", "PROPN")
            and tok.head.i > tok.i
        ):
            tok = tok.head  # "Iranian" in "the Iranian news agency" modifies the phrase's head
        else:
            return tok
    while tok.dep_ in ("compound", "flat") and tok.head.i != tok.i and tok.head.pos_ in ("PROPN", "NOUN"):
        tok = tok.head
    return tok


def _counted_subject(tok: Token) -> bool:
    """A number or a share that is itself the subject of its clause ("42% say", "Six in 10 said")."""
    return tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX")


def _window(doc: Doc, parts: ArticleParts, cand: Candidate, anchor: Token) -> tuple[int, int]:
    """Token range: from the sentence before the first sentence of cue and content to the end of the
    last one."""
    sentence = parts.tokens.sentence_bounds
    lo, hi = sentence(anchor.i)
    first = doc.char_span(cand.start, min(cand.end, cand.start + 1), alignment_mode="expand")
    if first is not None and len(first):
        lo = min(lo, sentence(first.start)[0])
    last = doc.char_span(max(cand.start, cand.end - 1), cand.end, alignment_mode="expand")
    if last is not None and len(last):
        hi = max(hi, sentence(last.end - 1)[1])
    if lo > 0:
        lo = sentence(lo - 1)[0]
    return lo, hi


def rule_source(cand: Candidate) -> SpeakerCandidate | None:
    """The rule finders' pick for a candidate as a speaker candidate (None when they found none)."""
    if cand.speaker is not None:
        mention = mention_tokens(cand.speaker)
        return SpeakerCandidate(
            mention.start_char, mention.end_char, cand.speaker, mention.start, mention.end - 1, "rule", True
        )
    if cand.speaker_span is not None:
        return SpeakerCandidate(
            cand.speaker_span[0], cand.speaker_span[1], None, origin="rule", rule_pick=True
        )
    return None


def _in_own_quote(inside: bytearray, words: list[tuple[int, int]], start: int, end: int) -> bool:
    """Inside the quote marks of the very words attributed: "“Karl is a good leader,” said the
    46-year-old" is not Karl speaking (no gold source of PolNeAR train is inside its content)."""
    return inside[start] == 1 and any(a <= start and end <= b for a, b in words)


# per Doc: for each token, the head of the phrase it may name a speaker in (-1 for none) and that
# head's paragraph; attributions' windows overlap, so the table is made once per article
_HEADS: weakref.WeakKeyDictionary[Doc, tuple[list[int], list[int]]] = weakref.WeakKeyDictionary()


def _head_table(doc: Doc, parts: ArticleParts) -> tuple[list[int], list[int]]:
    table = _HEADS.get(doc)
    if table is not None:
        return table
    heads = [-1] * len(doc)
    paragraph = [-1] * len(doc)
    for tok in doc:
        if tok.is_space:
            continue
        if tok.ent_type_ in _NOT_SOURCES or tok.like_num:
            if _counted_subject(tok) and tok.ent_type_ not in _NOT_SPEAKING:
                heads[tok.i] = tok.i  # "42% say", "Six in 10 said": the share of those polled speaks
                paragraph[tok.i] = -2  # in any paragraph of the window
            continue
        if tok.is_punct:
            continue
        if tok.pos_ in ("PROPN", "NOUN", "PRON") or tok.ent_type_ in _NAMEABLE:
            head = _phrase_head(tok)
            heads[tok.i] = head.i
            paragraph[tok.i] = parts.paragraphs.index(head.idx)
    table = _HEADS[doc] = (heads, paragraph)
    return table


def speaker_candidates(
    doc: Doc, parts: ArticleParts, cand: Candidate, previous: SpeakerCandidate | None
) -> list[SpeakerCandidate]:
    if not len(doc):
        return []
    if cand.cue_token is not None:
        anchor = cand.cue_token
    else:
        first = doc.char_span(cand.start, min(cand.end, cand.start + 1), alignment_mode="expand")
        anchor = first[0] if first is not None and len(first) else doc[0]
    paragraph = parts.paragraphs.index(anchor.idx)
    lo, hi = _window(doc, parts, cand, anchor)
    head_of, head_paragraph = _head_table(doc, parts)
    found: dict[int, None] = {}
    for i in range(lo, hi):
        h = head_of[i]
        if h >= 0 and (head_paragraph[i] == -2 or paragraph - 1 <= head_paragraph[i] <= paragraph):
            found[h] = None
    heads: dict[int, Token] = {h: doc[h] for h in found}
    pick = cand.speaker
    if pick is not None:
        heads[pick.i] = pick
    ordered = sorted(heads.values(), key=lambda t: abs(t.i - anchor.i))[:MAX_CANDIDATES]
    if pick is not None and all(t.i != pick.i for t in ordered):
        ordered.append(pick)
    out: list[SpeakerCandidate] = []
    cue = cand.cue_token
    words = cand.fragments or [(cand.start, cand.end)]
    for tok in ordered:
        first_token, end_token, start_char, end_char = mention_bounds(tok)
        rule_pick = pick is not None and tok.i == pick.i
        if _in_own_quote(parts.inside, words, start_char, end_char):
            continue
        if (
            not rule_pick
            and cue is not None
            and first_token <= cue.i < end_token
            and start_char < cand.end
            and cand.start < end_char
        ):
            continue  # a phrase holding both the cue and the content: "the chorus of calls for expulsion"
        out.append(
            SpeakerCandidate(
                start_char,
                end_char,
                tok,
                first_token,
                end_token - 1,
                origin="rule" if rule_pick else "phrase",
                rule_pick=rule_pick,
            )
        )
    if cand.speaker_span is not None:
        a, b = cand.speaker_span
        same = next((o for o in out if (o.start, o.end) == (a, b)), None)
        if same is not None:
            out.remove(same)  # the label as a phrase too: one candidate, the rules' span
        out.append(SpeakerCandidate(a, b, None, origin="rule", rule_pick=True))
    if previous is not None and _in_own_quote(parts.inside, words, previous.start, previous.end):
        previous = None
    if previous is not None and not any(o.start == previous.start and o.end == previous.end for o in out):
        out.append(
            SpeakerCandidate(
                previous.start,
                previous.end,
                previous.head,
                previous.first,
                previous.last,
                origin="previous",
                previous=True,
            )
        )
    else:
        for o in out:
            if previous is not None and o.start == previous.start and o.end == previous.end:
                o.previous = True
    return out
