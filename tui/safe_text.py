"""Untrusted text made safe to store and to draw, and cut to fit the cells it is given.

Every layer uses this one module: the loaders and the store as text comes in, the command line,
the server and the widgets as it goes out. Plain Python (rich's cell widths only): no Textual.

Article text may carry ANSI/OSC escape sequences, C0/C1 control characters and bidi overrides.
Rich and Textual strip only a few control codes, so Byline removes the rest itself: once when
text enters (the loaders, and the store for names and notes) and once more when it is drawn.
Invisible characters (zero-width spaces, word joiners, directional marks, tag characters) go
too: they make look-alike names. The joiners that scripts and emoji need (U+200C, U+200D)
stay. Lone surrogates (JSON's "\ud800", undecodable file names) cannot be stored or printed:
they become U+FFFD, as undecodable bytes do (the loaders say so: `has_lone_surrogates`).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/PM/APC/SOS strings (terminated by BEL
# or ST, or running to the end of the text), and two-byte ESC sequences. Also the 8-bit CSI/OSC.
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?              # CSI
    | \x9b[0-?]*[ -/]*[@-~]?                # 8-bit CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])  # OSC, DCS, SOS, PM, APC (7- and 8-bit) ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?    # ... up to their terminator
    | \x1b[ -/]*[0-~]?                      # other ESC sequences (and a lone ESC)
    """,
    re.VERBOSE,
)
# Controls left after escapes are gone: C0 except tab and newline, DEL, C1, bidi embeddings,
# overrides and isolates (they can make text display in an order other than stored).
# Invisible: zero-width space, LRM/RLM, the Arabic letter mark, word joiner and invisible
# operators, deprecated format characters, zero-width no-break space, tag characters.
_INVISIBLE = "\u200b\u200e\u200f\u061c\u2060-\u2064\u206a-\u206f\ufeff\U000e0000-\U000e007f"
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069{_INVISIBLE}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_UNSAFE = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff{_INVISIBLE}]"
)

TAB = "    "

# The same unsafe characters as UTF-8 bytes. Looking for them in the bytes a text was decoded
# from is ~2.5x faster than `_UNSAFE` on the text (20 ms for a 6 MB article): the C0 controls
# by deleting every other byte, the rest by patterns that start with a literal.
_NOT_C0 = bytes(b for b in range(256) if not ((b < 0x20 and b != 0x0A) or b == 0x7F))
_UNSAFE_UTF8 = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls, NEL
    # zero-width space, LRM/RLM, line and paragraph separators, bidi embeddings
    re.compile(rb"\xe2\x80[\x8b\x8e\x8f\xa8-\xae]"),
    re.compile(rb"\xe2\x81[\xa0-\xa4\xa6-\xaf]"),  # word joiner..., bidi isolates, deprecated
    re.compile(rb"\xd8\x9c|\xef\xbb\xbf|\xf3\xa0[\x80\x81]"),  # ALM, ZWNBSP, tags
)


def utf8_is_clean(data: bytes) -> bool:
    """True if `data`, decoded as UTF-8, is text `sanitize` returns unchanged (no controls, no
    tabs). False means: sanitize the decoded text."""
    if data.translate(None, _NOT_C0):
        return False
    return not any(pattern.search(data) for pattern in _UNSAFE_UTF8)


def sanitize(text: str) -> str:
    """Return `text` with line breaks normalised to LF and every escape and control removed."""
    if not _UNSAFE.search(text):
        return text.replace("\t", TAB) if "\t" in text else text
    text = _SURROGATES.sub("\ufffd", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return text.replace("\t", TAB)


def has_lone_surrogates(value: object) -> bool:
    """True if `value` (a string, or lists and dicts of them, as JSON gives) holds a lone
    surrogate: text that is not Unicode, which `sanitize` replaces with U+FFFD."""
    if isinstance(value, str):
        return _SURROGATES.search(value) is not None
    if isinstance(value, dict):
        return any(map(has_lone_surrogates, value.keys())) or any(
            map(has_lone_surrogates, value.values())
        )
    if isinstance(value, list):
        return any(map(has_lone_surrogates, value))
    return False


def is_safe(text: str) -> bool:
    """True when `text` holds nothing a terminal could take as a control (tabs included)."""
    return "\t" not in text and not _UNSAFE.search(text)


def one_line(text: object, max_words: int | None = None) -> str:
    """Untrusted text made safe and flat for one row: no controls, no line breaks ('' for
    anything that is not a string); at most `max_words` words, then an ellipsis."""
    if not isinstance(text, str):
        return ""
    words = sanitize(text).split()
    if max_words is not None and len(words) > max_words:
        return " ".join(words[:max_words]) + "…"
    return " ".join(words)


def shown(name: str) -> str:
    """A file name or URL fit for a one-line message: no controls, no line breaks."""
    return " ".join(sanitize(name).split("\n"))


def flat(text: str) -> str:
    """Untrusted text on one line: no controls, every run of white space one space."""
    return _SPACES.sub(" ", sanitize(text))


ELLIPSIS = "…"


def cell_width(text: str) -> int:
    """How many terminal cells `text` (sanitised) takes: a wide character two."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def truncate(text: str, width: int) -> str:
    """`text` in at most `width` terminal cells: when it is longer, cut and ended with an
    ellipsis. Cells, not characters: a wide character (CJK, most emoji) takes two, and is
    never cut in half; a character with its combining marks stays whole."""
    if text.isascii():  # one cell each (no controls: the text is sanitised); rich not imported
        if len(text) <= width:
            return text
        return text[: width - 1] + ELLIPSIS if width > 0 else ""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    if width < 1:
        return ""
    return first_cells(text, width - 1) + ELLIPSIS


def first_cells(text: str, width: int) -> str:
    """The longest start of `text` that fits in `width` cells (a wide character that would be
    cut in half is left out)."""
    if text.isascii():
        return text[: max(width, 0)]
    from rich.cells import set_cell_size

    head = set_cell_size(text, max(width, 0))
    if not text.startswith(head):  # a wide character would be cut: rich put a space for it
        head = head[:-1]
    return head


def last_cells(text: str, width: int) -> str:
    """The longest end of `text` that fits in `width` cells (as `first_cells`, from the end)."""
    if text.isascii():
        return text[len(text) - max(width, 0) :]
    from rich.cells import cell_len

    used, start = 0, len(text)
    while start > 0 and used + cell_len(text[start - 1]) <= width:
        start -= 1
        used += cell_len(text[start])
    return text[start:]


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` terminal cells: cut as `truncate` does, or padded with spaces
    (a column of a table)."""
    cut = truncate(text, width)
    if text.isascii():  # and the ellipsis: one cell each
        return cut.ljust(width)
    from rich.cells import set_cell_size

    return set_cell_size(cut, width)
