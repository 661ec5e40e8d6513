"""Reviewing (`R` in annotation mode): where two annotators disagree on an article, and a pick.

The reviewer is an annotator too: taking a side writes into the reviewer's own session
(the store's `take_side`, one action: a copy of that side's span, or, when that side has no span
there, the reviewer's copy of the other side's removed). The comparison comes from `compare`.

Review shows other annotators' spans, so it is not for everyone: in a served session (`byline
serve`, where the user cannot open the library file) only the users named by `--reviewers` may
review, and other annotators never see each other's work; on your own machine (the library is
your file anyway) `R` always works.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.errors import BylineError
from tui.safe_text import one_line
from tui.store.annotations import Annotations, Disagreement, Session, Span, compare, take_side

#: Shown when a served annotator who is not a reviewer presses `R`.
NOT_A_REVIEWER = "Review is for reviewers: annotators here do not see each other's annotations"


def may_review() -> bool:
    """This user may see other annotators' spans: on their own machine, or a served reviewer."""
    import os

    from tui.serve import REVIEWER_ENV, served

    return not served() or os.environ.get(REVIEWER_ENV) == "1"


def review_pair(store: Annotations, session: Session) -> tuple[str, str] | None:
    """Whom to compare: the reviewer and the first other annotator of the article, or, when the
    reviewer has accepted nothing there, the first two others. None: nobody to compare."""
    others = [
        name
        for name in store.annotators()
        if name != session.annotator and store.session(session.article, name).exists
    ]
    mine = any(span.decided for span in session.spans())
    if mine and others:
        return session.annotator, others[0]
    if len(others) >= 2:
        return others[0], others[1]
    return None


def describe(span: Span | None, text: str) -> str:
    if span is None:
        return "—"
    who = f" ({one_line(span.speaker)})" if span.speaker else ""
    return f"{span.label}{who} {one_line(text[span.start : span.end], 8)}"


class ReviewScreen(ModalScreen[None]):
    """The disagreements between annotators `a` and `b`; `a`/`b` take that side's span."""

    BINDINGS = [
        Binding("a", "take('a')", "Take left"),
        Binding("b", "take('b')", "Take right"),
        Binding("escape", "dismiss(None)", "Back"),
    ]

    def __init__(self, store: Annotations, reviewer: Session, a: str, b: str) -> None:
        super().__init__()
        self.store = store
        self.reviewer = reviewer
        self.a, self.b = a, b
        self.disagreements: list[Disagreement] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="review-body", classes="annotation-dialog"):
            yield Static(id="review-title", classes="dialog-title")
            yield OptionList(id="review-list", markup=False)
            yield Static(
                Content(
                    f"a takes {one_line(self.a)}'s side, b takes "
                    f"{one_line(self.b)}'s, into {one_line(self.reviewer.annotator)}"
                    "'s annotations · escape goes back"
                ),
                classes="dialog-hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self._load()
        self.query_one(OptionList).focus()

    def _load(self) -> None:
        text = self.reviewer.article.text
        self.disagreements = compare(self.store, self.reviewer.article, self.a, self.b)
        title = self.query_one("#review-title", Static)
        count = len(self.disagreements)
        title.update(
            Content(
                f"{one_line(self.a)} | {one_line(self.b)}: {count} disagreement"
                f"{'s' if count != 1 else ''}"
            )
        )
        options = self.query_one(OptionList)
        highlighted = options.highlighted or 0
        options.clear_options()
        if not self.disagreements:
            options.add_option(Option(Content("They agree on every accepted span"), disabled=True))
            return
        options.add_options(
            Option(Content(f"{d.reason}: {describe(d.a, text)} | {describe(d.b, text)}"))
            for d in self.disagreements
        )
        options.highlighted = min(highlighted, len(self.disagreements) - 1)

    def action_take(self, side: str) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.disagreements):
            return
        try:
            action = take_side(self.reviewer, self.disagreements[index], side)
        except BylineError as error:
            self.notify(str(error), severity="error")
            return
        if action is not None:
            self.notify(f"saved #{action.seq} {one_line(action.summary)}", timeout=3)
        self._load()
