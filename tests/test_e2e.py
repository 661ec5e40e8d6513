"""End to end: the real `byline` command in a pseudo-terminal, its screen read back with pyte."""

from __future__ import annotations

import sys

from terminal import Terminal

from tui import DEFAULT_SEED

COLUMNS, LINES = 160, 48


def test_byline_in_a_terminal_shows_headline_and_quote_speakers() -> None:
    with Terminal([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)], COLUMNS, LINES) as terminal:
        headline = "Syrian rebels blame Russia for stalled Aleppo talks"
        assert terminal.until(lambda: terminal.shows(headline)), terminal.text()

        def speaker_in_panel(lines: list[str]) -> bool:
            # The side panel is the right-hand part of the screen; rows are "speaker — quote".
            return any("Stefanie Dekker — " in line[COLUMNS // 2 :] for line in lines)

        assert terminal.wait_for(speaker_in_panel), terminal.text()
        assert terminal.shows("Rami Abdel Rahman — ")
        terminal.send("q")
        assert terminal.wait_exit() == 0


def test_scrolling_by_moving_rows_draws_what_a_full_repaint_draws() -> None:
    """At 80x24 the article pane spans the terminal, so a scroll of a few lines has the
    terminal move its rows and Byline draws only the rows that exposes. After any mix of
    keys, a full repaint (`h`, three times round the highlight modes) must change nothing."""
    columns, lines = 80, 24
    pane = range(1, 21)  # article rows: below the reader bar, above the legend and footer

    def article_rows(terminal: Terminal) -> list[str]:
        """Each row as its text and every cell's colours and attributes."""
        return [terminal.styled_row(y) for y in pane]

    with Terminal([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)], columns, lines) as terminal:
        # The legend counts labels once the analysis is in (it repaints the pane).
        assert terminal.wait_for(lambda rows: any("PERSON " in row for row in rows[-4:]))
        terminal.settle()
        terminal.send("jj")  # the first scroll after a layout repaints in full
        terminal.settle()
        for keys in ["j", "j", "k", "j", "jjj", "kkjjk", "j", "k", "jjjj"]:
            terminal.send(keys)
            written = terminal.settle()
            if keys == "j":
                assert written < 800, f"{written} bytes for one line: not scrolled by rows"
            shown = article_rows(terminal)
            terminal.send("hhh")
            repaint = terminal.settle()
            assert repaint > 2000  # a real full repaint of the pane happened
            assert article_rows(terminal) == shown, f"after {keys!r}:\n" + "\n".join(
                f"{a!r}\n{b!r}"
                for a, b in zip(shown, article_rows(terminal), strict=True)
                if a != b
            )
        terminal.send("q")
        assert terminal.wait_exit() == 0
