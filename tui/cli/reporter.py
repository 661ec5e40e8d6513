"""What a command tells its user on stderr: a line per problem or error, and progress.

Every line is made safe to print: it may echo a name, an argument or a server's words, so it is
one line with no escape codes. Progress is a `rich.progress` line on stderr, shown only when
stderr is a terminal (never in a pipe or a log); a problem reported meanwhile is printed above
it, and colour is left out under NO_COLOR (rich reads it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from tui.errors import BylineError
from tui.safe_text import shown

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from tui.loaders import Problem
    from tui.model import Article


class Update(Protocol):
    """What a progress block is given: how much of the work is done (of `total`, when known),
    and a few words more (`detail`: " on 3 workers")."""

    def __call__(self, done: int, total: int | None = None, detail: str = "") -> None: ...


def safe(message: str) -> str:
    """A message for the terminal: whatever it echoes, one line with no escape codes."""
    return shown(message)


class Reporter:
    """Prints loaders' problems as one line each on stderr and remembers whether any failed;
    shows the progress of a command's long steps."""

    def __init__(self) -> None:
        self.failed = False
        #: The progress display while one is on the screen (lines go above it).
        self._shown: Progress | None = None

    def __call__(self, problem: Problem) -> None:
        self.failed = self.failed or problem.skipped
        prefix = "" if problem.skipped else "warning: "
        self.say(f"byline: {prefix}{safe(problem.message)}")

    def error(self, error: BylineError) -> None:
        self.failed = True
        self.say(f"byline: {safe(str(error))}")

    def say(self, line: str) -> None:
        """One line on stderr (above the progress line while one is shown)."""
        if self._shown is None:
            print(line, file=sys.stderr)
            return
        from rich.text import Text

        self._shown.console.print(Text(line), soft_wrap=True)

    @contextmanager
    def progress(self, what: str, *, keep: bool = False) -> Iterator[Update]:
        """Progress of the work in the block: it calls `update(done, total, detail)` as it
        goes (from any thread). Nothing shows until the first update, nor when stderr is not a
        terminal. The line goes when the block ends; `keep`: its last state stays."""
        display: Progress | None = None
        task: TaskID | None = None
        hidden = False  # (stderr is no terminal: asked once)

        def update(done: int, total: int | None = None, detail: str = "") -> None:
            nonlocal display, task, hidden
            if hidden:
                return
            count = f"{done}/{total}" if total is not None else f"{done} articles"
            if display is None:
                display = self._display(keep)
                if display is None:
                    hidden = True
                    return
                task = display.add_task(what, total=total, count=count, detail=detail)
                display.update(task, completed=done)
                display.start()  # its first frame shows this update
                self._shown = display
                return
            assert task is not None
            display.update(task, completed=done, total=total, count=count, detail=detail)

        try:
            yield update
        finally:
            if display is not None:
                display.stop()
                self._shown = None

    def _display(self, keep: bool) -> Progress | None:
        """A progress display on stderr, not started yet; None when stderr is no terminal."""
        if not sys.stderr.isatty() or self._shown is not None:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=sys.stderr, highlight=False)
        if not console.is_terminal:
            return None
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TextColumn("{task.fields[count]}{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=not keep,
            # Standard output is the command's result (JSON Lines, a table): never rewritten.
            redirect_stdout=False,
            redirect_stderr=False,
        )


def load_all(
    paths: Iterable[str], reporter: Reporter, limit: int | None = None
) -> Iterator[Article]:
    """Every article from every source; a source that fails is reported and skipped. `limit`:
    the most bytes read from one input (default: the loaders')."""
    from tui.loaders import load_source

    sizes = {} if limit is None else {"max_bytes": limit}
    for path in paths:
        try:
            yield from load_source(path, reporter, **sizes)
        except BylineError as error:
            reporter.error(error)
