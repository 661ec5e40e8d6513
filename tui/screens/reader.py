"""The reader screen: the article pane (and, as it grows, the side panel)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui.model import Article
from tui.widgets.article_view import ArticleView


class ReaderScreen(Screen[None]):
    def __init__(self, articles: Sequence[Article]) -> None:
        super().__init__()
        self.articles = list(articles)
        self.current = 0

    @property
    def article(self) -> Article:
        return self.articles[self.current]

    def compose(self) -> ComposeResult:
        yield ArticleView(self.article, id="article")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.article.title
        self.query_one(ArticleView).focus()
