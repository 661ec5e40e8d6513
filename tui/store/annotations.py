"""Annotation sessions: spans an annotator accepts, rejects, creates and edits, never lost.

Everything is per (article, annotator): two annotators of one library never see each other's
work (`compare` shows where they differ). Every action is one SQLite transaction, committed
before the call returns: when a method returns, the action is on disk (WAL) and survives the
process being killed. Nothing here imports Textual.

How it is stored (schema in `tui.store.db`, migration "Annotation sessions"):

- `annotation_log`: the append-only log, one row per action with a sequence number (1, 2, ...
  per article and annotator), its kind, the time and JSON data: for an edit, every span it
  touched before and after (and the article's note/done before and after); for an undo or a
  redo, the action it undid or redid. Undo and redo are actions too, so the log is the whole
  history and is never rewritten.
- `annotation_spans`, `annotation_sessions`, `annotation_stack`: the current spans, the
  article's note/done flag and the undo/redo stacks, updated in the same transaction as the
  log row. They are what the log leads to (`Session.check` replays the log and compares), so
  opening a session reads them and never replays anything.

Using it (the annotation screen's API)::

    store = Annotations(library)                    # shares the Library's connection and lock
    session = store.session(article, "ana")         # Article or library id; None: the OS user
    session.suggest(analysis)                       # once: the analysis as *pending* spans
    state = session.state()                         # spans, note, done, progress, can_undo ...
    action = session.accept(span_id)                # or reject / reset (back to pending)
    action = session.create("PERSON", 10, 17)       # action.spans[0] is the new span's id
    session.move(span_id, start=11)                 # nudge boundaries (characters)
    session.relabel(span_id, "ORG"); session.delete(span_id)
    session.set_speaker(quote_id, "Jane Doe", 120, 128)   # or no offsets: a typed name
    session.set_note(span_id, "text"); session.set_article_note("text")
    session.mark_done(True)
    session.undo(); session.redo()                  # unlimited, and they survive a restart

Each editing method returns the committed `Action` (its `summary` is a short phrase for the
status bar), or None when nothing would change (nothing is written then). Invalid input (no
such span, offsets outside the text, an empty label) raises `BylineError` and writes nothing.
Spans are `Span`: character offsets into `Article.text`, a label (entity labels, or `QUOTE`
and `CLAIM`), a status (`pending` machine suggestion, `accepted`, `rejected`), an origin
(`machine` or `annotator`), for quotes and claims a speaker/source name with the offsets of a
mention of it (optional), and a note. Editing a pending suggestion (move, relabel, speaker)
accepts it: the edit is the annotator's decision.

Reviewing: `compare(store, article, a, b)` lists where two annotators' accepted spans differ;
a reviewer (an annotator too) takes a side with `Session.adopt(span)`.

The entity index (`tui.store.index`) takes an article marked done from the annotations of the
last annotator to mark it so: an action that sets or removes a done mark, or changes the
accepted spans the index takes, re-indexes the article in the action's own transaction
(measured on the seed article, 108 spans: about 3 ms more for such an action; others, as
before, nothing more).
"""

from __future__ import annotations

import getpass
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tui.errors import BylineError
from tui.model import Analysis, Article
from tui.safe_text import one_line, sanitize, shown
from tui.store import index
from tui.store.library import Library

QUOTE = "QUOTE"
CLAIM = "CLAIM"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATUSES = (PENDING, ACCEPTED, REJECTED)
MACHINE, ANNOTATOR = "machine", "annotator"
ORIGINS = (MACHINE, ANNOTATOR)
#: Actions that undo cannot take back: adding the machine's suggestions.
NOT_UNDOABLE = frozenset({"suggest", "undo", "redo"})
_LABEL = re.compile(r"\S+")
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
        return _progress(self.spans, self.done)


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


@dataclass(slots=True)
class _Change:
    """What one action does, built before it is written."""

    kind: str
    summary: str
    spans: dict[int, tuple[dict[str, Any] | None, dict[str, Any] | None]] = field(
        default_factory=dict
    )
    session: tuple[dict[str, Any], dict[str, Any]] | None = None
    next_id: int = 0

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "summary": self.summary,
            "spans": [[i, before, after] for i, (before, after) in self.spans.items()],
        }
        if self.session is not None:
            data["session"] = list(self.session)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _progress(spans: Iterable[Span], done: bool) -> Progress:
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


class Annotations:
    """The annotation store of a library. Safe to share between threads (the Library's lock).

    `durable` (the default) makes the library's connection sync the WAL to disk at every
    commit (`PRAGMA synchronous=FULL`; measured: median 0.4 ms an action, 95th percentile
    4 ms, against 0.1 ms without): a committed action then survives a power cut too, not only
    a killed process."""

    def __init__(self, library: Library, durable: bool = True) -> None:
        self.library = library
        if durable:
            with library.reading() as db:
                db.execute("PRAGMA synchronous=FULL")

    def session(self, article: Article | int, annotator: str | None = None) -> Session:
        """The session of `annotator` (default: the OS user) on an article (an `Article`, added
        to the library if it is not there, or a library id). Nothing else is written until
        the first action."""
        if isinstance(article, int):
            article = self.library.get(article)
        else:
            with self.library.reading() as db:
                there = db.execute(
                    "SELECT 1 FROM articles WHERE hash = ?", (article.content_hash,)
                ).fetchone()
            if there is None:
                self.library.add_one(article)
        return Session(self, article, check_annotator(annotator or default_annotator()))

    def sessions(self, annotator: str | None = None, done: bool | None = None) -> list[SessionInfo]:
        """Every session (of one annotator, or only those done or not), by article then name."""
        conditions, parameters = ["1"], []
        if annotator is not None:
            conditions.append("s.annotator = ?")
            parameters.append(annotator)
        if done is not None:
            conditions.append("s.done = ?")
            parameters.append(int(done))
        with self.library.reading() as db:
            rows = db.execute(
                "SELECT s.article, s.annotator, s.seq, s.done, s.note, s.updated, "
                "count(CASE WHEN p.status = 'pending' THEN 1 END), "
                "count(CASE WHEN p.status = 'accepted' THEN 1 END), "
                "count(CASE WHEN p.status = 'rejected' THEN 1 END) "
                "FROM annotation_sessions s LEFT JOIN annotation_spans p "
                "ON p.article = s.article AND p.annotator = s.annotator "
                f"WHERE {' AND '.join(conditions)} GROUP BY s.article, s.annotator "
                "ORDER BY (SELECT id FROM articles a WHERE a.hash = s.article), s.annotator",
                parameters,
            ).fetchall()
        return [SessionInfo(r[0], r[1], r[2], bool(r[3]), *r[4:]) for r in rows]

    def annotators(self) -> list[str]:
        with self.library.reading() as db:
            rows = db.execute(
                "SELECT DISTINCT annotator FROM annotation_sessions ORDER BY annotator"
            ).fetchall()
        return [row[0] for row in rows]


def check_annotator(name: str) -> str:
    """An annotator's name as stored: one line, sanitised like article text (a name comes from
    outside: the command line, $BYLINE_ANNOTATOR, an SSH login, an imported file)."""
    clean = one_line(name)
    if not clean:
        raise BylineError(f"'{shown(name)}' cannot be an annotator name")
    return clean


class Session:
    """One annotator's annotations of one article. Every editing method is one committed
    transaction (see the module docstring); reading methods read the current state."""

    def __init__(self, store: Annotations, article: Article, annotator: str) -> None:
        self.store = store
        self.article = article
        self.annotator = annotator
        self.hash = article.content_hash
        self._key = (self.hash, annotator)

    def __repr__(self) -> str:
        return f"Session({self.article.title or self.hash[:12]!r}, {self.annotator!r})"

    # Reading.

    def state(self) -> State:
        with self.store.library.reading() as db:
            row = self._session_row(db)
            spans = self._spans(db)
            stacks = {
                name
                for (name,) in db.execute(
                    "SELECT DISTINCT stack FROM annotation_stack "
                    "WHERE article = ? AND annotator = ?",
                    self._key,
                )
            }
        seq, _, suggested, done, note = row or (0, 1, 0, 0, "")
        return State(
            spans, note, bool(done), seq, bool(suggested), "undo" in stacks, "redo" in stacks
        )

    def spans(self, kind: str | None = None) -> list[Span]:
        """The current spans in text order (only quotes, claims or entities with `kind`)."""
        with self.store.library.reading() as db:
            spans = self._spans(db)
        return spans if kind is None else [s for s in spans if s.kind == kind]

    def span(self, span_id: int) -> Span:
        with self.store.library.reading() as db:
            return self._span(db, span_id)

    def progress(self) -> Progress:
        return self.state().progress

    @property
    def exists(self) -> bool:
        """Whether anything was ever recorded for this article and annotator."""
        with self.store.library.reading() as db:
            return self._session_row(db) is not None

    def history(self) -> list[Action]:
        """Every action, oldest first."""
        with self.store.library.reading() as db:
            rows = db.execute(
                "SELECT seq, kind, time, data FROM annotation_log "
                "WHERE article = ? AND annotator = ? ORDER BY seq",
                self._key,
            ).fetchall()
        actions: dict[int, Action] = {}
        for seq, kind, time, data in rows:
            actions[seq] = _action(seq, kind, time, json.loads(data), actions)
        return list(actions.values())

    # Editing: the machine's suggestions.

    def suggest(self, analysis: Analysis | Sequence[Span]) -> Action | None:
        """Add the machine's suggestions (an Analysis, or spans) as pending spans, once per
        session: later calls do nothing (the first analysis stays the reference). Not undone
        by undo."""

        def build(db: sqlite3.Connection, change: _Change, suggested: bool) -> None:
            if suggested:
                return
            spans = suggestions(analysis) if isinstance(analysis, Analysis) else analysis
            for span in spans:
                self._check_offsets(span.label, span.start, span.end)
                after = replace(span, status=PENDING, origin=MACHINE).fields()
                change.spans[change.next_id] = (None, after)
                change.next_id += 1
            change.summary = f"{len(spans)} suggestion{'s' if len(spans) != 1 else ''}"

        return self._act("suggest", build, always=True)

    # Editing: decisions.

    def accept(self, *span_ids: int) -> Action | None:
        return self._set_status(ACCEPTED, span_ids)

    def reject(self, *span_ids: int) -> Action | None:
        return self._set_status(REJECTED, span_ids)

    def reset(self, *span_ids: int) -> Action | None:
        """Back to pending (only a machine suggestion can be pending)."""
        return self._set_status(PENDING, span_ids)

    def accept_pending(self, kind: str | None = None) -> Action | None:
        """Accept every pending span (of one kind) in one action (one undo step)."""
        ids = [s.id for s in self.spans(kind) if s.status == PENDING]
        return self._set_status(ACCEPTED, ids) if ids else None

    def _set_status(self, status: str, span_ids: Iterable[int]) -> Action | None:
        ids = list(span_ids)
        verb = {ACCEPTED: "accepted", REJECTED: "rejected", PENDING: "reset"}[status]
        kind = {ACCEPTED: "accept", REJECTED: "reject", PENDING: "reset"}[status]

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            for span_id in ids:
                span = self._span(db, span_id)
                if status == PENDING and span.origin != MACHINE:
                    raise BylineError(
                        f"span {span_id} is the annotator's own: it cannot be pending"
                    )
                self._change(change, span, replace(span, status=status))
            change.summary = _summary(verb, change)

        return self._act(kind, build)

    # Editing: spans.

    def create(
        self,
        label: str,
        start: int,
        end: int,
        speaker: str | None = None,
        speaker_start: int | None = None,
        speaker_end: int | None = None,
        note: str = "",
    ) -> Action | None:
        """A new span of the annotator's (accepted); `action.spans[0]` is its id."""
        label = self._check_label(label)
        note = sanitize(note)
        self._check_offsets(label, start, end)
        speaker, speaker_start, speaker_end = self._check_speaker(
            label, speaker, speaker_start, speaker_end
        )

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            span = Span(
                change.next_id,
                label,
                start,
                end,
                ACCEPTED,
                ANNOTATOR,
                speaker,
                speaker_start,
                speaker_end,
                note,
            )
            self._check_unique(db, span)
            change.spans[span.id] = (None, span.fields())
            change.next_id += 1
            change.summary = f"created {label} {self._quoted(start, end)}"

        return self._act("create", build)

    def move(self, span_id: int, start: int | None = None, end: int | None = None) -> Action | None:
        """New boundaries (either or both); a pending suggestion becomes accepted."""

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            span = self._span(db, span_id)
            new = replace(
                span,
                start=span.start if start is None else start,
                end=span.end if end is None else end,
            )
            self._check_offsets(new.label, new.start, new.end)
            self._check_unique(db, new)
            self._change(change, span, _decided(new))
            change.summary = f"moved {span.label} to {self._quoted(new.start, new.end)}"

        return self._act("move", build)

    def relabel(self, span_id: int, label: str) -> Action | None:
        """A new label; a span relabelled from quote/claim to an entity loses its speaker."""
        label = self._check_label(label)

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            span = self._span(db, span_id)
            new = replace(span, label=label)
            if new.kind == "entity":
                new = replace(new, speaker=None, speaker_start=None, speaker_end=None)
            self._check_unique(db, new)
            self._change(change, span, _decided(new))
            change.summary = f"relabelled {span.label} as {label}"

        return self._act("relabel", build)

    def delete(self, *span_ids: int) -> Action | None:
        """Remove spans (to keep a record that a suggestion was wrong, reject it instead)."""

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            for span_id in span_ids:
                span = self._span(db, span_id)
                change.spans[span.id] = (span.fields(), None)
            change.summary = _summary("deleted", change)

        return self._act("delete", build)

    def set_speaker(
        self,
        span_id: int,
        name: str | None,
        start: int | None = None,
        end: int | None = None,
    ) -> Action | None:
        """A quote's speaker or a claim's source: a name (an entity's, or typed), with the
        offsets of a mention of it when there is one; None clears it."""

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            span = self._span(db, span_id)
            who, who_start, who_end = self._check_speaker(span.label, name, start, end)
            new = replace(span, speaker=who, speaker_start=who_start, speaker_end=who_end)
            self._change(change, span, _decided(new))
            role = "speaker" if span.kind == "quote" else "source"
            change.summary = f"{role}: {who}" if who else f"{role} cleared"

        return self._act("speaker", build)

    def set_note(self, span_id: int, note: str) -> Action | None:
        note = sanitize(note)

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            span = self._span(db, span_id)
            self._change(change, span, replace(span, note=note))
            change.summary = "note saved" if note else "note removed"

        return self._act("note", build)

    # Editing: the article.

    def set_article_note(self, note: str) -> Action | None:
        note = sanitize(note)
        summary = "article note saved" if note else "article note removed"
        return self._set_session("article-note", "note", note, summary)

    def mark_done(self, done: bool = True, rest: str | None = None) -> Action | None:
        """Mark the article done (or not). `rest` (ACCEPTED or REJECTED): the suggestions still
        pending get that status too, in the same action (one undo step)."""
        if rest is None or not done:
            summary = "marked done" if done else "marked not done"
            return self._set_session("done", "done", done, summary)
        if rest not in (ACCEPTED, REJECTED):
            raise BylineError(f"the rest can be accepted or rejected, not '{shown(str(rest))}'")

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            for span in self._spans(db):
                if span.status == PENDING:
                    self._change(change, span, replace(span, status=rest))
            row = self._session_row(db)
            before = {"done": bool(row[3]), "note": row[4]} if row else {"done": False, "note": ""}
            if not before["done"]:
                change.session = (before, {**before, "done": True})
            count = len(change.spans)
            change.summary = f"marked done, {rest} {count} pending span{'s' if count != 1 else ''}"

        return self._act("done", build)

    def _set_session(self, kind: str, name: str, value: Any, summary: str) -> Action | None:
        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            row = self._session_row(db)
            before = {"done": bool(row[3]), "note": row[4]} if row else {"done": False, "note": ""}
            after = {**before, name: value}
            if after != before:
                change.session = (before, after)
            change.summary = summary

        return self._act(kind, build)

    def replace_all(
        self, spans: Sequence[Span], note: str | None = None, done: bool | None = None
    ) -> Action | None:
        """Make the spans (ids ignored), and the note and done flag when given, exactly these:
        one undoable action (importing annotations uses it)."""
        checked = []
        for span in spans:
            self._check_label(span.label)
            self._check_offsets(span.label, span.start, span.end)
            speaker = self._check_speaker(
                span.label, span.speaker, span.speaker_start, span.speaker_end
            )[0]
            if span.status not in STATUSES or span.origin not in ORIGINS:
                raise BylineError(f"span {span.start}-{span.end}: unknown status or origin")
            checked.append(replace(span, speaker=speaker, note=sanitize(span.note)))
        spans = checked
        note = None if note is None else sanitize(note)

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            current = self._spans(db)
            wanted = [s.fields() for s in spans]
            kept: set[int] = set()
            for fields in wanted:  # unchanged spans keep their ids
                match = next(
                    (s for s in current if s.id not in kept and s.fields() == fields), None
                )
                if match is not None:
                    kept.add(match.id)
                    continue
                change.spans[change.next_id] = (None, fields)
                change.next_id += 1
            for span in current:
                if span.id not in kept:
                    change.spans[span.id] = (span.fields(), None)
            row = self._session_row(db)
            before = {"done": bool(row[3]), "note": row[4]} if row else {"done": False, "note": ""}
            after = dict(before)
            if note is not None:
                after["note"] = note
            if done is not None:
                after["done"] = done
            if after != before:
                change.session = (before, after)
            change.summary = f"replaced with {len(spans)} span{'s' if len(spans) != 1 else ''}"

        return self._act("replace", build)

    def adopt(self, span: Span, replace_overlapping: bool = True) -> Action | None:
        """Take another annotator's span (reviewing): a copy of it, accepted, as this
        annotator's own; spans of the same kind that overlap it are removed first."""

        def build(db: sqlite3.Connection, change: _Change, _: bool) -> None:
            if replace_overlapping:
                for mine in self._spans(db):
                    if mine.kind == span.kind and mine.start < span.end and span.start < mine.end:
                        change.spans[mine.id] = (mine.fields(), None)
            new = Span(
                change.next_id,
                span.label,
                span.start,
                span.end,
                ACCEPTED,
                ANNOTATOR,
                span.speaker,
                span.speaker_start,
                span.speaker_end,
                span.note,
            )
            self._check_offsets(new.label, new.start, new.end)
            change.spans[new.id] = (None, new.fields())
            change.next_id += 1
            change.summary = f"adopted {span.label} {self._quoted(span.start, span.end)}"

        return self._act("adopt", build)

    # Undo and redo.

    def undo(self) -> Action | None:
        """Take back the last action still in effect (None when there is none)."""
        return self._undo_redo("undo")

    def redo(self) -> Action | None:
        """Do again the last action undone, unless something new was done since."""
        return self._undo_redo("redo")

    def _undo_redo(self, kind: str) -> Action | None:
        source, other = ("undo", "redo") if kind == "undo" else ("redo", "undo")
        with self.store.library.writing() as db:
            top = db.execute(
                "SELECT depth, seq FROM annotation_stack WHERE article = ? AND annotator = ? "
                "AND stack = ? ORDER BY depth DESC LIMIT 1",
                (*self._key, source),
            ).fetchone()
            if top is None:
                return None
            depth, target = top
            (data,) = db.execute(
                "SELECT data FROM annotation_log WHERE article = ? AND annotator = ? AND seq = ?",
                (*self._key, target),
            ).fetchone()
            data = json.loads(data)
            _apply(db, self._key, data, forward=kind == "redo")
            _follow(db, self._key, data)
            seq = self._session_row(db)[0] + 1
            summary = f"{kind} {data['summary']}"
            payload = json.dumps({"target": target, "summary": summary}, ensure_ascii=False)
            time = self._log(db, seq, kind, payload)
            db.execute(
                "DELETE FROM annotation_stack WHERE article = ? AND annotator = ? AND stack = ? "
                "AND depth = ?",
                (*self._key, source, depth),
            )
            _push(db, self._key, other, target)
            db.execute(
                "UPDATE annotation_sessions SET seq = ?, updated = ? "
                "WHERE article = ? AND annotator = ?",
                (seq, time, *self._key),
            )
        return Action(seq, kind, time, summary, tuple(i for i, _, _ in data["spans"]), target)

    # Checking.

    def check(self) -> None:
        """Replay the log and compare with the stored state; BylineError when they differ
        (they never should: both are written in one transaction)."""
        with self.store.library.reading() as db:
            replayed = replay(db, self.hash, self.annotator)
            row = self._session_row(db)
            stored_spans = {s.id: s.fields() for s in self._spans(db)}
            stacks = {
                name: [
                    seq
                    for (seq,) in db.execute(
                        "SELECT seq FROM annotation_stack WHERE article = ? AND annotator = ? "
                        "AND stack = ? ORDER BY depth",
                        (*self._key, name),
                    )
                ]
                for name in ("undo", "redo")
            }
        if row is None and not replayed.seq:
            return
        stored = (
            row[0],
            stored_spans,
            bool(row[3]),
            row[4],
            bool(row[2]),
            stacks["undo"],
            stacks["redo"],
        )
        derived = (
            replayed.seq,
            replayed.spans,
            replayed.done,
            replayed.note,
            replayed.suggested,
            replayed.undo,
            replayed.redo,
        )
        if stored != derived:
            raise BylineError(
                f"annotations of {self.annotator} on {self.hash[:12]}: the stored "
                "state differs from its log"
            )

    # Internals.

    def _act(self, kind: str, build: Any, always: bool = False) -> Action | None:
        """Build a change from the current state and write it with its log entry, in one
        transaction; nothing is written when it changes nothing (unless `always`)."""
        with self.store.library.writing() as db:
            row = self._session_row(db)
            seq, next_id, suggested = (row[0], row[1], bool(row[2])) if row else (0, 1, False)
            change = _Change(kind, "", next_id=next_id)
            build(db, change, suggested)
            if kind == "suggest" and suggested:
                return None
            if not (change.spans or change.session or always):
                return None
            seq += 1
            time = self._log(db, seq, kind, change.to_json())
            if row is None:
                db.execute(
                    "INSERT INTO annotation_sessions (article, annotator, seq, next_id, updated) "
                    "VALUES (?, ?, 0, 1, ?)",
                    (*self._key, time),
                )
            data = json.loads(change.to_json())
            _apply(db, self._key, data, forward=True)
            _follow(db, self._key, data)
            db.execute(
                "UPDATE annotation_sessions SET seq = ?, next_id = ?, updated = ?, "
                "suggested = suggested OR ? WHERE article = ? AND annotator = ?",
                (seq, change.next_id, time, kind == "suggest", *self._key),
            )
            if kind not in NOT_UNDOABLE:
                _push(db, self._key, "undo", seq)
                db.execute(
                    "DELETE FROM annotation_stack WHERE article = ? AND annotator = ? "
                    "AND stack = 'redo'",
                    self._key,
                )
        return Action(seq, kind, time, change.summary, tuple(change.spans))

    def _log(self, db: sqlite3.Connection, seq: int, kind: str, data: str) -> str:
        return db.execute(
            "INSERT INTO annotation_log (article, annotator, seq, kind, data) "
            "VALUES (?, ?, ?, ?, ?) RETURNING time",
            (*self._key, seq, kind, data),
        ).fetchone()[0]

    def _session_row(self, db: sqlite3.Connection) -> tuple[Any, ...] | None:
        return db.execute(
            "SELECT seq, next_id, suggested, done, note FROM annotation_sessions "
            "WHERE article = ? AND annotator = ?",
            self._key,
        ).fetchone()

    def _spans(self, db: sqlite3.Connection) -> list[Span]:
        rows = db.execute(
            f"SELECT id, {', '.join(SPAN_FIELDS)} FROM annotation_spans "
            "WHERE article = ? AND annotator = ? ORDER BY start, end DESC, id",
            self._key,
        ).fetchall()
        return [Span(*row) for row in rows]

    def _span(self, db: sqlite3.Connection, span_id: int) -> Span:
        row = db.execute(
            f"SELECT id, {', '.join(SPAN_FIELDS)} FROM annotation_spans "
            "WHERE article = ? AND annotator = ? AND id = ?",
            (*self._key, span_id),
        ).fetchone()
        if row is None:
            raise BylineError(
                f"no span {span_id} in {self.annotator}'s annotations of this article"
            )
        return Span(*row)

    @staticmethod
    def _change(change: _Change, span: Span, new: Span) -> None:
        if new != span:
            change.spans[span.id] = (span.fields(), new.fields())

    def _check_unique(self, db: sqlite3.Connection, span: Span) -> None:
        clash = db.execute(
            "SELECT id FROM annotation_spans WHERE article = ? AND annotator = ? AND label = ? "
            "AND start = ? AND end = ? AND id != ?",
            (*self._key, span.label, span.start, span.end, span.id),
        ).fetchone()
        if clash is not None:
            raise BylineError(
                f"there is already a span labelled {span.label} at {span.start}-{span.end} "
                f"(span {clash[0]})"
            )

    @staticmethod
    def _check_label(label: str) -> str:
        if not isinstance(label, str) or not _LABEL.fullmatch(label):
            raise BylineError(
                f"'{shown(str(label))}' is not a label (one word, e.g. PERSON, QUOTE, CLAIM)"
            )
        return label

    def _check_offsets(self, label: str, start: int, end: int) -> None:
        if not (0 <= start < end <= len(self.article.text)):
            raise BylineError(
                f"a {label} span must have 0 <= start < end <= "
                f"{len(self.article.text)} (got {start}-{end})"
            )

    def _check_speaker(
        self, label: str, name: str | None, start: int | None, end: int | None
    ) -> tuple[str | None, int | None, int | None]:
        if name is None and start is None and end is None:
            return None, None, None
        if label not in (QUOTE, CLAIM):
            raise BylineError(f"only a QUOTE or a CLAIM has a speaker or source, not {label}")
        if (start is None) != (end is None):
            raise BylineError("a speaker's mention needs both its start and its end")
        if start is not None and end is not None:
            self._check_offsets("speaker", start, end)
            if not name:
                name = self.article.text[start:end]
        name = one_line(name)  # typed, or imported: sanitised like article text
        if not name:
            raise BylineError("a speaker or source needs a name")
        return name, start, end

    def _quoted(self, start: int, end: int) -> str:
        text = " ".join(self.article.text[start:end].split())
        return f"'{text[:30]}…'" if len(text) > 30 else f"'{text}'"


def _decided(span: Span) -> Span:
    """An edited suggestion is the annotator's decision: pending becomes accepted."""
    return replace(span, status=ACCEPTED) if span.status == PENDING else span


def _summary(verb: str, change: _Change) -> str:
    count = len(change.spans)
    return f"{verb} {count} span{'s' if count != 1 else ''}"


def _action(
    seq: int, kind: str, time: str, data: dict[str, Any], known: dict[int, Action]
) -> Action:
    if kind in ("undo", "redo"):
        target = known.get(data["target"])
        return Action(
            seq, kind, time, data["summary"], target.spans if target else (), data["target"]
        )
    return Action(seq, kind, time, data["summary"], tuple(i for i, _, _ in data["spans"]))


def _apply(
    db: sqlite3.Connection, key: tuple[str, str], data: dict[str, Any], forward: bool
) -> None:
    """Write a logged change's after state (forward) or its before state (undoing it)."""
    for span_id, before, after in data["spans"]:
        state = after if forward else before
        if state is None:
            db.execute(
                "DELETE FROM annotation_spans WHERE article = ? AND annotator = ? AND id = ?",
                (*key, span_id),
            )
        else:
            db.execute(
                f"INSERT OR REPLACE INTO annotation_spans (article, annotator, id, "
                f"{', '.join(SPAN_FIELDS)}) VALUES (?, ?, ?, {', '.join('?' * len(SPAN_FIELDS))})",
                (*key, span_id, *(state[name] for name in SPAN_FIELDS)),
            )
    if "session" in data:
        state = data["session"][1 if forward else 0]
        # done_seq orders the done marks of an article (the entity index follows the last).
        db.execute(
            "UPDATE annotation_sessions SET done = ?1, note = ?2, done_seq = CASE WHEN ?1 "
            "THEN coalesce(CASE WHEN done THEN done_seq END, (SELECT coalesce(max(done_seq), 0) "
            "+ 1 FROM annotation_sessions WHERE article = ?3)) END "
            "WHERE article = ?3 AND annotator = ?4",
            (int(state["done"]), state["note"], *key),
        )


def _indexed(fields: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """What the entity index takes from a span: only an accepted one counts, not its note."""
    if fields is None or fields["status"] != ACCEPTED:
        return None
    return tuple(fields[name] for name in SPAN_FIELDS if name not in ("status", "origin", "note"))


def _follow(db: sqlite3.Connection, key: tuple[str, str], data: dict[str, Any]) -> None:
    """Keep the entity index on its rule after a logged change was applied (either way), in the
    same transaction: see `tui.store.index`."""
    if "session" in data:
        before, after = data["session"]
        done_changed = bool(before["done"]) != bool(after["done"])
    else:
        done_changed = False
    spans_changed = any(_indexed(before) != _indexed(after) for _, before, after in data["spans"])
    index.annotation_changed(db, *key, done_changed=done_changed, spans_changed=spans_changed)


def _push(db: sqlite3.Connection, key: tuple[str, str], stack: str, seq: int) -> None:
    db.execute(
        "INSERT INTO annotation_stack (article, annotator, stack, depth, seq) VALUES (?, ?, ?, "
        "(SELECT coalesce(max(depth), 0) + 1 FROM annotation_stack "
        "WHERE article = ? AND annotator = ? AND stack = ?), ?)",
        (*key, stack, *key, stack, seq),
    )


@dataclass(slots=True)
class Replayed:
    """A session's state derived from its log alone."""

    seq: int = 0
    spans: dict[int, dict[str, Any]] = field(default_factory=dict)
    done: bool = False
    note: str = ""
    suggested: bool = False
    undo: list[int] = field(default_factory=list)
    redo: list[int] = field(default_factory=list)


def replay(db: sqlite3.Connection, article: str, annotator: str) -> Replayed:
    """Derive a session's state from its log: every action in order, undo and redo applying
    their target's before and after states."""
    state = Replayed()
    logged: dict[int, dict[str, Any]] = {}

    def apply(data: dict[str, Any], forward: bool) -> None:
        for span_id, before, after in data["spans"]:
            value = after if forward else before
            if value is None:
                state.spans.pop(span_id, None)
            else:
                state.spans[span_id] = value
        if "session" in data:
            session = data["session"][1 if forward else 0]
            state.done, state.note = bool(session["done"]), session["note"]

    for seq, kind, data in db.execute(
        "SELECT seq, kind, data FROM annotation_log WHERE article = ? AND annotator = ? "
        "ORDER BY seq",
        (article, annotator),
    ):
        if seq != state.seq + 1:
            raise BylineError(f"annotation log of {annotator} on {article[:12]} has a gap at {seq}")
        state.seq = seq
        parsed = json.loads(data)
        if kind == "undo":
            state.undo.remove(parsed["target"])
            state.redo.append(parsed["target"])
            apply(logged[parsed["target"]], forward=False)
        elif kind == "redo":
            state.redo.remove(parsed["target"])
            state.undo.append(parsed["target"])
            apply(logged[parsed["target"]], forward=True)
        else:
            logged[seq] = parsed
            apply(parsed, forward=True)
            state.suggested = state.suggested or kind == "suggest"
            if kind not in NOT_UNDOABLE:
                state.undo.append(seq)
                state.redo.clear()
    return state


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Where two annotators' accepted spans differ: one has a span the other lacks (`b` or `a`
    is None), or both have the same stretch of text with another label or speaker."""

    start: int
    end: int
    a: Span | None
    b: Span | None
    reason: str


def compare(store: Annotations, article: Article | int, a: str, b: str) -> list[Disagreement]:
    """Where annotators `a` and `b` disagree on an article (accepted spans only), in text
    order."""
    first = store.session(article, a).spans()
    second = store.session(article, b).spans()
    ours = [s for s in first if s.status == ACCEPTED]
    theirs = [s for s in second if s.status == ACCEPTED]
    found: list[Disagreement] = []
    matched: set[int] = set()
    for span in ours:
        same = [t for t in theirs if (t.start, t.end, t.kind) == (span.start, span.end, span.kind)]
        if not same:
            found.append(Disagreement(span.start, span.end, span, None, f"only {a}"))
            continue
        other = next((t for t in same if t.label == span.label), same[0])
        matched.add(other.id)
        if other.label != span.label:
            found.append(Disagreement(span.start, span.end, span, other, "label"))
        elif span.kind != "entity" and (span.speaker, span.speaker_start) != (
            other.speaker,
            other.speaker_start,
        ):
            found.append(
                Disagreement(
                    span.start,
                    span.end,
                    span,
                    other,
                    "speaker" if span.kind == "quote" else "source",
                )
            )
    found += [
        Disagreement(t.start, t.end, None, t, f"only {b}") for t in theirs if t.id not in matched
    ]
    return sorted(found, key=lambda d: (d.start, -d.end))
