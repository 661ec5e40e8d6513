"""`o`: the articles open in the reader, one a row (the title, and under it the metadata);
`Enter` goes to one, `escape` closes."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.model import Article
from tui.safe_text import one_line
from tui.widgets.article_meta import meta_line


def article_title(article: Article) -> str:
    return one_line(article.title) or one_line(article.path) or "(untitled)"


def article_option(number: int, article: Article, current: bool) -> str:
    """ "▸ 3. Title" and, under it, the metadata "by Author · Source · date · URL"."""
    first = f"{'▸ ' if current else '  '}{number}. "
    meta = meta_line(article)
    return first + article_title(article) + (f"\n{' ' * len(first)}{meta}" if meta else "")


def article_row(number: int, article: Article) -> str:
    """ "3. Title · Source · date": untrusted parts flattened, for one row."""
    parts = [article_title(article), one_line(article.source), one_line(article.date)]
    return f"{number}. " + " · ".join(part for part in parts if part)


class ArticlesScreen(ModalScreen[int | None]):
    """Dismissed with the index of the article chosen, or None."""

    BINDINGS = [
        Binding("escape,q,o", "dismiss(None)", "Close", show=True),
        Binding("j", "cursor('down')", "Down", show=False),
        Binding("k", "cursor('up')", "Up", show=False),
    ]

    def __init__(self, articles: Sequence[Article], current: int) -> None:
        super().__init__()
        self.articles = articles
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="articles-body"):
            yield Static(Content(f"Open articles ({len(self.articles)})"), id="articles-title")
            # Content, not markup: a title like "[bold]" is shown as written.
            yield OptionList(
                *(
                    Option(Content(article_option(i + 1, a, i == self.current)))
                    for i, a in enumerate(self.articles)
                ),
                id="articles-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current
        options.focus()

    def action_cursor(self, direction: str) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if direction == "down" else options.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)
