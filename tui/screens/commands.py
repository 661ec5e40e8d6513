"""The command palette (ctrl+p) for the reader: every action, and jumps by name.

"Go to quote by <speaker>", "Go to claim from <source>" and "Go to entity <name>" come from the
article, so their prompts are plain `Content` (never markup), highlighted by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.app import App
from textual.command import DiscoveryHit, Hit, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tui.model import Analysis, Article
from tui.widgets.side_panel import claim_rows, entity_rows, quote_rows


@runtime_checkable
class Reader(Protocol):
    """What the palette needs of the reader screen (named here, not imported: the reader
    imports this module)."""

    articles: list[Article]

    @property
    def app(self) -> App[object]: ...

    @property
    def analysis(self) -> Analysis | None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...

    def show_article(self, index: int) -> None: ...

    def jump_to(self, start: int, end: int) -> None: ...


#: (prompt, action on the reader screen, help): the reader's actions, for the palette.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Help: list all keys", "help", "?"),
    ("Search the article", "search", "/"),
    ("Next search match", "next_match(1)", "n"),
    ("Previous search match", "next_match(-1)", "N"),
    ("Cycle highlights (all / names / off)", "cycle_highlights", "h"),
    ("Show quotes", "show_tab('quotes')", "1"),
    ("Show claims", "show_tab('claims')", "2"),
    ("Show entities", "show_tab('entities')", "3"),
    ("Switch pane (article / side panel)", "switch_pane", "tab"),
    ("Toggle the side panel", "toggle_panel", "p"),
    ("Top of the article", "top", "g"),
    ("Bottom of the article", "bottom", "G"),
    ("Next article", "next_article(1)", "]"),
    ("Previous article", "next_article(-1)", "["),
    ("List the open articles", "articles", "o"),
)


def literal_highlight(matcher: Matcher, candidate: str) -> Content:
    """`candidate` as plain text, its fuzzy-matched characters styled: no markup parsing."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ReaderCommands(Provider):
    def _reader(self) -> Reader | None:
        screen = self.screen
        return screen if isinstance(screen, Reader) else None

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        reader = self._reader()
        if reader is None:
            return []
        commands: list[tuple[str, Callable[[], object], str]] = [
            (prompt, partial(reader.app.run_action, action, self.screen), f"key: {key}")
            for prompt, action, key in ACTIONS
            if reader.check_action(action.split("(")[0], ()) is True
        ]
        if len(reader.articles) > 1:
            from tui.screens.articles import article_row

            for index, article in enumerate(reader.articles):
                show = partial(reader.show_article, index)
                commands.append((f"Go to article {article_row(index + 1, article)}", show, ""))
        analysis = reader.analysis
        if analysis is not None:
            for verb, rows in (
                ("Go to quote by", quote_rows(analysis)),
                ("Go to claim from", claim_rows(analysis)),
            ):
                for row in rows:
                    jump = partial(reader.jump_to, *row.spans[0])
                    commands.append((f"{verb} {row.who}: {row.what}", jump, ""))
            for row in entity_rows(analysis):
                jump = partial(reader.jump_to, *row.spans[0])
                commands.append((f"Go to entity {row.who} ({row.what})", jump, ""))
        return commands

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        for prompt, callback, help_ in self._commands():
            # help: Textual says str, and takes it as markup; Content is taken as it is.
            yield DiscoveryHit(
                Content(prompt),
                callback,
                text=prompt,
                help=Content(help_),  # type: ignore[arg-type]
            )

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for prompt, callback, help_ in self._commands():
            score = matcher.match(prompt)
            if score > 0:
                yield Hit(
                    score,
                    literal_highlight(matcher, prompt),
                    callback,
                    text=prompt,
                    help=Content(help_),  # type: ignore[arg-type]  # (as in discover)
                )
