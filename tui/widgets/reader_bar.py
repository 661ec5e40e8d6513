"""The one-line bar above the article: which article of how many, how far into it you are, the
status of its analysis ("analysing…" until the highlights and side panel fill in), the title."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from tui.widgets.span_list import one_line


class ReaderBar(Static):
    COMPONENT_CLASSES = {"reader-bar--status", "reader-bar--position", "reader-bar--progress"}

    title: reactive[str] = reactive("")
    position: reactive[str] = reactive("")
    status: reactive[str] = reactive("")
    #: How far into the article the view is, e.g. "42%".
    progress: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def watch_title(self) -> None:
        self._draw()

    def watch_position(self) -> None:
        self._draw()

    def watch_status(self) -> None:
        self._draw()

    def watch_progress(self) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._draw()

    def _draw(self) -> None:
        parts: list[str | tuple[str, object]] = []
        if self.position:
            parts += [(self.position, self.get_visual_style("reader-bar--position")), "  "]
        if self.progress:
            parts += [(f"{self.progress:>4}", self.get_visual_style("reader-bar--progress")), "  "]
        if self.status:
            parts += [(self.status, self.get_visual_style("reader-bar--status")), "  "]
        parts.append(one_line(self.title) or "(untitled)")
        self.update(Content.assemble(*parts))  # type: ignore[arg-type]
