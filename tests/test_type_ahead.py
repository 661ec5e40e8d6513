"""Type-ahead: keys typed the moment the text shows, before the view has focus and the side
panel and search line exist, are kept and applied in order. The real `byline` in a pty, a
library that has never seen the article; the screen it ends on must be the one the same keys
give typed one by one once everything is there."""

from __future__ import annotations

import sys
from pathlib import Path

from terminal import Terminal

from tui import DEFAULT_SEED

COLUMNS, LINES = 120, 40  # the side panel beside the article
HEADLINE = "Syrian rebels blame Russia for stalled Aleppo talks"
#: The issue's keys: 40 lines down, the Quotes tab, a search.
KEYS = ["j"] * 40 + ["1", "/", "L", "a", "v", "r", "o", "v", "\r"]
#: Seconds of silence after which the screen is taken as settled.
QUIET = 0.5


def settled(terminal: Terminal) -> list[str]:
    """The screen once its text has not changed for QUIET seconds (a blinking cursor in the
    search line keeps writing, but changes no text)."""
    return terminal.steady(QUIET)


def analysed(lines: list[str]) -> bool:
    """The side panel (the right-hand part) lists the quotes: the analysis is done."""
    return any("Stefanie Dekker — " in line[COLUMNS // 2 :] for line in lines)


def final_screen(db: Path, at_first_frame: bool, at_start: bool = False) -> list[str]:
    terminal = Terminal(
        [sys.executable, "-m", "tui.cli", str(DEFAULT_SEED), "--db", str(db)], COLUMNS, LINES
    )
    try:
        if at_start:  # before Byline draws anything: the keys wait in the terminal for it
            # (Enter after the text shows: typed while the terminal is still in cooked mode it
            # is turned into a line feed by the terminal itself, before any program sees it.)
            terminal.send("".join(KEYS[:-1]))
        assert terminal.wait_for(lambda lines: any(HEADLINE in line for line in lines))
        if at_start:
            terminal.send(KEYS[-1])
        if at_first_frame and not at_start:
            terminal.send("".join(KEYS))  # all at once, as a paste or a fast typist
        # The analysis done (a speaker in the panel): the screen no longer changes by itself.
        assert terminal.wait_for(analysed), terminal.text()
        if not at_first_frame and not at_start:
            settled(terminal)
            for key in KEYS:  # one at a time, each once the screen answered the last
                terminal.send(key)
                settled(terminal)
        # A toast ("1 match") shows for a few seconds: compare the screens without it.
        assert terminal.wait_for(lambda lines: not any("▌" in line for line in lines))
        screen = settled(terminal)
        terminal.send("q")
        assert terminal.wait_exit() == 0
        return screen
    finally:
        terminal.close()


def test_keys_typed_at_the_first_frame_are_all_applied_in_order(tmp_path: Path) -> None:
    typed_ahead = final_screen(tmp_path / "fresh.sqlite3", at_first_frame=True)
    typed_slowly = final_screen(tmp_path / "fresh-too.sqlite3", at_first_frame=False)
    assert typed_ahead == typed_slowly, "\n".join(
        f"{a!r}\n{b!r}" for a, b in zip(typed_ahead, typed_slowly, strict=True) if a != b
    )
    assert any("Lavrov" in line for line in typed_ahead)


def test_keys_typed_before_the_first_frame_wait_for_the_reader(tmp_path: Path) -> None:
    """Typed while Python starts: no key reaches the app before its screen ("L" of "/Lavrov"
    opened the library)."""
    typed_at_start = final_screen(tmp_path / "fresh.sqlite3", False, at_start=True)
    typed_slowly = final_screen(tmp_path / "fresh-too.sqlite3", at_first_frame=False)
    assert typed_at_start == typed_slowly, "\n".join(
        f"{a!r}\n{b!r}" for a, b in zip(typed_at_start, typed_slowly, strict=True) if a != b
    )
