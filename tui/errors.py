"""Byline's own error type: a one-line message for the user, never a traceback."""


class BylineError(Exception):
    """An error the user can act on; `str(error)` is the whole message."""

    exit_code = 1


class UsageError(BylineError):
    """Bad command-line usage (exit status 2, like argparse)."""

    exit_code = 2
