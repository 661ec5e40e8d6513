"""The subcommands, by name: each in a module of tui/cli, imported only when it runs (so that
`byline` alone, the reader, does not import the export formats or the servers)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

Command = Callable[[list[str]], int]


def _in(module: str, function: str) -> Command:
    """`function` of `tui.cli.<module>`, imported when the command runs."""

    def run(argv: list[str]) -> int:
        runner: Command = getattr(importlib.import_module(f"tui.cli.{module}"), function)
        return runner(argv)

    return run


#: Subcommands: name -> (runner, one-line help). Later capabilities register here.
COMMANDS: dict[str, tuple[Command, str]] = {
    "analyze": (
        _in("analysis", "run_analyze"),
        "print entities, quotes and claims of articles as JSON Lines",
    ),
    "add": (
        _in("library", "run_add"),
        "import articles (files, directories, feeds, URLs) into the library",
    ),
    "list": (_in("library", "run_list"), "print the library (--json for JSON Lines)"),
    "rm": (_in("library", "run_rm"), "remove articles from the library by id"),
    "annotate": (
        _in("reading", "run_annotate"),
        "annotate articles: accept, reject, edit suggestions (keys)",
    ),
    "lookup": (
        _in("finding", "run_lookup"),
        "where an entity appears in the library, what it said (--json)",
    ),
    "search": (
        _in("finding", "run_search"),
        "search the text of the library's articles: best first, with snippets",
    ),
    "export": (
        _in("annotations", "run_export"),
        "write annotations as Prodigy JSONL, a spaCy DocBin, brat or CSV",
    ),
    "import-annotations": (
        _in("annotations", "run_import"),
        "read exported annotations back into the library",
    ),
    "stats": (
        _in("annotations", "run_stats"),
        "annotation progress per annotator, agreement (Cohen's kappa) per label",
    ),
    "serve": (
        _in("serve", "run_serve"),
        "serve Byline to several people at once: over SSH or in the browser",
    ),
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
