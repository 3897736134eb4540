"""Who may be the source of an attribution: the noun phrases, names and pronouns around it.

Candidates come from the sentences of the cue and the content and the sentence before them, within
the cue's paragraph and the one before; the rule finders' own pick and the speaker of the previous
attribution join them. The learned choice (`choice.py`) ranks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from indexer.extract.base import Candidate
from indexer.extract.candidates import ArticleParts
from indexer.extract.sources import mention_tokens

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


def _window(doc: Doc, cand: Candidate, anchor: Token) -> tuple[int, int]:
    """Token range: from the sentence before the first sentence of cue and content to the end of the
    last one."""
    lo = anchor.sent.start
    hi = anchor.sent.end
    first = doc.char_span(cand.start, min(cand.end, cand.start + 1), alignment_mode="expand")
    if first is not None and len(first):
        lo = min(lo, first[0].sent.start)
    last = doc.char_span(max(cand.start, cand.end - 1), cand.end, alignment_mode="expand")
    if last is not None and len(last):
        hi = max(hi, last[-1].sent.end)
    if lo > 0:
        lo = doc[lo - 1].sent.start
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
    lo, hi = _window(doc, cand, anchor)
    heads: dict[int, Token] = {}
    for tok in doc[lo:hi]:
        if tok.is_space:
            continue
        if tok.ent_type_ in _NOT_SOURCES or tok.like_num:
            if _counted_subject(tok) and tok.ent_type_ not in _NOT_SPEAKING:
                heads[tok.i] = tok  # "42% say", "Six in 10 said": the share of those polled speaks
            continue
        if tok.is_punct:
            continue
        if tok.pos_ in ("PROPN", "NOUN", "PRON") or tok.ent_type_ in _NAMEABLE:
            head = _phrase_head(tok)
            if paragraph - 1 <= parts.paragraphs.index(head.idx) <= paragraph:
                heads[head.i] = head
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
        mention = mention_tokens(tok)
        rule_pick = pick is not None and tok.i == pick.i
        if _in_own_quote(parts.inside, words, mention.start_char, mention.end_char):
            continue
        if (
            not rule_pick
            and cue is not None
            and mention.start <= cue.i < mention.end
            and mention.start_char < cand.end
            and cand.start < mention.end_char
        ):
            continue  # a phrase holding both the cue and the content: "the chorus of calls for expulsion"
        out.append(
            SpeakerCandidate(
                mention.start_char,
                mention.end_char,
                tok,
                mention.start,
                mention.end - 1,
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
