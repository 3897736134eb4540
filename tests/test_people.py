"""The people an article names: which full name a lone surname joins when relatives share it.

Parsed by the real pipeline; all text is invented.
"""

from __future__ import annotations

from typing import Any

import pytest

from indexer.extract.credits import find_credits
from indexer.extract.engine import Extractor, load_pipeline
from indexer.extract.people import People, collect_people
from indexer.model import Article

# A man known by his surname and his title first, then his daughter by her full name.
TITLED = (
    "Mr. Halvorsen told the harbor board on Monday that the ferry would keep running.\n\n"
    "Marta Halvorsen, a lawyer for the ferry company, said the contract ran until 2030.\n\n"
    '"We will see," Halvorsen said after the vote.'
)
# The same with no title: the pronouns after him say who he is.
VOTED = (
    "Halvorsen told the harbor board on Monday that he would keep the ferry running.\n\n"
    "Halvorsen said that he expected the vote to pass.\n\n"
    "Marta Halvorsen, a lawyer for the ferry company, said the contract ran until 2030.\n\n"
    '"We will see," Halvorsen said after the vote.'
)
# Both named in full first; the title says which of them "Mrs. Kowalski" is.
BOTH = (
    "Piotr Kowalski, the harbor master, told the board that the ferry would keep running.\n\n"
    "Anna Kowalski, a lawyer for the ferry company, said the contract ran until 2030.\n\n"
    '"We will see," Mrs. Kowalski said after the vote. Mr. Kowalski left early.'
)
# Nothing says who the lone surname is: it joins the first full name, as before.
UNKNOWN = (
    "Halvorsen told the harbor board on Monday that the ferry would keep running.\n\n"
    "Marta Halvorsen, a lawyer for the ferry company, said the contract ran until 2030."
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


def _people(nlp: Any, text: str) -> People:
    return collect_people(nlp(text), find_credits(text))


def _name_at(people: People, text: str, needle: str, nth: int = 0) -> str:
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return next(m.person.name for m in people.mentions if m.start == pos)


@pytest.mark.parametrize("text", [TITLED, VOTED], ids=["title", "pronouns"])
def test_a_lone_surname_of_the_other_gender_does_not_join_a_relative(nlp: Any, text: str) -> None:
    people = _people(nlp, text)
    names = {p.name for p in people.people}
    assert "Marta Halvorsen" in names and "Halvorsen" in names, names
    last = text.rindex("Halvorsen said")
    assert _name_at(people, text, "Halvorsen", text[:last].count("Halvorsen")) == "Halvorsen"
    assert _name_at(people, text, "Marta Halvorsen") == "Marta Halvorsen"


def test_a_title_sends_a_lone_surname_to_the_relative_of_its_gender(nlp: Any) -> None:
    people = _people(nlp, BOTH)
    assert sorted(p.name for p in people.people) == ["Anna Kowalski", "Piotr Kowalski"]
    assert _name_at(people, BOTH, "Kowalski", 2) == "Anna Kowalski"  # "Mrs. Kowalski"
    assert _name_at(people, BOTH, "Kowalski", 3) == "Piotr Kowalski"  # "Mr. Kowalski"


def test_a_titled_surname_two_people_bear_is_the_speaker_of_its_gender() -> None:
    """Both "Kowalski"s are named in full; the quotes of "Mrs. Kowalski" are Anna's, of "Mr.
    Kowalski" Piotr's (the speaker was looked up by the bare surname, which found Piotr first)."""
    text = BOTH + '\n\n"The contract is sound," Mrs. Kowalski said. "So is the ferry," Mr. Kowalski said.'
    result = next(iter(Extractor().extract([Article("kowalski", text)])))
    names = {a.text.strip(" ,."): a.speaker.name for a in result.attributions}
    assert names["We will see"] == "Anna Kowalski", names
    assert names["The contract is sound"] == "Anna Kowalski", names
    assert names["So is the ferry"] == "Piotr Kowalski", names


# A woman named in full, and her pronoun; then her husband, known only as "Mr. Kowalski".
HUSBAND = (
    "Anna Kowalski, a lawyer for the ferry company, said she expected the contract to run until 2030.\n\n"
    "Mr. Kowalski, the harbor master, told the board that the ferry would keep running.\n\n"
    '"We will see," Mr. Kowalski said after the vote.'
)
# The same with a first name the table calls a woman's and nothing else said of her: the title wins.
NO_EVIDENCE = (
    "Senator Lindsey Marsh spoke to the harbor board on Monday.\n\n"
    '"We will see," Mr. Marsh said after the vote.'
)


def test_a_title_of_the_other_gender_is_a_relative_of_their_own(nlp: Any) -> None:
    people = _people(nlp, HUSBAND)
    assert sorted(p.name for p in people.people) == ["Anna Kowalski", "Kowalski"]
    assert _name_at(people, HUSBAND, "Kowalski", 1) == "Kowalski"
    husband = next(p for p in people.people if p.name == "Kowalski")
    assert (husband.title, husband.gender) == ("Mr.", "m")
    anna = next(p for p in people.people if p.name == "Anna Kowalski")
    assert anna.gender == "f" and anna.title != "Mr."  # she does not take his title


def test_a_title_against_the_first_name_table_alone_joins_the_full_name(nlp: Any) -> None:
    people = _people(nlp, NO_EVIDENCE)
    assert [p.name for p in people.people] == ["Lindsey Marsh"]
    assert people.people[0].gender == "m"


def test_a_lone_surname_with_no_evidence_joins_the_first_full_name(nlp: Any) -> None:
    people = _people(nlp, UNKNOWN)
    assert [p.name for p in people.people] == ["Marta Halvorsen"]


def test_the_daughter_is_not_given_her_fathers_quote() -> None:
    result = next(iter(Extractor().extract([Article("halvorsen", TITLED)])))
    quote = next(a for a in result.attributions if "We will see" in a.text)
    assert quote.speaker.name == "Halvorsen", quote.speaker


def test_a_surname_the_tagger_takes_for_a_plural_noun_keeps_its_full_name(nlp: Any) -> None:
    """ "Sanders said ...": the tagger reads "Sanders" as a plural noun, the recognizer as a person."""
    text = "Senator Mira Sanders spoke to reporters on Monday. Sanders said the ferry bill would pass."
    second = [t for t in nlp(text) if t.text == "Sanders"][1]
    assert (second.pos_, second.ent_type_) == ("NOUN", "PERSON"), "the case this test is about"
    result = next(iter(Extractor().extract([Article("sanders", text)])))
    said = next(a for a in result.attributions if "would pass" in a.text)
    assert said.speaker.mention == "Sanders" and said.speaker.name == "Mira Sanders", said.speaker


def test_who_after_a_phrase_naming_a_person_is_that_person() -> None:
    """ "the endorsement of Sheriff Ana Ruiz, who said": the parse hangs "who" on "endorsement"."""
    text = "The mayor welcomed the endorsement of Sheriff Ana Ruiz, who said the city needed more patrols."
    result = next(iter(Extractor().extract([Article("ruiz", text)])))
    said = next(a for a in result.attributions if "more patrols" in a.text)
    assert said.speaker.mention == "who" and said.speaker.kind == "person", said.speaker
    assert "Ana Ruiz" in (said.speaker.name or ""), said.speaker


OFFICES = (
    "Republican presidential candidate Ana Ruiz spoke in Lakeport on Monday. Gov. Tomas Berg "
    "introduced her.\n\n"
    "The Republican presidential candidate said the port needed more money.\n\n"
    "The governor said he agreed with her.\n\n"
    "The president said nothing."
)


@pytest.mark.parametrize(
    ("anchor", "name"),
    [
        ("the port needed more money", "Ana Ruiz"),  # called so before her name
        ("he agreed with her", "Tomas Berg"),  # "Gov." is a governor
        ("nothing", None),  # no one in the article has been called president
    ],
)
def test_a_description_goes_to_the_one_person_the_article_called_so(anchor: str, name: str | None) -> None:
    result = next(iter(Extractor().extract([Article("offices", OFFICES)])))
    said = next(a for a in result.attributions if anchor in a.text)
    if name is None:
        assert said.speaker.name == "president", said.speaker
    else:
        assert said.speaker.name == name and said.speaker.kind == "person", said.speaker


def test_an_outlet_before_a_name_is_its_affiliation_not_part_of_it(nlp: Any) -> None:
    from indexer.extract.sources import split_title

    doc = nlp("The Gazette's Lena Abrams said the port would close.")
    assert split_title(doc[0:5], doc[0:5]) == (None, "Lena Abrams")  # the recognizer may take it all in
    doc = nlp("the Children's Grace Center said the port would close.")
    assert split_title(doc[0:5], doc[0:5])[1] == "the Children's Grace Center"  # no person's name after it
    text = "The Lakeport Herald's Tomas Berg wrote that the vote was close."
    (wrote,) = Extractor().extract_one(Article("herald", text)).attributions
    assert (wrote.speaker.name, wrote.speaker.affiliation) == ("Tomas Berg", "Lakeport Herald"), wrote.speaker


def test_an_outlet_the_recognizer_calls_a_person_is_still_an_affiliation(nlp: Any) -> None:
    from indexer.extract.sources import classify

    doc = nlp("The Gazette's Lena Abrams said the port would close.")
    source = classify(next(t for t in doc if t.dep_ == "nsubj"))
    assert (source.name, source.affiliation) == ("Lena Abrams", "Gazette"), source
    doc = nlp("Ana Ruiz's aide Tom Berg said the port would close.")
    assert classify(next(t for t in doc if t.dep_ == "nsubj")).affiliation is None  # a person's aide


BARE_DESCRIPTIONS = (
    "Sen. Tom Brandt of Vermont spoke at the plant on Monday. The Vermont senator said the plan would "
    "cut taxes.\n\n"
    "Lena Ode, a candidate for the council, toured the harbour. The candidate said the lines were too "
    "long.\n\n"
    "Rosa Lind toured the depot on Tuesday. Workers cheered. The woman said she was proud of them.\n\n"
    "A man in the crowd shouted at the mayor. The man said he had waited for an hour."
)
OTHER_PLACE = "Kentucky Sen. Ray Pell spoke first on Monday. The Florida senator said the bill was dead."
TWO_SENATORS = (
    "Sens. Ray Pell (Ky.) and Tom Brandt (Fla.) met on Monday.\n\nThe Florida senator said it went well."
)
PROFILES = (
    "Actor Sam Reed spoke about his first role.\n\n"
    "The singer Ana Vos recalled her school years.\n\n"
    "The writer Jo Penn talked about her novel.\n\n"
    "The poet Eli Marr read a new poem.\n\n"
    "The actor said he had been told to change his accent."
)


@pytest.mark.parametrize(
    ("text", "anchor", "name", "kind"),
    [
        (BARE_DESCRIPTIONS, "the plan would cut taxes", "Tom Brandt", "person"),  # the place may go unsaid
        (BARE_DESCRIPTIONS, "the lines were too long", "Lena Ode", "person"),  # the one called a candidate
        (BARE_DESCRIPTIONS, "she was proud of them", "woman", "unnamed_person"),  # never called so: no guess
        (BARE_DESCRIPTIONS, "he had waited for an hour", "man", "unnamed_person"),  # "a man in the crowd"
        (OTHER_PLACE, "the bill was dead", "Florida senator", "person"),  # a Kentucky senator is not it
        (PROFILES, "change his accent", "actor", "unnamed_person"),  # named four profiles ago
        (TWO_SENATORS, "it went well", "Florida senator", "person"),  # "Sens." makes both senators
    ],
)
def test_a_bare_description_goes_to_the_one_person_called_so(
    text: str, anchor: str, name: str, kind: str
) -> None:
    result = next(iter(Extractor().extract([Article("bare", text)])))
    said = next(a for a in result.attributions if anchor in a.text)
    assert (said.speaker.name, said.speaker.kind) == (name, kind), said.speaker
    if kind == "person":
        assert not said.speaker.anonymous, said.speaker


def test_a_name_tagged_as_a_common_noun_is_the_person_the_article_names() -> None:
    """ "Fields later tweeted": the tagger reads the surname as a plural noun at a sentence's start."""
    text = "Reporter Michelle Fields was hurt at the rally.\n\nFields later tweeted that she had a bruise."
    (said,) = [
        a for a in Extractor().extract_one(Article("noun-name", text)).attributions if "bruise" in a.text
    ]
    assert (said.speaker.mention, said.speaker.name, said.speaker.kind) == (
        "Fields",
        "Michelle Fields",
        "person",
    )


@pytest.mark.parametrize(
    ("text", "anchor", "mention", "name"),
    [
        (
            # the source is the remarks or their owner, one person either way (a learned choice)
            "Senator Tom Brandt spoke in Dover on Monday.\n\nHis remarks suggest that he will run again.",
            "he will run again",
            ("His remarks", "His"),
            "Tom Brandt",
        ),
        (
            "Mayor Ana Ruiz wrote to the council on Friday.\n\nRuiz's letter says the budget is too small.",
            "the budget is too small",
            "Ruiz's letter",
            "Ana Ruiz",
        ),
        (
            # the claim is the subject's own, said again: the source is he ("repeated") or his ("claim"),
            # one person either way; the learned choice picks between the two candidates
            "Tom Brandt spoke on Monday. He repeated his claim that the vote was rigged.",
            "the vote was rigged",
            ("He", "his"),
            "Tom Brandt",
        ),
    ],
)
def test_words_owned_by_a_person_are_that_person_s(
    text: str, anchor: str, mention: str | tuple[str, ...], name: str
) -> None:
    """ "His remarks suggest", "Ruiz's letter says", "his claim that": the owner of the words speaks."""
    (said,) = [a for a in Extractor().extract_one(Article("owned", text)).attributions if anchor in a.text]
    mentions = (mention,) if isinstance(mention, str) else mention
    assert said.speaker.mention in mentions, said.speaker
    assert (said.speaker.name, said.speaker.kind) == (name, "person"), said.speaker


def test_an_organisation_s_statement_stays_a_document() -> None:
    text = "The Dover Transit Authority met on Monday. The authority's statement said fares would rise."
    (said,) = Extractor().extract_one(Article("org-statement", text)).attributions
    assert said.speaker.kind == "document", said.speaker


def test_the_relative_subject_of_the_cue_is_its_source() -> None:
    """ "critical of Republicans who suggest that ...": they suggest it, not the critics."""
    text = "Tom Brandt and Ana Ruiz were both critical of Republicans who suggest that the deal is fine."
    (said,) = Extractor().extract_one(Article("who", text)).attributions
    assert (said.speaker.mention, said.speaker.name) == ("who", "Republicans"), said.speaker


def _names(*added: str) -> list[str]:
    people = People()
    for i, name in enumerate(added):
        people.add(name, None, 10 * i, True)
    return [m.person.name for m in people.mentions]


def test_a_lone_first_name_joins_the_one_full_name_it_begins() -> None:
    # informal ("Marta"), and a family name put first ("Xi" of "Xi Jinping")
    assert _names("Marta Halvorsen", "Marta") == ["Marta Halvorsen"] * 2
    assert _names("Xi Jinping", "Piotr Kowalski", "Xi") == ["Xi Jinping", "Piotr Kowalski", "Xi Jinping"]


def test_a_full_name_takes_the_lone_first_name_named_before_it() -> None:
    assert _names("Ivanka", "Ivanka Marsh") == ["Ivanka Marsh"] * 2


def test_a_first_name_two_people_share_stays_apart() -> None:
    assert _names("Bill Marsh", "Bill Kowalski", "Bill") == ["Bill Marsh", "Bill Kowalski", "Bill"]
    assert _names("Anna", "Anna Marsh", "Anna Kowalski")[1:] == ["Anna Marsh", "Anna Kowalski"]
    # a surname still goes to the full name it ends
    assert _names("Lena Graham", "Graham Marsh", "Graham") == ["Lena Graham", "Graham Marsh", "Lena Graham"]


def test_a_first_name_does_not_join_an_organisation_the_recognizer_calls_a_person() -> None:
    assert _names("Marta Halvorsen Foundation", "Marta") == ["Marta Halvorsen Foundation", "Marta"]


def test_a_name_the_recognizer_calls_an_organisation_is_a_person_when_it_speaks(nlp: Any) -> None:
    text = (
        "Maryam Violet spoke at the rally on Monday.\n\n"
        'Violet said the plan would fail. "It is a mistake," she said.'
    )
    doc = nlp(text)
    assert {e.text: e.label_ for e in doc.ents}.get("Maryam Violet") == "ORG", "the case this test is about"
    result = next(iter(Extractor().extract([Article("violet", text)])))
    names = {a.text.strip('",'): a.speaker.name for a in result.attributions}
    assert names == {"the plan would fail": "Maryam Violet", "It is a mistake": "Maryam Violet"}, names


def test_a_name_the_recognizer_calls_a_title_is_a_person_when_the_article_names_them(nlp: Any) -> None:
    """After a closing quote mark the small model often tags the speaker's surname as a work of art
    ("“...,” Risch told"), which made the source a document named "Risch"."""
    text = "Anna Risch spoke on Monday.\n\n“It’s doable,” Risch told The Spokesman-Review on Monday."
    risch = next(t for t in nlp(text) if t.text == "Risch" and t.i > 3)
    assert risch.ent_type_ == "WORK_OF_ART", "the case this test is about"
    result = next(iter(Extractor().extract([Article("risch", text)])))
    (quote,) = result.attributions
    assert (quote.speaker.kind, quote.speaker.name) == ("person", "Anna Risch"), quote.speaker


def test_a_title_with_an_article_stays_a_document(nlp: Any) -> None:
    """ "the Common Core" is no person, even when the people collected hold such a name."""
    from indexer.extract.resolution import _determiner_first
    from indexer.extract.sources import classify

    doc = nlp("Opposition to the Common Core grew, and the Common Core says little about it.")
    head = next(t for t in doc if t.text == "Core" and t.i > 6)
    assert _determiner_first(classify(head))
    head = next(t for t in nlp("Risch said it was doable.") if t.text == "Risch")
    assert not _determiner_first(classify(head))


def test_a_surname_tagged_as_an_organisation_is_a_mention_for_the_pronoun_ranker(nlp: Any) -> None:
    from indexer.extract.base import Paragraphs
    from indexer.extract.pronouns import Context

    text = "Lorna Vexley spoke at the rally on Monday.\n\nVexley said the plan would fail."
    doc = nlp(text)
    vexley = [t for t in doc if t.text == "Vexley"][1]
    assert vexley.ent_type_ == "ORG", "the case this test is about"
    ctx = Context.of(doc, collect_people(doc, find_credits(text)), Paragraphs(text), None)
    assert [(m.start, m.person.name) for m in ctx.mentions] == [
        (0, "Lorna Vexley"),
        (vexley.idx, "Lorna Vexley"),
    ]


def test_a_role_and_outlet_before_a_name_tagged_as_an_organisation_still_name_the_person() -> None:
    text = (
        "Fox News host Sean Hannity said the race was over.\n\nMr. Hannity said he would vote.\n\n"
        "Spokeswoman Haley Morris said the plan was sound. Ms. Morris said it would pass."
    )
    result = next(iter(Extractor().extract([Article("hosts", text)])))
    names = {a.text.rstrip("."): (a.speaker.name, a.speaker.kind) for a in result.attributions}
    assert names["the race was over"] == ("Sean Hannity", "person"), names
    assert names["the plan was sound"] == ("Haley Morris", "person"), names


# Two people called "candidate": the one the article followed last is "the candidate".
RIVALS = (
    "Republican candidate Ana Ruiz debated Democratic candidate Tom Brandt on Monday in Des Moines.\n\n"
    "{speaker} told supporters after the debate that taxes were too high.\n\n"
    '"We are going to win Iowa," the {noun} said.'
)


@pytest.mark.parametrize(("speaker", "name"), [("Ruiz", "Ana Ruiz"), ("Brandt", "Tom Brandt")])
def test_a_description_two_people_were_called_goes_to_the_one_ranked_first(speaker: str, name: str) -> None:
    text = RIVALS.format(speaker=speaker, noun="candidate")
    result = next(iter(Extractor().extract([Article("rivals", text)])))
    said = next(a for a in result.attributions if "win Iowa" in a.text)
    assert said.speaker.name == name and said.speaker.kind == "person", said.speaker


@pytest.mark.parametrize("noun", ["man", "next candidate"])
def test_a_description_no_one_was_called_stays_unnamed(noun: str) -> None:
    """ "the man": no one was called a man; "the next candidate" is someone else than the candidates."""
    text = RIVALS.format(speaker="Ruiz", noun=noun)
    result = next(iter(Extractor().extract([Article("rivals", text)])))
    said = next(a for a in result.attributions if "win Iowa" in a.text)
    assert said.speaker.name == noun, said.speaker


def test_a_title_before_a_surname_two_people_share_is_no_ones() -> None:
    """ "President Bush" with Jeb Bush and George W. Bush in the article: "the president" is not Jeb."""
    text = (
        "Jeb Bush campaigned in Columbia on Monday with his brother, George W. Bush. President Bush was "
        "popular in the state, Jeb Bush said.\n\n"
        '"Labels are for soup cans," the president told the crowd.'
    )
    result = next(iter(Extractor().extract([Article("bush", text)])))
    said = next(a for a in result.attributions if "soup cans" in a.text)
    assert said.speaker.name != "Jeb Bush", said.speaker


@pytest.mark.parametrize(
    ("text", "tagged", "name"),
    [
        ("Ode Says Ferry Will Run\n\nLena Ode said the ferry would run.", "Ode Says", "Ode"),
        (
            "Tom Brandt Slams Harbor Board\n\nTom Brandt said the board had failed.",
            "Tom Brandt Slams Harbor Board",
            "Tom Brandt",
        ),
        (
            "Follow Tom Brandt on Twitter.\n\nBrandt said the board had failed.",
            "Follow Tom Brandt",
            "Tom Brandt",
        ),
    ],
)
def test_headline_and_byline_words_the_recognizer_joins_to_a_name_are_not_part_of_it(
    nlp: Any, text: str, tagged: str, name: str
) -> None:
    """ "Obama Says Museum Will ...", "Follow Jeff Poor": title-case words around a name in one entity."""
    doc = nlp(text)
    assert any(e.text == tagged and e.label_ == "PERSON" for e in doc.ents), "the case this test is about"
    names = [p.name for p in collect_people(doc, find_credits(text)).people]
    assert tagged not in names and name in names, names


def test_a_first_name_before_and_and_a_full_name_shares_its_surname() -> None:
    """ "Peter and Anna Kowalski": "Mr. Kowalski" is Peter, not his wife (the only Kowalski named in
    full); a surname before "and" ("Sanders and Anna Kowalski") is no first name."""
    text = (
        "The parents, Peter and Anna Kowalski, spoke at the harbor board on Monday.\n\n"
        "Mr. Kowalski said the ferry had been their son's life. Ms. Kowalski said she was proud of him.\n\n"
        "Tom Sanders opened the hearing. The vote was split between Sanders and Anna Kowalski."
    )
    result = next(iter(Extractor().extract([Article("parents", text)])))
    names = {a.speaker.mention: a.speaker.name for a in result.attributions}
    assert names["Mr. Kowalski"] == "Peter Kowalski", names
    assert names["Ms. Kowalski"] == "Anna Kowalski", names
    people = collect_people(load_pipeline()(text), find_credits(text))
    assert "Sanders Kowalski" not in {p.name for p in people.people}


def test_the_word_before_a_full_stop_is_no_title_of_the_name_after_it(nlp: Any) -> None:
    """ "... if his wife becomes governor. Mr. Halvorsen said": "governor." ends the sentence before;
    taken as a title it hid "Mr." and sent his quote to his wife."""
    text = (
        "Marta Halvorsen, the mayor, spoke first. Her husband, Erik Halvorsen, said little.\n\n"
        "The ferry will keep running if his wife becomes governor. Mr. Halvorsen said on Monday that "
        "he would leave the harbor board."
    )
    people = _people(nlp, text)
    erik = next(p for p in people.people if p.name == "Erik Halvorsen")
    assert erik.title == "Mr." and "Halvorsen" in erik.forms
    result = next(iter(Extractor().extract([Article("halvorsen-2", text)])))
    said = next(a for a in result.attributions if "leave the harbor board" in a.text)
    assert said.speaker.name == "Erik Halvorsen", said.speaker


def test_a_spaced_dash_parts_a_name_from_the_phrase_after_it(nlp: Any) -> None:
    """The recognizer runs "Lena Abrams Holt - Ruiz's sister" into one name; the dash with spaces
    around it parts two phrases, and her later quotes were all "Lena Abrams Holt - Ruiz"'s."""
    text = (
        "Lena Abrams Holt - Ruiz's sister - says the ferry will run.\n\n"
        '"It is the only way to the mainland," Holt said on Monday.'
    )
    ent = next(e for e in nlp(text).ents if e.text.startswith("Lena"))
    assert "-" in ent.text, "the case this test is about"
    assert [p.name for p in _people(nlp, text).people] == ["Lena Abrams Holt"]
    result = next(iter(Extractor().extract([Article("holt", text)])))
    said = next(a for a in result.attributions if "only way" in a.text)
    assert said.speaker.name == "Lena Abrams Holt", said.speaker


def test_a_surname_of_several_words_joins_the_full_name_it_ends() -> None:
    """ "de Vries" after "Anna de Vries", "Eskeland Moreau" before "Marta Eskeland Moreau": one person each
    (a lone surname of one word always joined; one of two words made a person of its own)."""
    assert _names("Anna de Vries", "De Vries", "de Vries") == ["Anna de Vries"] * 3
    assert _names("Eskeland Moreau", "Marta Eskeland Moreau") == ["Marta Eskeland Moreau"] * 2
    # a first and last name that a longer string ends is not taken for a surname
    assert _names("Tom Brandt", "Certainly Tom Brandt") == ["Tom Brandt", "Certainly Tom Brandt"]


def test_a_quote_of_a_surname_of_several_words_is_the_full_name_s() -> None:
    text = (
        "Mayor Anna de Vries opened the harbor hearing on Monday.\n\n"
        '"The ferry will run," De Vries said after the vote.'
    )
    result = next(iter(Extractor().extract([Article("devries", text)])))
    said = next(a for a in result.attributions if "ferry will run" in a.text)
    assert said.speaker.name == "Anna de Vries", said.speaker


def test_a_headline_name_that_runs_on_is_the_name_it_begins(nlp: Any) -> None:
    """The recognizer ran "Tom Brandt Auctioning Off Ferry Used" together in a title-case headline
    (the tagger read the verb as a name, so the headline rule could not cut it); with "Tom Brandt"
    in the text they are one person, and his quotes are Tom Brandt's."""
    text = (
        "Tom Brandt Auctioning Off Ferry Used In Harbor Rescue.\n\n"
        'Tom Brandt is selling the ferry he used in the rescue. "It is time," Brandt said.'
    )
    assert any(e.text.startswith("Tom Brandt Auctioning") for e in nlp(text).ents), "the case of this test"
    assert [p.name for p in _people(nlp, text).people] == ["Tom Brandt"]
    result = next(iter(Extractor().extract([Article("brandt-ferry", text)])))
    assert {a.speaker.name for a in result.attributions} == {"Tom Brandt"}, result.attributions


def test_a_suffix_after_a_headline_name_is_another_person() -> None:
    from indexer.extract.people import _merge_headline_names

    people = People()
    people.add("Tom Brandt Jr.", None, 0, True)
    people.add("Lena Holt Defends", None, 15, True)
    people.add("Lena Holt Campaign", None, 30, True)  # her campaign, not her
    people.add("Tom Brandt", None, 50, True)
    people.add("Lena Holt", None, 70, True)
    _merge_headline_names(people, 40)
    kept = [p.name for p in people.people]
    assert kept == ["Tom Brandt Jr.", "Lena Holt Campaign", "Tom Brandt", "Lena Holt"]
    named = [m.person.name for m in people.mentions]
    assert named == ["Tom Brandt Jr.", "Lena Holt", "Lena Holt Campaign", "Tom Brandt", "Lena Holt"]
