"""Building the entity index in batches: the merging of names skipped where it cannot merge
(`tui.store.index.Joins`) gives the same index as one article at a time."""

from __future__ import annotations

import random
import sqlite3
from functools import partial
from pathlib import Path

from tui.model import Analysis, Article, Entity, EntityMention
from tui.store import Library, put_analysis
from tui.store.cache import put_analyses

INDEX_TABLES = {
    "entities": "id, name, norm, label, last, root, manual, mentions",
    "aliases": "alias, entity",
    "article_entities": "article, origin, entity, mentions",
    "mentions": "article, origin, entity, start, end",
    "statements": "article, origin, entity, kind, start, end, text, cue",
}


def index_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {
            table: db.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall()
            for table, columns in INDEX_TABLES.items()
        }
    finally:
        db.close()


def _put(
    parts: list[str],
    named: list[tuple[int, int, str, str, str]],
    text: str,
    label: str = "",
    canonical: str = "",
) -> None:
    start = sum(len(p) for p in parts) + len(parts)  # the spaces joining them
    parts.append(text)
    if label:
        named.append((start, start + len(text), label, text, canonical or text))


def generate(count: int, seed: int) -> list[tuple[Article, Analysis]]:
    """Articles naming people (full names, another spelling, lone surnames, which merge with
    the one full name ending with them while there is one) and organisations by their names
    and by acronyms their texts define."""
    rng = random.Random(seed)
    people = [
        f"{first} {last}" for first in ("Sergey", "Ana", "Omar") for last in ("Lavrov", "Ruiz")
    ]
    orgs = [("United Nations", "UN"), ("World Health Organization", "WHO"), ("Red Cross", "")]
    data = []
    for n in range(count):
        parts: list[str] = [f"Story {n}."]
        named: list[tuple[int, int, str, str, str]] = []  # start, end, label, text, canonical
        put = partial(_put, parts, named)

        for person in rng.sample(people, 2):
            written = person.replace("Sergey", "Sergei") if rng.random() < 0.3 else person
            put(written, "PERSON", written)
            put("met")
            if rng.random() < 0.5:
                put(person.split()[1], "PERSON", person.split()[1] if n < 40 else person)
        org, acronym = rng.choice(orgs)
        put(org, "ORG")
        if acronym:
            put(acronym, "ORG", org)  # defined by the text: one of the name's mentions
            put("and")
            other, other_acronym = rng.choice(orgs)
            if other_acronym and other != org:
                put(other_acronym, "ORG")  # not defined: a name of its own
        text = " ".join(parts)
        canon = list(dict.fromkeys(c for *_, c in named))
        analysis = Analysis(
            entities=[EntityMention(s, e, lab, t, canon.index(c)) for s, e, lab, t, c in named],
            groups=[
                Entity(
                    i,
                    c,
                    next(lab for *_, lab, _, cc in named if cc == c),
                    tuple((s, e) for s, e, *_, cc in named if cc == c),
                )
                for i, c in enumerate(canon)
            ],
        )
        data.append((Article(text=text), analysis))
    return data


def test_a_batch_indexes_as_one_article_at_a_time_does(tmp_path):
    """Generated articles with every kind of merge (another spelling, an acronym defined in the
    text, lone surnames): stored 60 to a transaction, or one to a transaction."""
    data = generate(240, seed=11)
    for article, analysis in data[:5]:
        for mention in analysis.entities:
            assert article.text[mention.start : mention.end] == mention.text
    with Library(tmp_path / "batched.sqlite3") as batched:
        batched.add(article for article, _ in data)
        for start in range(0, len(data), 60):
            put_analyses(batched, "m", [(a.content_hash, x) for a, x in data[start : start + 60]])
    with Library(tmp_path / "single.sqlite3") as single:
        single.add(article for article, _ in data)
        for article, analysis in data:
            put_analysis(single, article.content_hash, "m", analysis)
    batched_index, single_index = index_of(batched.path), index_of(single.path)
    assert batched_index == single_index
    merged = [row for row in single_index["entities"] if row[5] is not None]
    names = {row[1] for row in merged}
    assert names >= {"UN", "WHO", "Lavrov"} and {"Sergei Lavrov", "Sergey Lavrov"} & names


def one_name(text: str, name: str, label: str = "PERSON") -> tuple[Article, Analysis]:
    article = Article(text=text)
    span = (text.index(name), text.index(name) + len(name))
    analysis = Analysis(
        entities=[EntityMention(*span, label, name, 0)],
        groups=[Entity(0, name, label, (span,))],
    )
    return article, analysis


def test_names_already_merged_as_they_can_be_are_not_compared_again_in_a_batch(tmp_path):
    """The second and third articles name only what the first did: no look-alikes are read
    for them (the first's found none, and nothing has changed since)."""
    data = [one_name(f"Story {n}: Sergey Lavrov spoke.", "Sergey Lavrov") for n in range(3)]
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add(article for article, _ in data)
        statements: list[str] = []
        with library.reading() as db:
            db.set_trace_callback(statements.append)
        put_analyses(library, "m", [(a.content_hash, x) for a, x in data])
        with library.reading() as db:
            db.set_trace_callback(None)
    per_article: list[list[str]] = []
    for sql in statements:
        if sql.startswith("INSERT OR REPLACE INTO analyses"):
            per_article.append([])
        elif per_article:
            per_article[-1].append(sql)
    alike = [[sql for sql in article if "last = " in sql] for article in per_article]
    assert len(alike) == 3 and alike[0]
    assert alike[1:] == [[], []]
