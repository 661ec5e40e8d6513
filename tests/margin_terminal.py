"""A pyte terminal with VT420 left/right margins, for the tests and bench/tui.py.

pyte (0.8) has top/bottom margins (DECSTBM) but not left/right ones: it ignores DECLRMM (mode
69) and `CSI l;r s`, and would scroll whole rows where a real terminal moves only the cells
between the margins. `MarginScreen` adds what Byline's wide scroll path uses (see
tui/margin_scroll.py), as xterm does it:

- DECLRMM (`CSI ? 69 h` / `l`): while it is set, `CSI l;r s` is DECSLRM (set the left and right
  margins, 1-based, inclusive; no parameters: the full width; the cursor goes home); while it
  is reset, `CSI s` saves the cursor (SCOSC) and resetting it drops the margins;
- index (ESC D, and line feed) at the bottom margin and reverse index (ESC M) at the top one
  scroll only the cells between the margins, if the cursor is between them; if it is not,
  the cursor stays where it is.

`DecrqmAnswer` answers Byline's question "do you have mode 69?" as a terminal would.
"""

from __future__ import annotations

from typing import Any

import pyte

LEFT_RIGHT_MARGIN_MODE = 69
QUERY = b"\x1b[?69$p"


class MarginScreen(pyte.Screen):
    """A pyte screen with left/right margins (DECLRMM, DECSLRM)."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.left_right_mode = False
        #: 0-based, inclusive; None: the full width.
        self.left_right_margins: tuple[int, int] | None = None

    def reset(self) -> None:
        super().reset()
        self.left_right_mode = False
        self.left_right_margins = None

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        super().set_mode(*modes, **kwargs)
        if kwargs.get("private") and LEFT_RIGHT_MARGIN_MODE in modes:
            self.left_right_mode = True

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        super().reset_mode(*modes, **kwargs)
        if kwargs.get("private") and LEFT_RIGHT_MARGIN_MODE in modes:
            self.left_right_mode = False
            self.left_right_margins = None

    def set_left_right_margins(
        self, left: int | None = None, right: int | None = None, **_: Any
    ) -> None:
        """`CSI Pl ; Pr s`: DECSLRM while DECLRMM is set, else SCOSC (save the cursor)."""
        if not self.left_right_mode:
            self.save_cursor()
            return
        first = max(1, left or 1) - 1
        last = min(self.columns, right or self.columns) - 1
        if last <= first:
            return  # invalid: ignored, as xterm does
        full = first == 0 and last == self.columns - 1
        self.left_right_margins = None if full else (first, last)
        self.cursor_position()

    def _move_cells(self, top: int, bottom: int, left: int, right: int, up: bool) -> None:
        rows = range(top, bottom) if up else range(bottom, top, -1)
        step = 1 if up else -1
        for y in rows:
            source, target = self.buffer[y + step], self.buffer[y]
            for x in range(left, right + 1):
                target[x] = source[x]
        uncovered = self.buffer[bottom if up else top]
        for x in range(left, right + 1):
            uncovered.pop(x, None)  # blank (the line's default character)
        self.dirty.update(range(top, bottom + 1))

    def index(self) -> None:
        if self.left_right_margins is None:
            super().index()
            return
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        left, right = self.left_right_margins
        if self.cursor.y != bottom:
            super().index()  # moves down; nothing scrolls
        elif left <= self.cursor.x <= right:
            self._move_cells(top, bottom, left, right, up=True)
        # at the bottom margin but beside the margins: nothing happens

    def reverse_index(self) -> None:
        if self.left_right_margins is None:
            super().reverse_index()
            return
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        left, right = self.left_right_margins
        if self.cursor.y != top:
            super().reverse_index()
        elif left <= self.cursor.x <= right:
            self._move_cells(top, bottom, left, right, up=False)


class MarginByteStream(pyte.ByteStream):
    """pyte's byte stream, which also hands `CSI ... s` to the screen."""

    csi = {**pyte.ByteStream.csi, "s": "set_left_right_margins"}


class DecrqmAnswer:
    """Watches what the program writes for the DECRQM question about mode 69 and gives the
    answer a terminal would: `CSI ? 69 ; setting $ y` (None: a terminal that never answers)."""

    def __init__(self, setting: int | None) -> None:
        self.setting = setting
        self.asked = 0
        self._tail = b""

    def answers(self, output: bytes) -> bytes:
        """What to type back after the program wrote `output`."""
        seen = self._tail + output
        self._tail = seen[-(len(QUERY) - 1) :]
        count = seen.count(QUERY)
        self.asked += count
        if self.setting is None or not count:
            return b""
        return f"\x1b[?{LEFT_RIGHT_MARGIN_MODE};{self.setting}$y".encode() * count
