"""The one-line bar above the article: how far into it you are, which article of how many,
the status of its analysis ("analysing…" until the highlights and side panel fill in), the
title.

How far in is its own four-cell widget: it changes as you scroll, and over SSH redrawing four
cells costs a tenth of the bytes of redrawing the whole line.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tui.safe_text import one_line


class ReaderBar(Widget):
    COMPONENT_CLASSES = {"reader-bar--status", "reader-bar--position"}

    title: reactive[str] = reactive("")
    position: reactive[str] = reactive("")
    status: reactive[str] = reactive("")
    #: How far into the article the view is, e.g. "42%". (No repaint of the bar: the cells
    #: that show it are repainted, nothing else.)
    progress: reactive[str] = reactive("", repaint=False)

    def compose(self) -> ComposeResult:
        yield Static("", id="bar-progress", markup=False)
        yield Static("", id="bar-text", markup=False)

    def on_mount(self) -> None:
        self._draw()

    def watch_title(self) -> None:
        self._draw()

    def watch_position(self) -> None:
        self._draw()

    def watch_status(self) -> None:
        self._draw()

    def watch_progress(self, progress: str) -> None:
        if self.is_mounted:
            self.query_one("#bar-progress", Static).update(f"{progress:>4}", layout=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._draw()

    @property
    def text(self) -> str:
        """The bar's text after how far in: position, status and title."""
        return str(self.query_one("#bar-text", Static).render())

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        parts: list[str | tuple[str, object]] = []
        if self.position:
            parts += [(self.position, self.get_visual_style("reader-bar--position")), "  "]
        if self.status:
            parts += [(self.status, self.get_visual_style("reader-bar--status")), "  "]
        parts.append(one_line(self.title) or "(untitled)")
        text = Content.assemble(*parts)  # type: ignore[arg-type]
        self.query_one("#bar-text", Static).update(text, layout=False)  # one row, its width fixed
        self.watch_progress(self.progress)
