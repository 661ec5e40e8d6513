"""Annotation sessions: spans an annotator accepts, rejects, creates and edits, never lost.

Everything is per (article, annotator): two annotators of one library never see each other's
work (`compare` shows where they differ). Every action is one SQLite transaction, committed
before the call returns: when a method returns, the action is on disk (WAL) and survives the
process being killed. Nothing here imports Textual.

How it is stored: `tui.store.annotations.log` (the append-only log, and the current spans,
note/done flag and undo/redo stacks written with each log row in the same transaction: opening
a session reads those and never replays anything).

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
Spans are `Span` (`tui.store.annotations.spans`). Editing a pending suggestion (move, relabel,
speaker) accepts it: the edit is the annotator's decision.

Reviewing (`tui.store.annotations.review`): `compare` lists where two annotators' accepted spans
differ; a reviewer (an annotator too) takes a side in one action.

The entity index (`tui.store.index`) takes an article marked done from the annotations of the
last annotator to mark it so: an action that sets or removes a done mark, or changes the
accepted spans the index takes, re-indexes the article in the action's own transaction
(measured on the seed article, 108 spans: about 3 ms more for such an action; others, as
before, nothing more).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from tui.errors import BylineError
from tui.model import Analysis, Article
from tui.safe_text import one_line, sanitize, shown
from tui.store.annotations import log
from tui.store.annotations.log import Change
from tui.store.annotations.spans import (
    ACCEPTED,
    ANNOTATOR,
    CLAIM,
    MACHINE,
    ORIGINS,
    PENDING,
    QUOTE,
    REJECTED,
    STATUSES,
    Action,
    Progress,
    SessionInfo,
    Span,
    State,
    check_annotator,
    default_annotator,
    suggestions,
)
from tui.store.library import Library

_LABEL = re.compile(r"\S+")


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
        conditions: list[str] = ["1"]
        parameters: list[str | int] = []
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
            row = log.session_row(db, self._key)
            spans = log.read_spans(db, self._key)
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
            spans = log.read_spans(db, self._key)
        return spans if kind is None else [s for s in spans if s.kind == kind]

    def span(self, span_id: int) -> Span:
        with self.store.library.reading() as db:
            return log.read_span(db, self._key, span_id)

    def progress(self) -> Progress:
        return self.state().progress

    @property
    def exists(self) -> bool:
        """Whether anything was ever recorded for this article and annotator."""
        with self.store.library.reading() as db:
            return log.session_row(db, self._key) is not None

    def history(self) -> list[Action]:
        """Every action, oldest first."""
        with self.store.library.reading() as db:
            return log.read_history(db, self._key)

    # Editing: the machine's suggestions.

    def suggest(self, analysis: Analysis | Sequence[Span]) -> Action | None:
        """Add the machine's suggestions (an Analysis, or spans) as pending spans, once per
        session: later calls do nothing (the first analysis stays the reference). Not undone
        by undo."""

        def build(db: sqlite3.Connection, change: Change, suggested: bool) -> None:
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            for span_id in ids:
                span = log.read_span(db, self._key, span_id)
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            span = log.read_span(db, self._key, span_id)
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            span = log.read_span(db, self._key, span_id)
            new = replace(span, label=label)
            if new.kind == "entity":
                new = replace(new, speaker=None, speaker_start=None, speaker_end=None)
            self._check_unique(db, new)
            self._change(change, span, _decided(new))
            change.summary = f"relabelled {span.label} as {label}"

        return self._act("relabel", build)

    def delete(self, *span_ids: int) -> Action | None:
        """Remove spans (to keep a record that a suggestion was wrong, reject it instead)."""

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            for span_id in span_ids:
                span = log.read_span(db, self._key, span_id)
                change.spans[span.id] = (span.fields(), None)
            change.summary = _summary("deleted", change)

        return self._act("delete", build)

    def delete_matching(self, label: str, start: int, end: int) -> Action | None:
        """Remove this annotator's span with that label and offsets, if any: found and removed
        in one transaction (reviewing drops the copy of another annotator's span this way)."""

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            for span in log.read_spans(db, self._key):
                if (span.label, span.start, span.end) == (label, start, end):
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            span = log.read_span(db, self._key, span_id)
            who, who_start, who_end = self._check_speaker(span.label, name, start, end)
            new = replace(span, speaker=who, speaker_start=who_start, speaker_end=who_end)
            self._change(change, span, _decided(new))
            role = "speaker" if span.kind == "quote" else "source"
            change.summary = f"{role}: {who}" if who else f"{role} cleared"

        return self._act("speaker", build)

    def set_note(self, span_id: int, note: str) -> Action | None:
        note = sanitize(note)

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            span = log.read_span(db, self._key, span_id)
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            for span in log.read_spans(db, self._key):
                if span.status == PENDING:
                    self._change(change, span, replace(span, status=rest))
            row = log.session_row(db, self._key)
            before = {"done": bool(row[3]), "note": row[4]} if row else {"done": False, "note": ""}
            if not before["done"]:
                change.session = (before, {**before, "done": True})
            count = len(change.spans)
            change.summary = f"marked done, {rest} {count} pending span{'s' if count != 1 else ''}"

        return self._act("done", build)

    def _set_session(self, kind: str, name: str, value: Any, summary: str) -> Action | None:
        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            row = log.session_row(db, self._key)
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            current = log.read_spans(db, self._key)
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
            row = log.session_row(db, self._key)
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

        def build(db: sqlite3.Connection, change: Change, _: bool) -> None:
            if replace_overlapping:
                for mine in log.read_spans(db, self._key):
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
        with self.store.library.writing() as db:
            return log.write_undo_redo(db, self._key, kind)

    # Checking.

    def check(self) -> None:
        """Replay the log and compare with the stored state; BylineError when they differ
        (they never should: both are written in one transaction)."""
        with self.store.library.reading() as db:
            log.check(db, self._key)

    # Internals.

    def _act(self, kind: str, build: Any, always: bool = False) -> Action | None:
        """Build a change from the current state and write it with its log entry, in one
        transaction; nothing is written when it changes nothing (unless `always`)."""
        with self.store.library.writing() as db:
            row = log.session_row(db, self._key)
            next_id, suggested = (row[1], bool(row[2])) if row else (1, False)
            change = Change(kind, "", next_id=next_id)
            build(db, change, suggested)
            if kind == "suggest" and suggested:
                return None
            if not (change.spans or change.session or always):
                return None
            return log.write_action(db, self._key, change, row)

    @staticmethod
    def _change(change: Change, span: Span, new: Span) -> None:
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


def _summary(verb: str, change: Change) -> str:
    count = len(change.spans)
    return f"{verb} {count} span{'s' if count != 1 else ''}"
