"""Scrolling beside the side panel: the article's columns move between left/right margins
(DECSLRM) when the terminal says it has them (tui/margin_scroll.py), else the view is repainted.

The pty tests run the real `byline` in a pyte terminal taught left/right margins
(tests/margin_terminal.py, itself checked against screens worked out by hand below)."""

from __future__ import annotations

import os
import re
import signal
import sys

import pexpect
import pytest
from margin_terminal import DecrqmAnswer, MarginByteStream, MarginScreen
from terminal import Terminal
from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region

from tui import DEFAULT_SEED
from tui.input_pressure import BoundedInputDriver, bounded_driver_class
from tui.margin_scroll import (
    QUERY_MARGIN_MODE,
    MarginQueryDriver,
    ModeReportParser,
    margin_driver_class,
    margin_scroll_rows,
)

ROWS = ["abcdef", "ghijkl", "mnopqr", "stuvwx"]


def _screen(rows: list[str] = ROWS) -> tuple[MarginScreen, MarginByteStream]:
    screen = MarginScreen(len(rows[0]), len(rows))
    stream = MarginByteStream(screen)
    stream.feed("\r\n".join(rows).encode())
    return screen, stream


# The emulation, against screens worked out by hand.


def test_margin_screen_index_at_the_bottom_margin_moves_only_the_cells_between_the_margins() -> (
    None
):
    screen, stream = _screen()
    # Margins: rows 1-4, columns 2-4; index at the bottom margin, inside the margins.
    stream.feed(b"\x1b[?69h\x1b[1;4r\x1b[2;4s\x1b[4;2H\x1bD")
    assert screen.display == ["ahijef", "gnopkl", "mtuvqr", "s   wx"]
    stream.feed(b"\x1bD")
    assert screen.display == ["anopef", "gtuvkl", "m   qr", "s   wx"]


def test_margin_screen_reverse_index_at_the_top_margin_moves_them_down() -> None:
    screen, stream = _screen()
    stream.feed(b"\x1b[?69h\x1b[2;3r\x1b[3;6s\x1b[2;3H\x1bM")
    assert screen.display == ["abcdef", "gh    ", "mnijkl", "stuvwx"]


def test_margin_screen_does_not_scroll_from_beside_the_margins() -> None:
    screen, stream = _screen()
    stream.feed(b"\x1b[?69h\x1b[1;4r\x1b[2;4s\x1b[4;6H\x1bD")  # column 6: right of them
    assert screen.display == ROWS
    assert (screen.cursor.y, screen.cursor.x) == (3, 5)


def test_margin_screen_csi_s_saves_the_cursor_unless_the_mode_is_set() -> None:
    screen, stream = _screen()
    stream.feed(b"\x1b[2;4s\x1b[1;4r\x1b[4;2H\x1bD")  # no DECLRMM: whole rows scroll
    assert screen.left_right_margins is None
    assert screen.display == ["ghijkl", "mnopqr", "stuvwx", "      "]


def test_margin_screen_resetting_the_mode_drops_the_margins() -> None:
    screen, stream = _screen()
    stream.feed(b"\x1b[?69h\x1b[2;4s\x1b[?69l\x1b[1;4r\x1b[4;2H\x1bD")
    assert screen.display == ["ghijkl", "mnopqr", "stuvwx", "      "]


# The sequence Byline writes, in that terminal.


def test_margin_scroll_rows_moves_the_band_and_leaves_no_margins_behind() -> None:
    screen, stream = _screen()
    stream.feed(margin_scroll_rows(Region(1, 0, 3, 4), 2).encode())
    assert screen.display == ["anopef", "gtuvkl", "m   qr", "s   wx"]
    assert (screen.left_right_mode, screen.left_right_margins, screen.margins) == (
        False,
        None,
        None,
    )
    screen, stream = _screen()
    stream.feed(margin_scroll_rows(Region(0, 1, 2, 3), -1).encode())
    assert screen.display == ["abcdef", "  ijkl", "ghopqr", "mnuvwx"]


# Hearing the answer among the keys.


def _parse(*chunks: str) -> tuple[list[object], list[bool]]:
    reports: list[bool] = []
    parser = ModeReportParser(False, reports.append)
    tokens: list[object] = []
    for chunk in chunks:
        tokens.extend(parser.feed(chunk))
    return tokens, reports


def _keys(tokens: list[object]) -> str:
    return "".join(token.character or "" for token in tokens if isinstance(token, events.Key))


@pytest.mark.parametrize(("setting", "supported"), [(1, True), (2, True), (0, False), (4, False)])
def test_the_answer_is_heard_and_the_keys_around_it_pass_in_order(
    setting: int, supported: bool
) -> None:
    tokens, reports = _parse(f"jj\x1b[?69;{setting}$yk/x")
    assert reports == [supported]
    assert _keys(tokens) == "jjk/x"
    assert all(isinstance(token, events.Key) for token in tokens)


def test_an_answer_split_between_reads_is_heard_whole() -> None:
    tokens, reports = _parse("j\x1b[?6", "9;2", "$", "yq")
    assert reports == [True]
    assert _keys(tokens) == "jq"


def test_other_mode_reports_and_pasted_text_are_not_taken_for_the_answer() -> None:
    pasted = "\x1b[200~a\x1b[?69;2$yb\x1b[201~"
    tokens, reports = _parse("\x1b[?2026;2$y", pasted, "j")
    assert reports == []
    plain = XTermParser(False)  # and Textual's own parser makes the same of it
    assert [repr(t) for t in tokens] == [
        repr(t) for chunk in ("\x1b[?2026;2$y", pasted, "j") for t in plain.feed(chunk)
    ]
    assert _keys(tokens).endswith("j")


def test_the_reader_driver_asks_for_margins_and_still_bounds_its_input() -> None:
    driver_class = margin_driver_class(bounded_driver_class(LinuxDriver))
    assert issubclass(driver_class, MarginQueryDriver)
    assert issubclass(driver_class, BoundedInputDriver)
    # Its input loop builds its parser with the hook that hears the answer.
    assert driver_class.input_parser is MarginQueryDriver.input_parser
    assert driver_class.run_input_thread is not LinuxDriver.run_input_thread


# The real reader in a pty.

COLUMNS, LINES = 120, 40  # the side panel beside the article (>= 100 columns)


class MarginTerminal(Terminal):
    """`byline` in a pty whose terminal has left/right margins and answers DECRQM 69 with
    `setting` (None: never answers). Keeps every byte written."""

    def __init__(self, setting: int | None, has_margins: bool = True) -> None:
        super().__init__([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)], COLUMNS, LINES)
        if has_margins:
            self.screen = MarginScreen(COLUMNS, LINES)
            self.stream = MarginByteStream(self.screen)
        self.answer = DecrqmAnswer(setting)
        self.output = b""

    def feed(self, data: bytes) -> None:
        self.output += data
        super().feed(data)
        if reply := self.answer.answers(data):
            self.child.send(reply)

    def styled_rows(self) -> list[str]:
        """Every row below the reader bar: its text and each cell's colours and attributes."""
        return [self.styled_row(y) for y in range(1, LINES)]

    def start(self) -> None:
        # The legend counts labels once the analysis is in (it repaints the pane); the footer
        # offers the lookup once the library is open.
        assert self.wait_for(
            lambda rows: any("PERSON " in row for row in rows[-4:]) and "Lookup" in rows[-1]
        ), "\n".join(self.screen.display)
        self.settle()
        self.child.send("jj")  # the first scroll after a layout repaints in full
        self.settle()


KEYS = ["j", "j", "k", "j", "jjj", "kkjjk", "j", "k", "jjjj", "kkkkkk", "jjjjjjjjjjjj"]


def _differences(a: list[str], b: list[str]) -> str:
    return "\n".join(f"{x!r}\n{y!r}" for x, y in zip(a, b, strict=True) if x != y)


def test_scrolling_beside_the_panel_between_margins_draws_what_a_full_repaint_draws() -> None:
    """Two readers, the same keys: one in a terminal with left/right margins (the article's
    columns move), one in a terminal that never answers (every scroll repaints the article).
    After each key every cell of the screen, article and panel, must be the same in both; and
    a full repaint of the article (`hhh`) must change none of them."""
    moved, repainted = MarginTerminal(setting=2), MarginTerminal(setting=None)
    try:
        moved.start()
        repainted.start()
        assert moved.answer.asked == repainted.answer.asked == 1
        for keys in KEYS:
            moved.child.send(keys)
            repainted.child.send(keys)
            written, written_in_full = moved.settle(), repainted.settle()
            if keys == "j":
                assert written < 800, f"{written} bytes for one line: not moved between margins"
                assert written_in_full > 2000  # the other one really repainted
            shown = moved.styled_rows()
            assert shown == repainted.styled_rows(), f"after {keys!r}:\n" + _differences(
                shown, repainted.styled_rows()
            )
            moved.child.send("hhh")
            assert moved.settle() > 2000  # a real full repaint of the pane happened
            assert moved.styled_rows() == shown, f"after {keys!r}:\n" + _differences(
                shown, moved.styled_rows()
            )
        # It did use the margins: at least once for each single j or k (a frame each; the keys
        # sent together may share one).
        assert moved.output.count(b"\x1b[?69h") >= sum(len(keys) == 1 for keys in KEYS)
        moved.child.send("q")
        moved.child.expect(pexpect.EOF, timeout=20)
    finally:
        moved.close()
        repainted.close()


@pytest.mark.parametrize("setting", [None, 0, 4])
def test_a_terminal_that_does_not_say_it_has_margins_gets_the_repaint(
    setting: int | None,
) -> None:
    """No answer, "not recognised" or "permanently reset": the reader repaints as before, in a
    terminal without margins (plain pyte), and writes nothing about margins but the question."""
    terminal = MarginTerminal(setting, has_margins=False)
    try:
        terminal.start()
        assert terminal.answer.asked == 1
        before = len(terminal.output)
        for keys in ["j", "jj", "k"]:
            terminal.child.send(keys)
            assert terminal.settle() > 2000
            shown = terminal.screen.display
            terminal.child.send("hhh")
            terminal.settle()
            assert terminal.screen.display == shown
        written = terminal.output[before:]
        assert b"\x1b[?69" not in written
        assert re.search(rb"\x1b\[[0-9;]*s", written) is None  # no DECSLRM (nor SCOSC)
        assert QUERY_MARGIN_MODE.encode() not in written  # asked once, at the start
    finally:
        terminal.close()


def test_the_margin_mode_is_reset_on_suspend_and_on_quit_and_asked_again_on_resume() -> None:
    terminal = MarginTerminal(setting=2)
    try:
        terminal.start()
        terminal.child.send("j")
        terminal.settle()
        assert terminal.output.count(b"\x1b[?69h") >= 1
        suspended_at = len(terminal.output)
        os.kill(terminal.child.pid, signal.SIGTSTP)  # as ctrl+z would
        terminal.settle()
        leaving = terminal.output[suspended_at:]
        assert b"\x1b[?69l" in leaving
        assert leaving.index(b"\x1b[?69l") < leaving.index(b"\x1b[?1049l")  # before the screen
        assert b"\x1b[?69h" not in leaving
        os.kill(terminal.child.pid, signal.SIGCONT)
        assert terminal.wait_for(lambda _rows: terminal.answer.asked == 2)
        terminal.settle()
        terminal.child.send("j")
        scrolled_at = len(terminal.output)
        terminal.settle()
        assert b"\x1b[?69h" in terminal.output[scrolled_at:]  # the margins again, once answered
        quit_at = len(terminal.output)
        terminal.child.send("q")
        terminal.child.expect(pexpect.EOF, timeout=20)
        terminal.output += terminal.child.before or b""
        terminal.stream.feed(terminal.child.before or b"")
        leaving = terminal.output[quit_at:]
        assert leaving.index(b"\x1b[?69l") < leaving.index(b"\x1b[?1049l")
        assert isinstance(terminal.screen, MarginScreen)
        assert terminal.screen.left_right_mode is False
    finally:
        terminal.close()
