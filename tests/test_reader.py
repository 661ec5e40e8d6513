"""The reader screen, driven through Textual's Pilot with the real spaCy pipeline."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from textual.geometry import Region, Size
from textual.pilot import Pilot
from textual.widgets import Footer, OptionList
from waiting import until

from tui.app import BylineApp
from tui.loaders import load_text
from tui.model import Analysis, Article, Quote
from tui.nlp.analyze import analyze_text
from tui.screens.articles import ArticlesScreen
from tui.screens.commands import ReaderCommands
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.legend import EntityLegend
from tui.widgets.reader_bar import ReaderBar
from tui.widgets.side_panel import SidePanel
from tui.widgets.span_list import SpanList

Analyser = Callable[[Article], Analysis]


@pytest.fixture(scope="session")
def analyser(nlp) -> Analyser:
    """The real analysis, computed once per distinct text for the whole session."""
    done: dict[str, Analysis] = {}

    def analyse(article: Article) -> Analysis:
        if article.text not in done:
            done[article.text] = analyze_text(article.text, nlp)
        return done[article.text]

    return analyse


def reader(app: BylineApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def analysed(pilot: Pilot) -> ReaderScreen:
    """Wait until the whole screen is mounted and the current article's analysis is shown."""
    screen = reader(pilot.app)  # type: ignore[arg-type]
    await until(
        pilot,
        lambda: (
            screen.ready
            and (screen.current in screen.analyses or screen.current in screen.failures)
        ),
    )
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.analysis is not None or screen.failures
    return screen


def visible_text(view: ArticleView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


def list_text(span_list: SpanList) -> list[str]:
    height = span_list.scrollable_content_region.height
    return [span_list.render_line(y).text.rstrip() for y in range(height)]


async def test_text_is_visible_before_the_analysis_completes(
    seed: Article, analyser: Analyser
) -> None:
    release = threading.Event()

    def slow(article: Article) -> Analysis:
        release.wait(timeout=60)  # the real analysis, held back until the test has looked
        return analyser(article)

    app = BylineApp([seed], analyser=slow)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = reader(app)
        assert screen.analysis is None
        assert visible_text(screen.view)[0] == "Syrian rebels blame Russia for stalled Aleppo talks"
        assert app.screen.query_one(ReaderBar).status == "analysing…"
        assert not screen.view._entities
        release.set()
        await analysed(pilot)
        assert app.screen.query_one(ReaderBar).status == ""
        assert screen.view._entities
        assert screen.panel.list_for("entities").rows


async def test_quotes_tab_lists_the_speakers(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        quotes = screen.panel.list_for("quotes")
        speakers = {row.who for row in quotes.rows}
        assert {"Rami Abdel Rahman", "Stefanie Dekker"} <= speakers
        shown = "\n".join(list_text(quotes))
        assert "Rami Abdel Rahman — " in shown
        assert "Stefanie Dekker — " in shown


async def test_enter_on_a_quote_scrolls_the_article_to_it(
    seed: Article, analyser: Analyser
) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("1")
        quotes = screen.panel.list_for("quotes")
        assert screen.focused is quotes
        last = len(quotes.rows) - 1
        await pilot.press(*["j"] * last)
        assert quotes.highlighted == last
        await pilot.press("enter")
        await pilot.pause()
        start, end = quotes.rows[last].spans[0]
        view = screen.view
        assert view.mark == (start, end)
        assert view.scroll_y > 0
        top, bottom = view.visible_range()
        assert top <= start <= bottom
        # The mark stays while the article scrolls, and goes when the list cursor moves.
        await pilot.press("k")
        assert view.mark is None


async def test_list_highlight_follows_the_article(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        quotes = screen.panel.list_for("quotes")
        assert quotes.highlighted == 0
        for index in (2, 1):  # quotes far enough from the end to scroll to the top
            screen.view.scroll_to_offset(quotes.rows[index].start)
            await pilot.pause()
            assert quotes.highlighted == index


async def test_burst_of_keys_in_a_list_moves_that_many_rows(
    seed: Article, analyser: Analyser
) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("3")
        entities = screen.panel.list_for("entities")
        assert len(entities.rows) > 40
        await pilot.press(*["j"] * 40)
        assert entities.highlighted == 40
        await pilot.press(*["k"] * 15, "G")
        assert entities.highlighted == len(entities.rows) - 1


async def test_entity_enter_steps_through_its_mentions(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("3")
        row = screen.panel.list_for("entities").rows[0]  # the most-mentioned entity
        assert len(row.spans) > 2
        await pilot.press("enter", "enter")
        assert screen.view.mark == row.spans[1]


async def test_search_finds_lavrov(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("slash", *"lavrov", "enter")
        await pilot.pause()
        view = screen.view
        assert view.match_count == 1
        assert view.mark is not None
        start, end = view.mark
        assert seed.text[start:end] == "Lavrov"
        assert any("Lavrov" in line for line in visible_text(view))
        assert screen.focused is view
        # n wraps round to the same (only) match; escape clears the search.
        await pilot.press("n")
        assert view.mark == (start, end)
        await pilot.press("escape")
        assert view.match_count == 0 and view.mark is None


async def test_search_n_and_shift_n_move_between_matches(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("slash", *"aleppo", "enter")
        view = screen.view
        count = view.match_count
        assert count == seed.text.lower().count("aleppo")
        assert view.match_index == 0
        await pilot.press("n", "n", "N")
        assert view.match_index == 1
        await pilot.press("N", "N")
        assert view.match_index == count - 1


async def test_escape_closes_the_search_line(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("slash", "q", "escape")
        assert screen.focused is screen.view
        assert not screen.has_class("-searching")
        assert app.is_running  # the q went into the search line, it did not quit


async def test_h_cycles_highlights(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        view = screen.view
        assert len(view._entity_layer) == len(screen.analysis.entities)
        await pilot.press("h")
        assert view.highlight_mode == "names"
        assert 0 < len(view._entity_layer) < len(screen.analysis.entities)
        await pilot.press("h")
        assert view.highlight_mode == "off"
        assert len(view._entity_layer) == 0
        legend = screen.query_one(EntityLegend)
        assert "highlights: off" in str(legend.render())
        await pilot.press("h")
        assert view.highlight_mode == "all"


def assert_nothing_cut_off(app: BylineApp) -> None:
    screen = reader(app)
    whole = Region(0, 0, *app.size)
    parts = [
        screen.query_one(ReaderBar),
        screen.view,
        screen.query_one(EntityLegend),
        screen.query_one(Footer),
    ]
    if screen.show_panel:
        parts.append(screen.panel)
    for widget in parts:
        assert widget.region.area > 0, widget
        assert whole.contains_region(widget.region), widget
    for a in parts:
        for b in parts:
            assert a is b or not a.region.overlaps(b.region), (a, b)
    keys = screen.query_one(Footer).children
    assert len(keys) >= 5  # the footer shows the live bindings
    for key in keys:
        assert whole.contains_region(key.region), key
    legend = screen.query_one(EntityLegend)
    needed = legend.get_content_height(
        Size(*app.size), Size(*app.size), legend.content_region.width
    )
    assert needed <= legend.content_region.height


async def test_narrow_80x24_has_nothing_cut_off(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        assert screen.narrow and not screen.show_panel
        assert_nothing_cut_off(app)
        assert max(len(line) for line in visible_text(screen.view)) <= 78
        # tab opens the side panel below the article; tab again goes back (p closes it).
        await pilot.press("tab")
        assert screen.show_panel and screen.focused is screen.panel.list_for("quotes")
        assert screen.panel.region.y > screen.view.region.y
        assert_nothing_cut_off(app)
        quotes = screen.panel.list_for("quotes")
        await pilot.press("enter")
        assert screen.view.mark == quotes.rows[0].spans[0]
        await pilot.press("tab")
        assert screen.show_panel and screen.focused is screen.view
        await pilot.press("p")
        assert not screen.show_panel and screen.focused is screen.view


async def test_wide_layout_has_the_panel_beside_the_article(
    seed: Article, analyser: Analyser
) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        assert not screen.narrow and screen.show_panel
        assert screen.panel.region.x > screen.view.region.x
        assert_nothing_cut_off(app)
        await pilot.press("p")
        assert not screen.panel.display or not screen.show_panel


async def test_number_keys_switch_tabs(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        for key, tab in (("2", "claims"), ("3", "entities"), ("1", "quotes")):
            await pilot.press(key)
            assert screen.panel.active == tab
            assert screen.focused is screen.panel.list_for(tab)
        await pilot.press("shift+tab")
        assert screen.focused is screen.view


async def test_brackets_move_between_articles(seed: Article, analyser: Analyser) -> None:
    other = load_text("Second article\n\nAngela Merkel visited Paris on Monday.\n", "two.txt")
    app = BylineApp([seed, other], analyser=analyser)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await analysed(pilot)
        bar = screen.query_one(ReaderBar)
        assert bar.position == "1/2"
        await pilot.press("j", "j", "right_square_bracket")
        assert screen.current == 1 and bar.position == "2/2"
        assert visible_text(screen.view)[0] == "Second article"
        assert {row.who for row in screen.panel.list_for("entities").rows} >= {"Angela Merkel"}
        await pilot.press("left_square_bracket")
        assert screen.current == 0
        assert screen.view.scroll_y == 2  # where it was left


async def test_o_lists_the_open_articles_and_goes_to_one(seed: Article, analyser: Analyser) -> None:
    other = load_text("Second article\n\nAngela Merkel visited Paris.\n", "two.txt")
    third = load_text("[bold]Third[/] article\n\nIt rained in Oslo.\n", "three.txt")
    app = BylineApp([seed, other, third], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ArticlesScreen)
        options = app.screen.query_one(OptionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert rows == [
            "▸ 1. Syrian rebels blame Russia for stalled Aleppo talks",
            "  2. Second article",
            "  3. [bold]Third[/] article",  # a title is text, never markup
        ]
        await pilot.press("j", "j", "enter")
        assert app.screen is screen
        assert screen.current == 2 and screen.query_one(ReaderBar).position == "3/3"
        await pilot.press("o", "k", "escape")  # escape changes nothing
        assert app.screen is screen and screen.current == 2
        hits = [prompt for prompt, _, _ in ReaderCommands(screen)._commands()]
        assert "Go to article 2. Second article" in hits


async def test_o_is_off_with_one_article(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        await analysed(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ReaderScreen)


async def test_help_screen_lists_every_key(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(100, 60)) as pilot:
        await analysed(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(static.render()) for static in app.screen.query(".help-keys"))
        for description in (
            "Quit",
            "Search",
            "Highlights",
            "Next match",
            "Quotes",
            "Claims",
            "Entities",
            "Prev article",
            "Next article",
            "Top",
            "Bottom",
            "Jump",
            "Command palette",
        ):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_palette_offers_go_to_quote_and_entity(seed: Article, analyser: Analyser) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        provider = ReaderCommands(screen)
        prompts = [prompt for prompt, _, _ in provider._commands()]
        assert any(p.startswith("Go to quote by Stefanie Dekker") for p in prompts)
        assert "Go to entity Sergey Lavrov (PERSON · 1)" in prompts
        assert "Search the article" in prompts
        assert "Next article" not in prompts  # only one article open
        hits = [hit async for hit in provider.search("entity lavrov")]
        best = max(hits, key=lambda hit: hit.score)
        assert best.text == "Go to entity Sergey Lavrov (PERSON · 1)"
        best.command()
        await pilot.pause()
        start, end = screen.view.mark or (0, 0)
        assert seed.text[start:end] == "Sergey Lavrov"


HOSTILE = (
    "[bold]Not bold[/] headline\n\n"
    "A [red]red[/red] \x1b[31mANSI\x1b[0m and \x1b]8;;http://evil\x07link\x1b]8;;\x07 and "
    "\x1b]0;title\x07 text with \x07bell and \x9b2J and " + "x" * 5000 + " end.\n"
)


async def test_untrusted_text_renders_literally(nlp) -> None:
    article = load_text(HOSTILE, "hostile.txt")
    start = article.text.index("[red]")
    quote = Quote(
        start, start + 10, "[b]quoted[/b] \x1b[2J words", speaker="[i]Eve[/i]\x1b]0;x\x07"
    )
    analysis = Analysis(quotes=[quote])
    app = BylineApp([article], analyser=lambda _: analysis)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        lines = visible_text(screen.view)
        assert lines[0] == "[bold]Not bold[/] headline"
        assert "[red]red[/red] ANSI and link and  text with bell and" in " ".join(lines)
        await pilot.press("tab")
        rows = list_text(screen.panel.list_for("quotes"))
        assert rows[0].startswith("[i]Eve[/i] — [b]quoted[/b] words")
        bar = screen.query_one(ReaderBar).text
        assert "[bold]Not bold[/] headline" in bar
        for line in lines + rows + [bar]:
            assert "\x1b" not in line and "\x07" not in line and "\x9b" not in line
        await pilot.press("G", "k", "g")  # the very long line wraps and scrolls without error


async def test_a_million_words_open_with_the_first_screen_wrapped_first(seed: Article) -> None:
    words = len(seed.text.split())
    big = load_text((seed.text + "\n\n") * (1_000_000 // words + 1), "big.txt")
    release = threading.Event()

    def never(article: Article) -> Analysis:
        release.wait(timeout=60)
        return Analysis()

    app = BylineApp([big], analyser=never)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            view = reader(app).view
            assert visible_text(view)[0] == "Syrian rebels blame Russia for stalled Aleppo talks"
            await until(pilot, lambda: reader(app).ready)  # the panel and footer settle its height
            await pilot.press("G")
            assert view._wrapped is not None and view._wrapped.complete
            assert view.scroll_y == view.max_scroll_y > 100_000
            await pilot.pause()
            assert reader(app).query_one(ReaderBar).progress == "100%"
            await pilot.press(*["k"] * 40)
            assert view.scroll_y == view.max_scroll_y - 40
    finally:
        release.set()


async def test_analysis_failure_leaves_a_usable_reader(seed: Article) -> None:
    def broken(article: Article) -> Analysis:
        raise ValueError("model exploded\nwith a second line")

    app = BylineApp([seed], analyser=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        assert screen.failures == {0: "model exploded with a second line"}
        assert screen.query_one(ReaderBar).status == "analysis failed"
        await pilot.press("j", "j")
        assert screen.view.scroll_y == 2


async def test_no_color_keeps_entities_distinguishable(
    seed: Article, analyser: Analyser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = BylineApp([seed], analyser=analyser)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        view = screen.view
        styles = {}
        for label in ("PERSON", "ORG", "GPE", "DATE"):
            style = view._component_style(f"entity--{label}")
            styles[label] = (style.bold, style.italic, style.underline)
            assert any(styles[label]), label
        assert len(set(styles.values())) == 4  # each group looks different without colour
        mark = view._component_style("article--mark")
        assert mark.reverse


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_themes_switch(seed: Article, analyser: Analyser, theme: str) -> None:
    app = BylineApp([seed], analyser=analyser)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await analysed(pilot)
        app.theme = theme
        await pilot.pause()
        quotes = screen.panel.list_for("quotes")
        assert "Rami Abdel Rahman — " in "\n".join(list_text(quotes))
        assert screen.query_one(SidePanel).display
