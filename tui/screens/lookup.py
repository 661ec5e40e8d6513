"""Entity lookup in the reader: `e` (the lookup screen for one entity) and `E` (find an entity).

The lookup screen shows what `byline lookup` prints, as five tabs: the articles mentioning the
entity (with counts), its mentions as a KWIC concordance, the quotes it spoke, the claims it is
the source of, and the entities it appears with. `Enter` on a row opens that article at that
span (or looks up the co-occurring entity); `escape` goes back. The lookup runs in a worker.
All row text comes from articles, so rows are built as `Content` from flattened, sanitised
text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Footer, Input, OptionList, Static, TabbedContent, TabPane, Tabs
from textual.widgets.option_list import Option

from tui import STYLES_DIR
from tui.errors import BylineError
from tui.messages import LookUp, OpenAt
from tui.safe_text import one_line, truncate
from tui.widgets.span_list import ROW_WORDS

if TYPE_CHECKING:  # the core is imported when a lookup starts, not with the reader
    from tui.lookup import Kwic, Lookup, Statement
    from tui.store.index import Found
    from tui.store.library import Library

#: Tab ids, in the order of the keys 1-5, and their titles.
TABS = ("articles", "mentions", "quotes", "claims", "related")
TITLES = {
    "articles": "Articles",
    "mentions": "Mentions",
    "quotes": "Quotes",
    "claims": "Claims",
    "related": "Appears with",
}


#: An article's title is cut to this many terminal cells in a row.
TITLE_CHARS = 30


def _cut(text: str, width: int = TITLE_CHARS) -> str:
    return truncate(text, width)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a row leads: a span of an article, or another entity."""

    article: int = 0
    start: int = 0
    end: int = 0
    entity: str | None = None
    label: str | None = None


class TargetList(OptionList):
    """Rows that lead somewhere; `Enter` posts `OpenAt` or `LookUp` for the highlighted one."""

    COMPONENT_CLASSES = OptionList.COMPONENT_CLASSES | {
        "target-list--where",
        "target-list--context",
        "target-list--keyword",
    }
    BINDINGS = [
        Binding("j,down", "cursor_down", "Next", show=False),
        Binding("k,up", "cursor_up", "Previous", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=True),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.targets: list[Target] = []

    def set_rows(self, rows: list[tuple[Content, Target]], empty: str) -> None:
        self.clear_options()
        self.targets = [target for _, target in rows]
        if not rows:
            self.add_option(Option(Content(empty), disabled=True))
            return
        self.add_options(content for content, _ in rows)
        self.highlighted = 0

    def style(self, part: str) -> Style:
        return self.get_visual_style(f"target-list--{part}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self.targets):
            return
        target = self.targets[event.option_index]
        if target.entity is not None:
            self.post_message(LookUp(target.entity, target.label))
        else:
            self.post_message(OpenAt(target.article, target.start, target.end))


class LookupScreen(Screen[None]):
    """Everything the library says about one entity."""

    CSS_PATH = STYLES_DIR / "lookup.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("1", "show_tab('articles')", "Articles", show=False),
        Binding("2", "show_tab('mentions')", "Mentions", show=False),
        Binding("3", "show_tab('quotes')", "Quotes", show=False),
        Binding("4", "show_tab('claims')", "Claims", show=False),
        Binding("5", "show_tab('related')", "Appears with", show=False),
    ]

    def __init__(self, library: Library, name: str, label: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.entity_name = name
        self.entity_label = label
        #: The lookup, once the worker is done.
        self.result: Lookup | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(f"Looking up {one_line(self.entity_name)}…"), id="lookup-title")
        with TabbedContent(id="lookup-tabs"):
            for tab in TABS:
                with TabPane(TITLES[tab], id=f"lookup-{tab}"):
                    yield TargetList(id=f"{tab}-targets")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False  # 1-5 switch tabs
        self.list_for("articles").focus()
        self._look_up()

    def list_for(self, tab: str) -> TargetList:
        return self.query_one(f"#{tab}-targets", TargetList)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _look_up(self) -> None:
        from tui import lookup as core

        try:
            found = core.find_entity(self.library, self.entity_name, self.entity_label)
            if found is None:
                raise core.not_found(self.library, self.entity_name, self.entity_label)
            result = core.lookup(self.library, found)
        except BylineError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self.show, result)

    def _failed(self, reason: str) -> None:
        self.app.notify(reason, title="Lookup", severity="error", timeout=8)
        self.dismiss()

    def show(self, result: Lookup) -> None:
        self.result = result
        from tui.lookup import summary

        entity = result.entity
        head = f"{one_line(entity.name)} ({entity.label}): {summary(result)}"
        others = [one_line(n) for n, _, _ in result.names[1:]]
        if others:
            head += " · also " + ", ".join(others)
        self.query_one("#lookup-title", Static).update(Content(head))
        for tab, rows, empty in (
            ("articles", self._article_rows(result), "No articles"),
            ("mentions", self._mention_rows(result), "No mentions"),
            ("quotes", self._statement_rows(result, "quotes"), "No quotes spoken"),
            ("claims", self._statement_rows(result, "claims"), "No claims sourced to it"),
            ("related", self._related_rows(result), "Appears with no other entity"),
        ):
            self.list_for(tab).set_rows(rows, empty)
            count = len(rows)
            self.query_one(TabbedContent).get_tab(f"lookup-{tab}").label = f"{TITLES[tab]} {count}"

    # Rows, as Content (never markup).

    def _article_rows(self, result: Lookup) -> list[tuple[Content, Target]]:
        lst = self.list_for("articles")
        spans: tuple[Kwic | Statement, ...] = (*result.mentions, *result.quotes, *result.claims)
        rows = []
        for a in result.articles:
            where = f"{a.mentions:>4}× "
            what = one_line(a.name) or "(untitled)"
            extra = ", ".join(one_line(x) for x in (a.source, a.date[:10]) if x)
            extra = f"  {extra}" if extra else ""
            content = Content.assemble(
                (where, lst.style("where")), what, (extra, lst.style("context"))
            )
            # Its first mention; an article where it only speaks: its first quote or claim.
            first = next((k for k in spans if k.article == a.id), None)
            target = Target(a.id, first.start, first.end) if first else Target(a.id)
            rows.append((content, target))
        return rows

    def _mention_rows(self, result: Lookup) -> list[tuple[Content, Target]]:
        lst = self.list_for("mentions")
        width = len(str(max((k.article for k in result.mentions), default=0)))
        return [
            (
                Content.assemble(
                    (f"{k.article:>{width}} ", lst.style("where")),
                    (k.left, lst.style("context")),
                    " ",
                    (k.text, lst.style("keyword")),
                    " ",
                    (k.right, lst.style("context")),
                ),
                Target(k.article, k.start, k.end),
            )
            for k in result.mentions
        ]

    def _statement_rows(self, result: Lookup, kind: str) -> list[tuple[Content, Target]]:
        lst = self.list_for(kind)
        titles = {a.id: a.name for a in result.articles}
        return [
            (
                Content.assemble(
                    (
                        f"{_cut(one_line(titles.get(s.article, '')) or str(s.article))} — ",
                        lst.style("where"),
                    ),
                    one_line(s.text, ROW_WORDS * 2),
                ),
                Target(s.article, s.start, s.end),
            )
            for s in getattr(result, kind)
        ]

    def _related_rows(self, result: Lookup) -> list[tuple[Content, Target]]:
        lst = self.list_for("related")
        return [
            (
                Content.assemble(
                    one_line(r.name),
                    (
                        f"  {r.label} · {r.articles} article{'s' if r.articles != 1 else ''}",
                        lst.style("context"),
                    ),
                ),
                Target(entity=r.name, label=r.label),
            )
            for r in result.related
        ]

    # Actions.

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"lookup-{tab}"
        self.list_for(tab).focus()

    def action_back(self) -> None:
        self.dismiss()


class EntitySearchScreen(Screen["Found | None"]):
    """`E`: type part of a name; the entities matching, most mentioned first. Dismissed with
    the one chosen, or None."""

    CSS_PATH = STYLES_DIR / "lookup.tcss"

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("enter", "choose", "Look up"),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.found: list[Found] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("Find an entity in the library"), id="entity-search-title")
        yield Input(
            placeholder="Type a name; Enter looks it up, Escape goes back", id="entity-query"
        )
        yield OptionList(id="entity-results", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search("")

    @on(Input.Changed, "#entity-query")
    def _changed(self, message: Input.Changed) -> None:
        message.stop()
        self._search(message.value)

    @on(Input.Submitted, "#entity-query")
    def _submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.action_choose()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _search(self, query: str) -> None:
        from tui import lookup as core

        try:
            found = core.search(self.library, query)
            if not found and query.strip():
                found = core.suggestions(self.library, query, limit=10)
        except BylineError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show, found)

    def show(self, found: list[Found]) -> None:
        self.found = found
        results = self.query_one("#entity-results", OptionList)
        results.clear_options()
        if not found:
            results.add_option(Option(Content("No entity matches"), disabled=True))
            return
        results.add_options(
            Content.assemble(one_line(f.name), f"  {f.label} · {f.mentions}") for f in found
        )
        results.highlighted = 0

    def action_cursor(self, step: int) -> None:
        results = self.query_one("#entity-results", OptionList)
        if self.found:
            current = results.highlighted or 0
            results.highlighted = max(0, min(len(self.found) - 1, current + step))

    def action_choose(self) -> None:
        index = self.query_one("#entity-results", OptionList).highlighted
        if self.found and index is not None and 0 <= index < len(self.found):
            self.dismiss(self.found[index])

    def action_close(self) -> None:
        query = self.query_one(Input)
        if query.value:
            query.value = ""
        else:
            self.dismiss(None)
