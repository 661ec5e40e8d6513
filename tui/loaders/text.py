"""Plain-text articles: decoding bytes (a BOM, UTF-8, else a guess) into an Article."""

from __future__ import annotations

from tui.errors import BylineError
from tui.loaders.base import Problem, Report, ignore, make_article
from tui.model import Article
from tui.safe_text import shown, utf8_is_clean

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
#: How much of a file is looked at to tell text from binary.
SNIFF_BYTES = 8192


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or mostly C0 controls, in the first few kilobytes (after a BOM check)."""
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x1b")
    return len(head) > 0 and controls / len(head) > 0.1


def decode_bytes(data: bytes, name: str = "<input>", report: Report = ignore) -> str:
    """Decode article bytes: a BOM wins, then UTF-8; otherwise charset-normalizer's best guess,
    else Latin-1, with a warning reported. Binary and empty input are errors."""
    return _decode(data, name, report)[0]


def _decode(data: bytes, name: str, report: Report) -> tuple[str, bool]:
    """`decode_bytes`, and whether the text is `data` read as UTF-8 with no BOM."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), False
    if not data or data.isspace():  # no copy of the whole input
        raise BylineError(f"cannot read '{shown(name)}': empty file")
    if looks_binary(data):
        raise BylineError(f"cannot read '{shown(name)}': looks like a binary file")
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError as error:
        where = error.start
    guess, encoding = _guess(data)
    report(
        Problem(
            f"'{shown(name)}' is not valid UTF-8 (byte {where}); read as {encoding}", skipped=False
        )
    )
    return guess, False


def _guess(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1"), "Latin-1"


def load_text(raw: str, path: str = "", *, clean: bool = False) -> Article:
    """An article from text; `clean`: it is known to need no sanitising."""
    return make_article(raw, path or "<text>", path=path, clean=clean)


def parse_text(data: bytes, name: str, report: Report = ignore) -> list[Article]:
    text, utf8 = _decode(data, name, report)
    # The reader opens a file before its first frame: a large one is checked on its bytes.
    return [load_text(text, name, clean=utf8 and utf8_is_clean(data))]
