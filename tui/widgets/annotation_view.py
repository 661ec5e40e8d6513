"""The article pane in annotation mode: the reader's `ArticleView` plus a text cursor, a
selection, and the annotator's spans drawn as layers (quotes, claims, pending and rejected).

The cursor is a caret between characters (offset `cursor`, drawn on the character after it);
`v` anchors a selection, and the moves extend it: the selection is `selection_anchor..cursor`
in either order. Everything is offsets into the article text (the moves themselves are in
`tui.text_navigation`); nothing here writes to the store.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

from rich.segment import Segment
from textual.binding import Binding
from textual.strip import Strip

from tui.model import Article
from tui.text_navigation import TEXT_UNITS, moved
from tui.widgets.article_view import ArticleView, SpanLayer, StyledSpan, changed_ranges


class OverlapLayer(SpanLayer):
    """Spans that may overlap (the annotator's): found per line by start, bounded by the
    running maximum of their ends."""

    def __init__(self, spans: Iterable[StyledSpan] = ()) -> None:
        super().__init__(spans)
        self._starts = [span[0] for span in self.spans]
        self._reach = list(accumulate((span[1] for span in self.spans), max))

    def overlapping(self, start: int, end: int) -> Iterable[StyledSpan]:
        first = bisect_right(self._reach, start)
        last = bisect_left(self._starts, end)
        for span in self.spans[first:last]:
            if span[1] > start:
                yield span


class AnnotationView(ArticleView, inherit_bindings=False):
    """The article with a cursor and a selection; the annotator's spans as extra layers."""

    COMPONENT_CLASSES = ArticleView.COMPONENT_CLASSES | {
        "annotation--cursor",
        "annotation--selection",
        "annotation--quote",
        "annotation--claim",
        "annotation--pending",
        "annotation--rejected",
        "annotation--speaker",
    }
    BINDINGS = [
        Binding("left", "move('char', -1)", "Left", show=False),
        Binding("right", "move('char', 1)", "Right", show=False),
        Binding("up", "move('line', -1)", "Line up", show=False),
        Binding("down", "move('line', 1)", "Line down", show=False),
        Binding("w,ctrl+right", "move('word', 1)", "Next word", show=False),
        Binding("b,ctrl+left", "move('word', -1)", "Previous word", show=False),
        Binding("right_parenthesis", "move('clause', 1)", "Next clause mark", show=False),
        Binding("left_parenthesis", "move('clause', -1)", "Clause start", show=False),
        Binding("right_curly_bracket", "move('paragraph', 1)", "Next paragraph", show=False),
        Binding("left_curly_bracket", "move('paragraph', -1)", "Paragraph start", show=False),
        Binding("home", "move('home', -1)", "Line start", show=False),
        Binding("end", "move('end', 1)", "Line end", show=False),
        Binding("pagedown,space", "move('page', 1)", "Page down", show=False),
        Binding("pageup", "move('page', -1)", "Page up", show=False),
        Binding("g", "move('top', -1)", "Top", show=False),
        Binding("G", "move('bottom', 1)", "Bottom", show=False),
        Binding("v", "toggle_selection", "Select", show=True),
    ]

    def __init__(
        self,
        article: Article,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(article, name=name, id=id, classes=classes)
        self.cursor = 0
        #: Where `v` started the selection (None: no selection).
        self.selection_anchor: int | None = None
        self._annotation_layers: tuple[SpanLayer, ...] = ()
        self._speaker_layer = SpanLayer()
        #: The selection and caret as last drawn: a move draws again only their lines.
        self._drawn_cursor: list[StyledSpan] = []

    # Attributes down.

    def set_article(self, article: Article, *, offset: int = 0) -> None:
        self.cursor, self.selection_anchor = offset, None
        self._annotation_layers = ()
        self._speaker_layer = SpanLayer()
        self._drawn_cursor = []
        super().set_article(article, offset=offset)

    def set_spans(
        self,
        quotes: Sequence[tuple[int, int]],
        claims: Sequence[tuple[int, int]],
        pending: Sequence[tuple[int, int]],
        rejected: Sequence[tuple[int, int]],
    ) -> None:
        """The annotator's quotes and claims, and which spans are pending or rejected (the
        entities themselves go through `set_entities`)."""

        def layer(spans: Sequence[tuple[int, int]], component: str) -> OverlapLayer:
            return OverlapLayer((s, e, component) for s, e in spans)

        old = [span for drawn in self._annotation_layers for span in drawn.spans]
        self._annotation_layers = (
            layer(quotes, "annotation--quote"),
            layer(claims, "annotation--claim"),
            layer(pending, "annotation--pending"),
            layer(rejected, "annotation--rejected"),
        )
        new = [span for drawn in self._annotation_layers for span in drawn.spans]
        self._restyle(changed_ranges(old, new))

    def set_speaker_mark(self, span: tuple[int, int] | None) -> None:
        """The mention of the current quote's speaker (or claim's source), if any."""
        spans = [(*span, "annotation--speaker")] if span else []
        old, self._speaker_layer = self._speaker_layer, SpanLayer(spans)
        self._restyle(changed_ranges(old.spans, self._speaker_layer.spans))

    def place_cursor(self, offset: int, *, keep_selection: bool = False) -> None:
        self.cursor = max(0, min(offset, len(self.article.text)))
        if not keep_selection:
            self.selection_anchor = None
        self._show_cursor()

    # The selection.

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected characters, `start:end` (None when nothing is selected)."""
        if self.selection_anchor is None:
            return None
        start, end = sorted((self.selection_anchor, self.cursor))
        return (start, end) if end > start else None

    def action_toggle_selection(self) -> None:
        self.selection_anchor = self.cursor if self.selection_anchor is None else None
        self._restyle_cursor()

    def clear_selection(self) -> bool:
        """Drop the selection; whether there was one."""
        had = self.selection_anchor is not None
        self.selection_anchor = None
        if had:
            self._restyle_cursor()
        return had

    # Moving the cursor: every move extends the selection when there is one.

    def action_move(self, unit: str, step: int) -> None:
        self.cursor = self._moved(unit, step)
        self._show_cursor()

    def _moved(self, unit: str, step: int) -> int:
        at = self.cursor
        if unit in TEXT_UNITS:
            return moved(self.article.text, at, unit, step)
        # The others go by the lines as wrapped on screen.
        wrapped = self._wrapped
        if wrapped is None or not len(wrapped):
            return at
        self._wrap_through(at)
        line = wrapped.line_of(at)
        if unit == "home":
            return wrapped.starts[line]
        if unit == "end":
            return wrapped.ends[line]
        lines = step if unit == "line" else step * max(1, self.scrollable_content_region.height - 1)
        if step > 0:
            self._wrap_through(wrapped.ends[min(len(wrapped) - 1, line)] + 1)
        target = max(0, min(len(wrapped) - 1, line + lines))
        column = at - wrapped.starts[line]
        return min(wrapped.starts[target] + column, wrapped.ends[target])

    def _show_cursor(self) -> None:
        """Redraw, scrolling only when the cursor left the screen."""
        self._restyle_cursor()
        if self._wrapped is None:
            return
        line = self.offset_line(self.cursor)
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        if line < top:
            self.scroll_to_line(line)
        elif line >= top + height:
            self.scroll_to_line(line - height + 1)

    # Drawing: the layers, then the cursor (a blank cell at a line's end).

    def _cursor_spans(self) -> list[StyledSpan]:
        """The selection, and the caret (drawn on the character after it, or as a blank cell
        after the line's end: its range takes in the character before it too)."""
        selection = self.selection
        cursor = self.cursor
        chosen = [(*selection, "annotation--selection")] if selection else []
        return [*chosen, (max(0, cursor - 1), cursor + 1, "annotation--caret-line")]

    def _restyle_cursor(self) -> None:
        old, self._drawn_cursor = self._drawn_cursor, self._cursor_spans()
        self._restyle(changed_ranges(old, self._drawn_cursor))

    def _extra_layers(self) -> Sequence[SpanLayer]:
        selection = self.selection
        chosen = SpanLayer([(*selection, "annotation--selection")] if selection else [])
        cursor = self.cursor
        caret = SpanLayer([(cursor, cursor + 1, "annotation--cursor")])
        return (*self._annotation_layers, self._speaker_layer, chosen, caret)

    def _render_display_line(self, index: int) -> Strip:
        strip = super()._render_display_line(index)
        assert self._wrapped is not None
        start, end = self._wrapped.line(index)
        text = self.article.text
        at_end = self.cursor == end and (end >= len(text) or text[end] == "\n" or end == start)
        if at_end and start <= self.cursor:
            style = self.rich_style + self._component_style("annotation--cursor")
            strip = Strip([*strip, Segment(" ", style)])
        return strip
