"""Word-wrapping article text into display lines, as character offsets (no Textual here).

A display line is `(start, end)` into the text: rendering, highlighting, search and jumping to a
span all work on offsets, so the wrapped view never copies the text.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right

from rich.cells import cell_len

_WORD = re.compile(r"\S+")


class WrappedText:
    """The display lines of `text` at a given width; line `i` is `text[starts[i]:ends[i]]`."""

    def __init__(self, text: str, width: int, *, lazy: bool = False) -> None:
        self.text = text
        self.width = max(1, width)
        self.starts = array("l")
        self.ends = array("l")
        #: Start of the first paragraph not wrapped yet; past the end when all are wrapped.
        self._next = 0
        if not lazy:
            self.wrap_rest()

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def complete(self) -> bool:
        return self._next > len(self.text)

    @property
    def wrapped_chars(self) -> int:
        """How far into the text the lines reach (whole paragraphs are wrapped at a time)."""
        return min(self._next, len(self.text))

    def wrap_more(self, chars: int) -> bool:
        """Wrap whole paragraphs covering at least `chars` more characters; True when done.

        A huge document is wrapped a screenful first and the rest in steps, so its first lines
        show at once.
        """
        text = self.text
        size = len(text)
        position = self._next
        limit = position + max(1, chars)
        while position <= size and position < limit:
            newline = text.find("\n", position)
            stop = size if newline == -1 else newline
            self._wrap_paragraph(position, stop)
            position = stop + 1
        self._next = position
        return self.complete

    def wrap_through(self, offset: int) -> None:
        """Wrap at least up to character `offset`."""
        if offset >= self._next:
            self.wrap_more(offset - self._next + 1)

    def wrap_rest(self) -> None:
        self.wrap_more(len(self.text) + 1)

    def line(self, index: int) -> tuple[int, int]:
        return self.starts[index], self.ends[index]

    def line_of(self, offset: int) -> int:
        """The display line holding character `offset` (the nearest one before it for a gap)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def _wrap_paragraph(self, start: int, stop: int) -> None:
        text, width = self.text, self.width
        starts, ends = self.starts, self.ends
        paragraph = text[start:stop]
        single = paragraph.isascii() or cell_len(paragraph) == len(paragraph)
        if (stop - start if single else cell_len(paragraph)) <= width:
            starts.append(start)
            ends.append(stop)
            return

        def cells(a: int, b: int) -> int:
            return b - a if single else cell_len(text[a:b])

        line_start = line_end = start
        for match in _WORD.finditer(text, start, stop):
            word_start, word_end = match.span()
            if cells(line_start, word_end) <= width:
                line_end = word_end
                continue
            if line_end > line_start:
                starts.append(line_start)
                ends.append(line_end)
                line_start = word_start
            # A word longer than the line is cut into line-sized pieces.
            while cells(line_start, word_end) > width:
                cut = line_start + self._fit(line_start, word_end, single)
                starts.append(line_start)
                ends.append(cut)
                line_start = cut
            line_end = word_end
        starts.append(line_start)
        ends.append(max(line_start, line_end))

    def _fit(self, start: int, stop: int, single: bool) -> int:
        """How many characters from `start` fit in one line (at least one)."""
        if single:
            return self.width
        used = 0
        for count, char in enumerate(self.text[start:stop]):
            used += cell_len(char)
            if used > self.width:
                return max(1, count)
        return stop - start
