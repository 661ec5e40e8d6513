"""The library screen (`L`): every article in the library, filtered as you type; Enter opens.

The table is drawn with Textual's Line API (as the article is): only the rows on screen are
rendered, and only they (and a page or two about them) are read from the library, as the cursor
or the scrollbar moves (`tui.store.library.Listing`): a million articles open as quickly as ten.
The filter asks the library's indexes at each key: the articles with every typed word in their
metadata (anywhere in a word: a trigram index), then those whose text has them (the FTS5
index), at most `FILTER_LIMIT` of them; nothing is scanned.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Input, Static

from tui import STYLES_DIR
from tui.safe_text import fit, is_safe, sanitize
from tui.store.library import Entry, Library, Listing

#: Column label and width in cells (0: the title, which takes the rest). The counts of quotes
#: and claims are "-" until the article is analysed.
COLUMNS = (("Title", 0), ("Source", 18), ("Date", 10), ("Q", 3), ("C", 3))
#: Below this many cells the source column is narrower: at 80x24 the title gets 41 cells.
NARROW_TABLE = 90
NARROW_SOURCE = 12
GAP = 2


def cells(entry: Entry) -> tuple[str, ...]:
    analysed = entry.analysed
    return (
        entry.title or entry.path,
        entry.source,
        entry.date[:10],
        f"{entry.quotes if analysed else '-':>3}",
        f"{entry.claims if analysed else '-':>3}",
    )


def widths(total: int) -> list[int]:
    source = NARROW_SOURCE if total < NARROW_TABLE else None
    fixed = [source if label == "Source" and source else width for label, width in COLUMNS]
    rest = total - sum(width + GAP for width in fixed if width) - GAP
    return [width or max(10, rest) for width in fixed]


def format_row(values: Sequence[str], total: int) -> str:
    """One line of the table, each value cut or padded to its column (in terminal cells)."""
    parts = []
    for value, width in zip(values, widths(total), strict=True):
        value = value if is_safe(value) else sanitize(value).replace("\n", " ")
        parts.append(fit(value, width))
    return (" " * GAP).join(parts)


class EntryTable(ScrollView):
    """Rows of library entries with a cursor; draws only the visible rows."""

    COMPONENT_CLASSES = {"entry-table--cursor"}
    cursor: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: Sequence[Entry] = []

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self.virtual_size = Size(self.size.width, len(entries))
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def move_cursor(self, step: int) -> None:
        if not self.entries:
            return
        self.cursor = max(0, min(len(self.entries) - 1, self.cursor + step))
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def watch_cursor(self) -> None:
        self.refresh()

    @property
    def selected(self) -> Entry | None:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        if index >= len(self.entries):
            return Strip.blank(width, self.rich_style)
        style: Style = self.rich_style
        if index == self.cursor:
            style += self.get_component_rich_style("entry-table--cursor", partial=True)
        line = format_row(cells(self.entries[index]), width)
        return Strip([Segment(line, style)]).crop_extend(0, width, style)


class LibraryScreen(Screen[int | None]):
    """Dismissed with the id of the article to open, or None."""

    CSS_PATH = STYLES_DIR / "library.tcss"

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("enter", "open", "Open"),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    def __init__(self, library: Library) -> None:
        """Counts the library's articles (in an index of their ids); reads none of them yet."""
        super().__init__()
        self.library = library
        self.entries = library.listing()

    @property
    def table(self) -> EntryTable:
        return self.query_one(EntryTable)

    @property
    def shown(self) -> Sequence[Entry]:
        return self.table.entries

    def compose(self) -> ComposeResult:
        yield Static(id="library-title")
        yield Input(placeholder="Type to filter; Enter opens, Escape goes back", id="filter")
        yield Static(id="library-header")
        yield EntryTable(id="library-table")
        yield Footer()

    def on_mount(self) -> None:
        self.show_entries(self.entries)
        self.query_one(Input).focus()

    def on_resize(self) -> None:
        self._header()

    def _header(self) -> None:
        # As wide as the table's rows (its scrollbar aside), so the columns line up.
        width = self.table.scrollable_content_region.width
        header = self.query_one("#library-header", Static)
        header.update(Text(format_row([label for label, _ in COLUMNS], width)))

    def show_entries(self, entries: Listing, filtered: bool = False) -> None:
        self.table.set_entries(entries)
        self._header()
        total = len(self.entries)
        more = "+" if entries.more else ""
        shown = f"{len(entries)}{more} of {total}" if filtered else f"{total}"
        where = " (title, source, author, date, path or text)" if filtered else ""
        self.query_one("#library-title", Static).update(
            Text(f"Library: {shown} article{'s' if total != 1 else ''}{where}")
        )

    def filtered(self, query: str) -> Listing:
        """The articles with every word of `query`: in their metadata (in library order),
        then in their text (best first); all of them when it has no words."""
        if not query.split():
            return self.entries
        return self.library.filtered_listing(query)

    @on(Input.Changed, "#filter")
    def _filter(self, message: Input.Changed) -> None:
        message.stop()
        self.show_entries(self.filtered(message.value), filtered=bool(message.value.split()))

    @on(Input.Submitted, "#filter")
    def _submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.action_open()

    def action_cursor(self, step: int) -> None:
        self.table.move_cursor(step)

    def action_page(self, step: int) -> None:
        self.table.move_cursor(step * max(1, self.table.scrollable_content_region.height - 1))

    def action_open(self) -> None:
        entry = self.table.selected
        if entry is not None:
            self.dismiss(entry.id)

    def action_close(self) -> None:
        filter_ = self.query_one(Input)
        if filter_.value:
            filter_.value = ""
        else:
            self.dismiss(None)
