"""One terminal for the tests and the benches: a command in a pseudo-terminal of a given size,
everything it writes fed to a pyte screen, read back as lines and cells.

    terminal = Terminal([sys.executable, "-m", "tui.cli", str(path)], 80, 24)
    try:
        assert terminal.until(lambda: terminal.shows(HEADLINE)), terminal.text()
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()

`RemoteTerminal` is the same screen fed from an asyncio stream (an SSH client's output).
The benches import this module with the checkout's root on sys.path (`tests.terminal`), so it
imports nothing else from tests/.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Protocol

import pexpect
import pyte
from pyte.screens import Char

REPO_ROOT = Path(__file__).resolve().parent.parent
#: A bound on any one wait, not an expectation: generous, as spaCy loads in the child (a few
#: seconds on a slow, busy machine).
DEADLINE = 90.0
#: Most output taken in one read.
READ_SIZE = 1 << 20
#: Textual asks the terminal whether it can hold a frame until it is whole (DEC mode 2026) and,
#: told yes, writes every frame between the begin and end marks.
SYNC_QUERY, SYNC_SUPPORTED = b"\x1b[?2026$p", b"\x1b[?2026;2$y"
SYNC_BEGIN, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"


class Emulator:
    """A pyte screen of `columns` x `lines` and the bytes fed to it."""

    def __init__(self, columns: int, lines: int, deadline: float = DEADLINE) -> None:
        #: The longest any wait lasts unless it is given its own timeout.
        self.deadline = deadline
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        #: Bytes fed so far (what the program wrote to its terminal).
        self.written = 0
        #: Between Textual's "begin/end synchronized update" marks: a frame still being written.
        self.in_frame = False
        #: How often the program asked whether frames can be held (SYNC_QUERY).
        self.sync_queries = 0
        #: The last bytes fed: a mark split between two reads is still seen.
        self._tail = b""

    @property
    def columns(self) -> int:
        return int(self.screen.columns)

    @property
    def lines(self) -> int:
        return int(self.screen.lines)

    def feed(self, data: bytes) -> None:
        # A read may end inside a mark: look for them in the end of the last read and this one.
        seen = self._tail + data
        begin, end = seen.rfind(SYNC_BEGIN), seen.rfind(SYNC_END)
        if begin != -1 or end != -1:
            self.in_frame = begin > end
        self.sync_queries += seen.count(SYNC_QUERY)
        self._tail = seen[-(max(len(SYNC_BEGIN), len(SYNC_QUERY)) - 1) :]
        self.written += len(data)
        self.stream.feed(data)

    @property
    def display(self) -> list[str]:
        """What the screen shows, a string per row (each `columns` characters)."""
        return list(self.screen.display)

    def row(self, y: int) -> str:
        return str(self.screen.display[y])

    def cells(self, y: int) -> list[Char]:
        """Row `y` cell by cell: each a character with its colours and attributes."""
        line = self.screen.buffer[y]
        return [line[x] for x in range(self.columns)]

    def styled_row(self, y: int) -> str:
        """Row `y` as its text, then every cell's colours and attributes: two screens that
        give the same strings look the same to the letter and the colour."""
        cells = self.cells(y)
        styles = " ".join(
            f"{c.fg}/{c.bg}/{c.bold:d}{c.italics:d}{c.underscore:d}{c.reverse:d}" for c in cells
        )
        return "".join(c.data for c in cells) + " | " + styles

    def shows(self, text: str) -> bool:
        """Whether `text` is on some row of the screen."""
        return any(text in line for line in self.screen.display)

    def text(self) -> str:
        """The screen as one string, for assertion messages."""
        return "\n".join(self.screen.display)

    def resize(self, columns: int, lines: int) -> None:
        self.screen.resize(lines, columns)

    def end_of_wait(self, timeout: float | None) -> float:
        """When a wait of `timeout` seconds (None: `deadline`) begun now ends (time.monotonic)."""
        return time.monotonic() + (self.deadline if timeout is None else timeout)


class Terminal(Emulator):
    """`argv` in a pseudo-terminal of `columns` x `lines`, started in `cwd` (the checkout by
    default) with TERM set, NO_COLOR unset unless `no_color`, COLUMNS and LINES the pty's size
    (unless not `size_in_env`: then, as in most shells, the command asks the pty, and sees it
    resized) and `env` added to this process's environment. `answer_sync`: answer Textual's
    query as a terminal that holds frames until they are whole (then `in_frame` tells a torn
    frame)."""

    def __init__(
        self,
        argv: list[str],
        columns: int,
        lines: int,
        *,
        cwd: Path | str = REPO_ROOT,
        env: dict[str, str] | None = None,
        term: str = "xterm-256color",
        no_color: bool = False,
        answer_sync: bool = False,
        size_in_env: bool = True,
        deadline: float = DEADLINE,
    ) -> None:
        super().__init__(columns, lines, deadline)
        environment = {**os.environ, **(env or {})}
        environment.update(TERM=term, COLUMNS=str(columns), LINES=str(lines))
        if not size_in_env:
            del environment["COLUMNS"], environment["LINES"]
        if no_color:
            environment["NO_COLOR"] = "1"
        else:
            environment.pop("NO_COLOR", None)
        self.answer_sync = answer_sync
        #: When the command was started (time.perf_counter), for the benches' figures.
        self.started = time.perf_counter()
        self.child = pexpect.spawn(
            argv[0], argv[1:], dimensions=(lines, columns), env=environment, cwd=str(cwd)
        )
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        #: The pty reported end of file: the command (and anything holding its pty) is gone.
        self.ended = False

    # -- the command

    @property
    def pid(self) -> int:
        return int(self.child.pid)

    def alive(self) -> bool:
        return bool(self.child.isalive())

    def send(self, keys: str | bytes) -> None:
        """Type `keys` (a string is sent as UTF-8)."""
        self.child.send(keys)

    def kill(self, signal_number: int = signal.SIGKILL) -> None:
        self.child.kill(signal_number)

    def resize(self, columns: int, lines: int) -> None:
        """The window changes size: the pty's (the command gets SIGWINCH) and the screen's."""
        self.child.setwinsize(lines, columns)
        super().resize(columns, lines)

    def wait_exit(self, timeout: float | None = None) -> int | None:
        """Read the rest of the output until the command ends; its `exit_status`."""
        end = self.end_of_wait(timeout)
        while not self.ended:
            if time.monotonic() >= end:
                raise AssertionError(f"the command did not end:\n{self.text()}")
            self.pump(0.1)
        self.child.close()
        return self.exit_status()

    def exit_status(self) -> int | None:
        """The status of a command that has ended (after `wait_exit` or `close`), as subprocess
        gives it: minus the signal's number if a signal ended it; None if not known."""
        if self.child.exitstatus is not None:
            return int(self.child.exitstatus)
        if self.child.signalstatus is not None:
            return -int(self.child.signalstatus)
        return None

    def close(self) -> None:
        """End the command if it still runs (hang-up, then harder) and close the pty."""
        self.child.close(force=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading the screen

    def pump(self, timeout: float = 0.05) -> int:
        """Feed the screen what the command writes within `timeout` seconds (returning as soon
        as something came); the bytes read (0: nothing came, or the pty is closed)."""
        try:
            data = self.child.read_nonblocking(READ_SIZE, timeout=timeout)
        except pexpect.TIMEOUT:
            return 0
        except pexpect.EOF:
            self.ended = True
            return 0
        asked = self.sync_queries
        self.feed(data)
        if self.answer_sync and self.sync_queries > asked:
            self.child.send(SYNC_SUPPORTED)
        return len(data)

    def until(self, condition: Callable[[], object], timeout: float | None = None) -> bool:
        """Read the output until `condition()` holds; False when it does not within `timeout`
        seconds, or the command ended without it. A bound on waiting, not a timing assertion."""
        end = self.end_of_wait(timeout)
        while not condition():
            if self.ended or not self.alive():
                self.drain()  # what it wrote last
                return bool(condition())
            if time.monotonic() >= end:
                return False
            self.pump()
        return True

    def wait_for(
        self, predicate: Callable[[list[str]], bool], timeout: float | None = None
    ) -> bool:
        """`until` for a condition on the screen's rows."""
        return self.until(lambda: predicate(self.screen.display), timeout)

    def drain(self) -> int:
        """Read what is already there, without waiting; the bytes read."""
        total = 0
        while read := self.pump(0):
            total += read
        return total

    def settle(self, quiet: float = 0.3, timeout: float | None = None) -> int:
        """Read until the command has written nothing for `quiet` seconds; the bytes read."""
        end = self.end_of_wait(timeout)
        total = 0
        while time.monotonic() < end:
            read = self.pump(quiet)
            if not read:
                break
            total += read
        return total

    def steady(self, quiet: float = 0.5, timeout: float | None = None) -> list[str]:
        """The rows once their text has not changed for `quiet` seconds (a blinking cursor
        keeps writing but changes no text)."""
        end = self.end_of_wait(timeout)
        while True:
            before = self.display
            calm = time.monotonic() + quiet
            while time.monotonic() < calm:
                self.pump(min(0.05, quiet))
            if self.display == before or time.monotonic() >= end:
                return before

    def keystroke(self, keys: str | bytes, quiet: float = 0.15) -> tuple[float, float, int]:
        """Settle, send `keys`; seconds until the first byte of the answer and until its last
        (`quiet` seconds of silence end it), and the bytes it wrote. For the benches."""
        self.settle(quiet)
        before = self.written
        sent = time.perf_counter()
        self.send(keys)
        first = last = None
        while True:
            if self.pump(0.001 if first is None else quiet):
                last = time.perf_counter()
                first = first or last
            elif first is not None or time.perf_counter() - sent > 5:
                break
        return (first or sent) - sent, (last or sent) - sent, self.written - before

    # -- writing as a terminal emulator does

    def offer(
        self, data: bytes, seconds: float, between: Callable[[], object] = lambda: None
    ) -> int:
        """Write `data` as fast as the pty takes it (a writer that waits while the pty is full,
        as a terminal emulator and `byline serve` do), reading the screen meanwhile, for at most
        `seconds`; the bytes written. `between` is called between writes."""
        fd = self.child.child_fd
        os.set_blocking(fd, False)
        written = 0
        end = time.monotonic() + seconds
        try:
            while written < len(data) and time.monotonic() < end:
                _, writable, _ = select.select([], [fd], [], 0.05)
                if writable:
                    with contextlib.suppress(BlockingIOError):
                        written += os.write(fd, data[written : written + (1 << 16)])
                self.pump(0)
                between()
        finally:
            os.set_blocking(fd, True)
        return written


class AsyncReader(Protocol):
    """An asyncio stream of bytes (an asyncssh process's stdout, say)."""

    async def read(self, n: int = -1) -> bytes: ...


class RemoteTerminal(Emulator):
    """A screen fed from a stream: the client's end of a remote session (SSH)."""

    def __init__(
        self, output: AsyncReader, columns: int, lines: int, deadline: float = DEADLINE
    ) -> None:
        super().__init__(columns, lines, deadline)
        self.output = output
        self.ended = False

    async def until(self, condition: Callable[[], object], timeout: float | None = None) -> bool:
        """Read the stream until `condition()` holds; False when it does not within `timeout`
        seconds, or the stream ended without it."""
        end = self.end_of_wait(timeout)
        while not condition():
            left = end - time.monotonic()
            if self.ended or left <= 0:
                return bool(condition())
            try:
                data = await asyncio.wait_for(self.output.read(1 << 16), min(left, 0.2))
            except TimeoutError:
                continue
            if not data:
                self.ended = True
            self.feed(data)
        return True

    async def wait_for(
        self, predicate: Callable[[list[str]], bool], timeout: float | None = None
    ) -> bool:
        """`until` for a condition on the screen's rows."""
        return await self.until(lambda: predicate(self.screen.display), timeout)
