"""Attribution candidates from the parse: cue verbs and nouns, "according to", quote marks, transcripts.

Each rule adds `Candidate`s; `find_candidates` then ties quotes to cues and drops overlaps. Speakers are
left as syntactic heads here; `coref` resolves them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.credits import Credits
from indexer.extract.quotemarks import ALL_MARKS, QuoteSpan, find_quotes
from indexer.extract.sources import mention_tokens
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
    ]
) | {"EDITOR'S NOTE", "READ MORE"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_SPEAKER_ENTS = ("PERSON", "ORG", "NORP", "GPE")  # entities that can say something
_CONTRAST = frozenset({"although", "though", "whereas"})
_CLIMB_DEPS = ("advcl", "xcomp", "conj", "pcomp", "acl", "prep")
_PARTICLES = ("prt",)


@dataclass
class Candidate:
    start: int
    end: int
    kind: str  # direct | indirect | mixed
    confidence: float
    cue: tuple[int, int] | None = None
    cue_token: Token | None = None
    speaker: Token | None = None  # syntactic head of the source mention
    speaker_span: tuple[int, int] | None = None  # for sources without a token (transcript labels)
    fragments: list[tuple[int, int]] = field(default_factory=list)
    carried_from: Candidate | None = None

    def overlap(self, start: int, end: int) -> int:
        return max(0, min(self.end, end) - max(self.start, start))


class Paragraphs:
    """Maps character offsets to paragraph numbers."""

    def __init__(self, text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in re.finditer(r"[^\r\n]+", text)]
        self.starts = [s for s, _ in self.spans]

    def index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


def find_candidates(doc: Doc, credits: Credits) -> list[Candidate]:
    text = source_text(doc)
    paragraphs = Paragraphs(text)
    quotes = find_quotes(text)
    inside = _quote_mask(quotes, len(text))
    cues = [c for c in _cue_candidates(doc, inside) if not credits.covers(*(c.cue or (c.start, c.end)))]
    candidates = _attach_quotes(doc, quotes, cues, paragraphs, inside)
    candidates += _transcript_candidates(text, candidates)
    for cand in candidates:
        if 0 <= cand.start < credits.dateline_end < cand.end:
            cand.start = credits.dateline_end  # the dateline is not part of what was said
    return _drop_overlaps(candidates)


def _quote_mask(quotes: list[QuoteSpan], n: int) -> bytearray:
    mask = bytearray(n)
    for q in quotes:
        for a, b in q.fragments:
            mask[max(0, a - 1) : min(n, b + 1)] = b"\x01" * (min(n, b + 1) - max(0, a - 1))
    return mask


def _cue_candidates(doc: Doc, inside: bytearray) -> list[Candidate]:
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
        elif low == "put" and _as_put_it(tok):
            cand = _verb_cue(tok, inside)
        elif low == "per" and "," in doc.text[max(0, tok.idx - 3) : tok.idx]:
            cand = _per_source(tok, inside)
        else:
            cand = None
        if cand is not None:
            out.append(cand)
    return out


def _as_put_it(tok: Token) -> bool:
    """ "as a Homeland Security memo put it": the memo's words are the quote beside it."""
    return any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children) and any(
        c.lower_ == "as" and c.dep_ in ("mark", "advmod") for c in tok.children
    )


def _per_source(tok: Token, inside: bytearray) -> Candidate | None:
    """ "..., per the party's bylaws": a source named after the words it holds (not "per year")."""
    obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if obj is None or not _valid_source(obj, inside, tok):
        return None
    lemma = obj.lemma_.lower()
    if not (
        obj.ent_type_ in _SPEAKER_ENTS
        or lemma in lx.DOCUMENT_NOUNS
        or lemma in lx.PERSON_NOUNS
        or lemma in lx.ORG_NOUNS
        or lemma in ("bylaw", "bylaws", "rule", "rules", "law", "guideline", "guidelines", "policy")
    ):
        return None
    return Candidate(
        -1, -1, "indirect", 0.0, cue=(tok.idx, tok.idx + len(tok.text)), cue_token=tok, speaker=obj
    )


def _cue_span(tok: Token) -> tuple[int, int]:
    end = tok.idx + len(tok.text)
    for child in tok.rights:
        if child.dep_ in _PARTICLES:
            end = child.idx + len(child.text)
    start = tok.idx
    for child in tok.lefts:
        if child.dep_ in ("aux", "neg") and child.i >= tok.i - 2:
            start = min(start, child.idx)
    return start, end


def subject_of(tok: Token) -> Token | None:
    """The grammatical subject of a cue, climbing through "..., saying that" and coordination."""
    cur: Token | None = tok
    for _ in range(4):
        if cur is None:
            return None
        # the subject nearest the verb first: "Coke user?” Dean ... appeared" has two for the parser
        here = cur.i
        for child in sorted(cur.children, key=lambda c: abs(c.i - here)):
            if cur.tag_ == "VBG" and child.i > cur.i:
                continue  # "saying her foot was swollen": that subject belongs to the clause
            if child.lower_ in lx.OBJECT_PRONOUNS or not any(ch.isalnum() for ch in child.text):
                continue
            if child.dep_ == "nsubjpass" and child.lower_ == "it":
                continue  # "it was said that ...": no one in particular
            if child.dep_ in _SUBJECT_DEPS and child.lower_ != "there":
                if child.dep_ == "nsubjpass":
                    agent = [a for a in cur.children if a.dep_ == "agent"]
                    if agent:
                        objs = [g for g in agent[0].children if g.dep_ == "pobj"]
                        return objs[0] if objs else None
                    if cur.lemma_ in ("tell", "ask", "inform", "advise"):
                        return None  # "X was told that ...": the source is not the subject
                return _named_apposition(child)
        for child in cur.children:
            if child.dep_ == "agent":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
        if cur.dep_ == "xcomp" and cur.head.lemma_.lower() in lx.OBJECT_CONTROL_VERBS:
            objects = [c for c in cur.head.children if c.dep_ == "dobj" and c.i < cur.i]
            if objects:
                return _named_apposition(objects[0])  # "led the journalist to fear ...": the journalist fears
        if cur.dep_ in _CLIMB_DEPS and cur.head.i != cur.i:
            if cur.dep_ == "acl" and cur.head.dep_ in ("dobj", "pobj", "attr"):
                cur = cur.head.head  # "issued an alert advising ...": the one who issued it
            else:
                cur = cur.head
        else:
            return None
    return None


def _stolen_predicate(tok: Token, comp: Token) -> bool:
    """ "The four “loopholes” he cited are “...”": the parser hung the main verb on the relative clause."""
    return (
        tok.dep_ == "relcl"
        and comp.tag_ in ("VBZ", "VBP", "VBD")
        and comp.left_edge.i == comp.i
        and not any(c.dep_ in (*_SUBJECT_DEPS, "expl") for c in comp.children)
    )


def _second_report(comp: Token) -> Token | None:
    """ "China said it was “resolutely opposed” to the test and warned North Korea to ...": the parser
    hangs the second cue inside the first one's clause; it is the same speaker's second statement."""
    if comp.dep_ != "ccomp" or comp.head.lemma_.lower() not in lx.SPEECH_VERBS:
        return None
    subjects = [c for c in comp.children if c.dep_ in _SUBJECT_DEPS]
    if not subjects or subjects[0].lower_ not in ("it", "he", "she", "they", "we"):
        return None
    for child in comp.children:
        lemma = child.lemma_.lower()
        if (
            child.dep_ == "conj"
            and child.i > comp.i
            and child.pos_ == "VERB"
            and lemma in lx.SPEECH_VERBS
            and lemma not in lx.WEAK_VERBS
            and not any(c.dep_ in _SUBJECT_DEPS for c in child.children)
        ):
            return child
    return None


def _misattached_subject(verb: Token) -> Token | None:
    """ "... mishandled the investigation and Democrats accused the GOP of ...": the parser took
    "Democrats" for a second object; it is the subject of the cue right after it."""
    if verb.i < 2 or verb.lemma_.lower() not in lx.SPEECH_VERBS or verb.pos_ != "VERB":
        return None
    if any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        return None
    named = verb.doc[verb.i - 1]
    if named.ent_type_ not in ("PERSON", "ORG", "NORP") or named.dep_ not in (
        "conj",
        "dobj",
        "pobj",
        "appos",
    ):
        return None
    while named.dep_ in ("compound", "flat") and named.head.i > named.i:
        named = named.head
    before = verb.doc[named.left_edge.i - 1] if named.left_edge.i > 0 else None
    return named if before is not None and before.dep_ == "cc" else None


def _other_speakers_report(comp: Token) -> Token | None:
    """ "Republicans said they're convinced ... and Democrats accused the GOP of ...": a second report,
    with a named speaker of its own, that the parser put inside the first one's clause."""
    if comp.dep_ != "ccomp" or comp.head.lemma_.lower() not in lx.SPEECH_VERBS:
        return None
    for child in comp.children:
        lemma = child.lemma_.lower()
        if child.dep_ != "conj" or child.i < comp.i or lemma not in lx.SPEECH_VERBS or lemma in lx.WEAK_VERBS:
            continue
        subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
        if subject is not None and (
            subject.ent_type_ in ("PERSON", "ORG", "NORP") or subject.lemma_.lower() in lx.PERSON_NOUNS
        ):
            return child
    return None


def _named_apposition(tok: Token) -> Token:
    """ "With 50 days until the election, Minyon Moore, ..., called": a thing cannot speak, the person
    the parser hung on it as an apposition does."""
    if tok.ent_type_ or tok.pos_ != "NOUN":
        return tok
    lemma = tok.lemma_.lower()
    if (
        lemma in lx.PERSON_NOUNS
        or lemma in lx.ORG_NOUNS
        or lemma in lx.DOCUMENT_NOUNS
        or lemma in lx.GROUP_NOUNS
    ):
        return tok
    named = [c for c in tok.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
    return named[0] if named else tok


def _content_tokens(tok: Token) -> list[tuple[int, int]] | None:
    """Character spans of the clause a cue introduces (two when the cue stands inside it)."""
    comps = [
        c
        for c in tok.children
        if c.dep_ == "ccomp" and not _stolen_predicate(tok, c) and _misattached_subject(c) is None
    ]
    if not comps and tok.lemma_.lower() in lx.SPEECH_VERBS:
        # "tweeted in the early morning hours that Machado was ...": "that" taken for an adverb
        comps = [c for c in tok.rights if c.dep_ == "advcl" and c.left_edge.lower_ == "that"]
    if not comps and tok.lemma_.lower() in lx.SPEECH_VERBS - lx.WEAK_VERBS:
        # "said after the convention he would not accept ...": a clause with its own subject and no
        # conjunction (no "because", "when", "if") that the parser hung on the cue as an adverbial
        comps = [
            c
            for c in tok.rights
            if c.dep_ == "advcl"
            and any(g.dep_ == "nsubj" for g in c.children)
            and not any(g.dep_ == "mark" or g.tag_ == "WRB" for g in c.children)
        ]
    if not comps and tok.lemma_.lower() in lx.INTENTION_VERBS | {"ask", "call", "warn", "tell", "advise"}:
        comps = [c for c in tok.children if c.dep_ == "xcomp" and c.right_edge.i - c.i >= 2]
    that = next((c for c in tok.rights if c.dep_ == "dobj" and c.lower_ == "that" and c.i == tok.i + 1), None)
    if not comps and that is not None and not list(that.children):
        # "found that each day ...": the parser took the conjunction for an object
        span = _trim(tok.doc, that.i, tok.sent.end - 1)
        return [span] if span else None
    if len(comps) > 1:
        text = source_text(tok.doc)
        comps = [c for c in comps if "\n" not in text[min(c.idx, tok.idx) : max(c.idx, tok.idx)]] or comps
    if comps:
        comp = comps[-1] if len(comps) > 1 and comps[-1].i > tok.i else comps[0]
        hi = comp.right_edge.i
        for aside in comp.rights:
            # "He claimed that paying no taxes was smart, although he again refused to ...": the
            # writer's contrast is not part of the claim
            if aside.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in _CONTRAST for m in aside.children
            ):
                hi = min(hi, aside.left_edge.i - 1)
        for v in tok.doc[comp.left_edge.i + 1 : hi + 2]:  # the cue may stand just after the clause
            named = _misattached_subject(v)
            if named is not None and v.i > tok.i:
                hi = min(hi, named.left_edge.i - 2)  # before "and Democrats accused ..."
        for report in (_other_speakers_report(comp), _second_report(comp)):
            if report is not None:  # end before "and" + the second report
                cc = [c.i - 1 for c in comp.children if c.dep_ == "cc" and comp.i < c.i < report.i]
                hi = min(hi, report.left_edge.i - 1, *cc)
        span = _trim(tok.doc, comp.left_edge.i, hi)
        return [span] if span else None
    lemma = tok.lemma_.lower()
    if lemma in ("show", "find"):
        # "A new poll shows Clinton ahead by 3 points": what a poll, study or video shows is its content
        subject = subject_of(tok)
        obj = next((c for c in tok.rights if c.dep_ in ("dobj", "ccomp", "oprd")), None)
        if subject is not None and subject.lemma_.lower() in lx.DOCUMENT_NOUNS and obj is not None:
            span = _trim(tok.doc, obj.left_edge.i, tok.right_edge.i)
            return [span] if span else None
    if lemma in lx.OBJECT_REPORT_VERBS and not any(
        c.dep_ == "aux" and (c.lower_ == "to" or c.tag_ == "MD") for c in tok.children
    ):
        # "Authorities announced on Friday the arrest of a man": what was announced is the object
        # (not "a way to report offshore profits" or "could deny permits": nothing was said)
        obj = next((c for c in tok.rights if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.right_edge.i - obj.left_edge.i >= 1:
            span = _trim(tok.doc, obj.left_edge.i, obj.right_edge.i)
            return [span] if span else None
    if lemma in lx.CHARACTERIZE_VERBS:
        right = [
            c for c in tok.rights if c.dep_ in ("dobj", "oprd", "xcomp", "prep", "dative", "attr", "acomp")
        ]
        if right:
            span = _trim(tok.doc, right[0].left_edge.i, right[-1].right_edge.i)
            if span is not None:
                region = source_text(tok.doc)[span[0] : span[1]]
                if (
                    any(m in region for m in '“”"')
                    or "''" in region
                    or (lemma in lx.OBJECT_CONTENT_VERBS and len(region.split()) >= 3)
                    or (lemma == "call" and right[0].lower_ in ("for", "on"))
                ):
                    return [span]
        if lemma not in lx.SPEECH_VERBS:
            return None
    if tok.dep_ in ("parataxis",) or (
        tok.dep_ in ("advcl", "conj", "ccomp")
        and lemma in lx.SPEECH_VERBS
        and lemma not in lx.WEAK_VERBS
        and _is_interjected(tok)
    ):
        head = tok.head
        sent = tok.sent
        lo, hi = max(head.left_edge.i, sent.start), min(head.right_edge.i, sent.end - 1)
        cue_lo, cue_hi = tok.left_edge.i, tok.right_edge.i
        pieces: list[tuple[int, int]] = []
        if cue_lo - 1 >= lo:
            pieces.append((lo, cue_lo - 1))
        if hi >= cue_hi + 1:
            pieces.append((cue_hi + 1, hi))
        parts = [p for p in pieces if p[1] - p[0] >= 1]
        if not parts:
            return None
        spans = [t for t in (_trim(tok.doc, a, b) for a, b in parts) if t is not None]
        return spans or None
    return None


def _is_interjected(tok: Token) -> bool:
    """ "The most modest, he said, would be ..." and "It is over, he said." """
    doc = tok.doc
    if any(c.dep_ == "mark" for c in tok.children):
        return False  # "..., while 73 percent said the same": a subordinate clause, not an aside
    edge = tok.left_edge
    left = doc[edge.i - 1] if edge.i > 0 else None
    marks = (",", "—", "–", "”", '"')
    return edge.text in marks or (left is not None and left.text in marks)


def _trim(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    while lo <= hi and (doc[lo].is_space or (doc[lo].is_punct and doc[lo].text not in ALL_MARKS)):
        lo += 1
    while hi >= lo and (doc[hi].is_space or (doc[hi].is_punct and doc[hi].text not in ALL_MARKS + ".?!")):
        hi -= 1
    if hi < lo:
        return None
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _inverted_subject(tok: Token) -> Token | None:
    """ "...,” said Leslie Wimes, a ...": the noun phrase right after the cue."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and (doc[i].dep_ in _PARTICLES or doc[i].is_space):
        i += 1
    while i < len(doc) and doc[i].ent_type_ in ("DATE", "TIME"):
        i += 1
    if i >= len(doc) or doc[i].pos_ not in ("PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM"):
        return None
    cur = doc[i]
    while cur.dep_ in ("compound", "flat", "amod", "det", "nummod", "poss", "nmod") and cur.head.i > cur.i:
        cur = cur.head
    return cur if cur.pos_ in ("PROPN", "NOUN", "PRON") else None


_NOT_SOURCES = frozenset({"DATE", "TIME", "ORDINAL", "MONEY", "QUANTITY"})


def _valid_source(tok: Token | None, inside: bytearray, cue: Token | None = None) -> bool:
    if (
        tok is None
        or inside[tok.idx]
        or tok.ent_type_ in _NOT_SOURCES
        or not any(ch.isalnum() for ch in tok.text)
    ):
        return False
    if tok.pos_ == "VERB" and not (tok.dep_ in _SUBJECT_DEPS and tok.ent_type_ in _SPEAKER_ENTS):
        return False  # a tagging slip ("Trump" as a verb) is still a source when it is a named subject
    if cue is not None:
        lo, hi = sorted((tok.idx, cue.idx))
        if "\n" in source_text(tok.doc)[lo:hi]:
            return False  # a source and its cue stand in one paragraph
    return True


def _left_subject(tok: Token, inside: bytearray) -> Token | None:
    """ "...,” Flynn, a top Trump surrogate, said": the noun phrase between the quote and the cue."""
    doc = tok.doc
    i = tok.i - 1
    while i >= 0 and (doc[i].dep_ in ("aux", "neg", "advmod") or doc[i].is_space):
        i -= 1
    if i < 0 or inside[doc[i].idx]:
        return None
    cur = doc[i]
    if cur.is_punct and cur.text == ",":
        i -= 1
        cur = doc[i] if i >= 0 else cur
    if inside[cur.idx] or cur.pos_ not in ("PROPN", "NOUN", "PRON", "PUNCT"):
        return None
    climb = ("compound", "flat") if cur.ent_type_ == "PERSON" else ("appos", "compound", "flat", "punct")
    while cur.dep_ in climb and cur.head.i < tok.i and cur.head.i != cur.i:
        cur = cur.head
    return cur if cur.pos_ in ("PROPN", "NOUN", "PRON") and not inside[cur.idx] else None


def _opens_sentence(tok: Token) -> bool:
    """ "Said Ellis: “...”": an inverted cue at the head of a sentence."""
    if not tok.text[:1].isupper():
        return False
    before = source_text(tok.doc)[max(0, tok.idx - 4) : tok.idx].rstrip(" \t")
    return before == "" or before[-1] in '.!?\n”"'


def _earlier_cue_subject(tok: Token, inside: bytearray) -> Token | None:
    """ "Sanders said, going on to say that ...": a subjectless cue goes with the cue before it."""
    if tok.tag_ not in ("VB", "VBG", "VBN"):
        return None
    for prev in reversed(tok.doc[tok.sent.start : tok.i]):
        if prev.lemma_.lower() in lx.SPEECH_VERBS and not inside[prev.idx]:
            subject = subject_of(prev)
            return subject if _valid_source(subject, inside, prev) else None
    return None


def _verb_cue(tok: Token, inside: bytearray) -> Candidate | None:
    speaker = _misattached_subject(tok) or subject_of(tok)
    second = _second_report(tok.head) if tok.dep_ == "conj" else None
    if second is not None and second.i == tok.i:
        speaker = subject_of(tok.head.head)
    shown = tok.doc[tok.i - 1] if tok.i > 0 and tok.tag_ == "VBG" else None
    if (
        shown is not None
        and shown.ent_type_ == "PERSON"
        and shown.dep_ == "pobj"
        and shown.head.lower_ == "of"
    ):
        speaker = shown  # "footage of Hillary Clinton asking, “...”": the one shown speaking
    after_quote = tok.i > 0 and (
        tok.nbor(-1).text in "”\"'"
        or (tok.i > 1 and tok.nbor(-1).text == "," and tok.nbor(-2).text in "”\"'")
    )
    if not _valid_source(speaker, inside, tok):
        others = [c for c in tok.children if c.dep_ in _SUBJECT_DEPS and c != speaker]
        speaker = next((c for c in reversed(others) if _valid_source(c, inside, tok)), None)
    if speaker is None:
        speaker = _inverted_subject(tok) if after_quote or _opens_sentence(tok) else None
        if not _valid_source(speaker, inside, tok):
            speaker = _left_subject(tok, inside)
        if not _valid_source(speaker, inside, tok):
            speaker = _earlier_cue_subject(tok, inside)
    pieces = _content_tokens(tok)
    content = _within_paragraph(tok, (pieces[0][0], pieces[-1][1])) if pieces else None
    lemma = tok.lemma_.lower()
    if speaker is not None and speaker.lower_ in ("you", "me", "us"):
        return None
    if content is None:
        if speaker is None:
            return None
        # an orphan cue: kept so that a quote next to it can take it ("...,” he said.)
        return Candidate(-1, -1, "indirect", 0.0, cue=_cue_span(tok), cue_token=tok, speaker=speaker)
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
        cue=_cue_span(tok),
        cue_token=tok,
        speaker=speaker,
        fragments=list(fragments),
    )


_ANONYMITY_TERMS = re.compile(r"\b(?:name|surname|identity)s? (?:not )?be\b|\banonymity\b")


def _within_paragraph(tok: Token, span: tuple[int, int]) -> tuple[int, int] | None:
    """Indirect content never runs past the paragraph of its cue (headlines have no full stop);
    a clause wholly in another paragraph is no content of this cue."""
    text = source_text(tok.doc)
    para_start = max(text.rfind("\n", 0, tok.idx) + 1, 0)
    nl = text.find("\n", tok.idx)
    para_end = len(text) if nl < 0 else nl
    start, end = max(span[0], para_start), min(span[1], para_end)
    return (start, end) if end > start else None


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
        span = _trim(doc, pp_hi + 1, hi)
    elif pp_hi >= hi:
        span = _trim(doc, lo, pp_lo - 1)
    else:
        span = _trim(doc, lo, hi)
    if span is None:
        return None
    span = _within_paragraph(tok, span)
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
    )


def _noun_verb_cue(tok: Token, inside: bytearray) -> Candidate | None:
    """ "Trump charges that countries ... donated": the tagger read "Trump charges" as a noun phrase.
    The named "compound" before it is the speaker when a that-clause follows."""
    if tok.dep_ not in ("ROOT", "ccomp", "conj"):
        return None
    named = [
        c
        for c in tok.lefts
        if c.dep_ == "compound" and (c.pos_ == "PROPN" or c.ent_type_ in _SPEAKER_ENTS or c.text.istitle())
    ]
    clause = next(
        (c for c in tok.rights if c.dep_ in ("acl", "ccomp", "relcl") and c.left_edge.lower_ == "that"), None
    )
    if not named or clause is None or not _valid_source(named[-1], inside, tok):
        return None
    span = _trim(tok.doc, clause.left_edge.i, clause.right_edge.i)
    span = _within_paragraph(tok, span) if span is not None else None
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
    span = _trim(tok.doc, clause[0].left_edge.i, clause[0].right_edge.i)
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
    )


def _attach_quotes(
    doc: Doc, quotes: list[QuoteSpan], cues: list[Candidate], paras: Paragraphs, inside_mask: bytearray
) -> list[Candidate]:
    """Tie each quote to the cue whose clause holds it, a cue next to it, or the previous speaker."""
    text = source_text(doc)
    with_content = [c for c in cues if c.start >= 0]
    orphans = [c for c in cues if c.start < 0]
    result: list[Candidate] = list(with_content)
    by_cue: dict[int, Candidate] = {}
    previous: Candidate | None = None
    for q in quotes:
        qa, qb = q.outer
        qlen = q.end - q.start
        best = max(with_content, key=lambda c: c.overlap(q.start, q.end), default=None)
        chosen: Candidate | None = None
        if (
            best is not None
            and best.kind != "direct"
            and best.start < q.start < best.end < q.end
            and paras.index(best.end) == paras.index(q.end)
        ):
            best.end = q.end  # the parser closed the clause inside the quote that ends it
        if best is not None and best.overlap(q.start, q.end) > 0.5 * min(qlen, best.end - best.start):
            chosen = best
            unquoted = _unquoted_words(text, best.start, best.end)
            if (
                best.kind == "direct"
                or (best.start >= qa - 1 and best.end <= qb + 1)
                or (best.start >= q.start - 2 and best.end <= q.end + 2)
                or unquoted <= 1
            ):
                sibling = by_cue.get(best.cue_token.i) if best.cue_token is not None else None
                if sibling is not None and sibling is not best and sibling.kind == "direct":
                    # "“A,” she wrote, “B.”" where A took a copy of the cue: one statement in two pieces
                    _add_piece(sibling, q)
                    result.remove(best)
                    with_content.remove(best)
                    chosen = sibling
                elif best.kind == "direct":
                    _add_piece(best, q)
                else:
                    best.kind, best.start, best.end = "direct", q.start, q.end
                    best.fragments = list(q.fragments)
                    best.confidence = max(best.confidence, 0.85)
            else:
                best.kind = "mixed"
                best.confidence = max(best.confidence, 0.75)
        else:
            cue = _nearby_cue(doc, q, orphans + with_content, paras)
            if cue is not None:
                sibling = by_cue.get(cue.cue_token.i) if cue.cue_token is not None else None
                if sibling is not None and sibling.kind == "direct" and sibling in result:
                    _add_piece(sibling, q)
                    chosen = sibling
                elif cue.start >= 0 and cue.kind == "direct" and cue in result:
                    _add_piece(cue, q)
                    chosen = cue
                elif cue.start >= 0:
                    chosen = _direct(q, cue, 0.8)
                    result.append(chosen)
                else:
                    cue.start, cue.end, cue.kind = q.start, q.end, "direct"
                    cue.fragments = list(q.fragments)
                    cue.confidence = 0.85
                    orphans.remove(cue)
                    result.append(cue)
                    chosen = cue
            elif (colon := _colon_subject(doc, q, inside_mask)) is not None:
                chosen = Candidate(
                    q.start,
                    q.end,
                    "direct",
                    0.7,
                    cue=colon[0],
                    speaker=colon[1],
                    fragments=list(q.fragments),
                )
                result.append(chosen)
            elif (signed := _dash_signature(text, q)) is not None:
                chosen = Candidate(
                    q.start,
                    q.end,
                    "direct",
                    0.8,
                    cue=signed[0],
                    speaker_span=signed[1],
                    fragments=list(q.fragments),
                )
                result.append(chosen)
            elif (
                q.words(text) <= 6
                and (clause := _quoting_clause(doc, q, inside_mask)) is not None
                and not any(c.overlap(*clause[1]) for c in result)
            ):
                verb, (c_start, c_end), subject = clause
                chosen = Candidate(
                    c_start,
                    c_end,
                    "mixed",
                    0.5,
                    cue=(verb.idx, verb.idx + len(verb.text)),
                    cue_token=verb,
                    speaker=subject,
                )
                result.append(chosen)
            elif (previous := _previous_source(result, q, previous)) is not None and _carries_on(
                text, q, previous, paras
            ):
                if previous.kind == "direct" and paras.index(previous.start) == paras.index(q.start):
                    # "“A,” she said. “B.”": one statement in pieces, as readers (and PolNeAR) count it
                    previous.fragments += q.fragments
                    previous.end = q.end
                    continue
                chosen = Candidate(
                    q.start,
                    q.end,
                    "direct",
                    0.6,
                    fragments=list(q.fragments),
                    speaker=previous.speaker,
                    speaker_span=previous.speaker_span,
                    carried_from=previous.carried_from or previous,
                )
                result.append(chosen)
            elif (introduced := _introducing_subject(doc, q, paras, inside_mask)) is not None:
                chosen = Candidate(
                    q.start, q.end, "direct", 0.4, fragments=list(q.fragments), speaker=introduced
                )
                result.append(chosen)
            elif q.words(text) >= 5 and _is_sentence_like(text, q):
                chosen = Candidate(q.start, q.end, "direct", 0.3, fragments=list(q.fragments))
                result.append(chosen)
        if chosen is not None:
            previous = chosen if (chosen.speaker is not None or chosen.speaker_span) else previous
            if chosen.cue_token is not None:
                by_cue[chosen.cue_token.i] = chosen
    return result


def _previous_source(found: list[Candidate], q: QuoteSpan, previous: Candidate | None) -> Candidate | None:
    """The attribution with a known source that ends last before the quote starts."""
    best = previous if previous is not None and previous.end <= q.start else None
    for c in found:
        if (
            c.end <= q.start
            and (c.speaker is not None or c.speaker_span is not None)
            and (best is None or c.end > best.end)
        ):
            best = c
    return best


def _introducing_subject(doc: Doc, q: QuoteSpan, paras: Paragraphs, inside: bytearray) -> Token | None:
    """A paragraph that is only a quote, after a paragraph about a person, is that person's words."""
    text = source_text(doc)
    index = paras.index(q.start)
    p_start, p_end = paras.spans[index]
    if q.words(text) < 4 or text[q.end : p_end].strip(" ”\"'.,!?\t"):
        return None  # something follows the quote in its paragraph
    lead = text[p_start : q.outer[0]].rstrip()
    if lead:
        # "Sanders ... identified young voters' exhaustion as one of the reasons. “The younger people ...”"
        if lead[-1] not in ".!?":
            return None
        return _person_subject(doc, p_start, p_start + len(lead), inside)
    if index == 0:
        return None
    prev_start, prev_end = paras.spans[index - 1]
    return _person_subject(doc, prev_start, prev_end, inside)


def _person_subject(doc: Doc, start: int, end: int, inside: bytearray) -> Token | None:
    """The subject of the last sentence in text[start:end], when it is a person. The sentence is found by
    climbing from its last word while heads stay in the range (the parser may join it to a quote after)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    words = [t for t in span if not (t.is_punct or t.is_space)] if span is not None else []
    if not words:
        return None
    top = words[-1]
    for _ in range(len(doc)):  # bounded: unparsed stretches of a selectively parsed doc are no tree
        if top.head.i == top.i or not start <= top.head.idx < end:
            break
        top = top.head
    subject = next((c for c in top.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None or not _valid_source(subject, inside, None):
        return None
    subject = _named_apposition(subject)
    if (
        subject.ent_type_ == "PERSON"
        or subject.lower_ in lx.PERSON_PRONOUNS
        or (subject.pos_ == "NOUN" and subject.lemma_.lower() in lx.PERSON_NOUNS)
    ):
        return subject
    return None


def _add_piece(attribution: Candidate, q: QuoteSpan) -> None:
    """Another piece of the same direct quote."""
    pieces = attribution.fragments or [(attribution.start, attribution.end)]
    attribution.fragments = pieces + list(q.fragments)
    attribution.start, attribution.end = min(attribution.start, q.start), max(attribution.end, q.end)


def _direct(q: QuoteSpan, cue: Candidate, confidence: float) -> Candidate:
    return Candidate(
        q.start,
        q.end,
        "direct",
        confidence,
        cue=cue.cue,
        cue_token=cue.cue_token,
        speaker=cue.speaker,
        fragments=list(q.fragments),
    )


def _unquoted_words(text: str, start: int, end: int) -> int:
    words, quoted = 0, False
    for m in re.finditer(r"[“”\"]|\w+", text[start:end]):
        if m.group() in '“”"':
            quoted = not quoted
        elif not quoted:
            words += 1
    return words


def _sentence_break(doc: Doc, start: int, end: int) -> bool:
    """A sentence-final mark between two offsets ("Ms." is one token, so it is not one)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    return any(t.text in (".", "!", "?") and start <= t.idx < end for t in span)


def _ends_sentence(text: str, q: QuoteSpan, gap: str) -> bool:
    """ "... of “Peace Through Strength.” He told ...": a full stop inside the marks and a capital after
    them start a new sentence ("“Why?” Trump asked" does not: only the full stop counts)."""
    if text[q.start : q.end].rstrip()[-1:] != ".":
        return False
    words = gap.split()
    return bool(words) and words[0][:1].isupper() and words[0].lower() not in ("said", "says")


def _nearby_cue(doc: Doc, q: QuoteSpan, cues: list[Candidate], paras: Paragraphs) -> Candidate | None:
    """A cue clause right after the quote ("...,” he said.) or right before it (He said: “...)."""
    text = source_text(doc)
    qa, qb = q.outer
    para_last = paras.index(q.end)
    para_first = paras.index(q.start)
    best: tuple[int, Candidate] | None = None
    for c in cues:
        if c.cue is None or c.cue_token is None or c.speaker is None:
            continue
        ca, cb = c.cue
        if qb <= ca and paras.index(ca) == para_last:
            gap = text[qb:ca]
            if len(gap) <= 60 and not _sentence_break(doc, qb, ca) and not _ends_sentence(text, q, gap):
                dist = len(gap)
            else:
                continue
        elif cb <= qa and paras.index(cb) == para_first:
            gap = text[cb:qa]
            if len(gap) > 60 or _sentence_break(doc, cb, qa):
                continue
            if (
                not re.search(r"[:,]\s*$", gap.rstrip())
                and gap.strip() not in ("",)
                and len(gap.strip()) > 25
            ):
                continue
            dist = len(gap) + 5
        else:
            continue
        if best is None or dist < best[0]:
            best = (dist, c)
    return best[1] if best else None


_SIGNATURE = re.compile(
    r"[^\S\n]*([―—–]|--)[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\n]{0,80}$", re.MULTILINE
)


def _quoting_clause(doc: Doc, q: QuoteSpan, inside: bytearray) -> tuple[Token, tuple[int, int], Token] | None:
    """ "Reid has gone after Trump as a “human leech”": the subject's words, partly quoted."""
    first = doc.char_span(q.start, q.end, alignment_mode="expand")
    if first is None or len(first) == 0:
        return None
    verb: Token | None = first.root
    for _ in range(6):
        if verb is None or (verb.pos_ in ("VERB", "AUX") and not inside[verb.idx]):
            break
        verb = verb.head if verb.head.i != verb.i else None
    if verb is None or verb.pos_ not in ("VERB", "AUX") or inside[verb.idx]:
        return None
    subject = subject_of(verb)
    if not _valid_source(subject, inside, verb) or subject is None:
        return None
    if subject.lower_ in lx.FIRST_PERSON or subject.lower_ in ("it", "there", "this", "that", "which"):
        return None
    if not (subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in ("PERSON", "ORG", "NORP")):
        return None
    rights = [c for c in verb.rights if not c.is_punct]
    if not rights:
        return None
    span = _trim(doc, rights[0].left_edge.i, verb.right_edge.i)
    if span is None or not (span[0] <= q.start and q.end <= span[1]):
        return None
    clipped = _within_paragraph(verb, span)
    return (verb, clipped, subject) if clipped is not None else None


def _colon_subject(doc: Doc, q: QuoteSpan, inside: bytearray) -> tuple[tuple[int, int], Token] | None:
    """ "Sanders made the following comment: “...”": the subject of the clause the colon ends."""
    text = source_text(doc)
    i = q.outer[0] - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    if i < 0 or text[i] != ":":
        return None
    colon = doc.char_span(i, i + 1, alignment_mode="expand")
    if colon is None:
        return None
    sentence = colon.root.sent
    # the clause the colon closes: the nearest verb before it that has a subject of its own
    # ("She became so upset ... that I had to change my answer: “...”" is the writer's answer)
    for verb in reversed(doc[sentence.start : colon.start]):
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in verb.children if c.dep_ in _SUBJECT_DEPS]
        if not subjects:
            continue
        subject = subjects[-1]
        if not _valid_source(subject, inside, None) or subject.lower_ in ("you", "it", "there", "me", "us"):
            return None
        return (i, i + 1), _named_apposition(subject)
    return None


def _dash_signature(text: str, q: QuoteSpan) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """ "“...” ― Julie Diaz, voter.": the quote is signed by the name after the dash. A quote opening
    a paragraph is also signed by a signature ending that paragraph (vox pops)."""
    qa, qb = q.outer
    m = _SIGNATURE.match(text, qb)
    if m is None:
        para_start = text.rfind("\n", 0, qa) + 1
        if text[para_start:qa].strip():
            return None
        para_end = text.find("\n", qb)
        para_end = len(text) if para_end < 0 else para_end
        m = _PARAGRAPH_SIGNATURE.search(text, qb, para_end)
        if m is None:
            return None
    return (m.start(1), m.end(1)), (m.start(2), m.end(2))


_PARAGRAPH_SIGNATURE = re.compile(
    r"[.!?”\"’][^\S\n]*([―—–]|--)[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\n]{0,40}$",
    re.MULTILINE,
)


def _carries_on(text: str, q: QuoteSpan, previous: Candidate, paras: Paragraphs) -> bool:
    """A quote opening a sentence right after the same speaker's quote or attribution goes on with it."""
    if previous.end > q.start:
        return False
    gap_paras = paras.index(q.start) - paras.index(previous.end)
    if gap_paras > 1:
        return False
    before = text[max(0, q.start - 3) : q.start - 1].strip()
    starts_sentence = before == "" or before[-1:] in '.!?:”"—'
    if not starts_sentence:
        return False
    if gap_paras == 1:
        between = text[previous.end : q.start - 1]
        return len(between.strip().strip('”".,')) < 80 and q.words(text) >= 4
    return q.words(text) >= 4


def _is_sentence_like(text: str, q: QuoteSpan) -> bool:
    last = text[q.end - 1 : q.end] if q.end > q.start else ""
    return last in ".?!," or text[q.start : q.start + 1].isupper()


def _transcript_candidates(text: str, existing: list[Candidate]) -> list[Candidate]:
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
            )
        )
    return out


def _nested(outer: Candidate, inner: Candidate) -> bool:
    """ "She said Trump favors a “strongman approach”": a report inside reported content is its own."""
    if inner.cue is None or outer.cue is None or inner.cue_token is None:
        return False
    return outer.start <= inner.cue[0] and inner.cue[1] <= outer.end and inner.end <= outer.end


def _drop_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    rank = {"direct": 2, "mixed": 2, "indirect": 1}
    ordered = sorted(
        candidates,
        key=lambda c: (
            -(c.speaker is not None or c.speaker_span is not None),
            -rank[c.kind],
            -c.confidence,
            c.start,
        ),
    )
    for c in ordered:
        if c.start < 0 or c.end <= c.start:
            continue
        clash = next(
            (k for k in kept if k.overlap(c.start, c.end) > 0.5 * min(c.end - c.start, k.end - k.start)),
            None,
        )
        if clash is None:
            kept.append(c)
        elif _nested(c, clash) and c.speaker is not None:
            kept[kept.index(clash)] = c  # the outer report holds the inner one
    return sorted(kept, key=lambda c: (c.start, c.end))
