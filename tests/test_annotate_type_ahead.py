"""Annotation mode's dialogs take the keys typed as they open: the real `byline annotate` in a
pty, `s` and a name sent in one write (a paste, a fast typist), and the name is what is saved."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
from test_e2e import Terminal

from tui.loaders import load_path
from tui.store import Library
from tui.store.annotations import Annotations

TEXT = (
    "Port talks\n\n"
    '"We will not leave," said Jane Doe of the Dockers Union in Rotterdam. '
    "Donald Dodd, the port's director, said the talks had failed.\n"
)


def test_s_and_a_name_typed_in_one_burst_set_that_name(tmp_path: Path) -> None:
    path = tmp_path / "talks.txt"
    path.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "library.sqlite3"
    argv = [sys.executable, "-m", "tui.cli", "annotate", str(path), "--db", str(db)]
    terminal = Terminal([*argv, "--annotator", "ana"], 120, 30)
    try:
        # The suggestions are saved (#1) and the first pending quote is the current span.
        assert terminal.wait_for(lambda lines: any("saved #1" in line for line in lines))
        terminal.child.send("sZed Q\r")
        assert terminal.wait_for(lambda lines: any("saved #2" in line for line in lines)), (
            "\n".join(terminal.screen.display)
        )
        terminal.child.send("q")
        terminal.child.expect(pexpect.EOF, timeout=30)
    finally:
        terminal.close()
    with Library(db) as library:
        session = Annotations(library).session(load_path(path), "ana")
        quote = session.spans("quote")[0]
        assert (quote.speaker, quote.speaker_start) == ("Zed Q", None)
        assert len(session.history()) == 2  # the suggestions, the speaker: nothing else
