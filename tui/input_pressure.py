"""Back-pressure on the keyboard: the terminal is read no faster than the app handles what it read.

Textual's input thread reads the terminal as fast as it can and hands every event over to the
event loop at once, each as a task, a future and queue entries (about 3 kB a key). When keys
arrive faster than the reader handles them (a key flood over SSH, a long paste into a terminal
without bracketed paste) they piled up in the session's memory without bound: 106 kB of `j`
took it from 45 MB to 280 MB.

Here the input thread waits, before it hands over one more event, while `MAX_PENDING` events it
handed over are still alive (queued, or being handled). Meanwhile the rest stays unread where
it is: in the kernel's pty buffer, then with the writer (the terminal emulator; `byline serve`,
which pauses the SSH channel so it waits in the client). Nothing is dropped or reordered: it is
read later. An event is done when Textual lets go of it (a weak reference's callback), which
needs no knowledge of the queues it passes through.

The same driver quits fast. Textual's input thread waits for the terminal in `select` with a
0.1 s timeout and looks at its exit flag only between waits, then waits once more for the last
bytes: on `q` the app's shutdown joined it for up to 0.2 s (of the 0.25 s a quit took). Here
the thread also waits on a pipe of its own, written when the flag is set, and its last look is
a poll: the join is over at once.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import weakref
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

#: Events read from the terminal and not yet handled, at most. A person never has this many
#: keys waiting; a flood waits unread beyond it (about 3 MB of them at most).
MAX_PENDING = 1024
#: How often a waiting input thread checks that the app is not shutting down (seconds).
_RECHECK = 0.1


class PendingEvents:
    """Counts the events handed to the app that are still alive; `wait_for_room` blocks while
    there are `limit` of them. Thread-safe: an event may die in any thread."""

    def __init__(self, limit: int = MAX_PENDING) -> None:
        self.limit = limit
        self.count = 0
        #: Reentrant: an event may die (and `_done` run) in the thread that holds the lock.
        self._changed = threading.Condition(threading.RLock())

    def add(self, message: Message) -> None:
        with self._changed:
            self.count += 1
        done = weakref.finalize(message, self._done)
        done.atexit = False

    def _done(self) -> None:
        with self._changed:
            self.count -= 1
            self._changed.notify_all()

    def wait_for_room(self, stop: threading.Event) -> None:
        """Return when fewer than `limit` events are pending, or once `stop` is set (the app is
        shutting down: it will not handle them, and its input thread must end)."""
        with self._changed:
            while self.count >= self.limit and not stop.is_set():
                self._changed.wait(_RECHECK)


class WakingEvent(threading.Event):
    """A threading.Event that, when set, also writes a byte to a pipe: a thread waiting in
    `select` on the pipe's other end wakes at once instead of at its timeout."""

    def __init__(self) -> None:
        super().__init__()
        self.wake_fd = self._wake_write = -1
        self.open()

    def open(self) -> None:
        """A pipe of its own, unless it has one (a suspend closes it; the resume opens one)."""
        if self.wake_fd < 0:
            self.wake_fd, self._wake_write = os.pipe()
            os.set_blocking(self.wake_fd, False)
            os.set_blocking(self._wake_write, False)

    def set(self) -> None:
        super().set()
        if self._wake_write >= 0:  # (closed: the number may be another file's by now)
            with contextlib.suppress(OSError):  # full: a wake-up is pending anyway
                os.write(self._wake_write, b"!")

    def clear(self) -> None:
        super().clear()
        if self.wake_fd >= 0:
            with contextlib.suppress(OSError):  # empty the pipe: the next wait waits
                while os.read(self.wake_fd, 64):
                    pass

    def close(self) -> None:
        fds, self.wake_fd, self._wake_write = (self.wake_fd, self._wake_write), -1, -1
        for fd in fds:
            if fd >= 0:
                os.close(fd)


class BoundedInputDriver(LinuxDriver):
    """Textual's Linux driver, whose input thread stops reading while the app is behind, and
    ends as soon as it is told to (see the module's doc)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pending = PendingEvents()
        self.exit_event: threading.Event = WakingEvent()

    def send_message(self, message: Message) -> None:
        # The input thread calls this for each event it parsed, before it reads any further:
        # waiting here is not reading. (Other threads never wait: the event loop must not.)
        if threading.current_thread() is self._key_thread:
            self.pending.wait_for_room(self.exit_event)
            self.pending.add(message)
        super().send_message(message)

    def input_parser(self) -> XTermParser:
        """The input thread's parser (a subclass may hear more in what the terminal sends)."""
        return XTermParser(self._debug)

    def start_application_mode(self) -> None:
        exit_event = self.exit_event
        if isinstance(exit_event, WakingEvent):
            exit_event.open()  # Textual's suspend closes the driver, and resumes it with this
        super().start_application_mode()

    def run_input_thread(self) -> None:
        """Textual's input loop (LinuxDriver.run_input_thread), but it also wakes on the exit
        event's pipe, and once told to end reads only what is already there."""
        exit_event = self.exit_event
        assert isinstance(exit_event, WakingEvent)
        fileno, wake_fd = self.fileno, exit_event.wake_fd
        parser = self.input_parser()
        decode = getincrementaldecoder("utf-8")().decode
        with selectors.SelectSelector() as selector:
            selector.register(fileno, selectors.EVENT_READ)
            selector.register(wake_fd, selectors.EVENT_READ)

            def read_input(timeout: float, final: bool = False) -> None:
                ready = {key.fd for key, _ in selector.select(timeout)}
                if fileno in ready:
                    data = decode(os.read(fileno, 4096), final=final)
                    for event in parser.feed(data) if data else ():  # "": stdin at its end
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)

            while not exit_event.is_set():
                read_input(_RECHECK)
            selector.unregister(wake_fd)
            read_input(0, final=True)  # the bytes already there, without waiting for more
        with contextlib.suppress(EOFError, ParseError):
            for _ in parser.feed(""):
                pass

    def close(self) -> None:
        super().close()
        exit_event = self.exit_event
        if isinstance(exit_event, WakingEvent):
            exit_event.close()


def bounded_driver_class(default: type[Driver]) -> type[Driver]:
    """The driver to use instead of Textual's `default` choice: the bounded one in place of the
    plain Linux driver; any other (headless, web, Windows, one chosen by TEXTUAL_DRIVER) as is."""
    return BoundedInputDriver if default is LinuxDriver else default
