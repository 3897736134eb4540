"""Finding direct quotes from quote marks (`find_quotes`): which marks pair, and where a quote ends.

All text here is made up for the tests.
"""

from __future__ import annotations

from indexer.extract.quotemarks import find_quotes


def quoted(text: str) -> list[str]:
    """The content of each quote found, marks excluded."""
    return [text[q.start : q.end] for q in find_quotes(text)]


def pieces(text: str) -> list[list[str]]:
    """Each quote's per-paragraph fragments."""
    return [[text[s:e] for s, e in q.fragments] for q in find_quotes(text)]


def test_curly_quote_content_excludes_the_marks() -> None:
    assert quoted("She said “the bridge opens in May” on Monday.") == ["the bridge opens in May"]


def test_straight_quote_content_excludes_the_marks() -> None:
    assert quoted('She said "the bridge opens in May" on Monday.') == ["the bridge opens in May"]


def test_two_straight_quotes_in_one_paragraph_pair_in_order() -> None:
    text = '"We are ready," she said. "The vote is Tuesday."'
    assert quoted(text) == ["We are ready,", "The vote is Tuesday."]


def test_straight_opening_mark_closes_on_a_curly_closing_mark() -> None:
    assert quoted('He said "we are nearly done” and left.') == ["we are nearly done"]


def test_curly_opening_mark_closes_on_a_straight_mark() -> None:
    assert quoted('He said “we are nearly done" and left.') == ["we are nearly done"]


def test_offsets_index_the_original_text() -> None:
    text = "Intro.\n\n“One two three,” she said."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "One two three,"
    assert quote.outer == (text.index("“"), text.index("”") + 1)


def test_multi_paragraph_quote_is_one_quote_with_a_fragment_per_paragraph() -> None:
    text = "“The first paragraph.\n\n“The second paragraph.\n\n“The last one,” she said."
    assert pieces(text) == [["The first paragraph.", "The second paragraph.", "The last one,"]]


def test_multi_paragraph_quote_spans_from_first_to_last_paragraph() -> None:
    text = "“The first paragraph.\n\n“The last one,” she said."
    (quote,) = find_quotes(text)
    assert (quote.start, quote.end) == (1, text.index("”"))
    assert quote.closed


def test_straight_multi_paragraph_quote_is_one_quote() -> None:
    text = '"The first paragraph.\n\n"The last one," she said.'
    assert pieces(text) == [["The first paragraph.", "The last one,"]]


def test_unbalanced_opening_mark_closes_at_the_paragraph_end() -> None:
    text = "She would “keep coming back.\n\nThe mayor said nothing."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "keep coming back."
    assert not quote.closed


def test_unbalanced_opening_mark_does_not_swallow_the_next_paragraphs() -> None:
    text = "She would “keep coming back.\n\nThe mayor said “no comment” later.\n\nThe end."
    assert quoted(text) == ["keep coming back.", "no comment"]


def test_unbalanced_mark_at_the_end_of_the_text_takes_the_rest_without_trailing_space() -> None:
    text = "One of them said she would “keep coming back until somebody listens.\n"
    assert quoted(text) == ["keep coming back until somebody listens."]


def test_stray_closing_mark_opens_nothing() -> None:
    text = "The hall emptied.” Later the clerk said “we are closed” and left."
    assert quoted(text) == ["we are closed"]


def test_nested_single_quotes_stay_inside_the_quote() -> None:
    text = "“My father used to say, ‘a promise is kept,’ and he meant it,” she said."
    assert quoted(text) == ["My father used to say, ‘a promise is kept,’ and he meant it,"]


def test_nested_straight_single_quotes_stay_inside_the_quote() -> None:
    text = "\"My father used to say, 'a promise is kept,' and he meant it,\" she said."
    assert quoted(text) == ["My father used to say, 'a promise is kept,' and he meant it,"]


def test_an_opening_mark_typed_to_close_closes() -> None:
    text = "He called for an “expedited review“ of the pier. “Do you want a ferry?“ she asked."
    assert quoted(text) == ["expedited review", "Do you want a ferry?"]


def test_a_nested_curly_quote_still_nests() -> None:
    text = "“The sign said “No boats” all week,” she said."
    assert quoted(text) == ["The sign said “No boats” all week,"]


def test_a_curly_quote_nests_inside_a_straight_quote() -> None:
    text = '"The fund is not about “fair pay” anymore. It is about control," she said.'
    assert quoted(text) == ["The fund is not about “fair pay” anymore. It is about control,"]


def test_a_curly_quote_nests_inside_a_straight_multi_paragraph_quote() -> None:
    text = 'She wrote:\n\n"The ruling on its “Pier Bill” is wrong.\n\n"The pier stays open."\n\nNo vote.'
    assert pieces(text) == [["The ruling on its “Pier Bill” is wrong.", "The pier stays open."]]


def test_a_straight_mark_typed_before_a_curly_one_is_one_opening() -> None:
    text = '"“We win by delegates,” Ruiz said before adding that she would go on.'
    assert quoted(text) == ["“We win by delegates,"]


def test_apostrophes_do_not_end_a_quote() -> None:
    text = "“It’s the workers’ money,” she said."
    assert quoted(text) == ["It’s the workers’ money,"]


def test_crlf_paragraphs_give_fragments_without_carriage_returns() -> None:
    text = "“The first paragraph.\r\n\r\n“The last one,” she said.\r\nThen “another” one."
    assert pieces(text) == [["The first paragraph.", "The last one,"], ["another"]]


def test_crlf_unbalanced_mark_closes_at_the_paragraph_end() -> None:
    text = "She would “keep coming back.\r\n\r\nThe mayor said “no comment” later."
    assert quoted(text) == ["keep coming back.", "no comment"]


def test_nbsp_inside_and_around_a_quote_keeps_offsets() -> None:
    text = "He said\u00a0“we are\u00a0done”\u00a0today."
    assert quoted(text) == ["we are\u00a0done"]


def test_two_apostrophes_act_as_double_quote_marks() -> None:
    text = "He said ''the ferry will run on Sunday'' to reporters."
    assert quoted(text) == ["the ferry will run on Sunday"]


def test_two_apostrophe_quote_keeps_apostrophes_inside() -> None:
    text = "''It's the children's room,'' said the librarian."
    assert quoted(text) == ["It's the children's room,"]


def test_text_without_marks_has_no_quotes() -> None:
    assert find_quotes("The council met on Tuesday and adjourned at nine.") == []


def test_a_straight_mark_right_after_a_colon_opens_a_quote() -> None:
    """Transcripts typed with no space after the speaker's colon."""
    text = 'Rep. Ana Ruiz (D-Ore.):"Who told you that?"\n\nLena Holt:"We learned that from the board."'
    assert quoted(text) == ["Who told you that?", "We learned that from the board."]


def test_a_straight_mark_closing_a_quote_before_a_colon_is_no_opening() -> None:
    assert quoted('The sign read "Closed:" and the pier stayed shut.') == ["Closed:"]
