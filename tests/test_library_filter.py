"""The library screen (`L`) at 80x24: the title has the room, and the filter searches the
articles' text too (the FTS5 index), not only their metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from waiting import until

from tui.app import BylineApp
from tui.model import Analysis, Article
from tui.screens.library import EntryTable, LibraryScreen
from tui.store import Library

LONG_TITLE = "Harbour bridge to close for six weeks of repairs, council says after inspection"
ARTICLES = [
    Article(
        text=LONG_TITLE + "\n\nThe bridge closes in July.",
        title=LONG_TITLE,
        source="The Coastal Herald",
        date="2024-05-14",
        author="Maria Okafor",
    ),
    Article(
        text="Tariff talks stall\n\nOfficials met again. President Trump said the tariffs "
        "stay; Trump's aides agreed. Trump left early.",
        title="Tariff talks stall",
        source="Wire Service",
        date="2024-06-02",
    ),
    Article(
        text="Trump rally draws thousands\n\nA crowd gathered.",
        title="Trump rally draws thousands",
        source="Daily Planet",
        date="2024-06-03",
    ),
    Article(
        text="Ferry timetable\n\nNew times from May. A passenger said Trump once rode it.",
        title="Ferry timetable",
        source="Island News",
        date="2024-04-01",
    ),
    Article(
        text="Glacier retreat\n\nThe glacier lost a tenth of its ice.",
        title="Glacier retreat",
        source="Science Desk",
        date="2024-06-01",
    ),
]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    with Library(tmp_path / "lib.sqlite3") as opened:
        opened.add(ARTICLES)
        yield opened


def rows(screen: LibraryScreen) -> list[str]:
    return [entry.title for entry in screen.shown]


def drawn(screen: LibraryScreen) -> list[str]:
    table = screen.query_one(EntryTable)
    return [table.render_line(y).text for y in range(len(screen.shown))]


async def open_library(pilot: Pilot) -> LibraryScreen:
    await pilot.press("L")
    await until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
    await pilot.pause()
    return pilot.app.screen  # type: ignore[return-value]


async def test_the_filter_finds_words_in_the_text(library: Library) -> None:
    app = BylineApp([ARTICLES[0]], library=library, analyser=lambda article: Analysis())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(pilot)
        await pilot.press(*"trump")
        # The title that says it first, then the texts that do, most mentions first.
        assert rows(screen) == [
            "Trump rally draws thousands",
            "Tariff talks stall",
            "Ferry timetable",
        ]
        title = str(screen.query_one("#library-title").render())
        assert title == "Library: 3 of 5 articles (title, source, author, date, path or text)"
        await pilot.press("space", *"aides")  # every word, anywhere in the article
        assert rows(screen) == ["Tariff talks stall"]
        await pilot.press(*["backspace"] * 6)  # "trump" again
        assert len(rows(screen)) == 3
        await pilot.press(*["backspace"] * 5, *"trum")  # the word being typed: its start
        assert len(rows(screen)) == 3
        await pilot.press("escape")
        assert len(rows(screen)) == 5


async def test_the_filter_still_matches_metadata_anywhere_in_a_word(library: Library) -> None:
    app = BylineApp([ARTICLES[0]], library=library, analyser=lambda article: Analysis())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(pilot)
        await pilot.press(*"2024-06")  # a date
        assert rows(screen) == [
            "Tariff talks stall",
            "Trump rally draws thousands",
            "Glacier retreat",
        ]
        await pilot.press("escape", *"okafor")  # an author
        assert rows(screen) == [LONG_TITLE]
        await pilot.press("escape", *"etabl")  # the middle of a word of a title
        assert rows(screen) == ["Ferry timetable"]


async def test_the_title_has_the_room_at_80x24(library: Library) -> None:
    app = BylineApp([ARTICLES[0]], library=library, analyser=lambda article: Analysis())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(pilot)
        first = drawn(screen)[0]
        title_cells = first.index("…") + 1 if "…" in first[:60] else 0
        assert title_cells >= 40, first  # half the width and more
        assert first.startswith(LONG_TITLE[: title_cells - 1])
        assert "2024-05-14" in first and "Coastal" in first  # and the other columns too
        header = str(screen.query_one("#library-header").render())
        assert header.index("Source") == first.index("The Coastal")  # columns line up


def test_library_screen_at_80x24(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    """The library filtered by a word of the text: the title column has the room."""
    library = Library(tmp_path / "snap.sqlite3")
    library.add(ARTICLES)
    app = BylineApp([ARTICLES[0]], library=library, analyser=lambda article: Analysis())

    async def filtered(pilot: Pilot) -> None:
        await open_library(pilot)
        await pilot.press(*"trump")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=filtered)
    finally:
        library.close()
