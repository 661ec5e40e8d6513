"""spaCy in a child process: the parse holds the interpreter for whole seconds per chunk, and in
a thread of the reader's process that stalls every key. Here a child (started with `spawn`: the
parent has threads) loads the pipeline once and, per article, streams each chunk's own analysis
back (the chunk in view first: it asks the parent where the reader is before each chunk, see
`analyze_chunks`); the parent merges them (`merge_steps`) into the same steps, and the same
final analysis, as `analyze_steps` in process.

The parent only ever waits on the pipe with a short timeout, asking `cancelled()` between
waits: a cancelled analysis (quit, another article) is dropped at once; the child, told to stop
at its next question, finishes its chunk and is ready for the next article. A child that dies
is a BylineError with one line, never a hang.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from tui.errors import BylineError
from tui.model import AnalysisStep
from tui.nlp.analyze import CHUNK_CHARS, ChunkResult, analyze_chunks, chunk_spans, merge_steps

#: Seconds between looks at `cancelled()` while waiting for the child.
POLL = 0.02
#: Seconds a child gets to leave by itself on close before it is killed.
CLOSE_WAIT = 0.2


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    """multiprocessing hands its helper process `sys.stderr.fileno()`; a Textual app has
    replaced sys.stderr with a capture that has no file descriptor."""
    captured = sys.stderr
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = captured


class AnalysisCancelled(Exception):
    """`cancelled()` said so while waiting for the child."""


def _child_main(connection: Connection, model: str | None) -> None:
    """The child: load the pipeline once, then answer requests until told to stop."""
    # A session of its own: a signal to the reader's process group (a server stopping its
    # sessions) is the reader's to handle; the reader ends this child.
    with contextlib.suppress(OSError):
        os.setsid()
    # What spaCy prints (warnings) must not reach the reader's terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        from tui.nlp.pipeline import load_pipeline

        nlp = load_pipeline(model)
    except Exception as error:  # reported once, at the first request
        connection.send(("error", str(error) or type(error).__name__))
        return
    connection.send(("ready", None))
    while True:
        request = connection.recv()
        if request is None:
            return
        text, chunk_chars, focused = request

        def focus() -> int | None:
            connection.send(("focus", None))
            return connection.recv()

        try:
            for result in analyze_chunks(
                text, nlp, chunk_chars=chunk_chars, focus=focus if focused else None
            ):
                connection.send(("chunk", result))
        except Exception as error:
            connection.send(("error", str(error) or type(error).__name__))
        connection.send(("end", None))


class ChildAnalyser:
    """Analysis steps from a child process running spaCy; one article at a time."""

    def __init__(self, model: str | None = None, *, chunk_chars: int = CHUNK_CHARS) -> None:
        self.model = model
        self.chunk_chars = chunk_chars
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        #: The child is still working on a request the parent gave up (its answers are dropped).
        self._stale = False
        self._lock = threading.Lock()  # one article at a time

    def steps(
        self,
        text: str,
        focus: Callable[[], int] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Iterator[AnalysisStep]:
        """The steps of `analyze_steps(text, ...)`, computed in the child. Raises
        AnalysisCancelled once `cancelled()`, BylineError if the child fails or dies."""
        with self._lock:
            connection = self._ready(cancelled)
            total = len(chunk_spans(text, self.chunk_chars))
            connection.send((text, self.chunk_chars, focus is not None))
            self._stale = True
            finished = False
            try:
                yield from merge_steps(total, self._results(connection, focus, cancelled))
                finished = True
            finally:
                if finished:
                    self._drain(connection, cancelled)  # the child's "end"
                # Else the child finishes its chunk and ends; the next request drains it.

    def close(self) -> None:
        """Stop the child (quit, the reader closed): killed at once, busy or not; what it was
        working on is dropped (only a complete analysis is ever kept, see `steps`)."""
        self._forget()

    def _ready(self, cancelled: Callable[[], bool]) -> Connection:
        if self._process is not None and not self._process.is_alive():
            self._forget()
        if self._process is None:
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            process = context.Process(
                target=_child_main, args=(child, self.model), name="byline-analysis", daemon=True
            )
            with _real_stderr():
                process.start()
            child.close()
            self._process, self._connection, self._stale = process, parent, False
            kind, value = self._receive(parent, cancelled)
            if kind == "error":
                self._forget()
                raise BylineError(f"cannot load the spaCy model: {value}")
        assert self._connection is not None
        if self._stale:
            self._drain(self._connection, cancelled)
        return self._connection

    def _results(
        self,
        connection: Connection,
        focus: Callable[[], int] | None,
        cancelled: Callable[[], bool],
    ) -> Iterator[ChunkResult]:
        while True:
            kind, value = self._receive(connection, cancelled)
            if kind == "focus":
                connection.send(focus() if focus is not None else 0)
            elif kind == "chunk":
                assert isinstance(value, ChunkResult)
                yield value
            elif kind == "error":
                self._drain(connection, cancelled)
                raise BylineError(value)
            else:  # "end" before the last chunk: cannot happen unless the protocol broke
                self._stale = False
                raise BylineError("the analysis ended early")

    def _drain(self, connection: Connection, cancelled: Callable[[], bool]) -> None:
        """Read what the child still sends for a request given up, up to its "end"; its
        questions are answered "stop"."""
        while self._stale:
            kind, _ = self._receive(connection, cancelled)
            if kind == "focus":
                connection.send(None)
            elif kind == "end":
                self._stale = False

    def _receive(self, connection: Connection, cancelled: Callable[[], bool]) -> tuple[str, object]:
        process = self._process
        while True:
            try:
                if connection.poll(POLL):
                    return connection.recv()
            except (EOFError, OSError):
                pass  # the child is gone: said below
            else:
                if cancelled():
                    raise AnalysisCancelled
                if process is not None and process.is_alive():
                    continue
            code = process.exitcode if process is not None else None
            self._forget()
            raise BylineError(f"the analysis process stopped (exit code {code})")

    def _forget(self) -> None:
        process, connection = self._process, self._connection
        self._process = self._connection = None
        self._stale = False
        if process is not None:
            with contextlib.suppress(OSError, ValueError):
                process.kill()
                process.join(CLOSE_WAIT)
        if connection is not None:
            connection.close()
