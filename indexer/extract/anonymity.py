"""What the text says about an unnamed source: how far it is identified, what kind of source it is,
whether it is a current or a former holder, and the kind of reason given for its anonymity.

All of it reads the resolved `Speaker` (its mention as written, title and stated reason), with word
lists written for this project. The values and what they mean are in the README.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from indexer.extract.sources import (
    REASON_CONDITION,
    REASON_NAME_WITHHELD,
    REASON_NOT_AUTHORIZED,
    REASON_NOT_NAMED,
    reason_pattern,
)
from indexer.extract.text import source_text
from indexer.model import Speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from indexer.extract.sources import Mention

__all__ = ["describe_anonymity", "reasons_elsewhere"]

_INSIDER = re.compile(
    r"\b(?:familiar with|with (?:direct |first-?hand )?knowledge of|knowledgeable about|briefed on|"
    r"close to|involved in|aware of|privy to|who (?:knows?|knew|ha(?:s|ve) seen|attended|took part)|"
    r"inside|insiders?|in the room|informed about|with access to)\b",
    re.IGNORECASE,
)
_WORDS: dict[str, frozenset[str]] = {
    # order matters: the first list with a word of the mention wins
    "associate": frozenset(
        """
        friend friends relative relatives brother brothers sister sisters mother father parent parents
        son sons daughter daughters wife husband spouse cousin cousins uncle aunt nephew niece
        grandson granddaughter grandmother grandfather family aide aides adviser advisers advisor
        advisors ally allies confidant confidants confidante associate associates colleague colleagues
        classmate classmates neighbour neighbor neighbors neighbours partner partners
        """.split()
    ),
    "official": frozenset(
        """
        official officials spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen
        employee employees staffer staffers staff representative representatives agent agents
        officer officers diplomat diplomats administrator administrators executive executives
        lawmaker lawmakers legislator legislators minister ministers ministry department agency
        government administration police military commander commanders investigator investigators
        prosecutor prosecutors authorities authority envoy envoys negotiator negotiators
        """.split()
    ),
    "expert": frozenset(
        """
        analyst analysts economist economists scholar scholars expert experts researcher researchers
        professor professors specialist specialists scientist scientists strategist strategists
        consultant consultants historian historians academic academics observer observers
        """.split()
    ),
    "public": frozenset(
        """
        resident residents witness witnesses voter voters bystander bystanders protester protesters
        protestor protestors demonstrator demonstrators nurse nurses worker workers student students
        passenger passengers customer customers shopper shoppers driver drivers farmer farmers
        teacher teachers patient patients survivor survivors victim victims villager villagers
        citizen citizens onlooker onlookers fan fans parishioner parishioners commuter commuters
        owner owners doctor doctors man woman men women people person participant participants
        """.split()
    ),
}
_REASONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "not_authorized",
        re.compile(r"authori[sz]ed|on the record|permitted to|allowed to|cleared to", re.IGNORECASE),
    ),
    ("safety", re.compile(r"fear|reprisal|retaliat|safety|danger|threat|harm|persecut", re.IGNORECASE)),
    ("privacy", re.compile(r"privacy|private life|family'?s|embarrass", re.IGNORECASE)),
    (
        "policy",
        re.compile(
            r"polic(?:y|ies)|rules|customary|ground rules|practice|protocol|"
            r"(?:non-?disclosure|confidentiality) agreement",
            re.IGNORECASE,
        ),
    ),
    (
        "sensitive",
        re.compile(
            r"sensitiv|investigation|inquiry|private (?!li[fv]e)\w+|"
            r"deliberations|not (?:yet )?(?:been )?(?:made )?(?:public|announced|final)|candid|freely|"
            r"internal|confidential|classified|negotiations|delicate",
            re.IGNORECASE,
        ),
    ),
]


# anonymity granted with no reason given: the reason type stays null
_NO_REASON = re.compile(
    r"(?:who )?(?:(?:spoke |speaking )?(?:on|under) (?:the )?condition of anonymity|(?:requested|asked for|"
    r"demanded|insisted on|was granted|were granted) anonymity|(?:spoke|speaking) anonymously|"
    r"(?:declined|refused|asked|requested) (?:not )?to be (?:named|identified))",
    re.IGNORECASE,
)


def describe_anonymity(sp: Speaker, description: str | None = None) -> Speaker:
    """Fill `identification`, `anonymous_type`, `status` and `anonymity_reason_type` of `sp`;
    `description` is what the sentence adds to the mention ("people briefed on the planning")."""
    if not sp.anonymous:
        sp.identification = "named" if sp.name else None  # an unresolved "they" is not identified
        sp.anonymous_type = sp.status = sp.anonymity_reason_type = None
        return sp
    sp.identification = "partial" if sp.kind == "person" and sp.name else "unnamed"
    own = " ".join(x for x in (sp.mention, sp.title) if x)
    text = " ".join(x for x in (own, description) if x)
    words = set(re.findall(r"[a-z]+", own.lower()))  # the noun phrase first, then the whole description
    kind = "other"
    if _INSIDER.search(text) or words & {"source", "sources", "insider", "insiders"}:
        kind = "insider"
    for vocabulary_of in (words, set(re.findall(r"[a-z]+", text.lower()))):
        for name, vocabulary in _WORDS.items():
            if kind == "other" and vocabulary_of & vocabulary:
                kind = name
    sp.anonymous_type = kind
    former, current = bool(words & {"former", "ex", "retired"}), bool(words & {"current", "serving"})
    sp.status = "current_and_former" if former and current else "former" if former else None
    if current and not former:
        sp.status = "current"
    reason = sp.anonymity_reason
    sp.anonymity_reason_type = None
    if reason and not _NO_REASON.fullmatch(reason.strip()):
        sp.anonymity_reason_type = next((name for name, rx in _REASONS if rx.search(reason)), "other")
    return sp


# --------------------------------------------------------------------------- a reason given elsewhere

# a sentence that gives a reason for anonymity without naming the source again: "She spoke on the
# condition of anonymity because ...", "The officials were granted anonymity to discuss ..."
_REASON_ELSEWHERE = reason_pattern(
    REASON_CONDITION,
    REASON_NOT_NAMED,
    REASON_NOT_AUTHORIZED,
    r"(?:in exchange for|(?:was|were) (?:granted|given)|(?:requested|asked for|demanded|insisted on)) "
    r"anonymity[^.;,]*",
    r"(?:spoke|speaking|talked|talking) anonymously[^.;,]*",
    REASON_NAME_WITHHELD,
)
_SINGULAR = frozenset({"he", "she", "him", "her"})
_PLURAL = frozenset({"they", "them", "both", "all", "each", "neither", "none", "two", "three", "four"})
_SENTENCES_BACK = 3  # a pronoun's source is at most this many sentences before the reason
# what stands first in a mention that points back to a source already named: "the officials"
_DEFINITE = ("the ", "these ", "those ", "both ", "that ", "this ")


def _subject(doc: Doc, at: int) -> Token | None:
    """The subject of the clause the character offset `at` is in (or the noun the clause hangs on)."""
    span = doc.char_span(at, at + 1, alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok: Token | None = span[0]
    while tok is not None:
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj
        if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            return tok.head
        tok = None if tok.head.i == tok.i else tok.head
    # no subject on the way up (a misparse): the sentence's first subject
    return next((t for t in span[0].sent if t.dep_ in ("nsubj", "nsubjpass")), None)


def _plural(m: Mention) -> bool:
    return m.plural or (m.count or 0) > 1


def _reason_text(match: re.Match[str]) -> str:
    return match.group().strip().rstrip(",")


def reasons_elsewhere(doc: Doc, mentions: Sequence[Mention | None], speakers: Sequence[Speaker]) -> None:
    """Give an unnamed source the reason for its anonymity that the article states outside the
    source's own sentence: in the next sentence ("She spoke on the condition of anonymity because she
    feared reprisals"), or in a later paragraph about the same source ("The officials, who were not
    authorized to discuss the deliberations, said ..."). `mentions[i]` is the mention behind
    `speakers[i]`; speakers without a reason are changed in place."""
    anonymous = [(m, sp) for m, sp in zip(mentions, speakers, strict=True) if m is not None and sp.anonymous]
    if not anonymous:
        return
    sentences = list(doc.sents)
    sentence_of = {sent.start_char: n for n, sent in enumerate(sentences)}

    def sentence_index(char: int) -> int:
        span = doc.char_span(char, char + 1, alignment_mode="expand")
        return sentence_of.get(span.sent.start_char, -1) if span is not None and len(span) else -1

    def spread(target: Speaker, reason: str) -> None:
        """The reason on `target` and on every other quote of the same source (same id)."""
        for _, other in anonymous:
            if other.anonymity_reason is None and (other is target or (target.id and other.id == target.id)):
                other.anonymity_reason = reason

    # a reason given with a later mention of a source ("The officials, who were not authorized ...")
    # is the reason of the source it points back to ("Two city officials said ...")
    for m, sp in anonymous:
        if sp.anonymity_reason and m.text.lower().startswith(_DEFINITE):
            lemma = m.head.lemma_.lower()
            earlier = [s for o, s in anonymous if o.start < m.start and o.head.lemma_.lower() == lemma]
            if earlier:
                spread(earlier[-1], sp.anonymity_reason)
    for match in _REASON_ELSEWHERE.finditer(source_text(doc)):
        subject = _subject(doc, match.start())
        if subject is None:
            continue
        at = sentence_index(match.start())
        before = [(m, sp) for m, sp in anonymous if m.start < subject.idx or m.head.i == subject.i]
        if not before:
            continue
        own = next(((m, sp) for m, sp in before if m.head.i == subject.i), None)
        word = subject.lower_
        if own is not None:
            target = own
        elif subject.pos_ == "PRON" or word in _PLURAL:
            near = [(m, sp) for m, sp in before if 0 <= at - sentence_index(m.start) <= _SENTENCES_BACK]
            if word in _SINGULAR:
                near = [(m, sp) for m, sp in near if not _plural(m)]
            elif word in _PLURAL:
                near = [(m, sp) for m, sp in near if _plural(m)]
            if not near:
                continue
            target = near[-1]
        else:
            same = [(m, sp) for m, sp in before if m.head.lemma_.lower() == subject.lemma_.lower()]
            if not same:
                continue
            target = same[-1]
        spread(target[1], _reason_text(match))
