"""The library screen (`L`): a filterable table of the library; Enter opens an article, whose
cached analysis is shown without spaCy."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from waiting import until

from tui.analysis import installed_model_id
from tui.app import BylineApp
from tui.model import Analysis, Article, Quote
from tui.nlp.pipeline import DEFAULT_MODEL
from tui.screens.library import EntryTable, LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.store import Entry, Library, put_analysis
from tui.store.library import PAGE

ARTICLES = [
    Article(
        text="Ferry fares rise\n\nFares rise in June.",
        title="Ferry fares rise",
        source="Island News",
        date="2024-03-01",
    ),
    Article(
        text='Bridge to close\n\nThe bridge closes, "for good", said Ann.',
        title="Bridge to close",
        source="Coastal Herald",
    ),
    Article(
        text="Ferry timetable\n\nNew times from May.",
        title="Ferry timetable",
        source="Coastal Herald",
    ),
]
#: A distinctive analysis: when the reader shows it, it came from the cache, not from spaCy.
CACHED = Analysis(quotes=[Quote(start=31, end=39, text="for good", speaker="Ann")])


@pytest.fixture
def library(tmp_path: Path) -> Library:
    with Library(tmp_path / "lib.sqlite3") as opened:
        opened.add(ARTICLES)
        key = installed_model_id(DEFAULT_MODEL)
        assert key
        for article in ARTICLES:
            analysis = CACHED if article is ARTICLES[1] else Analysis()
            put_analysis(opened, article.content_hash, key, analysis)
        yield opened


def rows(screen: LibraryScreen) -> list[str]:
    return [entry.title for entry in screen.shown]


def drawn(screen: LibraryScreen) -> list[str]:
    table = screen.query_one(EntryTable)
    return [table.render_line(y).text.rstrip() for y in range(len(screen.shown))]


async def test_filter_then_open_shows_the_cached_analysis(library: Library) -> None:
    app = BylineApp([ARTICLES[0]], library=library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        screen = app.screen
        assert rows(screen) == ["Ferry fares rise", "Bridge to close", "Ferry timetable"]
        lines = drawn(screen)
        assert lines[0].split() == [
            "Ferry",
            "fares",
            "rise",
            "Island",
            "News",
            "2024-03-01",
            "0",
            "0",
        ]
        assert lines[1].split()[-3:] == ["Herald", "1", "0"]
        await pilot.press(*"ferry")
        assert rows(screen) == ["Ferry fares rise", "Ferry timetable"]
        await pilot.press("backspace", *"y coastal")
        assert rows(screen) == ["Ferry timetable"]
        await pilot.press("escape")  # clears the filter first
        assert screen.query_one(Input).value == ""
        assert len(screen.shown) == 3
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        reader = app.screen
        assert reader.article.title == "Bridge to close"
        await until(pilot, lambda: reader.analysis is not None)
        assert reader.analysis == CACHED


async def test_escape_goes_back_to_the_reader(library: Library) -> None:
    app = BylineApp([ARTICLES[0]], library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = app.screen
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is reader)


async def test_without_a_library_L_says_so(seed: Article) -> None:
    app = BylineApp([seed], analyser=lambda article: Analysis())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert any("No library" in str(n.message) for n in app._notifications)


async def test_opening_again_replaces_the_reader_opened_before(library: Library) -> None:
    app = BylineApp([ARTICLES[0]], library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        for title in ("Bridge to close", "Ferry timetable"):
            await pilot.press("L")
            await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
            await pilot.press(*title.lower())
            await pilot.press("enter")
            await until(
                pilot,
                lambda t=title: (
                    getattr(app.screen, "article", None) and app.screen.article.title == t
                ),
            )
        assert len(app.screen_stack) == 2  # the first reader and the one from the library


async def test_the_screen_reads_the_rows_in_view_not_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library of 1,500 articles: opening the screen, paging down through it and filtering
    read a page or two of rows each time (`Listing`), never the whole library."""
    with Library(tmp_path / "big.sqlite3") as big:
        big.add(
            Article(text=f"Report {n}\n\nFerry news.", title=f"Report {n}", source="Wire")
            for n in range(1500)
        )
        everything = big.entries()
        read: list[int] = []
        entry_rows = Library.entry_rows

        def counted(self: Library, *args: object) -> list[Entry]:
            rows = entry_rows(self, *args)  # type: ignore[arg-type]
            read.append(len(rows))
            return rows

        def whole_library(self: Library, *_: object) -> object:
            raise AssertionError("the screen read the whole library")

        monkeypatch.setattr(Library, "entry_rows", counted)
        monkeypatch.setattr(Library, "iter_entries", whole_library)
        app = BylineApp([ARTICLES[0]], library=big, analyser=lambda article: Analysis())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("L")
            await until(pilot, lambda: isinstance(app.screen, LibraryScreen))
            await pilot.pause()
            screen = app.screen
            assert len(screen.shown) == 1500
            assert sum(read) <= 2 * PAGE
            table = screen.query_one(EntryTable)
            assert table.render_line(0).text.split()[:2] == ["Report", "0"]
            read.clear()
            for _ in range(12):  # 12 pages of 25 rows: to row 300
                await pilot.press("pagedown")
            await pilot.pause()
            assert table.selected == everything[table.cursor] and table.cursor >= 300
            top = int(table.scroll_y)
            assert table.render_line(0).text.split()[:2] == ["Report", str(top)]
            assert sum(read) <= 5 * PAGE  # the pages passed through, one at a time
            read.clear()
            await pilot.press(*"report 1")  # every article has "report", 1 in its title
            await pilot.pause()
            assert sum(read) <= len("report 1") * 2 * PAGE  # a page or two per key
            assert [screen.shown[i].title for i in range(3)] == [
                "Report 1",
                "Report 10",
                "Report 11",
            ]
