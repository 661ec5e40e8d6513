"""Full-text search of the library (SQLite FTS5): the index kept by the store, existing
libraries migrated, and `byline search`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tui.cli import main
from tui.errors import UsageError
from tui.model import Article
from tui.store import Library
from tui.store.db import MIGRATIONS, statements

ARTICLES = [
    Article(
        text="Glacier retreat speeds up\n\nThe glacier lost a tenth of its ice. Glaciologists "
        "said the glacier could be gone by 2100.",
        title="Glacier retreat speeds up",
        source="Science Desk",
        author="Lena Fischer",
        date="2024-06-01",
    ),
    Article(
        text="Ferry fares rise\n\nFares rise in June. Passengers on the glacier tour boats "
        "pay more, officials said.",
        title="Ferry fares rise",
        source="Island News",
    ),
    Article(
        text="Trade talks\n\nPresident Trump said the tariffs would stay, according to "
        "Bashar al-Assad's café owner.",
        title="Trade talks",
        source="Wire",
    ),
]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    with Library(tmp_path / "lib.sqlite3") as opened:
        opened.add(ARTICLES)
        yield opened


def titles(hits) -> list[str]:
    return [hit.entry.title for hit in hits]


def test_the_text_is_searched_best_first_with_a_snippet(library: Library) -> None:
    hits = library.search("glacier")
    assert titles(hits) == ["Glacier retreat speeds up", "Ferry fares rise"]
    ferry = hits[1]
    assert "glacier tour" in ferry.snippet and "\n" not in ferry.snippet
    assert [ferry.snippet[a:b] for a, b in ferry.matches] == ["glacier"]
    assert hits[0].score > hits[1].score
    # Words only in the text, in any case, accents or none, with punctuation, all required.
    assert titles(library.search("TRUMP")) == ["Trade talks"]
    assert titles(library.search("cafe al-Assad")) == ["Trade talks"]
    assert titles(library.search("glacier passengers")) == ["Ferry fares rise"]
    assert library.search("glacier trump") == []
    # FTS5's own syntax: OR, phrases, prefixes, fields.
    assert sorted(titles(library.search("trump OR passengers"))) == [
        "Ferry fares rise",
        "Trade talks",
    ]
    assert titles(library.search('"tour boats"')) == ["Ferry fares rise"]
    assert titles(library.search("glacio*")) == ["Glacier retreat speeds up"]
    assert titles(library.search("author:fischer")) == ["Glacier retreat speeds up"]
    assert len(library.search("glacier", limit=1)) == 1


@pytest.mark.parametrize("query", ["trump OR", '"tour boats', "*", "source:"])
def test_a_query_fts5_cannot_read_is_one_usage_error(library: Library, query: str) -> None:
    with pytest.raises(UsageError) as raised:
        library.search(query)
    message = str(raised.value)
    assert message.startswith(f"bad search query '{query}': ") and "\n" not in message


def test_the_index_follows_adds_removes_and_filled_in_metadata(library: Library) -> None:
    assert library.text_matches("harbour") == []
    bridge = Article(text="Harbour bridge\n\nThe harbour bridge will close.", title="Bridge")
    new_id = library.add_one(bridge)
    assert library.text_matches("harb") == [new_id]  # the start of a word, as it is typed
    # The same text again with an author: the author is filled in, and searchable.
    library.add([Article(text=bridge.text, title="Bridge", author="Maria Okafor")])
    assert library.text_matches("okafor") == [new_id]
    assert titles(library.search("okafor")) == ["Bridge"]
    library.remove(new_id)
    assert library.text_matches("harbour") == [] and library.search("okafor") == []
    # The index holds exactly the articles there are.
    with library.reading() as db:
        db.execute("INSERT INTO article_text (article_text) VALUES ('integrity-check')")


def test_the_filter_query_is_answered_from_the_index(library: Library) -> None:
    """The library screen asks at every key: the FTS5 index answers, no table is scanned."""
    from tui.store.library import TEXT_MATCHES, TEXT_MATCHES_RANKED, prefix_query

    for sql in (TEXT_MATCHES, TEXT_MATCHES_RANKED):
        with library.reading() as db:
            plan = db.execute(f"EXPLAIN QUERY PLAN {sql}", (prefix_query("gla fe"),)).fetchall()
        details = " ".join(row[-1] for row in plan)
        # The MATCH answered by the FTS5 index (":M"), and no scan of the articles table.
        assert "VIRTUAL TABLE INDEX 0:M" in details and "SCAN articles" not in details, details
    assert library.text_matches("gla fe") == [library.entries()[1].id]
    assert library.text_matches("- ·") == []  # nothing to look for


def test_an_existing_library_is_indexed_when_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    before = next(i for i, migration in enumerate(MIGRATIONS) if "article_text" in migration)
    for migration in MIGRATIONS[:before]:  # the schema before full-text search
        for statement in statements(migration):
            old.execute(statement)
    old.execute(f"PRAGMA user_version = {before}")
    for article in ARTICLES:
        old.execute(
            "INSERT INTO articles (hash, title, source, text) VALUES (?, ?, ?, ?)",
            (article.content_hash, article.title, article.source, article.text),
        )
    old.close()
    with Library(path) as migrated:
        assert titles(migrated.search("trump")) == ["Trade talks"]
        with migrated.reading() as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


# `byline search`


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_byline_search_prints_hits_with_snippets(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(library.path)
    status, out, err = run(capsys, "search", "glacier", "--db", db)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "   1  Glacier retreat speeds up · Science Desk · 2024-06-01"
    assert lines[1].startswith("      ") and "glacier" in lines[1].lower()
    assert lines[2] == "   2  Ferry fares rise · Island News"
    assert "glacier tour boats" in lines[3]
    assert len(lines) == 4
    status, out, _ = run(capsys, "search", "glacier", "--limit", "1", "--db", db)
    assert len(out.splitlines()) == 2
    status, out, _ = run(capsys, "search", "al-Assad", "cafe", "--json", "--db", db)
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["id"] == 3 and record["title"] == "Trade talks"
    assert [record["snippet"][a:b] for a, b in record["matches"]] == ["al-Assad", "café"]
    assert record["snippet"].startswith("…") and record["score"] > 0


def test_byline_search_no_match_and_bad_queries(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(library.path)
    assert run(capsys, "search", "volcano", "--db", db) == (
        1,
        "",
        "byline: no article in the library matches 'volcano'\n",
    )
    status, out, err = run(capsys, "search", "glacier OR", "--db", db)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("byline: bad search query 'glacier OR': ")
    status, _, err = run(capsys, "search", "glacier", "--limit", "0", "--db", db)
    assert status == 2 and err.count("\n") == 1


def test_byline_search_output_is_flat_and_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "lib.sqlite3")
    with Library(db) as library:  # as stored by an older loader: controls left in
        library.add(
            [
                Article(
                    text="Storm\n\nA storm \x1b[2Jhit\x07 the coast.\nMore storm.",
                    title="[bold]Storm[/bold]\x1b]0;x\x07",
                    source="Wire\r\nX",
                )
            ]
        )
    status, out, err = run(capsys, "search", "storm", "--db", db)
    assert status == 0, err
    assert not any(c in out for c in "\x1b\x07\r")
    lines = out.splitlines()
    assert lines[0] == "   1  [bold]Storm[/bold] · Wire X"
    assert len(lines) == 2


def test_many_matches_come_in_library_order(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranking every match at every key would be slow in a big library: past a bound, the
    matches come as the library lists them."""
    import tui.store.library as store

    ranked = library.text_matches("glacier")
    assert ranked == [1, 2]  # best first: the title says it
    add = library.add_one(Article(text="Glacier glacier glacier\n\nGlacier.", title="Glacier"))
    assert library.text_matches("glacier")[0] == add
    monkeypatch.setattr(store, "RANKED_MATCHES", 2)
    assert library.text_matches("glacier") == [1, 2, add]


def test_a_word_in_very_many_articles_ranks_the_newest_of_them(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BM25 over every article of a million that holds a common word would take seconds: past
    `SEARCH_CANDIDATES` matches, the newest that many are ranked (and snippeted: only the hits)."""
    import tui.store.library as store

    assert [hit.entry.id for hit in library.search("glacier")] == [1, 2]  # the title counts most
    newest = library.add_one(Article(text="Minor note\n\nA glacier.", title="Minor note"))
    ranked = [hit.entry.id for hit in library.search("glacier")]
    assert ranked[0] == 1 and sorted(ranked) == [1, 2, newest]
    monkeypatch.setattr(store, "SEARCH_CANDIDATES", 2)
    hits = library.search("glacier")
    # Article 1 is not among the newest 2; the others keep their order.
    assert [hit.entry.id for hit in hits] == [i for i in ranked if i != 1]
    assert all("glacier" in hit.snippet.lower() for hit in hits)
    assert len(library.search("glacier", limit=1)) == 1


# Ranking a common word in a big library: BM25 in the index of the newest articles.


def window(library: Library, articles: int) -> None:
    """Make the index of the newest articles hold `articles` of them (50,000 in a library)."""
    with library.writing() as db:
        db.execute("UPDATE search_window SET articles = ?", (articles,))


def in_window(library: Library, word: str) -> list[int]:
    with library.reading() as db:
        rows = db.execute(
            "SELECT rowid FROM article_recent WHERE article_recent MATCH ? ORDER BY rowid",
            (word,),
        ).fetchall()
    return [row[0] for row in rows]


def test_common_words_are_ranked_by_bm25_over_the_newest_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTS5's bm25() counts, for its IDF, every article holding each word of the query: at a
    million articles, ~40 ms a common word. When the newest `SEARCH_CANDIDATES` matches are
    all among the newest articles, BM25 is computed in their own index: IDF from them."""
    import tui.store.library as store

    with Library(tmp_path / "lib.sqlite3") as library:
        window(library, 5)
        old = [library.add_one(Article(text=f"red note {n}")) for n in range(10)]
        green = library.add_one(Article(text="green"))
        library.add_one(Article(text="blue green"))
        library.add_one(Article(text="blue yellow"))
        reds = library.add_one(Article(text="red red red blue"))
        blues = library.add_one(Article(text="red blue blue blue"))
        assert in_window(library, "blue") == [green + 1, green + 2, reds, blues]
        assert in_window(library, "red") == [reds, blues] and old
        monkeypatch.setattr(store, "SEARCH_CANDIDATES", 2)
        # In the library red is in 12 of 15 articles (BM25: no weight), blue in 4: blues
        # first; among the newest 5, red is in 2 and blue in 4: reds first.
        with library.reading() as db:
            whole = db.execute(
                "SELECT rowid FROM article_text WHERE article_text MATCH 'red blue' "
                f"ORDER BY bm25(article_text, {store._WEIGHTS})"
            ).fetchall()
        assert [row[0] for row in whole] == [blues, reds]
        assert [hit.entry.id for hit in library.search("red blue")] == [reds, blues]
        # Fewer matches than the candidates: ranked in the whole library's index, as before.
        monkeypatch.setattr(store, "SEARCH_CANDIDATES", 3)
        assert [hit.entry.id for hit in library.search("red blue")] == [blues, reds]


def test_when_the_candidates_reach_past_the_newest_articles_their_matches_fill_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names match fewer articles than filler words: their newest `SEARCH_CANDIDATES` reach
    far back, and BM25 over the whole library's index reads each word's every article (100 ms
    cold at a million). If the newest articles hold a page of matches, those are ranked."""
    import tui.store.library as store

    with Library(tmp_path / "lib.sqlite3") as library:
        window(library, 5)
        library.add_one(Article(text="alpha alpha alpha alpha"))
        strong = library.add_one(Article(text="alpha alpha alpha"))
        recent = [library.add_one(Article(text=f"alpha and a long tail {n}")) for n in range(2)]
        for n in range(3):
            library.add_one(Article(text=f"plain {n}"))
        monkeypatch.setattr(store, "SEARCH_CANDIDATES", 3)  # strong and the two recent
        assert sorted(hit.entry.id for hit in library.search("alpha", limit=2)) == recent
        # A page the newest articles cannot fill: the candidates, from the whole index.
        page = [hit.entry.id for hit in library.search("alpha", limit=3)]
        assert page[0] == strong and sorted(page[1:]) == recent


def test_the_index_of_the_newest_articles_follows_adds_removes_and_changes(
    tmp_path: Path,
) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        window(library, 3)
        ids = [library.add_one(Article(text=f"word{n} common")) for n in range(5)]
        assert in_window(library, "common") == ids[2:]
        assert in_window(library, "word1") == []
        library.remove(ids[4])
        assert in_window(library, "common") == ids[2:4]
        again = library.add_one(Article(text="word9 common"))  # id 5 again (SQLite reuses it)
        assert in_window(library, "common") == [*ids[2:4], again]
        # An article known already gets its empty metadata filled in: indexed anew.
        library.add_one(Article(text="word3 common", title="Harbour news"))
        assert in_window(library, "harbour") == [ids[3]]
        assert in_window(library, "word9") == [again]
        latest = library.add_one(Article(text="word10 common"))
        assert in_window(library, "common") == [ids[3], again, latest]
        assert in_window(library, "word2") == []


def test_an_existing_library_gets_the_index_of_its_newest_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Library(path) as library:
        library.add(ARTICLES)
    old = sqlite3.connect(path, isolation_level=None)
    before = next(i for i, migration in enumerate(MIGRATIONS) if "article_recent" in migration)
    for statement in statements(
        "DROP TABLE article_recent; DROP TABLE search_window; DROP TABLE search_window_ids;"
    ):
        old.execute(statement)
    for trigger in ("insert", "delete", "update"):
        old.execute(f"DROP TRIGGER article_recent_{trigger}")
    old.execute(f"PRAGMA user_version = {before}")
    old.close()
    with Library(path) as migrated:
        assert in_window(migrated, "glacier") == [1, 2]
        assert titles(migrated.search("glacier")) == [
            "Glacier retreat speeds up",
            "Ferry fares rise",
        ]
