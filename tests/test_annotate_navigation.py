"""The caret's moves in annotation mode (`tui.text_navigation`): offsets in, offsets out, no
screen. The keys that call them are checked through Pilot in test_annotate.py."""

from __future__ import annotations

import pytest

from tui.text_navigation import (
    TEXT_UNITS,
    moved,
    next_clause,
    next_word,
    nudged,
    paragraph_start,
    previous_clause,
    previous_word,
    trimmed,
    word_end,
)

TEXT = 'The mayor, Ann Lee, said: "Bridges matter." Nobody came.'


def at(word: str, text: str = TEXT) -> int:
    return text.index(word)


def test_next_word_goes_to_the_next_word_or_punctuation_run() -> None:
    assert next_word(TEXT, 0) == at("mayor")
    assert next_word(TEXT, 1) == at("mayor")  # from inside a word: the next one
    assert next_word(TEXT, at("mayor")) == at(",")  # punctuation is a word of its own
    assert next_word(TEXT, at(",")) == at("Ann")
    assert next_word(TEXT, at("came")) == TEXT.index(".", at("came"))
    assert next_word(TEXT, len(TEXT) - 1) == len(TEXT)  # none left: the end


def test_a_word_keeps_inner_apostrophes_hyphens_and_dots() -> None:
    text = "don't stop al-Sham at U.S. bases"
    assert next_word(text, 0) == at("stop", text)
    assert next_word(text, at("al-", text)) == at("at", text)
    assert next_word(text, at("U.S", text)) == at(". bases", text)  # a dot at the end: punctuation
    assert word_end(text, at("al-", text)) == at(" at", text)
    assert word_end(text, at(" at", text)) == at(" at", text)  # no word starts on a space


def test_previous_word_goes_to_the_start_of_the_word_before_or_the_one_it_is_in() -> None:
    assert previous_word(TEXT, at("Ann")) == at(",")
    assert previous_word(TEXT, at("Ann") + 2) == at("Ann")
    assert previous_word(TEXT, at("mayor")) == 0
    assert previous_word(TEXT, 0) == 0


def test_previous_word_looks_back_a_bounded_window() -> None:
    """A long run of spaces: the caret moves back at most 400 characters at a time."""
    text = "word" + " " * 1000 + "x"
    step = previous_word(text, len(text) - 1)
    assert 0 < step < len(text) - 1 and len(text) - 1 - step == 400
    assert previous_word(text, 300) == 0


def test_clauses_end_before_punctuation_and_start_after_it() -> None:
    assert next_clause(TEXT, 0) == at(",")
    assert next_clause(TEXT, at(",")) == at(", said")
    assert next_clause(TEXT, at("Nobody")) == len(TEXT) - 1  # the full stop
    assert next_clause("no marks", 0) == len("no marks")
    assert previous_clause(TEXT, at("Lee")) == at("Ann")
    assert previous_clause(TEXT, at("said")) == at("Ann")  # from a clause's start: the one before
    assert previous_clause(TEXT, at("mayor")) == 0


def test_paragraph_moves_skip_blank_lines_and_stop_at_a_paragraph_start_first() -> None:
    text = "Title\n\n  First one.\nSecond one.\n\nThird."
    assert paragraph_start(text, 0, 1) == at("First", text)  # leading spaces skipped
    assert paragraph_start(text, at("First", text), 1) == at("Second", text)
    assert paragraph_start(text, at("Third", text), 1) == len(text)
    assert paragraph_start(text, at("one.\n\n", text), -1) == at("Second", text)
    assert paragraph_start(text, at("Second", text), -1) == at("  First", text)
    assert paragraph_start(text, at("Third", text), -1) == at("Second", text)
    assert paragraph_start(text, 3, -1) == 0


def test_moved_by_each_text_unit_and_refuses_the_others() -> None:
    assert moved(TEXT, 3, "char", -5) == 0 and moved(TEXT, len(TEXT) - 1, "char", 4) == len(TEXT)
    assert moved(TEXT, 0, "word", 1) == at("mayor")
    assert moved(TEXT, at("Ann"), "word", -1) == at(",")
    assert moved(TEXT, 0, "clause", 1) == at(",")
    assert moved(TEXT, at("Lee"), "clause", -1) == at("Ann")
    assert moved("a\n\nb", 0, "paragraph", 1) == 3
    assert moved(TEXT, 7, "top", -1) == 0 and moved(TEXT, 7, "bottom", 1) == len(TEXT)
    assert {"char", "word", "clause", "paragraph", "top", "bottom"} == TEXT_UNITS
    with pytest.raises(ValueError):
        moved(TEXT, 0, "line", 1)  # the view's own: it depends on the wrapping


def test_trimmed_drops_spaces_and_the_given_marks_at_both_ends() -> None:
    text = '  "Bridges matter."\xa0\n'
    assert trimmed(text, 0, len(text)) == (2, len(text) - 2)
    start, end = trimmed(text, 0, len(text), '"')
    assert text[start:end] == "Bridges matter."
    assert trimmed("   ", 0, 3) == (3, 3)  # nothing left: an empty span


def test_nudged_moves_one_edge_of_a_span_by_a_word() -> None:
    text = "The New York Times reported it on Monday."
    span = (at("New", text), at(" Times", text))  # "New York"
    grown = nudged(text, *span, "end", 1)
    assert grown is not None and text[slice(*grown)] == "New York Times"
    earlier = nudged(text, *grown, "start", -1)
    assert earlier is not None and text[slice(*earlier)] == "The New York Times"
    later = nudged(text, *earlier, "start", 1)
    assert later is not None and text[slice(*later)] == "New York Times"
    shrunk = nudged(text, *later, "end", -1)
    assert shrunk is not None and text[slice(*shrunk)] == "New York"
    last = nudged(text, at("on", text), at(" Monday", text), "end", 1)
    assert last is not None and text[slice(*last)] == "on Monday"  # no space taken in


def test_nudged_refuses_a_move_that_empties_or_changes_nothing() -> None:
    text = "The New York Times"
    one_word = (at("New", text), at(" York", text))
    assert nudged(text, *one_word, "end", -1) is None  # nothing left
    assert nudged(text, *one_word, "start", 1) is None  # the start past the end
    assert nudged(text, at("Times", text), len(text), "end", 1) is None  # no word after
    assert nudged(text, 0, 3, "start", -1) is None  # already at the start
    with pytest.raises(ValueError):
        nudged(text, 0, 3, "middle", 1)
