"""The side panel's cursor is the whole row, in colour and without; `tab` only moves focus."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from waiting import reader_ready

from tui.app import BylineApp
from tui.model import Analysis, Article, Quote
from tui.widgets.span_list import SpanList


def quotes_of(seed: Article) -> Analysis:
    """Three quotes with speakers, so every row has a "who" and a "what"."""
    quotes = []
    for word in ("Russia", "Aleppo", "Turkey"):
        start = seed.text.index(word)
        quotes.append(Quote(start, start + 30, seed.text[start : start + 30], speaker="Rami"))
    return Analysis(quotes=quotes)


def row_cells(span_list: SpanList, row: int) -> list[Segment]:
    """The segments of list row `row` that hold text (the padding at either end aside)."""
    segments = [s for s in span_list.render_line(row - int(span_list.scroll_y)) if s.text]
    text = "".join(s.text for s in segments)
    left, right = len(text) - len(text.lstrip()), len(text.rstrip())
    inside, at = [], 0
    for segment in segments:
        if at + len(segment.text) > left and at < right:
            inside.append(segment)
        at += len(segment.text)
    return inside


def assert_whole_row_marked(span_list: SpanList, attribute: str) -> None:
    index = span_list.highlighted
    assert index is not None
    cells = row_cells(span_list, index)
    text = "".join(s.text for s in cells)
    who, _, what = text.partition(" — ")
    assert who == "Rami" and what.strip()
    # Every cell of the row, the speaker and the words too, not only the separator.
    assert all(getattr(s.style, attribute) for s in cells), [(s.text, str(s.style)) for s in cells]
    assert len({s.style.bgcolor for s in cells}) == 1
    other = row_cells(span_list, index + 1)
    assert not any(getattr(s.style, attribute) for s in other)
    assert cells[0].style.bgcolor != other[-1].style.bgcolor


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_focused_cursor_is_the_whole_row_reversed(
    seed: Article, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = BylineApp([seed], analyses={0: quotes_of(seed)})
    assert app.no_color == no_color
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        await pilot.press("1")
        quotes = screen.panel.list_for("quotes")
        assert screen.focused is quotes and quotes.highlighted == 0
        assert_whole_row_marked(quotes, "reverse")  # reverse survives NO_COLOR
        await pilot.press("j")
        assert quotes.highlighted == 1
        assert_whole_row_marked(quotes, "reverse")


async def test_the_cursor_of_a_list_not_focused_is_the_whole_row_underlined(
    seed: Article,
) -> None:
    app = BylineApp([seed], analyses={0: quotes_of(seed)})
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await reader_ready(pilot)
        quotes = screen.panel.list_for("quotes")
        assert screen.focused is screen.view and quotes.highlighted == 0
        assert_whole_row_marked(quotes, "underline")


async def test_tab_moves_focus_and_never_hides_the_panel(seed: Article) -> None:
    app = BylineApp([seed], analyses={0: quotes_of(seed)})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        assert screen.narrow and not screen.show_panel
        quotes = screen.panel.list_for("quotes")
        await pilot.press("1")  # the panel opens on Quotes, focus in the list
        assert screen.show_panel and screen.focused is quotes
        await pilot.press("tab")  # to the article; the panel stays
        assert screen.show_panel and screen.focused is screen.view
        await pilot.press("tab")  # back to the list
        assert screen.show_panel and screen.focused is quotes
        await pilot.press("shift+tab")
        assert screen.show_panel and screen.focused is screen.view
        await pilot.press("p")  # p hides it
        assert not screen.show_panel and screen.focused is screen.view
        await pilot.press("tab")  # tab to a hidden panel shows it
        assert screen.show_panel and screen.focused is quotes
        await pilot.press("p")  # p hides it from the list too, focus back in the article
        assert not screen.show_panel and screen.focused is screen.view


async def test_help_says_what_tab_does(seed: Article) -> None:
    from textual.widgets import Static

    from tui.screens.help import HelpScreen

    app = BylineApp([seed], analyses={0: quotes_of(seed)})
    async with app.run_test(size=(80, 40)) as pilot:
        await reader_ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = "\n".join(str(s.render()) for s in app.screen.query(Static)).splitlines()
        tab = next(line for line in lines if line.startswith("tab"))
        assert "shift+tab" in tab and "other pane" in tab.lower() and "never hides" in tab
        assert any(line.startswith("p ") and "hide" in line for line in lines)
