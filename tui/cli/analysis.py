"""`byline analyze`: articles in, JSON Lines of their entities, quotes and claims out; and the
analysis on a Dask cluster that `byline add --analyze --dask` shares."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from tui.cli.options import (
    Parser,
    add_dask_option,
    add_max_size_option,
    add_model_option,
    max_bytes,
)
from tui.cli.reporter import Reporter, Update, load_all
from tui.errors import BylineError, UsageError

if TYPE_CHECKING:
    from collections.abc import Generator

    from tui.model import Article
    from tui.store import Library

    #: What analyse_on_cluster returns: a generator, closed to cancel what is still pending.
    Batches = Generator[tuple[int, list[tuple[int, dict]]], None, None]


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
    analyses = analyze_texts(
        (a.text for a in articles), nlp, batch_size=args.batch_size, n_process=args.n_process
    )
    # The count stays on the terminal when done, as a record of what was analysed.
    with reporter.progress("analysed", keep=True) as update:
        for done, (article, analysis) in enumerate(zip(articles, analyses, strict=True), 1):
            sys.stdout.write(analysis_line(article, analysis.to_json()))
            if len(articles) > 1:
                update(done, len(articles))
        sys.stdout.flush()
    return 1 if failed else 0


def analysis_line(article: Article, analysis: dict) -> str:
    """One line of `byline analyze` output (the same with or without --dask)."""
    import json

    record = {"path": article.path, "title": article.title, "text": article.text}
    record.update(analysis)
    del record["groups"]  # the output's keys stay as documented
    return json.dumps(record, ensure_ascii=False) + "\n"


def on_workers(update: Update) -> Callable[[int, int, int], None]:
    """A cluster's progress (done, total, workers) as a progress line's update."""

    def progress(done: int, total: int, workers: int) -> None:
        update(done, total, f" on {workers} worker{'s' if workers != 1 else ''}")

    return progress


def report_failed_analysis(reporter: Reporter, article: Article, error: str) -> None:
    reporter.error(
        BylineError(
            f"{article.path or article.title or 'an article'}: analysis "
            f"failed twice ({error}); left out"
        )
    )


def _analyze_on_dask(args: argparse.Namespace, articles: list[Article], reporter: Reporter) -> None:
    """`byline analyze --dask`: the same lines, in input order, analysed on the workers."""
    from tui.nlp.distributed import analyse_on_cluster, dask_client, model_on_cluster
    from tui.nlp.pipeline import model_name

    if not articles:
        return
    model = model_name(args.model)
    with dask_client(args.dask) as client, reporter.progress("analysed") as update:
        model_on_cluster(client, model)
        batches = cast(
            "Batches",
            analyse_on_cluster(
                client,
                [a.text for a in articles],
                model,
                batch_size=args.batch_size,
                progress=on_workers(update),
                failed=lambda f: report_failed_analysis(reporter, articles[f.index], f.error),
            ),
        )
        try:
            for _, results in batches:
                sys.stdout.write("".join(analysis_line(articles[i], data) for i, data in results))
            sys.stdout.flush()
        finally:
            batches.close()


def analyse_library_on_dask(
    args: argparse.Namespace, library: Library, ids: list[int], reporter: Reporter
) -> int:
    """`byline add --analyze --dask`: analysed on the workers, stored a batch per transaction."""
    from tui.analysis import analyse_missing_on_cluster
    from tui.nlp.distributed import dask_client
    from tui.nlp.pipeline import model_name

    if not ids:
        return 0
    with dask_client(args.dask) as client, reporter.progress("analysed") as update:
        return analyse_missing_on_cluster(
            library,
            ids,
            client,
            model_name(args.model),
            progress=on_workers(update),
            failed=lambda article, error: report_failed_analysis(reporter, article, error),
        )
