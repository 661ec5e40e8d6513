"""The library at scale: build a library of N generated articles, then time what people do.

Usage: .venv/bin/python -m bench.scale [N] [--db PATH] [--minutes M] [--build-only]
(default N 1,000,000; --db keeps the library there, and a library already built there is
measured without building it again; --minutes stops the build, at a whole batch, when they run
out: the library is then the largest this machine built in that time; --build-only builds and
measures nothing, so the measuring runs the code as it is then)

Prints: build time (articles added through `Library.add`, their analyses stored and indexed
through `put_analyses`, the same code as `byline add --analyze`, 1,000 per transaction), the
file size, `byline list | head`, lookup p50/p95 for random names and for the most mentioned
entities, the library screen's first frame and a filter keystroke, and `byline search` p50/p95
as a process and as the function behind it.

The articles and analyses are bench/lookup.py's: names written into generated text at known
offsets (spaCy would take weeks on 500M words here)."""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

# Run as `python bench/scale.py` too: the checkout's root, not bench/, is what imports resolve in.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.library import screen_times
from bench.lookup import FILLER, FIRST, LAST, PLACES, generated, quantiles
from tui import lookup
from tui.store import Library
from tui.store.cache import put_analyses

BATCH = 1_000


def build(db: Path, count: int, minutes: float | None = None) -> None:
    """`count` articles, or as many as `minutes` allow (whole batches: the library stays one
    that a run with a smaller count would have built)."""
    articles = generated(count)
    started = time.perf_counter()
    deadline = started + minutes * 60 if minutes else None
    done = 0
    with Library(db) as library:
        while (deadline is None or time.perf_counter() < deadline) and (
            batch := list(islice(articles, BATCH))
        ):
            library.add(article for article, _ in batch)
            put_analyses(library, "synthetic", [(a.content_hash, x) for a, x in batch])
            done += len(batch)
            if done % max(BATCH, count // 10) == 0 or done == count:
                seconds = time.perf_counter() - started
                print(
                    f"  built {done:,} in {seconds:,.0f} s ({done / seconds:,.0f} articles/s)",
                    flush=True,
                )
    seconds = time.perf_counter() - started
    if done < count:
        print(f"build: stopped at {done:,} of {count:,} articles: --minutes {minutes:g} ran out")
    count = done
    print(
        f"build: {count:,} articles in {seconds:,.1f} s ({count / seconds:,.0f} articles/s; "
        "generating them included)"
    )


def byline(*argv: str) -> list[str]:
    return [sys.executable, "-m", "tui.cli", *argv]


def list_head(db: Path) -> None:
    started = time.perf_counter()
    shell = f"{' '.join(byline('list', '--db', str(db)))} | head"
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    print(f"byline list | head: {seconds:.2f} s (a process, Python start-up included)")
    print("    " + done.stdout.rstrip("\n").replace("\n", "\n    "))


def lookups(db: Path) -> None:
    rng = random.Random(1)
    names = [f"{f} {last}" for f in FIRST for last in LAST]
    with Library(db) as library:
        started = time.perf_counter()
        top = [f.name for f in lookup.search(library, "", limit=10)]
        print(f"the 10 most mentioned entities: {(time.perf_counter() - started) * 1000:.0f} ms")
        samples = rng.sample(names, 200) + [rng.choice(LAST) for _ in range(50)]
        for label, queries in (
            ("random names (200 full names, 50 surnames)", samples),
            ("the 10 most mentioned, 5 times each", top * 5),
        ):
            times = []
            for query in queries:
                started = time.perf_counter()
                found = lookup.find_entity(library, query)
                if found is not None:
                    lookup.lookup(library, found)
                times.append(time.perf_counter() - started)
            print(f"lookup, {label}:\n    {quantiles(times)}")


def search_queries(count: int, seed: int = 3) -> list[str]:
    """Searches people make: a word that is in nearly every article (the generated text repeats
    its filler words), two or three words, a name, a place and a word."""
    rng = random.Random(seed)
    kinds = [
        lambda: rng.choice(FILLER),
        lambda: " ".join(rng.sample(FILLER, 2)),
        lambda: " ".join(rng.sample(FILLER, 3)),
        lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        lambda: rng.choice(LAST),
        lambda: f"{rng.choice(PLACES)} {rng.choice(FILLER)}",
    ]
    return [kinds[n % len(kinds)]() for n in range(count)]


def search(db: Path) -> None:
    """`byline search`, as a process (what a user waits for, Python start-up included) and as
    the function behind it (`Library.search`: the query, ranking and snippets alone)."""
    times = []
    for query in search_queries(20):
        started = time.perf_counter()
        subprocess.run(byline("search", query, "--db", str(db)), capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    print(f"byline search, 20 queries, a process each:\n    {quantiles(times)}")
    started = time.perf_counter()
    subprocess.run(byline("--version"), capture_output=True, check=False)
    print(f"    (a process that only starts: {(time.perf_counter() - started) * 1000:.0f} ms)")
    times = []
    with Library(db) as library:
        for query in search_queries(200, seed=4):
            started = time.perf_counter()
            library.search(query, limit=20)
            times.append(time.perf_counter() - started)
    print(f"Library.search (byline search's work), 200 queries:\n    {quantiles(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("count", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--minutes", type=float, help="stop building when they run out")
    parser.add_argument("--build-only", action="store_true", help="build --db, measure nothing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "library.sqlite3"
        if not db.exists():
            build(db, args.count, args.minutes)
        if args.build_only:
            return
        with Library(db) as library:
            print(f"library: {len(library):,} articles, {db.stat().st_size / 1e6:,.0f} MB")
        list_head(db)
        lookups(db)
        shown, keys, rows, baseline = asyncio.run(screen_times(db, "report 12"))
        print(
            f"library screen: first frame {shown * 1000:.0f} ms; filter per keystroke "
            f"{min(keys) * 1000:.0f}-{max(keys) * 1000:.0f} ms (median "
            f"{sorted(keys)[len(keys) // 2] * 1000:.0f} ms); 'report 12' -> {rows:,} rows "
            f"(the harness's own cost of a key: {baseline * 1000:.0f} ms)"
        )
        search(db)


if __name__ == "__main__":
    main()
