"""The spaCy factories are registered through the `spacy_factories` entry point of pyproject.toml:
`nlp.add_pipe("quote_attributions")` and `nlp.add_pipe("paragraph_breaks")` work in a program that
never imports this package."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys, spacy
nlp = spacy.blank("en")
pipe = nlp.add_pipe("quote_attributions")
print(type(pipe).__module__, type(pipe).__name__)
breaks = nlp.add_pipe("paragraph_breaks", first=True)
print(breaks.__module__, breaks.__name__, nlp("Road closed\\nThe mayor spoke.")[3].is_sent_start)
"""


def test_add_pipe_finds_the_factory_without_an_import() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, cwd="/", timeout=120
    )
    assert done.returncode == 0, done.stderr[-1000:]
    assert done.stdout.split() == [
        "indexer.extract.component",
        "QuoteAttributions",
        "indexer.extract.paragraphs",
        "paragraph_breaks",
        "True",
    ]
