"""What a source mention is: a person, an organisation, a document or an unnamed source, and what the
text says about it (title, affiliation, count, the stated reason for anonymity)."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from indexer.extract import lexicon as lx
from indexer.extract.base import aged, clause_verb
from indexer.extract.gender import name_gender
from indexer.extract.text import source_text
from indexer.model import SourceKind

_KEEP_DEPS = frozenset(
    {"compound", "flat", "amod", "det", "poss", "nummod", "nmod", "case", "quantmod", "advmod", "npadvmod"}
)
# The ways a text says why a source is not named; `anonymity.py` adds the ones that stand alone in a
# later sentence ("The officials were granted anonymity to discuss ...").
REASON_CONDITION = r"(?:on|under) (?:the )?condition (?:of|that)[^.;,]*"
REASON_NOT_NAMED = r"(?:declined|refused|asked|requested) (?:not )?to be (?:named|identified)[^.;,]*"
REASON_NOT_AUTHORIZED = r"(?:was|were|is|are)n?(?:’t|'t| not) authori[sz]ed to [^.;,]*"
REASON_NAME_WITHHELD = (
    r"(?:asked|requested|insisted) that (?:his|her|their) (?:full |last |family )?"
    r"(?:name|surname)s? not be[^.;,]*"
)


def reason_pattern(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


_ANON_REASON = reason_pattern(
    REASON_CONDITION,
    REASON_NOT_NAMED,
    REASON_NOT_AUTHORIZED,
    r"in exchange for anonymity[^.;,]*",
    REASON_NAME_WITHHELD,
    r"(?:who|which) (?:requested|asked for|demanded|insisted on) anonymity[^.;,]*",
)
_GENERIC_MODIFIERS = frozenset(
    [
        "senior",
        "top",
        "high-ranking",
        "ranking",
        "former",
        "current",
        "other",
        "several",
        "many",
        "some",
        "few",
        "local",
        "unnamed",
        "anonymous",
        "certain",
        "key",
        "leading",
        "prominent",
        "longtime",
        "veteran",
        "young",
        "old",
    ]
)


@dataclass
class Mention:
    """One source mention as written, with its classification."""

    start: int  # char offsets in the doc text
    end: int
    text: str
    head: Token
    kind: SourceKind
    anonymous: bool
    name: str | None = None
    title: str | None = None
    affiliation: str | None = None
    count: int | None = None
    anonymity_reason: str | None = None
    pronoun: str | None = None  # lower-cased pronoun when the mention is one
    share: bool = False  # a share of people polled or counted ("47%", "a majority of voters")

    @property
    def plural(self) -> bool:
        return self.head.tag_ in ("NNS", "NNPS") or (self.pronoun in lx.GROUP_PRONOUNS)


_MENTIONS: weakref.WeakKeyDictionary[Doc, dict[int, tuple[int, int, int, int]]] = weakref.WeakKeyDictionary()


def mention_bounds(head: Token) -> tuple[int, int, int, int]:
    """`mention_tokens` as numbers: its first token, the token after it, its start and end characters.
    Remembered per Doc (the speaker candidates of each attribution ask again for the same heads)."""
    doc = head.doc
    known = _MENTIONS.setdefault(doc, {})
    bounds = known.get(head.i)
    if bounds is None:
        lo, hi = _mention_bounds(head)
        last = doc[hi - 1]
        bounds = known[head.i] = (lo, hi, doc[lo].idx, last.idx + len(last.text))
    return bounds


def mention_tokens(head: Token) -> Span:
    """The noun phrase of a source: the head and its modifiers, without clauses, appositions or lists."""
    lo, hi, _, _ = mention_bounds(head)
    return head.doc[lo:hi]


def _mention_bounds(head: Token) -> tuple[int, int]:
    lo = hi = head.i
    doc = head.doc

    def extend(tok: Token) -> None:
        nonlocal lo, hi
        for child in tok.children:
            wanted = (
                child.dep_ in _KEEP_DEPS
                or (child.dep_ == "prep" and child.lower_ in ("of", "at", "for") and child.i > head.i)
                or (  # "a report by the Regional Freight Council"
                    child.dep_ == "prep"
                    and child.lower_ in ("by", "from")
                    and tok is head
                    and head.lemma_.lower() in lx.DOCUMENT_NOUNS
                )
                or (child.dep_ in ("pobj", "possessive") and tok.dep_ in ("prep", "poss", "compound", "nmod"))
                or (
                    child.dep_ == "prep" and tok.dep_ == "amod"  # "a person familiar with the talks"
                )
            )
            if child.dep_ == "case" or (child.dep_ == "punct" and child.text in "'’" and child.i < head.i):
                wanted = True
            if (
                wanted
                and child.dep_ in ("nmod", "npadvmod", "advmod")
                and child.i < tok.i
                and "," in (t.text for t in doc[child.right_edge.i + 1 : tok.i])
            ):
                wanted = False  # "Of Ortiz, Vance said", "Moreover, any company": not part of the phrase
            if wanted and child.i > tok.i + 1 and any(clause_verb(t) for t in doc[tok.i + 1 : child.i]):
                wanted = False  # "Beruff, an ally, called it “strong”": a word after a verb is no modifier
            if wanted:
                lo, hi = min(lo, child.i), max(hi, child.i)
                extend(child)

    extend(head)
    if (
        hi + 2 < len(doc)
        and doc[hi + 1].text in lx.MODAL_NAMES
        and doc[hi].ent_type_ == "PERSON"
        and doc[hi + 1].ent_iob_ == "I"
        and not doc[hi + 2].text[:1].isupper()  # not a headline's "Trump May Not Have Said"
        and "\n" not in doc[hi].whitespace_
    ):
        hi += 1  # "George Will urged": the parser hung "Will" on the verb, the recognizer on the name
    for i in range(head.i - 1, lo - 1, -1):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            lo = i + 1  # a mention never runs across a line break
            break
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and ((doc[hi].is_punct and doc[hi].text != "%") or doc[hi].is_space):
        hi -= 1
    marks = [t.text for t in doc[lo : hi + 1] if t.text in ('"', "“", "”")]
    opened = sum(m != "”" for m in marks) - marks.count("”")
    if opened % 2:  # the authors of the “Growth Project”: a title's closing mark stays with it
        close = next((k for k in (hi + 1, hi + 2) if k < len(doc) and doc[k].text in ('"', "”")), None)
        if close is not None and (close == hi + 1 or doc[hi + 1].text in (",", ".")):
            hi = close
    return lo, hi + 1


def classify(head: Token) -> Mention:
    """Classify the source whose syntactic head is `head`."""
    span = mention_tokens(head)
    base = Mention(
        span.start_char,
        span.end_char,
        source_text(head.doc)[span.start_char : span.end_char],
        head,
        "unknown",
        False,
    )
    low = head.lower_
    if head.pos_ == "PRON" or low in lx.RELATIVE_PRONOUNS:
        base.pronoun = low
        base.kind = "person" if low in lx.PERSON_PRONOUNS or low in lx.FIRST_PERSON else "unknown"
        return base
    person = _person_entity(span)
    if person is not None:
        title, name = split_title(person, span)
        title = title or _appositive_role(head)
        base.kind, base.name, base.title = "person", name, title
        base.affiliation = _owner(head, person)  # "The Gazette's Lena Abrams": The Gazette
        base.anonymity_reason = anonymity_reason(head)
        base.anonymous = base.anonymity_reason is not None and _is_partial_name(base.name)
        return base
    lemma = head.lemma_.lower()
    ent = head.ent_type_
    common = common_noun_capitalised(span)
    if common is not None:  # "Poll: Clinton leads", "Aides said": a common noun put first in capitals
        lemma = common
    proper = head.pos_ == "PROPN" and common is None
    det = _determiner(head)
    appos = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    titled = proper and low in lx.TITLE_WORDS and not head.ent_type_
    if appos is None and titled and not any(c.dep_ == "det" for c in head.children):
        # "Fox News Vice President and Managing Editor Bill Sammon": two titles of one person, which
        # the parser reads as a list (not "the president and Sen. Ruiz": two people)
        names = (c for c in head.children if c.dep_ == "conj" and c.ent_type_ == "PERSON")
        appos = next((c for c in names if c.pos_ == "PROPN"), None)
    # a role, also one the tagger calls a name ("The firm's CEO, Ana Ruiz"), not a group ("The two
    # candidates, Ana Ruiz and Tom Brandt, said": both of them speak, not the first)
    a_role = not proper or titled
    if appos is not None and a_role and head.tag_ not in ("NNS", "NNPS"):
        named = classify(appos)  # "The union's chief negotiator, Priya Natarajan, warned"
        if named.kind == "person":
            named.start, named.end, named.text, named.head = base.start, base.end, base.text, head
            return named
    if lemma == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
        base.kind, base.anonymous, base.count, base.name = "unnamed_person", True, 1, span.text
        return base
    role = _role_before_name(span)
    if role is not None:  # "council member Quinn Sato": a role in lower case, then a name
        base.kind, base.title, base.name = "person", role[0], role[1]
        base.anonymity_reason = anonymity_reason(head)
        base.anonymous = base.anonymity_reason is not None and _is_partial_name(base.name)
        return base
    if proper and ent not in ("ORG", "NORP", "GPE", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"):
        title, name = split_title(span, span)
        base.kind, base.name, base.title = "person", name, title
        if name != span.text and name in span.text:
            base.affiliation = _owner(head, span)
        base.anonymity_reason = anonymity_reason(head)
        base.anonymous = base.anonymity_reason is not None and _is_partial_name(base.name)
        return base
    if proper and ent in ("GPE", "LOC") and _has_who_clause(head):
        base.kind, base.name = "person", strip_determiner(span.text)
        base.anonymity_reason = anonymity_reason(head)
        base.anonymous = base.anonymity_reason is not None and _is_partial_name(base.name)
        return base
    if proper and ent in ("ORG", "NORP", "GPE", "FAC") and _named_with_a_role(head, span):
        base.kind, base.name = "person", span.text  # "Dana Kowal, a leader of ...": the recognizer's ORG
        base.anonymity_reason = anonymity_reason(head)
        return base
    if lemma in lx.DOCUMENT_NOUNS or ent in ("WORK_OF_ART", "LAW"):
        base.kind, base.name = "document", strip_determiner(span.text)
        return base
    if ent in ("ORG", "GPE", "NORP", "FAC") or lemma in lx.ORG_NOUNS:
        if ent == "NORP" and head.tag_ in ("NNPS", "NNS"):
            base.kind = "unnamed_group"  # "Republicans", "Democrats": a named collective, not anonymous
        else:
            base.kind = "organization"
        base.name = strip_determiner(span.text)
        return base
    if aged(head):  # "said the 46-year-old": a person described by age
        base.kind, base.name, base.count = "unnamed_person", strip_determiner(span.text), 1
        base.anonymous = det != "the"
        return base
    if lemma in lx.PERSON_NOUNS or lemma in lx.GROUP_NOUNS or head.ent_type_ == "PERSON" or _agent_noun(head):
        plural = (
            head.tag_ in ("NNS", "NNPS") or lemma in lx.GROUP_NOUNS or (common is not None and common != low)
        )
        base.kind = "unnamed_group" if plural else "unnamed_person"
        base.name = strip_determiner(span.text)
        base.count = _count(head, det)
        base.affiliation = _affiliation(head)
        base.anonymity_reason = anonymity_reason(head)
        unique_position = not plural and (
            (det in ("the", "poss") and _has_specifier(head)) or (det == "the" and lemma in lx.SOLE_OFFICES)
        )
        base.anonymous = not unique_position
        if unique_position:
            base.kind = "person"
        elif plural and appos is not None and classify(appos).kind == "person":
            base.anonymous = False  # "The two candidates, Ana Ruiz and Tom Brandt,": named right after
        return base
    base.name = strip_determiner(span.text)
    if _share_of_people(head):
        base.kind, base.share = "unnamed_group", True  # "Sixty-seven percent of Americans": those polled
    return base


_SHARES = frozenset(
    {"percent", "%", "majority", "minority", "plurality", "half", "third", "quarter", "two-thirds"}
)
_COLLECTIVES = frozenset({"electorate", "public", "population", "country", "nation", "party", "base"})
_POLLED = frozenset({"voter", "respondent", "adult", "resident", "backer", "supporter", "attendee", "viewer"})


def _share_of_people(head: Token) -> bool:
    """A share or a count of people, not of things: "a majority of voters", "Almost half of
    respondents", "47%" (of those polled), but not "half of the budget"."""
    if head.pos_ != "NOUN" or not (head.lemma_.lower() in _SHARES or head.ent_type_ == "PERCENT"):
        return False
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return True
    whole = next((c for c in of.children if c.dep_ == "pobj"), None)
    if whole is None:
        return False
    lemma = whole.lemma_.lower()
    return (
        whole.ent_type_ == "NORP"
        or lemma in lx.PERSON_NOUNS
        or lemma in lx.GROUP_NOUNS
        or lemma in _COLLECTIVES
        or lemma in _POLLED
        or (whole.tag_ in ("NNS", "NNPS") and _agent_noun(whole))
    )


def _owner(head: Token, person: Span) -> str | None:
    """The outlet or organisation a person's name is given as belonging to ("The Gazette's Lena
    Abrams"), whether or not the recognizer took it into the name."""
    doc = head.doc
    inside = next((t for t in person if t.text in ("'s", "’s")), None)
    if inside is not None and person.start < inside.i < person.end - 1:
        return strip_determiner(doc[person.start : inside.i].text)
    poss = next((c for c in head.children if c.dep_ == "poss" and c.i < person.start), None)
    # not a person's ("Ana Ruiz's aide Tom Berg"), unless "the" says it is no person ("The Gazette's")
    if (
        poss is not None
        and poss.pos_ == "PROPN"
        and (poss.ent_type_ != "PERSON" or any(c.dep_ == "det" and c.lower_ == "the" for c in poss.children))
    ):
        return strip_possessive(strip_determiner(mention_tokens(poss).text))
    return None


def split_title(person: Span, mention: Span) -> tuple[str | None, str]:
    """("Maj. Gen.", "Hossein Salami") from "Maj. Gen. Hossein Salami" and its neighbours."""
    doc = person.doc
    name_tokens = [t for t in person if not t.is_punct or t.text in "-.'’"]
    # titles, and the full stop of a title the tokenizer split off ("Capt" "." "Okafor")
    while name_tokens and (name_tokens[0].lower_ in lx.TITLE_WORDS or name_tokens[0].text == "."):
        name_tokens = name_tokens[1:]
    while name_tokens and name_tokens[-1].text in ("'s", "’s", "'", "’"):
        name_tokens = name_tokens[:-1]
    owner = next((k for k, t in enumerate(name_tokens) if t.text in ("'s", "’s")), None)
    rest = name_tokens[owner + 1 :] if owner is not None else []
    if (
        len(rest) >= 2
        and all(t.text[:1].isupper() for t in rest)
        and name_gender(" ".join(t.text for t in rest))
        and rest[-1].lower_ not in lx.ORG_NOUNS  # not "the Children's Grace Center"
    ):
        name_tokens = rest  # "The Gazette's Lena Abrams": the recognizer took the outlet into the name
    if not name_tokens:
        name_tokens = list(person)
    title_tokens: list[Token] = []
    i = name_tokens[0].i - 1
    while i >= mention.start and (doc[i].lower_ in lx.TITLE_WORDS or doc[i].text in ("-", ".")):
        title_tokens.insert(0, doc[i])
        i -= 1
    name = re.sub(r"^\W+", "", doc[name_tokens[0].i : name_tokens[-1].i + 1].text)  # '">Sanders' in web text
    while title_tokens and title_tokens[0].lower_ not in lx.TITLE_WORDS:
        title_tokens = title_tokens[1:]  # a full stop of the sentence before is no title
    title = doc[title_tokens[0].i : title_tokens[-1].i + 1].text if title_tokens else None
    return title, name


def strip_possessive(text: str) -> str:
    """ "Okafor" from "Okafor's" (or "Okafor'")."""
    return re.sub(r"['’]s?$", "", text)


def strip_determiner(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE).strip()


def anonymity_reason(head: Token) -> str | None:
    """The stated reason for anonymity in the source's sentence, if there is one."""
    sent = head.sent
    m = _ANON_REASON.search(sent.text)
    if not m:
        return None
    return m.group().strip().rstrip(",")


def _entities_within(span: Span) -> Iterator[Span]:
    """`span.ents` (the entities wholly inside the span) from the span's own tokens: `Span.ents` walks
    all of the Doc's entities, once per call."""
    doc = span.doc
    i = span.start
    while i < span.end:
        if doc[i].ent_iob_ != "B":
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j <= span.end:
            yield Span(doc, i, j, label=doc[i].ent_type_)
        i = j


_LISTED_NOUNS = lx.PERSON_NOUNS | lx.ORG_NOUNS | lx.DOCUMENT_NOUNS | lx.GROUP_NOUNS | lx.SPEECH_NOUNS


def common_noun_capitalised(span: Span, nouns_too: bool = False) -> str | None:
    """The lemma of a source that is one capitalised word the tagger calls a name (or, with
    `nouns_too`, a noun) but the lexicon knows as a common noun: a headline's "Poll:", "Report:",
    "Newspaper Says", or "Aides said" at a sentence's start. Not a word the recognizer calls a person
    ("Page", "Price")."""
    words = [t for t in span if not t.is_punct]
    tags = ("PROPN", "NOUN") if nouns_too else ("PROPN",)
    if len(words) != 1 or words[0].pos_ not in tags or words[0].ent_type_ == "PERSON":
        return None
    low = words[0].lower_
    for form in (low, low[:-1] if low.endswith("s") else low):
        if form in _LISTED_NOUNS:
            return form
    return None


def common_label(span: Span) -> Mention | None:
    """A label before a colon that is a common noun ("Poll: Clinton leads", "Report: ...",
    "Aides: ..."): a document, an organisation or unnamed people, as the lexicon knows the word; no
    person. Its words after the colon are no apposition of it."""
    form = common_noun_capitalised(span, nouns_too=True)
    if form is None:
        return None
    head = span.root
    if form in lx.DOCUMENT_NOUNS or form in lx.SPEECH_NOUNS:
        kind: SourceKind = "document"
    elif form in lx.ORG_NOUNS:
        kind = "organization"
    else:
        kind = "unnamed_group" if form in lx.GROUP_NOUNS or form != head.lower_ else "unnamed_person"
    return Mention(
        span.start_char, span.end_char, span.text, head, kind, kind.startswith("unnamed"), span.text
    )


def _person_entity(span: Span) -> Span | None:
    for ent in _entities_within(span):
        if ent.label_ == "PERSON" and ent.root.i in range(span.start, span.end):
            if span.root.i in range(ent.start, ent.end) or span.root.i == ent.end - 1:
                return ent
            if span.root.dep_ == "poss" or span.root.i >= ent.end:
                continue
            between = span.doc[span.root.i : ent.start]
            if span.root.pos_ == "NOUN" and not any(t.lower_ in _NAMING for t in between):
                continue  # "a source close to Okafor", "a spokesman for Okafor": someone else, unnamed
            return ent
    return None


_NAMING = frozenset({"named", "called"})  # "a teacher named Ana Ruiz" is Ana Ruiz


def _role_before_name(span: Span) -> tuple[str, str] | None:
    """("council member", "Quinn Sato") from "council member Quinn Sato": lower-case words ending in a
    person noun, then two or more capitalised words (the recognizer may call them a place)."""
    words = [t for t in span if not t.is_punct]
    k = next((i for i, t in enumerate(words) if t.pos_ == "PROPN"), None)
    if not k or len(words) - k < 2 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words[k:]):
        return None
    role = words[:k]
    if role[0].lower_ in ("the", "a", "an"):
        role = role[1:]
    if not role or not all(t.pos_ in ("NOUN", "ADJ") and t.text.islower() for t in role):
        return None
    last = role[-1].lemma_.lower()
    if last not in lx.PERSON_NOUNS and last not in lx.TITLE_WORDS and not _agent_noun(role[-1]):
        return None
    doc = span.doc
    return doc[role[0].i : role[-1].i + 1].text, doc[words[k].i : words[-1].i + 1].text


def _appositive_role(head: Token) -> str | None:
    """ "Ali Shamkhani, head of Iran's National Security Council": the role beside the name."""
    role = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
    return mention_tokens(role).text if role is not None else None


def _named_with_a_role(head: Token, span: Span) -> bool:
    """ "Lena Vartanian, a Ferrylink spokeswoman,", "Dana Kowal, a leader of ...": a first name of clear
    gender and a surname, set off by a role that only a person has, though the recognizer called the
    name an organisation or a nationality."""
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 3 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words):
        return False
    if name_gender(" ".join(t.text for t in words)) is None:
        return False
    return any(
        c.dep_ == "appos"
        and c.pos_ == "NOUN"
        and c.lemma_.lower() in lx.PERSON_NOUNS  # not "a newspaper", "a broadcaster"
        for c in head.children
    )


def _agent_noun(head: Token) -> bool:
    """ "operator", "economist", "historian": a common noun that names a person by what they do."""
    lemma = head.lemma_.lower()
    return head.pos_ == "NOUN" and len(lemma) > 5 and lemma.endswith(("er", "or", "ist", "ian", "ant"))


def _is_partial_name(name: str | None) -> bool:
    return bool(name) and len((name or "").split()) == 1


def _determiner(head: Token) -> str | None:
    for child in head.children:
        if child.dep_ == "det":
            return child.lower_
        if child.dep_ == "poss":
            return "poss"
    return None


def _has_specifier(head: Token) -> bool:
    """A definite description narrowed to one holder: "the country's chief of the defense staff"."""
    for child in head.children:
        if child.dep_ in ("poss", "compound") or (child.dep_ == "prep" and child.lower_ == "of"):
            return True
        if child.dep_ == "amod" and child.ent_type_ in ("NORP", "GPE", "ORG"):
            return True
    return False


def _has_who_clause(head: Token) -> bool:
    return any(c.dep_ == "relcl" and any(g.lower_ == "who" for g in c.children) for c in head.children)


def _count(head: Token, det: str | None) -> int | None:
    for child in head.children:
        if child.dep_ == "nummod":
            word = child.lower_.replace(",", "")
            if word.isdigit():
                return int(word)
            if word in lx.NUMBER_WORDS:
                return lx.NUMBER_WORDS[word]
    if head.tag_ in ("NN", "NNP") and det in ("a", "an", "another", "one"):
        return 1
    return None


def _affiliation(head: Token) -> str | None:
    """ "Iraqi" in "Senior Iraqi officials", "U.S. defense" in "U.S. defense officials"."""
    doc: Doc = head.doc
    mods = [
        c
        for c in head.lefts
        if c.dep_ in lx.AFFILIATION_DEPS
        and c.dep_ != "poss"
        and c.lower_ not in _GENERIC_MODIFIERS
        and not c.like_num
        and c.lower_ not in lx.TITLE_WORDS
        and (
            c.ent_type_ in ("NORP", "GPE", "ORG")
            or c.pos_ == "PROPN"
            or c.lemma_.lower() in lx.AFFILIATION_WORDS
        )
    ]
    parts: list[str] = []
    if mods:
        lo = min(m.left_edge.i for m in mods)
        while lo < head.i and (doc[lo].lower_ in _GENERIC_MODIFIERS or doc[lo].dep_ in ("det", "nummod")):
            lo += 1
        if lo < head.i:
            parts.append(doc[lo : head.i].text)
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("at", "from", "of", "for", "to"):
            named = _named_object(child)  # "an aide to Okafor", "a spokesman for the Harbor Authority"
        elif child.dep_ == "amod" and child.lower_ in _NEAR:
            # "a source close to Okafor", "a person familiar with Okafor's thinking"
            prep = next((g for g in child.children if g.dep_ == "prep" and g.lower_ in ("to", "with")), None)
            named = _named_object(prep, possessor=True) if prep is not None else None
        else:
            named = None
        if named is not None:
            parts.append(named)
    return " ".join(parts) if parts else None


_NEAR = frozenset({"close", "familiar", "loyal", "allied", "linked", "connected"})
_AFFILIATES = ("ORG", "GPE", "NORP", "FAC", "PERSON")


def _named_object(prep: Token, possessor: bool = False) -> str | None:
    """The organisation, place or person a preposition names; with `possessor`, also the owner of its
    object ("with Okafor's thinking": Okafor)."""
    obj = next((g for g in prep.children if g.dep_ == "pobj"), None)
    if obj is None:
        return None
    if obj.ent_type_ in _AFFILIATES:
        return strip_possessive(mention_tokens(obj).text)  # "friends of Mr. Clinton's"
    owner = next((g for g in obj.children if g.dep_ == "poss"), None) if possessor else None
    if owner is not None and owner.ent_type_ in _AFFILIATES:
        return strip_possessive(mention_tokens(owner).text)
    return None
