"""A list of spans of the article (quotes, claims, entities) that you move through and jump to.

Each row is "who — what": a speaker and the first words of a quote, a source and a claim, an
entity's name and its label. All of it comes from the article, so rows are built as plain
`Content` (never markup) from sanitised, single-line text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from rich.segment import Segment
from textual.binding import Binding
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.messages import CursorMoved, JumpToSpan

#: Up to this many changed rows are swapped in place (an annotation key changes one or two);
#: more, and the list is built anew.
IN_PLACE_ROWS = 8
#: A long list is filled this many rows at a time, the event loop free between slices (a key
#: waits for one slice, not for the 27,000 rows of a million-word article's analysis).
FILL_SLICE = 1_000
#: A row's "what" is cut to this many words (the pane cuts it further to fit).
ROW_WORDS = 14
#: A row's "who" is cut to this many characters.
WHO_CHARS = 40


@dataclass(frozen=True, slots=True)
class Row:
    """One list row: the spans it stands for (Enter steps through them) and its two parts."""

    spans: tuple[tuple[int, int], ...]
    who: str
    what: str

    @property
    def start(self) -> int:
        return self.spans[0][0]


class SpanList(OptionList):
    """Rows that point into the article; Enter asks for a jump to the highlighted row's span."""

    COMPONENT_CLASSES = OptionList.COMPONENT_CLASSES | {"span-list--who", "span-list--what"}
    BINDINGS = [
        Binding("j,down", "cursor_down", "Next", show=False),
        Binding("k,up", "cursor_up", "Previous", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("enter", "select", "Jump", show=True),
    ]

    #: Moving the highlight draws again its old row and its new one, not the whole list.
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def __init__(self, empty: str, *, follows_scroll: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        #: Shown as the only (disabled) row when there are no rows.
        self.empty = empty
        #: Whether the highlight follows the article as it scrolls (quotes and claims do).
        self.follows_scroll = follows_scroll
        self.rows: list[Row] = []
        self._starts: list[int] = []
        self._row_of_span: dict[tuple[int, int], int] = {}
        self._step = 0
        self._built_styles: tuple[Style, Style] | None = None
        #: Bumped by each build: the slices of an older one still queued are dropped.
        self._fill_generation = 0
        #: The row to highlight once the options are filled that far.
        self._wanted: int | None = None

    # Attributes down.

    def set_rows(self, rows: Sequence[Row], empty: str | None = None) -> None:
        if empty is not None:
            self.empty = empty
        old, self.rows = self.rows, list(rows)
        self._starts = [row.start for row in self.rows]
        self._row_of_span = {}
        for index, row in enumerate(self.rows):
            for span in row.spans:
                self._row_of_span.setdefault(span, index)
        self._step = 0
        if not self._swap_changed(old):
            self._build()

    def follow(self, top: int, bottom: int, mark: tuple[int, int] | None) -> None:
        """Highlight the row the article shows: the marked one, else the first one in view."""
        if not self.rows:
            return
        marked = self._row_of_span.get(mark) if mark is not None else None
        if marked is not None:
            self._highlight_quietly(marked)
            return
        if not self.follows_scroll:
            return
        index = bisect_right(self._starts, top) - 1
        # A row that starts in view wins over one that started above it.
        if index + 1 < len(self.rows) and self._starts[index + 1] <= bottom:
            index += 1
        self._highlight_quietly(max(0, index))

    def _highlight_quietly(self, index: int) -> None:
        if index >= len(self.options):  # not filled that far yet: once it is
            self._wanted = index
            return
        self._wanted = None
        if self.highlighted != index:
            self._step = 0
            self.highlighted = index

    # Building rows: "who — what", styled from the stylesheet's component classes.

    def _row_styles(self) -> tuple[Style, Style]:
        return self.get_visual_style("span-list--who"), self.get_visual_style("span-list--what")

    def _build(self) -> None:
        highlighted = self._wanted if self._wanted is not None else self.highlighted
        self._fill_generation += 1
        self.clear_options()
        if not self.rows:
            self.add_option(Option(Content(self.empty), disabled=True))
            self._built_styles = None
            return
        self._built_styles = self._row_styles()
        self._wanted = min(highlighted or 0, len(self.rows) - 1)
        self._fill(self._fill_generation)

    def _fill(self, generation: int) -> None:
        """Add the next slice of rows; the rest after the messages waiting (keys among them)."""
        if generation != self._fill_generation or self._built_styles is None:
            return
        start = len(self.options)
        end = min(len(self.rows), start + FILL_SLICE)
        self.add_options(self._prompt(row, *self._built_styles) for row in self.rows[start:end])
        if self._wanted is not None and self._wanted < end:
            self._highlight_quietly(self._wanted)
        if end < len(self.rows):
            self.call_later(self._fill, generation)

    @staticmethod
    @lru_cache(maxsize=1 << 16)  # a long analysis's steps rebuild the list with the same rows
    def _prompt(row: Row, who_style: Style, what_style: Style) -> Content:
        return Content.assemble(
            (row.who, who_style), " — " if row.what else "", (row.what, what_style)
        )

    def _swap_changed(self, old: list[Row]) -> bool:
        """Put new options in the place of the rows that changed and draw only their lines
        (an annotation key changes a row's mark: the rest of the list is not sent again).
        False, nothing done, when the list must be built anew: the rows are not as many, too
        many changed, the styles changed, or a changed row would take more or fewer lines."""
        new = self.rows
        if not self.is_mounted or not new or not len(old) == len(new) == len(self.options):
            return False  # (a list still being filled is built anew)
        changed = [i for i, (was, now) in enumerate(zip(old, new, strict=True)) if was != now]
        styles = self._row_styles()
        if len(changed) > IN_PLACE_ROWS or styles != self._built_styles:
            return False
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        padding = self.get_component_styles("option-list--option").padding
        heights = self._heights
        swaps = []
        for index in changed:
            option = Option(self._prompt(new[index], *styles))
            visual = self._get_visual(option)
            height = visual.get_height(cast(RulesMap, self.styles), width - padding.width)
            if height != heights.get(index):
                return False
            swaps.append((index, option))
        for index, option in swaps:
            del self._option_to_index[self._options[index]]
            self._options[index] = option
            self._option_to_index[option] = index
            self.refresh_lines(self._index_to_line[index], heights[index])
        return True

    def _update_lines(self) -> None:
        """Every row is one line when the stylesheet does not wrap them (`text-wrap: nowrap`,
        styles/reader.tcss): the new options' lines are counted, not measured. Measuring
        (OptionList's way) wraps each row's text: a second and more for the 27,000 rows of a
        million-word article, on the event loop, as each step of its analysis arrives."""
        if self.styles.text_wrap != "nowrap":
            super()._update_lines()
            return
        region = self.scrollable_content_region
        if not region:
            return
        cache = self._line_cache
        known, count = len(cache.lines), len(self.options)
        if known < count:
            cache.lines.extend((index, 0) for index in range(known, count))
            cache.heights.update(dict.fromkeys(range(known, count), 1))
            cache.index_to_line.update(zip(range(known, count), range(known, count), strict=True))
        size = Size(region.width - self._get_left_gutter_width(), count)
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    def _watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None and index in self._index_to_line:
                self.refresh_lines(self._index_to_line[index], self._heights[index])

    def render_line(self, y: int) -> Strip:
        """A row, and the cursor's row in the cursor's style from end to end: laid over the
        speaker's and the words' own styles, which would otherwise show through it."""
        strip = super().render_line(y)
        line = self.scroll_offset.y + y
        lines = self._lines
        if not self.rows or not 0 <= line < len(lines) or lines[line][0] != self.highlighted:
            return strip
        # A rich style: Textual's visual styles leave `reverse` out, and NO_COLOR needs it.
        cursor = self.get_component_rich_style("option-list--option-highlighted")
        return Strip(
            [
                Segment(text, cursor if style is None else style + cursor, control)
                for text, style, control in strip
            ],
            strip.cell_length,
        )

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.rows and self.is_mounted and self._built_styles != self._row_styles():
            self._build()  # the theme changed: restyle the rows

    # Moving and jumping. A move is immediate (a burst of keys moves that many rows).

    def _moved(self) -> None:
        self._step = 0
        self.post_message(CursorMoved())

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._moved()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._moved()

    def action_first(self) -> None:
        super().action_first()
        self._moved()

    def action_last(self) -> None:
        super().action_last()
        self._moved()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._moved()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._moved()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if not 0 <= index < len(self.rows):
            return
        spans = self.rows[index].spans
        start, end = spans[self._step % len(spans)]
        self._step += 1  # Enter again goes to the next mention of an entity
        self.post_message(JumpToSpan(start, end))
