"""The annotation log: writing an action, replaying the log, checking the state against it.

Tables (schema in `tui.store.db`, migration "Annotation sessions"): `annotation_log` is the
append-only log, one row per action with a sequence number (1, 2, ... per article and
annotator), its kind, the time and JSON data (for an edit, every span it touched before and
after, and the article's note/done before and after; for an undo or a redo, the action it undid
or redid). `annotation_spans`, `annotation_sessions` and `annotation_stack` hold what the log
leads to: the current spans, the note/done flag and the undo/redo stacks. Every function that
writes does so in the caller's transaction (`Library.writing`), log row and state together.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from tui.errors import BylineError
from tui.store import index
from tui.store.annotations.spans import ACCEPTED, NOT_UNDOABLE, SPAN_FIELDS, Action, Span

#: (article hash, annotator): whose session.
Key = tuple[str, str]


@dataclass(slots=True)
class Change:
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


# Reading the stored state.


def session_row(db: sqlite3.Connection, key: Key) -> tuple[Any, ...] | None:
    """(seq, next_id, suggested, done, note) of a session; None before its first action."""
    row: tuple[Any, ...] | None = db.execute(
        "SELECT seq, next_id, suggested, done, note FROM annotation_sessions "
        "WHERE article = ? AND annotator = ?",
        key,
    ).fetchone()
    return row


def read_spans(db: sqlite3.Connection, key: Key) -> list[Span]:
    """A session's current spans in text order."""
    rows = db.execute(
        f"SELECT id, {', '.join(SPAN_FIELDS)} FROM annotation_spans "
        "WHERE article = ? AND annotator = ? ORDER BY start, end DESC, id",
        key,
    ).fetchall()
    return [Span(*row) for row in rows]


def read_span(db: sqlite3.Connection, key: Key, span_id: int) -> Span:
    row = db.execute(
        f"SELECT id, {', '.join(SPAN_FIELDS)} FROM annotation_spans "
        "WHERE article = ? AND annotator = ? AND id = ?",
        (*key, span_id),
    ).fetchone()
    if row is None:
        raise BylineError(f"no span {span_id} in {key[1]}'s annotations of this article")
    return Span(*row)


def read_history(db: sqlite3.Connection, key: Key) -> list[Action]:
    """Every action of a session, oldest first."""
    rows = db.execute(
        "SELECT seq, kind, time, data FROM annotation_log "
        "WHERE article = ? AND annotator = ? ORDER BY seq",
        key,
    ).fetchall()
    actions: dict[int, Action] = {}
    for seq, kind, time, data in rows:
        actions[seq] = _action(seq, kind, time, json.loads(data), actions)
    return list(actions.values())


def _stack(db: sqlite3.Connection, key: Key, name: str) -> list[int]:
    """The sequence numbers on the undo or redo stack, bottom first."""
    return [
        seq
        for (seq,) in db.execute(
            "SELECT seq FROM annotation_stack WHERE article = ? AND annotator = ? "
            "AND stack = ? ORDER BY depth",
            (*key, name),
        )
    ]


# Writing an action.


def write_action(
    db: sqlite3.Connection, key: Key, change: Change, row: tuple[Any, ...] | None
) -> Action:
    """Log a change built from the state `row` (`session_row`, read in this transaction) and
    apply it: spans, session row, undo stack, entity index."""
    kind = change.kind
    seq = (row[0] if row else 0) + 1
    time = _append(db, key, seq, kind, change.to_json())
    if row is None:
        db.execute(
            "INSERT INTO annotation_sessions (article, annotator, seq, next_id, updated) "
            "VALUES (?, ?, 0, 1, ?)",
            (*key, time),
        )
    data = json.loads(change.to_json())
    _apply(db, key, data, forward=True)
    _follow(db, key, data)
    db.execute(
        "UPDATE annotation_sessions SET seq = ?, next_id = ?, updated = ?, "
        "suggested = suggested OR ? WHERE article = ? AND annotator = ?",
        (seq, change.next_id, time, kind == "suggest", *key),
    )
    if kind not in NOT_UNDOABLE:
        _push(db, key, "undo", seq)
        db.execute(
            "DELETE FROM annotation_stack WHERE article = ? AND annotator = ? AND stack = 'redo'",
            key,
        )
    return Action(seq, kind, time, change.summary, tuple(change.spans))


def write_undo_redo(db: sqlite3.Connection, key: Key, kind: str) -> Action | None:
    """Take back ("undo") the last action in effect, or do again ("redo") the last undone;
    logged as an action of its own. None when there is nothing to undo or redo."""
    source, other = ("undo", "redo") if kind == "undo" else ("redo", "undo")
    top = db.execute(
        "SELECT depth, seq FROM annotation_stack WHERE article = ? AND annotator = ? "
        "AND stack = ? ORDER BY depth DESC LIMIT 1",
        (*key, source),
    ).fetchone()
    row = session_row(db, key)
    if top is None or row is None:
        return None
    depth, target = top
    (logged,) = db.execute(
        "SELECT data FROM annotation_log WHERE article = ? AND annotator = ? AND seq = ?",
        (*key, target),
    ).fetchone()
    data = json.loads(logged)
    _apply(db, key, data, forward=kind == "redo")
    _follow(db, key, data)
    seq = row[0] + 1
    summary = f"{kind} {data['summary']}"
    payload = json.dumps({"target": target, "summary": summary}, ensure_ascii=False)
    time = _append(db, key, seq, kind, payload)
    db.execute(
        "DELETE FROM annotation_stack WHERE article = ? AND annotator = ? AND stack = ? "
        "AND depth = ?",
        (*key, source, depth),
    )
    _push(db, key, other, target)
    db.execute(
        "UPDATE annotation_sessions SET seq = ?, updated = ? WHERE article = ? AND annotator = ?",
        (seq, time, *key),
    )
    return Action(seq, kind, time, summary, tuple(i for i, _, _ in data["spans"]), target)


def _append(db: sqlite3.Connection, key: Key, seq: int, kind: str, data: str) -> str:
    """Add the log row; returns its time."""
    time: str = db.execute(
        "INSERT INTO annotation_log (article, annotator, seq, kind, data) "
        "VALUES (?, ?, ?, ?, ?) RETURNING time",
        (*key, seq, kind, data),
    ).fetchone()[0]
    return time


def _action(
    seq: int, kind: str, time: str, data: dict[str, Any], known: dict[int, Action]
) -> Action:
    if kind in ("undo", "redo"):
        target = known.get(data["target"])
        return Action(
            seq, kind, time, data["summary"], target.spans if target else (), data["target"]
        )
    return Action(seq, kind, time, data["summary"], tuple(i for i, _, _ in data["spans"]))


def _apply(db: sqlite3.Connection, key: Key, data: dict[str, Any], forward: bool) -> None:
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


def _follow(db: sqlite3.Connection, key: Key, data: dict[str, Any]) -> None:
    """Keep the entity index on its rule after a logged change was applied (either way), in the
    same transaction: see `tui.store.index`."""
    if "session" in data:
        before, after = data["session"]
        done_changed = bool(before["done"]) != bool(after["done"])
    else:
        done_changed = False
    spans_changed = any(_indexed(before) != _indexed(after) for _, before, after in data["spans"])
    index.annotation_changed(db, *key, done_changed=done_changed, spans_changed=spans_changed)


def _push(db: sqlite3.Connection, key: Key, stack: str, seq: int) -> None:
    db.execute(
        "INSERT INTO annotation_stack (article, annotator, stack, depth, seq) VALUES (?, ?, ?, "
        "(SELECT coalesce(max(depth), 0) + 1 FROM annotation_stack "
        "WHERE article = ? AND annotator = ? AND stack = ?), ?)",
        (*key, stack, *key, stack, seq),
    )


# Replaying and checking.


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


def check(db: sqlite3.Connection, key: Key) -> None:
    """Replay a session's log and compare with its stored state; BylineError when they differ
    (they never should: both are written in one transaction)."""
    article, annotator = key
    replayed = replay(db, article, annotator)
    row = session_row(db, key)
    if row is None and not replayed.seq:
        return
    derived = (
        replayed.seq,
        replayed.spans,
        replayed.done,
        replayed.note,
        replayed.suggested,
        replayed.undo,
        replayed.redo,
    )
    stored = (
        None
        if row is None
        else (
            row[0],
            {s.id: s.fields() for s in read_spans(db, key)},
            bool(row[3]),
            row[4],
            bool(row[2]),
            _stack(db, key, "undo"),
            _stack(db, key, "redo"),
        )
    )
    if stored != derived:
        raise BylineError(
            f"annotations of {annotator} on {article[:12]}: the stored state differs from its log"
        )
