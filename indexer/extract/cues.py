"""Cue finders: report verbs and nouns, "according to", ", per X", "as X put it", transcript labels.

Each finder returns a `Candidate` with its cue, speaker head and content (or an orphan cue, content
-1, that a quote next to it may take).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import (
    ACTED_ON,
    CLOSING_TOKENS,
    PARTICLES,
    SPEAKER_ENTS,
    SUBJECT_DEPS,
    Candidate,
    trim,
    within_paragraph,
)
from indexer.extract.content import clause_content, content_options, second_report
from indexer.extract.sources import mention_tokens
from indexer.extract.subjects import (
    earlier_cue_subject,
    inverted_subject,
    left_subject,
    misattached_subject,
    modal_name,
    opens_sentence,
    subject_of,
    valid_source,
)
from indexer.extract.text import source_text

_TRANSCRIPT = re.compile(r"^[ \t]*[\"“]?([A-Z][A-Z.'’\- ]{1,30}[A-Z.])(:)[ \t]+(?=\S)", re.MULTILINE)


# A headline of the form "Pence: Flowers Won't Be at Debate"
_HEADLINE = re.compile(r"\A[ \t]*((?:[A-Z][\w.'’-]+ ){0,3}[A-Z][\w.'’-]+)(:)[ \t]+(?=\S)")


_NOT_TRANSCRIPT = frozenset(
    [
        "Q",
        "A",
        "UPDATE",
        "UPDATED",
        "NOTE",
        "WATCH",
        "RELATED",
        "CLARIFICATION",
        "CORRECTION",
        "PHOTOS",
        "PHOTO",
        "VIDEO",
        "BREAKING",
        "EXCLUSIVE",
        "ANALYSIS",
        "OPINION",
        "COMMENTARY",
        "EDITORIAL",
        "LIVE",
        "SOURCE",
        "SOURCES",
        "CREDIT",
        # a headline's kicker, not a speaker ("Revealed: What the Videos Contain")
        "REVEALED",
        "BUSTED",
        "BOMBSHELL",
        "BOOM",
        "WOW",
        "LOOK",
        "FLASHBACK",
        "BYLINE",
    ]
) | {"EDITOR'S NOTE", "READ MORE", "JUST IN"}


_ANONYMITY_TERMS = re.compile(r"\b(?:name|surname|identity)s? (?:not )?be\b|\banonymity\b")


def cue_candidates(doc: Doc, inside: bytearray) -> list[Candidate]:
    out: list[Candidate] = []
    for tok in doc:
        if inside[tok.idx]:
            continue
        low = tok.lower_
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            cand = _according_to(tok)
        elif (
            tok.pos_ in ("VERB", "AUX")
            and (
                tok.lemma_.lower() in lx.SPEECH_VERBS
                or tok.lemma_.lower() in lx.CHARACTERIZE_VERBS
                or tok.lemma_.lower() in lx.INTENTION_VERBS
            )
            and tok.dep_
            not in (
                "aux",
                "auxpass",
                "amod",
            )
        ):
            cand = _verb_cue(tok, inside)
        elif (
            tok.tag_ == "NNS"
            and tok.lemma_.lower() in lx.SPEECH_VERBS
            and (noun_verb := _noun_verb_cue(tok, inside)) is not None
        ):
            cand = noun_verb
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in lx.SPEECH_NOUNS:
            cand = _noun_cue(tok)
        elif (low in ("put", "puts") and _as_put_it(tok)) or (tok.pos_ == "VERB" and _signs_dialogue(tok)):
            cand = _verb_cue(tok, inside)
        elif low == "per" and "," in doc.text[max(0, tok.idx - 3) : tok.idx]:
            cand = _per_source(tok, inside)
        else:
            cand = None
        if cand is not None:
            out.append(cand)
    return out


_DIALOGUE_END = frozenset({",", "?", "!"})
_OBJECTS = ACTED_ON | {"advcl"}


def _signs_dialogue(tok: Token) -> bool:
    """ "“...?” reacted Trump.", "“...,” Oliver barked.": any verb with nothing but a named or pronoun
    subject between it and a quote that ends in a comma, a question or an exclamation mark, and with no
    object or clause of its own after it, says that quote."""
    doc = tok.doc
    if tok.i < 3 or tok.dep_ in ("aux", "auxpass", "amod"):
        return False
    if any(c.dep_ in _OBJECTS and c.i > tok.i for c in tok.children):
        return False
    subjects = [c for c in tok.children if c.dep_ == "nsubj"]
    if doc[tok.i - 1].text in CLOSING_TOKENS:  # "“...?” reacted Trump."
        subject, before = next((c for c in subjects if c.i > tok.i), None), tok.i - 1
    else:  # "“...,” Oliver barked."
        subject = next((c for c in subjects if c.right_edge.i == tok.i - 1), None)
        before = subject.left_edge.i - 1 if subject is not None else -1
    if subject is None or not (subject.pos_ == "PRON" or subject.ent_type_ == "PERSON"):
        return False
    return before >= 1 and doc[before].text in CLOSING_TOKENS and doc[before - 1].text in _DIALOGUE_END


def _as_put_it(tok: Token) -> bool:
    """ "as a city planning memo put it", "as the columnist puts it": the words are the quote beside it."""
    return any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children) and any(
        c.lower_ == "as" and c.dep_ in ("mark", "advmod") for c in tok.children
    )


def _per_source(tok: Token, inside: bytearray) -> Candidate | None:
    """ "..., per the union's rules": a source named after the words it holds (not "per year")."""
    obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if obj is None or not valid_source(obj, inside, tok):
        return None
    lemma = obj.lemma_.lower()
    if not (
        obj.ent_type_ in SPEAKER_ENTS
        or lemma in lx.DOCUMENT_NOUNS
        or lemma in lx.PERSON_NOUNS
        or lemma in lx.ORG_NOUNS
        or lemma in ("bylaw", "bylaws", "rule", "rules", "law", "guideline", "guidelines", "policy")
    ):
        return None
    return Candidate(
        -1,
        -1,
        "indirect",
        0.0,
        cue=(tok.idx, tok.idx + len(tok.text)),
        cue_token=tok,
        speaker=obj,
        rule="per",
    )


def _named(aux: Token) -> bool:
    """ "George Will urged": a modal the recognizer reads as the end of a person's name."""
    return aux.text in lx.MODAL_NAMES and aux.ent_iob_ == "I" and aux.ent_type_ == "PERSON"


def cue_span(tok: Token) -> tuple[int, int]:
    end = tok.idx + len(tok.text)
    for child in tok.rights:
        if child.dep_ in PARTICLES:
            end = child.idx + len(child.text)
    start = tok.idx
    name = modal_name(tok)
    for child in tok.lefts:
        if child.dep_ in ("aux", "neg") and child.i >= tok.i - 2 and child != name and not _named(child):
            start = min(start, child.idx)
    return start, end


def _verb_cue(tok: Token, inside: bytearray) -> Candidate | None:
    named = modal_name(tok)  # "May" may be tagged a date as well as a modal: not checked as a source
    misattached = misattached_subject(tok) or named
    speaker = misattached or subject_of(tok)
    second = second_report(tok.head) if tok.dep_ == "conj" else None
    if second is not None and second.i == tok.i:
        speaker = subject_of(tok.head.head)
    shown = tok.doc[tok.i - 1] if tok.i > 0 and tok.tag_ == "VBG" else None
    if (
        shown is not None
        and shown.ent_type_ == "PERSON"
        and shown.dep_ == "pobj"
        and shown.head.lower_ == "of"
    ):
        speaker = shown  # "footage of Ines Caldwell saying, “...”": the one shown speaking
    after_quote = tok.i > 0 and (
        tok.nbor(-1).text in "”\"'"
        or (tok.i > 1 and tok.nbor(-1).text == "," and tok.nbor(-2).text in "”\"'")
    )
    given = named is not None and speaker is not None and speaker.i == named.i
    if not given and not valid_source(speaker, inside, tok):
        others = [c for c in tok.children if c.dep_ in SUBJECT_DEPS and c != speaker]
        speaker = next((c for c in reversed(others) if valid_source(c, inside, tok)), None)
    if speaker is None:
        speaker = inverted_subject(tok) if after_quote or opens_sentence(tok) else None
        if not valid_source(speaker, inside, tok):
            speaker = left_subject(tok, inside)
        if not valid_source(speaker, inside, tok):
            speaker = earlier_cue_subject(tok, inside)
    pieces = clause_content(tok)
    content = within_paragraph(tok, (pieces[0][0], pieces[-1][1])) if pieces else None
    lemma = tok.lemma_.lower()
    if speaker is not None and speaker.lower_ in ("you", "me", "us"):
        return None
    if content is None:
        if speaker is None:
            return None
        # an orphan cue: kept so that a quote next to it can take it ("...,” he said.)
        return Candidate(
            -1, -1, "indirect", 0.0, cue=cue_span(tok), cue_token=tok, speaker=speaker, rule="verb_orphan"
        )
    if speaker is None:
        return None
    if lemma in lx.WEAK_VERBS and content[1] - content[0] < 12:
        return None
    if _ANONYMITY_TERMS.search(source_text(tok.doc)[content[0] : content[1]]) and lemma in (
        "ask",
        "request",
        "insist",
    ):
        return None  # "asked that his surname not be published" is a condition, not a statement
    confidence = 0.55 if lemma in lx.WEAK_VERBS else 0.7
    fragments = pieces if pieces and len(pieces) > 1 and content == (pieces[0][0], pieces[-1][1]) else []
    return Candidate(
        content[0],
        content[1],
        "indirect",
        confidence,
        cue=cue_span(tok),
        cue_token=tok,
        speaker=speaker,
        fragments=list(fragments),
        rule="verb",
        speaker_fixed=speaker is not None
        and (
            (misattached is not None and speaker.i == misattached.i)
            # "Sheriff Ana Ruiz, who said": the relative subject of the cue itself (PolNeAR train: 379 of
            # the 396 gold relations whose cue has it as subject have it as source)
            or (speaker.lower_ == "who" and speaker.dep_ == "nsubj" and speaker.head.i == tok.i)
        ),
    )


def _according_to(tok: Token) -> Candidate | None:
    doc = tok.doc
    to = doc[tok.i + 1]
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:
        return None
    head = tok.head if tok.head.i != tok.i else None
    sent = tok.sent
    pp_lo, pp_hi = tok.left_edge.i, tok.right_edge.i
    if head is None or pp_hi >= sent.end - 2:
        # "According to X, the move ..." parsed with the clause inside the phrase: cut at the comma
        np_end = mention_tokens(objs[0]).end
        comma = next((t.i for t in doc[np_end : sent.end] if t.text in (",", "—", ":")), None)
        if comma is not None and pp_lo <= sent.start + 1:
            pp_hi = comma
    if head is None:
        lo, hi = sent.start, sent.end - 1
    else:
        lo, hi = max(head.left_edge.i, sent.start), min(head.right_edge.i, sent.end - 1)
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    if pp_lo <= lo:
        span = trim(doc, pp_hi + 1, hi)
    elif pp_hi >= hi:
        span = trim(doc, lo, pp_lo - 1)
    else:
        span = trim(doc, lo, hi)
    if span is None:
        return None
    span = within_paragraph(tok, span)
    if span is None:
        return None
    return Candidate(
        span[0],
        span[1],
        "indirect",
        0.7,
        cue=(tok.idx, to.idx + len(to.text)),
        cue_token=tok,
        speaker=objs[0],
        rule="according",
    )


def _noun_verb_cue(tok: Token, inside: bytearray) -> Candidate | None:
    """ "Penn charges that the agency ... hid": the tagger read "Penn charges" as a noun phrase.
    The named "compound" before it is the speaker when a that-clause follows."""
    if tok.dep_ not in ("ROOT", "ccomp", "conj"):
        return None
    named = [
        c
        for c in tok.lefts
        if c.dep_ == "compound" and (c.pos_ == "PROPN" or c.ent_type_ in SPEAKER_ENTS or c.text.istitle())
    ]
    clause = next(
        (c for c in tok.rights if c.dep_ in ("acl", "ccomp", "relcl") and c.left_edge.lower_ == "that"), None
    )
    if not named or clause is None or not valid_source(named[-1], inside, tok):
        return None
    span = trim(tok.doc, clause.left_edge.i, clause.right_edge.i)
    span = within_paragraph(tok, span) if span is not None else None
    if span is None:
        return None
    return Candidate(
        span[0],
        span[1],
        "indirect",
        0.6,
        cue=(tok.idx, tok.idx + len(tok.text)),
        cue_token=tok,
        speaker=named[-1],
        rule="noun_verb",
    )


def _noun_cue(tok: Token) -> Candidate | None:
    clause = [
        c
        for c in tok.children
        if c.dep_ in ("acl", "ccomp") and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
    ]
    if not clause:
        return None
    speaker = next((c for c in tok.children if c.dep_ == "poss"), None)
    if speaker is None:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
                speaker = next((g for g in prep.children if g.dep_ == "pobj"), None)
    if speaker is None:
        return None
    span = trim(tok.doc, clause[0].left_edge.i, clause[0].right_edge.i)
    if span is None:
        return None
    return Candidate(
        span[0],
        span[1],
        "indirect",
        0.5,
        cue=(tok.idx, tok.idx + len(tok.text)),
        cue_token=tok,
        speaker=speaker,
        rule="noun",
        speaker_fixed=True,
    )


def transcript_candidates(text: str, existing: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    matches = list(_TRANSCRIPT.finditer(text))
    head = _HEADLINE.match(text)
    if head and not any(m.start() == head.start() for m in matches):
        matches.insert(0, head)
    for m in matches:
        label = m.group(1).strip()
        if label.upper() in _NOT_TRANSCRIPT or len(label) < 2 or label.split()[0] in ("The", "A", "An"):
            continue
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        end = line_end
        while end > m.end() and text[end - 1].isspace():
            end -= 1
        if end - m.end() < 3:
            continue
        out.append(
            Candidate(
                m.end(),
                end,
                "direct",
                0.8,
                cue=(m.start(2), m.end(2)),
                speaker_span=(m.start(1), m.start(1) + len(label)),
                fragments=[(m.end(), end)],
                rule="transcript",
                speaker_fixed=True,
            )
        )
    return out


# --------------------------------------------------------------------------- cues learned from data

LEXICON_POS = {"VERB": "V", "AUX": "V", "NOUN": "N", "PROPN": "N", "ADJ": "A", "ADP": "P"}


def cue_key(tok: Token) -> str:
    """The learned lexicon's key of a word: lemma and coarse part of speech ("say/V", "support/N")."""
    return f"{tok.lemma_.lower()}/{LEXICON_POS.get(tok.pos_, 'O')}"


def phrase_key(tok: Token) -> str:
    """The key with the particle or preposition that follows it: "point/V+to", "accord/V+to"."""
    nxt = next((c.lower_ for c in tok.rights if c.dep_ in ("prep", "prt", "agent")), "")
    return f"{cue_key(tok)}+{nxt}"


@dataclass
class CueLexicon:
    """How often each word (and word + preposition) heads a cue in the training data: `n` occurrences,
    `k` of them as the head of an annotated cue. Learned by `indexer.training`, shipped as JSON."""

    words: dict[str, tuple[int, int]]
    phrases: dict[str, tuple[int, int]]
    min_cues: int = 2  # a word heads at least this many training cues to make candidates,
    min_rate: float = 0.03  # and at least this share of its occurrences ("be", "have", "in" do not)

    def rate(self, key: str, phrase: bool = False, prior: float = 0.02, weight: float = 3.0) -> float:
        """The share of occurrences that were cues, smoothed toward `prior` for rare words."""
        n, k = (self.phrases if phrase else self.words).get(key, (0, 0))
        return (k + weight * prior) / (n + weight)

    def count(self, key: str, phrase: bool = False) -> tuple[int, int]:
        return (self.phrases if phrase else self.words).get(key, (0, 0))

    def makes_candidates(self, key: str) -> bool:
        return self.count(key)[1] >= self.min_cues and self.rate(key) >= self.min_rate

    def to_json(self) -> dict[str, object]:
        return {
            "min_cues": self.min_cues,
            "min_rate": self.min_rate,
            "words": self.words,
            "phrases": self.phrases,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CueLexicon:
        words = {k: (int(v[0]), int(v[1])) for k, v in data["words"].items()}
        phrases = {k: (int(v[0]), int(v[1])) for k, v in data["phrases"].items()}
        return cls(words, phrases, int(data.get("min_cues", 2)), float(data.get("min_rate", 0.0)))


def lexicon_cues(doc: Doc, inside: bytearray, lexicon: CueLexicon, taken: set[int]) -> list[Candidate]:
    """One candidate per content shape for every word the lexicon knows as a cue (and the rule finders
    did not take): the learned choice keeps the right one, or none."""
    out: list[Candidate] = []
    text = source_text(doc)
    for tok in doc:
        if tok.pos_ not in LEXICON_POS or tok.dep_ in ("aux", "auxpass") or tok.i in taken:
            continue
        if not lexicon.makes_candidates(cue_key(tok)):
            continue
        speaker = subject_of(tok)
        if not valid_source(speaker, inside, tok):
            speaker = None
        for shape, (start, end) in content_options(tok).items():
            if not any(ch.isalnum() for ch in text[start:end]):
                continue  # a quote mark or a dash alone
            quoted = sum(inside[start:end]) / (end - start)
            kind = "direct" if quoted > 0.9 else "mixed" if quoted > 0 else "indirect"
            out.append(
                Candidate(
                    start,
                    end,
                    kind,
                    0.0,
                    cue=(tok.idx, tok.idx + len(tok.text)),
                    cue_token=tok,
                    speaker=speaker,
                    rule=f"lexicon_{shape}",
                )
            )
    return out
