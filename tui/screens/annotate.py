"""Annotation mode: the reader (same article pane, side panel, analysis worker) with keys that
accept, reject and edit the machine's suggestions, one decision per key, moving on to the next
pending one by itself (Prodigy's rhythm, in a terminal).

Every key that changes something is one call to the annotation store (`tui.store.annotations`),
which commits it before it returns. The calls run on an ordered writer thread
(`tui.store.writer`), so the screen keeps painting while SQLite writes; only once a call
returned does the status line say "saved #N <summary>", N being the action's number in the
log. The writer then re-reads the session's state and the screen draws it: the store is the
truth, the screen keeps no spans of its own. Keys typed meanwhile are held and applied in order
once the state they act on is drawn (`tui.key_gate`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, OptionList

from tui import STYLES_DIR
from tui.analysis import Analyser
from tui.annotation_queue import KINDS, AnnotationQueue
from tui.errors import BylineError
from tui.key_gate import KeyGateApp
from tui.messages import CursorMoved
from tui.model import Analysis, Article, EntityMention
from tui.safe_text import one_line, sanitize, truncate
from tui.screens.annotate_prompts import (
    Candidate,
    DonePrompt,
    NotePrompt,
    SpeakerPicker,
    open_dialog,
    speaker_candidates,
)
from tui.screens.help import KeySections
from tui.screens.reader import ReaderScreen
from tui.store.annotations import (
    ACCEPTED,
    CLAIM,
    PENDING,
    QUOTE,
    REJECTED,
    Action,
    Annotations,
    Session,
    Span,
    State,
)
from tui.store.writer import OrderedWriter, Outcome
from tui.text_navigation import nudged, trimmed
from tui.widgets.annotation_status import AnnotationStatus
from tui.widgets.annotation_view import AnnotationView
from tui.widgets.legend import EntityLegend
from tui.widgets.reader_bar import ReaderBar
from tui.widgets.side_panel import TABS, UNKNOWN_SOURCE, UNKNOWN_SPEAKER
from tui.widgets.span_list import ROW_WORDS, WHO_CHARS, Row, SpanList

#: The labels of the keys 1..9 (the legend shows them numbered); `q` and `c` add QUOTE, CLAIM.
LABEL_KEYS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "DATE")
KEY_LABELS = {**{str(n): label for n, label in enumerate(LABEL_KEYS, 1)}, "q": QUOTE, "c": CLAIM}
#: Side-panel tab of each kind of span, and the order auto-advance goes through the kinds.
TAB_OF = {"quote": "quotes", "claim": "claims", "entity": "entities"}
KIND_OF = {tab: kind for kind, tab in TAB_OF.items()}
STATUS_MARK = {PENDING: "?", ACCEPTED: "✓", REJECTED: "✗"}
#: Stripped from the ends of a selection before it becomes a span (quote marks: quotes only).
TRIM = {QUOTE: ",;:“”\"‘’'", "default": ",;:"}


#: What a write hands back to the screen: its action (None: nothing to do) and the state after.
Written = tuple[Action | None, State]
#: The reason keys are held while a write commits (see tui.key_gate).
WRITING = "annotation write"
#: Held while the current article's spans are not there yet (its analysis is running).
SPANS = "annotation spans"
#: The keys that act on the spans (the current one, the queue, a selection's label): typed
#: before the suggestions exist they would act on nothing, and the keys after them (a name
#: for `s`) would reach other bindings. They wait, and the keys after them, until then.
SPAN_KEYS = frozenset(
    {"y", "enter", "x", "s", "j", "k", "c", "d", "r", "N", "m"}
    | {str(n) for n in range(1, len(LABEL_KEYS) + 1)}
    | {f"shift+{arrow}" for arrow in ("left", "right", "up", "down")}
)


class WriteDone(Message):
    """The writer thread finished a job: `done(outcome)` runs on the screen's loop."""

    def __init__(self, done: Callable[[Outcome[Written]], None], outcome: Outcome[Written]) -> None:
        super().__init__()
        self.done = done
        self.outcome = outcome


def label_keys_hint(prefix: str) -> str:
    keys = "  ".join(f"{key} {label}" for key, label in KEY_LABELS.items())
    return f"{prefix}: {keys}  (escape cancels)"


class AnnotateScreen(ReaderScreen):
    """The reader in annotation mode, for one annotator, over the store of the app's library."""

    CSS_PATH = STYLES_DIR / "annotate.tcss"  # its dialogs are shown over it: theirs too

    BINDINGS = [
        Binding("y,enter", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("s", "speaker", "Speaker"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r", "redo", "Redo", show=False),
        Binding("j", "next_item(1)", "Next item", show=False),
        Binding("k", "next_item(-1)", "Previous item", show=False),
        *(
            Binding(str(n), f"label('{n}')", label, show=False)
            for n, label in enumerate(LABEL_KEYS, 1)
        ),
        # q quits as in the reader (everything is saved already); with a selection, a quote.
        Binding("q", "label('q')", "Quit"),
        Binding("c", "label('c')", "Claim (selection)", show=False),
        Binding("shift+left", "nudge('end', -1)", "End one word left", show=False),
        Binding("shift+right", "nudge('end', 1)", "End one word right", show=False),
        Binding("shift+up", "nudge('start', -1)", "Start one word left", show=False),
        Binding("shift+down", "nudge('start', 1)", "Start one word right", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("r", "relabel", "Relabel", show=False),
        Binding("N", "note", "Note", show=False),
        Binding("M", "article_note", "Article note", show=False),
        Binding("m", "mark_done", "Done", show=False),
        Binding("R", "review", "Review", show=False),
        Binding("a", "leave", "Read", show=False),
        Binding("escape", "clear", "Cancel selection", show=False),
        Binding("e", "lookup", "Lookup", show=False),
        # The reader's keys stay, out of the footer (it is needed for the ones above).
        Binding("slash", "search", "Search", show=False),
        Binding("h", "cycle_highlights", "Highlights", show=False),
        Binding("tab", "switch_pane", "Pane", show=False),
        Binding("left_square_bracket", "next_article(-1)", "Prev article", show=False),
        Binding("right_square_bracket", "next_article(1)", "Next article", show=False),
    ]

    view_class = AnnotationView
    annotating = True

    def __init__(
        self,
        articles: Sequence[Article],
        analyser: Analyser,
        analyses: dict[int, Analysis] | None,
        store: Annotations,
        annotator: str | None = None,
        *,
        current: int = 0,
        pushed: bool = False,
    ) -> None:
        """`pushed`: opened from the reader (`a` goes back to it)."""
        super().__init__(articles, analyser, analyses)
        self.store = store
        self.annotator = annotator
        self.pushed = pushed
        #: Opened by `byline annotate` on several articles: at the first one not marked done.
        self.current = current if pushed or len(self.articles) < 2 else self._first_not_done()
        self.sessions: dict[int, Session] = {}
        self.state: State | None = None
        self.spans: dict[int, Span] = {}
        #: The spans in the order the keys go through them (rebuilt with each state drawn).
        self.queue = AnnotationQueue(())
        #: The current span (the one y/x/s/d/r/N act on) and each tab's rows' span ids.
        self.item: int | None = None
        self.row_ids: dict[str, list[int]] = {tab: [] for tab in TABS}
        self._shown_rows: dict[str, tuple[list[Row], str]] = {}
        #: `r` was pressed: the next label key relabels the current span.
        self.relabelling = False
        #: Store calls run here, in order; `writes` of them are not committed yet.
        self.writer: OrderedWriter | None = None
        self.writes = 0
        #: The analysis arrived while a write was committing: shown (and suggested) after it.
        self._analysis_waiting = False

    def _first_not_done(self) -> int:
        try:
            name = self.store.session(self.articles[0], self.annotator).annotator
            done = {info.hash for info in self.store.sessions(name, done=True)}
        except BylineError:
            return 0
        return next((i for i, a in enumerate(self.articles) if a.content_hash not in done), 0)

    @property
    def view(self) -> AnnotationView:
        return self.query_one("#article", AnnotationView)

    @property
    def session(self) -> Session:
        session = self.sessions.get(self.current)
        if session is None:
            session = self.sessions[self.current] = self.store.session(self.article, self.annotator)
        return session

    @property
    def status(self) -> AnnotationStatus:
        return self.query_one(AnnotationStatus)

    def on_mount(self) -> None:
        def deliver(done: Callable[[Outcome[Written]], None], outcome: Outcome[Written]) -> None:
            self.post_message(WriteDone(done, outcome))  # back on the screen's loop

        self.writer = OrderedWriter(deliver)
        self.add_class("-annotating")
        self.query_one("#article-pane").mount(AnnotationStatus(id="annotation-status"))
        super().on_mount()

    def on_unmount(self) -> None:
        if self.writer is not None:
            self.writer.close()  # the writes already made commit before the screen goes
        self._release_keys()
        if isinstance(self.app, KeyGateApp):
            self.app.release_keys(SPANS)

    def key_waits(self, key: events.Key) -> str | None:
        """The key gate asks: a key that acts on the spans waits while they are not there."""
        return SPANS if key.key in SPAN_KEYS and not self._spans_ready() else None

    def _spans_ready(self) -> bool:
        """The current article's suggestions are in its session (or its analysis failed: the
        spans are the annotator's own)."""
        state = self.state
        return state is not None and (state.suggested or self.current in self.failures)

    # Attributes down: the session's state, read after every action.

    def _show_analysis(self) -> None:
        analysis = self.analysis  # suggestions come from the complete analysis only
        self.query_one(ReaderBar).status = self.analysis_status()
        if self.writes:
            self._analysis_waiting = True  # shown once the write in flight has committed
            return
        try:
            state = self.session.state()
            if analysis is not None and not state.suggested:
                self._commit(lambda: self.session.suggest(analysis))
                return
        except BylineError as error:
            self.notify(str(error), title="Annotations", severity="error")
            return
        self._draw(state)

    def _refresh(self) -> None:
        if self.writes:
            return  # the write in flight draws the state it leaves
        try:
            self._draw(self.session.state())
        except BylineError as error:
            self.notify(str(error), title="Annotations", severity="error")

    def _draw(self, state: State) -> None:
        self.state = state
        if self._spans_ready() and isinstance(self.app, KeyGateApp):
            self.app.release_keys(SPANS)
        text = self.article.text
        spans = state.spans
        self.spans = {span.id: span for span in spans}
        self.queue = AnnotationQueue(spans)
        kept = [s for s in spans if s.status != REJECTED]
        mentions = [
            EntityMention(s.start, s.end, s.label, text[s.start : s.end], 0)
            for s in kept
            if s.kind == "entity"
        ]
        view = self.view
        view.set_entities(mentions)
        view.set_spans(
            quotes=[(s.start, s.end) for s in kept if s.kind == "quote"],
            claims=[(s.start, s.end) for s in kept if s.kind == "claim"],
            pending=[(s.start, s.end) for s in spans if s.status == PENDING],
            rejected=[(s.start, s.end) for s in spans if s.status == REJECTED],
        )
        progress = state.progress
        count = len(self.articles)
        done = " · done" if state.done else ""
        self.query_one(ReaderBar).position = (
            f"article {self.current + 1}/{count} · {progress.pending} pending · "
            f"{progress.decided} decided{done}"
        )
        if self.item not in self.spans:
            self.item = None
        if self.ready:
            # ctrl+p still opens the palette; its place in the footer goes to the keys above.
            self.query_one(Footer).show_command_palette = False
            legend = self.query_one(EntityLegend)
            legend.keys = KEY_LABELS
            legend.show(mentions, view.highlight_mode)
            self._show_rows(spans)
        if self.item is None:
            self._go_to(self._next_pending(None))
        else:
            self._show_item()

    def _show_rows(self, spans: list[Span]) -> None:
        text = self.article.text
        for tab in TABS:
            kind = KIND_OF[tab]
            mine = self.queue.ordered(kind)
            rows = []
            for span in mine:
                words = one_line(text[span.start : span.end], ROW_WORDS)
                mark = STATUS_MARK[span.status] + ("✎" if span.note else "")
                if kind == "entity":
                    rows.append(Row(((span.start, span.end),), f"{mark} {words}", span.label))
                    continue
                missing = UNKNOWN_SPEAKER if kind == "quote" else UNKNOWN_SOURCE
                who = truncate(one_line(span.speaker or ""), WHO_CHARS) or missing
                rows.append(Row(((span.start, span.end),), f"{mark} {who}", words))
            pending = sum(s.status == PENDING for s in mine)
            count = f"{len(mine)}" + (f" ({pending}?)" if pending else "")
            if self._shown_rows.get(tab) != (rows, count):  # an action changes one row or two
                self._shown_rows[tab] = (rows, count)
                self.panel.show_rows(tab, rows, f"No {tab}", count)
            self.row_ids[tab] = [span.id for span in mine]
        for span_list in self.panel.lists():
            span_list.follows_scroll = False  # the current span, not the scrolling, picks a row

    def _show_item(self, scroll: bool = False) -> None:
        """Mark the current span, bring it into view (`scroll`: a few lines from the top, else
        only when some of it is out of view: a span on screen stays where it is, and the
        terminal is sent only the lines that changed), highlight its row (its tab opened)."""
        view = self.view
        span = self.spans.get(self.item) if self.item is not None else None
        if span is None:
            view.clear_mark()
            view.set_speaker_mark(None)
            return
        view.set_mark(span.start, span.end, scroll=False)
        top, bottom = view.visible_range()
        if scroll or not (top <= span.start and span.end <= bottom):
            view.scroll_to_offset(span.start)
        mention_start, mention_end = span.speaker_start, span.speaker_end
        if mention_start is not None and mention_end is not None:
            view.set_speaker_mark((mention_start, mention_end))
        else:
            view.set_speaker_mark(None)
        if self.ready:
            tab = TAB_OF[span.kind]
            if self.panel.active != tab:
                self.panel.active = tab
            self.panel.follow(*view.visible_range(), (span.start, span.end))

    def _go_to(self, span_id: int | None) -> None:
        """Make `span_id` the current span; the cursor goes to its start."""
        self.item = span_id
        span = self.spans.get(span_id) if span_id is not None else None
        if span is not None:
            self.view.place_cursor(span.start)
        self._show_item()

    # Which span is next.

    def _open_kind(self) -> str:
        """The kind of span of the open tab (quotes until the side panel is mounted)."""
        return KIND_OF.get(self.panel.active, KINDS[0]) if self.ready else KINDS[0]

    def _next_pending(self, after: Span | None) -> int | None:
        following = self.queue.next_pending(after, self._open_kind())
        return following.id if following is not None else None

    def _advance(self, span: Span | None) -> None:
        """After a decision on `span`: on to the next pending span."""
        following = self._next_pending(span)
        if following is None:
            if span is not None and span.id in self.spans:
                self._go_to(span.id)
            self.status.hint("Nothing pending here: m marks the article done, ] goes on")
            return
        self._go_to(following)

    def current_span(self) -> Span | None:
        return self.spans.get(self.item) if self.item is not None else None

    # Writing: one store call per action, on the writer; "saved" only once it returned.

    def _commit(
        self, call: Callable[[], Action | None], then: Callable[[Action | None], None] | None = None
    ) -> None:
        """Run `call` on the writer. Once it committed: "saved #N", the session's state drawn,
        then `then(action)` (None: nothing was saved). Keys wait until then: they act on that
        state. Without a writer (not mounted) the call runs here."""
        self.writes += 1
        if isinstance(self.app, KeyGateApp):
            self.app.hold_keys(WRITING)

        def job() -> Written:
            action = call()
            return action, self.session.state()

        def done(outcome: Outcome[Written]) -> None:
            self.writes -= 1
            try:
                self._committed(outcome, then)
                if not self.writes and self._analysis_waiting:
                    self._analysis_waiting = False
                    self._show_analysis()
            finally:
                if not self.writes:
                    self._release_keys()

        if self.writer is None:
            try:
                outcome: Outcome[Written] = Outcome(value=job())
            except BylineError as error:
                outcome = Outcome(error=error)
            done(outcome)
            return
        self.writer.submit(job, done)

    def _committed(
        self, outcome: Outcome[Written], then: Callable[[Action | None], None] | None
    ) -> None:
        if outcome.error is not None or outcome.value is None:
            message = str(outcome.error)
            self.status.hint(message)
            self.notify(message, title="Not saved", severity="error", timeout=4)
            action = None
        else:
            action, state = outcome.value
            if action is not None:
                self.status.saved(action)
            self._draw(state)
        if then is not None:
            then(action)

    def _release_keys(self) -> None:
        if isinstance(self.app, KeyGateApp):
            self.app.release_keys(WRITING)

    @on(WriteDone)
    def _write_done(self, message: WriteDone) -> None:
        message.stop()
        message.done(message.outcome)

    # Actions: decisions.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave":
            return self.pushed
        if action == "review":
            return True
        return super().check_action(action, parameters)

    def action_accept(self) -> None:
        span = self.current_span()
        if span is not None and span.status != ACCEPTED:
            self._commit(lambda: self.session.accept(span.id), lambda _: self._advance(span))
            return
        self._advance(span)

    def action_reject(self) -> None:
        span = self.current_span()
        if span is None:
            self._advance(None)
            return
        if span.status != REJECTED:
            self._commit(lambda: self.session.reject(span.id), lambda _: self._advance(span))
            return
        self._advance(span)

    def show_kind(self, kind: str) -> None:
        """Work on quotes, claims or entities: their tab, and the first pending one."""
        self.action_show_tab(TAB_OF[kind])
        self.view.focus()
        first = self.queue.first(kind)
        self._go_to(first.id if first is not None else None)

    def action_next_item(self, step: int) -> None:
        """The next (or previous) span of the open tab's kind, whatever its status."""
        following = self.queue.step(self.current_span(), self._open_kind(), step)
        if following is not None:
            self._go_to(following.id)

    # Actions: spans by keyboard.

    def action_label(self, key: str) -> None:
        label = KEY_LABELS[key]
        view = self.view
        if self.relabelling:
            self.relabelling = False
            span = self.current_span()
            if span is not None:
                was_pending = span.status == PENDING

                def relabelled(_: Action | None) -> None:
                    if was_pending:
                        self._advance(self.spans.get(span.id, span))

                self._commit(lambda: self.session.relabel(span.id, label), relabelled)
            return
        selection = view.selection
        if selection is None:
            if key in ("1", "2", "3"):
                self.show_kind(KIND_OF[TABS[int(key) - 1]])
            elif key == "q":
                self.app.exit()
            else:
                self.status.hint("Select text first (v, then move), then press a label key")
            return
        start, end = trimmed(self.article.text, *selection, TRIM.get(label, TRIM["default"]))
        if start >= end:
            self.status.hint("Only spaces and punctuation are selected")
            return

        def created(action: Action | None) -> None:
            if action is not None:
                view.clear_selection()
                self._go_to(action.spans[0])

        self._commit(lambda: self.session.create(label, start, end), created)

    def action_nudge(self, edge: str, step: int) -> None:
        """Move the current span's start or end by one word."""
        span = self.current_span()
        if span is None:
            return
        moved = nudged(self.article.text, span.start, span.end, edge, step)
        if moved is None:
            return
        start, end = moved
        self._commit(
            lambda: self.session.move(span.id, start=start, end=end), lambda _: self._show_item()
        )

    def action_delete(self) -> None:
        span = self.current_span()
        if span is None:
            return
        following = self.queue.after_removing(span)

        def deleted(action: Action | None) -> None:
            if action is not None:
                self._go_to(following.id if following is not None else None)

        self._commit(lambda: self.session.delete(span.id), deleted)

    def action_relabel(self) -> None:
        if self.current_span() is None:
            self.status.hint("No span to relabel")
            return
        self.relabelling = True
        self.status.hint(label_keys_hint("Relabel as"))

    def action_clear(self) -> None:
        if self.relabelling:
            self.relabelling = False
            self.status.hint("Relabel cancelled")
        elif not self.view.clear_selection():
            super().action_clear()
            self._show_item()

    # Actions: speaker, notes, done.

    def action_speaker(self) -> None:
        span = self.current_span()
        if span is None or span.label not in (QUOTE, CLAIM):
            self.status.hint("Only a quote has a speaker and a claim a source")
            return
        candidates = speaker_candidates(
            self.article.text, span, list(self.spans.values()), self.analysis
        )
        role = "speaker" if span.label == QUOTE else "source"

        def picked(candidate: Candidate | None) -> None:
            if candidate is None:
                return

            def set_speaker(action: Action | None) -> None:
                if action is not None:
                    self._advance(self.spans.get(span.id, span))

            name, start, end = candidate.name, candidate.start, candidate.end
            self._commit(lambda: self.session.set_speaker(span.id, name, start, end), set_speaker)

        open_dialog(self.app, SpeakerPicker(role, span.speaker, candidates), picked)

    def action_note(self) -> None:
        span = self.current_span()
        if span is None:
            self.action_article_note()
            return
        quoted = one_line(self.article.text[span.start : span.end], 8)

        def saved(note: str | None) -> None:
            if note is not None:
                self._commit(lambda: self.session.set_note(span.id, sanitize(note)))

        open_dialog(self.app, NotePrompt(f"Note on {span.label} {quoted}", span.note), saved)

    def action_article_note(self) -> None:
        def saved(note: str | None) -> None:
            if note is not None:
                self._commit(lambda: self.session.set_article_note(sanitize(note)))

        note = self.state.note if self.state else ""
        open_dialog(self.app, NotePrompt("Note on the article", note), saved)

    def action_mark_done(self) -> None:
        """Done (again: not done). With suggestions still pending, ask what becomes of them
        first: done vouches for the whole article."""
        done = not (self.state.done if self.state else False)
        pending = self.queue.left
        if not done or not pending:
            self._commit(lambda: self.session.mark_done(done))
            return

        def chosen(choice: str | None) -> None:
            if choice is None:
                self.status.hint("Not marked done")
                return
            rest = {"accept": ACCEPTED, "reject": REJECTED}.get(choice)
            self._commit(lambda: self.session.mark_done(True, rest))

        open_dialog(self.app, DonePrompt(pending), chosen)

    # Actions: undo, redo.

    def action_undo(self) -> None:
        self._undo_redo(undo=True)

    def action_redo(self) -> None:
        self._undo_redo(undo=False)

    def _undo_redo(self, undo: bool) -> None:
        def done(action: Action | None) -> None:
            if action is None:
                self.status.hint("Nothing to undo" if undo else "Nothing to redo")
                return
            touched = [i for i in action.spans if i in self.spans]
            if touched:
                self._go_to(touched[0])

        self._commit(lambda: self.session.undo() if undo else self.session.redo(), done)

    # Moving about.

    def show_article(self, index: int) -> None:
        self.item = None
        self._shown_rows.clear()
        self.relabelling = False
        super().show_article(index)

    def action_leave(self) -> None:
        if self.pushed:
            self.dismiss()

    def action_review(self) -> None:
        from tui.screens.review import NOT_A_REVIEWER, ReviewScreen, may_review, review_pair

        if not may_review():
            self.status.hint(NOT_A_REVIEWER)
            return
        try:
            pair = review_pair(self.store, self.session)
        except BylineError as error:
            self.notify(str(error), severity="error")
            return
        if pair is None:
            self.status.hint("Nobody else has annotated this article: nothing to review")
            return
        self.app.push_screen(
            ReviewScreen(self.store, self.session, *pair), lambda _: self._refresh()
        )

    # Messages up from the widgets.

    def jump_to(self, start: int, end: int) -> None:
        """Enter on a side-panel row: that span becomes the current one."""
        tab = self.panel.active
        for span_id in self.row_ids.get(tab, []):
            span = self.spans.get(span_id)
            if span is not None and (span.start, span.end) == (start, end):
                self._go_to(span_id)
                break
        self.view.focus()

    @on(OptionList.OptionHighlighted)
    def _row_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        span_list = event.option_list
        if not isinstance(span_list, SpanList) or not span_list.has_focus:
            return  # moved by the screen, not by the annotator
        event.stop()
        ids = self.row_ids.get(self.panel.active, [])
        if 0 <= event.option_index < len(ids) and ids[event.option_index] != self.item:
            self.item = ids[event.option_index]
            span = self.spans[self.item]
            self.view.place_cursor(span.start)
            self.view.set_mark(span.start, span.end)

    @on(CursorMoved)
    def _list_moved(self, message: CursorMoved) -> None:
        """The reader drops the mark here; in annotation mode the mark is the current span."""
        message.stop()
        message.prevent_default()

    def key_sections(self) -> KeySections:
        mine = [b for b in self.BINDINGS if isinstance(b, Binding)]
        taken = {key for b in mine for key in b.key.split(",")}
        reading = [
            b
            for b in ReaderScreen.BINDINGS
            if isinstance(b, Binding) and not taken & set(b.key.split(","))
        ]
        return [
            ("Annotation", mine),
            (
                "Cursor and selection",
                [b for b in AnnotationView.BINDINGS if isinstance(b, Binding)],
            ),
            ("Reading", [*reading, Binding("ctrl+p", "command_palette", "Command palette")]),
            *super().key_sections()[2:],
        ]
