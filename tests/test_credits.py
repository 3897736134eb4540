"""Credit lines and bylines are found, and prose that merely shares a word with them is not."""

from __future__ import annotations

import pytest

from indexer.extract.credits import find_credits


@pytest.mark.parametrize(
    ("line", "reporters"),
    [
        ("Ellen Marsh contributed reporting.", ["Ellen Marsh"]),
        ("Ida Lund and Jonah Pratt contributed.", ["Ida Lund", "Jonah Pratt"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("(Reporting by Ana Ruiz; Editing by Tom Bell.)", ["Ana Ruiz", "Tom Bell"]),
        ("Omar Haddad reported from Amman.", ["Omar Haddad"]),
    ],
)
def test_credit_lines_are_found(line: str, reporters: list[str]) -> None:
    text = f"The council met on Monday.\n\n{line}"
    credits = find_credits(text)
    assert credits.spans == [(len(text) - len(line), len(text))]
    assert credits.reporters == reporters


@pytest.mark.parametrize(
    "line",
    [
        "Analysts said rising rents have contributed to elevating the city's debt, citing a study.",
        "The mayor said the cuts never contributed to the deficit.",
        "By contrast, Mayor Reyes has a wide majority among older voters.",
        "The clinic was discredited by regulators, the report said.",
    ],
)
def test_prose_sharing_a_word_with_a_credit_line_is_not_one(line: str) -> None:
    assert find_credits(f"The council met on Monday.\n\n{line}").spans == []
