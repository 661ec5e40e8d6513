"""What every loader shares: problems reported without stopping, and building safe Articles
(each field sanitised once, a title found in the text when none is given)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from tui.errors import BylineError
from tui.model import Article
from tui.safe_text import has_lone_surrogates, one_line, sanitize, shown


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that went wrong with part of an input while the rest still loads."""

    #: One line that names the input and the problem.
    message: str
    #: True when something was not loaded (an error); False for a warning only.
    skipped: bool = True


#: Where loaders report problems that do not stop them (a bad JSON line, an encoding guess).
Report = Callable[[Problem], None]


def ignore(problem: Problem) -> None:
    """The default `Report`: drop the problem."""


MAX_TITLE_CHARS = 200

#: The most read from one input (`--max-size`): an endless one (/dev/zero, `yes |`) stops there.
MAX_BYTES = 64 << 20
#: How much is read at a time, so the limit is checked while reading, not after.
_CHUNK = 1 << 20


def read_limited(stream: BinaryIO, name: str, max_bytes: int = MAX_BYTES) -> bytes:
    """All of `stream`, or a one-line error as soon as it holds more than `max_bytes`."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(min(_CHUNK, max_bytes + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise BylineError(too_large(name, max_bytes))
    return b"".join(chunks)


def check_unicode(
    value: object,
    where: str,
    report: Report,
    what: str = "text that is not Unicode (a lone surrogate)",
) -> None:
    """One warning line when `value` (a JSON record, a file name) holds lone surrogates (JSON's
    "\\ud800", a file name that is not UTF-8): they are shown and stored as U+FFFD, and the
    rest of the input is kept. `where` names the input, as shown; `what` says what was wrong."""
    if has_lone_surrogates(value):
        report(Problem(f"{where}: {what}; replaced by U+FFFD", skipped=False))


def check_file_name(name: str, report: Report) -> None:
    """One warning line for a file name that is not UTF-8 (the file itself is read)."""
    check_unicode(name, f"'{shown(name)}'", report, "a file name that is not UTF-8")


def too_large(name: str, max_bytes: int) -> str:
    return f"cannot read '{shown(name)}': larger than {max_bytes / (1 << 20):g} MB (see --max-size)"


def make_article(
    text: str,
    name: str,
    *,
    title: object = "",
    source: object = "",
    url: object = "",
    date: object = "",
    author: object = "",
    path: str | None = None,
    clean: bool = False,
) -> Article:
    """An Article from untrusted parts: everything sanitised here, once; empty text refused.
    `clean`: the text is known to need no sanitising (see `utf8_is_clean`)."""
    text = text if clean else sanitize(text)
    if not text or text.isspace():  # (not strip(): a copy of a 6 MB text costs ~7 ms)
        raise BylineError(f"cannot read '{shown(name)}': no article text in it")
    heading = one_line(title) or split_title(text)
    return Article(
        text=text,
        title=heading,
        source=one_line(source),
        url=one_line(url),
        date=one_line(date),
        author=one_line(author),
        path=one_line(name if path is None else path),
    )


def split_title(text: str) -> str:
    """The first non-empty line, when it looks like a headline (short, no final full stop)."""
    for line in text[: MAX_TITLE_CHARS * 8].split("\n", 5)[:5]:
        line = line.strip()
        if not line:
            continue
        if len(line) <= MAX_TITLE_CHARS and not line.endswith((".", ":", ",")):
            return line
        return ""
    return ""
