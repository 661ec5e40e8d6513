"""Merging the names that are one entity (by the indexer, or by hand) and splitting them.

Names that are one entity are merged under a root (`entities.root`); see `tui.store.index` for
when the indexer merges. A pair split by hand is kept apart (`entities_apart`) and never merged
again by the indexer. Every function writes in the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.store.index.names import same_by_score, surname


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    norm: str
    label: str
    root: int

    @property
    def words(self) -> int:
        return len(self.norm.split())


def _row(db: sqlite3.Connection, entity: int) -> _Row:
    found = db.execute(
        "SELECT id, norm, label, coalesce(root, id) FROM entities WHERE id = ?", (entity,)
    ).fetchone()
    return _Row(*found)


def _rows(db: sqlite3.Connection, where: str, parameters: Sequence[object]) -> list[_Row]:
    return [
        _Row(*row)
        for row in db.execute(
            f"SELECT id, norm, label, coalesce(root, id) FROM entities WHERE {where}", parameters
        )
    ]


class Joins:
    """`join_alike` for many articles in one transaction, skipping the calls that cannot merge.

    What `join_alike` decides reads only the names (norm, label, surname), their roots, the
    aliases and the pairs kept apart: with those unchanged since a call for the same entity
    (with as many aliases) that merged nothing, a call again merges nothing either. Any write
    by `join_alike`, and a new name or alias (`changed`), starts a new generation. In a library
    whose names are all known, most of an article's names are such calls. Only for the one
    transaction it is made in: what it remembers must not outlive a rollback or another
    writer's commit."""

    def __init__(self) -> None:
        self.generation = 0
        self._quiet: dict[int, tuple[int, frozenset[str]]] = {}

    def changed(self) -> None:
        self.generation += 1

    def join(self, db: sqlite3.Connection, entity: int, aliases: Iterable[str]) -> None:
        aliases = frozenset(aliases)
        quiet = self._quiet.get(entity)
        if quiet is not None and quiet[0] == self.generation and aliases <= quiet[1]:
            return
        before = db.total_changes
        join_alike(db, entity, aliases)
        if db.total_changes != before:
            self.changed()
        else:
            self._quiet[entity] = (self.generation, aliases)


def join_alike(db: sqlite3.Connection, entity: int, aliases: Iterable[str]) -> None:
    """Merge the names of the library that are this entity (see the module's docstring)."""
    me = _row(db, entity)
    # Names written as mentions of this one ("UN" in the "United Nations" of a text that defines
    # it), and the one name this one was written as a mention of. Only a name on its own joins:
    # one already part of another entity ("Clinton" of "Hillary Clinton") is ambiguous.
    others = [a for a in aliases if a != me.norm]
    if others:
        marks = ",".join("?" * len(others))
        for other in _rows(db, f"norm IN ({marks}) AND label = ?", [*others, me.label]):
            if _alone(db, other.id):
                _auto_merge(db, other.id, _row(db, entity).root)
    if _alone(db, entity):
        holders = {
            r.root
            for r in _rows(
                db,
                "id IN (SELECT entity FROM aliases WHERE alias = ?) AND label = ? AND id != ?",
                (me.norm, me.label, entity),
            )
        }
        if len(holders) == 1:
            _auto_merge(db, entity, holders.pop())
    # Full names a letter or two apart.
    if me.words > 1:
        alike = _rows(
            db,
            "last = ? AND label = ? AND id != ? AND norm != last",
            (surname(me.norm), me.label, entity),
        )
        for other in alike:
            if same_by_score(me.norm, other.norm):
                _auto_merge(db, other.root, _row(db, entity).root)

    # A lone surname and the one full name ending with it.
    if me.label == "PERSON":
        if me.words == 1:
            full = {
                r.root
                for r in _rows(db, "last = ? AND label = 'PERSON' AND norm != last", (me.norm,))
            }
            if len(full) == 1 and _alone(db, entity):
                _auto_merge(db, entity, full.pop())
        else:
            last = surname(me.norm)
            full = {
                r.root for r in _rows(db, "last = ? AND label = 'PERSON' AND norm != last", (last,))
            }
            if len(full) == 1:
                for lone in _rows(db, "norm = ? AND label = 'PERSON'", (last,)):
                    if _alone(db, lone.id):
                        _auto_merge(db, lone.id, _row(db, entity).root)


def _alone(db: sqlite3.Connection, entity: int) -> bool:
    """Not merged with any other name."""
    row = db.execute(
        "SELECT root IS NULL AND NOT EXISTS (SELECT 1 FROM entities WHERE root = ?) "
        "FROM entities WHERE id = ?",
        (entity, entity),
    ).fetchone()
    return bool(row and row[0])


def _members(db: sqlite3.Connection, root: int) -> list[int]:
    return [
        r[0] for r in db.execute("SELECT id FROM entities WHERE id = ? OR root = ?", (root, root))
    ]


def _kept_apart(db: sqlite3.Connection, a: list[int], b: list[int]) -> bool:
    marks_a, marks_b = ",".join("?" * len(a)), ",".join("?" * len(b))
    row = db.execute(
        f"SELECT 1 FROM entities_apart WHERE (a IN ({marks_a}) AND b IN ({marks_b})) "
        f"OR (b IN ({marks_a}) AND a IN ({marks_b})) LIMIT 1",
        [*a, *b, *a, *b],
    ).fetchone()
    return row is not None


def _fuller(db: sqlite3.Connection, a: int, b: int) -> tuple[int, int]:
    """(root, other): the root of a merge is the name with more words, then more mentions."""
    rank = {
        entity: (len(norm.split()), mentions, -entity)
        for entity, norm, mentions in db.execute(
            "SELECT id, norm, mentions FROM entities WHERE id IN (?, ?)", (a, b)
        )
    }
    return (a, b) if rank[a] >= rank[b] else (b, a)


def _auto_merge(db: sqlite3.Connection, a: int, b: int) -> None:
    if a == b or _kept_apart(db, _members(db, a), _members(db, b)):
        return
    root, other = _fuller(db, a, b)
    _attach(db, other, root)


def _attach(db: sqlite3.Connection, old_root: int, new_root: int, manual: bool = False) -> None:
    db.execute(
        "UPDATE entities SET root = ?, manual = max(manual, ?) WHERE id = ? OR root = ?",
        (new_root, int(manual), old_root, old_root),
    )
    db.execute("UPDATE entities SET root = NULL WHERE id = ?", (new_root,))


def merge(db: sqlite3.Connection, entity: int, into: int) -> None:
    """By hand: the canonical entity of `entity` becomes part of the one of `into`."""
    a, b = _row(db, entity).root, _row(db, into).root
    if a == b:
        return
    members_a, members_b = _members(db, a), _members(db, b)
    marks_a, marks_b = ",".join("?" * len(members_a)), ",".join("?" * len(members_b))
    db.execute(
        f"DELETE FROM entities_apart WHERE (a IN ({marks_a}) AND b IN ({marks_b})) "
        f"OR (b IN ({marks_a}) AND a IN ({marks_b}))",
        [*members_a, *members_b, *members_a, *members_b],
    )
    _attach(db, a, b, manual=True)


def split(db: sqlite3.Connection, entity: int) -> list[int]:
    """By hand: a merged name leaves its entity; an entity's root lets go of every name merged
    into it. The names parted are kept apart from then on. Returns the ids set free."""
    row = db.execute("SELECT root FROM entities WHERE id = ?", (entity,)).fetchone()
    if row is None:
        return []
    if row[0] is not None:
        freed, root = [entity], row[0]
    else:
        root = entity
        freed = [r[0] for r in db.execute("SELECT id FROM entities WHERE root = ?", (entity,))]
    marks = ",".join("?" * len(freed))
    db.execute(f"UPDATE entities SET root = NULL, manual = 0 WHERE id IN ({marks})", freed)
    db.executemany(
        "INSERT OR IGNORE INTO entities_apart VALUES (?, ?)",
        [(min(f, root), max(f, root)) for f in freed],
    )
    return freed
