"""The people an article names: one `Person` per name (a lone surname joins the full name it ends, a
lone first name the one full name it begins), each mention with its place and role, and a gender
from titles, the first name or the pronouns that follow a mention."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from indexer.extract import lexicon as lx
from indexer.extract.credits import Credits
from indexer.extract.gender import name_gender, title_gender
from indexer.extract.sources import split_title
from indexer.extract.text import source_text

_NAME_WORD = re.compile(r"[A-Z][\w.'’-]*")
_ROLE_WORDS = lx.TITLE_WORDS | lx.PERSON_NOUNS | lx.GROUP_NOUNS  # "Spokeswoman Haley Morris"
_PERSONAL_TITLES = frozenset("mr mrs ms sen rep gov".split())


def _looks_like_a_name(words: list[str]) -> bool:
    """Capitalised words, the last no organisation's ("Hillary Clinton Foundation")."""
    return all(_NAME_WORD.fullmatch(w) for w in words) and not _organisation_s(words)


def _organisation_s(words: list[str]) -> bool:
    """The words end in an organisation's word ("Hillary Clinton Foundation", "... Campaign")."""
    return bool(words) and words[-1].lower() in lx.ORG_NOUNS


@dataclass
class PersonMention:
    start: int  # character offset
    person: Person
    subject: bool  # the mention is a clause's subject
    token: int = -1  # the mention's head token (-1: not from the parse)


@dataclass
class Person:
    name: str  # the fullest form seen, titles stripped
    title: str | None = None
    gender: str | None = None
    forms: set[str] = field(default_factory=set)
    anonymity_reason: str | None = None
    first_seen: int = 1 << 30
    votes: list[str] = field(default_factory=list)

    def add(self, name: str, title: str | None, pos: int) -> None:
        self.forms.add(name)
        if len(name.split()) > len(self.name.split()) or (
            len(name.split()) == len(self.name.split()) and len(name) > len(self.name)
        ):
            self.name = name
        if title and (not self.title or len(title) > len(self.title)):
            self.title = title
        self.gender = title_gender(title) or self.gender
        self.first_seen = min(self.first_seen, pos)


class People:
    """The people an article names, keyed by name; a lone surname joins the full name it ends."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self.mentions: list[PersonMention] = []

    def find(self, name: str) -> Person | None:
        words = name.split()
        for p in self.people:
            if name in p.forms or name == p.name:
                return p
        for p in self.people:
            pw = p.name.split()
            if len(words) == 1 and words[0] in pw[1:]:
                return p
            if len(pw) == 1 and pw[0] in words[1:]:
                return p
            if _surname_of(words, pw) or _surname_of(pw, words):
                return p
            if (
                len(words) > 1
                and len(pw) > 1
                and words[-1] == pw[-1]
                and words[0][0] == pw[0][0]
                and (words[0].rstrip(".") == pw[0].rstrip(".") or len(words[0].rstrip(".")) == 1)
            ):
                return p
        return None

    def named(self, name: str, title: str | None, span: tuple[int, int], token: int) -> Person:
        """The person a source mention (`span`: its characters, `token`: its head) names. A name two
        people bear ("Clinton" beside Bill and Hillary Clinton) goes to the one the mention's words
        were given when the people were collected, which read the title ("Mrs. Clinton") and cut
        headline words ("Ben Carson Slams"); a mention the recognizer missed goes to a bearer of the
        title's gender; else the first the name finds, else a new person."""
        start, end = span
        for m in self.mentions:
            inside = (token >= 0 and m.token == token) or start <= m.start < end
            if inside and (name in m.person.forms or _within(m.person.name, name)):
                return m.person
        found = self.find(name)
        titled = _title_evidence(title)
        if found is not None and titled is not None and _gender_of(found) not in (None, titled):
            found = next((p for p in self._bearers(name) if _gender_of(p) == titled), found)
        return found or self.add(name, title, start, True)

    def _by_first_name(self, name: str) -> Person | None:
        """A lone name that is the first word of one full name and no surname ("Bernie" after "Bernie
        Sanders", "Xi" after "Xi Jinping", whose family name comes first), and a full name whose
        first word is the one person so far known by it alone ("Ivanka" in a headline, then "Ivanka
        Trump"). Two full names with that first word leave it alone. Only for names of people as the
        recognizer tags them, when they are added: a lookup of "EgyptAir" or "State Department" finds
        no "EgyptAir Crash" or "State" by it."""
        words = name.split()
        if not _looks_like_a_name(words):
            return None
        full = [p for p in self.people if len(p.name.split()) > 1 and p.name.split()[0] == words[0]]
        if len(words) == 1:
            return full[0] if len(full) == 1 and _looks_like_a_name(full[0].name.split()) else None
        lone = [p for p in self.people if p.name == words[0]]
        return lone[0] if len(lone) == 1 and not full else None

    def _bearers(self, name: str) -> list[Person]:
        """The people a lone surname may mean: the one known by it alone, and those named in full with it."""
        return [p for p in self.people if p.name == name or name in p.name.split()[1:]]

    def add(self, name: str, title: str | None, pos: int, subject: bool, token: int = -1) -> Person:
        person = self.find(name) or self._by_first_name(name)
        if person is not None and _other_relative(person, name, title):
            person = None
        titled = _title_evidence(title)
        if person is not None and titled is not None and _gender_of(person) not in (None, titled):
            # "Mrs. Kowalski" after "Piotr Kowalski": a relative named by the title, not Piotr. When
            # no one of the title's gender bears the name, it is a person of their own if the article
            # says the other's gender too ("Mr. Kowalski" after "Anna Kowalski ... she"); a first
            # name's table alone may be wrong for this person ("Sen. Lindsey Graham ... Mr. Graham").
            relative = next((p for p in self._bearers(name) if _gender_of(p) in (None, titled)), None)
            if relative is not None or _said_gender(person) is not None:
                person = relative
        if person is None:
            person = Person(name)
            self.people.append(person)
        elif len(name.split()) > 1 and len(person.name.split()) == 1:
            pass
        person.add(name, title, pos)
        self.mentions.append(PersonMention(pos, person, subject, token))
        return person


def _within(name: str, mention: str) -> bool:
    """The name is the mention, or begins or ends it: "George Zimmerman Auctioning Off" in a headline,
    "Billionaire Donald Trump", "S.C. Rep. Jim Clyburn" (words the people's names were cut from)."""
    words, said = name.split(), mention.split()
    n = len(words)
    if _organisation_s(said):
        return False  # "Hillary Clinton Campaign" is her campaign
    return n <= len(said) and (said[:n] == words or said[-n:] == words)


def _surname_of(short: list[str], full: list[str]) -> bool:
    """A surname of several words after a first name: "de Blasio" of "Bill de Blasio", "Wasserman
    Schultz" of "Debbie Wasserman Schultz". Not a first and last name that a longer string ends
    ("Donald Trump" of "Real Donald Trump", a handle read as words)."""
    n = len(short)
    if n < 2 or len(full) != n + 1 or [w.lower() for w in full[1:]] != [w.lower() for w in short]:
        return False
    return name_gender(" ".join(short)) is None and name_gender(" ".join(full)) is not None


def _title_evidence(title: str | None) -> str | None:
    """A title's gender; "Miss" is a verb as often as a title in headlines ("Polls Miss ...")."""
    return None if (title or "").lower().split()[:1] == ["miss"] else title_gender(title)


def _titled(person: Person) -> str | None:
    """The gender a title of the person's gave, if any."""
    return person.gender if _title_evidence(person.title) is not None else None


def _said_gender(person: Person) -> str | None:
    """The gender the article itself gives so far: a title, else pronouns after the person, all of
    one gender."""
    m, f = person.votes.count("m"), person.votes.count("f")
    return _titled(person) or ("m" if m and not f else "f" if f and not m else None)


def _gender_of(person: Person) -> str | None:
    """What is known so far: a title's gender, else the first name's."""
    return _titled(person) or name_gender(person.name)


def _other_relative(lone: Person, name: str, title: str | None) -> bool:
    """Whether a full name must not take over the person so far known by its surname alone: the
    article's evidence on that person's gender (a title, the pronouns after it) is the other
    gender than the full name's ("Mrs. Kowalski ... she" is not "Piotr Kowalski")."""
    if len(name.split()) < 2 or len(lone.name.split()) != 1:
        return False
    named = _title_evidence(title) or name_gender(name)
    m, f = lone.votes.count("m"), lone.votes.count("f")
    voted = "m" if m >= 2 and not f else "f" if f >= 2 and not m else None
    titled = _titled(lone)
    if titled is not None and voted is not None and titled != voted:
        return False
    known = titled or voted
    return named is not None and known is not None and named != known


def collect_people(doc: Doc, credits: Credits) -> People:
    """Everyone the article names as a person (credit lines aside), with a gender where the article or
    the first name tells it."""
    people = People()
    for ent in doc.ents:
        if ent.label_ != "PERSON" or credits.covers(ent.start_char, ent.end_char):
            continue
        if ent.root.dep_ == "poss" and len(ent) == 1 and ent.root.tag_ == "NNP" and ent.text.isupper():
            continue
        ent = _without_headline_words(ent)
        first = _first_name_sharing(ent)
        if first is not None and not any(m.token == first.i for m in people.mentions):
            name = f"{first.text} {ent[-1].text}"
            people.add(name, None, first.idx, first.dep_ in ("nsubj", "nsubjpass"), first.i)
        title, name = split_title(ent, _with_left_titles(ent))
        if not name or not name[0].isupper():
            continue
        if len(ent) == 1 and _shares_the_next_surname(ent[0]):
            continue  # "Khizr" of "Khizr and Ghazala Khan": added with the surname, at the full name
        person = people.add(name, title, ent.start_char, ent.root.dep_ in ("nsubj", "nsubjpass"), ent.root.i)
        if ent.root.dep_ in ("nsubj", "nsubjpass"):
            _vote_gender(ent, person)
    speaking = _speaking_surnames(doc)
    for tok in doc:
        span = (
            _with_left_titles(name_of(tok)) if _unrecognised_speaker(tok) else _mistagged_name(tok, speaking)
        )
        if span is not None and not credits.covers(tok.idx, tok.idx + len(tok)):
            title, name = split_title(span, span)
            if name and name[0].isupper():
                subject = tok.dep_ in ("nsubj", "nsubjpass")
                person = people.add(name, title, span.start_char, subject, tok.i)
                if subject:
                    _vote_gender(span, person)
    for person in people.people:
        if person.gender is None:
            person.gender = name_gender(person.name)
        if person.gender is None and person.votes:
            m, f = person.votes.count("m"), person.votes.count("f")
            if m != f:
                person.gender = "m" if m > f else "f"
    _merge_headline_names(people, source_text(doc).find("\n"))
    people.mentions.sort(key=lambda m: m.start)
    return people


_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def _merge_headline_names(people: People, headline_end: int) -> None:
    """ "George Zimmerman Auctioning Off" in a title-case headline the headline rule could not cut
    (the tagger read the verb as a name) and "George Zimmerman" in the text are one person: a name
    first seen in the headline that begins with another full name and goes on is that name ("Donald
    Trump Jr." is not Donald Trump)."""
    if headline_end <= 0:
        return
    for long in list(people.people):
        if long.first_seen >= headline_end:
            continue
        words = long.name.split()
        if _organisation_s(words):
            continue  # "Hillary Clinton Campaign" is her campaign
        short = next(
            (
                p
                for p in people.people
                if p is not long
                and 2 <= len(p.name.split()) < len(words)
                and words[: len(p.name.split())] == p.name.split()
                and words[len(p.name.split())].lower() not in _NAME_SUFFIXES
            ),
            None,
        )
        if short is None:
            continue
        short.forms |= long.forms
        short.votes += long.votes
        short.first_seen = min(short.first_seen, long.first_seen)
        short.gender = short.gender or long.gender
        for m in people.mentions:
            if m.person is long:
                m.person = short
        people.people.remove(long)


def _first_name_sharing(ent: Span) -> Token | None:
    """ "Khizr and Ghazala Khan", "Bill and Hillary Clinton": the lone first name before "and" and a
    full name is a person of that surname (else "Mr. Khan" would have no one to be but his wife)."""
    if len(ent) != 2 or ent.start < 2 or ent.doc[ent.start - 1].lower_ != "and":
        return None
    first = ent.doc[ent.start - 2]
    return first if _shares_the_next_surname(first) else None


def _shares_the_next_surname(tok: Token) -> bool:
    """Whether `tok` is a lone first name before "and" and a first and last name ("Khizr" of "Khizr
    and Ghazala Khan")."""
    doc = tok.doc
    if tok.i + 3 >= len(doc) or tok.pos_ != "PROPN" or doc[tok.i + 1].lower_ != "and":
        return False
    given, surname = doc[tok.i + 2], doc[tok.i + 3]
    if given.ent_type_ != "PERSON" or surname.ent_type_ != "PERSON":
        return False
    if surname.ent_iob_ == "B" or (surname.i + 1 < len(doc) and doc[surname.i + 1].ent_iob_ == "I"):
        return False  # the full name is these two words
    before = doc[tok.i - 1] if tok.i > 0 else None
    if before is not None and before.pos_ == "PROPN" and before.lower_ not in lx.TITLE_WORDS:
        return False  # "Anna Lee and Tom Brandt": a full name before "and"
    if name_gender(f"{tok.text} {surname.text}") is None or name_gender(f"{given.text} x") is None:
        return False
    # "Sanders and Hillary Clinton": a word the article uses alone or last in a name is a surname
    return not any(
        t.text == tok.text and t.i != tok.i and (t.i + 1 == len(doc) or doc[t.i + 1].ent_iob_ != "I")
        for t in doc
        if t.ent_type_ == "PERSON"
    )


def _without_headline_words(ent: Span) -> Span:
    """A name the recognizer ran into the words of a title-case headline or a byline around it: "Ted Cruz
    Refuses", "Marco Rubio Responds To Question", "Trump May Not Have Suggested", "Follow Jeff Poor". The
    name ends before its first verb or particle (or an auxiliary with a verb after it: "George Will"
    stays) and starts after a verb or an article put first."""
    while len(ent) > 1 and ent[0].pos_ in ("VERB", "DET"):
        ent = ent[1:]
    for k in range(1, len(ent)):
        tok = ent[k]
        verb = tok.pos_ == "VERB" or (tok.pos_ == "PART" and tok.is_alpha) or _headline_verb(tok)
        if verb or (tok.pos_ == "AUX" and k + 1 < len(ent) and ent[k + 1].pos_ in ("VERB", "AUX", "PART")):
            ent = ent[:k]
            while len(ent) > 1 and ent[-1].is_punct:  # "Robert Barr - won"
                ent = ent[:-1]
            break
    return _longest_dashed_part(ent)


def _longest_dashed_part(ent: Span) -> Span:
    """ "Deborah Jordan Reynolds - Santilli's girlfriend": a dash with spaces around it parts two
    phrases, not the words of one name; the name is the longer part (the first of two as long)."""
    cuts = [
        k
        for k in range(1, len(ent) - 1)
        if ent[k].text in ("-", "--", "–", "—") and ent[k - 1].whitespace_ and ent[k].whitespace_
    ]
    if not cuts:
        return ent
    bounds = [0, *cuts, len(ent)]
    parts = [ent[a + (a > 0) : b] for a, b in itertools.pairwise(bounds)]
    return max((part for part in parts if len(part)), key=len, default=ent)


def _headline_verb(tok: Token) -> bool:
    """A capitalised verb of saying in the third person ("Says", "Warns", "Pushes")."""
    low = tok.lower_
    if not tok.text[:1].isupper() or not low.endswith("s"):
        return False
    return low[:-1] in lx.SPEECH_VERBS or (low.endswith("es") and low[:-2] in lx.SPEECH_VERBS)


_NOT_PEOPLE = frozenset(
    {"ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "PERSON"}
)


def _unrecognised_speaker(tok: Token) -> bool:
    """ "Alder says ..." or "Tomas Lindqvist considered ...": a proper noun that speaks, or a first and
    last name as a subject, is a person even where the entity recognizer missed it."""
    if (
        tok.pos_ != "PROPN"
        or tok.dep_ != "nsubj"
        or tok.ent_type_ in _NOT_PEOPLE
        or not tok.text[:1].isupper()
    ):
        return False
    return tok.head.lemma_.lower() in lx.SPEECH_VERBS or name_gender(name_of(tok).text) is not None


def _speaking_surnames(doc: Doc) -> set[str]:
    """Proper nouns that stand alone as the subject of a verb of speech ("Fiorina said") or after a
    personal title ("Mrs. Fiorina"): the surnames of people, whatever the recognizer tagged them."""
    out = set()
    for tok in doc:
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        before = doc[tok.i - 1] if tok.i > 0 else None
        titled = before is not None and before.text.rstrip(".").lower() in _PERSONAL_TITLES
        speaks = (
            tok.dep_ == "nsubj"
            and tok.head.lemma_.lower() in lx.SPEECH_VERBS
            and (before is None or before.dep_ not in ("compound", "flat"))
            and not any(c.dep_ == "det" for c in tok.children)
        )
        if titled or speaks:
            out.add(tok.text)
    return out


def _mistagged_name(tok: Token, speaking: set[str]) -> Span | None:
    """ "Carly Fiorina" tagged as an organisation or not at all: a first name of clear gender and a
    surname that the article has speak alone or with a title is a person, where no word of it is
    tagged as one. A role put first is no part of the name ("Actress Amandla Stenberg"). A group of
    people ("Nevada Democrats", NORP) and a name ending in an organisation's word are not."""
    if tok.pos_ != "PROPN" or tok.dep_ in ("compound", "flat") or tok.text not in speaking:
        return None
    span = bare_name(tok)
    ok = (
        2 <= len(span) <= 3
        and not any(t.ent_type_ in ("PERSON", "NORP") for t in span)
        and _looks_like_a_name(span.text.split())
        and name_gender(span.text) is not None
    )
    return span if ok else None


def bare_name(tok: Token) -> Span:
    """`name_of` without a role put first ("Actress Amandla Stenberg", "Spokeswoman Haley Morris")."""
    span = name_of(tok)
    while len(span) > 1 and span[0].lower_ in _ROLE_WORDS:
        span = span[1:]
    return span


def name_of(tok: Token) -> Span:
    """The proper nouns that end at `tok`, its compounds before it."""
    lo = tok.i
    while lo > 0 and tok.doc[lo - 1].dep_ in ("compound", "flat") and tok.doc[lo - 1].pos_ == "PROPN":
        lo -= 1
    return tok.doc[lo : tok.i + 1]


_GENDERED = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}


def _vote_gender(ent: Span, person: Person) -> None:
    """The first gendered pronoun after a person who is a subject most often refers back to them."""
    doc = ent.doc
    limit = min(len(doc), ent.sent.end + 25)
    for tok in doc[ent.end : limit]:
        if tok.lower_ in _GENDERED and tok.pos_ == "PRON":
            person.votes.append(_GENDERED[tok.lower_])
            return
        if tok.ent_type_ == "PERSON" and tok.i >= ent.end + 1:
            return  # another person intervenes


def _with_left_titles(ent: Span) -> Span:
    doc = ent.doc
    lo = ent.start
    while lo > 0 and (doc[lo - 1].lower_ in lx.TITLE_WORDS or _abbreviation_stop(doc, lo - 1)):
        lo -= 1
    return doc[lo : ent.end]


def _abbreviation_stop(doc: Doc, i: int) -> bool:
    """The full stop of a title the tokenizer split off ("Gov" "."), not the end of the sentence before
    ("... became president. Mr. Clinton said": "president" is no title of Mr. Clinton's)."""
    if doc[i].text != "." or i == 0:
        return False
    word = doc[i - 1]
    return not word.whitespace_ and len(word.text) <= 4 and word.lower_ in lx.TITLE_WORDS
