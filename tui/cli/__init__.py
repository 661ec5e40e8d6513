"""The `byline` command line: a module per group of subcommands; errors become one line on
stderr and an exit code, never a traceback.

options.py (the parser and the options commands share), reporter.py (problems and progress on
stderr), commands.py (the subcommands by name), reading.py (the reader, annotate), analysis.py
(analyze), library.py (add, list, rm), finding.py (lookup, search), annotations.py (export,
import-annotations, stats), serve.py (serve).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from tui.cli.commands import COMMANDS, mistyped_command
from tui.cli.reporter import safe
from tui.errors import BylineError, UsageError

__all__ = ["COMMANDS", "main"]


def _dispatch(args: list[str]) -> int:
    if args and args[0] in COMMANDS:
        runner, _ = COMMANDS[args[0]]
        return runner(args[1:])
    meant = mistyped_command(args[0]) if args else None
    if meant is not None:
        raise UsageError(f"unknown command '{args[0]}': did you mean 'byline {meant}'?")
    from tui.cli.reading import run_reader

    return run_reader(args)


def _stdout_gone() -> None:
    """Standard output was closed by its reader (`byline stats | head -1`): not an error. What
    is still buffered goes nowhere, so Python's own flush at exit does not complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _dispatch(args)
        finally:
            # Within reach of the handler below, for every command (--help's exit too).
            sys.stdout.flush()
    except BrokenPipeError:  # the one place a closed pipe is handled
        _stdout_gone()
        return 0
    except BylineError as error:
        print(f"byline: {safe(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
