"""The article pane: wrapped text drawn with Textual's Line API, only the visible lines.

Nothing here copies or re-renders the whole document: display lines are offsets into the
article text (`tui.layout.WrappedText`), and styled spans are looked up per visible line.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import pairwise

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.layout import WrappedText
from tui.messages import ArticleScrolled, ArticleShown
from tui.model import Article, EntityMention
from tui.safe_text import is_safe, sanitize

#: spaCy's English NER labels; each has a component class `entity--LABEL` in the stylesheet.
ENTITY_LABELS = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
)
ENTITY_COMPONENTS = {label: f"entity--{label}" for label in ENTITY_LABELS}
HIGHLIGHT_MODES = ("all", "names", "off")
#: Labels highlighted in the "names" mode: who and where, not numbers and dates.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
#: Texts longer than this are wrapped a screenful first, the rest a step at a time.
LAZY_WRAP_CHARS = 200_000
#: Characters wrapped per step after the first screen (a few milliseconds each).
WRAP_STEP_CHARS = 10_000
#: While a long article is wrapped, its height (the scrollbar) is updated this often (seconds).
SIZE_EVERY = 0.25
_LEADING_SPACE = re.compile(r"\s*")
#: At most this many search matches are highlighted.
MAX_MATCHES = 100_000
#: Past this many spans a restyle redraws every line instead of finding the changed ones (a
#: screenful of lines costs less than comparing that many spans).
RESTYLE_SPANS = 20_000


#: (start, end, component class): a span of the text drawn in a component's style. A plain
#: tuple: a long article's layer holds a few hundred thousand, built while the reader waits
#: (200,000 took 260 ms as frozen dataclasses, 30 ms as tuples).
StyledSpan = tuple[int, int, str]


class SpanLayer:
    """Non-overlapping spans sorted by offset, found per line with a binary search."""

    def __init__(self, spans: Iterable[StyledSpan] = ()) -> None:
        self.spans = sorted(spans)
        self._ends = [span[1] for span in self.spans]

    def __len__(self) -> int:
        return len(self.spans)

    def overlapping(self, start: int, end: int) -> Iterable[StyledSpan]:
        index = bisect_right(self._ends, start)
        spans = self.spans
        while index < len(spans) and spans[index][0] < end:
            yield spans[index]
            index += 1


def changed_ranges(
    old: Sequence[StyledSpan], new: Sequence[StyledSpan]
) -> set[tuple[int, int]] | None:
    """The character ranges styled differently in `new` than in `old` (None: too many spans
    to compare, take everything as changed)."""
    if len(old) + len(new) > RESTYLE_SPANS:
        return None
    return {(start, end) for start, end, _ in set(old).symmetric_difference(new)}


class ArticleView(ScrollView, can_focus=True):
    """Shows one article, wrapped to the pane, with styled spans (entities, marks, matches)."""

    COMPONENT_CLASSES = {
        "article--title",
        "article--mark",
        "article--match",
        *(f"entity--{label}" for label in ENTITY_LABELS),
    }
    BINDINGS = [
        Binding("j,down", "scroll_lines(1)", "Down", show=False),
        Binding("k,up", "scroll_lines(-1)", "Up", show=False),
        Binding("space,pagedown", "scroll_pages(1)", "Page down", show=False),
        Binding("b,pageup", "scroll_pages(-1)", "Page up", show=False),
        Binding("g,home", "scroll_to_line(0)", "Top", show=False),
        Binding("G,end", "scroll_to_line(-1)", "Bottom", show=False),
    ]

    highlight_mode: reactive[str] = reactive("all")

    def __init__(
        self,
        article: Article,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article = article
        self._wrapped: WrappedText | None = None
        self._entities: list[EntityMention] = []
        self._entity_layer = SpanLayer()
        self._mark_layer = SpanLayer()
        self._match_layer = SpanLayer()
        self._title_layer = SpanLayer(self._title_span())
        self._line_cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._wrap_generation = 0
        self._matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self.match_index: int | None = None
        self.mark: tuple[int, int] | None = None
        self._shown = False
        self._sized_at = 0.0

    # Attributes down: the screen hands the article and its spans to the view.

    def set_article(self, article: Article, *, offset: int = 0) -> None:
        """Show another article, scrolled to character `offset`; its spans are cleared."""
        self.article = article
        self._entities = []
        self._entity_layer = SpanLayer()
        self._mark_layer = SpanLayer()
        self.mark = None
        self._set_match_spans([])
        self._title_layer = SpanLayer(self._title_span())
        self._wrapped = None
        self._rewrap(anchor=offset)

    def set_entities(self, mentions: Sequence[EntityMention]) -> None:
        self._entities = list(mentions)
        self._rebuild_entity_layer()

    def set_mark(self, start: int, end: int, *, scroll: bool = True) -> None:
        """Mark one span (a quote, a claim, a mention) and bring it into view."""
        self.mark = (start, end)
        old, self._mark_layer = self._mark_layer, SpanLayer([(start, end, "article--mark")])
        self._restyle(changed_ranges(old.spans, self._mark_layer.spans))
        if scroll:
            self.scroll_to_offset(start)

    def clear_mark(self) -> None:
        self.mark = None
        if len(self._mark_layer):
            old, self._mark_layer = self._mark_layer, SpanLayer()
            self._restyle(changed_ranges(old.spans, ()))

    def set_matches(self, spans: Sequence[tuple[int, int]]) -> None:
        self._set_match_spans(spans)
        self._restyle()

    def _set_match_spans(self, spans: Sequence[tuple[int, int]]) -> None:
        self._matches = sorted(spans)
        self._match_starts = [start for start, _ in self._matches]
        self.match_index = None
        self._match_layer = SpanLayer((s, e, "article--match") for s, e in spans)

    # Searching: literal, case-insensitive; the matches are highlighted, one at a time marked.

    def search(self, query: str, origin: int | None = None) -> int:
        """Highlight every match of `query`, mark the first one from text offset `origin`
        (default: the top of the view).

        Returns the number of matches.
        """
        spans: list[tuple[int, int]] = []
        if query:
            for match in re.finditer(re.escape(query), self.article.text, re.IGNORECASE):
                spans.append(match.span())
                if len(spans) >= MAX_MATCHES:
                    break
        drawn = self._match_layer
        self._set_match_spans(spans)
        self._restyle(changed_ranges(drawn.spans, self._match_layer.spans))
        if not spans:
            return 0
        top = self.visible_range()[0] if origin is None else origin
        self.match_index = bisect_left(self._match_starts, top) % len(spans)
        self.set_mark(*self._matches[self.match_index])
        return len(spans)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    def next_match(self, step: int = 1) -> int | None:
        """Mark the next (`step` 1) or previous (-1) match, wrapping round; its index."""
        if not self._matches:
            return None
        if self.match_index is None:
            top, _ = self.visible_range()
            index = bisect_left(self._match_starts, top) - (1 if step < 0 else 0)
        else:
            index = self.match_index + step
        self.match_index = index % len(self._matches)
        self.set_mark(*self._matches[self.match_index])
        return self.match_index

    @property
    def line_count(self) -> int:
        return len(self._wrapped) if self._wrapped else 0

    def offset_line(self, offset: int) -> int:
        if not self._wrapped:
            return 0
        self._wrap_through(offset)
        return self._wrapped.line_of(offset)

    def visible_range(self) -> tuple[int, int]:
        """Character offsets of the first and last visible display lines."""
        if not self._wrapped or not len(self._wrapped):
            return 0, 0
        top = min(int(self.scroll_y), len(self._wrapped) - 1)
        bottom = min(top + self.scrollable_content_region.height, len(self._wrapped)) - 1
        return self._wrapped.starts[top], self._wrapped.ends[max(top, bottom)]

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that character `offset` sits a few lines below the top."""
        self.scroll_to_line(max(0, self.offset_line(offset) - 2))

    # Scrolling: always to an absolute line, immediately, so a burst of keys adds up.

    def action_scroll_lines(self, count: int) -> None:
        self.scroll_to_line(int(self.scroll_y) + count)

    def action_scroll_pages(self, count: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to_line(int(self.scroll_y) + count * page)

    def action_scroll_to_line(self, line: int) -> None:
        if line < 0 and self._wrapped and not self._wrapped.complete:
            self._wrapped.wrap_rest()
            self._update_virtual_size()
        self.scroll_to_line(line if line >= 0 else self.line_count)

    def scroll_to_line(self, line: int) -> None:
        self.scroll_to(y=max(0, line), animate=False, immediate=True)

    # Layout and drawing.

    def on_resize(self) -> None:
        self._rewrap()

    def on_mount(self) -> None:
        self._rewrap()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        lines = round(new_value) - round(old_value)
        if lines and not self._shift_rows(lines):
            self.refresh(self.size.region)
        if int(old_value) != int(new_value):
            self._post_scrolled()

    def _shift_rows(self, lines: int) -> bool:
        """Have the terminal move the rows it shows and draw only the ones that exposes.

        A few dozen bytes per line instead of the whole pane (see `tui.scroll_region`).
        """
        queue = getattr(self.app, "queue_row_shift", None)
        rows = self.scrollable_content_region
        total = queue(self, rows, lines) if queue is not None else None
        if total is None:
            return False
        if total:
            # The rows the terminal uncovers are blank: padding and all (region relative to the
            # content, so the left padding is at a negative x).
            top = rows.height - total if total > 0 else 0
            width = self.outer_size.width
            self.refresh(Region(-self.styles.gutter.left, top, width, abs(total)))
        return True

    def _post_scrolled(self) -> None:
        self.post_message(ArticleScrolled(*self.visible_range()))

    def watch_highlight_mode(self) -> None:
        self._rebuild_entity_layer()
        self._restyle()  # the whole pane, as the user asked for another look

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    def _rewrap(self, anchor: int | None = None) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or (self._wrapped and self._wrapped.width == width):
            return
        if anchor is None:
            anchor = self.visible_range()[0] if self._wrapped else 0
        text = self.article.text
        self._wrap_generation += 1
        self._wrapped = WrappedText(text, width, lazy=len(text) > LAZY_WRAP_CHARS)
        if not self._wrapped.complete:
            # A screenful (and then some) now; the rest a step at a time after it is drawn.
            self._wrapped.wrap_more(width * max(self.size.height, 24) * 4)
            self._wrapped.wrap_through(anchor)
            if self._shown:  # else: once the first frame is out (see render_line)
                self.call_later(self._wrap_step, self._wrap_generation)
        self._update_virtual_size()
        self._line_cache.clear()
        self.scroll_to_line(self._wrapped.line_of(anchor))
        self.refresh()
        self._post_scrolled()

    def _wrap_step(self, generation: int) -> None:
        if self._wrapped is None or generation != self._wrap_generation:
            return  # re-wrapped meanwhile (a resize, another article)
        if not self._wrapped.wrap_more(WRAP_STEP_CHARS):
            self.set_timer(0.001, lambda: self._wrap_step(generation))
            # The scrollbar follows every few steps: each new size lays the screen out again.
            if time.monotonic() - self._sized_at < SIZE_EVERY:
                return
        self._update_virtual_size()

    def _wrap_through(self, offset: int) -> None:
        if self._wrapped and not self._wrapped.complete and offset >= self._wrapped.wrapped_chars:
            self._wrapped.wrap_through(offset)
            self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        self._sized_at = time.monotonic()
        if self._wrapped is not None:
            self.virtual_size = Size(self._wrapped.width, len(self._wrapped))

    def _title_span(self) -> list[StyledSpan]:
        title, text = self.article.title, self.article.text
        leading = _LEADING_SPACE.match(text)  # (a match, not a stripped copy of the text)
        start = leading.end() if leading else 0
        if title and text.startswith(title, start):
            return [(start, start + len(title), "article--title")]
        return []

    def _rebuild_entity_layer(self) -> None:
        mode = self.highlight_mode
        old = self._entity_layer
        self._entity_layer = SpanLayer(
            (mention.start, mention.end, ENTITY_COMPONENTS.get(mention.label, "entity--"))
            for mention in self._entities
            if mode == "all" or (mode == "names" and mention.label in NAME_LABELS)
        )
        self._restyle(changed_ranges(old.spans, self._entity_layer.spans))

    def _restyle(self, changed: Iterable[tuple[int, int]] | None = None) -> None:
        """Draw again the lines holding the `changed` character ranges (None: every line).
        An annotation key changes a span or two: the rest of the pane is not sent again."""
        wrapped = self._wrapped
        if changed is None or wrapped is None:
            self._line_cache.clear()
            self.refresh()
            return
        view = self.scrollable_content_region
        top = int(self.scroll_y)
        for start, end in changed:
            if start >= wrapped.wrapped_chars:
                continue  # not wrapped yet: never drawn
            first, last = wrapped.line_of(start), wrapped.line_of(max(start, end - 1))
            for index in range(first, last + 1):
                self._line_cache.discard((index, view.width))
            first, last = max(first, top), min(last, top + view.height - 1)
            if first <= last:  # else out of view: drawn from the text when scrolled to
                self.refresh_lines(first, last - first + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        if self._wrapped is None or index >= len(self._wrapped):
            return Strip.blank(width, self.rich_style)
        if not self._shown:
            self._shown = True
            # Both run after this frame is written: the text first, then the rest.
            self.post_message(ArticleShown())
            if not self._wrapped.complete:
                self.call_later(self._wrap_step, self._wrap_generation)
        key = (index, width)
        strip = self._line_cache.get(key)
        if strip is None:
            line = self._render_display_line(index).extend_cell_length(width, self.rich_style)
            strip = line.simplify()  # fewer style changes: fewer bytes to the terminal
            self._line_cache[key] = strip
        return strip

    def _render_display_line(self, index: int) -> Strip:
        assert self._wrapped is not None
        start, end = self._wrapped.line(index)
        text = self.article.text
        base = self.rich_style
        layers = (
            self._title_layer,
            self._entity_layer,
            *self._extra_layers(),
            self._mark_layer,
            self._match_layer,
        )
        spans = [span for layer in layers for span in layer.overlapping(start, end)]
        cuts = sorted({start, end, *(max(start, min(end, p)) for s in spans for p in (s[0], s[1]))})
        segments = []
        for left, right in pairwise(cuts):
            style = base
            for span_start, span_end, component in spans:
                if span_start <= left and right <= span_end:
                    style += self._component_style(component)
            segments.append(Segment(_drawable(text[left:right]), style))
        return Strip(segments)

    def _extra_layers(self) -> Sequence[SpanLayer]:
        """More layers drawn over the entities and under the mark (a subclass's: annotations)."""
        return ()

    def _component_style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)


def _drawable(text: str) -> str:
    """The second line of defence: nothing that reaches the terminal may be a control."""
    return text if is_safe(text) else sanitize(text)
