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
"""

from __future__ import annotations

import threading
import weakref

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


class BoundedInputDriver(LinuxDriver):
    """Textual's Linux driver, whose input thread stops reading while the app is behind."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.pending = PendingEvents()

    def send_message(self, message: Message) -> None:
        # The input thread calls this for each event it parsed, before it reads any further:
        # waiting here is not reading. (Other threads never wait: the event loop must not.)
        if threading.current_thread() is self._key_thread:
            self.pending.wait_for_room(self.exit_event)
            self.pending.add(message)
        super().send_message(message)


def bounded_driver_class(default: type[Driver]) -> type[Driver]:
    """The driver to use instead of Textual's `default` choice: the bounded one in place of the
    plain Linux driver; any other (headless, web, Windows, one chosen by TEXTUAL_DRIVER) as is."""
    return BoundedInputDriver if default is LinuxDriver else default
