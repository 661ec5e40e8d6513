"""Entity lookup at scale: index 10,000 generated articles (~5M words), then look names up.

Usage: .venv/bin/python -m bench.lookup [COUNT]   (default 10,000)
Prints: the time to store the articles, to store their analyses through the real cache (which
indexes each one as it is stored), to rebuild the whole index from the cache, and the latency
of looking a name up (find + articles, KWIC, quotes, claims, co-occurring: what `byline lookup`
and the lookup screen show) and of type-ahead search, as p50/p95/max.

The analyses are synthetic: spaCy runs at ~4k words/s here, so analysing 5M words would take
hours. The generator writes each name into the text itself and records where (entities,
per-article groups, quotes with speakers, claims with sources at known offsets); they are then
stored through the same `put_analysis` the reader uses.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tui import lookup
from tui.model import Analysis, Article, Claim, Entity, EntityMention, Quote
from tui.store import Library, put_analysis
from tui.store.index import rebuild

FIRST = (
    "Anna Boris Carlos Dmitri Elena Farid Grace Hassan Ines Jamal Katya Luis Maria Nadia "
    "Omar Pavel Rosa Sergey Tomas Yusuf Amir Beatriz Chen Dana Emil Fatima Goran Hana "
    "Ivan Julia"
).split()
LAST = (
    "Lavrov Kerry Okafor Lindqvist Moreau Tanaka Haddad Novak Petrov Silva Kowalski Dubois "
    "Nakamura Ibrahim Rossi Schmidt Jensen Fischer Costa Yilmaz Ahmed Kim Larsen Popescu "
    "Horvat Varga Nowak Ortiz Mendes Keller Bauer Weber Suzuki Khan Ali Hughes Walsh Byrne "
    "Murphy Kelly"
).split()
ORGS = [
    ("United Nations", "UN"),
    ("World Health Organization", "WHO"),
    ("European Union", "EU"),
    ("International Monetary Fund", "IMF"),
    ("Red Cross", None),
    ("Coastal Herald", None),
    ("Harbour Authority", None),
    ("Ministry of Finance", None),
    ("Central Bank", None),
    ("Fisheries Council", None),
]
PLACES = (
    "Geneva Aleppo Moscow Lisbon Oslo Nairobi Lima Hanoi Dakar Quito Riga Tunis Accra Perth Bergen"
).split()
FILLER = (
    "the council harbour bridge ferry minister election rates court storm farmers talks "
    "market strike rescue glacier tariff weeks across while after with over more than "
    "about report plan budget water power"
).split()


class Writer:
    """Builds an article's text and its analysis together, so every offset is known."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.mentions: list[EntityMention] = []
        self.groups: dict[str, tuple[int, str, list[tuple[int, int]]]] = {}
        self.quotes: list[Quote] = []
        self.claims: list[Claim] = []

    def put(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def name(self, surface: str, canonical: str, label: str) -> tuple[int, int]:
        span = self.put(surface)
        entity_id, _, spans = self.groups.setdefault(canonical, (len(self.groups), label, []))
        spans.append(span)
        self.mentions.append(EntityMention(*span, label, surface, entity_id))
        return span

    def text_of(self, start: int, end: int) -> str:
        return "".join(self.parts)[start:end]

    def analysis(self) -> Analysis:
        return Analysis(
            entities=self.mentions,
            groups=[
                Entity(i, name, label, tuple(spans))
                for name, (i, label, spans) in self.groups.items()
            ],
            quotes=self.quotes,
            claims=self.claims,
        )


def generate(count: int, seed: int = 7) -> list[tuple[Article, Analysis]]:
    return list(generated(count, seed))


def generated(count: int, seed: int = 7) -> Iterator[tuple[Article, Analysis]]:
    """`generate`, one article at a time (a million do not fit in memory at once)."""
    rng = random.Random(seed)
    people = [f"{f} {last}" for f in FIRST for last in LAST]  # 1,200 people
    rng.shuffle(people)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(people))]  # a few are in the news a lot
    for n in range(count):
        w = Writer()
        w.put(f"Report {n}: " + " ".join(rng.choice(FILLER) for _ in range(6)).capitalize())
        cast = list(dict.fromkeys(rng.choices(people, weights, k=4)))
        orgs = rng.sample(ORGS, 2)
        defined: set[str] = set()
        for p in range(10):  # ~10 paragraphs of ~50 words: ~500 words an article
            w.put("\n\n")
            words = [rng.choice(FILLER) for _ in range(32)]
            w.put(" ".join(words[:12]).capitalize() + " in ")
            place = rng.choice(PLACES)
            w.name(place, place, "GPE")
            w.put(" " + " ".join(words[12:]) + ". ")
            person = cast[p % len(cast)]
            first, last = person.split()
            full = p < len(cast)
            written = person
            if full and first == "Sergey" and rng.random() < 0.2:
                written = f"Sergei {last}"  # another spelling in some articles
            org, acronym = orgs[p % 2]
            if p % 3 == 0:
                start, end = w.put("“" + " ".join(rng.choice(FILLER) for _ in range(10)) + "”")
                w.put(", ")
                speaker = w.name(written if full else last, written if full else person, "PERSON")
                w.put(" said. ")
                w.quotes.append(
                    Quote(
                        start + 1, end - 1, w.text_of(start + 1, end - 1), person, *speaker, "said"
                    )
                )
            elif p % 3 == 1:
                w.put("According to the ")
                if acronym and org in defined:
                    source = w.name(acronym, org, "ORG")
                else:
                    source = w.name(org, org, "ORG")
                    if acronym:
                        w.put(" (")
                        w.name(acronym, org, "ORG")
                        w.put(")")
                        defined.add(org)
                w.put(", ")
                start, end = w.put(" ".join(rng.choice(FILLER) for _ in range(9)))
                w.claims.append(
                    Claim(start, end, w.text_of(start, end), org, *source, "according to")
                )
                w.put(". ")
            else:
                w.name(written if full else last, written if full else person, "PERSON")
                w.put(" met officials from the ")
                w.name(org, org, "ORG")
                w.put(" " + " ".join(rng.choice(FILLER) for _ in range(8)) + ".")
        yield (
            Article(
                text="".join(w.parts),
                title=f"Report {n}",
                source="Bench Wire",
                date=f"2024-{n % 12 + 1:02d}-01",
            ),
            w.analysis(),
        )


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
        f"max {ordered[-1] * 1000:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="?", type=int, default=10_000, help="(default: 10,000)")
    count = parser.parse_args().articles
    print(
        "Synthetic analyses: names written into generated text at known offsets (spaCy "
        "would take hours on 5M words here); stored through the real cache and index code."
    )
    start = time.perf_counter()
    data = generate(count)
    words = sum(len(a.text.split()) for a, _ in data)
    mentions = sum(len(x.entities) for _, x in data)
    print(
        f"generated {count:,} articles, {words:,} words, {mentions:,} entity mentions "
        f"in {time.perf_counter() - start:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lib.sqlite3"
        with Library(db) as library:
            start = time.perf_counter()
            library.add(article for article, _ in data)
            print(f"store articles:                   {time.perf_counter() - start:6.1f} s")
            start = time.perf_counter()
            for article, analysis in data:
                put_analysis(library, article.content_hash, "synthetic", analysis)
            seconds = time.perf_counter() - start
            print(
                f"store analyses + index each:      {seconds:6.1f} s "
                f"({count / seconds:,.0f} articles/s, one transaction each)"
            )
            with library.writing() as conn:
                for table in ("mentions", "article_entities", "statements"):
                    conn.execute(f"DELETE FROM {table}")
                conn.execute("UPDATE entities SET mentions = 0")
            start = time.perf_counter()
            with library.writing() as conn:
                rebuild(conn)
            print(
                f"rebuild the whole index:          {time.perf_counter() - start:6.1f} s "
                "(from the cached analyses, one transaction)"
            )
            with library.reading() as conn:
                entities = conn.execute("SELECT count(*), count(root) FROM entities").fetchone()
            print(
                f"index: {entities[0]:,} names, {entities[0] - entities[1]:,} canonical "
                f"entities; database {db.stat().st_size / 1e6:.0f} MB"
            )

            rng = random.Random(1)
            names = [f"{f} {last}" for f in FIRST for last in LAST]
            top = [f.name for f in lookup.search(library, "", limit=10)]
            samples = rng.sample(names, 200) + [rng.choice(LAST) for _ in range(50)]
            for label, queries in (
                ("a name (250 random: full names, surnames)", samples),
                ("the 10 most mentioned, 5 times each", top * 5),
            ):
                times = []
                for query in queries:
                    start = time.perf_counter()
                    found = lookup.find_entity(library, query)
                    if found is not None:
                        lookup.lookup(library, found)
                    times.append(time.perf_counter() - start)
                print(f"lookup {label}:\n    {quantiles(times)}")
            biggest = lookup.find_entity(library, top[0])
            assert biggest is not None
            result = lookup.lookup(library, biggest)
            print(
                f"    (most mentioned: {biggest.name}, {biggest.mentions:,} mentions in "
                f"{result.article_count:,} articles; 100 rows a section)"
            )
            times = []
            for name in rng.sample(names, 100):
                for n in range(1, 5):
                    start = time.perf_counter()
                    lookup.search(library, name[:n])
                    times.append(time.perf_counter() - start)
            print(f"type-ahead search (1-4 letters typed, 400 queries):\n    {quantiles(times)}")
            times = []
            for name in rng.sample(names, 20):
                start = time.perf_counter()
                lookup.suggestions(library, name[:-1] + "x")
                times.append(time.perf_counter() - start)
            print(f"suggestions for a misspelt name (20): {quantiles(times)}")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", "lookup", top[0], "--db", str(db)],
            capture_output=True,
            check=False,
        )
        print(
            f"byline lookup '{top[0]}' (a process, Python start-up included): "
            f"{time.perf_counter() - start:.2f} s, exit {done.returncode}"
        )


if __name__ == "__main__":
    main()
