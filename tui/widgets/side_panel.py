"""The side panel: three tabs (Quotes, Claims, Entities), each a `SpanList` into the article."""

from __future__ import annotations

from functools import lru_cache

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from tui.model import Analysis, Claim, Quote
from tui.safe_text import one_line, truncate
from tui.widgets.span_list import ROW_WORDS, WHO_CHARS, Row, SpanList

#: Tab ids, in the order of the keys 1, 2, 3.
TABS = ("quotes", "claims", "entities")
TITLES = {"quotes": "Quotes", "claims": "Claims", "entities": "Entities"}
UNKNOWN_SPEAKER = "(unattributed)"
UNKNOWN_SOURCE = "(no source)"


def quote_rows(analysis: Analysis) -> list[Row]:
    """Speech only ("term" quotes, scare quotes and titles are not somebody speaking)."""
    quotes = sorted((q for q in analysis.quotes if q.kind == "quote"), key=lambda q: q.start)
    return [_quote_row(q) for q in quotes]


def claim_rows(analysis: Analysis) -> list[Row]:
    return [_claim_row(c) for c in sorted(analysis.claims, key=lambda c: c.start)]


# A long article's analysis arrives in steps, each holding every quote found so far: a row is
# built once per quote, not once per step.
@lru_cache(maxsize=1 << 16)
def _quote_row(q: Quote) -> Row:
    return Row(((q.start, q.end),), _who(q.speaker, UNKNOWN_SPEAKER), one_line(q.text, ROW_WORDS))


@lru_cache(maxsize=1 << 16)
def _claim_row(c: Claim) -> Row:
    return Row(((c.start, c.end),), _who(c.source, UNKNOWN_SOURCE), one_line(c.text, ROW_WORDS))


def entity_rows(analysis: Analysis) -> list[Row]:
    """Most-mentioned first; Enter steps through an entity's mentions in reading order."""
    groups = [g for g in analysis.groups if g.mentions]
    groups.sort(key=lambda g: (-len(g.mentions), min(g.mentions)))
    return [
        Row(tuple(sorted(g.mentions)), _who(g.name, "?"), f"{g.label} · {len(g.mentions)}")
        for g in groups
    ]


def _who(name: str | None, missing: str) -> str:
    return truncate(one_line(name or ""), WHO_CHARS) or missing


class SidePanel(Vertical):
    """Shows an analysis as three lists; which tab is open is `active`."""

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane(TITLES["quotes"], id="quotes"):
                yield SpanList("Analysing…", id="quotes-list")
            with TabPane(TITLES["claims"], id="claims"):
                yield SpanList("Analysing…", id="claims-list")
            with TabPane(TITLES["entities"], id="entities"):
                yield SpanList("Analysing…", follows_scroll=False, id="entities-list")

    def on_mount(self) -> None:
        # Tabs are switched with 1/2/3; tab/shift+tab move between the two panes only.
        # (query, not query_one: on a quit during start-up the tabs may be gone already.)
        for tabs in self.query(Tabs):
            tabs.can_focus = False

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active or TABS[0]

    @active.setter
    def active(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def list_for(self, tab: str | None = None) -> SpanList:
        return self.query_one(f"#{tab or self.active}-list", SpanList)

    def lists(self) -> list[SpanList]:
        return [self.list_for(tab) for tab in TABS]

    # Attributes down.

    def show_pending(self, status: str = "Analysing…") -> None:
        for tab in TABS:
            self.list_for(tab).set_rows([], empty=status)
            self._title(tab, None)

    def show_analysis(self, analysis: Analysis, *, partial: bool = False) -> None:
        """`partial`: the analysis so far of a long article (counts as "8+", none yet as
        "Analysing…")."""
        for tab, rows, empty in (
            ("quotes", quote_rows(analysis), "No quotes found"),
            ("claims", claim_rows(analysis), "No claims found"),
            ("entities", entity_rows(analysis), "No entities found"),
        ):
            self.list_for(tab).set_rows(rows, empty="Analysing…" if partial else empty)
            self._title(tab, f"{len(rows)}+" if partial else len(rows))

    def show_rows(self, tab: str, rows: list[Row], empty: str, count: str) -> None:
        """Rows of one tab built elsewhere (annotation mode's spans); `count` for its title."""
        self.list_for(tab).set_rows(rows, empty=empty)
        self._title(tab, count)

    def follow(self, top: int, bottom: int, mark: tuple[int, int] | None) -> None:
        for span_list in self.lists():
            span_list.follow(top, bottom, mark)

    def _title(self, tab: str, count: int | str | None) -> None:
        title = TITLES[tab] if count is None else f"{TITLES[tab]} {count}"
        content_tab = self.query_one(TabbedContent).get_tab(tab)
        label = Content(title)
        if content_tab.label == label:
            return
        if content_tab.label.cell_length == label.cell_length:
            # Same width ("Quotes 8 (7?)" after "Quotes 8 (8?)", at each annotation key): repaint
            # the tab alone. The `label` setter (Tab keeps the label in `_label`) lays the whole
            # screen out again on every key; nothing moves, so the underline stays right.
            content_tab._label = label
            Static.update(content_tab, label, layout=False)
            return
        content_tab.label = label
        # Textual moves the tab underline a refresh after a relabel, and now and then that is
        # before the tab's new width is laid out, leaving the underline as wide as the old
        # label ("Quotes" under "Quotes 8"). Once more, two refreshes on, it fits.
        tabs = self.query_one(Tabs)
        self.call_after_refresh(self.call_after_refresh, tabs._highlight_active, False)
