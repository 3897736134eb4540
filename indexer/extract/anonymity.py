"""What the text says about an unnamed source: how far it is identified, what kind of source it is,
whether it is a current or a former holder, and the kind of reason given for its anonymity.

All of it reads the resolved `Speaker` (its mention as written, title and stated reason), with word
lists written for this project. The values and what they mean are in the README.
"""

from __future__ import annotations

import re

from indexer.model import Speaker

__all__ = ["describe_anonymity"]

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
    ("policy", re.compile(r"polic(?:y|ies)|rules|customary|ground rules|practice|protocol", re.IGNORECASE)),
    (
        "sensitive",
        re.compile(
            r"sensitiv|investigation|inquiry|private (?:deliberations|discussions|talks|meetings)|"
            r"deliberations|not (?:yet )?(?:been )?(?:made )?(?:public|announced|final)|candid|freely|"
            r"internal|confidential|classified|negotiations|delicate",
            re.IGNORECASE,
        ),
    ),
]


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
    if reason:
        sp.anonymity_reason_type = next((name for name, rx in _REASONS if rx.search(reason)), "other")
    return sp
