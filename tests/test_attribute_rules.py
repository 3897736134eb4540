"""The vectorised attribute ruler gives every token the annotations spaCy's own ruler gives it."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy

from indexer.extract.attribute_rules import VectorAttributeRuler, vectorize
from indexer.model import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[1]
# The ruler's rare rules: two-token patterns (gon na, got ta, let's, c'mon, y'all, ai n't, there is),
# a regular expression (nothin'), and whitespace tokens.
RARE = (
    "Y'all ain't gon na believe it, she said. There is nothin' left, c'mon, let's go.\n\n"
    "“We gotta win,” he said.   There were   three of them; there's one now, and there are two."
)
BEFORE = ["attribute_ruler", "lemmatizer", "ner"]


def _texts() -> list[str]:
    paths = sorted((ROOT / "samples").rglob("*.txt")) + sorted((ROOT / "tests" / "data").glob("*.txt"))
    return [RARE, *(p.read_text(encoding="utf-8") for p in paths)]


def _annotations(doc: spacy.tokens.Doc) -> list[tuple[str, str, str, str, str, str]]:
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.fixture(scope="module")
def pipelines() -> tuple[spacy.Language, spacy.Language]:
    plain = spacy.load(DEFAULT_MODEL, exclude=["senter"])
    fast = spacy.load(DEFAULT_MODEL, exclude=["senter"])
    assert vectorize(fast)
    return plain, fast


def _annotate(nlp: spacy.Language, texts: list[str]) -> list[spacy.tokens.Doc]:
    with nlp.select_pipes(disable=BEFORE):
        docs = list(nlp.pipe(texts))
    for name in ("attribute_ruler", "lemmatizer"):
        docs = [nlp.get_pipe(name)(d) for d in docs]
    return docs


def test_same_annotations_as_spacy(pipelines: tuple[spacy.Language, spacy.Language]) -> None:
    plain, fast = pipelines
    assert fast.pipe_names == plain.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), VectorAttributeRuler)
    texts = _texts()
    assert len(texts) >= 4
    for a, b in zip(_annotate(plain, texts), _annotate(fast, texts), strict=True):
        assert _annotations(a) == _annotations(b)


def test_rare_rules_fire(pipelines: tuple[spacy.Language, spacy.Language]) -> None:
    """The comparison above is not vacuous: the multi-token and regex rules set these lemmas and tags."""
    _, fast = pipelines
    doc = _annotate(fast, [RARE])[0]
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to" and lemmas["ta"] == "to"
    assert lemmas["nothin'"] == "nothing" and lemmas["c'm"] == "come" and lemmas["ai"] == "be"
    assert [t.pos_ for t in doc if t.lower_ in ("is", "were", "are")] == ["VERB", "VERB", "VERB"]
    assert all(t.pos_ == "SPACE" and t.tag_ == "_SP" for t in doc if t.is_space)


def test_serialises_with_its_rules(pipelines: tuple[spacy.Language, spacy.Language]) -> None:
    """A pipeline sent to another process (spawn, forkserver) rebuilds the same rules."""
    plain, fast = pipelines
    copy = pickle.loads(pickle.dumps(fast))
    ruler = copy.get_pipe("attribute_ruler")
    assert isinstance(ruler, VectorAttributeRuler) and ruler.matcher_rules == 0
    texts = _texts()[:2]
    assert [_annotations(d) for d in copy.pipe(texts)] == [_annotations(d) for d in plain.pipe(texts)]


def test_unknown_rules_stay_with_spacy() -> None:
    """A ruler with a rule it cannot reproduce (one that sets NORM) is left in place; a pattern with an
    operator goes to a Matcher of its own."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na", "OP": "?"}]], {"LEMMA": "go"})
    ruler.add([[{"LOWER": "so", "OP": "?"}, {"LOWER": "wan"}]], {"LEMMA": "want"}, index=-1)
    assert vectorize(nlp)
    fast = nlp.get_pipe("attribute_ruler")
    assert isinstance(fast, VectorAttributeRuler) and fast.matcher_rules == 2
    assert [t.lemma_ for t in nlp("gon na gon")] == ["go", "", "go"]
    # the optional first word is not required: the rule still applies where it is absent
    assert [t.lemma_ for t in nlp("i wan it")] == ["", "want", ""]

    other = spacy.blank("en")
    other.add_pipe("attribute_ruler").add([[{"LOWER": "u"}]], {"NORM": "you"})
    assert not vectorize(other)
    assert type(other.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
