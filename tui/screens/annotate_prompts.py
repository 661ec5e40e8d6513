"""The small dialogs of annotation mode: the speaker/source picker (`s`), the note (`N`) and
the question before marking done (`m`). Each is a `ModalScreen` that returns its answer to the
callback given to `open_dialog`; keys typed while one opens wait for it (`tui.key_gate`), so
`s` and a name typed in one burst filter the picker.

Candidates are the article's entities, nearest to the span first; typing filters them fuzzily
(rapidfuzz), and what was typed can always be taken as a new name. Names come from the article,
so every row is plain `Content` of one-line, sanitised text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, utils
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.key_gate import KeyGateApp
from tui.model import Analysis
from tui.safe_text import one_line, sanitize
from tui.store.annotations import REJECTED, Span

#: Entity labels that can speak or be a source.
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC"})
#: Candidates shown at most.
SHOWN = 12
#: A fuzzy match must score at least this (0-100) to be listed.
MIN_SCORE = 60


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name to pick, with the mention of it nearest to the span (None: a typed name)."""

    name: str
    label: str
    start: int | None = None
    end: int | None = None
    distance: int = 0


def speaker_candidates(
    text: str, target: Span, spans: Sequence[Span], analysis: Analysis | None
) -> list[Candidate]:
    """The article's entities that could have said `target` (or be its source), each once
    under its canonical name with its mention nearest to the span, nearest first. Mentions
    inside the span come after all those outside it."""
    mentions: list[tuple[str, str, int, int]] = []
    if analysis is not None:
        for group in analysis.groups:
            if group.label in SPEAKER_LABELS:
                mentions += [(group.name, group.label, s, e) for s, e in group.mentions]
    for span in spans:
        if span.kind == "entity" and span.status != REJECTED and span.label in SPEAKER_LABELS:
            mentions.append((text[span.start : span.end], span.label, span.start, span.end))
        elif span.speaker and span.speaker_start is not None and span.speaker_end is not None:
            mentions.append((span.speaker, "", span.speaker_start, span.speaker_end))
    best: dict[str, Candidate] = {}
    for name, label, start, end in mentions:
        name = one_line(name)
        if not name:
            continue
        if end <= target.start:
            distance = target.start - end
        elif start >= target.end:
            distance = start - target.end
        else:
            distance = len(text) + start
        known = best.get(name.lower())
        if known is None or distance < known.distance:
            best[name.lower()] = Candidate(
                name, label or (known.label if known else ""), start, end, distance
            )
    return sorted(best.values(), key=lambda c: (c.distance, c.name))


def rank(query: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates matching `query`: a word starting with it first, then fuzzy matches; nearest
    first among equals. An empty query keeps them all, nearest first."""
    query = query.strip()
    if not query:
        return list(candidates)
    folded = query.casefold()
    scored = []
    for candidate in candidates:
        name = candidate.name.casefold()
        words = name.replace("-", " ").split()
        if name.startswith(folded) or any(word.startswith(folded) for word in words):
            score = 200.0 - (0 if name.startswith(folded) else 1)
        else:
            score = fuzz.WRatio(query, candidate.name, processor=utils.default_process)
        if score >= MIN_SCORE:
            scored.append((score, candidate))
    scored.sort(key=lambda pair: (-pair[0], pair[1].distance))
    return [candidate for _, candidate in scored]


Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer | None]):
    """A dialog that takes the keys typed while it opened: `open_dialog` holds them from the
    moment it is pushed until it has mounted and focused what takes them (its input)."""

    @property
    def opening(self) -> str:
        """Why keys are held while this dialog opens (see tui.key_gate)."""
        return f"dialog opening {id(self)}"

    @on(events.Mount)
    def _keys_once_focused(self) -> None:
        # After the subclass's own on_mount, whose focus() is a call on the app's queue: this
        # one comes after it. Before the dialog is painted, so keys typed once it shows are
        # not held (held keys are replayed one at a time: a pasted note would crawl).
        self.app.call_later(self._take_keys)

    def on_unmount(self) -> None:
        self._take_keys()  # (dismissed before it was shown)

    def _take_keys(self) -> None:
        if isinstance(self.app, KeyGateApp):
            self.app.release_keys(self.opening)


def open_dialog(
    app: App[object], dialog: Dialog[Answer], then: Callable[[Answer | None], None]
) -> None:
    """Show `dialog` over the screen; `then(answer)` once it is dismissed (None: cancelled)."""
    if isinstance(app, KeyGateApp):
        app.hold_keys(dialog.opening)
    app.push_screen(dialog, then)


class SpeakerPicker(Dialog[Candidate]):
    """Pick a speaker or source: type to filter, up/down to move, Enter to take it."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", show=True),
        Binding("down", "move(1)", "Next", show=False, priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
    ]

    def __init__(self, role: str, current: str | None, candidates: list[Candidate]) -> None:
        super().__init__()
        self.role = role
        self.current = current
        self.candidates = candidates
        self.shown: list[Candidate] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body", classes="annotation-dialog"):
            now = one_line(self.current or "") or "none"
            yield Static(Content(f"{self.role.capitalize()} (now: {now})"), classes="dialog-title")
            yield Input(placeholder="type a name…", id="picker-input")
            yield OptionList(id="picker-list", markup=False)
            yield Static(
                Content("Enter takes it · a name not listed is kept as typed · escape cancels"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self._filter("")
        self.query_one(Input).focus()

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        self.shown = rank(query, self.candidates)[:SHOWN]
        typed = one_line(query)
        if typed and not any(c.name.casefold() == typed.casefold() for c in self.shown):
            self.shown.append(Candidate(typed, "new name"))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(Content.assemble(c.name, ("  " + c.label) if c.label else ""))
            for c in self.shown
        )
        if self.shown:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            options.highlighted = ((options.highlighted or 0) + step) % len(self.shown)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.query_one(OptionList).highlighted
        if self.shown and index is not None:
            self.dismiss(self.shown[index])


class NotePrompt(Dialog[str]):
    """A free-text note: Enter saves it (empty removes it), escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", show=True)]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title_text = title
        self.note = sanitize(note)  # (a library written before notes were sanitised on entry)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-body", classes="annotation-dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(value=self.note, placeholder="a note…", id="note-input")
            yield Static(
                Content("Enter saves (empty removes the note) · escape cancels"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#note-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())


#: What `DonePrompt` returns for each key: accept the rest, reject the rest, leave them.
DONE_CHOICES = {"a": "accept", "r": "reject", "l": "leave"}


class DonePrompt(Dialog[str]):
    """`m` with suggestions still pending: marking the article done vouches for all of it, so
    say how many are left and ask what becomes of them, one key each."""

    BINDINGS = [
        Binding("a", "choose('a')", "Accept the rest"),
        Binding("r", "choose('r')", "Reject the rest"),
        Binding("l", "choose('l')", "Leave them undecided"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, pending: int) -> None:
        super().__init__()
        self.pending = pending

    def compose(self) -> ComposeResult:
        many = self.pending != 1
        with Vertical(id="done-body", classes="annotation-dialog"):
            yield Static(
                Content(
                    f"Mark done? {self.pending} suggestion{'s' if many else ''} "
                    f"{'are' if many else 'is'} still pending"
                ),
                classes="dialog-title",
            )
            yield Static(
                Content(
                    "Done says the article is complete: training takes every token outside "
                    "an accepted span as not an entity."
                )
            )
            yield Static(Content("a  accept the rest, then mark done"))
            yield Static(Content("r  reject the rest, then mark done"))
            yield Static(Content("l  leave them undecided, mark done"))
            yield Static(Content("escape  cancel: not marked done"), classes="dialog-hint")

    def action_choose(self, key: str) -> None:
        self.dismiss(DONE_CHOICES[key])
