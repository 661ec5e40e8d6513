"""End to end: the real `byline` command in a pseudo-terminal, its screen read back with pyte."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
from checkout import REPO_ROOT

from tui import DEFAULT_SEED

COLUMNS, LINES = 160, 48
#: Generous: spaCy is loaded in the child process (about 2 s on a slow machine).
DEADLINE_SECONDS = 90


class Terminal:
    """A child process in a pty, and a pyte screen fed with everything it writes."""

    def __init__(
        self, argv: list[str], columns: int = COLUMNS, lines: int = LINES, cwd: Path = REPO_ROOT
    ) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(
            argv[0], argv[1:], dimensions=(lines, columns), env=env, cwd=str(cwd)
        )

    def pump(self, timeout: float = 0.05) -> int:
        try:
            data = self.child.read_nonblocking(1 << 16, timeout=timeout)
        except pexpect.TIMEOUT:
            return 0
        self.stream.feed(data)
        return len(data)

    def wait_for(
        self, predicate: Callable[[list[str]], bool], deadline: float = DEADLINE_SECONDS
    ) -> bool:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if predicate(self.screen.display):
                return True
            if not self.child.isalive():
                self.pump(0)
                return predicate(self.screen.display)
            self.pump()
        return False

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def test_byline_in_a_terminal_shows_headline_and_quote_speakers() -> None:
    terminal = Terminal([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)])
    try:
        headline = "Syrian rebels blame Russia for stalled Aleppo talks"
        assert terminal.wait_for(lambda lines: any(headline in line for line in lines)), "\n".join(
            terminal.screen.display
        )

        def speaker_in_panel(lines: list[str]) -> bool:
            # The side panel is the right-hand part of the screen; rows are "speaker — quote".
            return any("Stefanie Dekker — " in line[COLUMNS // 2 :] for line in lines)

        assert terminal.wait_for(speaker_in_panel), "\n".join(terminal.screen.display)
        assert any("Rami Abdel Rahman — " in line for line in terminal.screen.display)
        terminal.child.send("q")
        terminal.child.expect(pexpect.EOF, timeout=20)
        terminal.child.close()
        assert terminal.child.exitstatus == 0
    finally:
        terminal.close()


def _settle(terminal: Terminal, quiet: float = 0.3) -> int:
    """Read until the child has been quiet for `quiet` seconds; the bytes read."""
    total = 0
    while read := terminal.pump(quiet):
        total += read
    return total


def test_scrolling_by_moving_rows_draws_what_a_full_repaint_draws() -> None:
    """At 80x24 the article pane spans the terminal, so a scroll of a few lines has the
    terminal move its rows and Byline draws only the rows that exposes. After any mix of
    keys, a full repaint (`h`, three times round the highlight modes) must change nothing."""
    columns, lines = 80, 24
    terminal = Terminal([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)], columns, lines)
    pane = range(1, 21)  # article rows: below the reader bar, above the legend and footer

    def article_rows() -> list[str]:
        """Each row as its text and every cell's colours and attributes."""
        rows = []
        for y in pane:
            line = terminal.screen.buffer[y]
            cells = [line[x] for x in range(columns)]
            rows.append(
                "".join(c.data for c in cells)
                + " | "
                + " ".join(
                    f"{c.fg}/{c.bg}/{c.bold:d}{c.italics:d}{c.underscore:d}{c.reverse:d}"
                    for c in cells
                )
            )
        return rows

    try:
        # The legend counts labels once the analysis is in (it repaints the pane).
        assert terminal.wait_for(lambda rows: any("PERSON " in row for row in rows[-4:]))
        _settle(terminal)
        terminal.child.send("jj")  # the first scroll after a layout repaints in full
        _settle(terminal)
        for keys in ["j", "j", "k", "j", "jjj", "kkjjk", "j", "k", "jjjj"]:
            terminal.child.send(keys)
            written = _settle(terminal)
            if keys == "j":
                assert written < 800, f"{written} bytes for one line: not scrolled by rows"
            shown = article_rows()
            terminal.child.send("hhh")
            repaint = _settle(terminal)
            assert repaint > 2000  # a real full repaint of the pane happened
            assert article_rows() == shown, f"after {keys!r}:\n" + "\n".join(
                f"{a!r}\n{b!r}" for a, b in zip(shown, article_rows(), strict=True) if a != b
            )
        terminal.child.send("q")
        terminal.child.expect(pexpect.EOF, timeout=20)
    finally:
        terminal.close()
