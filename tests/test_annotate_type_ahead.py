"""Annotation mode's dialogs take the keys typed as they open: the real `byline annotate` in a
pty, `s` and a name sent in one write (a paste, a fast typist), and the name is what is saved.
Keys that act on the spans wait for them: typed while the article is still being analysed,
they are applied once the suggestions are there."""

from __future__ import annotations

import sys
from collections.abc import Callable
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


def type_a_speaker(tmp_path: Path, once: Callable[[Terminal], None]) -> None:
    """Start `byline annotate`, wait for `once` (which checks what it waited for), type `s`,
    a name and Enter in one burst, quit; the first quote's speaker must be that name, set by
    the one action after the suggestions."""
    path = tmp_path / "talks.txt"
    path.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "library.sqlite3"
    argv = [sys.executable, "-m", "tui.cli", "annotate", str(path), "--db", str(db)]
    terminal = Terminal([*argv, "--annotator", "ana"], 120, 30)
    try:
        once(terminal)
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


def test_s_and_a_name_typed_in_one_burst_set_that_name(tmp_path: Path) -> None:
    def suggestions_saved(terminal: Terminal) -> None:
        # The suggestions are saved (#1) and the first pending quote is the current span.
        assert terminal.wait_for(lambda lines: any("saved #1" in line for line in lines))

    type_a_speaker(tmp_path, suggestions_saved)


def test_span_keys_typed_while_the_article_is_analysed_wait_for_the_spans(tmp_path: Path) -> None:
    """A fresh library: the analysis (spaCy loading in the child) takes seconds after the text
    shows. `s` typed then has no span yet; it and the name after it wait, and are applied to
    the first pending quote once the suggestions are saved (the `Q` of the name never reaches
    the reader's bindings)."""

    def text_shown(terminal: Terminal) -> None:
        assert terminal.wait_for(lambda lines: any("Jane Doe" in line for line in lines))
        assert not terminal.shows("saved #1"), "the analysis was already there: nothing tested"

    type_a_speaker(tmp_path, text_shown)
