"""An entity's articles in a library of a million: read off what the schema's triggers keep per
canonical entity (`root_article_entities`, `root_article_counts`), never all of its articles,
and the same as summing the index over all its names on every lookup (as it was done before)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence

from test_index_build import generate

from tui import lookup
from tui.model import Analysis, Article, Entity, EntityMention, Quote
from tui.store import Library, index, put_analysis
from tui.store.cache import put_analyses
from tui.store.db import MIGRATIONS
from tui.store.index import queries


def summed_ranked_articles(
    db: sqlite3.Connection, ids: Sequence[int], limit: int
) -> tuple[list[tuple[int, int]], int]:
    """`ranked_articles` as it was: summed over the entity's names on every call."""
    marks = ",".join("?" * len(ids))
    every = db.execute(
        f"SELECT ae.article, sum(ae.mentions) n FROM article_entities ae "
        f"WHERE ae.entity IN ({marks}) GROUP BY ae.article ORDER BY n DESC, ae.article",
        list(ids),
    ).fetchall()
    rows, mentioning = every[:limit], len(every)
    only_said = [
        row[0]
        for row in db.execute(
            f"SELECT DISTINCT s.article FROM statements s WHERE s.entity IN ({marks}) "
            f"AND NOT EXISTS (SELECT 1 FROM article_entities ae WHERE ae.article = s.article "
            f"AND ae.entity IN ({marks})) ORDER BY s.article",
            [*ids, *ids],
        )
    ]
    rows += [(article, 0) for article in only_said[: max(0, limit - len(rows))]]
    return rows, mentioning + len(only_said)


def summed_cooccurring(
    db: sqlite3.Connection, root: int, ids: Sequence[int], articles: int, limit: int
) -> list[tuple[int, int]]:
    """`cooccurring` as it was (root ids and counts): from the names' rows on every call."""
    marks = ",".join("?" * len(ids))
    counts = dict(
        db.execute(
            f"SELECT coalesce(e.root, e.id) r, count(DISTINCT o.article) FROM article_entities o "
            f"JOIN entities e ON e.id = o.entity WHERE o.article IN "
            f"(SELECT DISTINCT article FROM article_entities WHERE entity IN ({marks}) "
            f"ORDER BY article DESC LIMIT ?) GROUP BY r",
            [*ids, articles],
        ).fetchall()
    )
    counts.pop(root, None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def kept_as_summed(library: Library) -> int:
    """The kept table and counts equal the index summed up now, and every canonical entity's
    ranked articles equal `summed_ranked_articles`'s. Returns how many entities were checked."""
    with library.reading() as db:
        kept = db.execute(
            "SELECT root, article, mentions, refs FROM root_article_entities ORDER BY 1, 2"
        ).fetchall()
        summed = db.execute(
            "SELECT coalesce(e.root, e.id), x.article, sum(x.mentions), count(*) FROM ("
            "SELECT article, entity, mentions FROM article_entities "
            "UNION ALL SELECT article, entity, 0 FROM statements"
            ") x JOIN entities e ON e.id = x.entity GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        assert kept == summed
        counts = dict(db.execute("SELECT root, articles FROM root_article_counts"))
        assert {r: n for r, n in counts.items() if n} == dict(Counter(r for r, *_ in kept))
        roots = [r[0] for r in db.execute("SELECT id FROM entities WHERE root IS NULL")]
        for root in roots:
            ids = [row[0] for row in index.names_of(db, root)]
            for limit in (3, 10_000):
                expected = summed_ranked_articles(db, ids, limit)
                assert queries.ranked_articles(db, ids, limit) == expected, (root, limit)
            for articles in (5, 1000):
                related = queries.cooccurring(db, root, articles=articles, limit=10)
                expected_related = summed_cooccurring(db, root, ids, articles, 10)
                assert [(f.id, n) for f, n in related] == expected_related, (root, articles)
    return len(roots)


def only_said(n: int, speaker: str) -> tuple[Article, Analysis]:
    """An article where `speaker` is quoted but never mentioned (an annotator accepted the
    quote, not the name): a group without mentions."""
    text = f"Note {n}.\n\n“We are ready,” the statement said."
    quote = Quote(text.index("We"), text.index("ready") + 6, "We are ready,", speaker, None, None)
    return Article(text=text), Analysis(
        groups=[Entity(0, speaker, "PERSON", ())], quotes=[quote, quote]
    )


def test_the_kept_ranking_is_the_index_summed_through_merges_splits_and_removals(tmp_path):
    data = generate(160, seed=5) + [only_said(n, "Ana Ruiz") for n in range(3)]
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add(article for article, _ in data)
        for start in (0, 100):
            put_analyses(library, "m", [(a.content_hash, x) for a, x in data[start : start + 100]])
        assert kept_as_summed(library) > 5
        ruiz = lookup.find_entity(library, "Ana Ruiz")
        assert ruiz is not None
        result = lookup.lookup(library, ruiz, limit=1000)
        assert [a.mentions for a in result.articles][-3:] == [0, 0, 0]  # the only-said, last
        assert result.article_count == len(result.articles)

        lookup.merge(library, "Ana Ruiz", "Omar Ruiz")
        kept_as_summed(library)
        lookup.merge(library, "Omar Lavrov", "Ana Ruiz")
        kept_as_summed(library)
        assert lookup.split(library, "Omar Ruiz")
        kept_as_summed(library)
        assert lookup.split(library, "Sergei Lavrov") or lookup.split(library, "Sergey Lavrov")
        kept_as_summed(library)
        for article_id in (1, 2, len(data) - 1):  # mentioned, and only said
            library.remove(article_id)
        kept_as_summed(library)
        article, _ = data[10]
        put_analysis(library, article.content_hash, "m2", data[11][1])  # indexed anew
        kept_as_summed(library)
        rebuilt = lookup.find_entity(library, "Ana Ruiz")
        assert rebuilt is not None
        with library.writing() as db:
            index.rebuild(db)
        kept_as_summed(library)


def test_an_existing_library_is_summed_up_by_the_migration(tmp_path):
    data = generate(80, seed=6) + [only_said(n, "Omar Ruiz") for n in range(2)]
    path = tmp_path / "lib.sqlite3"
    with Library(path) as library:
        library.add(article for article, _ in data)
        put_analyses(library, "m", [(a.content_hash, x) for a, x in data])
        with library.reading() as db:
            before = db.execute("SELECT * FROM root_article_entities ORDER BY 1, 2").fetchall()
    # The library as the schema before this migration left it.
    db = sqlite3.connect(path)
    for kind, name in db.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger') "
        "AND (name LIKE 'root_article_%')"
    ).fetchall():
        db.execute(f"DROP {kind} IF EXISTS {name}")
    summing = next(i for i, m in enumerate(MIGRATIONS) if "root_article_entities" in m)
    db.execute(f"PRAGMA user_version = {summing}")
    db.commit()
    db.close()
    with Library(path) as library:
        with library.reading() as db:
            after = db.execute("SELECT * FROM root_article_entities ORDER BY 1, 2").fetchall()
        assert after == before and len(after) > 80
        assert kept_as_summed(library) > 5


def quoted(n: int, name: str) -> tuple[Article, Analysis]:
    """An article that names `name` twice and quotes it once."""
    text = f"Story {n}.\n\n{name} spoke. “We are ready,” {name} said."
    first, second = text.index(name), text.rindex(name)
    spans = ((first, first + len(name)), (second, second + len(name)))
    quote = Quote(text.index("We"), text.index("ready") + 6, "We are ready,", name, *spans[1])
    return Article(text=text), Analysis(
        entities=[EntityMention(*span, "PERSON", name, 0) for span in spans],
        groups=[Entity(0, name, "PERSON", spans)],
        quotes=[quote],
    )


def vm_steps(library: Library, action: Callable[[], object]) -> int:
    """How many SQLite virtual machine instructions `action` runs (in hundreds)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with library.reading() as db:
        db.set_progress_handler(count, 100)
    try:
        action()
    finally:
        with library.reading() as db:
            db.set_progress_handler(None, 0)
    return steps


def lookup_steps(tmp_path, articles: int) -> int:
    """The SQLite work of an entity's first 5 articles, mentions, quotes: an entity of two names
    ("Sergey Lavrov", "Sergei Lavrov": merged) in `articles` articles."""
    data = [quoted(n, ("Sergey Lavrov", "Sergei Lavrov")[n % 2]) for n in range(articles)]
    with Library(tmp_path / f"lib{articles}.sqlite3") as library:
        library.add(article for article, _ in data)
        put_analyses(library, "m", [(a.content_hash, x) for a, x in data])
        found = lookup.find_entity(library, "Sergey Lavrov")
        assert found is not None
        with library.reading() as db:
            ids = [row[0] for row in index.names_of(db, found.id)]
            assert len(ids) == 2

            def read() -> None:
                shown, count = queries.ranked_articles(db, ids, 5)
                assert len(shown) == 5 and count == articles
                assert len(queries.mention_contexts(db, ids, 5, 40)) == 5
                assert len(queries.statements_of(db, ids, "quote", 5)) == 5

            return vm_steps(library, read)


def test_a_lookup_reads_as_much_for_an_entity_in_thousands_of_articles_as_in_tens(tmp_path):
    """Its first rows off indexes in order, and its count kept: ten times the articles is not
    ten times the work (summing or sorting them all would be)."""
    few, many = lookup_steps(tmp_path, 40), lookup_steps(tmp_path, 1_000)
    assert few > 0
    assert many <= few * 1.2 + 2, (few, many)
