"""`/`: the search line is on screen while you type, with the number of matches so far."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from waiting import reader_ready, screen_lines, until

from tui.app import BylineApp
from tui.model import Analysis, Article

Analyser = Callable[[Article], Analysis]


def no_analysis(article: Article) -> Analysis:
    return Analysis()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_what_is_typed_is_on_screen_with_the_match_count(
    seed: Article, size: tuple[int, int]
) -> None:
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=size) as pilot:
        screen = await reader_ready(pilot)
        await pilot.press("slash", *"russia")
        await pilot.pause()
        count = seed.text.lower().count("russia")
        assert count > 1
        lines = screen_lines(app)
        line = next((row for row in lines if "russia" in row), None)
        assert line is not None, lines  # the typed text is drawn...
        assert f"{count} matches" in line  # ...with the count, on the same line
        assert screen.view.match_count == count  # and the matches are highlighted already
        # Every key in the footer is still on screen below it.
        assert lines.index(line) == size[1] - 2
        await pilot.press(*"zz")
        line = next(row for row in screen_lines(app) if "russiazz" in row)
        assert "no match" in line
        assert screen.view.match_count == 0


async def test_typing_searches_from_where_the_search_started(seed: Article) -> None:
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        view = screen.view
        await pilot.press("slash", *"al")
        first = view.mark
        assert first is not None and seed.text[first[0] : first[1]].lower() == "al"
        await pilot.press("e")  # "ale": the first match from the start, not from "al"'s
        start = view.mark
        assert start is not None
        assert start[0] == seed.text.lower().index("ale")
        await pilot.press("enter")
        assert screen.focused is view and not screen.has_class("-searching")
        assert view.match_count == seed.text.lower().count("ale")
        assert view.mark == start


async def test_escape_while_typing_drops_the_matches_and_goes_back(seed: Article) -> None:
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        view = screen.view
        await pilot.press("j", "j")
        top = view.scroll_y
        await pilot.press("slash", *"sohr")
        assert view.match_count > 0 and view.scroll_y != top
        await pilot.press("escape")
        assert view.match_count == 0 and view.mark is None
        assert view.scroll_y == top
        assert not any("sohr" in row for row in screen_lines(app))


async def test_a_search_line_of_markup_is_drawn_as_typed(seed: Article) -> None:
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        await reader_ready(pilot)
        await pilot.press("slash", *"[bold]x")
        assert any("[bold]x" in row and "no match" in row for row in screen_lines(app))


async def test_a_long_article_is_searched_once_typing_pauses(
    seed: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.screens.reader as reader_module

    monkeypatch.setattr(reader_module, "LIVE_SEARCH_CHARS", 100)  # the seed counts as long
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        view = screen.view
        await pilot.press("slash", *"russia")
        assert view.match_count == 0  # not at every key...
        assert any("russia" in row and "…" in row for row in screen_lines(app))
        await until(pilot, lambda: view.match_count)  # ...but once typing pauses
        count = seed.text.lower().count("russia")
        assert view.match_count == count
        assert any(f"{count} matches" in row for row in screen_lines(app))
        # Enter before the pause searches at once.
        await pilot.press("escape", "slash", *"aleppo", "enter")
        assert view.match_count == seed.text.lower().count("aleppo")


async def test_a_count_past_the_cap_says_so(seed: Article, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.widgets.article_view as article_view
    import tui.widgets.search_bar as search_bar

    monkeypatch.setattr(article_view, "MAX_MATCHES", 3)  # where the search stops counting
    monkeypatch.setattr(search_bar, "MAX_MATCHES", 3)
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        await reader_ready(pilot)
        await pilot.press("slash", "a")
        assert any(row.rstrip().endswith("3+ matches") for row in screen_lines(app))


def test_in_a_real_terminal_the_typing_is_drawn_key_by_key() -> None:
    """The real `byline` in a pty at 80x24: each key typed after `/` is on the screen, with the
    count, before Enter. "/a" comes in one write, as from a fast typist: the `a` is typed into
    the search line (it does not open annotation mode, as the reader's `a` does)."""
    import sys

    from terminal import Terminal

    from tui import DEFAULT_SEED

    terminal = Terminal([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)], 80, 24)
    seed_text = DEFAULT_SEED.read_text(encoding="utf-8").lower()
    try:
        headline = "Syrian rebels blame Russia for stalled Aleppo talks"
        assert terminal.wait_for(lambda lines: any(headline in line for line in lines))
        assert terminal.wait_for(lambda lines: "/ Search" in lines[-1])  # the footer is up
        terminal.send("/a")
        typed = "a"
        for key in ["", *"leppo"]:
            terminal.send(key)
            typed += key
            row = [f"/{typed}", f"{seed_text.count(typed):,}", "matches"]
            assert terminal.wait_for(lambda lines, row=row: lines[-2].split() == row, timeout=30), (
                terminal.text()
            )
        terminal.send("\r")
        assert terminal.wait_for(lambda lines: "/aleppo" not in lines[-2], timeout=30)
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


async def test_a_slash_typed_in_the_search_line_is_text(seed: Article) -> None:
    app = BylineApp([seed], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        await pilot.press("slash", *"and", "slash", "o", "left", "left", "slash")
        assert screen.query_one("#search").value == "and//o"
        assert any("/and//o" in row and "no match" in row for row in screen_lines(app))
