"""A child process on a pseudo-terminal of its own, bridged to asyncio callbacks.

The child is the session leader with the pty as its controlling terminal, so a resize of the
pty (`resize`) reaches it as SIGWINCH and closing the master hangs it up (SIGHUP), as with a
real terminal. Output is read without blocking and handed to `on_output`; reading pauses while
the other side cannot take more (`pause`/`resume`), so a slow client never makes the server
buffer without bound. Input is written without blocking, queued while the pty is full or past the
input rate (`INPUT_BURST`, then `INPUT_RATE`); past `INPUT_HIGH_WATER` queued bytes `input_full`
says so, and the caller stops reading its own source until `on_input_drained` is called
(back-pressure: a key flood waits in the client's SSH window, not in the server's memory nor
in the session's).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable, Mapping, Sequence

#: Most output read from the pty at once.
READ_SIZE = 1 << 16
#: Input queued for the pty past which the caller should stop reading its source.
INPUT_HIGH_WATER = 1 << 16
#: Input given to the pty, at most: a burst, then so many bytes a second. A person types a few
#: dozen bytes a second, mouse motion a kilobyte or so, and a paste arrives whole (up to the
#: burst). The session itself reads no faster than it handles keys (tui/input_pressure.py),
#: so its memory is bounded either way; the rate bounds the work a flood makes it do.
INPUT_BURST = 16 << 10
INPUT_RATE = 2 << 10
#: Written at once when the rate allows, at least (not byte by byte).
INPUT_CHUNK = 256
#: The kernel's window size fields are 16-bit.
MAX_SIZE_FIELD = 0xFFFF


def _controlling_terminal() -> None:  # pragma: no cover - runs in the child, before exec
    """Make stdin (the pty's slave side) the controlling terminal of the new session."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def set_size(fd: int, columns: int, lines: int, width: int = 0, height: int = 0) -> None:
    """Set a pty's window size (the kernel signals SIGWINCH to its foreground processes).
    Values outside the kernel's 16-bit fields are clamped (a client may send any 32-bit one)."""
    fields = (max(0, min(value, MAX_SIZE_FIELD)) for value in (lines, columns, width, height))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", *fields))


class PtyProcess:
    """A process on a new pty. Create with `await PtyProcess.start(...)`."""

    def __init__(
        self,
        master: int,
        process: asyncio.subprocess.Process,
        on_output: Callable[[bytes], None],
        on_input_drained: Callable[[], None] | None = None,
    ) -> None:
        self.master = master
        self.process = process
        self._on_output = on_output
        self._on_input_drained = on_input_drained
        self._loop = asyncio.get_running_loop()
        self._pending = bytearray()
        #: Input rate limit (a token bucket): bytes that may be written now, and when counted.
        self._tokens = float(INPUT_BURST)
        self._stamp = self._loop.time()
        self._timer: asyncio.TimerHandle | None = None
        self._waiting_writable = False
        self._reading = False
        self._closed = False
        #: Set when the pty has no more output (the child and anything it started are gone).
        self.output_done = asyncio.Event()
        self.resume()

    @classmethod
    async def start(
        cls,
        argv: Sequence[str],
        env: Mapping[str, str],
        size: tuple[int, int],
        on_output: Callable[[bytes], None],
        cwd: str | None = None,
        on_input_drained: Callable[[], None] | None = None,
    ) -> PtyProcess:
        """Start `argv` on a new pty of `size` (columns, lines); `on_input_drained` is called
        when input that had made `input_full` true has all been written."""
        master, slave = os.openpty()
        try:
            set_size(master, *size)
            os.set_blocking(master, False)
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_controlling_terminal,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        return cls(master, process, on_output, on_input_drained)

    @property
    def pid(self) -> int:
        return self.process.pid

    def _readable(self) -> None:
        try:
            data = os.read(self.master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as error:  # EIO: every slave descriptor is closed
            if error.errno not in (errno.EIO, errno.EBADF):
                raise
            data = b""
        if not data:
            self.pause()
            self.output_done.set()
            return
        self._on_output(data)

    def pause(self) -> None:
        """Stop reading output (the client cannot take more for now)."""
        if self._reading:
            self._loop.remove_reader(self.master)
            self._reading = False

    def resume(self) -> None:
        if not self._reading and not self._closed and not self.output_done.is_set():
            self._loop.add_reader(self.master, self._readable)
            self._reading = True

    @property
    def input_full(self) -> bool:
        """More input is queued than the pty should be given: stop reading the source."""
        return len(self._pending) >= INPUT_HIGH_WATER

    def write(self, data: bytes) -> None:
        """Type `data` into the terminal (check `input_full` afterwards)."""
        if self._closed:
            return
        self._pending += data
        if self._timer is None and not self._waiting_writable:
            self._pump()

    def _pump(self) -> None:
        """Write what is pending, as far as the pty and the input rate allow; then wait for the
        pty (writable) or for the rate (a timer), or stop when nothing is left."""
        self._timer = None
        if self._closed:
            return
        was_full = self.input_full
        now = self._loop.time()
        self._tokens = min(INPUT_BURST, self._tokens + (now - self._stamp) * INPUT_RATE)
        self._stamp = now
        allowed = min(len(self._pending), int(self._tokens))
        written = 0
        if allowed:
            try:
                written = os.write(self.master, self._pending[:allowed])
            except BlockingIOError:
                pass
            except OSError:  # the child is gone: nobody reads it any more
                written = allowed = len(self._pending)
            del self._pending[:written]
            self._tokens = max(0.0, self._tokens - written)
        waiting_writable = bool(self._pending) and written < allowed  # the pty is full
        if waiting_writable != self._waiting_writable:
            if waiting_writable:
                self._loop.add_writer(self.master, self._pump)
            else:
                self._loop.remove_writer(self.master)
            self._waiting_writable = waiting_writable
        if self._pending and not waiting_writable:  # the rate: wait for a chunk's worth
            wanted = min(len(self._pending), INPUT_CHUNK) - self._tokens
            self._timer = self._loop.call_later(max(wanted, 1) / INPUT_RATE, self._pump)
        if was_full and not self.input_full and self._on_input_drained is not None:
            self._on_input_drained()

    def resize(self, columns: int, lines: int, width: int = 0, height: int = 0) -> None:
        if not self._closed and columns > 0 and lines > 0:
            with contextlib.suppress(OSError):
                set_size(self.master, columns, lines, width, height)

    def signal(self, signum: int) -> None:
        """Send `signum` to the child's process group (the session it leads)."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signum)

    async def stop(self, grace: float) -> int:
        """End the child: SIGTERM (it exits cleanly), SIGKILL after `grace` seconds."""
        self.signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            self.signal(signal.SIGKILL)
            return await self.process.wait()

    def close(self) -> None:
        """Close the master side: the child's terminal is hung up (SIGHUP)."""
        if self._closed:
            return
        self.pause()
        if self._waiting_writable:
            self._loop.remove_writer(self.master)
        if self._timer is not None:
            self._timer.cancel()
        self._pending.clear()
        self._closed = True
        os.close(self.master)
