"""The reader screen: the article pane, its legend, the side panel, search, and the keys.

Text first: the article is on screen at once; its analysis runs in a thread worker and the
highlights and the side panel fill in when it is done (a long article's a chunk at a time, the
part in view first). The screen is the one place that hears the widgets' messages and tells
the other widgets what to show.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import MountError, Widget
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from tui.analysis import Analyser, analysis_steps
from tui.key_gate import STARTING, KeyGateApp
from tui.messages import (
    AnalysisFailed,
    AnalysisProgress,
    AnalysisReady,
    ArticleScrolled,
    ArticleShown,
    CursorMoved,
    JumpToSpan,
    LookUp,
)
from tui.model import Analysis, AnalysisStep, Article
from tui.safe_text import one_line
from tui.widgets.article_meta import ArticleMeta
from tui.widgets.article_view import HIGHLIGHT_MODES, ArticleView
from tui.widgets.reader_bar import ReaderBar
from tui.widgets.search_bar import SearchBar, SearchLine

# Text first: what only the side panel, legend, help and command palette need (the option
# list and tab widgets, ~12 ms of imports) is imported after the first frame, where used.
if TYPE_CHECKING:
    from textual.command import Provider

    from tui.screens.help import KeySections
    from tui.widgets.legend import EntityLegend
    from tui.widgets.side_panel import SidePanel

#: Actions that wait for the side panel and the search line (mounted after the first frame).
_NEEDS_PANEL = frozenset({"search", "switch_pane", "show_tab", "toggle_panel", "next_article"})
#: Below this many columns the side panel is not beside the article but below it, on demand.
NARROW_WIDTH = 100
#: Painting a long article's analysis so far holds the event loop (near a second at the end
#: of a million words): a step that adds nothing in view is painted within this share of time.
PARTIAL_PAINT_SHARE = 0.1
#: Up to this many characters the article is searched at every key typed in the search line;
#: a longer one (a search of a few MB takes a few hundred ms) once typing pauses.
LIVE_SEARCH_CHARS = 1_000_000
#: The pause, in seconds.
SEARCH_PAUSE = 0.3
#: Seconds after which typed-ahead keys are let through even if the panel never mounted.
TYPE_AHEAD_LIMIT = 5.0


def reader_commands() -> type[Provider]:
    """The command palette's provider, imported when the palette first opens."""
    from tui.screens.commands import ReaderCommands

    return ReaderCommands


#: The rule of `tab` (the help shows it): it only ever moves focus, so it is predictable after
#: `1`-`3` (which open the panel with focus in it) too; `p` is what hides the panel.
SWITCH_PANE = "Other pane (shows the panel; never hides it: p)"


class ReaderScreen(Screen[None]):
    AUTO_FOCUS = ""  # the article view, just after the first frame (on_mount)
    COMMANDS = {reader_commands}
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        # A priority binding, run as the key arrives: the keys typed right after it (in the
        # same burst, as over SSH) are already sent to the search line, none to the article.
        Binding("slash", "search", "Search", priority=True),
        Binding("n", "next_match(1)", "Next match"),
        Binding("N", "next_match(-1)", "Prev match"),
        Binding("h", "cycle_highlights", "Highlights"),
        Binding("tab", "switch_pane", "Pane", tooltip=SWITCH_PANE),
        Binding("shift+tab", "switch_pane", "Pane", show=False, tooltip=SWITCH_PANE),
        Binding("1", "show_tab('quotes')", "Quotes", show=False),
        Binding("2", "show_tab('claims')", "Claims", show=False),
        Binding("3", "show_tab('entities')", "Entities", show=False),
        Binding(
            "p", "toggle_panel", "Side panel", show=False, tooltip="Side panel: show or hide it"
        ),
        Binding("left_square_bracket", "next_article(-1)", "Prev article"),
        Binding("right_square_bracket", "next_article(1)", "Next article"),
        Binding("o", "articles", "Articles"),
        Binding("escape", "clear", "Clear search and mark", show=False),
        Binding("e", "lookup", "Lookup"),
    ]

    #: The article pane's class (annotation mode's adds a cursor and its spans).
    view_class: type[ArticleView] = ArticleView
    #: The side panel is shown (beside the article when wide, below it when narrow).
    show_panel: reactive[bool] = reactive(True)
    #: The terminal is narrower than `NARROW_WIDTH`.
    narrow: reactive[bool] = reactive(False)

    def __init__(
        self,
        articles: Sequence[Article],
        analyser: Analyser,
        analyses: dict[int, Analysis] | None = None,
        *,
        mark: tuple[int, int] | None = None,
        back: bool = False,
    ) -> None:
        """`mark`: a span to show and mark once the text is drawn; `back`: `escape` with no
        search to clear closes this reader (it was opened from a lookup)."""
        super().__init__()
        self._initial_mark = mark
        self.back = back
        self.articles = list(articles)
        self.analyser = analyser
        #: Finished analyses by article index (a cache may hand some in up front).
        self.analyses: dict[int, Analysis] = dict(analyses or {})
        #: The analysis so far of articles being analysed a chunk at a time.
        self.partial: dict[int, AnalysisStep] = {}
        self.failures: dict[int, str] = {}
        self.current = 0
        #: The side panel, search line and footer are mounted (just after the first frame).
        self.ready = False
        self._offsets: dict[int, int] = {}  # where each article was left, as a text offset
        self._reading_at = 0  # the text offset at the top of the view (the worker reads it)
        self._painted_at = 0.0  # when the analysis was last painted (time.monotonic())
        self._paint_cost = 0.0  # and how long that took
        self._paint_due: Timer | None = None  # a deferred paint of the analysis so far
        self._unpainted: list[tuple[int, int]] = []  # stretches analysed since, not painted
        self._panel_stale = False  # the hidden side panel was not told of the analysis so far
        #: Where `/` was pressed: the text offset matches are searched from as you type, and
        #: the line the view goes back to when the search is dropped (escape).
        self._search_from: tuple[int, int] = (0, 0)
        self._search_due: Timer | None = None  # a long article's search, once typing pauses
        #: The analysis run whose messages the screen takes (see `_analyse`).
        self._analysis_run = 0

    @property
    def article(self) -> Article:
        return self.articles[self.current]

    @property
    def analysis(self) -> Analysis | None:
        """The current article's analysis, once it is done."""
        return self.analyses.get(self.current)

    @property
    def shown_analysis(self) -> Analysis | None:
        """What is known of the current article's analysis: all of it, else the part so far."""
        step = self.partial.get(self.current)
        if self.analysis is None and step is not None:
            return step.analysis
        return self.analysis

    def analysis_status(self) -> str:
        """The reader bar's word on the current article's analysis ("" once it is done)."""
        if self.analysis is not None:
            return ""
        if self.current in self.failures:
            return "analysis failed"
        step = self.partial.get(self.current)
        return f"analysing {step.done}/{step.total}…" if step else "analysing…"

    @property
    def view(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def panel(self) -> SidePanel:
        from tui.widgets.side_panel import SidePanel

        return self.query_one("#panel", SidePanel)

    @property
    def legend(self) -> EntityLegend:
        from tui.widgets.legend import EntityLegend

        return self.query_one("#legend", EntityLegend)

    def compose(self) -> ComposeResult:
        # The layout classes are set before there are children to restyle (set in on_mount,
        # they restyled the whole screen twice: ~20 ms before the first frame).
        narrow = self.app.size.width < NARROW_WIDTH
        self.set_reactive(ReaderScreen.narrow, narrow)
        self.set_reactive(ReaderScreen.show_panel, not narrow)
        self.set_class(narrow, "-narrow")
        self.set_class(narrow, "-no-panel")
        # Text first: the first frame has the article and cheap stand-ins of the same size for
        # the side panel and the footer; the real ones are mounted right after it is drawn.
        yield ReaderBar(id="bar")
        yield ArticleMeta(self.article, id="meta")
        with Horizontal(id="body"):
            with Vertical(id="article-pane"):
                yield self.view_class(self.article, id="article")
            yield Static(id="panel-slot", classes="side-panel")
        yield Static(id="footer-slot")

    def on_mount(self) -> None:
        # Type-ahead: keys typed before the view has focus and the panel and search line are
        # mounted wait for them (see tui.key_gate), instead of going nowhere.
        if isinstance(self.app, KeyGateApp):
            self.app.hold_keys(self._type_ahead)
            self.app.release_keys(STARTING)
        self._show_current()
        # Focus restyles the view (two dozen component classes, ~7 ms): after the first frame.
        self.call_after_refresh(self.view.focus)
        self.set_timer(TYPE_AHEAD_LIMIT, self._take_keys)  # should the rest never mount

    @property
    def _type_ahead(self) -> str:
        return f"type-ahead {id(self)}"

    def _take_keys(self) -> None:
        """Everything a key can reach is here: the keys typed so far apply, in order."""
        if self.focused is None:
            self.view.focus()
        if isinstance(self.app, KeyGateApp):
            self.app.release_keys(self._type_ahead)

    def on_unmount(self) -> None:
        if isinstance(self.app, KeyGateApp):
            self.app.release_keys(self._type_ahead)

    @on(ArticleShown)
    async def _mount_the_rest(self, message: ArticleShown) -> None:
        message.stop()
        if self.ready or not self.is_attached:  # (not attached: the app is quitting, as `q`)
            return
        from tui.widgets.legend import EntityLegend
        from tui.widgets.side_panel import SidePanel

        try:
            await self.query_one("#article-pane").mount(EntityLegend(id="legend"))
            slot = self.query_one("#panel-slot")
            await self.query_one("#body").mount(
                SidePanel(id="panel", classes="side-panel"), before=slot
            )
            await slot.remove()
            await self.query_one("#footer-slot").remove()
            await self.mount(SearchLine(id="search-line"), Footer())
        except MountError:
            # A quit (`q`, SIGTERM from a server shutting down) arrived between two mounts: the
            # screen is being taken down, nothing is left to show. Anything else is a bug.
            if self.is_attached and not self._quitting():
                raise
            return
        if self._quitting():  # the same, after the last mount: the widgets are going
            return
        self.ready = True
        self.refresh_bindings()  # the footer shows keys once it hears of the bindings
        self._show_analysis()
        if self._initial_mark is not None:
            self.jump_to(*self._initial_mark)
        # Importing spaCy holds the GIL for a while: the analysis starts after this frame too.
        self.set_timer(0.05, self._start_analysis)
        self.call_after_refresh(self._take_keys)

    def _quitting(self) -> bool:
        return self.app.return_code is not None  # set by App.exit

    def _start_analysis(self) -> None:
        """Analyse what is not analysed yet, the current article first. An analysis running
        is cancelled (one worker in the group): its article starts again when its turn comes,
        from the cache if it got that far."""
        self._analysis_run += 1
        done = self.analyses.keys() | self.failures.keys()
        pending = [i for i in self._analysis_order() if i not in done]
        if pending:
            self._analyse(pending, self._analysis_run)
        else:
            self.stop_analysis()

    def stop_analysis(self) -> None:
        """Cancel the analysis running (another reader takes over); what it still sends is
        dropped. `on_screen_resume` starts it again."""
        self._analysis_run += 1
        self.workers.cancel_group(self, "analysis")

    def on_screen_resume(self) -> None:
        if self.ready and not self._analysing():
            self._start_analysis()

    def _analysing(self) -> bool:
        return any(
            worker.group == "analysis" and not worker.is_finished and not worker.is_cancelled
            for worker in self.workers
            if worker.node is self
        )

    def on_resize(self, event: events.Resize) -> None:
        self.narrow = event.size.width < NARROW_WIDTH

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        self.show_panel = not narrow

    def watch_show_panel(self, show: bool) -> None:
        self.set_class(not show, "-no-panel")
        if show and self._panel_stale:
            self._show_analysis()
        if self.ready and not show and self._in_panel(self.focused):
            self.view.focus()

    # The analysis: in a thread, one article after another, the current one first.

    def _analysis_order(self) -> list[int]:
        count = len(self.articles)
        return [(self.current + step) % count for step in range(count)]

    @work(thread=True, exclusive=True, group="analysis", exit_on_error=False)
    def _analyse(self, order: list[int], run: int) -> None:
        """Analyse the articles in `order`; each message says which `run` it is from, and the
        screen hears only the latest run's (a cancelled one may have posted a step meanwhile)."""
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        for index in order:
            if cancelled():
                return
            article = self.articles[index]
            try:
                focus = partial(self._focus, index)
                for step in analysis_steps(self.analyser, article, focus, cancelled):
                    if cancelled():  # the reader is closing, or on another article
                        return
                    if step.complete:
                        message: Message = AnalysisReady(index, step.analysis)
                    else:
                        message = AnalysisProgress(index, step)
                    self._post_from_run(run, message)
            except Exception as error:  # the reader stays usable without an analysis
                if cancelled():  # (the child was closed under it: quit)
                    return
                reason = one_line(str(error)) or type(error).__name__
                self._post_from_run(run, AnalysisFailed(index, reason))

    def _post_from_run(self, run: int, message: Message) -> None:
        message.analysis_run = run  # type: ignore[attr-defined]
        self.post_message(message)

    def _stale(self, message: Message) -> bool:
        """The message is from an analysis run cancelled since it was posted."""
        return getattr(message, "analysis_run", self._analysis_run) != self._analysis_run

    def _focus(self, index: int) -> int:
        """Where the reader is in article `index` (called from the worker thread)."""
        return self._reading_at if index == self.current else self._offsets.get(index, 0)

    def on_analysis_progress(self, message: AnalysisProgress) -> None:
        if message.index in self.analyses or self._stale(message):
            return
        self.partial[message.index] = message.step
        if message.index != self.current:
            return
        self.query_one(ReaderBar).status = self.analysis_status()
        top, bottom = self.view.visible_range()
        added = message.step.added
        if added is None or _overlaps(added, top, bottom):
            self._show_analysis()  # what the reader is looking at: at once
            return
        self._unpainted.append(added)  # painted at once if scrolled into view
        if self._paint_due is None:  # else one is due, and paints the latest step
            wait = self._paint_cost / PARTIAL_PAINT_SHARE - (time.monotonic() - self._painted_at)
            if wait <= 0:
                self._show_analysis()
            else:
                self._paint_due = self.set_timer(wait, self._show_analysis)

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        if self._stale(message):
            return
        self.analyses[message.index] = message.analysis
        self.partial.pop(message.index, None)
        if message.index == self.current:
            self._show_analysis()

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        if self._stale(message):
            return
        self.failures[message.index] = message.reason
        self.partial.pop(message.index, None)
        if message.index == self.current:
            self._show_analysis()
            self.notify(message.reason, title="Analysis failed", severity="error", timeout=8)

    # Attributes down: what the widgets show for the current article.

    def _show_current(self) -> None:
        bar = self.query_one(ReaderBar)
        bar.title = self.article.title or self.article.path
        count = len(self.articles)
        bar.position = f"{self.current + 1}/{count}" if count > 1 else ""
        self.query_one(ArticleMeta).show(self.article)
        self._show_analysis()

    def _show_analysis(self) -> None:
        """The analysis, or the part of it so far, in the highlights, legend and side panel
        (the part so far not in a hidden side panel: it is told when shown)."""
        started = time.perf_counter()
        if self._paint_due is not None:
            self._paint_due.stop()
            self._paint_due = None
        self._unpainted.clear()
        analysis, view = self.shown_analysis, self.view
        self.query_one(ReaderBar).status = self.analysis_status()
        if analysis is None:
            failure = self.failures.get(self.current)
            view.set_entities([])
            if self.ready:
                self.legend.show(None, view.highlight_mode)
                self.panel.show_pending("Analysis failed" if failure else "Analysing…")
            return
        view.set_entities(analysis.entities)
        if not self.ready:
            return
        self.legend.show(analysis.entities, view.highlight_mode)
        partial = self.analysis is None
        self._panel_stale = partial and not self.show_panel
        if not self._panel_stale:
            self.panel.show_analysis(analysis, partial=partial)
            self.panel.follow(*view.visible_range(), view.mark)
        self._painted_at = time.monotonic()
        self._paint_cost = self._painted_at - started

    # Messages up from the widgets.

    @on(JumpToSpan)
    def _jump(self, message: JumpToSpan) -> None:
        message.stop()
        self.jump_to(message.start, message.end)

    def jump_to(self, start: int, end: int) -> None:
        """Scroll the article to `start:end` and mark it (the mark stays until you move)."""
        self.view.set_mark(start, end)
        self.panel.follow(*self.view.visible_range(), self.view.mark)

    @on(CursorMoved)
    def _cursor_moved(self, message: CursorMoved) -> None:
        message.stop()
        self.view.clear_mark()

    @on(ArticleScrolled)
    def _article_scrolled(self, message: ArticleScrolled) -> None:
        message.stop()
        self._reading_at = message.top
        view = self.view
        at_end = view.scroll_y >= view.max_scroll_y
        size = max(1, len(self.article.text))
        percent = 100 if at_end else min(99, message.top * 100 // size)
        self.query_one(ReaderBar).progress = f"{percent}%"
        if self.ready:
            self.panel.follow(message.top, message.bottom, self.view.mark)
        if any(_overlaps(span, message.top, message.bottom) for span in self._unpainted):
            self._show_analysis()

    @on(Input.Changed, "#search")
    def _search_as_typed(self, message: Input.Changed) -> None:
        """Search as you type, from where `/` was pressed; the count beside the typing."""
        message.stop()
        self._cancel_due_search()
        if message.value and len(self.article.text) > LIVE_SEARCH_CHARS:
            self.query_one(SearchLine).show_count(message.value, None)
            self._search_due = self.set_timer(SEARCH_PAUSE, self._search_typed)
        else:
            self._search_typed()

    def _search_typed(self) -> None:
        self._search_due = None
        view, query = self.view, self.query_one(SearchBar).value
        if query:
            count = view.search(query, origin=self._search_from[0])
        else:
            count = 0
            view.set_matches([])
            view.clear_mark()
            view.scroll_to_line(self._search_from[1])
        self.query_one(SearchLine).show_count(query, count)

    def _cancel_due_search(self) -> bool:
        """Stop a search waiting for typing to pause; whether there was one."""
        due, self._search_due = self._search_due, None
        if due is not None:
            due.stop()
        return due is not None

    @on(Input.Submitted, "#search")
    def _search(self, message: Input.Submitted) -> None:
        message.stop()
        if self._cancel_due_search():
            self._search_typed()
        self._close_search()
        if message.value and not self.view.match_count:
            self.notify(f"Not found: {one_line(message.value)}", severity="warning", timeout=3)
        self.refresh_bindings()

    @on(SearchBar.Cancelled)
    def _search_cancelled(self, message: SearchBar.Cancelled) -> None:
        """Escape while typing: the matches go, and the view goes back to where it was."""
        message.stop()
        self._cancel_due_search()
        self.view.set_matches([])
        self.view.clear_mark()
        self.view.scroll_to_line(self._search_from[1])
        self._close_search()
        self.refresh_bindings()

    def _close_search(self) -> None:
        self.remove_class("-searching")
        self.view.focus()

    # Actions.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.ready and action in _NEEDS_PANEL:
            return False
        if action in ("next_article", "articles"):
            return len(self.articles) > 1
        if action == "next_match":
            return self.is_mounted and self.view.match_count > 0
        if action == "lookup":  # only with a library to look in
            return getattr(self.app, "library", None) is not None
        return True

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.key_sections()))

    def key_sections(self) -> KeySections:
        """The reader's keys, grouped for the help screen."""
        from tui.widgets.span_list import SpanList

        return [
            (
                "Anywhere",
                [
                    *self.app.BINDINGS,
                    *self.BINDINGS,
                    Binding("ctrl+p", "command_palette", "Command palette"),
                ],
            ),
            ("Article", list(ArticleView.BINDINGS)),
            ("Side panel lists", list(SpanList.BINDINGS)),
            ("Search line", [Binding("enter", "submit", "Search"), *SearchBar.BINDINGS]),
        ]

    def action_search(self) -> None:
        search = self.query_one(SearchBar)
        if self.has_class("-searching"):  # "/" typed into the search line itself
            start, end = search.selection
            search.replace("/", min(start, end), max(start, end))
            return
        view = self.view
        self._search_from = (view.visible_range()[0], int(view.scroll_y))
        self.add_class("-searching")
        with search.prevent(Input.Changed):
            search.value = ""
        self.query_one(SearchLine).show_count("", 0)
        # At once, not after the keys already waiting: "/a" typed fast searches for "a" (the
        # `a` does not reach the reader, where it opens annotation mode).
        self.set_focus(search)

    def action_next_match(self, step: int) -> None:
        index = self.view.next_match(step)
        if index is not None:
            self.panel.follow(*self.view.visible_range(), self.view.mark)

    def action_cycle_highlights(self) -> None:
        view = self.view
        modes = HIGHLIGHT_MODES
        view.highlight_mode = modes[(modes.index(view.highlight_mode) + 1) % len(modes)]
        analysis = self.shown_analysis
        self.legend.show(analysis.entities if analysis else None, view.highlight_mode)

    def action_switch_pane(self) -> None:
        """The other pane: see `SWITCH_PANE`."""
        if self._in_panel(self.focused):
            self.view.focus()
        else:
            self.show_panel = True
            self.panel.list_for().focus()

    def action_show_tab(self, tab: str) -> None:
        from tui.widgets.side_panel import TABS

        if tab not in TABS:
            return
        self.show_panel = True
        self.panel.active = tab
        self.panel.list_for(tab).focus()

    def action_toggle_panel(self) -> None:
        self.show_panel = not self.show_panel

    def action_top(self) -> None:
        self.view.action_scroll_to_line(0)

    def action_bottom(self) -> None:
        self.view.action_scroll_to_line(-1)

    def action_next_article(self, step: int) -> None:
        if len(self.articles) > 1:
            self.show_article((self.current + step) % len(self.articles))

    def action_articles(self) -> None:
        from tui.screens.articles import ArticlesScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.show_article(index)

        self.app.push_screen(ArticlesScreen(self.articles, self.current), chosen)

    def show_article(self, index: int) -> None:
        """Show open article `index`, where it was left."""
        if index == self.current or not 0 <= index < len(self.articles):
            return
        view = self.view
        self._offsets[self.current] = view.visible_range()[0]
        self.current = index
        self._reading_at = self._offsets.get(self.current, 0)
        view.set_article(self.article, offset=self._offsets.get(self.current, 0))
        self._show_current()
        self.refresh_bindings()
        if self.ready and index not in self.analyses and index not in self.failures:
            self._start_analysis()  # this one now: the one before is cancelled

    def action_clear(self) -> None:
        if self.back and not self.view.match_count:
            self.dismiss()
            return
        self.view.set_matches([])
        self.view.clear_mark()
        self.refresh_bindings()

    def action_lookup(self) -> None:
        """Look the entity up across the library: the one highlighted in the Entities tab, the
        speaker or source of the quote or claim highlighted, else the one marked or the first
        one in view."""
        name_label = self._entity_here()
        if name_label is None:
            self.notify("No entity here to look up", severity="warning", timeout=3)
            return
        self.post_message(LookUp(*name_label))

    def _entity_here(self) -> tuple[str, str | None] | None:
        from tui.lookup import entity_to_look_up
        from tui.widgets.span_list import SpanList

        analysis, focused = self.shown_analysis, self.focused
        if analysis is None:
            return None
        if self.ready and isinstance(focused, SpanList) and self._in_panel(focused):
            index = focused.highlighted
            rows = focused.rows
            spans = [rows[index].spans[0]] if index is not None and 0 <= index < len(rows) else []
        else:
            top, bottom = self.view.visible_range()
            spans = [self.view.mark] if self.view.mark else []
            spans += sorted((m.start, m.end) for m in analysis.entities if top <= m.start < bottom)
        return next(filter(None, (entity_to_look_up(analysis, *span) for span in spans)), None)

    def _in_panel(self, widget: Widget | None) -> bool:
        return self.ready and widget is not None and self.panel in widget.ancestors_with_self


def _overlaps(span: tuple[int, int], top: int, bottom: int) -> bool:
    """The text `span` is (partly) in the view from offset `top` to `bottom`."""
    return span[0] <= bottom and top < span[1]
