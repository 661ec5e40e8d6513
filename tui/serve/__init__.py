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
