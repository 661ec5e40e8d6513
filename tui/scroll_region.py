"""Scrolling by moving the rows a terminal already shows, as `less` does.

Textual repaints a widget whole when it scrolls: about 3.5 kB per line at 80x24, which is
slow over SSH. A terminal can move a band of rows itself (a scroll region, DECSTBM, then
index or reverse index); a view that scrolls by a few lines asks for that here and repaints
only the rows it exposes. The move is written in the same synchronised update as the next
frame, just before it.

It is only safe when nothing beside the view moves with it (it spans the terminal's width, or
the terminal has left/right margins, below), nothing is drawn over it (a toast, a tooltip) and
no row of it is waiting for a repaint (rows drawn stale would move with the rest).
`ScrollRegionApp.queue_row_shift` checks all three and says no otherwise; the caller then
repaints the whole view, as Textual would. The rows the terminal uncovers are blank, the view's
padding too: the view repaints them across its whole width.

Below 100 columns the reader's view spans the width. Beside the side panel a plain scroll
region would not pay: a terminal moves whole rows, and redrawing the panel's part of them
(measured at 100x30: ~4.4 kB) costs more than redrawing the article (~3.8 kB). There the view's
columns move alone, between left and right margins (DECSLRM, see `tui.margin_scroll`), when
the terminal said it has them; when it did not (or did not answer), the view is repainted.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from tui.margin_scroll import margin_scroll_rows


def scroll_rows(rows: Region, lines: int) -> str:
    """The escape sequence moving screen rows `rows.y`.. up by `lines` (down if negative)."""
    first, last = rows.y + 1, rows.y + rows.height  # 1-based, inclusive
    if lines > 0:  # index (ESC D) at the bottom margin scrolls the band up
        move = f"\x1b[{last};1H" + "\x1bD" * lines
    else:  # reverse index (ESC M) at the top margin scrolls it down
        move = f"\x1b[{first};1H" + "\x1bM" * -lines
    return f"\x1b[{first};{last}r{move}\x1b[r"


@dataclass(frozen=True, slots=True)
class _Shift:
    widget_region: Region  # where the widget was when the shift was queued
    rows: Region  # the band that moves, screen coordinates (narrower than the screen: margins)
    lines: int

    def move(self, screen_width: int) -> str:
        if self.rows.x == 0 and self.rows.width == screen_width:
            return scroll_rows(self.rows, self.lines)
        return margin_scroll_rows(self.rows, self.lines)


class ScrollRegionApp(App[None]):
    """An app whose widgets may have the terminal move their rows before the next frame."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._row_shifts: dict[Widget, _Shift] = {}
        #: This leans on Textual's internals (the compositor's map, a widget's pending repaints
        #: and row cache, `_display`); if a Textual release moves them, it turns itself off.
        self._row_shifts_work = True

    def queue_row_shift(self, widget: Widget, rows: Region, lines: int) -> int | None:
        """Have the terminal move `rows` (screen coordinates) by `lines` before the next frame.

        Only the widget's own columns move: the whole rows if it spans the screen's width, else
        between left and right margins (if the terminal has them).

        Returns how far the rows move in all since the last frame (the caller repaints the
        rows that exposes), or None: the caller must repaint the whole widget instead.
        """
        if not self._row_shifts_work:
            return None
        try:
            total = self._queue_row_shift(widget, rows, lines)
            if total is not None:
                widget._styles_cache.clear()  # its cached rows now hold other lines than shown
        except AttributeError:
            self._row_shifts_work = False
            self._row_shifts.clear()
            return None
        return total

    def _queue_row_shift(self, widget: Widget, rows: Region, lines: int) -> int | None:
        queued = self._row_shifts.pop(widget, None)
        if queued is None:
            band = self._band(widget, rows)
            if band is None:
                return None
            total = lines
        elif queued.rows.y != rows.y or queued.rows.height != rows.height:
            return None
        else:
            band, total = queued.rows, queued.lines + lines
        if abs(total) * 2 > rows.height:  # moving buys little; and it must stay in the band
            return None
        region = widget.screen.find_widget(widget).region
        self._row_shifts[widget] = _Shift(region, band, total)
        return total

    def _writes_frames(self) -> bool:
        return (
            self._running
            and not self._closed
            and not self.is_headless
            and not self.is_inline
            and self._driver is not None
            and not self._batch_count
        )

    def _margins_available(self) -> bool:
        """The terminal said it scrolls between left and right margins (`tui.margin_scroll`)."""
        return getattr(self._driver, "margins_supported", False) is True

    def _band(self, widget: Widget, rows: Region) -> Region | None:
        """The cells that move with `rows` (screen coordinates): the widget's columns of them,
        or None if they cannot move without moving something else, or stale."""
        if not self._writes_frames() or not rows:
            return None
        screen = widget.screen
        if screen is not self.screen or widget._repaint_regions:
            return None
        visible = screen._compositor.visible_widgets
        if widget not in visible or not visible[widget][1].contains_region(rows):
            return None
        region = visible[widget][0].intersection(visible[widget][1])
        if region.x == 0 and region.right == screen.size.width:
            band = Region(0, rows.y, screen.size.width, rows.height)
        elif self._margins_available() and region.width >= 2:
            band = Region(region.x, rows.y, region.width, rows.height)
        else:
            return None  # something beside it in the rows would move too
        ancestors = set(widget.ancestors_with_self)
        for other, (region, clip) in visible.items():
            if other in ancestors or other.parent is widget:  # our own scrollbars
                continue
            if region.intersection(clip).overlaps(band):
                return None
        return band

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        if self._row_shifts and renderable is not None:
            try:
                if self._writes_frames():
                    self._move_rows(screen)
            except AttributeError:
                self._row_shifts_work = False
                for widget in self._row_shifts:
                    widget.refresh()  # not moved: drawn whole
                self._row_shifts.clear()
        super()._display(screen, renderable)

    def _move_rows(self, screen: Screen) -> None:
        """Write the moves queued since the last frame (just before it, in its update)."""
        moves = []
        shifts = self._row_shifts
        for widget, shift in shifts.items():
            if not shift.lines:
                continue
            try:
                still = widget.screen is screen and (
                    screen.find_widget(widget).region == shift.widget_region
                )
            except Exception:  # unmounted or hidden since
                still = False
            if still:
                moves.append(shift.move(screen.size.width))
            elif widget.is_mounted:
                widget.refresh()  # its rows were not moved: draw it all
        if moves and self._driver is not None:
            self._begin_update()  # the frame's own begin is a no-op after this one
            self._driver.write("".join(moves))
        self._row_shifts = {}
