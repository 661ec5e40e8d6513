"""BylineApp: the Textual application. Screens and widgets sit on top of the plain-Python core."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App
from textual.binding import Binding

from tui import STYLES_DIR
from tui.model import Article
from tui.screens.reader import ReaderScreen


class BylineApp(App[None]):
    """A terminal reader for news articles."""

    TITLE = "Byline"
    CSS_PATH = [STYLES_DIR / "app.tcss", STYLES_DIR / "reader.tcss"]
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, articles: Sequence[Article], *, model: str | None = None) -> None:
        super().__init__()
        self.articles = list(articles)
        self.model = model

    def on_mount(self) -> None:
        self.push_screen(ReaderScreen(self.articles))
