"""`byline export`, `byline import-annotations` and `byline stats`: the library's annotations
written in other tools' formats, read back, and counted (the formats are in tui/export)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from tui.cli.options import Parser, add_db_option, add_model_option
from tui.errors import BylineError, UsageError
from tui.export import (
    FORMATS,
    JSON_FORMATS,
    Annotated,
    ImportResult,
    LeftOut,
    Report,
    collect,
    guess_format,
    import_annotated,
)
from tui.safe_text import fit, shown
from tui.store.library import Library


def _format_option(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=default,
        help="jsonl (Prodigy tasks), spacy (a DocBin), brat (.txt + .ann per "
        "article), csv (a row per span), doccano (JSON Lines), labelstudio (JSON tasks)"
        + (f" (default: {default})" if default else " (default: from PATH)"),
    )


def export_parser() -> Parser:
    parser = Parser(
        prog="byline export",
        description="Write the library's annotations: JSON Lines and CSV to standard output "
        "unless -o is given; a spaCy DocBin needs -o FILE, brat -o DIRECTORY (one folder per "
        "annotator).",
    )
    _format_option(parser, "jsonl")
    parser.add_argument("-o", "--output", metavar="PATH", help="file (a directory for brat)")
    parser.add_argument("--annotator", metavar="NAME", help="only this annotator's work")
    parser.add_argument(
        "--only-accepted",
        action="store_true",
        help="only spans accepted or created (no rejected or pending suggestions)",
    )
    parser.add_argument("--done", action="store_true", help="only articles marked done")
    parser.add_argument(
        "--tasks",
        choices=("ner", "spans"),
        default="ner",
        help="jsonl: Prodigy tasks for NER (entities in 'spans', never overlapping) or for "
        "span categorization (quotes and claims in 'spans', speakers as relations) "
        "(default: ner)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="spacy: also write a spaCy training config for the DocBin (NER and a span "
        "categorizer for quotes and claims, from the installed model; see README)",
    )
    add_model_option(parser)
    add_db_option(parser)
    return parser


def run_export(argv: list[str]) -> int:
    args = export_parser().parse_args(argv)
    if args.format in ("spacy", "brat") and not args.output:
        what = "a file" if args.format == "spacy" else "a directory"
        raise UsageError(f"--format {args.format} needs -o {what}")
    if args.config and args.format != "spacy":
        raise UsageError("--config is for --format spacy (a training config for the DocBin)")
    left_out = LeftOut()
    with Library(args.db, create=False) as library:
        records = collect(library, args.annotator, args.only_accepted, args.done, left_out)
        count = _write(args.format, records, args.output, args.tasks)
    if left_out.undecided:
        many = left_out.undecided != 1
        print(
            f"left out {left_out.undecided} annotated article{'s' if many else ''} on which "
            "nothing was decided (only untouched suggestions)",
            file=sys.stderr,
        )
    if args.output:
        print(
            f"exported {count} annotated article{'s' if count != 1 else ''} to {args.output}",
            file=sys.stderr,
        )
    if args.config:
        from tui.export.train_config import write_config

        try:
            write_config(Path(args.config), args.model)
        except OSError as error:
            raise BylineError(
                f"cannot write '{shown(args.config)}': {error.strerror or error}"
            ) from None
        print(f"wrote a spaCy training config to {shown(args.config)}", file=sys.stderr)
    return 0


def _write(format_: str, records: Iterable[Annotated], output: str | None, tasks: str) -> int:
    from functools import partial

    from tui.export import brat, csvfile, docbin, doccano, jsonl, labelstudio

    #: The formats written to a stream (standard output or one file).
    writers: dict[str, Callable[[Iterable[Annotated], TextIO], int]] = {
        "jsonl": partial(jsonl.write, kind=tasks),
        "csv": csvfile.write,
        "doccano": doccano.write,
        "labelstudio": labelstudio.write,
    }
    writer = writers.get(format_)
    try:
        if format_ == "spacy":
            return docbin.write(records, Path(output or ""))
        if format_ == "brat":
            return brat.write(records, Path(output or ""))
        assert writer is not None
        if output is None:
            try:
                count = writer(records, sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:  # `byline export | head`
                sys.stderr.close()
                return 0
            return count
        if format_ == "labelstudio":
            return _write_labelstudio(records, Path(output))
        with open(output, "w", encoding="utf-8", newline="") as out:
            return writer(records, out)
    except OSError as error:
        reason = error.strerror or error
        if error.filename is None and output is None:  # (not "cannot write 'None'")
            _drop_stdout()
            raise BylineError(f"cannot write to standard output: {reason}") from None
        where = shown(str(error.filename or output))
        raise BylineError(f"cannot write '{where}': {reason}") from None


def _drop_stdout() -> None:
    """Standard output failed (a full disk): what is still buffered for it is dropped, so
    Python does not report the same failure again as it exits."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _write_labelstudio(records: Iterable[Annotated], output: Path) -> int:
    """Label Studio's tasks, and beside them the labelling configuration they fit."""
    from tui.export import labelstudio

    labels: set[str] = set()
    with open(output, "w", encoding="utf-8", newline="") as out:
        count = labelstudio.write(records, out, labels)
    config = output.with_name(output.stem + ".label_config.xml")
    config.write_text(labelstudio.label_config(labels), "utf-8")
    return count


def import_parser() -> Parser:
    parser = Parser(
        prog="byline import-annotations",
        description="Read annotations written by 'byline export' (or Prodigy, doccano or "
        "Label Studio tasks, told apart by their content, a spaCy DocBin, brat files) into "
        "the library. Each article and annotator gets exactly the "
        "annotations read, as one action its annotator can undo; an article whose text is not "
        "in the library is added (CSV has no text: its articles must be there). Bad records "
        "are reported, the others imported (exit status 1).",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files (.jsonl, .json, .spacy, .csv; '-': JSON on stdin) or brat directories",
    )
    _format_option(parser, None)
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        help="store everything as this annotator's (default: as recorded)",
    )
    add_db_option(parser)
    return parser


def run_import(argv: list[str]) -> int:
    args = import_parser().parse_args(argv)
    failed = False

    def report(message: str) -> None:
        nonlocal failed
        failed = True
        print(f"byline: {shown(message)}", file=sys.stderr)  # it may quote an imported title

    total = ImportResult()
    with Library(args.db) as library:
        for path in args.paths:
            read = 0

            def counted(records: Iterable[Annotated]) -> Iterator[Annotated]:
                nonlocal read
                for record in records:
                    read += 1
                    yield record

            reported, failed = failed, False
            try:
                records = _read(args.format or guess_format(path), path, library, report)
                result = import_annotated(library, counted(records), args.annotator, report)
                if not read and not failed:  # an empty file, or only tasks Prodigy skips
                    report(f"{shown(path)}: no annotations Byline can read; nothing imported")
            except BylineError as error:
                if isinstance(error, UsageError):
                    raise
                report(str(error))
                continue
            finally:
                failed = failed or reported
            total.articles += result.articles
            total.spans += result.spans
            total.annotators |= result.annotators
    if failed and not total.articles:
        return 1  # what went wrong is on stderr; "imported 0" would only hide it
    names = ", ".join(sorted(total.annotators)) or "nobody"
    print(
        f"imported {total.spans} span{'s' if total.spans != 1 else ''} in {total.articles} "
        f"article{'s' if total.articles != 1 else ''} ({names})"
    )
    return 1 if failed else 0


def _read(format_: str, path: str, library: Library, report: Report) -> Iterator[Annotated]:
    from tui.export import brat, csvfile, docbin, jsonl

    if format_ in JSON_FORMATS:
        format_ = "jsonl"  # one reader: it tells Prodigy, doccano, Label Studio apart
    if format_ in ("spacy", "brat"):
        if path == "-":
            raise UsageError(f"--format {format_} cannot read standard input")
        module = docbin if format_ == "spacy" else brat
        yield from module.read(Path(path), report)
        return
    if path == "-":
        lines: Iterable[str] = sys.stdin
        name = "<stdin>"
        yield from (
            jsonl.read(lines, name, report)
            if format_ == "jsonl"
            else csvfile.read(lines, name, library, report)
        )
        return
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            if format_ == "jsonl":
                yield from jsonl.read(file, shown(path), report)
            else:
                yield from csvfile.read(file, shown(path), library, report)
    except OSError as error:
        raise BylineError(f"cannot read '{shown(path)}': {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BylineError(f"cannot read '{shown(path)}': not UTF-8") from None


def stats_parser() -> Parser:
    parser = Parser(
        prog="byline stats",
        description="Annotation progress per annotator (articles, done, pending, accepted, "
        "rejected) and, for each pair of annotators, Cohen's kappa per label on the articles "
        "both annotated (token by token: inside an accepted span of that label or not).",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")
    add_db_option(parser)
    return parser


def run_stats(argv: list[str]) -> int:
    args = stats_parser().parse_args(argv)
    import json

    from tui.export.stats import agreement, progress

    with Library(args.db, create=False) as library:
        rows = progress(library)
        pairs = agreement(library)
    if args.json:
        print(json.dumps({"annotators": rows, "agreement": pairs}, ensure_ascii=False))
        return 0
    if not rows:
        print("no annotations yet")
        return 0
    print(
        f"{'ANNOTATOR':<16} {'ARTICLES':>8} {'DONE':>5} {'PENDING':>8} {'ACCEPTED':>8} "
        f"{'REJECTED':>8}"
    )
    for row in rows:
        print(
            f"{fit(row['annotator'], 16)} {row['articles']:>8} {row['done']:>5} "
            f"{row['pending']:>8} {row['accepted']:>8} {row['rejected']:>8}"
        )
    for pair in pairs:
        print(
            f"\n{pair['a']} and {pair['b']}: {pair['articles']} article"
            f"{'s' if pair['articles'] != 1 else ''} in common, {pair['tokens']} tokens"
        )
        for label, kappa in pair["kappa"].items():
            shown_kappa = "-" if kappa is None else f"{kappa:.3f}"
            print(f"  {label:<14} kappa {shown_kappa}")
    return 0
