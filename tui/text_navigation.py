"""Moving a caret through an article's text: by character, word, clause and paragraph, and
moving one edge of a span by a word. Plain Python over offsets (offsets in, offsets out); the
annotation view and screen call it, moves that depend on the screen's line wrapping (line, page,
line start and end) stay in the view.

A caret sits between characters: offset `n` is before `text[n]`, `len(text)` is the end.
"""

from __future__ import annotations

import re

#: A word for the cursor: letters and digits (with inner apostrophes, dots, hyphens), or a run
#: of punctuation.
WORD = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]+")
#: Where a clause ends: punctuation and quote marks (the caret stops on them).
CLAUSE_END = re.compile(r"[,;:.!?“”\"]|\n")
#: White space skipped around words, clauses and paragraphs (a no-break space included).
SPACES = " \t\n\xa0"
#: Look-behind window when moving back (words and clauses are far shorter).
_BACK = 400
#: The moves that need nothing but the text (the others need the screen's line wrapping).
TEXT_UNITS = frozenset({"char", "word", "clause", "paragraph", "top", "bottom"})


def next_word(text: str, offset: int) -> int:
    """The start of the next word after `offset` (the end of the text when there is none)."""
    match = WORD.search(text, offset)
    if match is not None and match.start() == offset:
        match = WORD.search(text, match.end())
    return match.start() if match is not None else len(text)


def previous_word(text: str, offset: int) -> int:
    """The start of the word before `offset` (or of the one it is inside)."""
    window = max(0, offset - _BACK)
    starts = [m.start() for m in WORD.finditer(text, window, offset)]
    starts = [s for s in starts if s < offset]
    if starts and (starts[-1] > window or window == 0):
        return starts[-1]
    return window if window else 0


def word_end(text: str, start: int) -> int:
    """The end of the word starting at `start` (`start` itself when no word starts there)."""
    match = WORD.match(text, start)
    return match.end() if match is not None else start


def next_clause(text: str, offset: int) -> int:
    """The next punctuation mark or line break after `offset`: a selection up to it ends
    a clause (the mark itself is not selected)."""
    match = CLAUSE_END.search(text, offset + 1)
    return match.start() if match is not None else len(text)


def previous_clause(text: str, offset: int) -> int:
    """The start of the clause before `offset`: the first character after a punctuation mark
    or a line break (and the spaces after it)."""
    window = max(0, offset - _BACK)
    best = window
    for match in CLAUSE_END.finditer(text, window, offset):
        at = match.end()
        while at < offset and text[at] in SPACES:
            at += 1
        if at < offset:
            best = at
    return best


def paragraph_start(text: str, offset: int, step: int) -> int:
    """The start of the next (`step` 1) or previous (-1) paragraph; moving back from inside a
    paragraph stops at its own start first."""
    if step > 0:
        at = text.find("\n", offset)
        if at < 0:
            return len(text)
        while at < len(text) and text[at] in SPACES:
            at += 1
        return at
    own = text.rfind("\n", 0, offset) + 1
    if own < offset and text[own:offset].strip():
        return own
    at = own - 1
    while at > 0 and text[at - 1] in SPACES:
        at -= 1
    return text.rfind("\n", 0, at) + 1 if at > 0 else 0


def moved(text: str, offset: int, unit: str, step: int) -> int:
    """The caret at `offset` moved one `unit` (one of TEXT_UNITS) forward (`step` > 0) or
    back; "char" moves `step` characters, "top" and "bottom" go to the ends."""
    if unit == "char":
        return max(0, min(len(text), offset + step))
    if unit == "word":
        return next_word(text, offset) if step > 0 else previous_word(text, offset)
    if unit == "clause":
        return next_clause(text, offset) if step > 0 else previous_clause(text, offset)
    if unit == "paragraph":
        return paragraph_start(text, offset, step)
    if unit == "top":
        return 0
    if unit == "bottom":
        return len(text)
    raise ValueError(f"not a text move: {unit!r}")


def trimmed(text: str, start: int, end: int, strip: str = "") -> tuple[int, int]:
    """`start:end` without surrounding white space (and the characters in `strip`)."""
    drop = SPACES + strip
    while start < end and text[start] in drop:
        start += 1
    while end > start and text[end - 1] in drop:
        end -= 1
    return start, end


def nudged(text: str, start: int, end: int, edge: str, step: int) -> tuple[int, int] | None:
    """The span `start:end` with its `edge` ("start" or "end") moved one word right (`step`
    > 0) or left: the end takes in the next word or gives back its last one, the start moves
    to a word's start. None when the move leaves no span or changes nothing."""
    was = (start, end)
    if edge == "end":
        if step > 0:
            found = next_word(text, end)
            if found < len(text):
                end = trimmed(text, start, word_end(text, found))[1]
        else:
            end = trimmed(text, start, previous_word(text, end))[1]
    elif edge == "start":
        start = previous_word(text, start) if step < 0 else next_word(text, start)
    else:
        raise ValueError(f"not an edge: {edge!r}")
    if not 0 <= start < end <= len(text) or (start, end) == was:
        return None
    return start, end
