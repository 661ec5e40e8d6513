"""The reader's foundations: text on screen, scrolling by bursts of keys, quitting."""

from __future__ import annotations

from tui.app import BylineApp
from tui.model import Article
from tui.widgets.article_view import ArticleView


def visible_text(view: ArticleView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


async def test_seed_headline_is_on_screen(seed: Article) -> None:
    app = BylineApp([seed])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        assert visible_text(view)[0] == "Syrian rebels blame Russia for stalled Aleppo talks"


async def test_burst_of_keys_moves_that_many_lines(seed: Article) -> None:
    app = BylineApp([seed])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        await pilot.press(*["j"] * 40)
        assert view.scroll_y == 40
        await pilot.press(*["k"] * 15)
        assert view.scroll_y == 25
        await pilot.press("g")
        assert view.scroll_y == 0


async def test_q_quits(seed: Article) -> None:
    app = BylineApp([seed])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
