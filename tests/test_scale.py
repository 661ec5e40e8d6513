"""A library of a million articles: the listing and lookup read indexes, never scan a table
whose size grows with the library (bench/scale.py measures the times)."""

from __future__ import annotations

import re
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


# The library screen's listing (tui/store/library.py `Listing`): pages of rows, never all.


def many_articles(library: Library, count: int) -> None:
    library.add(
        Article(
            text=f"Report {n}\n\nFerry {n} leaves at {n % 24}.",
            title=f"Report {n}: ferry {'timetable' if n % 7 == 0 else 'fares'}",
            source="Coastal Herald" if n % 2 else "Island News",
            date=f"2024-{n % 12 + 1:02d}-01",
        )
        for n in range(count)
    )


def haystack_matches(library: Library, query: str) -> list[int]:
    """The old filter, all in memory: every word a substring of the lower-cased metadata."""
    words = query.lower().split()
    return [
        e.id
        for e in library.entries()
        if all(w in " ".join((e.title, e.source, e.date, e.author, e.path)).lower() for w in words)
    ]


def test_a_listing_pages_by_keyset_in_any_order_and_equals_the_whole_listing(tmp_path):
    """Read forwards, backwards and by jumps, with holes in the ids (removed articles): the
    same entries as `entries()`, in the same places."""
    with Library(tmp_path / "lib.sqlite3") as library:
        many_articles(library, 450)
        for article_id in (1, 2, 150, 151, 333, 450):
            library.remove(article_id)
        everything = library.entries()
        listing = library.listing()
        assert len(listing) == len(everything) == 444
        order = [*range(0, 444, 37), 443, *range(442, 0, -3), 5, 250, 101, 99, 0]
        for index in order:
            assert listing[index] == everything[index], index
        assert list(library.listing()) == everything  # from the first page on
        assert listing[-1] == everything[-1]


def test_a_listing_s_pages_read_indexes_not_tables(tmp_path):
    with Library(tmp_path / "lib.sqlite3") as library:
        many_articles(library, 450)
        listing = library.listing()

        def read_on() -> None:
            for index in (0, 150, 250, 249, 120, 330, 443):  # the next page, or one kept
                listing[index]

        assert full_scans(library, read_on) == []
        # A jump (the scrollbar dragged): its first id counted off the index of ids alone, then
        # the page before it by keyset too.
        fresh = library.listing()
        jump = full_scans(library, lambda: fresh[250] and fresh[199])
        assert fresh[199] == listing[199]
        assert [scan.split("  <-  ")[0] for scan in jump] == [
            "SCAN articles USING COVERING INDEX articles_order"
        ]
        statements: list[str] = []
        with library.reading() as db:
            db.set_trace_callback(statements.append)
            library.listing()  # the count, once per screen: off the index of ids, not the texts
            db.set_trace_callback(None)
            (plan,) = [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {statements[0]}")]
        assert plan == "SCAN articles USING COVERING INDEX articles_order"


def table_scans(library: Library, action: Callable[[], object]) -> list[str]:
    """`full_scans`, but for FTS5 tables asked with MATCH (their index: "INDEX n:M...") and the
    list of ids a page is read for (json_each)."""
    return [
        scan
        for scan in full_scans(library, action)
        if not re.match(r"SCAN \w+ VIRTUAL TABLE INDEX \d+:M", scan)
        and not scan.startswith("SCAN json_each VIRTUAL TABLE")
    ]


def test_the_filter_finds_what_the_in_memory_filter_found_by_indexes(tmp_path):
    """Anywhere in a word, any field, short words too; and by the trigram and FTS5 indexes
    (a word of three letters or more: nothing scanned)."""
    with Library(tmp_path / "lib.sqlite3") as library:
        many_articles(library, 300)
        for query in ("etabl", "2024-06", "herald", "ferry fares", "timetable 14", "ry 06", "1"):
            expected = haystack_matches(library, query)
            assert library.metadata_matches(query, 1000) == expected, query
            assert library.metadata_matches(query, 5) == expected[:5], query
        assert haystack_matches(library, "timetable 14")  # the short word is checked
        for query in ("etabl", "ferry fares 2024-0", "island 2024-03"):
            assert table_scans(library, lambda q=query: library.filtered_listing(q)[0]) == [], query


def test_the_filter_reads_at_most_its_limit(tmp_path, monkeypatch):
    import tui.store.library as store_library

    monkeypatch.setattr(store_library, "FILTER_LIMIT", 40)
    with Library(tmp_path / "lib.sqlite3") as library:
        many_articles(library, 300)
        shown = library.filtered_listing("ferry")  # every article: in the title and the text
        assert len(shown) == 40 and shown.more
        assert [e.id for e in shown] == haystack_matches(library, "ferry")[:40]
        assert len(library.text_matches("leaves", limit=7)) == 7
        few = library.filtered_listing("timetable 14")
        in_metadata = haystack_matches(library, "timetable 14")
        in_text = [i for i in library.text_matches("timetable 14") if i not in in_metadata]
        assert in_metadata and in_text  # the metadata's matches first, then the text's
        assert not few.more and [e.id for e in few] == in_metadata + in_text
