"""Quote attachment: each quote goes to the first strategy that claims it (`STRATEGIES`, in order).

A strategy reads the quote and the attribution state of the article so far and returns the
candidate it ties the quote to, `MERGED` when it joined the quote to an earlier candidate, or None to
let the next strategy try.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import (
    ACTED_ON,
    SUBJECT_DEPS,
    Candidate,
    Paragraphs,
    clause_verb,
    trim,
    within_paragraph,
)
from indexer.extract.quotemarks import QuoteSpan
from indexer.extract.subjects import named_apposition, person_subject, subject_of, valid_source
from indexer.extract.text import source_text

_SIGNATURE = re.compile(
    r"[^\S\n]*([―—–]|--)[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\n]{0,80}$", re.MULTILINE
)


# a signature on a line of its own under the quote ("“...” / - Julie Diaz, voter."): any dash,
# a hyphen too, and a short line that is a name, maybe followed by what the name is
_LINE_SIGNATURE = re.compile(
    r"[^\S\n]*[.,]?[^\S\n]*\n\s*([―—–-]|--)[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})"
    r"(?:[,;][^\n]{0,60})?[^\S\n]*$",
    re.MULTILINE,
)


# a pull quote signed inside its own marks: the quote's paragraph stays open, and the next line is the
# name, maybe what it is, and the closing mark ("“The tools are gone. / Lena Abrams, economist.”")
_CLOSING_SIGNATURE = re.compile(
    r"[^\S\n]*\n[^\S\n]*(?:([―—–-]|--)[^\S\n]*)?([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})"
    r"(?:,[^\n]{0,60}?)?[.]?[^\S\n]*([”\"])[^\S\n]*$",
    re.MULTILINE,
)


_PARAGRAPH_SIGNATURE = re.compile(
    r"[.!?”\"’][^\S\n]*([―—–]|--)[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\n]{0,40}$",
    re.MULTILINE,
)


@dataclass
class _State:
    """What the pass over an article's quotes has found so far."""

    doc: Doc
    text: str
    paras: Paragraphs
    inside: bytearray
    with_content: list[Candidate]  # cues whose clause is known
    orphans: list[Candidate]  # cues still waiting for a quote ("...,” he said.)
    result: list[Candidate] = field(default_factory=list)
    by_cue: dict[int, Candidate] = field(default_factory=dict)  # cue token -> its direct quote
    previous: Candidate | None = None  # the last attribution with a known source


MERGED = Candidate(-1, -1, "direct", 0.0, rule="merged")  # the quote joined an earlier candidate
Strategy = Callable[[_State, QuoteSpan], Candidate | None]


def _in_cue_clause(st: _State, q: QuoteSpan) -> Candidate | None:
    """The quote is (most of) the clause of a cue: that attribution becomes direct or mixed."""
    qa, qb = q.outer
    qlen = q.end - q.start
    best = max(st.with_content, key=lambda c: c.overlap(q.start, q.end), default=None)
    if best is None:
        return None
    if best.cue_token is not None and any(
        o.cue_token is not None
        and o.cue is not None
        and best.cue_token.i < o.cue_token.i
        and o.cue[1] <= qa
        and not st.text[o.cue[1] : qa].strip(" :,")
        for o in st.orphans
    ):
        return None  # "“A,” Ruiz said before adding: “B.”": the quote is the later cue's, not a second piece
    if (
        best.kind != "direct"
        and best.start < q.start < best.end < q.end
        and st.paras.index(best.end) == (st.paras.index(q.end))
    ):
        best.end = q.end  # the parser closed the clause inside the quote that ends it
    if best.overlap(q.start, q.end) <= 0.5 * min(qlen, best.end - best.start):
        return None
    unquoted = _unquoted_words(st.text, best.start, best.end)
    if not (
        best.kind == "direct"
        or (best.start >= qa - 1 and best.end <= qb + 1)
        or (best.start >= q.start - 2 and best.end <= q.end + 2)
        or unquoted <= 1
    ):
        best.kind = "mixed"
        best.rule += ">mixed"
        best.confidence = max(best.confidence, 0.75)
        return best
    sibling = st.by_cue.get(best.cue_token.i) if best.cue_token is not None else None
    if sibling is best or (sibling is not None and sibling.kind != "direct"):
        sibling = None  # only a direct quote that took a copy of the cue takes this one as a piece
    joined = sibling or best
    if joined.kind == "direct" and (_report_between(st, joined, q) or _adding_between(st, joined, q)):
        return None  # "“A,” she told the crowd, then referred to his slogan. “B.”": B is no piece of A
    if sibling is not None:
        # "“A,” she wrote, “B.”" where A took a copy of the cue: one statement in two pieces
        _add_piece(sibling, q)
        st.result.remove(best)
        st.with_content.remove(best)
        return sibling
    if best.kind == "direct":
        _add_piece(best, q)
    else:
        best.kind, best.start, best.end = "direct", q.start, q.end
        best.rule += ">direct"
        best.fragments = list(q.fragments)
        best.confidence = max(best.confidence, 0.85)
    return best


def _report_between(st: _State, piece: Candidate, q: QuoteSpan) -> bool:
    """Another cue with content of its own between a direct quote and the next quote: the next quote
    is no second piece of the first."""
    return any(
        c is not piece and c.cue is not None and piece.end <= c.cue[0] and c.end <= q.start
        for c in st.with_content
    )


def _next_to_cue(st: _State, q: QuoteSpan) -> Candidate | None:
    """A cue clause right after the quote ("...,” he said.) or right before it (He said: “...)."""
    cue = _nearby_cue(st.doc, q, st.orphans + st.with_content, st.paras)
    if cue is None:
        return None
    if _led_in_by_colon(st, q, cue):
        return None
    if cue.speaker is not None and _names_source(cue.speaker, q):
        return MERGED  # "“...,” wrote the authors of the “Growth Project,”": a title, part of the source
    sibling = st.by_cue.get(cue.cue_token.i) if cue.cue_token is not None else None
    if sibling is not None and sibling.kind == "direct" and sibling in st.result:
        _add_piece(sibling, q)
        return sibling
    if cue.start >= 0 and cue.kind == "direct" and cue in st.result:
        _add_piece(cue, q)
        return cue
    if cue.start >= 0:
        chosen = _direct(q, cue, 0.8)
        st.result.append(chosen)
        return chosen
    cue.start, cue.end, cue.kind = q.start, q.end, "direct"
    cue.rule = "nearby_orphan"
    cue.fragments = list(q.fragments)
    cue.confidence = 0.85
    st.orphans.remove(cue)
    st.result.append(cue)
    return cue


def _led_in_by_colon(st: _State, q: QuoteSpan, cue: Candidate) -> bool:
    """ "Ruiz fired back: “...,” referencing the ruling": the clause the colon closes introduces the
    quote, not a participle after it. A cue after the quote whose subject follows the quote ("...:
    “...,” she said", "“...?” a reporter was heard asking") keeps it."""
    if cue.cue is None or cue.cue[0] < q.outer[1]:
        return False
    colon = _colon_subject(st.doc, q, st.inside)
    if colon is None or colon[2] != "colon":
        return False
    speaker = cue.speaker
    return speaker is None or speaker.idx < q.outer[0] or speaker.dep_ not in SUBJECT_DEPS


def _labelled(st: _State, q: QuoteSpan) -> Candidate | None:
    """ "Riders want the late boat - More from Ruiz: “...”": a name that labels the quote before its
    colon is its source, before any cue nearby; as in a transcript, the ranker does not overrule it."""
    colon = _colon_subject(st.doc, q, st.inside)
    if colon is None or colon[2] != "colon_label":
        return None
    return _after_colon(st, q, colon)


def _after_colon(
    st: _State, q: QuoteSpan, colon: tuple[tuple[int, int], Token, str] | None = None
) -> Candidate | None:
    colon = colon or _colon_subject(st.doc, q, st.inside)
    if colon is None:
        return None
    cue, speaker, rule = colon
    chosen = Candidate(q.start, q.end, "direct", 0.7, cue=cue, speaker=speaker, fragments=list(q.fragments))
    chosen.rule = rule
    chosen.speaker_fixed = rule == "colon_label"
    st.result.append(chosen)
    return chosen


def _signed(st: _State, q: QuoteSpan) -> Candidate | None:
    signed = _dash_signature(st.text, q)
    if signed is None:
        return None
    chosen = Candidate(
        q.start,
        q.end,
        "direct",
        0.8,
        cue=signed[0],
        speaker_span=signed[1],
        fragments=list(q.fragments),
        rule="signature",
        speaker_fixed=True,  # the name that signs the quote is its source
    )
    st.result.append(chosen)
    return chosen


def _in_quoting_clause(st: _State, q: QuoteSpan) -> Candidate | None:
    if q.words(st.text) > 6:
        return None
    clause = _quoting_clause(st.doc, q, st.inside)
    if clause is None or any(c.overlap(*clause[1]) for c in st.result):
        return None
    verb, (c_start, c_end), subject = clause
    chosen = Candidate(
        c_start,
        c_end,
        "mixed",
        0.5,
        cue=(verb.idx, verb.idx + len(verb.text)),
        cue_token=verb,
        speaker=subject,
        rule="quoting_clause",
    )
    st.result.append(chosen)
    return chosen


def _carried_on(st: _State, q: QuoteSpan) -> Candidate | None:
    """A quote opening a sentence right after the same speaker's quote goes on with it."""
    st.previous = previous = _previous_source(st.result, q, st.previous)
    if previous is None or not _carries_on(st.text, q, previous, st.paras):
        return None
    adding = _adding_between(st, previous, q)
    if (
        previous.kind == "direct"
        and st.paras.index(previous.start) == st.paras.index(q.start)
        and not _report_between(st, previous, q)  # "“A,” he told the AP after hinting that X. “B.”"
        and not _narration_between(st.doc, previous, q)
        and not _next_act_between(previous, q)
        and adding is None
    ):
        # "“A,” she said. “B.”": one statement in pieces, as readers (and PolNeAR) count it
        previous.fragments += q.fragments
        previous.end = q.end
        return MERGED
    chosen = Candidate(
        q.start,
        q.end,
        "direct",
        0.6,
        fragments=list(q.fragments),
        speaker=previous.speaker,
        speaker_span=previous.speaker_span,
        carried_from=previous.carried_from or previous,
        rule="carried",
    )
    if adding is not None:  # "“A,” Trump said, adding a plug for himself. “B?”": B is said in adding
        chosen.cue, chosen.cue_token = (adding.idx, adding.idx + len(adding.text)), adding
        chosen.rule = "carried_adding"
    st.result.append(chosen)
    return chosen


def _adding_between(st: _State, previous: Candidate, q: QuoteSpan) -> Token | None:
    """ "“A,” Trump said, adding a plug for himself. “B?”", "insisted it was “premature” ..., while
    adding on climate change, “B.”": a participle of saying in the cue's sentence, between the two
    quotes, is the speaker's next statement and B is its content (as PolNeAR annotates it), not a
    second piece of A."""
    cue = previous.cue_token
    if cue is None:
        return None
    for tok in cue.sent:
        if not previous.end <= tok.idx < q.start or st.inside[tok.idx]:
            continue
        if tok.tag_ == "VBG" and tok.lemma_.lower() in lx.SPEECH_VERBS and cue in tok.ancestors:
            return tok
    return None


def _narration_between(doc: Doc, previous: Candidate, q: QuoteSpan) -> bool:
    """A sentence of the writer's own between two quotes ("“A,” says Lund, 32, who works in retail.
    Lund backs Clinton. “B.”"): one with a verb, outside every quote, and not the one with the cue."""
    cue = previous.cue[0] if previous.cue is not None else -1
    gap = doc.char_span(previous.end, q.start, alignment_mode="expand")
    for tok in gap if gap is not None else ():
        if tok.idx < previous.end or tok.idx >= q.start or not tok.is_sent_start:
            continue
        sent = tok.sent
        if sent.end_char > q.start - 1 or sent.start_char <= cue < sent.end_char:
            continue
        if sum(t.is_alpha for t in sent) >= 3 and any(t.pos_ in ("VERB", "AUX") for t in sent):
            return True
    return False


def _next_act_between(previous: Candidate, q: QuoteSpan) -> bool:
    """ "“A,” she told the crowd, then referred to his slogan. “B.”": the speaker did something else
    after the cue, so B starts a statement of its own."""
    cue = previous.cue_token
    return cue is not None and any(
        c.dep_ in ("conj", "dep") and c.pos_ == "VERB" and previous.end <= c.idx < q.start
        for c in cue.children
    )


def _introduced(st: _State, q: QuoteSpan) -> Candidate | None:
    introduced = _introducing_subject(st.doc, q, st.paras, st.inside)
    if introduced is None:
        return None
    chosen = Candidate(
        q.start, q.end, "direct", 0.4, fragments=list(q.fragments), speaker=introduced, rule="introduced"
    )
    st.result.append(chosen)
    return chosen


def _bare_quote(st: _State, q: QuoteSpan) -> Candidate | None:
    """A quote that reads as a sentence, with no source found: still a quote."""
    if q.words(st.text) < 5 or not _is_sentence_like(st.text, q):
        return None
    chosen = Candidate(q.start, q.end, "direct", 0.3, fragments=list(q.fragments), rule="bare_quote")
    st.result.append(chosen)
    return chosen


STRATEGIES: tuple[Strategy, ...] = (
    _in_cue_clause,
    _labelled,
    _next_to_cue,
    _after_colon,
    _signed,
    _in_quoting_clause,
    _carried_on,
    _introduced,
    _bare_quote,
)


def attach_quotes(
    doc: Doc, quotes: list[QuoteSpan], cues: list[Candidate], paras: Paragraphs, inside: bytearray
) -> list[Candidate]:
    """Tie each quote to the cue whose clause holds it, a cue next to it, or the previous speaker."""
    with_content = [c for c in cues if c.start >= 0]
    st = _State(doc, source_text(doc), paras, inside, with_content, [c for c in cues if c.start < 0])
    st.result = list(with_content)
    for q in quotes:
        chosen = next((c for c in (strategy(st, q) for strategy in STRATEGIES) if c is not None), None)
        if chosen is not None and chosen is not MERGED:
            st.previous = chosen if (chosen.speaker is not None or chosen.speaker_span) else st.previous
            if chosen.cue_token is not None:
                st.by_cue[chosen.cue_token.i] = chosen
    return st.result


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
        # "Okafor ... named the long shifts as one of the reasons. “The night crews ...”"
        if lead[-1] not in ".!?":
            return None
        return person_subject(doc, p_start, p_start + len(lead), inside)
    if index == 0:
        return None
    prev_start, prev_end = paras.spans[index - 1]
    return person_subject(doc, prev_start, prev_end, inside)


def _only_subject(cue: Candidate, start: int, end: int) -> bool:
    """ "“...,” Scott's niece, state Del. Marcia Price (D-Newport News), shouted": between the quote
    and its cue stands nothing but the cue's subject, however long."""
    speaker, verb = cue.speaker, cue.cue_token
    if speaker is None or verb is None or speaker.dep_ not in SUBJECT_DEPS or speaker.head.i != verb.i:
        return False
    gap = source_text(verb.doc)[start:end]
    words = re.sub(r"^[\s,.;:”\"’']+|[\s,]+$", "", gap)
    if not words:
        return False
    first = start + gap.find(words)
    lo, hi = speaker.left_edge, speaker.right_edge
    return lo.idx <= first and first + len(words) <= hi.idx + len(hi) + 1


def _names_source(speaker: Token, q: QuoteSpan) -> bool:
    """The quote is a title inside the source's own noun phrase ("the authors of the “Growth and
    Opportunity Project”"), not a piece of what the source said: its words hang on the source with
    no verb between (a clause on the source, "Ruiz, who called it “a disaster”", does not count)."""
    doc = speaker.doc
    inner = doc.char_span(q.start, q.end, alignment_mode="expand")
    right = speaker.right_edge
    if inner is None or not speaker.left_edge.idx <= q.start < right.idx + len(right):
        return False
    between = doc[min(speaker.i, inner.start) + 1 : max(speaker.i, inner.start)]
    if any(clause_verb(t) for t in between):
        return False  # "Beruff, a Scott ally, called the standards “strong”": parsed as Beruff's, said by him
    tok = inner.root
    while tok.i != speaker.i:
        if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return True


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
        rule="nearby_cue",
        speaker_fixed=cue.speaker_fixed,
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
    """ "... of “Safe Streets First.” He told ...": a full stop inside the marks and a capital after
    them start a new sentence ("“Why?” Penn asked" does not: only the full stop counts)."""
    if text[q.start : q.end].rstrip()[-1:] != ".":
        return False
    words = gap.split()
    return bool(words) and words[0][:1].isupper() and words[0].lower() not in ("said", "says")


def _signs_quote(cue: Candidate, gap: str) -> bool:
    """ "“... are missing.” Trump said.": a cue with no clause of its own whose subject alone stands
    between it and the quote's full stop says the quote, though a new sentence starts."""
    if cue.start >= 0 or cue.speaker is None:
        return False
    speaker, verb = cue.speaker, cue.cue_token
    words = speaker.doc[speaker.left_edge.i : speaker.right_edge.i + 1].text
    if verb is None or gap.strip() != words or speaker.pos_ not in ("PROPN", "PRON"):
        return False
    # the sentence ends with the cue and what says when or where ("Trump said Wednesday."), not
    # with what he did ("He mocked Rubio.")
    rest = verb.doc[verb.i + 1 : verb.sent.end]
    return len(rest) <= 8 and not any(c.dep_ in ACTED_ON for c in verb.children)


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
            if (
                (len(gap) <= 60 or _only_subject(c, qb, ca))
                and not _sentence_break(doc, qb, ca)
                and (not _ends_sentence(text, q, gap) or _signs_quote(c, gap))
            ):
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


def _quoting_clause(doc: Doc, q: QuoteSpan, inside: bytearray) -> tuple[Token, tuple[int, int], Token] | None:
    """ "Okafor has gone after the board as a “club of landlords”": the subject's words, partly
    quoted."""
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
    if not valid_source(subject, inside, verb) or subject is None:
        return None
    if subject.lower_ in lx.FIRST_PERSON or subject.lower_ in ("it", "there", "this", "that", "which"):
        return None
    if not (subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in ("PERSON", "ORG", "NORP")):
        return None
    rights = [c for c in verb.rights if not c.is_punct]
    if not rights:
        return None
    span = trim(doc, rights[0].left_edge.i, verb.right_edge.i)
    if span is None or not (span[0] <= q.start and q.end <= span[1]):
        return None
    clipped = within_paragraph(verb, span)
    return (verb, clipped, subject) if clipped is not None else None


def _colon_subject(doc: Doc, q: QuoteSpan, inside: bytearray) -> tuple[tuple[int, int], Token, str] | None:
    """ "The mayor made the following remark: “...”": the subject of the clause the colon ends
    (rule "colon"), or the name that alone labels the quote (rule "colon_label")."""
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
    label = _colon_label(doc, text, i, sentence.start_char)
    if label is not None and valid_source(label, inside, None):
        return (i, i + 1), label, "colon_label"
    # the clause the colon closes: the nearest verb before it that has a subject of its own
    # ("She grew so angry ... that I gave a different reply: “...”" is the writer's reply)
    for verb in reversed(doc[sentence.start : colon.start]):
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        if not subjects:
            continue
        subject = subjects[-1]
        if not valid_source(subject, inside, None) or subject.lower_ in ("you", "it", "there", "me", "us"):
            return None
        return (i, i + 1), named_apposition(subject), "colon"
    return None


# "Ana Ruiz:", "Rep. Ana Ruiz (D-Ore.):", "More from Ruiz and Lee:", "More from the survey:"
_LABEL = re.compile(
    r"(?:[Mm]ore from[^\S\n]+(?P<desc>(?:the|a|an|their|his|her)[^\S\n]+[\w'’-]+(?:[^\S\n]+[\w'’-]+)?)|"
    r"(?:[Mm]ore from[^\S\n]+)?(?P<name>[A-Z][\w.'’&-]*(?:[^\S\n]+(?:and|of|&|[A-Z][\w.'’&-]*)){0,6}))"
    r"(?:[^\S\n]*\([^()\n]{1,30}\))?[^\S\n]*"
)
_LABEL_ENTS = ("PERSON", "ORG", "NORP", "GPE")


def _colon_label(doc: Doc, text: str, colon: int, sentence_start: int) -> Token | None:
    """ "POLLS WERE EARLY - Ana Ruiz: “...”", "Ruiz: “...”": the name that alone labels the quote, as
    in news roundups and debate excerpts. It runs from the start of the sentence, paragraph or
    dash-set headline to the colon."""
    base = max(text.rfind("\n", 0, colon) + 1, sentence_start)
    start = base
    for m in re.finditer(r"[^\S\n][-–—]+[^\S\n]*|[.!?][”\"’]?[^\S\n]+(?=[A-Z])", text[base:colon]):
        if m.group(0)[0] == "." and re.search(r"\b[A-Z][a-z]{0,3}$", text[base : base + m.start()]):
            continue  # "Rep." or "P.": an abbreviation, not a sentence's end
        start = base + m.end()
    label = _LABEL.fullmatch(text, start, colon)
    if label is None:
        return None
    group = "desc" if label.group("desc") else "name"
    span = doc.char_span(label.start(group), label.end(group), alignment_mode="expand")
    if span is None:
        return None
    if group == "name":
        words = [w for w in label.group("name").split() if w not in ("and", "of", "&")]
        if all(w.isupper() for w in words) and (len(words) > 1 or len(words[0]) > 5):
            return None  # a headline in capitals, not an acronym
        if not any(t.ent_type_ in _LABEL_ENTS or t.pos_ == "PROPN" for t in span):
            return None
    return span.root


def _dash_signature(text: str, q: QuoteSpan) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """ "“...” ― Julie Diaz, voter.": the quote is signed by the name after the dash. A quote opening
    a paragraph is also signed by a signature ending that paragraph (vox pops), and a pull quote by
    the line under it inside its marks ("“...” / Julie Diaz, voter.”")."""
    qa, qb = q.outer
    if not q.closed and (inner := _CLOSING_SIGNATURE.match(text, qb)) is not None:
        cue = inner.span(1) if inner.group(1) else inner.span(3)  # the dash, else the closing mark
        return cue, _name_span(text, inner.start(2), inner.end(2))
    m = _SIGNATURE.match(text, qb)
    if m is None:
        para_start = text.rfind("\n", 0, qa) + 1
        if text[para_start:qa].strip():
            return None
        m = _LINE_SIGNATURE.match(text, qb)
    if m is None:
        para_end = text.find("\n", qb)
        para_end = len(text) if para_end < 0 else para_end
        m = _PARAGRAPH_SIGNATURE.search(text, qb, para_end)
        if m is None:
            return None
    return (m.start(1), m.end(1)), _name_span(text, m.start(2), m.end(2))


def _name_span(text: str, start: int, end: int) -> tuple[int, int]:
    if text[end - 1] == "." and end - start > 2 and text[end - 3] not in " .":
        end -= 1  # the sentence's full stop, not an initial's
    return start, end


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
