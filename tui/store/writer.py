"""An ordered writer: store calls run one at a time, in the order they were submitted, on a
thread of their own, so a keystroke's COMMIT never holds up the event loop (the screen keeps
painting while SQLite writes).

Each job's outcome (its result, or the BylineError it raised) is handed to its `done` callback
through `deliver` (in the app: `App.call_from_thread`) only after the job returned, that is after
its transaction committed: a caller that says "saved" from `done` says it after the COMMIT.
No Textual here.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tui.errors import BylineError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a job came to: its value, or the error that stopped it (nothing was committed)."""

    value: T | None = None
    error: BylineError | None = None


Deliver = Callable[[Callable[[Outcome[Any]], None], Outcome[Any]], None]


def _call_here(done: Callable[[Outcome[Any]], None], outcome: Outcome[Any]) -> None:
    done(outcome)


class OrderedWriter:
    """One thread, one queue: jobs run strictly in submission order."""

    def __init__(self, deliver: Deliver = _call_here, name: str = "byline-writer") -> None:
        self._deliver = deliver
        self._jobs: queue.Queue[tuple[Callable[[], Any], Callable[[Outcome[Any]], None]] | None]
        self._jobs = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._closed = False

    def submit(self, job: Callable[[], T], done: Callable[[Outcome[T]], None]) -> None:
        """Run `job` after every job submitted before it; then `done(outcome)`."""
        if self._closed:
            raise RuntimeError("the writer is closed")
        self._jobs.put((job, done))

    def close(self, timeout: float | None = None) -> None:
        """Let the jobs already submitted finish (their transactions commit), then stop."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def idle(self) -> bool:
        return self._jobs.unfinished_tasks == 0

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            try:
                if item is None:
                    return
                job, done = item
                try:
                    outcome: Outcome[Any] = Outcome(value=job())
                except BylineError as error:
                    outcome = Outcome(error=error)
                except Exception as error:  # a bug must not leave the caller waiting forever
                    outcome = Outcome(error=BylineError(f"not saved: {error}"))
                # The app may be gone (quit while a job ran): the job itself committed.
                with contextlib.suppress(RuntimeError):
                    self._deliver(done, outcome)
            finally:
                self._jobs.task_done()
