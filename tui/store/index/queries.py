"""Reading the entity index: finding entities by name, type-ahead, closest names, and what
the library says about one entity (the SQL behind `tui.lookup`). Read-only."""

from __future__ import annotations

import heapq
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from tui.store.index.names import name_key

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Found:
    """A canonical entity: its root's id, name and label; mentions and articles in the library."""

    id: int
    name: str
    label: str
    mentions: int


def find(db: sqlite3.Connection, name: str, label: str | None = None) -> Found | None:
    """The canonical entity called `name` (or written so, or whose name holds every word of
    it), the most mentioned one when several are; None when none is. An entity with nothing
    indexed (its articles removed, or re-indexed without it) is none."""
    key = name_key(name)
    if not key:
        return None
    labelled = " AND e.label = ?" if label else ""
    extra = [label] if label else []
    tries = [
        (f"SELECT coalesce(e.root, e.id) FROM entities e WHERE e.norm = ?{labelled}", [key]),
        (
            f"SELECT DISTINCT coalesce(e.root, e.id) FROM aliases m JOIN entities e "
            f"ON e.id = m.entity WHERE m.alias = ?{labelled}",
            [key],
        ),
        (
            f"SELECT DISTINCT coalesce(e.root, e.id) FROM entity_names f JOIN entities e "
            f"ON e.id = f.rowid WHERE entity_names MATCH ?{labelled} LIMIT 200",
            [_fts_query(key, prefix=False)],
        ),
    ]
    for sql, parameters in tries:
        if not parameters[0]:
            continue
        roots = [r[0] for r in db.execute(sql, [*parameters, *extra])]
        found = _indexed(db, entities_by_id(db, roots))
        if found:
            return max(found, key=lambda f: (f.mentions, -f.id))
    return None


def _indexed(db: sqlite3.Connection, found: list[Found]) -> list[Found]:
    """The entities with a mention or a quote or claim in the index."""
    quiet = [f.id for f in found if not f.mentions]
    if not quiet:
        return found
    marks = ",".join("?" * len(quiet))
    speaking = {
        r[0]
        for r in db.execute(
            f"SELECT DISTINCT coalesce(e.root, e.id) FROM statements s JOIN entities e "
            f"ON e.id = s.entity WHERE coalesce(e.root, e.id) IN ({marks})",
            quiet,
        )
    }
    return [f for f in found if f.mentions or f.id in speaking]


def search(db: sqlite3.Connection, query: str, limit: int = 20) -> list[Found]:
    """Type-ahead: entities with a name holding words starting with each typed word, most
    mentioned first; with no query, the most mentioned entities."""
    if not _WORD.search(query):
        return top(db, limit)
    roots = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT coalesce(e.root, e.id) FROM entity_names f JOIN entities e "
            "ON e.id = f.rowid WHERE entity_names MATCH ? LIMIT 2000",
            (_fts_query(query, prefix=True),),
        )
    ]
    found = _indexed(db, entities_by_id(db, roots))
    found.sort(key=lambda f: (-f.mentions, f.name.casefold()))
    return found[:limit]


def top(db: sqlite3.Connection, limit: int = 20) -> list[Found]:
    rows = db.execute(
        "SELECT coalesce(root, id) r, sum(mentions) n FROM entities GROUP BY r "
        "HAVING n > 0 ORDER BY n DESC, r LIMIT ?",
        (limit,),
    ).fetchall()
    found = {f.id: f for f in entities_by_id(db, [r for r, _ in rows])}
    return [found[r] for r, _ in rows if r in found]


def suggest(db: sqlite3.Connection, name: str, limit: int = 3) -> list[Found]:
    """The entities whose names are closest to `name` (typos and all), best first."""
    from rapidfuzz import fuzz, process

    names = db.execute(
        "SELECT coalesce(root, id), name FROM entities WHERE mentions > 0 "
        "OR id IN (SELECT entity FROM statements)"
    ).fetchall()
    if not names:
        return []
    choices = [n for _, n in names]
    best = process.extract(
        name, choices, scorer=fuzz.WRatio, processor=str.casefold, limit=limit * 4, score_cutoff=70
    )
    roots: list[int] = []
    for _, _, index in best:
        root = names[index][0]
        if root not in roots:
            roots.append(root)
    by_id = {f.id: f for f in entities_by_id(db, roots)}
    return [by_id[r] for r in roots if r in by_id][:limit]


def entities_by_id(db: sqlite3.Connection, roots: Sequence[int]) -> list[Found]:
    """Canonical entities by root id, with their mentions summed over their names."""
    found: list[Found] = []
    for start in range(0, len(roots), 500):
        chunk = list(roots[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT r.id, r.name, r.label, (SELECT sum(mentions) FROM entities m "
            f"WHERE m.id = r.id OR m.root = r.id) FROM entities r WHERE r.id IN ({marks})",
            chunk,
        ).fetchall()
        found += [Found(*row) for row in rows]
    return found


def roots_of(db: sqlite3.Connection, entities: Sequence[int]) -> dict[int, int]:
    """Each entity id's canonical entity (root) id."""
    roots: dict[int, int] = {}
    for start in range(0, len(entities), 500):
        chunk = list(entities[start : start + 500])
        marks = ",".join("?" * len(chunk))
        roots.update(
            db.execute(f"SELECT id, coalesce(root, id) FROM entities WHERE id IN ({marks})", chunk)
        )
    return roots


def names_of(db: sqlite3.Connection, root: int) -> list[tuple[int, str, str, int]]:
    """(id, name, label, mentions) of every name of a canonical entity, its root first."""
    return db.execute(
        "SELECT id, name, label, mentions FROM entities WHERE id = ? OR root = ? "
        "ORDER BY id != ?, mentions DESC, id",
        (root, root, root),
    ).fetchall()


def _fts_query(text: str, *, prefix: bool) -> str:
    words = _WORD.findall(text.casefold())
    star = "*" if prefix else ""
    return " ".join(f'"{word}"{star}' for word in words)


# What the library says about one entity (`tui.lookup` assembles it). `ids`: every name of a
# canonical entity (`names_of`), the root first.


def ranked_articles(
    db: sqlite3.Connection, ids: Sequence[int], limit: int
) -> tuple[list[tuple[int, int]], int]:
    """The `limit` articles (id, mentions) mentioning the entity most, its mentions summed over
    all its names, and how many articles know it. Last, with 0 mentions, the articles where it
    only speaks or is cited (a done article whose annotator accepted the quote but not the
    mention), in article order. Read off `root_article_entities_ranked` and `root_article_counts`
    (kept per root by the schema's triggers): `limit` rows, however many articles there are."""
    root = ids[0]
    rows: list[tuple[int, int]] = db.execute(
        "SELECT article, mentions FROM root_article_entities WHERE root = ? "
        "ORDER BY mentions DESC, article LIMIT ?",
        (root, limit),
    ).fetchall()
    count = db.execute(
        "SELECT articles FROM root_article_counts WHERE root = ?", (root,)
    ).fetchone()
    return rows, count[0] if count else 0


def article_details(
    db: sqlite3.Connection, articles: Sequence[int]
) -> dict[int, tuple[str, str, str, str]]:
    """(title, source, date, path) of each article id."""
    if not articles:
        return {}
    return {
        row[0]: (row[1], row[2], row[3], row[4])
        for row in db.execute(
            f"SELECT id, title, source, date, path FROM articles "
            f"WHERE id IN ({','.join('?' * len(articles))})",
            list(articles),
        )
    }


def mention_contexts(
    db: sqlite3.Connection, ids: Sequence[int], limit: int, context: int
) -> list[tuple[int, int, int, str, str, str]]:
    """(article, start, end, left, mention, right) of the entity's first `limit` mentions, with
    up to `context` characters of text either side. SQLite cuts the context out (substr counts
    characters, as Python's offsets do). Each name's first `limit`, read in order off its
    index, then merged: one query over all the names would sort all their mentions."""
    per_name = [
        db.execute(
            "SELECT m.article, m.start, m.end, "
            "substr(a.text, max(1, m.start + 1 - ?), m.start - max(0, m.start - ?)), "
            "substr(a.text, m.start + 1, m.end - m.start), substr(a.text, m.end + 1, ?) "
            "FROM mentions m JOIN articles a ON a.id = m.article "
            "WHERE m.entity = ? ORDER BY m.article, m.start LIMIT ?",
            (context, context, context, entity, limit),
        ).fetchall()
        for entity in ids
    ]
    return _first(per_name, limit)


def statements_of(
    db: sqlite3.Connection, ids: Sequence[int], kind: str, limit: int
) -> list[tuple[int, int, int, str, str | None]]:
    """(article, start, end, text, cue) of the quotes (`kind` "quote") the entity spoke or the
    claims ("claim") it is the source of, in article order (each name's first `limit`, merged,
    as `mention_contexts`)."""
    per_name = [
        db.execute(
            "SELECT article, start, end, text, cue FROM statements "
            "WHERE entity = ? AND kind = ? ORDER BY article, start LIMIT ?",
            (entity, kind, limit),
        ).fetchall()
        for entity in ids
    ]
    return _first(per_name, limit)


_Row = TypeVar("_Row", bound=tuple[Any, ...])


def _first(per_name: list[list[_Row]], limit: int) -> list[_Row]:
    """The first `limit` rows in (article, start) order of rows each in that order already."""
    merged = heapq.merge(*per_name, key=lambda row: (row[0], row[1]))
    return list(islice(merged, limit))


def cooccurring(
    db: sqlite3.Connection, root: int, *, articles: int, limit: int
) -> list[tuple[Found, int]]:
    """The `limit` entities in most of the articles that mention this one, with how many (of
    its newest `articles` articles: an entity in thousands is not slowed down by all of them).
    Counted in distinct articles: an article naming an entity by two of its names (two groups
    of its analysis) counts once."""
    newest = [
        row[0]
        for row in db.execute(
            "SELECT article FROM root_article_entities WHERE root = ? AND mentions > 0 "
            "ORDER BY article DESC LIMIT ?",
            (root, articles),
        )
    ]
    marks = ",".join("?" * len(newest))
    # Off `root_article_entities_article`: each article's roots, one row each (already
    # distinct, no join to the names).
    counts: dict[int, int] = dict(
        db.execute(
            f"SELECT root, count(*) FROM root_article_entities "
            f"WHERE article IN ({marks}) AND mentions > 0 GROUP BY root",
            newest,
        ).fetchall()
    )
    counts.pop(root, None)
    best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    found = {f.id: f for f in entities_by_id(db, [r for r, _ in best])}
    return [(found[r], n) for r, n in best if r in found]


def entity_named(db: sqlite3.Connection, name: str) -> int | None:
    """The id of the name `name` itself (not its canonical entity): one merged into another
    first, then the most mentioned. None when no entity has that name."""
    row = db.execute(
        "SELECT id FROM entities WHERE norm = ? ORDER BY root IS NULL, mentions DESC",
        (name_key(name),),
    ).fetchone()
    return row[0] if row else None


def name_of(db: sqlite3.Connection, entity: int) -> str:
    """The name an entity id was first written as."""
    name: str = db.execute("SELECT name FROM entities WHERE id = ?", (entity,)).fetchone()[0]
    return name
