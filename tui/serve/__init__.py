"""Serving Byline to several people at once: over SSH (`ssh.py`) and in the browser (`web.py`).

Every session is a separate `byline` process on the shared library: over SSH on a
pseudo-terminal the server bridges to the SSH channel (`pty.py`), in the browser through
textual-serve. Sessions share nothing but the SQLite library (WAL, busy timeouts, one
transaction per action, rows per annotator), so one session cannot overwrite another's work and
a session that crashes takes no other down. Nothing here is imported unless `byline serve` runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The annotator of a session (the SSH user name), for the annotation store.
ANNOTATOR_ENV = "BYLINE_ANNOTATOR"
#: Set in every served session ("ssh" or "web"): the user is not on the server's machine, so
#: nothing may write files there but the library (see `BylineApp.get_system_commands`).
SERVED_ENV = "BYLINE_SERVED"
#: Set ("1") in the SSH sessions of the users named by `serve --reviewers`: they may compare
#: their annotations with other annotators' (`R`); other served users may not.
REVIEWER_ENV = "BYLINE_REVIEWER"


#: Largest window a session gets (columns, lines), over SSH and on the web: a bigger one costs
#: memory and output in proportion (10000x10000 is a gigabyte for one frame) and shows nobody
#: anything more.
MAX_COLUMNS, MAX_LINES = 1000, 1000


def served() -> bool:
    """This Byline is a session of `byline serve` (not the user's own terminal)."""
    return bool(os.environ.get(SERVED_ENV))


def session_argv(
    db: Path, model: str | None, paths: list[str], annotate: bool = False
) -> list[str]:
    """The command each session runs: this Python's `byline` (or `byline annotate`) on the
    shared library."""
    argv = [sys.executable, "-m", "tui.cli", *(["annotate"] if annotate else []), "--db", str(db)]
    if model:
        argv += ["--model", model]
    return argv + paths


#: Variables that describe the server's own terminal: a session gets its client's instead.
TERMINAL_VARIABLES = frozenset(
    {
        "TERM",
        "COLORTERM",
        "NO_COLOR",
        "FORCE_COLOR",
        "COLUMNS",
        "LINES",
        "TERM_PROGRAM",
        "TERM_PROGRAM_VERSION",
        "TMUX",
        "STY",
        "TEXTUAL",
        "TEXTUAL_DRIVER",
        "SSH_TTY",
        "SSH_CONNECTION",
        "SSH_CLIENT",
    }
)


def base_environment() -> dict[str, str]:
    """The server's environment without anything about its own terminal."""
    return {k: v for k, v in os.environ.items() if k not in TERMINAL_VARIABLES}
