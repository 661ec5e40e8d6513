"""The search line: `/` opens it, Enter searches the article, Escape closes it."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    BINDINGS = [Binding("escape", "cancel", "Close search", show=True)]

    class Cancelled(Message):
        """The user closed the search line without searching."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search the article (Enter: search, Escape: close)", id=id)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
