"""Where articles come from: files of any supported format, directories, stdin and URLs.

`load_source` yields every article of one source. Problems with part of a source (a bad JSON
line, an unreadable file in a directory, an encoding guess) go to `report` and the rest still
loads; a source that gives nothing at all raises `BylineError`.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tui.errors import BylineError
from tui.loaders.base import (
    MAX_BYTES,
    Problem,
    Report,
    check_file_name,
    ignore,
    read_limited,
)
from tui.loaders.feed import looks_like_feed, parse_feed
from tui.loaders.html import parse_html
from tui.loaders.jsonfile import parse_json, parse_jsonl
from tui.loaders.markdown import parse_markdown
from tui.loaders.text import parse_text
from tui.loaders.web import fetch, is_url
from tui.model import Article
from tui.safe_text import shown

Parser = Callable[[bytes, str, Report], list[Article]]

#: File extensions read in a directory (any file named on its own is read, by content).
FORMATS: dict[str, Parser] = {
    ".txt": parse_text,
    ".text": parse_text,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
    ".xhtml": parse_html,
    ".json": parse_json,
    ".jsonl": parse_jsonl,
    ".ndjson": parse_jsonl,
    ".rss": parse_feed,
    ".atom": parse_feed,
    ".xml": parse_feed,
}


def sniff(data: bytes) -> Parser:
    """The format of content with no telling name (stdin, a URL, an unknown extension)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if looks_like_feed(head):
        return parse_feed
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return parse_html
    if head.startswith((b"{", b"[")):
        first_line = head.split(b"\n", 1)[0].rstrip()
        return (
            parse_jsonl if first_line.endswith(b"}") and b"\n{" in data[: 1 << 20] else parse_json
        )
    return parse_text


def parser_for(name: str, data: bytes) -> Parser:
    return FORMATS.get(Path(name).suffix.lower()) or sniff(data)


def read_file(name: str, max_bytes: int = MAX_BYTES, *, regular_only: bool = False) -> bytes:
    """The bytes of a file, at most `max_bytes`. `regular_only` (a directory's files): a FIFO,
    a device or a socket is refused before anything is read (opening a FIFO would block)."""
    try:
        descriptor = os.open(name, os.O_RDONLY | (os.O_NONBLOCK if regular_only else 0))
        with open(descriptor, "rb") as file:
            if regular_only:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    raise BylineError(f"'{shown(name)}' is not a regular file")
                os.set_blocking(descriptor, True)
            return read_limited(file, name, max_bytes)
    except IsADirectoryError:
        raise BylineError(f"cannot open '{shown(name)}': Is a directory") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise BylineError(f"cannot open '{shown(name)}': {reason}") from None
    except MemoryError:
        raise BylineError(f"cannot open '{shown(name)}': too large to read") from None


def load_source(
    name: str, report: Report = ignore, *, max_bytes: int = MAX_BYTES
) -> Iterator[Article]:
    """Every article in one source: a file, a directory (recursively), '-' or an http(s) URL;
    an input of more than `max_bytes` is an error."""
    if name == "-":
        data = read_limited(sys.stdin.buffer, "<stdin>", max_bytes)
        yield from sniff(data)(data, "<stdin>", report)
    elif is_url(name):
        data, kind = fetch(name, max_bytes=max_bytes)
        parser = parse_feed if ("xml" in kind or looks_like_feed(data)) else sniff(data)
        if parser is parse_html or "html" in kind:
            yield from parse_html(data, name, report, url=name)
        else:
            yield from parser(data, name, report)
    elif os.path.isdir(name):
        yield from load_directory(name, report, max_bytes)
    else:
        data = read_file(name, max_bytes)
        check_file_name(name, report)
        yield from parser_for(name, data)(data, name, report)


def load_path(path: str | os.PathLike[str], report: Report = ignore) -> Article:
    """Load the one article at a path (any supported format), or from stdin when it is '-'."""
    name = os.fspath(path)
    articles = list(load_source(name, report))
    if len(articles) != 1:
        raise BylineError(f"cannot open '{shown(name)}': it holds {len(articles)} articles")
    return articles[0]


def supported_files(directory: str, report: Report = ignore) -> Iterator[str]:
    """Files with a supported extension under `directory`, sorted, hidden ones left out."""

    def unreadable(error: OSError) -> None:
        where = shown(error.filename or directory)
        report(Problem(f"cannot open '{where}': {error.strerror or error}; skipped"))

    for root, dirs, files in os.walk(directory, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if not file.startswith(".") and Path(file).suffix.lower() in FORMATS:
                yield os.path.join(root, file)


def load_directory(
    directory: str, report: Report = ignore, max_bytes: int = MAX_BYTES
) -> Iterator[Article]:
    found = False
    for path in supported_files(directory, report):
        try:
            data = read_file(path, max_bytes, regular_only=True)
            check_file_name(path, report)
            articles = FORMATS[Path(path).suffix.lower()](data, path, report)
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
            continue
        found = True
        yield from articles
    if not found:
        raise BylineError(f"cannot open '{shown(directory)}': no readable articles in it")
