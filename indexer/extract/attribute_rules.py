"""spaCy's `attribute_ruler`, applied with array operations instead of the Matcher: same output, less time.

The English pipelines' attribute ruler maps fine-grained tags to parts of speech and morphology with
about 180 rules. Almost all are one-token patterns that test a token's tag, lowercase form, dependency
or whitespace. spaCy runs them all through its Matcher, which costs more CPU than the parser here (1.6 s
against 1.4 s for the PolNeAR dev split on one core). Extraction pays for it on every article, so:

* a one-token rule becomes a boolean mask over `Doc.to_array` columns (equality, `IN`, `NOT_IN`, and
  `REGEX` tested once per distinct value);
* a rule with a longer pattern, or a test this module does not know, stays with a Matcher of its own;
* each rule is indexed by a value a token must have for it to match (its most selective test), so a
  Doc only tries the rules whose values it contains, and the Matcher runs only when one of its rules
  can match;
* the rules are applied in the ruler's order (a later rule wins, as in spaCy) and written back with
  one `Doc.from_array`.

`vectorize(nlp)` swaps the pipeline's ruler for this one, under the same name and in the same place,
only when it can reproduce all of it: rules that set anything but POS, TAG, MORPH, LEMMA or DEP leave
spaCy's ruler in place. `tests/test_attribute_rules.py` checks every token against spaCy's own ruler.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.vocab import Vocab

NAME = "attribute_ruler"
FACTORY = "quotes_vector_attribute_ruler"
_READ = {"LOWER": LOWER, "DEP": DEP, "TAG": TAG, "IS_SPACE": IS_SPACE}  # what a rule may test, most
_COLUMNS = list(_READ.values())  # selective first (the index uses the first test a pattern has)
_WRITE = (POS, TAG, MORPH, LEMMA, DEP)  # what a rule may set

Key = tuple[int, int]  # (column, value)


class Unsupported(Exception):
    """A rule this module cannot apply itself."""


@dataclass
class _Test:
    column: int  # index into _COLUMNS
    values: np.ndarray  # the hashes (or 0/1) that pass
    negate: bool = False
    regex: re.Pattern[str] | None = None  # instead of values: the strings it finds something in

    def passes(self, columns: np.ndarray, strings: Any) -> np.ndarray:
        column = columns[:, self.column]
        if self.regex is not None:
            found = [h for h in np.unique(column).tolist() if self.regex.search(strings[h])]
            return np.isin(column, np.asarray(found, dtype=np.uint64))
        hit = column == self.values[0] if len(self.values) == 1 else np.isin(column, self.values)
        return ~hit if self.negate else hit

    def keys(self) -> list[Key] | None:
        """The values one of which a token needs to pass, or None (any token may)."""
        if self.negate or self.regex is not None:
            return None
        return [(self.column, int(v)) for v in self.values]


def _hash(vocab: Any, key: str, value: Any) -> int:
    if key == "IS_SPACE":
        if not isinstance(value, bool):
            raise Unsupported(value)
        return int(value)
    if not isinstance(value, str):
        raise Unsupported(value)
    return int(vocab.strings.add(value))


def _test(vocab: Any, key: str, spec: Any) -> _Test:
    if key not in _READ:
        raise Unsupported(key)
    column = _COLUMNS.index(_READ[key])
    if not isinstance(spec, dict):
        return _Test(column, np.asarray([_hash(vocab, key, spec)], dtype=np.uint64))
    if len(spec) != 1:
        raise Unsupported(spec)
    op, values = next(iter(spec.items()))
    if op == "REGEX" and isinstance(values, str) and key != "IS_SPACE":
        return _Test(column, np.zeros(0, dtype=np.uint64), regex=re.compile(values))
    if op not in ("IN", "NOT_IN"):
        raise Unsupported(spec)
    hashes = np.asarray([_hash(vocab, key, v) for v in values], dtype=np.uint64)
    return _Test(column, hashes, negate=op == "NOT_IN")


def _tests(vocab: Any, token: dict[str, Any], strict: bool) -> list[_Test]:
    """The tests of one pattern token; with `strict` False, the ones understood (for the index only).
    A token with an operator may be absent from a match ("?", "*") or negated ("!"), so it gives
    the index nothing to require."""
    if not strict and "OP" in token:
        return []
    out = []
    for key, spec in token.items():
        try:
            out.append(_test(vocab, key, spec))
        except Unsupported:
            if strict:
                raise
    return out


def _keys(patterns: Iterable[list[list[_Test]]]) -> list[Key] | None:
    """Values of which a token of the Doc must have one for any of the patterns to match: in each
    pattern, the test with values on the most selective column; None if a pattern has none."""
    out: list[Key] = []
    for pattern in patterns:
        keyed = sorted(
            (t for tests in pattern for t in tests if t.keys() is not None), key=lambda t: t.column
        )
        if not keyed:
            return None
        out += keyed[0].keys() or []
    return out


@dataclass
class _Rule:
    number: int  # its place in the ruler: a later rule wins
    sets: dict[int, int]  # attribute id -> value (a hash, or a part-of-speech id)
    index: int  # which token of a match it sets
    patterns: list[list[list[_Test]]] | None  # pattern -> token -> tests; None: the Matcher's rule

    def mask(self, columns: np.ndarray, strings: Any) -> np.ndarray:
        """The tokens this rule sets: a pattern of L tokens matches at every start where its i-th
        token's tests all pass on token start + i (fixed-length patterns, as the Matcher finds them)."""
        n = len(columns)
        hit = np.zeros(n, dtype=bool)
        for pattern in self.patterns or ():
            size = len(pattern)
            if size > n:
                continue
            ok = np.ones(n - size + 1, dtype=bool)
            for i, tests in enumerate(pattern):
                for t in tests:
                    ok &= t.passes(columns, strings)[i : n - size + 1 + i]
            hit[np.flatnonzero(ok) + (self.index if self.index >= 0 else size + self.index)] = True
        return hit


class VectorAttributeRuler:
    """The rules of a spaCy `AttributeRuler`, applied to whole columns at once (see the module)."""

    def __init__(self, vocab: Vocab, name: str = NAME) -> None:
        self.vocab = vocab
        self.name = name
        self._clear()

    def _clear(self) -> None:
        self._rules: list[_Rule] = []
        self._matcher = Matcher(self.vocab, validate=False)
        self._index: dict[Key, list[int]] = defaultdict(list)  # value -> the rules that need it
        self._always: list[int] = []  # rules tried on every Doc
        self._patterns: list[Any] = []  # the ruler's own form, for serialising

    # Serialised as the spaCy ruler's patterns: a pipeline sent to another process (spaCy's
    # multiprocessing, under spawn or forkserver) rebuilds the same rules.
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return bytes(srsly.msgpack_dumps(self._patterns))

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> VectorAttributeRuler:
        ruler = AttributeRuler(self.vocab, self.name)
        ruler.add_patterns(srsly.msgpack_loads(data))
        return self.load(ruler)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        (Path(path) / "patterns.msgpack").write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> VectorAttributeRuler:
        return self.from_bytes((Path(path) / "patterns.msgpack").read_bytes())

    def load(self, ruler: AttributeRuler) -> VectorAttributeRuler:
        """Take the rules of a spaCy `AttributeRuler` (raises `Unsupported` for one it cannot apply)."""
        self._clear()
        self._patterns = ruler.patterns
        for number, (pattern, attrs) in enumerate(zip(ruler.patterns, ruler.attrs, strict=True)):
            if not all(isinstance(k, int) and k in _WRITE for k in attrs):
                raise Unsupported(f"rule {number} sets {pattern['attrs']}")
            patterns: list[list[dict[str, Any]]] = pattern["patterns"]  # type: ignore[assignment]
            index = int(pattern["index"])  # type: ignore[arg-type]
            sets = {int(k): int(v) for k, v in attrs.items()}
            try:
                if not all(-len(p) <= index < len(p) for p in patterns):
                    raise Unsupported(f"rule {number}: token {index} of its pattern")
                tests = [[_tests(self.vocab, token, strict=True) for token in p] for p in patterns]
                rule = _Rule(number, sets, index, tests)
            except Unsupported:  # operators, or tests not known here
                self._matcher.add(str(number), patterns)
                tests = [[_tests(self.vocab, token, strict=False) for token in p] for p in patterns]
                rule = _Rule(number, sets, index, None)
            keys = _keys(tests)
            self._rules.append(rule)
            if keys is None:
                self._always.append(number)
            for key in keys or ():
                self._index[key].append(number)
        return self

    @property
    def matcher_rules(self) -> int:
        return sum(r.patterns is None for r in self._rules)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        columns = doc.to_array(_COLUMNS).astype(np.uint64, copy=False).reshape(n, len(_COLUMNS))
        out = doc.to_array(list(_WRITE)).astype(np.uint64, copy=False).reshape(n, len(_WRITE))
        numbers = set(self._always)
        for c in range(len(_COLUMNS)):
            for value in set(columns[:, c].tolist()):
                numbers.update(self._index.get((c, value), ()))
        rules = [self._rules[i] for i in sorted(numbers)]  # in the ruler's order: a later rule wins
        matched = self._matched(doc) if any(r.patterns is None for r in rules) else {}
        strings = doc.vocab.strings
        for rule in rules:
            where = rule.mask(columns, strings) if rule.patterns is not None else matched.get(rule.number, [])
            if len(where) == 0 or not np.any(where):
                continue
            for attr, value in rule.sets.items():
                out[where, _WRITE.index(attr)] = value
        doc.from_array(list(_WRITE), out)  # type: ignore[arg-type]
        return doc

    def _matched(self, doc: Doc) -> dict[int, list[int]]:
        """Rule number -> the tokens its Matcher patterns set."""
        out: dict[int, list[int]] = defaultdict(list)
        for match_id, start, end in self._matcher(doc, allow_missing=True):
            rule = self._rules[int(self.vocab.strings[match_id])]
            token = (start if rule.index >= 0 else end) + rule.index
            if not start <= token < end:
                raise ValueError(f"attribute rule {rule.number}: index {rule.index} is outside its match")
            out[rule.number].append(token)
        return out

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(FACTORY)
def make_vector_attribute_ruler(nlp: Language, name: str) -> VectorAttributeRuler:
    return VectorAttributeRuler(nlp.vocab, name)


def vectorize(nlp: Language) -> bool:
    """Replace the pipeline's spaCy attribute ruler by a `VectorAttributeRuler` with the same rules,
    when it can apply every one of them; True if it did."""
    if NAME not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(NAME)
    if not isinstance(ruler, AttributeRuler):
        return False
    try:
        VectorAttributeRuler(nlp.vocab, NAME).load(
            ruler
        )  # all or nothing: spaCy's ruler stays if one rule fails
    except Unsupported:
        return False
    fast = nlp.replace_pipe(NAME, FACTORY)
    assert isinstance(fast, VectorAttributeRuler)
    fast.load(ruler)
    return True
