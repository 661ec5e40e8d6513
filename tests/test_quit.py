"""Quit (`q`) gives the terminal back exactly as it was, and leaves no process behind: the real
`byline` command on a pty of the test's own, whose slave end the test keeps open to read its
termios attributes before the start and after the exit, and every byte byline wrote to it."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from checkout import REPO_ROOT
from terminal import Emulator

from tui import DEFAULT_SEED
from tui.model import Article

COLUMNS, LINES = 120, 40
HEADLINE = "Syrian rebels blame Russia for stalled Aleppo talks"
#: Bounds on waiting (seconds), not timing assertions: spaCy loads in a child meanwhile.
DEADLINE = 90.0

#: DEC private modes as a terminal has them before any program changes them: the cursor shown
#: (25) and autowrap on (7); everything else (alternate screen, mouse reporting, bracketed paste,
#: focus events, synchronized output, in-band resize, left/right margins...) off.
ON_AT_START = frozenset({7, 25})
PRIVATE_MODE = re.compile(rb"\x1b\[\?([0-9;]+)([hl])")
#: The kitty keyboard protocol: `CSI > flags u` pushes a mode, `CSI < [n] u` pops n (1).
KITTY_PUSH = re.compile(rb"\x1b\[>[0-9]*u")
KITTY_POP = re.compile(rb"\x1b\[<([0-9]*)u")
#: Modes that change how the terminal reports keys and mouse, or what screen it shows: left on,
#: the shell after byline gets escape sequences for mouse moves, or a blank screen.
MUST_BE_SET_BACK = {1049, 25, 1000, 1002, 1003, 1006, 1015, 1016, 2004, 1004, 2026, 2048, 69, 7}


@dataclass
class Session:
    """byline on a pty: its process, the pty's two ends, and all it wrote."""

    process: subprocess.Popen[bytes]
    master: int
    slave: int
    output: bytearray = field(default_factory=bytearray)

    def pump(self, timeout: float = 0.05) -> bool:
        """Read what byline wrote; False once the pty is closed on its side."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: every writer is gone
            return False
        self.output += data
        return bool(data)

    def screen_text(self) -> str:
        screen = Emulator(COLUMNS, LINES)  # the pty's slave end is the test's: the screen only
        screen.feed(bytes(self.output))
        return screen.text()

    def wait_for_text(self, text: str) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and self.process.poll() is None:
            self.pump()
            if text in self.screen_text():
                return
        raise AssertionError(f"{text!r} never showed:\n{self.screen_text()}")

    def quit(self) -> int:
        os.write(self.master, b"q")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and self.process.poll() is None:
            self.pump(0.01)
        code = self.process.wait(timeout=5)
        while select.select([self.master], [], [], 0)[0] and self.pump(0):
            pass  # what is left in the pty after the exit
        return code


def _controlling_terminal() -> None:  # in the child, before exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@contextmanager
def byline_on_a_pty(article: Path, library: Path) -> Iterator[Session]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--db", str(library), str(article)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=REPO_ROOT,
        env=env,
        preexec_fn=_controlling_terminal,
    )
    running = Session(process, master, slave)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
        os.close(slave)


def private_modes_left_changed(output: bytes) -> dict[int, str]:
    """The DEC private modes whose last setting in `output` differs from the terminal's start."""
    last: dict[int, bool] = {}
    for numbers, action in PRIVATE_MODE.findall(output):
        for number in numbers.split(b";"):
            if number:
                last[int(number)] = action == b"h"
    return {mode: "on" if on else "off" for mode, on in last.items() if on != (mode in ON_AT_START)}


def kitty_modes_left_pushed(output: bytes) -> int:
    pushed = len(KITTY_PUSH.findall(output))
    popped = sum(int(count or b"1") for count in KITTY_POP.findall(output))
    return pushed - popped


def analysis_children(pid: int) -> list[int]:
    """The analysis processes `pid` started (spaCy in them; not multiprocessing's resource
    tracker, which ends by itself once every process it serves is gone)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
            children.append(int(entry.name))
    return children


def gone(pid: int) -> bool:
    """Dead: no such process, or a zombie waiting for its new parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def test_quit_gives_the_terminal_back_exactly_as_it_was(tmp_path: Path) -> None:
    with byline_on_a_pty(DEFAULT_SEED, tmp_path / "lib.sqlite3") as session:
        before = termios.tcgetattr(session.slave)
        session.wait_for_text(HEADLINE)
        # Byline has taken the terminal over: raw mode, alternate screen, mouse reporting.
        assert termios.tcgetattr(session.slave) != before
        assert {1049, 1000, 2004} <= set(private_modes_left_changed(bytes(session.output)))

        assert session.quit() == 0

        output = bytes(session.output)
        assert termios.tcgetattr(session.slave) == before
    left = private_modes_left_changed(output)
    assert not {mode: state for mode, state in left.items() if mode in MUST_BE_SET_BACK}, left
    assert not left, f"modes left changed: {left}"
    assert kitty_modes_left_pushed(output) == 0
    # The kitty mode is popped before the alternate screen is left (its stack is per screen).
    assert output.rfind(b"\x1b[<u") < output.rfind(b"\x1b[?1049l")


def test_quit_in_the_middle_of_an_analysis_leaves_no_process_behind(
    seed: Article, tmp_path: Path
) -> None:
    long_article = tmp_path / "long.txt"
    long_article.write_text("\n\n".join([seed.text] * 30), encoding="utf-8")  # 2 chunks
    with byline_on_a_pty(long_article, tmp_path / "lib.sqlite3") as session:
        # The preview of the part in view is in: the child is parsing its whole chunk (100,000
        # characters, seconds of work).
        session.wait_for_text("analysing 0/2")
        children = analysis_children(session.process.pid)
        assert children, "no analysis process is running"

        assert session.quit() == 0

        # Ended by the reader before it exits: not left to notice, some time later, that its
        # pipe is closed (in the middle of a chunk, it went on with it for seconds).
        left = [pid for pid in children if not gone(pid)]
        for pid in left:  # not to leave them to the next test
            os.kill(pid, signal.SIGKILL)
    assert not left, "the analysis process outlived the reader"
