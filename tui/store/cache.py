"""Cached analyses, keyed by (content hash, model name+version, Byline's analysis version):
get and put (storing one indexes it). Reopening an analysed article shows its highlights
without loading or running spaCy; what to analyse and when is `tui.analysis`'s business.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from tui.model import Analysis
from tui.nlp import ANALYSIS_VERSION
from tui.store.index import Joins, index_stored_analysis
from tui.store.library import Library


def get_analysis(
    library: Library, content_hash: str, model: str, version: int = ANALYSIS_VERSION
) -> Analysis | None:
    with library.reading() as db:
        row = db.execute(
            "SELECT data FROM analyses WHERE hash = ? AND model = ? AND version = ?",
            (content_hash, model, version),
        ).fetchone()
    if row is None:
        return None
    try:
        return Analysis.from_json(json.loads(row[0]))
    except (ValueError, TypeError, KeyError):  # a damaged entry is recomputed, not fatal
        return None


def put_analysis(
    library: Library,
    content_hash: str,
    model: str,
    analysis: Analysis,
    version: int = ANALYSIS_VERSION,
) -> None:
    with library.writing() as db:
        _write_analysis(db, content_hash, model, analysis, version)


def put_analyses(library: Library, model: str, analyses: Iterable[tuple[str, Analysis]]) -> None:
    """Store and index several (content hash, analysis) in one transaction: all or none."""
    with library.writing() as db:
        joins = Joins()
        for content_hash, analysis in analyses:
            _write_analysis(db, content_hash, model, analysis, ANALYSIS_VERSION, joins)


def _write_analysis(
    db: sqlite3.Connection,
    content_hash: str,
    model: str,
    analysis: Analysis,
    version: int,
    joins: Joins | None = None,
) -> None:
    data = json.dumps(analysis.to_json(), ensure_ascii=False, separators=(",", ":"))
    db.execute(
        "INSERT OR REPLACE INTO analyses "
        "(hash, model, version, data, entities, quotes, claims) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            content_hash,
            model,
            version,
            data,
            len(analysis.entities),
            sum(q.kind == "quote" for q in analysis.quotes),
            len(analysis.claims),
        ),
    )
    index_stored_analysis(db, content_hash, analysis, joins)  # the entity index follows the cache
