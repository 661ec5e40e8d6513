"""End to end: the real `byline` command in a pseudo-terminal, its screen read back with pyte."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

import pexpect
import pyte

from tui import DEFAULT_SEED, PROJECT_ROOT

COLUMNS, LINES = 160, 48
#: Generous: spaCy is loaded in the child process (about 2 s on a slow machine).
DEADLINE_SECONDS = 90


class Terminal:
    """A child process in a pty, and a pyte screen fed with everything it writes."""

    def __init__(self, argv: list[str], columns: int = COLUMNS, lines: int = LINES) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns),
               "LINES": str(lines)}  # fmt: skip
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(
            argv[0], argv[1:], dimensions=(lines, columns), env=env, cwd=str(PROJECT_ROOT)
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
