"""`byline add`, `byline list` and `byline rm`: the library's articles from the command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tui.cli.options import (
    Parser,
    add_dask_option,
    add_db_option,
    add_max_size_option,
    add_model_option,
    max_bytes,
)
from tui.cli.reporter import Reporter, Update, load_all
from tui.errors import BylineError, UsageError

if TYPE_CHECKING:
    from tui.model import Article
    from tui.store import Library

#: Reading shows its count once this many articles have come (a few come and go unseen).
COUNT_FROM = 25


def add_parser() -> Parser:
    parser = Parser(
        prog="byline add",
        description="Import articles into the library: files (.txt .md .html .json .jsonl, "
        "RSS/Atom feeds), directories (recursively), '-' for stdin, http(s) URLs. The same "
        "text imported twice is one article. Inputs that cannot be read are reported and the "
        "others are still imported (exit status 1).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, directories, URLs, '-'")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="also analyse the articles now (entities, quotes, claims), so "
        "they open with highlights and `byline lookup` finds their "
        "entities",
    )
    add_model_option(parser)
    add_db_option(parser)
    add_max_size_option(parser)
    add_dask_option(parser)
    return parser


def run_add(argv: list[str]) -> int:
    args = add_parser().parse_args(argv)
    limit = max_bytes(args)
    if args.dask and not args.analyze:
        raise UsageError("--dask analyses on a cluster: give --analyze too")
    from tui.store import Library

    reporter = Reporter()
    with Library(args.db) as library:
        with reporter.progress("reading") as update:
            result = library.add(_counted(load_all(args.paths, reporter, limit), update))
        total = len(library)
        print(
            f"added {result.added} article{'s' if result.added != 1 else ''}"
            f"{f', {result.existing} already there' if result.existing else ''}; "
            f"{total} in {library.path}"
        )
        if args.analyze and args.dask:
            from tui.cli.analysis import analyse_library_on_dask

            count = analyse_library_on_dask(args, library, result.ids or [], reporter)
            print(f"analysed {count} article{'s' if count != 1 else ''}")
        elif args.analyze:
            from tui.analysis import analyse_missing
            from tui.nlp.pipeline import load_pipeline

            nlp = load_pipeline(args.model)
            with reporter.progress("analysing") as update:
                count = analyse_missing(library, result.ids or [], nlp, progress=update)
            print(f"analysed {count} article{'s' if count != 1 else ''}")
    return 1 if reporter.failed else 0


def _counted(articles: Iterator[Article], update: Update) -> Iterator[Article]:
    """Pass articles through, counting them on the progress line once many have come."""
    for count, article in enumerate(articles, 1):
        if count >= COUNT_FROM:
            update(count)
        yield article


def list_parser() -> Parser:
    parser = Parser(
        prog="byline list",
        description="Print the library: id, title, source, date, and the number of quotes and "
        "claims found (blank until the article is analysed).",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per article (JSON Lines)"
    )
    add_db_option(parser)
    return parser


def run_list(argv: list[str]) -> int:
    args = list_parser().parse_args(argv)
    from tui.store import Library

    with Library(args.db, create=False) as library:
        if not library.last_id():
            _say_empty(library, args.json)
            return 0
        _print_list(library, args.json)
    return 0


def _print_list(library: Library, as_json: bool) -> None:
    """The listing, a row at a time (a million articles are not held in memory)."""
    import json
    import shutil

    from tui.safe_text import fit

    entries = library.iter_entries()
    out = sys.stdout
    if as_json:
        for e in entries:
            record = {
                "id": e.id,
                "title": e.title,
                "source": e.source,
                "date": e.date,
                "quotes": e.quotes,
                "claims": e.claims,
                "entities": e.entities,
                "path": e.path,
                "url": e.url,
                "author": e.author,
                "hash": e.hash,
                "added": e.added,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    id_width = max(2, len(str(library.last_id())))
    title_width = max(20, width - id_width - 16 - 10 - 12 - 5)
    out.write(
        f"{'ID':>{id_width}}  {'TITLE':<{title_width}}  {'SOURCE':<16}  "
        f"{'DATE':<10}  {'Q':>3} {'C':>3}\n"
    )
    for e in entries:
        title = fit(e.title or e.path, title_width)
        counts = f"{e.quotes:>3} {e.claims:>3}" if e.analysed else f"{'-':>3} {'-':>3}"
        out.write(
            f"{e.id:>{id_width}}  {title}  {fit(e.source, 16)}  {fit(e.date[:10], 10)}  {counts}\n"
        )


def _say_empty(library: Library, as_json: bool) -> None:
    """An empty library is one line (JSON Lines: none on stdout, the line on stderr)."""
    if as_json:
        print(f"byline: the library {library.path} is empty", file=sys.stderr)
    else:
        print(f"the library {library.path} is empty (add articles with 'byline add PATH')")


def rm_parser() -> Parser:
    parser = Parser(
        prog="byline rm",
        description="Remove articles (and their cached analyses) "
        "from the library, by the id 'byline list' shows.",
    )
    parser.add_argument("ids", nargs="+", type=int, metavar="ID", help="article ids")
    add_db_option(parser)
    return parser


def run_rm(argv: list[str]) -> int:
    args = rm_parser().parse_args(argv)
    from tui.store import Library

    failed = False
    with Library(args.db) as library:
        for article_id in args.ids:
            try:
                entry = library.remove(article_id)
            except BylineError as error:
                print(f"byline: {error}", file=sys.stderr)
                failed = True
                continue
            print(f"removed {entry.id}: {entry.title or entry.path}")
    return 1 if failed else 0
