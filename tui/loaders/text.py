"""Plain-text articles: decoding, title detection, and reading paths or stdin."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tui.errors import BylineError
from tui.loaders.sanitize import sanitize
from tui.model import Article

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
MAX_TITLE_CHARS = 200


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    """Decode article bytes: a BOM wins, then UTF-8, then Windows-1252 (never fails)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise BylineError(f"cannot read '{name}': looks like a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _split_title(text: str) -> str:
    """The first non-empty line, when it looks like a headline (short, no final full stop)."""
    for line in text.split("\n", 5)[:5]:
        line = line.strip()
        if not line:
            continue
        if len(line) <= MAX_TITLE_CHARS and not line.endswith((".", ":", ",")):
            return line
        return ""
    return ""


def load_text(raw: str, path: str = "") -> Article:
    text = sanitize(raw)
    return Article(text=text, title=_split_title(text), path=path)


def load_path(path: str | os.PathLike[str]) -> Article:
    """Load one article from a path, or from standard input when the path is '-'."""
    name = os.fspath(path)
    if name == "-":
        return load_text(decode_bytes(sys.stdin.buffer.read(), "<stdin>"), "-")
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise BylineError(f"cannot open '{name}': {reason}") from None
    return load_text(decode_bytes(data, name), name)
