"""Does the terminal scroll between left and right margins? Ask it, and hear the answer.

Beside the side panel the article's rows share the screen's rows with the panel, so a plain
scroll region (top and bottom margins) would move the panel too. VT420 terminals (xterm, and
terminals following it) also have left and right margins (DECSLRM), set while the mode DECLRMM
(69) is on: with them the terminal moves just the article's columns. Not every terminal has
them, and one that lacks them reads `CSI l;r s` as "save the cursor" and would scroll the
panel with the article. So Byline asks first (DECRQM: `CSI ? 69 $ p`) and uses the margins
only once the terminal answered that it knows the mode (`CSI ? 69 ; 1 $ y` or `; 2 $ y`): no
answer, or "not recognised" (0), "permanently reset" (4), and the reader repaints as before.

The answer arrives on stdin, among the keys. Textual's input parser already reads every mode
report as one sequence (its own query for synchronised output, mode 2026, gets answered the
same way) and drops the ones it does not use, so the answer never becomes a key and never holds
one back; `ModeReportParser` only also tells the driver what the answer for mode 69 said.

Each scroll turns the mode on, sets the margins, moves the rows, and resets all of it in the
same write (`margin_scroll_rows`), so the terminal is never left with margins between frames;
the driver still resets the mode when it leaves application mode (quit, suspend), in case.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region

from tui.input_pressure import BoundedInputDriver

#: DECLRMM: the mode that lets DECSLRM (`CSI l;r s`) set left and right margins.
LEFT_RIGHT_MARGIN_MODE = 69
#: DECRQM: "is mode 69 set?" The answer is `CSI ? 69 ; Ps $ y`.
QUERY_MARGIN_MODE = f"\x1b[?{LEFT_RIGHT_MARGIN_MODE}$p"
#: Turns the mode off (the terminal's margins go back to the full width with it).
RESET_MARGIN_MODE = f"\x1b[?{LEFT_RIGHT_MARGIN_MODE}l"
#: Answers meaning the terminal has the mode and it can be switched: set (1), reset (2).
_SWITCHABLE = frozenset({1, 2})

_MODE_REPORT = re.compile(r"\x1b\[\?(\d+);(\d+)\$y")


def margin_scroll_rows(band: Region, lines: int) -> str:
    """The escape sequence moving the cells of `band` (screen coordinates) up by `lines`
    (down if negative), the cells beside it staying where they are.

    Turns DECLRMM on, sets the top/bottom (DECSTBM) and left/right (DECSLRM) margins to the
    band, has the terminal index (ESC D, at the bottom margin) or reverse index (ESC M, at the
    top) as many times, then resets the margins and the mode: nothing outlives the write.
    """
    top, bottom = band.y + 1, band.y + band.height  # 1-based, inclusive
    left, right = band.x + 1, band.x + band.width
    if lines > 0:
        move = f"\x1b[{bottom};{left}H" + "\x1bD" * lines
    else:
        move = f"\x1b[{top};{left}H" + "\x1bM" * -lines
    return (
        f"\x1b[?{LEFT_RIGHT_MARGIN_MODE}h\x1b[{top};{bottom}r\x1b[{left};{right}s"
        f"{move}\x1b[s{RESET_MARGIN_MODE}\x1b[r"
    )


class ModeReportParser(XTermParser):
    """Textual's input parser, which also hands the terminal's answers about DECLRMM to
    `on_margin_report` (True: the terminal can scroll between left and right margins)."""

    def __init__(self, debug: bool, on_margin_report: Callable[[bool], None]) -> None:
        self._on_margin_report = on_margin_report
        super().__init__(debug)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        # The parser calls this with the escape sequence read so far, each time it grows, and
        # (outside a bracketed paste) before it looks for a mode report: the whole answer is
        # seen here once, then dropped by the parser as any mode report it does not use.
        keys = list(super()._sequence_to_key_events(sequence, alt))
        if not keys and sequence.endswith("$y"):
            report = _MODE_REPORT.fullmatch(sequence)
            if report is not None and int(report[1]) == LEFT_RIGHT_MARGIN_MODE:
                self._on_margin_report(int(report[2]) in _SWITCHABLE)
        return keys


class MarginQueryDriver(LinuxDriver):
    """A Linux driver that asks the terminal whether it has left/right margins.

    `margins_supported` is True once the terminal said so, since application mode last
    started (False until then, and when it said no or did not answer).
    """

    margins_supported: bool = False

    def input_parser(self) -> XTermParser:
        """The parser of the input thread (`BoundedInputDriver.run_input_thread` calls it)."""
        return ModeReportParser(self._debug, self._margin_report)

    def _margin_report(self, supported: bool) -> None:
        self.margins_supported = supported  # the input thread; the event loop only reads it

    def _request_terminal_sync_mode_support(self) -> None:
        # Textual's own terminal query, written once the input thread reads the answers, at
        # every start of application mode (a resumed session may be in another terminal).
        self.margins_supported = False
        super()._request_terminal_sync_mode_support()
        # Apple's Terminal prints a 'p' for a DECRQM query (Textual skips it for 2026 too).
        if self.input_tty and os.environ.get("TERM_PROGRAM", "") != "Apple_Terminal":
            self.write(QUERY_MARGIN_MODE)
            self.flush()

    def stop_application_mode(self) -> None:
        if self.margins_supported:
            self.write(RESET_MARGIN_MODE)  # each scroll resets it already; in case one did not
            self.margins_supported = False
        super().stop_application_mode()


def margin_driver_class(base: type[Driver]) -> type[Driver]:
    """`base` that also asks the terminal for left/right margins, if it is the bounded Linux
    driver, whose input loop takes the parser that hears the answer; else `base` as is (no
    margins: the reader repaints beside the panel, as before)."""
    if not issubclass(base, BoundedInputDriver) or issubclass(base, MarginQueryDriver):
        return base
    return type(f"Margin{base.__name__}", (MarginQueryDriver, base), {})
