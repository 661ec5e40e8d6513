"""Author, date, source and URL found by the loaders are shown with the article (a line under
the top bar) and in the `o` list, as text: never markup, never control sequences."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList
from waiting import reader_ready, screen_lines

from tui.app import BylineApp
from tui.loaders import load_source
from tui.model import Analysis, Article
from tui.screens.articles import ArticlesScreen

DATA = Path(__file__).parent / "data" / "loaders"


def no_analysis(article: Article) -> Analysis:
    return Analysis()


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            "page.html",
            "by Maria Okafor · The Coastal Herald · 2024-05-14 · "
            "https://coastalherald.example/news/harbour-bridge-repairs",
        ),
        (
            "feed.rss",
            "by Maria Okafor · The Coastal Herald - News · 2024-05-14 · "
            "https://coastalherald.example/news/harbour-bridge-repairs",
        ),
        (
            "feed.atom",
            "by Lena Fischer · Science Desk · 2024-06-01 · https://science.example/glacier",
        ),
        ("article.json", "by Ann Park · Island News · 2024-03-01 · https://island.example/fares"),
        ("article.md", "by Sam Lee · 2024-04-02"),
    ],
)
async def test_the_metadata_a_loader_found_is_under_the_top_bar(name: str, header: str) -> None:
    articles = list(load_source(str(DATA / name), lambda problem: None))
    app = BylineApp(articles, analyser=no_analysis)
    async with app.run_test(size=(120, 30)) as pilot:
        await reader_ready(pilot)
        lines = screen_lines(app)
        assert articles[0].title in lines[0]
        assert lines[1].strip() == header


async def test_at_80x24_a_long_header_is_cut_not_wrapped() -> None:
    articles = list(load_source(str(DATA / "page.html"), lambda problem: None))
    app = BylineApp(articles, analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reader_ready(pilot)
        lines = screen_lines(app)
        assert lines[1].startswith(" by Maria Okafor · The Coastal Herald · 2024-05-14 · https://")
        assert lines[1].rstrip().endswith("…")
        first_line = articles[0].text.splitlines()[0]
        assert lines[2].strip() == first_line  # the article starts on the next row
        assert screen.view.region.y == 2


async def test_metadata_is_drawn_as_text_never_markup_or_controls() -> None:
    article = Article(
        text="Headline\n\nBody text.",
        title="Headline",
        author="[bold]Eve[/bold]\x1b[2J",
        source="\x1b]0;pwned\x07[red]Site[/red]",
        date="2024-01-02\x9b31m",
        url="https://x.example/[link=evil]a[/link]\r\nz",
    )
    other = Article(text="Other\n\nMore.", title="Other")
    app = BylineApp([article, other], analyser=no_analysis)
    async with app.run_test(size=(120, 30)) as pilot:
        await reader_ready(pilot)
        header = screen_lines(app)[1].strip()
        assert header == (
            "by [bold]Eve[/bold] · [red]Site[/red] · 2024-01-02 · "
            "https://x.example/[link=evil]a[/link] z"
        )
        await pilot.press("o")
        assert isinstance(app.screen, ArticlesScreen)
        shown = "\n".join(screen_lines(app))
        assert "by [bold]Eve[/bold] · [red]Site[/red] · 2024-01-02" in shown
        for text in (header, shown):
            assert not any(c in text for c in "\x1b\x07\x9b\r")


async def test_an_article_without_metadata_has_no_header_line(seed: Article) -> None:
    with_meta = Article(text="Second\n\nText.", title="Second", author="Ann Park")
    app = BylineApp([seed, with_meta], analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        await reader_ready(pilot)
        lines = screen_lines(app)
        assert lines[1].strip() == seed.title  # the text begins right under the bar
        await pilot.press("right_square_bracket")  # the header follows the article shown
        await pilot.pause()
        assert screen_lines(app)[1].strip() == "by Ann Park"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen_lines(app)[1].strip() == seed.title


async def test_the_o_list_shows_each_articles_metadata() -> None:
    articles = [
        *load_source(str(DATA / "article.json"), lambda problem: None),
        *load_source(str(DATA / "article.md"), lambda problem: None),
    ]
    app = BylineApp(articles, analyser=no_analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        await reader_ready(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ArticlesScreen)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert prompts == [
            "▸ 1. Ferry fares to rise in June\n"
            "     by Ann Park · Island News · 2024-03-01 · https://island.example/fares",
            "  2. Night market returns to the old town\n     by Sam Lee · 2024-04-02",
        ]
        lines = screen_lines(app)
        assert any("by Ann Park · Island News · 2024-03-01" in line for line in lines)
