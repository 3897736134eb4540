"""Where a cue's content ends when the same speaker goes on to a second statement in the sentence.

PolNeAR annotates "argued that X, citing Y" and "said X and vowed to Y" as two attributions; one
content running over both is scored as a miss of the second and a worse match of the first. The
sentences are invented and parsed by the real pipeline.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc

from indexer.extract.content import clause_content, content_options
from indexer.extract.engine import Extractor, load_pipeline
from indexer.model import Article


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


def _content_of(nlp: Any, text: str, cue: str) -> str:
    doc = nlp(text)
    tok = next(t for t in doc if t.text == cue)
    pieces = clause_content(tok)
    assert pieces, f"no content for {cue!r}"
    return " / ".join(text[a:b] for a, b in pieces)


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # a participle after the comma that closes the quote: the next statement, not this one
        (
            'The union argued that the cuts were "reckless," citing the rise in fares since March.',
            "argued",
            'that the cuts were "reckless,"',
        ),
        # a second cue joined by "and", after a subject that cannot itself vow
        ("Brandt said the pier was safe and vowed to reopen it by June.", "said", "the pier was safe"),
        # "add" with words of its own is a second statement ("added jobs" is not: see below)
        (
            'Jones said he welcomed the inquiry and added, "I will cooperate, no problem."',
            "said",
            "he welcomed the inquiry",
        ),
        # down a chain of coordinated predicates, cut at the last "and"
        (
            "The mayor said the bridge had the right railings but was hurt by voter distrust - and arguing "
            "that it was safe.",
            "said",
            "the bridge had the right railings but was hurt by voter distrust",
        ),
        # a verb that needs a clause, with one: "questioned how ..." is a second statement
        (
            "Ana Brandt said she makes $41,000 a year and questioned how she would be helped by the plan.",
            "said",
            "she makes $41,000 a year",
        ),
        # a belief of someone's own in a relative clause is no part of the content it hangs on
        (
            "Graham criticized his rival Tom Brandt for alienating voters, which he believes will make it "
            "impossible for a Republican to win.",
            "criticized",
            "his rival Tom Brandt for alienating voters",
        ),
        # ... but a belief in a restrictive relative clause is part of what is said
        (
            "A housewife said she came to honor someone she believes had sacrificed himself for the country.",
            "said",
            "she came to honor someone she believes had sacrificed himself for the country",
        ),
        # "call" naming what its object is
        (
            'Lee said he found Park "very charming" and called his standing in the field "unheard of."',
            "said",
            'he found Park "very charming"',
        ),
    ],
)
def test_the_content_ends_before_the_speakers_next_statement(
    nlp: Any, text: str, cue: str, content: str
) -> None:
    assert _content_of(nlp, text, cue) == content


def test_a_person_subject_keeps_the_coordinated_verb(nlp: Any) -> None:
    """ "said Ruiz was wrong and vowed": Ruiz may be the one who vowed; the clause stays whole."""
    text = "Brandt said Ana Ruiz was wrong about the pier and vowed to reopen it by June."
    assert _content_of(nlp, text, "said").endswith("vowed to reopen it by June")


def test_what_the_speaker_did_after_the_quote_is_its_own_attribution() -> None:
    text = '"Too much noise," she said, blaming the night crossings for the complaints.'
    result = Extractor().extract_one(Article("noise", text))
    quote = next(a for a in result.attributions if "Too much noise" in a.text)
    assert "blaming" not in quote.text and "crossings" not in quote.text, quote.text


def test_a_that_clause_hung_on_a_phrase_is_the_content(nlp: Any) -> None:
    """ "predicted at the debate that ...": the parser hangs the clause on "debate" as a relative
    clause; it is what was predicted. A true relative clause ("spoke at the debate that voters
    watched", with no object of its own) gives the cue no content."""
    text = "Ruiz predicted at the debate that Republicans will win every state."
    doc = nlp(text)
    win = next(t for t in doc if t.text == "win")
    assert (win.dep_, win.head.text) == ("relcl", "debate")  # the misparse under test
    assert _content_of(nlp, text, "predicted") == "that Republicans will win every state"
    spoke = next(t for t in nlp("Ruiz spoke at the debate that voters watched.") if t.text == "spoke")
    assert not clause_content(spoke)


def test_coordinated_acts_that_say_nothing_stay_in_the_content(nlp: Any) -> None:
    assert _content_of(nlp, "The council said it had added jobs and cut costs.", "said") == (
        "it had added jobs and cut costs"
    )
    assert _content_of(nlp, "Lee said he met the mayor and called a meeting for Monday.", "said") == (
        "he met the mayor and called a meeting for Monday"
    )


def test_the_addressee_of_tell_does_not_hide_the_that_clause() -> None:
    """ "telling reporters during a visit to Ohio that he thinks ...": the parser hangs the clause on
    "visit"; "reporters" is who heard it, so the clause is still what was told."""
    text = (
        "Smith has praised the city's decision to leave the league as \u201cwonderful,\u201d "
        "telling reporters during a visit to Ohio on Friday that he thinks the move is "
        "\u201ca great thing.\u201d"
    )
    result = Extractor().extract_one(Article("told", text))
    told = next(a for a in result.attributions if a.cue is not None and a.cue.text == "telling")
    assert told.text.startswith("that he thinks the move is"), told.text
    assert told.speaker.mention == "Smith"


def test_a_cue_inside_brackets_interrupts_only_the_brackets() -> None:
    text = 'The vote drew blowback from members ("I want my dues back," wrote Ed Nel, a welder in Ohio).'
    result = Extractor().extract_one(Article("brackets", text))
    quote = next(a for a in result.attributions if "dues back" in a.text)
    assert quote.text.rstrip(",") == "I want my dues back", quote.text
    assert quote.speaker.mention == "Ed Nel"


def test_the_quote_before_the_cue_is_its_content_not_the_narration_after(nlp: Any) -> None:
    """ "“...,” Reed said, mentioning the album is ...": when the parser hangs the clause after the
    participle on "said" as a second complement (a parse the pipeline makes on real articles, set by
    hand here), the closed quote before the cue is still what was said."""
    words = ["\u201c", "We", "had", "written", "songs", ",", "\u201d", "Reed", "said", ","]
    words += ["mentioning", "the", "album", "is", "due", "."]
    spaces = [False, True, True, True, False, False, True, True, False, True]
    spaces += [True, True, True, True, False, False]
    heads = [3, 3, 3, 8, 3, 8, 8, 8, 8, 8, 8, 12, 13, 8, 13, 8]
    deps = ["punct", "nsubj", "aux", "ccomp", "dobj", "punct", "punct", "nsubj", "ROOT", "punct", "dep"]
    deps += ["det", "nsubj", "ccomp", "acomp", "punct"]
    tags = ["``", "PRP", "VBD", "VBN", "NNS", ",", "''", "NNP", "VBD", ","]
    tags += ["VBG", "DT", "NN", "VBZ", "JJ", "."]
    lemmas = ["\u201c", "we", "have", "write", "song", ",", "\u201d", "Reed", "say", ","]
    lemmas += ["mention", "the", "album", "be", "due", "."]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags, lemmas=lemmas)
    pieces = clause_content(doc[8])
    assert pieces, "no content for 'said'"
    content = " / ".join(doc.text[a:b] for a, b in pieces)
    assert "written songs" in content, content
    assert "album" not in content, content


def test_what_a_learned_cue_governs_ends_before_a_coordinated_clause_of_its_own(nlp: Any) -> None:
    """ "proposed a debate on April 4, but the other campaign rejected the idea": the clause after
    "but" has a subject of its own; it is another's act, not what was proposed."""
    text = "Ruiz proposed a debate on April 4, but the Brandt campaign rejected the idea as too late."
    doc = nlp(text)
    tok = next(t for t in doc if t.text == "proposed")
    start, end = content_options(tok)["right"]
    assert text[start:end] == "a debate on April 4", text[start:end]


def test_a_claim_said_again_is_the_content_of_the_verb() -> None:
    text = "Tom Brandt spoke on Monday. He repeated his claim that the vote was rigged."
    found = Extractor().extract_one(Article("claim", text)).attributions
    (said,) = [a for a in found if "rigged" in a.text]
    assert said.text == "that the vote was rigged", said.text


def test_believing_another_s_claim_is_not_saying_it(nlp: Any) -> None:
    # the claim stays what "believed" governs; the noun "claim" may still make its own report
    doc = nlp("Tom Brandt spoke on Monday. Few believed his claim that the vote was rigged.")
    tok = next(t for t in doc if t.text == "believed")
    start, end = content_options(tok)["right"]
    assert doc.text[start:end].startswith("his claim that")
    assert "comp" not in content_options(tok)


def test_a_participle_with_words_of_its_own_is_no_aside() -> None:
    """ "celebrated with supporters, declaring it “...”": the participle after the comma says its own
    words; it does not interrupt the sentence the way "he said" does in "The most modest, he said, ..."."""
    text = (
        "Ruiz celebrated in Dover with supporters, declaring it \u201canother super Tuesday for our "
        "campaign\u201d and said it was another step closer to winning."
    )
    found = Extractor().extract_one(Article("aside", text)).attributions
    declaring = next(a for a in found if a.cue is not None and a.cue.text == "declaring")
    assert declaring.text.startswith("it \u201canother super Tuesday"), declaring.text
    assert "celebrated" not in declaring.text and "step closer" not in declaring.text


def test_a_second_act_hung_on_a_word_of_the_content_ends_it(nlp: Any) -> None:
    """ "called it “shameful” and called on leaders ...": the parser hangs the second "called" on
    "shameful"; it is the speaker's next act, not part of what the first one named."""
    text = 'He called it "shameful" and called on leaders "not to feed that dark impulse inside of us."'
    assert "leaders" not in _content_of(nlp, text, "called")


def test_what_a_learned_cue_governs_ends_before_when_or_why(nlp: Any) -> None:
    """ "defended his manager as a “very decent man” Tuesday, hours after the staffer was charged": the
    clause after "after" says when, not what he defended; "asked workers if they ..." keeps its "if"."""
    doc = nlp(
        'Donald Trump defended his campaign manager as a "very decent man" Tuesday, hours after the '
        "staffer was charged with battery in Florida."
    )
    start, end = content_options(next(t for t in doc if t.text == "defended"))["right"]
    assert "charged" not in doc.text[start:end] and "decent man" in doc.text[start:end]
    doc = nlp("He asked workers if they planned to attend the caucuses.")
    start, end = content_options(next(t for t in doc if t.text == "asked"))["right"]
    assert "if they planned to attend the caucuses" in doc.text[start:end]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        # "the days" parsed as an adverbial noun of "said", "are gone" as a clause with no subject
        (
            "Ruiz said the days when the town had one newspaper and one radio station are gone.",
            "the days when the town had one newspaper and one radio station are gone",
        ),
        # a clause with a subject of its own keeps its start
        ("Ruiz said Tuesday the days of one newspaper are gone.", "the days of one newspaper are gone"),
    ],
)
def test_the_noun_before_a_subjectless_clause_is_its_subject(nlp: Any, text: str, content: str) -> None:
    assert _content_of(nlp, text, "said") == content
