"""Content spans: the clause a cue introduces, with the repairs the parser needs."""

from __future__ import annotations

from spacy.tokens import Span, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import CLOSING_TOKENS, SUBJECT_DEPS, trim, within_paragraph
from indexer.extract.subjects import misattached_subject, subject_of
from indexer.extract.text import source_text

_CONTRAST = frozenset({"although", "though", "whereas"})
_EMBEDDED_DEPS = frozenset({"relcl", "advcl", "conj"})


def clause_content(tok: Token) -> list[tuple[int, int]] | None:
    """Character spans of the clause a cue introduces (two when the cue stands inside it), ending
    before a report of its own inside the last one."""
    pieces = _clause_content(tok)
    if not pieces:
        return pieces
    doc = tok.doc
    last = doc.char_span(*pieces[-1], alignment_mode="expand")
    report = _embedded_report(tok, last) if last is not None else None
    if last is None or report is None:
        return pieces
    cut = report.left_edge.i - 1  # before "which", "while", "when" or the subject; then "and" and commas
    while cut > last.start and (
        doc[cut].dep_ == "cc" or (doc[cut].is_punct and doc[cut].text not in CLOSING_TOKENS)
    ):
        cut -= 1
    span = trim(doc, last.start, cut) if cut > last.start else None
    return [*pieces[:-1], span] if span is not None else pieces


def _embedded_report(tok: Token, content: Span) -> Token | None:
    """ "criticized the timetable, which the union said was “...”", "suggested that X, while Alder said
    that Y", "to play down the delay, when she told the board that ...": a second cue inside the
    content, in a clause of its own (relative, adverbial or coordinated) with a subject of its own, is
    a second attribution. PolNeAR annotates the two apart; one content running over both takes the
    second one's place. (A cue whose subject is the relative pronoun, "an aide who said ...", stays:
    that report is part of what the outer one says.)"""
    for v in content[2:]:
        if v.i == tok.i or v.pos_ != "VERB" or v.dep_ not in _EMBEDDED_DEPS:
            continue
        if v.lemma_.lower() not in lx.SPEECH_VERBS:
            continue
        if v.lemma_.lower() in lx.WEAK_VERBS and not _aside_belief(v):
            continue
        subject = next((c for c in v.lefts if c.dep_ == "nsubj"), None)
        if subject is None or subject.lower_ in lx.RELATIVE_PRONOUNS or subject.tag_ in ("WDT", "WP"):
            continue
        if v.left_edge.i > content.start + 1:
            return v
    return None


def _aside_belief(v: Token) -> bool:
    """ "..., which he believes will make it impossible ...": a belief with its clause, in a relative
    clause set off by a comma, is someone's own report; "someone she believes had sacrificed himself"
    (no comma) is part of what is said."""
    first = v.left_edge
    return (
        v.dep_ == "relcl"
        and any(c.dep_ == "ccomp" for c in v.children)
        and first.i > 0
        and v.doc[first.i - 1].text in (",", "—", "–", "-")
    )


def _relative_complement(tok: Token) -> list[Token]:
    """ "predicted at the debate that Republicans will take every state", "said for the first time that
    ...": the that-clause after a phrase, which the parser hung on the phrase's noun as a relative
    clause. It is one when "that" is its conjunction, or its object while the verb has an object of
    its own; a true relative ("spoke at the debate that voters watched") lacks one."""
    if any(c.dep_ == "xcomp" or (c.dep_ == "dobj" and not _addressee(tok, c)) for c in tok.children):
        return []
    nouns: list[Token] = []  # the nouns of the phrases after the cue: "at the debate on Tuesday"
    preps = [c for c in tok.rights if c.dep_ == "prep"]
    while preps:
        objects = [g for g in preps.pop(0).children if g.dep_ == "pobj"]
        nouns += objects
        preps += [c for o in objects for c in o.children if c.dep_ == "prep"]
    for noun in nouns:
        for r in (c for c in noun.rights if c.dep_ == "relcl"):
            that = r.left_edge
            if that.lower_ != "that" or that.head.i != r.i:
                continue
            if not any(c.dep_ == "nsubj" and c.i != that.i for c in r.children):
                continue
            own_object = any(c.dep_ in ("dobj", "attr", "ccomp") and c.i > r.i for c in r.children)
            if that.dep_ == "mark" or (that.dep_ == "dobj" and own_object):
                return [r]
    return []


_ADDRESSING_VERBS = frozenset({"tell", "assure", "reassure", "remind", "inform", "warn", "promise", "advise"})


def _addressee(tok: Token, obj: Token) -> bool:
    """ "telling reporters during a visit that ...": the object of "tell" is who heard it, not the words."""
    return tok.lemma_.lower() in _ADDRESSING_VERBS and (
        obj.pos_ == "PRON"
        or obj.ent_type_ in ("PERSON", "NORP", "ORG")
        or obj.lemma_.lower() in lx.PERSON_NOUNS | lx.GROUP_NOUNS
    )


_CLAUSE_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})


def _subject_taken_for_object(tok: Token, comp: Token) -> int:
    """Where the clause starts: "said the days when the nation had one story are gone" is parsed as
    said + "the days" (an adverbial noun or an object) + "are gone" (a clause with no subject); the
    noun phrase right before a subjectless clause after the cue is that clause's subject."""
    lo = comp.left_edge.i
    if comp.i < tok.i or comp.dep_ != "ccomp":
        return lo
    heads = [comp, *(c for c in comp.children if c.dep_ in ("aux", "auxpass"))]
    if any(c.dep_ in _CLAUSE_SUBJECTS for h in heads for c in h.children):
        return lo  # a subject of the clause, or of its auxiliary ("the days" hung on "are" of "are gone")
    for c in tok.rights:
        if (
            c.dep_ in ("npadvmod", "dobj")
            and c.pos_ in ("NOUN", "PROPN", "PRON")
            and c.right_edge.i + 1 == lo
        ):
            return c.left_edge.i
    return lo


def _clause_content(tok: Token) -> list[tuple[int, int]] | None:
    comps = [
        c
        for c in tok.children
        if c.dep_ == "ccomp" and not _stolen_predicate(tok, c) and misattached_subject(c) is None
    ]
    if not comps and tok.lemma_.lower() in lx.SPEECH_VERBS:
        # "posted late on Sunday night that the mayor was ...": "that" taken for an adverb
        comps = [c for c in tok.rights if c.dep_ == "advcl" and c.left_edge.lower_ == "that"]
    if not comps and tok.lemma_.lower() in lx.SPEECH_VERBS - lx.WEAK_VERBS:
        # "said after the meeting she would not sign ...": a clause with its own subject and no
        # conjunction (no "because", "when", "if") that the parser hung on the cue as an adverbial
        comps = [
            c
            for c in tok.rights
            if c.dep_ == "advcl"
            and any(g.dep_ == "nsubj" for g in c.children)
            and not any(g.dep_ == "mark" or g.tag_ == "WRB" for g in c.children)
        ]
    if not comps and tok.lemma_.lower() in lx.SPEECH_VERBS - lx.WEAK_VERBS:
        comps = _relative_complement(tok)
    if not comps and tok.lemma_.lower() in lx.INTENTION_VERBS | {"ask", "call", "warn", "tell", "advise"}:
        comps = [c for c in tok.children if c.dep_ == "xcomp" and c.right_edge.i - c.i >= 2]
    that = next((c for c in tok.rights if c.dep_ == "dobj" and c.lower_ == "that" and c.i == tok.i + 1), None)
    if not comps and that is not None and not list(that.children):
        # "found that each day ...": the parser took the conjunction for an object
        span = trim(tok.doc, that.i, tok.sent.end - 1)
        return [span] if span else None
    if len(comps) > 1:
        text = source_text(tok.doc)
        comps = [c for c in comps if "\n" not in text[min(c.idx, tok.idx) : max(c.idx, tok.idx)]] or comps
    if comps:
        comp = comps[-1] if len(comps) > 1 and comps[-1].i > tok.i else comps[0]
        if comp.i > tok.i and _closed_quote_before(tok, comps[0]) and not _opens_quote(comp):
            # "“We had written two dozen songs,” Reed said, mentioning the album is ...": the quote
            # the cue follows is its content, not the narration the parser hung after it
            comp = comps[0]
        hi = comp.right_edge.i
        for aside in comp.rights:
            # "He claimed that paying no taxes was smart, although he again refused to ...": the
            # writer's contrast is not part of the claim
            if aside.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in _CONTRAST for m in aside.children
            ):
                hi = min(hi, aside.left_edge.i - 1)
        for v in tok.doc[comp.left_edge.i + 1 : hi + 2]:  # the cue may stand just after the clause
            named = misattached_subject(v)
            if named is not None and v.i > tok.i:
                hi = min(hi, named.left_edge.i - 2)  # before "and residents accused ..."
        participle = _participle_report(comp, hi)
        if participle is not None:  # "argued that the cuts were reckless, citing the rise in fares"
            hi = min(hi, participle.left_edge.i - 1)
        hi = _after_quote_act(comp, hi)
        for report in (_other_speakers_report(comp), second_report(comp)):
            if report is not None:  # end before "and" + the second report
                head = report.head
                cc = [c.i - 1 for c in head.children if c.dep_ == "cc" and head.i < c.i < report.i]
                hi = min(hi, report.left_edge.i - 1, *cc[-1:])
        lo = _subject_taken_for_object(tok, comp)
        if lo < tok.i:
            lo, hi = _inside_brackets(tok, lo, hi)
        if lo < tok.i < hi:
            # "which the union said was “...”": the relative pronoun of the clause stands before the
            # cue and its subject; the content is the pronoun and the rest, in two pieces
            before = min((c.left_edge.i for c in tok.lefts if c.left_edge.i > lo), default=tok.i)
            parts = [p for p in (trim(tok.doc, lo, before - 1), trim(tok.doc, tok.i + 1, hi)) if p]
            return parts or None
        span = trim(tok.doc, lo, hi)
        return [span] if span else None
    lemma = tok.lemma_.lower()
    if lemma in ("show", "find"):
        # "A new poll shows Clinton ahead by 3 points": what a poll, study or video shows is its content
        subject = subject_of(tok)
        obj = next((c for c in tok.rights if c.dep_ in ("dobj", "ccomp", "oprd")), None)
        if subject is not None and subject.lemma_.lower() in lx.DOCUMENT_NOUNS and obj is not None:
            span = trim(tok.doc, obj.left_edge.i, tok.right_edge.i)
            return [span] if span else None
    if lemma in lx.OBJECT_REPORT_VERBS and not any(
        c.dep_ == "aux" and (c.lower_ == "to" or c.tag_ == "MD") for c in tok.children
    ):
        # "The police announced on Monday the closure of the bridge": what was announced is the object
        # (not "a way to report offshore profits" or "could deny permits": nothing was said)
        obj = next((c for c in tok.rights if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.right_edge.i - obj.left_edge.i >= 1:
            span = trim(tok.doc, obj.left_edge.i, obj.right_edge.i)
            return [span] if span else None
    if lemma in lx.CHARACTERIZE_VERBS:
        right = [
            c for c in tok.rights if c.dep_ in ("dobj", "oprd", "xcomp", "prep", "dative", "attr", "acomp")
        ]
        if right:
            span = trim(
                tok.doc,
                right[0].left_edge.i,
                _before_next_act(right[0].left_edge.i, right[-1].right_edge.i, tok),
            )
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
        lo, hi = _inside_brackets(tok, lo, hi)
        pieces: list[tuple[int, int]] = []
        if cue_lo - 1 >= lo:
            pieces.append((lo, cue_lo - 1))
        after = cue_hi + 1
        while after <= hi and tok.doc[after].is_punct:
            after += 1
        if hi >= cue_hi + 1 and not (after <= hi and tok.doc[after].tag_ == "VBG" and cue_lo - 1 >= lo):
            # ("“Too much noise,” she said, blaming the crossings": what she did next is no part of it)
            pieces.append((cue_hi + 1, hi))
        parts = [p for p in pieces if p[1] - p[0] >= 1]
        if not parts:
            return None
        spans = [t for t in (trim(tok.doc, a, b) for a, b in parts) if t is not None]
        return spans or None
    return None


def _closed_quote_before(tok: Token, comp: Token) -> bool:
    """The clause ends in a closing quote mark, and only the subject stands between it and the cue."""
    doc = tok.doc
    between = doc[comp.right_edge.i + 1 : tok.i]
    marks = [t for t in between if t.text in CLOSING_TOKENS]
    if comp.i > tok.i or not marks:
        return False
    rest = [t for t in between if t.i > marks[-1].i and not t.is_punct]
    return all(t.dep_ in SUBJECT_DEPS or t.head.dep_ in SUBJECT_DEPS or t.i == tok.i for t in rest)


def _opens_quote(comp: Token) -> bool:
    doc = comp.doc
    first = comp.left_edge.i
    return doc[first].text in ("“", '"') or (first > 0 and doc[first - 1].text in ("“", '"'))


def _inside_brackets(tok: Token, lo: int, hi: int) -> tuple[int, int]:
    """ "blowback from members (“I want my dues back,” wrote one)": a cue inside brackets
    interrupts only what the brackets hold."""
    doc = tok.doc
    opening = next((t.i for t in reversed(doc[lo : tok.i]) if t.text in "()"), None)
    if opening is None or doc[opening].text != "(":
        return lo, hi
    closing = next((t.i for t in doc[tok.i : hi + 1] if t.text in "()"), None)
    if closing is not None and doc[closing].text == ")":
        hi = closing - 1
    return opening + 1, hi


def _stolen_predicate(tok: Token, comp: Token) -> bool:
    """ "The three “gaps” she named are “...”": the parser hung the main verb on the relative clause."""
    return (
        tok.dep_ == "relcl"
        and comp.tag_ in ("VBZ", "VBP", "VBD")
        and comp.left_edge.i == comp.i
        and not any(c.dep_ in (*SUBJECT_DEPS, "expl") for c in comp.children)
    )


def _participle_report(comp: Token, hi: int) -> Token | None:
    """ "argued that the cuts were “reckless,” citing the rise in fares": a participle of a cue after a
    comma, with no subject of its own, is the speaker's next statement, which the parser hung inside
    the first one's clause. PolNeAR annotates the two apart."""
    doc = comp.doc
    for v in doc[comp.i + 1 : hi + 1]:
        lemma = v.lemma_.lower()
        if v.tag_ != "VBG" or v.dep_ not in ("advcl", "xcomp", "conj") or lemma not in lx.SPEECH_VERBS:
            continue
        if any(c.dep_ in SUBJECT_DEPS for c in v.children):
            continue
        k = v.left_edge.i - 1 if doc[v.left_edge.i].text != "," else v.left_edge.i
        while k > comp.i and doc[k].text in CLOSING_TOKENS:
            k -= 1  # "... were “reckless,” citing": the comma inside the quote marks
        if doc[k].text == ",":
            return v
    return None


def _after_quote_act(comp: Token, hi: int) -> int:
    """The end of a clause's content before what its speaker did next, where the quoted words end:
    "said the plan was “reckless,” linking to a story" (a participle right after the closing quote and
    comma), and "said he was a “pioneer” and calling him ..." (a participle coordinated with a finite
    clause belongs with the cue, not inside the clause)."""
    doc = comp.doc
    for v in doc[comp.i + 1 : hi + 1]:
        if v.tag_ != "VBG" or any(c.dep_ in SUBJECT_DEPS for c in v.children):
            continue
        lo = v.left_edge.i
        if v.dep_ in ("advcl", "xcomp", "conj", "acl") and lo >= 2 and lo > comp.left_edge.i + 1:
            before = doc[lo - 2].text + doc[lo - 1].text
            if before in ("”,", ',"', '",', ",”"):
                return min(hi, lo - 1)
        if v.dep_ == "conj" and v.head == comp and comp.tag_ in ("VBZ", "VBP", "VBD"):
            cc = [c.i for c in comp.children if c.dep_ == "cc" and comp.i < c.i < v.i]
            if cc:
                return min(hi, cc[-1] - 1)
    return hi


def second_report(comp: Token) -> Token | None:
    """ "The union said it was “deeply opposed” to the plan and warned the board to ...": the parser
    hangs the second cue inside the first one's clause; it is the same speaker's second statement."""
    if comp.dep_ != "ccomp" or comp.head.lemma_.lower() not in lx.SPEECH_VERBS:
        return None
    subjects = [c for c in comp.children if c.dep_ in SUBJECT_DEPS]
    if not subjects:
        return None
    if subjects[0].lower_ not in ("it", "he", "she", "they", "we") and not _inanimate(subjects[0]):
        return None
    for child in _conjuncts(comp):
        lemma = child.lemma_.lower()
        if (
            child.pos_ == "VERB"
            and (lemma in lx.SPEECH_VERBS or lemma in lx.CHARACTERIZE_VERBS)
            and (
                lemma not in lx.WEAK_VERBS
                or _adds_words(child)
                or _names_something(child)
                or any(c.dep_ == "ccomp" for c in child.children)  # "and questioned how he would ..."
            )
            and not any(c.dep_ in SUBJECT_DEPS for c in child.children)
        ):
            return child
    return None


def _conjuncts(tok: Token) -> list[Token]:
    """The predicates coordinated after a verb, down the chain: "had ... but was hurt ... and argued"."""
    out: list[Token] = []
    todo = [c for c in tok.children if c.dep_ == "conj" and c.i > tok.i]
    while todo:
        child = todo.pop(0)
        out.append(child)
        todo += [c for c in child.children if c.dep_ == "conj" and c.i > child.i]
    return out


def _names_something(verb: Token) -> bool:
    """ "and called his standing “unheard of”": "call" naming what its object is (not "called a meeting")."""
    if verb.lemma_.lower() != "call":
        return False
    named = any(c.dep_ == "oprd" for c in verb.children)
    return named or any(t.text in ("“", '"') and t.i > verb.i for t in verb.subtree)


def _adds_words(verb: Token) -> bool:
    """ "and added, “...”", "and added that ...": "add" with words of its own (not "added jobs")."""
    if verb.lemma_.lower() != "add":
        return False
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    return any(c.dep_ == "ccomp" for c in verb.children) or (nxt is not None and nxt.text in (",", ":"))


def _inanimate(tok: Token) -> bool:
    """ "the pier", "the cuts": a subject that cannot itself go on to vow or warn."""
    lemma = tok.lemma_.lower()
    return (
        tok.pos_ == "NOUN"
        and not tok.ent_type_
        and lemma not in lx.PERSON_NOUNS
        and lemma not in lx.ORG_NOUNS
        and lemma not in lx.GROUP_NOUNS
        and lemma not in lx.DOCUMENT_NOUNS
    )


def _other_speakers_report(comp: Token) -> Token | None:
    """ "Riders said they were ignored ... and councillors accused the agency of ...": a second report,
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


def _is_interjected(tok: Token) -> bool:
    """ "The most modest, he said, would be ..." and "It is over, he said." """
    doc = tok.doc
    if any(c.dep_ == "mark" for c in tok.children):
        return False  # "..., while 40 percent said the opposite": a subordinate clause, not an aside
    if tok.tag_ == "VBG" and any(
        c.dep_ in ("dobj", "ccomp", "xcomp", "oprd") and c.i > tok.i for c in tok.children
    ):
        return False  # "celebrated with supporters, declaring it “a super Tuesday”": it says its own words
    edge = tok.left_edge
    left = doc[edge.i - 1] if edge.i > 0 else None
    marks = (",", "—", "–", "”", '"')
    return edge.text in marks or (left is not None and left.text in marks)


# Conjunctions of a clause that tells when or why, not what: "defended X as Y, hours after ...".
_CIRCUMSTANCE_MARKS = frozenset(
    {"after", "before", "when", "while", "because", "since", "although", "though", "until"}
)

# Dependents on the right of a cue that do not start what it introduces.
_NOT_CONTENT_DEPS = frozenset({"prt", "advmod", "npadvmod", "punct", "cc", "mark", "aux", "neg", "auxpass"})


def _clause_in_prep(tok: Token) -> list[Token]:
    """ "Police said in a report that the driver was drunk": the parser hangs the "that" clause on
    "report"; it is what was said."""
    for prep in tok.rights:
        if prep.dep_ != "prep":
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            for clause in obj.children:
                if clause.dep_ in ("acl", "ccomp") and any(
                    g.dep_ == "mark" and g.lower_ == "that" and g.i < clause.i for g in clause.children
                ):
                    return [clause]
    return []


def _claim_of(tok: Token) -> list[Token]:
    """ "repeated his claim that the vote was rigged": the that-clause of the subject's own report noun
    is what was said again (the noun is part of the cue, as PolNeAR marks it). "Few believed his claim"
    is no such case: believing another's claim says nothing of the vote."""
    if tok.lemma_.lower() not in lx.RESTATE_VERBS:
        return []
    for obj in tok.rights:
        if obj.dep_ == "dobj" and obj.lemma_.lower() in lx.SPEECH_NOUNS:
            return [
                c
                for c in obj.rights
                if c.dep_ in ("acl", "ccomp")
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            ]
    return []


def _before_next_act(lo: int, hi: int, tok: Token) -> int:
    """ "called it “shameful” and called on leaders to ...": a verb coordinated inside the span with no
    subject of its own, which the parser hung on a word of the content, is the speaker's next act."""
    doc = tok.doc
    for v in doc[lo + 1 : hi + 1]:
        if (
            v.dep_ == "conj"
            and v.pos_ == "VERB"
            and v.head.pos_ != "VERB"
            and v.head.i != tok.i
            and not any(c.dep_ in SUBJECT_DEPS for c in v.children)
        ):
            cc = [c.i for c in v.head.children if c.dep_ == "cc" and c.i < v.i]
            return max(lo, min(hi, v.left_edge.i - 1, *(i - 1 for i in cc[-1:])))
    return hi


def _next_act(tok: Token, hi: int) -> int:
    """The last token of what a cue governs on its right, before the speaker's next act: a predicate
    coordinated with the cue ("rails against the tariffs and pledges to ...") or a participle after a
    comma ("called him a “moderate,” linking to a story"), neither of which is the cue's content."""
    doc = tok.doc
    for c in tok.rights:
        if c.i > hi:
            break
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"):
            # with a subject of its own ("proposed a debate, but the campaign rejected it") the clause
            # is someone else's act, and no more the cue's content
            cc = [g.i for g in tok.children if g.dep_ == "cc" and g.i < c.i]
            return min(hi, c.left_edge.i - 1, *(i - 1 for i in cc[-1:]))
        if c.dep_ == "advcl" and c.tag_ == "VBG" and c.left_edge.i > tok.i + 1:
            k = c.left_edge.i - 1
            while k > tok.i and doc[k].text in CLOSING_TOKENS:
                k -= 1
            if doc[k].text == "," or doc[c.left_edge.i].text == ",":
                return min(hi, c.left_edge.i - 1)
    return hi


def content_options(tok: Token) -> dict[str, tuple[int, int]]:
    """The spans a cue found in the learned lexicon may introduce, by shape: its clausal complement
    ("comp"), all it governs on its right ("right"), a passive or clausal subject ("subj": "the plan was
    first reported by the Ledger") and the clause it interrupts ("head_left": "The deal, he said, ..."). The
    learned choice picks one (or none)."""
    doc, sent = tok.doc, tok.sent
    spans: dict[str, tuple[int, int] | None] = {}
    comps = (
        [c for c in tok.children if c.dep_ in ("ccomp", "xcomp")] or _clause_in_prep(tok) or _claim_of(tok)
    )
    if comps:
        spans["comp"] = trim(doc, comps[-1].left_edge.i, comps[-1].right_edge.i)
    rights = [c for c in tok.rights if c.dep_ not in _NOT_CONTENT_DEPS and not c.is_punct]
    if rights:
        hi = min(tok.right_edge.i, sent.end - 1)
        circumstance = next(
            (
                c
                for c in rights[1:]
                if c.dep_ == "advcl"
                and any(g.dep_ == "mark" and g.lower_ in _CIRCUMSTANCE_MARKS for g in c.children)
            ),
            None,
        )
        if circumstance is not None:
            hi = min(hi, circumstance.left_edge.i - 1)  # "defended X as Y Tuesday, hours after ..."
        spans["right"] = trim(doc, rights[0].left_edge.i, _next_act(tok, hi))
    subjects = [c for c in tok.children if c.dep_ in ("nsubjpass", "csubj", "csubjpass")]
    if subjects:
        spans["subj"] = trim(doc, subjects[0].left_edge.i, subjects[0].right_edge.i)
    if tok.head.i != tok.i and tok.dep_ in ("parataxis", "advcl", "conj", "ccomp"):
        head = tok.head
        lo = max(head.left_edge.i, sent.start)
        if tok.left_edge.i - 1 >= lo:
            spans["head_left"] = trim(doc, lo, tok.left_edge.i - 1)
    out: dict[str, tuple[int, int]] = {}
    for name, span in spans.items():
        inside = within_paragraph(tok, span) if span is not None else None
        if inside is not None:
            out[name] = inside
    return out
