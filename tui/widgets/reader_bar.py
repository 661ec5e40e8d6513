"""The one-line bar above the article: which article of how many, its title, and the status of
its analysis ("analysing…" until the highlights and the side panel are filled in)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from tui.widgets.span_list import one_line


class ReaderBar(Static):
    COMPONENT_CLASSES = {"reader-bar--status", "reader-bar--position"}

    title: reactive[str] = reactive("")
    position: reactive[str] = reactive("")
    status: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def watch_title(self) -> None:
        self._draw()

    def watch_position(self) -> None:
        self._draw()

    def watch_status(self) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._draw()

    def _draw(self) -> None:
        parts: list[str | tuple[str, object]] = []
        if self.position:
            parts += [(self.position, self.get_visual_style("reader-bar--position")), "  "]
        if self.status:
            parts += [(self.status, self.get_visual_style("reader-bar--status")), "  "]
        parts.append(one_line(self.title) or "(untitled)")
        self.update(Content.assemble(*parts))  # type: ignore[arg-type]
