"""The search line: `/` opens it above the footer; the article is searched as you type, the
number of matches beside what you typed; Enter keeps the matches, Escape drops them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from tui.widgets.article_view import MAX_MATCHES


class SearchBar(Input):
    BINDINGS = [Binding("escape", "cancel", "Close search", show=True)]

    class Cancelled(Message):
        """The user closed the search line without searching."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search the article", id=id)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())


class SearchLine(Horizontal):
    """ "/", the search field, and how many matches what is typed so far has."""

    def compose(self) -> ComposeResult:
        yield Static(Content("/"), id="search-prompt")
        yield SearchBar(id="search")
        yield Static(Content(""), id="search-count")

    def show_count(self, query: str, count: int | None) -> None:
        """The count for `query` (None: not searched yet)."""
        if count is None:
            text = "…"
        elif not query:
            text = "Enter: search · Escape: close"
        elif count == 0:
            text = "no match"
        else:
            more = "+" if count >= MAX_MATCHES else ""  # the search stops counting there
            text = f"{count:,}{more} match{'es' if count != 1 else ''}"
        self.query_one("#search-count", Static).update(Content(text))
