"""Entity lookup in the reader: `e` on an entity opens the lookup screen, `Enter` on a row opens
that article at that span, `escape` goes back; `E` finds an entity as you type."""

from __future__ import annotations

from waiting import until

from tui.app import BylineApp
from tui.model import Analysis, Article
from tui.screens.lookup import EntitySearchScreen, LookupScreen, TargetList
from tui.screens.reader import ReaderScreen
from tui.store import Library

ARTICLES = [
    Article(
        text="Talks stall in Geneva\n\nRussian Foreign Minister Sergey Lavrov said on Monday "
        'that the talks had failed. "We will not give up," Lavrov told reporters.',
        title="Talks stall",
    ),
    Article(
        text='Moscow responds\n\nLavrov rejected the accusations. "This is nonsense," Lavrov '
        "said in Geneva.",
        title="Moscow responds",
    ),
]


def app_for(library: Library, analyses: dict[str, Analysis]) -> BylineApp:
    return BylineApp(
        [ARTICLES[0]],
        library=library,
        analyses={0: analyses[ARTICLES[0].content_hash]},
        analyser=lambda article: Analysis(),
    )


async def test_e_on_an_entity_then_enter_opens_that_article_at_that_span(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    app = app_for(library, analyses)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.screen
        await until(pilot, lambda: reader.ready)
        await pilot.press("3")  # the Entities tab: the most mentioned first
        entities = reader.panel.list_for("entities")
        names = [row.who for row in entities.rows]
        entities.highlighted = names.index("Sergey Lavrov")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        lookup = app.screen
        await until(pilot, lambda: lookup.result is not None)
        assert lookup.result.entity.name == "Sergey Lavrov"
        assert [(a.title, a.mentions) for a in lookup.result.articles] == [
            ("Talks stall", 2),
            ("Moscow responds", 2),
        ]
        # The mentions tab: a KWIC line per mention; the second article's first one.
        await pilot.press("2")
        mentions = lookup.list_for("mentions")
        assert mentions.has_focus and len(mentions.targets) == 4
        await pilot.press("down", "down", "enter")
        await until(
            pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen is not reader
        )
        opened = app.screen
        await until(pilot, lambda: opened.ready)
        assert opened.article.title == "Moscow responds"
        text = ARTICLES[1].text
        start = text.index("Lavrov")
        assert opened.view.mark == (start, start + len("Lavrov"))
        await pilot.press("escape")  # back to the lookup, as it was
        await until(pilot, lambda: app.screen is lookup)
        assert app.screen.focused is mentions and mentions.highlighted == 2
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is reader)


async def test_e_on_a_quote_looks_up_its_speaker_and_quotes_are_listed(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    app = app_for(library, analyses)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.screen
        await until(pilot, lambda: reader.ready)
        await pilot.press("1", "e")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        lookup = app.screen
        await until(pilot, lambda: lookup.result is not None)
        assert lookup.result.entity.name == "Sergey Lavrov"
        quotes = lookup.list_for("quotes")
        assert len(quotes.targets) == 2
        assert "We will not give up" in str(quotes.get_option_at_index(0).prompt)


async def test_E_finds_entities_as_you_type(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    app = app_for(library, analyses)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, EntitySearchScreen))
        search = app.screen
        await until(pilot, lambda: bool(search.found))
        assert search.found[0].name == "Sergey Lavrov"  # most mentioned first
        await pilot.press(*"gen")
        await until(pilot, lambda: [f.name for f in search.found] == ["Geneva"])
        await pilot.press("backspace", "backspace", "backspace", *"lavorv")  # a typo
        await until(pilot, lambda: [f.name for f in search.found][:1] == ["Sergey Lavrov"])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        await until(pilot, lambda: app.screen.result is not None)
        assert app.screen.result.entity.name == "Sergey Lavrov"
        assert isinstance(app.screen.focused, TargetList)


async def test_without_a_library_e_is_not_offered(analyses: dict[str, Analysis]) -> None:
    app = BylineApp([ARTICLES[0]], analyses={0: analyses[ARTICLES[0].content_hash]})
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.ready)
        assert app.screen.check_action("lookup", ()) is False
        await pilot.press("E")
        assert isinstance(app.screen, ReaderScreen)
