"""`byline [PATH...]` (the reader) and `byline annotate`: the two commands that open the app."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from tui import DEFAULT_SEED, __version__
from tui.cli.commands import COMMANDS
from tui.cli.options import Parser, add_db_option, add_max_size_option, add_model_option, max_bytes
from tui.cli.reporter import Reporter, load_all
from tui.errors import BylineError, UsageError

if TYPE_CHECKING:
    from tui.store import Library


def reader_parser() -> Parser:
    parser = Parser(
        prog="byline",
        description="A terminal reader for news articles: named entities highlighted, "
        "quotes (who said what) and claims in a side panel.",
        epilog="commands:\n"
        + "\n".join(f"  byline {name:<10} {help_}" for name, (_, help_) in COMMANDS.items())
        + "\n\nRun 'byline COMMAND --help' for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files to open ('-' reads standard input); default: the bundled seed article",
    )
    add_model_option(parser)
    add_db_option(parser)
    add_max_size_option(parser)
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    return parser


def run_reader(argv: list[str]) -> int:
    args = reader_parser().parse_args(argv)
    reporter = Reporter()
    articles = list(load_all(args.paths or [str(DEFAULT_SEED)], reporter, max_bytes(args)))
    if not articles:
        return 1
    library = open_library(args.db)
    if "-" in args.paths:
        keyboard_from_terminal()

    from tui.app import BylineApp  # Textual is imported only when the reader really starts.

    # The bundled seed too: `e` and `byline lookup` find what the reader showed.
    try:
        app = BylineApp(articles, model=args.model, library=library, keep=articles)
        app.check_stylesheets()
        app.run()
    finally:
        if library is not None:
            library.close()
    return app.end_process(app.return_code or 0)


def open_library(db: str | None) -> Library | None:
    """The library, or None (reported) when it cannot be opened: the reader opens anyway."""
    from tui.store import Library

    try:
        return Library(db)
    except BylineError as error:
        print(f"byline: {error} (reading without the library)", file=sys.stderr)
        return None


def keyboard_from_terminal() -> None:
    """After reading an article from a pipe, take keys from the terminal (as `less` does)."""
    if sys.stdin.isatty():
        return
    try:
        terminal = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise BylineError("no terminal to read keys from (stdin was the article)") from None
    os.dup2(terminal, 0)
    os.close(terminal)


def annotate_parser() -> Parser:
    parser = Parser(
        prog="byline annotate",
        description="Open articles in annotation mode: accept (y), reject (x) or edit the "
        "machine's entities, quotes and claims, or add your own; every action is saved in the "
        "library as it is made, with your name and the time. Press ? for every key.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="articles to annotate (added to the library); default: the bundled seed article",
    )
    parser.add_argument(
        "--library", action="store_true", help="annotate every article in the library, in order"
    )
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        help="whose annotations these are (default: $BYLINE_ANNOTATOR, else the OS user)",
    )
    add_model_option(parser)
    add_db_option(parser)
    add_max_size_option(parser)
    return parser


def run_annotate(argv: list[str]) -> int:
    args = annotate_parser().parse_args(argv)
    if args.library and args.paths:
        raise UsageError("give PATHs or --library, not both")
    from tui.store import Library
    from tui.store.annotations import check_annotator

    annotator = args.annotator or os.environ.get("BYLINE_ANNOTATOR") or None
    if annotator is not None:
        annotator = check_annotator(annotator)
    library = Library(args.db)  # annotations must be saved: no library, no annotation mode
    try:
        if args.library:
            articles = [library.get(entry.id) for entry in library.entries()]
            if not articles:
                raise BylineError(f"the library {library.path} has no articles (see byline add)")
        else:
            reporter = Reporter()
            articles = list(load_all(args.paths or [str(DEFAULT_SEED)], reporter, max_bytes(args)))
            if not articles:
                return 1
            library.add(articles)  # before the screen: every session refers to a stored article
        if "-" in args.paths:
            keyboard_from_terminal()
        from tui.app import BylineApp

        app = BylineApp(
            articles, model=args.model, library=library, annotate=True, annotator=annotator
        )
        app.check_stylesheets()
        app.run()
    finally:
        library.close()
    return app.end_process(app.return_code or 0)
