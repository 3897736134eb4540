"""Word lists the attribution rules read: cues, titles and the nouns that name kinds of sources."""

from __future__ import annotations

# Lemmas of verbs that introduce what somebody said, wrote, found or believes.
SPEECH_VERBS = frozenset(
    """
    say tell add note write warn announce deny claim argue insist explain report state declare
    confirm acknowledge admit assert contend suggest predict promise pledge vow threaten urge ask
    reply respond answer recall describe complain concede emphasize emphasise stress maintain allege
    accuse charge tweet post testify conclude reveal disclose indicate mention remark observe
    caution advise agree counter continue joke quip cite boast brag lament acknowledge retort scoff
    shout chant yell cry whisper muse speculate estimate calculate forecast project find show
    demonstrate suggest recommend propose demand order instruct declare proclaim assure reassure
    inform notify signal believe think feel hope fear expect doubt worry know understand guess
    reckon assume criticize criticise praise blast slam attack condemn question wonder dispute
    reject rule read sing recite exclaim scream plead beg pray muse announce clarify specify highlight
    underline reiterate repeat insist acknowledge comment express voice endorse
    """.split()
)

# Cues that need a clause after them to count (belief and perception verbs are often not reports).
WEAK_VERBS = frozenset(
    """
    believe think feel hope fear expect doubt worry know understand guess reckon assume find show
    demonstrate indicate suggest signal wonder question continue ask add call
    """.split()
)

# Nouns that carry content: "the minister's claim that ...".
SPEECH_NOUNS = frozenset(
    """
    claim statement assertion warning announcement suggestion argument allegation accusation promise
    pledge remark comment view belief insistence contention prediction testimony admission denial
    assurance threat vow message
    """.split()
)

# Honorifics and titles kept apart from the name ("Maj. Gen. Hossein Salami").
TITLE_WORDS = frozenset(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady rev rev. fr fr. sr sr. jr jr.
    president vice prime minister secretary sen sen. senator rep rep. representative gov gov.
    governor mayor gen gen. general maj maj. lt lt. col col. capt capt. cmdr cmdr. adm adm. sgt sgt.
    cpl cpl. lieutenant colonel captain major commander admiral sergeant judge justice chief
    chairman chairwoman chair ceo king queen prince princess pope ayatollah sheikh imam rabbi
    cardinal bishop ambassador attorney speaker leader foreign defense defence interior finance
    state deputy acting former spokesman spokeswoman spokesperson candidate nominee supreme
    commander-in-chief gen. brig. brig pres. pres atty. atty supt. supt insp. insp det. det officer
    """.split()
)

# Head nouns of unnamed people and groups of people.
PERSON_NOUNS = frozenset(
    """
    official spokesman spokeswoman spokesperson source person people man woman aide adviser advisor
    diplomat analyst expert resident witness officer soldier member lawmaker legislator politician
    activist protester protestor mourner worker employee staffer insider observer critic supporter
    opponent voter student teacher doctor nurse physician lawyer attorney prosecutor investigator
    researcher scientist economist strategist consultant executive director manager leader commander
    housewife mother father parent son daughter wife husband friend neighbor neighbour relative
    villager farmer driver veteran victim survivor refugee migrant citizen american iranian iraqi
    journalist reporter editor commentator pollster operative donor delegate negotiator mediator
    participant attendee organizer organiser partisan republican democrat conservative liberal
    representative minister secretary senator governor mayor president chairman chief agent
    individual someone somebody anyone everyone nobody colleague ally rival fan follower viewer
    owner founder businessman businesswoman entrepreneur investor trader banker
    """.split()
)

# Heads that make a source an organisation.
ORG_NOUNS = frozenset(
    """
    agency ministry department government administration office council committee commission court
    police military army navy force forces coalition alliance campaign party company firm
    corporation bank group organization organisation union association institute center centre
    foundation university school board bureau service network newspaper paper magazine station
    channel outlet agency embassy consulate parliament congress senate house cabinet team club
    regime authority authorities state county city mission movement fund charity council
    """.split()
)

# Heads that make a source a document or a publication.
DOCUMENT_NOUNS = frozenset(
    """
    report letter poll survey study statement memo memorandum document data analysis ad average averages
    footage photo photos image images recording
    advertisement website tweet post filing lawsuit complaint indictment ruling order decision book
    article editorial column op-ed email e-mail message video release transcript record records
    document documents findings research paper review audit assessment estimate estimates figures
    numbers chart map account bylaw bylaws rule rules guideline guidelines regulation regulations charter
    constitution policy law
    """.split()
)

PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
GROUP_PRONOUNS = frozenset({"they", "them"})
THING_PRONOUNS = frozenset({"it"})
INTENSIFIERS = frozenset({"himself", "herself", "themselves", "itself"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "you"})

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozen": 12,
    "a": 1,
    "an": 1,
    "another": 1,
}

# Words of a description that say who a source works for or is part of.
AFFILIATION_DEPS = frozenset({"amod", "compound", "nmod", "poss"})


# Verbs that characterise somebody or something in the source's words: "called the plan “a disaster”".
CHARACTERIZE_VERBS = frozenset(
    """
    call label describe brand dub liken compare hail term rate denounce blast criticize criticise
    praise laud slam attack accuse blame condemn mock deride dismiss refer cite urge demand
    reference characterize characterise portray depict
    """.split()
)
# Of those, the ones whose object is content even without quote marks ("called for an inquiry").
OBJECT_CONTENT_VERBS = frozenset(
    """
    urge demand cite accuse blame criticize criticise praise attack describe characterize characterise portray
    """.split()
)

# Report verbs whose object is what was reported when no clause follows: "announced the arrest of a man".
OBJECT_REPORT_VERBS = frozenset(
    """
    announce acknowledge note report declare reveal disclose confirm deny mention unveil express voice
    question reject dispute endorse
    """.split()
)

# Verbs of intention whose infinitive complement is the content: "Trump wants to build a wall".
INTENTION_VERBS = frozenset(
    """
    want plan refuse pledge promise vow agree decline propose intend hope seek threaten aim vow
    support oppose favor favour urge encourage
    """.split()
)
# Verbs whose object does what the infinitive after it says: "led the journalist to fear ...".
OBJECT_CONTROL_VERBS = frozenset(
    """
    lead prompt force cause push drive encourage urge ask tell persuade convince allow invite inspire
    pressure press compel get
    """.split()
)
OBJECT_PRONOUNS = frozenset({"them", "him", "me", "us", "whom"})

# Collective nouns for groups of people: "the crowd chanted".
GROUP_NOUNS = frozenset(
    """
    crowd audience demonstrators chorus congregation mob panel jury protesters
    """.split()
)

# More people named by what they do, for unnamed sources ("a crane operator", "a retired teacher").
PERSON_NOUNS = PERSON_NOUNS | frozenset(
    """
    operator engineer clerk pilot guard firefighter retiree shopkeeper vendor cashier waiter
    mechanic electrician plumber carpenter programmer developer designer accountant fisherman
    scholar professor historian student pastor priest monk nun athlete player coach artist singer
    musician actor actress writer author poet photographer filmmaker producer volunteer landlord
    tenant homeowner shopper customer passenger commuter patient caregiver grandmother grandfather
    mom dad teen teenager child boy girl dockworker miner nominee candidate spokesperson partner rider
    associate cofounder co-founder
    """.split()
)

# Common nouns that say which body a source belongs to ("U.S. defense officials").
AFFILIATION_WORDS = frozenset(
    """administration defense defence military police government state federal intelligence security
    campaign party army navy ministry embassy union company industry court congressional
    parliamentary diplomatic western european foreign""".split()
)
# Heads and modifiers of descriptions that mark a source as deliberately unnamed.
ANONYMOUS_MARKERS = frozenset({"familiar", "briefed", "knowledgeable", "close", "anonymous", "unnamed"})

# Offices with one holder where the story happens: "the mayor said" names a person by position, as
# "the country's defense minister" does (sources.py); "the official", "the spokesman" do not.
SOLE_OFFICES = frozenset(
    """
    mayor governor president premier chancellor sheriff superintendent commissioner coroner
    ceo chairman chairwoman chairperson pope prosecutor attorney-general
    """.split()
)

# Verbs whose object is the subject's own report again: "repeated his claim that the vote was rigged".
RESTATE_VERBS = frozenset({"repeat", "reiterate", "restate", "renew", "reaffirm", "press", "make"})

# "declined to discuss the case", "refused to give his name": a refusal to speak, not a statement
REFUSAL_CUES = frozenset({"decline", "refuse"})
DISCLOSURE_VERBS = frozenset(
    """
    comment discuss say give elaborate speak answer respond confirm identify provide name disclose
    reveal talk specify detail release share address explain describe offer
    """.split()
)

# surnames that are also modal verbs ("May told reporters", "George Will urged")
MODAL_NAMES = frozenset({"Will", "May", "Might", "Can", "Shall", "Must"})


# Person nouns that say the person's gender ("the businesswoman said"), for ranking who a description
# names among the people of that gender.
GENDERED_NOUNS = {
    **dict.fromkeys(
        """man businessman actor father son boy husband king gentleman brother congressman chairman
        spokesman nephew uncle grandfather""".split(),
        "m",
    ),
    **dict.fromkeys(
        """woman businesswoman actress mother daughter girl wife queen lady congresswoman chairwoman
        spokeswoman sister niece aunt grandmother""".split(),
        "f",
    ),
}
