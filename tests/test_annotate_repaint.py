"""Annotation keys draw again only what they change (the lines of a span whose status
changed, the rows of the panel whose mark changed, the caret's lines): a real `byline
annotate` in a pty, 120x40 with the panel beside the article. After each key, what the
terminal shows must be what a full repaint shows (the terminal made shorter and back), cell
for cell, text and colours (the article's lines drawn anew from the text: `hhh` goes through
every highlight mode and back)."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
from terminal import Terminal

from tui import DEFAULT_SEED

COLUMNS, LINES = 120, 40
#: Decisions, undo/redo, item moves, a selection grown and cancelled, tabs. The screen is
#: compared after each group: the first frame after a full repaint is larger than it would be,
#: the keys after it in the group are drawn as they are in use.
KEYS = [
    ["y", "x", "u", "\x12"],
    ["j", "y", "k", "x", "u"],
    ["v", "w", "w", "\x1b", "w"],
    ["x", "y", "u"],
    ["2", "y", "u", "x"],
    ["3", "y", "x", "u"],
]


def styled_rows(terminal: Terminal) -> list[str]:
    return [terminal.styled_row(y) for y in range(terminal.lines)]


def differences(a: list[str], b: list[str]) -> str:
    """The rows that differ, as their text (the styles told only as differing)."""
    return "\n".join(
        f"row {y}:\n  {x.split(' | ')[0]!r}\n  {z.split(' | ')[0]!r}"
        for y, (x, z) in enumerate(zip(a, b, strict=True))
        if x != z
    )


def test_each_annotation_key_draws_what_a_full_repaint_draws(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "tui.cli", "annotate", str(DEFAULT_SEED)]
    terminal = Terminal(
        [*argv, "--db", str(tmp_path / "library.sqlite3"), "--annotator", "ana"],
        COLUMNS,
        LINES,
        answer_sync=True,
        size_in_env=False,  # resized away and back: every widget repainted
    )
    try:
        assert terminal.wait_for(lambda rows: any("saved #1" in row for row in rows))
        terminal.settle()
        for keys in KEYS:
            for key in keys:
                terminal.send(key)
                terminal.settle()
            shown = styled_rows(terminal)
            terminal.send("hhh")  # every highlight mode and back: the article drawn anew
            terminal.settle()
            terminal.resize(COLUMNS, LINES - 10)  # (the same width: the article not rewrapped)
            terminal.settle()
            terminal.resize(COLUMNS, LINES)
            assert terminal.settle() > 4000  # a full repaint came
            repainted = styled_rows(terminal)
            assert shown == repainted, f"after {keys!r}:\n" + differences(shown, repainted)
        terminal.send("q")
        terminal.child.expect(pexpect.EOF, timeout=30)
    finally:
        terminal.close()
