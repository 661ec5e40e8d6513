"""The span and action model of annotation sessions: what a session holds and returns.

A `Span` is character offsets into `Article.text`, a label (entity labels, or `QUOTE` and
`CLAIM`), a status (`pending` machine suggestion, `accepted`, `rejected`), an origin (`machine`
or `annotator`), for quotes and claims a speaker/source name with the offsets of a mention of it
(optional), and a note. An `Action` is one committed entry of the log; `State` a session's whole
current state. Plain values: nothing here reads or writes the database.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from tui.errors import BylineError
from tui.model import Analysis
from tui.safe_text import one_line, shown

QUOTE = "QUOTE"
CLAIM = "CLAIM"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATUSES = (PENDING, ACCEPTED, REJECTED)
MACHINE, ANNOTATOR = "machine", "annotator"
ORIGINS = (MACHINE, ANNOTATOR)
#: Actions that undo cannot take back: adding the machine's suggestions.
NOT_UNDOABLE = frozenset({"suggest", "undo", "redo"})
SPAN_FIELDS = (
    "label",
    "start",
    "end",
    "status",
    "origin",
    "speaker",
    "speaker_start",
    "speaker_end",
    "note",
)


def default_annotator() -> str:
    """The OS user's name (the annotator when none is given)."""
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "annotator"


@dataclass(frozen=True, slots=True)
class Span:
    """One annotated span of an article; `start`/`end` are character offsets into its text."""

    id: int
    label: str
    start: int
    end: int
    status: str = ACCEPTED
    origin: str = ANNOTATOR
    #: A quote's speaker or a claim's source (a name), with the offsets of a mention of it.
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    note: str = ""

    @property
    def kind(self) -> str:
        """ "quote", "claim" or "entity"."""
        return {QUOTE: "quote", CLAIM: "claim"}.get(self.label, "entity")

    @property
    def decided(self) -> bool:
        return self.status != PENDING

    def fields(self) -> dict[str, Any]:
        """Everything but the id: what the log records before and after a change."""
        return {name: getattr(self, name) for name in SPAN_FIELDS}


@dataclass(frozen=True, slots=True)
class Progress:
    pending: int = 0
    accepted: int = 0
    rejected: int = 0
    done: bool = False

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected


@dataclass(frozen=True, slots=True)
class Action:
    """One committed entry of the log."""

    seq: int
    kind: str
    time: str
    summary: str
    #: Ids of the spans it changed (for undo/redo: those of the action undone or redone).
    spans: tuple[int, ...] = ()
    #: For undo and redo: the sequence number of the action undone or redone.
    target: int | None = None


@dataclass(frozen=True, slots=True)
class State:
    """A session's whole current state, read in one go."""

    spans: list[Span]
    note: str
    done: bool
    seq: int
    suggested: bool
    can_undo: bool
    can_redo: bool

    @property
    def progress(self) -> Progress:
        return progress_of(self.spans, self.done)


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One (article, annotator) pair that has a session, for listings and export."""

    hash: str
    annotator: str
    seq: int
    done: bool
    note: str
    updated: str
    pending: int
    accepted: int
    rejected: int


def progress_of(spans: Iterable[Span], done: bool) -> Progress:
    counts = {PENDING: 0, ACCEPTED: 0, REJECTED: 0}
    for span in spans:
        counts[span.status] += 1
    return Progress(counts[PENDING], counts[ACCEPTED], counts[REJECTED], done)


def suggestions(analysis: Analysis) -> list[Span]:
    """The machine's suggestions in an analysis, as pending spans numbered from 1 in text
    order: its entity mentions, its quotes (not scare-quoted terms) with speakers, its claims
    with sources."""
    found: list[Span] = []
    seen: set[tuple[str, int, int]] = set()

    def add(label: str, start: int, end: int, *speaker: Any) -> None:
        if (label, start, end) in seen or start >= end:
            return
        seen.add((label, start, end))
        name, s_start, s_end = speaker or (None, None, None)
        if not name:
            name = None
        if name is None or s_start is None or s_end is None:
            s_start = s_end = None
        found.append(Span(0, label, start, end, PENDING, MACHINE, name, s_start, s_end))

    for mention in analysis.entities:
        add(mention.label, mention.start, mention.end)
    for quote in analysis.quotes:
        if quote.kind == "quote":
            add(
                QUOTE, quote.start, quote.end, quote.speaker, quote.speaker_start, quote.speaker_end
            )
    for claim in analysis.claims:
        add(CLAIM, claim.start, claim.end, claim.source, claim.source_start, claim.source_end)
    found.sort(key=lambda s: (s.start, -s.end, s.label))
    return [replace(span, id=number) for number, span in enumerate(found, 1)]


def check_annotator(name: str) -> str:
    """An annotator's name as stored: one line, sanitised like article text (a name comes from
    outside: the command line, $BYLINE_ANNOTATOR, an SSH login, an imported file)."""
    clean = one_line(name)
    if not clean:
        raise BylineError(f"'{shown(name)}' cannot be an annotator name")
    return clean
