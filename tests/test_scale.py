"""A library of a million articles: the listing and lookup read indexes, never scan a table
whose size grows with the library (bench/scale.py measures the times)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tui import lookup
from tui.model import Analysis, Article, Entity, EntityMention, Quote
from tui.store import Library, put_analysis


def full_scans(library: Library, action: Callable[[], object], listed: str = "") -> list[str]:
    """The query-plan steps of every statement `action` runs that scan a whole table (or
    materialise a subquery over one), as `EXPLAIN QUERY PLAN` words them; `listed`: the table
    (alias) a listing reads whole, as it must."""
    statements: list[str] = []
    with library.reading() as db:
        db.set_trace_callback(statements.append)
    try:
        action()
    finally:
        with library.reading() as db:
            db.set_trace_callback(None)
    probe = sqlite3.connect(library.path)
    scans = []
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        for *_, step in probe.execute(f"EXPLAIN QUERY PLAN {sql}"):
            if (step.startswith("SCAN") and step != f"SCAN {listed}") or "MATERIALIZE" in step:
                scans.append(f"{step}  <-  {sql[:80]}")
    probe.close()
    return scans


def small_library(tmp_path) -> Library:
    library = Library(tmp_path / "lib.sqlite3")
    for n in range(3):
        text = f"Report {n}\n\n“We will build it,” Ana Ruiz said in Lisbon."
        library.add([Article(text=text, title=f"Report {n}")])
        ruiz = (text.index("Ana Ruiz"), text.index("Ana Ruiz") + 8)
        lisbon = (text.index("Lisbon"), text.index("Lisbon") + 6)
        quote = Quote(
            text.index("We"), text.index("it,”") + 3, "We will build it,", "Ana Ruiz", *ruiz, "said"
        )
        put_analysis(
            library,
            Article(text=text).content_hash,
            "m",
            Analysis(
                entities=[
                    EntityMention(*ruiz, "PERSON", "Ana Ruiz", 0),
                    EntityMention(*lisbon, "GPE", "Lisbon", 1),
                ],
                groups=[
                    Entity(0, "Ana Ruiz", "PERSON", (ruiz,)),
                    Entity(1, "Lisbon", "GPE", (lisbon,)),
                ],
                quotes=[quote],
            ),
        )
    return library


def test_the_listing_reads_the_newest_counts_from_an_index(tmp_path):
    with small_library(tmp_path) as library:
        assert full_scans(library, library.entries, listed="a") == []
        assert full_scans(library, lambda: library.entry(2)) == []
        assert [(e.quotes, e.entities) for e in library.entries()] == [(1, 2)] * 3


def test_an_entity_s_top_articles_are_read_off_an_index_not_sorted(tmp_path):
    """The most mentioned entity of a million articles is in a fifth of them: its first 100
    articles must not need all 200,000 sorted."""
    with small_library(tmp_path) as library:
        found = lookup.find_entity(library, "Ana Ruiz")
        assert found is not None
        statements: list[str] = []
        with library.reading() as db:
            db.set_trace_callback(statements.append)
        result = lookup.lookup(library, found, limit=2)
        with library.reading() as db:
            db.set_trace_callback(None)
            ranked = [
                sql
                for sql in statements
                if "article_entities" in sql and "ORDER BY" in sql and "mentions" in sql
            ]
            assert ranked
            for sql in ranked:
                plan = [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
                assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)
        assert result.article_count == 3
        assert [a.id for a in result.articles] == [1, 2]
