"""Subject and source finders: who a cue's clause is about, read from the parse."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import CLOSING_TOKENS, PARTICLES, SPEAKER_ENTS, SUBJECT_DEPS, aged
from indexer.extract.text import source_text

_CLIMB_DEPS = ("advcl", "xcomp", "conj", "pcomp", "acl", "prep")


_NOT_SOURCES = frozenset({"DATE", "TIME", "ORDINAL", "MONEY", "QUANTITY"})


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
            if child.dep_ in SUBJECT_DEPS and child.pos_ == "ADP":
                # "Of Carson, Levine, who ..., said": a fronted phrase the parser took for the subject
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if objects:
                    # the topic is the preposition's object; the one who speaks follows its comma
                    after = [g for g in objects[-1].children if g.dep_ == "appos" and g.i > objects[-1].i]
                    return named_apposition(after[-1] if after else objects[-1])
                continue
            if child.dep_ in SUBJECT_DEPS and child.lower_ != "there":
                if child.dep_ == "nsubjpass":
                    agent = [a for a in cur.children if a.dep_ == "agent"]
                    if agent and cur.i != tok.i and _is_person(child):
                        # "Ana Ruiz was booed by the crowd after telling them ...": she told them
                        return named_apposition(child)
                    if agent:
                        objs = [g for g in agent[0].children if g.dep_ == "pobj"]
                        return objs[0] if objs else None
                    if cur.lemma_ in ("tell", "ask", "inform", "advise"):
                        return None  # "X was told that ...": the source is not the subject
                return named_apposition(child)
        for child in cur.children:
            if child.dep_ == "agent":
                shared = [g for g in cur.head.children if g.dep_ == "nsubjpass"] if cur.dep_ == "conj" else []
                if cur.i != tok.i and shared and _is_person(shared[0]):
                    # "Ana Ruiz was booed and shouted down by the crowd after telling them": she told them
                    return named_apposition(shared[0])
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
        if cur.dep_ == "xcomp" and cur.head.lemma_.lower() in lx.OBJECT_CONTROL_VERBS:
            objects = [c for c in cur.head.children if c.dep_ == "dobj" and c.i < cur.i]
            if objects:
                return named_apposition(objects[0])  # "led the journalist to fear ...": the journalist fears
        if cur.dep_ == "acl" and cur.tag_ == "VBG" and _is_person(cur.head) and _with_absolute(cur.head):
            return named_apposition(cur.head)  # "with Ana Ruiz taking to Twitter to call ...": she calls
        if cur.dep_ in _CLIMB_DEPS and cur.head.i != cur.i:
            if cur.dep_ == "acl" and cur.head.dep_ in ("dobj", "pobj", "attr"):
                cur = cur.head.head  # "issued an alert advising ...": the one who issued it
            else:
                cur = cur.head
        else:
            return None
    return None


def _with_absolute(tok: Token) -> bool:
    return tok.dep_ == "pobj" and tok.head.lower_ == "with"


def _is_person(tok: Token) -> bool:
    return (
        tok.ent_type_ == "PERSON"
        or tok.lower_ in lx.PERSON_PRONOUNS
        or (tok.pos_ == "NOUN" and tok.lemma_.lower() in lx.PERSON_NOUNS)
    )


def named_apposition(tok: Token) -> Token:
    """ "With a week until the vote, Dana Ortiz, ..., called": a thing cannot speak, the person
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


def misattached_subject(verb: Token) -> Token | None:
    """ "... ignored the neighbourhood and residents accused the board of ...": the parser took
    "residents" for a second object; it is the subject of the cue right after it."""
    if verb.i < 2 or verb.lemma_.lower() not in lx.SPEECH_VERBS or verb.pos_ != "VERB":
        return None
    if any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    i = verb.i - 1
    while i > 1 and verb.doc[i].head.i == verb.i and verb.doc[i].dep_ in ("aux", "auxpass", "neg", "advmod"):
        i -= 1  # "... and NBC News will accuse you of ...", "and residents also accused"
    named = verb.doc[i]
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


_CLOSING_MARKS = CLOSING_TOKENS | {"'"}  # and a straight single quote, as British copy closes


def modal_name(verb: Token) -> Token | None:
    """ "“...,” May told reporters", "“...,” Will wrote": a surname that is also a modal, right after a
    quote and right before the cue, which the parser took for the verb's auxiliary. The verb then has
    no subject, and the nearest noun ("reporters") would be taken for the speaker."""
    if verb.i < 2 or any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    word = verb.doc[verb.i - 1]
    if word.text not in lx.MODAL_NAMES or word.head.i != verb.i or word.dep_ not in ("aux", "auxpass"):
        return None
    before = verb.doc[word.i - 1]
    if before.text == "," and word.i >= 2:
        before = verb.doc[word.i - 2]
    return word if before.text in _CLOSING_MARKS else None


def valid_source(tok: Token | None, inside: bytearray, cue: Token | None = None) -> bool:
    if (
        tok is None
        or inside[tok.idx]
        or (tok.ent_type_ in _NOT_SOURCES and not aged(tok))
        or not any(ch.isalnum() for ch in tok.text)
    ):
        return False
    if tok.pos_ == "VERB" and not (tok.dep_ in SUBJECT_DEPS and tok.ent_type_ in SPEAKER_ENTS):
        return False  # a tagging slip ("Trump" as a verb) is still a source when it is a named subject
    if cue is not None:
        lo, hi = sorted((tok.idx, cue.idx))
        if "\n" in source_text(tok.doc)[lo:hi]:
            return False  # a source and its cue stand in one paragraph
    return True


def inverted_subject(tok: Token) -> Token | None:
    """ "...,” said Ruth Alder, a ...": the noun phrase right after the cue."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and (doc[i].dep_ in PARTICLES or doc[i].is_space):
        i += 1
    while i < len(doc) and doc[i].ent_type_ in ("DATE", "TIME"):
        i += 1
    if i >= len(doc) or doc[i].pos_ not in ("PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM"):
        return None
    cur = doc[i]
    while cur.dep_ in ("compound", "flat", "amod", "det", "nummod", "poss", "nmod") and cur.head.i > cur.i:
        cur = cur.head
    return cur if cur.pos_ in ("PROPN", "NOUN", "PRON") or aged(cur) else None


def left_subject(tok: Token, inside: bytearray) -> Token | None:
    """ "...,” Penn, a retired bus driver, said": the noun phrase between the quote and the cue."""
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
    antecedent = _relative_antecedent(cur, tok)
    if antecedent is not None:
        return antecedent
    climb = ("compound", "flat") if cur.ent_type_ == "PERSON" else ("appos", "compound", "flat", "punct")
    while cur.dep_ in climb and cur.head.i < tok.i and cur.head.i != cur.i:
        if cur.dep_ == "appos" and cur.pos_ == "NOUN" and cur.head.dep_ in ("pobj", "dobj", "conj"):
            break  # "In an interview with X and Y, the candidate stated": the apposition is the subject
        cur = cur.head
    return cur if cur.pos_ in ("PROPN", "NOUN", "PRON") and not inside[cur.idx] else None


def _relative_antecedent(word: Token, cue: Token) -> Token | None:
    """ "Ruiz, meanwhile, who sits on no committee, said": the last word before the cue ends a
    relative clause; the one it describes speaks."""
    for verb in [word, *word.ancestors]:
        if verb.i >= cue.i or verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        if not any(c.lower_ in ("who", "which") for c in subjects):
            continue
        named = [c for c in subjects if c.lower_ not in ("who", "which") and c.i < verb.i]
        if named and named[0].pos_ in ("PROPN", "NOUN"):
            return named[0]
        if verb.dep_ == "relcl" and verb.head.pos_ in ("PROPN", "NOUN"):
            return verb.head
        return None
    return None


def opens_sentence(tok: Token) -> bool:
    """ "Said Ellis: “...”": an inverted cue at the head of a sentence."""
    if not tok.text[:1].isupper():
        return False
    before = source_text(tok.doc)[max(0, tok.idx - 4) : tok.idx].rstrip(" \t")
    return before == "" or before[-1] in '.!?\n”"'


def earlier_cue_subject(tok: Token, inside: bytearray) -> Token | None:
    """ "Okafor said, going on to argue that ...": a subjectless cue goes with the cue before it."""
    if tok.tag_ not in ("VB", "VBG", "VBN"):
        return None
    for prev in reversed(tok.doc[tok.sent.start : tok.i]):
        if prev.lemma_.lower() in lx.SPEECH_VERBS and not inside[prev.idx]:
            subject = subject_of(prev)
            return subject if valid_source(subject, inside, prev) else None
    return None


def person_subject(doc: Doc, start: int, end: int, inside: bytearray) -> Token | None:
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
    subject = next((c for c in top.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None or not valid_source(subject, inside, None):
        return None
    subject = named_apposition(subject)
    if (
        subject.ent_type_ == "PERSON"
        or subject.lower_ in lx.PERSON_PRONOUNS
        or (subject.pos_ == "NOUN" and subject.lemma_.lower() in lx.PERSON_NOUNS)
    ):
        return subject
    return None
