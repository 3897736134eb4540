"""Within-article speaker resolution: every mention of one source gets one canonical name and id.

People are clustered by name (a surname alone joins the fuller name it belongs to); pronouns go to the
nearest compatible earlier source; a relative pronoun to the noun it hangs on; a description that the
next paragraphs name ("a 45-year-old housewife" ... "said Narges") to that name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from indexer.extract import lexicon as lx
from indexer.extract.anonymity import describe_anonymity, reasons_elsewhere
from indexer.extract.base import SUBJECT_DEPS, Candidate, Paragraphs
from indexer.extract.credits import Credits
from indexer.extract.cues import CueLexicon
from indexer.extract.features import Row
from indexer.extract.gender import name_gender
from indexer.extract.people import People, Person, bare_name, collect_people
from indexer.extract.pronouns import Context, PronounRanker, pronoun_candidates
from indexer.extract.sources import Mention, classify, common_label, mention_tokens
from indexer.extract.subjects import modal_name
from indexer.extract.text import source_text
from indexer.model import Speaker, speaker_id
from indexer.names import fold_name


@dataclass
class Resolved:
    mention: Mention | None
    person: Person | None = None
    speaker: Speaker = field(default_factory=Speaker)
    # the others of a joint source ("Ana Ruiz and Tom Brandt said"): a person, or an organisation's name
    partners: list[Person | str] = field(default_factory=list)


def resolve(
    doc: Doc,
    candidates: list[Candidate],
    credits: Credits,
    article_id: str,
    ranker: PronounRanker | None = None,
    lexicon: CueLexicon | None = None,
    inside: bytearray | None = None,
) -> list[Speaker]:
    """One `Speaker` per candidate, in order. With a `ranker`, "he" and "she" go to the person it ranks
    first; without one, to the nearest compatible subject or speaker."""
    people = collect_people(doc, credits)
    paras = Paragraphs(source_text(doc))
    context = Context.of(doc, people, paras, lexicon, inside) if ranker is not None else None
    resolved: list[Resolved] = []
    for cand in candidates:
        resolved.append(_resolve_one(doc, cand, candidates, resolved, people, paras, ranker, context))
    _name_descriptions(resolved, candidates, paras)
    roles = _Roles(doc, people)
    _name_offices(doc, resolved, people, paras, roles)
    if ranker is not None and context is not None:
        _rank_descriptions(resolved, people, paras, ranker, context, roles)
    speakers = [_speaker(r, article_id) for r in resolved]
    reasons_elsewhere(doc, [r.mention for r in resolved], speakers)
    described = [describe_anonymity(sp, _description(r)) for sp, r in zip(speakers, resolved, strict=True)]
    for sp, r in zip(described, resolved, strict=True):
        if r.mention is not None and r.mention.share and r.person is None:
            sp.identification = "unnamed"  # not anonymous, and no name either
    return described


def _resolve_one(
    doc: Doc,
    cand: Candidate,
    candidates: list[Candidate],
    done: list[Resolved],
    people: People,
    paras: Paragraphs,
    ranker: PronounRanker | None = None,
    context: Context | None = None,
) -> Resolved:
    if cand.carried_from is not None:
        idx = candidates.index(cand.carried_from) if cand.carried_from in candidates else -1
        if 0 <= idx < len(done):
            src = done[idx]
            return Resolved(src.mention, src.person, src.speaker, src.partners)
    if cand.speaker is None:
        if cand.speaker_span is not None:
            a, b = cand.speaker_span
            label = source_text(doc)[a:b]
            word = doc.char_span(a, b, alignment_mode="expand")
            if word is not None and (common := common_label(word)) is not None:
                return Resolved(common)  # "Poll: Clinton leads", "Report: ...": no person
            # "LENA ABRAMS" reads "Lena Abrams"; "S.C." stays as written
            words = [w.capitalize() if w.isupper() and "." not in w else w for w in label.split()]
            titled = 0
            while titled < len(words) - 1 and words[titled].lower() in lx.TITLE_WORDS:
                titled += 1  # "- Mayor Tom Brandt": a signature's title is no part of the name
            name = " ".join(words[titled:])
            title = " ".join(words[:titled]) or None
            person = people.find(name) or people.add(name, title, a, True)
            return Resolved(None, person, Speaker(mention=label, start=a, end=b, kind="person", title=title))
        return Resolved(None)
    joint = joint_source(cand.speaker, cand.cue_token)
    mention = classify(joint[0] if joint else cand.speaker)
    res = Resolved(mention)
    if joint:
        _join(doc, res, joint, people)
    if mention.pronoun is not None:
        _resolve_pronoun(doc, cand, mention, done, people, paras, res, ranker, context)
    elif (known := _person_behind(mention, people)) is not None:
        res.person = known  # the tagger called it an organisation or a title; the article names a person
        mention.kind = "person"
    elif mention.kind == "organization" and (named := _named_organization(doc, mention)) is not None:
        mention.name = named  # "the agency" after "the Lakeport Transit Authority"
    elif mention.kind == "person" and mention.name and _proper(mention.head):
        res.person = people.named(mention.name, mention.title, (mention.start, mention.end), mention.head.i)
        if mention.anonymity_reason:
            res.person.anonymity_reason = mention.anonymity_reason
        if _nameless_word(mention, res.person):
            res.person, mention.kind = None, "unknown"
    elif mention.kind in ("document", "unknown") and (owner := _statement_owner(mention.head)) is not None:
        # "His remarks suggest ...", "Hoff's letter says ...": the person whose words they are
        said = replace(cand, speaker=owner, speaker_span=None, carried_from=None)
        res.person = _resolve_one(doc, said, candidates, done, people, paras, ranker, context).person
    return res


def _nameless_word(mention: Mention, person: Person) -> bool:
    """ "according to Politico", "Twitter said it ...", "Xinhua wrote": one capitalised word that
    neither the recognizer nor the article marks as a person: no first name, title or pronoun ever
    goes with it, nor a fuller name. It is kept as the source, of no known kind."""
    return (
        len(person.name.split()) == 1
        and person.gender is None
        and not person.title
        and not mention.title
        and mention.head.ent_type_ != "PERSON"
        and len((mention.name or "").split()) == 1
        and not _after_a_first_name(mention.head)
    )


def _after_a_first_name(word: Token) -> bool:
    """Somewhere in the article the word follows a first name of clear gender ("Rachel Maddow"), though
    the recognizer did not tag that name."""
    return any(
        t.text == word.text and t.i > 0 and name_gender(f"{t.doc[t.i - 1].text} {t.text}") is not None
        for t in word.doc
    )


def _person_behind(mention: Mention, people: People) -> Person | None:
    """The person the article names by a source the tagger called an organisation ("Fox News host Sean
    Hannity", "an angry Hollande") or a title: after a closing quote mark the small model often tags
    the surname as a work of art ("“...,” Risch told", "Sanders responded"). Such a "title" is a
    person only when the article says the person's gender (a first name, a title or a pronoun), so
    "Zero Hedge" stays a document."""
    if not mention.name:
        return None
    if mention.kind in ("organization", "unknown"):
        if not (_proper(mention.head) or _capitalised_noun(mention.head)):
            return None
    elif mention.kind != "document" or not _proper(mention.head) or _determiner_first(mention):
        return None
    known = people.find(re.sub(r"['’]s$", "", mention.name)) or (
        None if mention.head.text.isupper() else people.find(bare_name(mention.head).text)
    )  # not an acronym ("a super PAC")
    if known is None or (mention.kind == "document" and known.gender is None):
        return None
    return known


def _determiner_first(mention: Mention) -> bool:
    """ "the Common Core": a title or a thing, not a person's name."""
    return any(c.dep_ == "det" for c in mention.head.children)


# "he", "she", and "his" as a source ("his claim that ...", "his remarks suggest ...")
_PERSONAL = {**lx.PERSON_PRONOUNS, "his": "m"}

_STATEMENT_NOUNS = frozenset(
    """
    comment remark statement speech word tweet post testimony letter response answer message email
    argument assertion claim op-ed column interview memo note
    """.split()
)


def _statement_owner(head: Token) -> Token | None:
    """The possessor of a statement noun: "his" in "his remarks", "Hoff" in "Hoff's letter"."""
    if head.lemma_.lower() not in _STATEMENT_NOUNS:
        return None
    owner = next((c for c in head.children if c.dep_ == "poss"), None)
    if owner is None or not (
        owner.lower_ in ("his", "her")
        or owner.ent_type_ == "PERSON"
        or (owner.pos_ == "PROPN" and not owner.ent_type_)
    ):
        return None  # "Thursday's memo", "the agency's statement": no person's words
    return owner


def joint_source(head: Token, cue: Token | None) -> list[Token]:
    """The heads of a source named as a list of two or more names joined by "and" that is the cue's
    subject (or the object of "according to"), in text order: "Ana Ruiz and Tom Brandt said",
    "according to Acme and the Port Authority". Empty when the list holds anything but names ("Ruiz
    and her aides": a group, which stays as the rules found it) or is not the cue's."""
    root = head
    while root.dep_ in ("conj", "appos") and root.head.i != root.i:
        root = root.head  # up the list, and from a name in apposition to the noun it names
    conjuncts, linked, first = list(root.conjuncts), [root], root
    appos = next((c for c in root.children if c.dep_ == "appos"), None)
    if not conjuncts and appos is not None and root.pos_ == "NOUN" and appos.pos_ == "PROPN":
        listed = list(appos.conjuncts)
        if root.tag_ == "NNS" and all(c.pos_ == "PROPN" for c in listed):
            # "the two candidates, Ana Ruiz and Tom Brandt": the names are the members
            conjuncts, linked, first = listed, [root, appos], appos
        elif root.tag_ == "NN" and all(c.pos_ == "NOUN" and _role_name(c) is not None for c in listed):
            # "the mayor, Ana Ruiz, and the governor, Tom Brandt": the parser hangs the list on the name
            conjuncts, linked = listed, [root, appos]
    members = sorted([first, *conjuncts], key=lambda t: t.i)
    if len(members) < 2 or cue is None:
        return []
    links = [c.lower_ for m in [*linked, *conjuncts] for c in m.children if c.dep_ in ("cc", "preconj")]
    if not links or any(w not in ("and", "&", "both") for w in links):
        return []  # "Ruiz or Brandt", "Ruiz but not Brandt": no joint statement
    governor = root.head
    if root.dep_ == "pobj" and governor.lower_ == "to" and governor.head.lower_ == "according":
        governor = governor.head
    elif root.dep_ not in SUBJECT_DEPS:
        return []
    if governor.i != cue.i and not (cue.dep_ in ("advcl", "xcomp", "conj") and governor.i == cue.head.i):
        return []  # "Ruiz and Brandt met, and the mayor said": the list is not the cue's
    for m in members:
        if m.lower_ in lx.TITLE_WORDS and (
            m.pos_ == "PROPN" or not any(c.dep_ == "appos" for c in m.children)
        ):
            return []  # "Vice President and Managing Editor Bill Sammon": titles of one person
        if m.ent_type_ == "NORP" or (m.tag_ == "NNPS" and m.ent_type_ not in ("PERSON", "ORG")):
            return []  # "top Republicans and the Senate", "Democrats and Republicans": groups, not names
        if not _proper(m):  # "the mayor, Ana Ruiz, and the governor, Tom Brandt": named in apposition
            named = classify(m)
            has_name = any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in m.children)
            if not has_name or named.kind != "person" or not named.name:
                return []  # "the Kentucky Republican and the New York businessman": described, not named
    return members


def _role_name(tok: Token) -> Token | None:
    """ "the governor, Tom Brandt": the name, set off by a comma, of who holds the role."""
    names = (c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN")
    return next((c for c in names if c.doc[c.left_edge.i - 1].text == ","), None)


def _join(doc: Doc, res: Resolved, joint: list[Token], people: People) -> None:
    """Give a joint source all of its members: the mention runs over the whole list, the first name
    is the speaker and the others are its partners."""
    mention = res.mention
    assert mention is not None
    others = [classify(tok) for tok in joint[1:]]
    names: set[str] = {mention.name or ""}
    for other in others:
        if not other.name or other.name in names:
            continue  # "Vice President and Managing Editor Bill Sammon": one person
        names.add(other.name)
        if other.kind == "person":
            person = people.named(other.name, other.title, (other.start, other.end), other.head.i)
            res.partners.append(person)
        else:
            res.partners.append(other.name)
    end = others[-1].end
    named = _role_name(joint[-1]) if joint[-1].pos_ == "NOUN" else None
    if named is not None:  # "... and the governor, Tom Brandt"
        end = max(end, named.idx + len(named))
    if res.partners and end > mention.end:
        mention.end = end
        mention.text = source_text(doc)[mention.start : mention.end]


def _proper(head: Token) -> bool:
    """A name: tagged a proper noun, or a capitalised word the recognizer calls a person ("Sanders",
    which the tagger often takes for a plural noun)."""
    return (
        head.pos_ == "PROPN"
        or (head.ent_type_ == "PERSON" and head.text[:1].isupper())
        # "“...,” May said": a surname the parser took for a modal
        or ((named := modal_name(head.head)) is not None and named.i == head.i)
    )


def _capitalised_noun(head: Token) -> bool:
    """ "Trump predicts", "Fields later tweeted": a name the tagger took for a common noun at the start
    of a sentence (it counts only when the article names a person so)."""
    return (
        head.pos_ == "NOUN"
        and head.text[:1].isupper()
        and not head.text.isupper()
        and not any(c.dep_ in ("det", "amod", "compound", "poss", "nummod") for c in head.children)
    )


# Which last words of an organisation's name a definite description may point back to.
_ORG_DESCRIPTIONS = {
    "agency": {"agency", "authority", "administration", "service", "bureau", "commission", "office"},
    "authority": {"authority", "agency"},
    "company": {"company", "corp", "corp.", "corporation", "inc", "inc.", "co", "co.", "llc", "ltd", "ltd."},
    "firm": {"firm", "llp", "llc", "partners", "group"},
    "union": {"union", "federation", "guild", "association", "workers"},
    "association": {"association", "federation"},
    "ministry": {"ministry"},
    "department": {"department"},
    "committee": {"committee"},
    "commission": {"commission"},
    "council": {"council"},
    "court": {"court"},
    "board": {"board"},
    "bank": {"bank"},
    "party": {"party"},
    "university": {"university", "college"},
    "newspaper": {"times", "post", "journal", "herald", "tribune", "news", "gazette"},
    "network": {"network", "news", "broadcasting"},
}


def _named_organization(doc: Doc, mention: Mention) -> str | None:
    """The organisation a definite description names: the nearest earlier ORG entity, when its last word
    fits the description's head ("Acme Corp. ... the company"). A nearer organisation that does not fit
    makes it ambiguous: None."""
    head = mention.head
    fits = _ORG_DESCRIPTIONS.get(head.lemma_.lower())
    if (
        head.pos_ != "NOUN"
        or fits is None
        or not any(c.lower_ == "the" and c.dep_ == "det" for c in head.children)
    ):
        return None
    if any(c.dep_ in ("amod", "compound", "poss") for c in head.children):
        return None  # "the drivers' union" or "the federal agency" says which one itself
    for ent in reversed(doc.ents):
        if ent.start_char >= mention.start or ent.label_ != "ORG":
            continue
        words = [w.lower() for w in ent.text.split()]
        if len(words) < 2:
            continue
        return re.sub(r"^the\s+", "", ent.text, flags=re.IGNORECASE) if words[-1] in fits else None
    return None


def _resolve_pronoun(
    doc: Doc,
    cand: Candidate,
    mention: Mention,
    done: list[Resolved],
    people: People,
    paras: Paragraphs,
    res: Resolved,
    ranker: PronounRanker | None = None,
    context: Context | None = None,
) -> None:
    pron = mention.pronoun or ""
    pos = mention.start
    if pron in lx.RELATIVE_PRONOUNS:
        verb = cand.speaker.head if cand.speaker is not None else None
        if verb is not None and verb.dep_ == "relcl" and verb.head.i != verb.i:
            noun = verb.head
            if noun.dep_ == "appos" and noun.head.pos_ == "PROPN" and classify(noun.head).kind == "person":
                noun = noun.head  # "William Oberndorf, a California investor who ...": the person named
            antecedent = classify(noun)
            if pron == "who" and antecedent.kind in ("document", "unknown"):
                # "the endorsement of Sheriff Ana Ruiz, who said": "who" is a person, the one named there
                # (an organisation stays: "the campaign, who said")
                named = [
                    t
                    for t in mention_tokens(noun)
                    if t.ent_type_ == "PERSON" and t.i != noun.i and t.dep_ == "pobj"
                ]
                if named:
                    antecedent = classify(named[-1])
            res.mention = _as_written(mention, antecedent)
            if antecedent.kind == "person" and antecedent.name:
                res.person = people.named(
                    antecedent.name, antecedent.title, (antecedent.start, antecedent.end), antecedent.head.i
                )
                if antecedent.anonymity_reason:
                    res.person.anonymity_reason = antecedent.anonymity_reason
        return
    if pron in _PERSONAL:
        gender = _PERSONAL[pron]
        if ranker is not None and context is not None:
            person = ranker.choose(pronoun_candidates(context, mention.head, gender))
        else:
            person = _nearest_person(pos, gender, done, people, paras)
        if person is not None:
            if person.gender is None:
                person.gender = gender
            res.person = person
        else:
            mention.kind = "unknown"
        return
    if pron in lx.GROUP_PRONOUNS or pron in lx.THING_PRONOUNS:
        want_plural = pron in lx.GROUP_PRONOUNS
        for prev in reversed(done):
            m = prev.mention
            if m is None or m.start >= pos or (m.pronoun is not None and not prev.partners):
                continue
            if paras.index(pos) - paras.index(m.start) > 3:
                break
            if want_plural and prev.partners:  # "Ruiz and Brandt said ... They added": the same two
                res.mention = _as_written(mention, m)
                res.person, res.partners = prev.person, list(prev.partners)
                return
            if m.pronoun is not None or prev.person is not None:
                continue
            if m.kind in ("organization", "document", "unnamed_group", "unnamed_person") and (
                m.plural == want_plural or m.kind == "organization"
            ):
                res.mention = _as_written(mention, m)
                return


def _as_written(pronoun: Mention, antecedent: Mention) -> Mention:
    """The antecedent's description at the pronoun's place in the text."""
    return Mention(
        pronoun.start,
        pronoun.end,
        pronoun.text,
        pronoun.head,
        antecedent.kind,
        antecedent.anonymous,
        name=antecedent.name,
        title=antecedent.title,
        affiliation=antecedent.affiliation,
        count=antecedent.count,
        anonymity_reason=antecedent.anonymity_reason or pronoun.anonymity_reason,
        pronoun=pronoun.pronoun,
    )


def _nearest_person(
    pos: int, gender: str, done: list[Resolved], people: People, paras: Paragraphs
) -> Person | None:
    """The closest earlier person of a compatible gender: a subject or a speaker first."""
    para = paras.index(pos)
    options: list[tuple[int, int, Person]] = []
    for m in people.mentions:
        if m.start >= pos:
            break
        if m.person.gender not in (None, gender):
            continue
        options.append((m.start, 1 if m.subject else 0, m.person))
    for prev in done:
        if (
            prev.person is not None
            and prev.mention is not None
            and prev.mention.start < pos
            and (prev.person.gender in (None, gender))
        ):
            options.append((prev.mention.start, 2, prev.person))
    if not options:
        return None
    options.sort(key=lambda o: o[0])
    recent = [o for o in options if para - paras.index(o[0]) <= 1]
    if recent:
        # within the current and previous paragraph prefer a subject or a speaker over any mention
        best = max(recent, key=lambda o: (o[1] > 0, o[0]))
        return best[2]
    return options[-1][2]


def _name_descriptions(resolved: list[Resolved], candidates: list[Candidate], paras: Paragraphs) -> None:
    """ "a 45-year-old housewife said ..." followed by "... said Narges": the description is Narges."""
    for i, r in enumerate(resolved):
        m = r.mention
        if m is None or m.kind != "unnamed_person" or r.person is not None or m.pronoun is not None:
            continue
        if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in m.head.children):
            continue
        if m.anonymity_reason or any(t.lower_ in lx.ANONYMOUS_MARKERS for t in m.head.subtree):
            continue  # "a person familiar with his thinking" is unnamed on purpose
        if i + 1 < len(resolved):
            other = resolved[i + 1]  # only the very next attribution, in the next paragraph at most
            near = paras.index(candidates[i + 1].start) - paras.index(m.start) <= 1
            named_there = (
                other.mention is not None
                and other.person is not None
                and (other.person.first_seen >= other.mention.start - 1)
            )
            if near and named_there:
                r.person = other.person


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "ROOT"})
TITLE_ABBREVIATIONS = {
    "sen": "senator",
    "gov": "governor",
    "rep": "representative",
    "pres": "president",
    "sec": "secretary",
    "gen": "general",
    "lt": "lieutenant",
    "amb": "ambassador",
    "atty": "attorney",
    "supt": "superintendent",
    "sens": "senator",
    "reps": "representative",
    "govs": "governor",
}
_PLURAL_TITLES = frozenset({"sens", "reps", "govs", "senators", "representatives", "governors"})


def _words_before(doc: Doc, tok: Token) -> list[Token]:
    """The words just before a name: "Republican presidential candidate", "former Sen."."""
    lo = tok.i
    while lo > 0 and doc[lo - 1].ent_type_ == "PERSON" and doc[lo - 1].ent_iob_ != "O":
        lo -= 1
    before: list[Token] = []
    i = lo - 1
    while (
        i >= 0
        and lo - i <= 6
        and (doc[i].pos_ in ("NOUN", "PROPN", "ADJ") or doc[i].lower_ in ("of", "former", "vice", "."))
    ):
        before.insert(0, doc[i])
        i -= 1
    return before


def role_words(doc: Doc, people: People) -> dict[int, list[tuple[int, set[str]]]]:
    """What the article calls each person beside a name (id(person) -> lemma sets, each with the index
    of the noun it came from or -1): the words just before it ("Republican presidential candidate Ana
    Ruiz", "former Sen. Ana Ruiz") and its appositions ("Ana Ruiz, the party's nominee"). An
    apposition that is not on a subject keeps its noun's index: when that noun is the description
    being resolved, it does not count ("an interview with hosts Ana Ruiz and Ben Ode, the nominee
    said", which the parser may read as an apposition)."""
    words: dict[int, list[tuple[int, set[str]]]] = {}

    def add(person: Person, toks: list[Token], source: int = -1) -> None:
        bag: set[str] = set()
        for t in toks:
            if t.pos_ in ("NOUN", "PROPN", "ADJ") or t.lower_ in ("former", "vice"):
                low = t.lemma_.lower().rstrip(".")
                bag.add(TITLE_ABBREVIATIONS.get(low, low))
        words.setdefault(id(person), []).append((source, bag))

    surnames = Counter(p.name.split()[-1] for p in people.people if len(p.name.split()) > 1)
    for m in people.mentions:
        if m.token < 0:
            continue
        tok = doc[m.token]
        if surnames[tok.text] > 1 and not (tok.i > 0 and doc[tok.i - 1].ent_type_ == "PERSON"):
            continue  # "President Bush" with Jeb Bush and George W. Bush in the article: whose title?
        add(m.person, _words_before(doc, tok))
        first = tok
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        if first.i != tok.i:  # "Sens. Rand Paul and Marco Rubio": both are senators
            shared = _words_before(doc, first)
            if any(t.lower_.rstrip(".") in _PLURAL_TITLES for t in shared):
                add(m.person, shared)
        for child in tok.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                source = -1 if tok.dep_ in _SUBJECTS else child.i
                add(m.person, [c for c in child.subtree if c.i <= child.i], source)
        if tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
            source = -1 if tok.head.dep_ in _SUBJECTS else tok.head.i
            add(m.person, [c for c in tok.head.subtree if c.i <= tok.head.i], source)
    return words


class _Roles:
    """`role_words` of an article, made the first time a description asks (most articles have none)."""

    def __init__(self, doc: Doc, people: People) -> None:
        self.doc, self.people = doc, people
        self._words: dict[int, list[tuple[int, set[str]]]] | None = None

    def called(self, person: Person, description: Token) -> set[str]:
        """What the article called `person`, apart from an apposition that is `description` itself."""
        if self._words is None:
            self._words = role_words(self.doc, self.people)
        return {w for source, bag in self._words.get(id(person), []) if source != description.i for w in bag}


def _name_offices(
    doc: Doc, resolved: list[Resolved], people: People, paras: Paragraphs, roles: _Roles
) -> None:
    """ "the Republican presidential candidate said" after "Republican presidential candidate Ana
    Ruiz": the description is Ana Ruiz, when she is the one person named before it whom the article
    has called by the description's noun and all its modifiers (a place among them may go unsaid).
    No one fits: the description stays unnamed (guessing the person the text is about names the wrong
    one about half the time)."""
    elsewhere: set[str] | None = None
    for r in resolved:
        m = r.mention
        if m is None or r.person is not None or m.pronoun is not None or not _definite_person(m):
            continue
        head = m.head
        mods = [c for c in head.children if c.dep_ in ("amod", "compound") and c.i < head.i]
        lemma = head.lemma_.lower()
        wanted = {lemma} | {c.lemma_.lower() for c in mods}
        before = {id(x.person): x.person for x in people.mentions if x.start < m.start}
        called = {key: roles.called(person, head) for key, person in before.items()}
        fits = [p for key, p in before.items() if wanted <= called[key]]
        sole = lemma in lx.SOLE_OFFICES
        places = {c.lemma_.lower() for c in mods if c.ent_type_ in ("GPE", "LOC")}
        if not fits and places and not sole:
            # "the Vermont senator" after "Sen. Tom Brandt of Vermont": the place may go unsaid, but
            # not be another ("Kentucky Sen. Rand Paul" is no Florida senator)
            if elsewhere is None:
                elsewhere = {t.lemma_.lower() for t in doc if t.ent_type_ in ("GPE", "LOC")}
            fits = [
                p
                for key, p in before.items()
                if wanted - places <= called[key] and not (called[key] & elsewhere) - places
            ]
        if len(fits) == 1 and (sole or _seen_lately(fits[0], m.start, people, paras)):
            r.person = fits[0]
            m.anonymous = False


# Words that make a description another holder of the office than the person called by it: "the next
# president", "the former governor" (unless the article called the person a former governor too).
_OTHER_HOLDER = frozenset({"next", "future", "former", "previous", "late", "incoming", "outgoing"})
_PARTIES = frozenset({"democratic", "republican", "democrat", "gop", "libertarian"})


def _rank_descriptions(
    resolved: list[Resolved],
    people: People,
    paras: Paragraphs,
    ranker: PronounRanker,
    context: Context,
    roles: _Roles,
) -> None:
    """ "the candidate said", still unnamed after `_name_offices`: the person the pronoun ranker puts
    first, as if the description were "he" or "she" (of the noun's gender, when it has one), when the
    article has called that person by the description's noun before ("Republican candidate Ana Ruiz",
    "Ana Ruiz, the party's candidate") and lately, as `_name_offices` asks. The ranker alone names the
    wrong person too often: "the man", "the official" are mostly someone the article never names."""
    for r in resolved:
        m = r.mention
        if m is None or r.person is not None or m.pronoun is not None or not _definite_person(m):
            continue
        if m.name and m.head.lower_ not in m.name.lower():
            continue  # "the Democratic candidate Hillary Clinton" names her itself
        head = m.head
        lemma = head.lemma_.lower()
        gender = lx.GENDERED_NOUNS.get(lemma)
        options: dict[int, tuple[Person, Row]] = {}
        for g in (gender,) if gender is not None else ("m", "f"):
            for person, row in pronoun_candidates(context, head, g):
                if id(person) not in options or person.gender == g:
                    options[id(person)] = (person, row)
        top = ranker.choose(list(options.values()))
        if top is None:
            continue
        called = roles.called(top, head)
        mods = [c for c in head.children if c.dep_ in ("amod", "compound") and c.i < head.i]
        other_holder = {c.lower_ for c in mods} & _OTHER_HOLDER
        # a place or a nationality is said of the person ("Kentucky Sen. Ray Pell" is no Florida
        # senator, and with two senators one may be); a party may go unsaid
        places = {c.lemma_.lower() for c in mods if c.ent_type_ in ("GPE", "LOC", "NORP")} - _PARTIES
        if (
            TITLE_ABBREVIATIONS.get(lemma, lemma) in called
            and (other_holder | places) <= called
            and (lemma in lx.SOLE_OFFICES or _seen_lately(top, m.start, people, paras))
        ):
            r.person = top
            m.anonymous = False


def _seen_lately(person: Person, pos: int, people: People, paras: Paragraphs, back: int = 2) -> bool:
    """Named in this paragraph or the `back` before it: a list of profiles reuses "the actor" for each
    (a sole office, "the governor", needs no such nearness)."""
    para = paras.index(pos)
    return any(
        x.person is person and 0 <= para - paras.index(x.start) <= back
        for x in people.mentions
        if x.start < pos
    )


def _definite_person(m: Mention) -> bool:
    """ "the candidate", "the Vermont senator": one person the text has met, not an unnamed source."""
    head = m.head
    if head.pos_ != "NOUN" or head.tag_ in ("NNS", "NNPS"):
        return False
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return False
    if m.kind == "person":
        return True
    return (
        m.kind == "unnamed_person"
        and m.anonymity_reason is None
        and not any(t.lower_ in lx.ANONYMOUS_MARKERS for t in head.subtree)
        and not any(c.i > head.i and c.dep_ not in ("punct", "appos") for c in head.children)
    )


def _description(r: Resolved) -> str | None:
    """What the sentence says of an unnamed source beyond its noun phrase: "people briefed on the
    planning", "a person who attended the meeting" (the head's clauses, up to 25 words)."""
    if r.mention is None or r.mention.head is None:
        return None
    head = r.mention.head
    words = [t for t in head.subtree if t.i >= head.left_edge.i][:25]
    return " ".join(t.text for t in words)


def _speaker(r: Resolved, article_id: str) -> Speaker:
    sp = _speaker_alone(r, article_id)
    sp.co_speakers = [p.name if isinstance(p, Person) else p for p in r.partners]
    return sp


def _speaker_alone(r: Resolved, article_id: str) -> Speaker:
    m = r.mention
    if m is None:
        if r.person is not None:
            sp = r.speaker
            sp.name, sp.title = r.person.name, sp.title or r.person.title
            sp.id = speaker_id(fold_name(r.person.name))
            sp.kind = "person"
            sp.anonymous = r.person.anonymity_reason is not None and len(r.person.name.split()) == 1
            sp.anonymity_reason = r.person.anonymity_reason
            return sp
        return r.speaker if r.speaker.mention else Speaker()
    sp = Speaker(
        mention=m.text,
        start=m.start,
        end=m.end,
        kind=m.kind,
        anonymous=m.anonymous,
        title=m.title,
        affiliation=m.affiliation,
        count=m.count,
        anonymity_reason=m.anonymity_reason,
    )
    if r.person is not None:
        sp.kind = "person"
        sp.name = r.person.name
        sp.title = m.title or r.person.title
        reason = r.person.anonymity_reason or m.anonymity_reason
        sp.anonymity_reason = reason
        sp.anonymous = reason is not None and len(r.person.name.split()) == 1
        sp.affiliation = sp.affiliation if sp.kind != "person" else m.affiliation
        sp.id = speaker_id(fold_name(r.person.name))
        if m.kind.startswith("unnamed"):
            sp.count = m.count
        return sp
    if m.pronoun is not None and m.kind in ("person", "unknown") and m.name is None:
        sp.kind = "unknown"
        return sp
    sp.name = m.name
    if m.name:
        folded = fold_name(m.name)
        sp.id = speaker_id(
            f"{article_id}\x1f{folded}" if m.anonymous or m.kind.startswith("unnamed") else folded
        )
    return sp
